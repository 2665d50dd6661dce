#include "base/time_zone.h"

#include <algorithm>
#include <chrono>

#include <gtest/gtest.h>

namespace liaison {
namespace {

using std::chrono::year_month_day;

std::chrono::sys_seconds utc(int y, unsigned m, unsigned d, int hours, int minutes) {
  using namespace std::chrono;
  return sys_days(year(y) / month(m) / day(d)) + std::chrono::hours(hours) +
         std::chrono::minutes(minutes);
}

year_month_day ymd(int y, unsigned m, unsigned d) {
  return std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d);
}

TEST(CanonicalTimeZone, KeepsCurrentNames) {
  for (auto zone :
       {"Europe/Vienna", "America/New_York", "Asia/Tokyo", "Asia/Kolkata", "Europe/Kyiv",
        "Pacific/Kiritimati", "America/Argentina/Buenos_Aires", "Etc/UTC", "Etc/GMT+5"}) {
    auto canonical = canonical_time_zone(zone);
    ASSERT_TRUE(canonical) << zone;
    EXPECT_EQ(*canonical, zone);
  }
}

TEST(CanonicalTimeZone, OldNamesGiveTheCurrentOne) {
  EXPECT_EQ(canonical_time_zone("Asia/Calcutta").value(), "Asia/Kolkata");
  EXPECT_EQ(canonical_time_zone("Europe/Kiev").value(), "Europe/Kyiv");
  EXPECT_EQ(canonical_time_zone("Asia/Saigon").value(), "Asia/Ho_Chi_Minh");
  EXPECT_EQ(canonical_time_zone("Asia/Rangoon").value(), "Asia/Yangon");
  EXPECT_EQ(canonical_time_zone("America/Buenos_Aires").value(), "America/Argentina/Buenos_Aires");
  EXPECT_EQ(canonical_time_zone("US/Eastern").value(), "America/New_York");
  EXPECT_EQ(canonical_time_zone("UTC").value(), "Etc/UTC");
}

TEST(CanonicalTimeZone, ZonesMergedInTheDatabaseKeepTheirNames) {
  // tzdata 2022 made these links to zones of other countries that agree with them since 1970.
  EXPECT_EQ(canonical_time_zone("Europe/Stockholm").value(), "Europe/Stockholm");
  EXPECT_EQ(canonical_time_zone("Europe/Oslo").value(), "Europe/Oslo");
  EXPECT_EQ(canonical_time_zone("Europe/Amsterdam").value(), "Europe/Amsterdam");
  EXPECT_EQ(canonical_time_zone("Atlantic/Reykjavik").value(), "Atlantic/Reykjavik");
  EXPECT_EQ(canonical_time_zone("Africa/Asmara").value(), "Africa/Asmara");
}

TEST(CanonicalTimeZone, RefusesWhatIsNoZoneAndNamesIt) {
  for (auto zone : {"", "Mars/Base", "GMT+99", "GMT+5", "UTC+01:00", "europe/vienna",
                    "Europe/Vienna ", "Etc/Unknown", "Europe", "\xff"}) {
    auto canonical = canonical_time_zone(zone);
    ASSERT_FALSE(canonical) << zone;
    EXPECT_EQ(canonical.error().code, ErrorCode::invalid_argument);
  }
  EXPECT_FALSE(canonical_time_zone(std::string("Europe/Vienna\0x", 15)));
  EXPECT_FALSE(canonical_time_zone(std::string("Europe/Stockholm\0", 17)));
  EXPECT_EQ(canonical_time_zone("Mars/Base").error().message,
            "'Mars/Base' is not an IANA time zone");
  EXPECT_EQ(canonical_time_zone("").error().message, "'' is not an IANA time zone");
}

TEST(LocalDate, UtcIsTheDateOfTheInstant) {
  EXPECT_EQ(local_date(utc(2025, 6, 30, 23, 59), "UTC"), ymd(2025, 6, 30));
  EXPECT_EQ(local_date(utc(2025, 7, 1, 0, 0), "Etc/UTC"), ymd(2025, 7, 1));
  EXPECT_EQ(local_date(utc(1969, 12, 31, 23, 59), "UTC"), ymd(1969, 12, 31));
}

TEST(LocalDate, AnUnknownZoneCountsAsUtc) {
  EXPECT_EQ(local_date(utc(2024, 12, 31, 23, 30), "Mars/Base"), ymd(2024, 12, 31));
  EXPECT_EQ(local_date(utc(2024, 12, 31, 23, 30), ""), ymd(2024, 12, 31));
}

TEST(LocalDate, NewYearComesEarlierEastOfGreenwich) {
  EXPECT_EQ(local_date(utc(2024, 12, 31, 22, 59), "Europe/Vienna"), ymd(2024, 12, 31));
  EXPECT_EQ(local_date(utc(2024, 12, 31, 23, 0), "Europe/Vienna"), ymd(2025, 1, 1));
  EXPECT_EQ(local_date(utc(2024, 12, 31, 23, 30), "Europe/Vienna"), ymd(2025, 1, 1));
  EXPECT_EQ(local_date(utc(1969, 12, 31, 23, 30), "Europe/Vienna"), ymd(1970, 1, 1));
  // Half- and quarter-hour offsets.
  EXPECT_EQ(local_date(utc(2024, 12, 31, 18, 29), "Asia/Kolkata"), ymd(2024, 12, 31));
  EXPECT_EQ(local_date(utc(2024, 12, 31, 18, 30), "Asia/Kolkata"), ymd(2025, 1, 1));
  EXPECT_EQ(local_date(utc(2024, 12, 31, 18, 14), "Asia/Kathmandu"), ymd(2024, 12, 31));
  EXPECT_EQ(local_date(utc(2024, 12, 31, 18, 15), "Asia/Kathmandu"), ymd(2025, 1, 1));
}

TEST(LocalDate, ALeapDayWestOfGreenwich) {
  EXPECT_EQ(local_date(utc(2024, 3, 1, 2, 0), "America/New_York"), ymd(2024, 2, 29));
  EXPECT_EQ(local_date(utc(2024, 3, 1, 4, 59), "America/New_York"), ymd(2024, 2, 29));
  EXPECT_EQ(local_date(utc(2024, 3, 1, 5, 0), "America/New_York"), ymd(2024, 3, 1));
}

TEST(LocalDate, TheFirstAndTheLastZonesOfTheDay) {
  // Pacific/Kiritimati is UTC+14: its day starts at 10:00 UTC the day before.
  EXPECT_EQ(local_date(utc(2024, 12, 31, 9, 59), "Pacific/Kiritimati"), ymd(2024, 12, 31));
  EXPECT_EQ(local_date(utc(2024, 12, 31, 10, 0), "Pacific/Kiritimati"), ymd(2025, 1, 1));
  // Pacific/Pago_Pago is UTC-11: its day ends at 11:00 UTC the day after.
  EXPECT_EQ(local_date(utc(2025, 1, 1, 10, 59), "Pacific/Pago_Pago"), ymd(2024, 12, 31));
  EXPECT_EQ(local_date(utc(2025, 1, 1, 11, 0), "Pacific/Pago_Pago"), ymd(2025, 1, 1));
  // At one instant three calendar dates are in use.
  auto instant = utc(2025, 1, 1, 10, 30);
  EXPECT_EQ(local_date(instant, "Pacific/Pago_Pago"), ymd(2024, 12, 31));
  EXPECT_EQ(local_date(instant, "UTC"), ymd(2025, 1, 1));
  EXPECT_EQ(local_date(instant, "Pacific/Kiritimati"), ymd(2025, 1, 2));
}

TEST(LocalDate, DaysWithADaylightSavingTransition) {
  // Vienna springs forward on 2025-03-30 at 01:00 UTC (02:00 CET becomes 03:00 CEST).
  EXPECT_EQ(local_date(utc(2025, 3, 29, 22, 59), "Europe/Vienna"), ymd(2025, 3, 29));
  EXPECT_EQ(local_date(utc(2025, 3, 29, 23, 0), "Europe/Vienna"), ymd(2025, 3, 30));
  EXPECT_EQ(local_date(utc(2025, 3, 30, 21, 59), "Europe/Vienna"), ymd(2025, 3, 30));
  EXPECT_EQ(local_date(utc(2025, 3, 30, 22, 0), "Europe/Vienna"), ymd(2025, 3, 31));
  // New York falls back on 2024-11-03 at 06:00 UTC (02:00 EDT becomes 01:00 EST).
  EXPECT_EQ(local_date(utc(2024, 11, 3, 3, 59), "America/New_York"), ymd(2024, 11, 2));
  EXPECT_EQ(local_date(utc(2024, 11, 3, 4, 0), "America/New_York"), ymd(2024, 11, 3));
  EXPECT_EQ(local_date(utc(2024, 11, 4, 4, 59), "America/New_York"), ymd(2024, 11, 3));
  EXPECT_EQ(local_date(utc(2024, 11, 4, 5, 0), "America/New_York"), ymd(2024, 11, 4));
  // Southern hemisphere: Sydney falls back on 2025-04-06 at 16:00 UTC (03:00 AEDT becomes
  // 02:00 AEST).
  EXPECT_EQ(local_date(utc(2025, 4, 5, 12, 59), "Australia/Sydney"), ymd(2025, 4, 5));
  EXPECT_EQ(local_date(utc(2025, 4, 5, 13, 0), "Australia/Sydney"), ymd(2025, 4, 6));
  EXPECT_EQ(local_date(utc(2025, 4, 6, 13, 59), "Australia/Sydney"), ymd(2025, 4, 6));
  EXPECT_EQ(local_date(utc(2025, 4, 6, 14, 0), "Australia/Sydney"), ymd(2025, 4, 7));
}

TEST(LocalDate, ADayAZoneSkipped) {
  // Samoa moved across the date line: 29 December 2011 was followed by 31 December.
  EXPECT_EQ(local_date(utc(2011, 12, 30, 9, 59), "Pacific/Apia"), ymd(2011, 12, 29));
  EXPECT_EQ(local_date(utc(2011, 12, 30, 10, 0), "Pacific/Apia"), ymd(2011, 12, 31));
}

TEST(LocalTimeText, IsTheWallClockTimeToTheMinute) {
  auto instant = utc(2026, 12, 8, 14, 0);
  EXPECT_EQ(local_time_text(instant, "Etc/UTC"), "2026-12-08 14:00");
  EXPECT_EQ(local_time_text(instant, "UTC"), "2026-12-08 14:00");
  EXPECT_EQ(local_time_text(instant, "Europe/Vienna"), "2026-12-08 15:00");
  EXPECT_EQ(local_time_text(instant, "America/New_York"), "2026-12-08 09:00");
  EXPECT_EQ(local_time_text(instant, "Asia/Kolkata"), "2026-12-08 19:30");
  EXPECT_EQ(local_time_text(instant, "Asia/Calcutta"), "2026-12-08 19:30");
  EXPECT_EQ(local_time_text(instant, "Asia/Kathmandu"), "2026-12-08 19:45");
  EXPECT_EQ(local_time_text(instant, "Pacific/Kiritimati"), "2026-12-09 04:00");
  EXPECT_EQ(local_time_text(instant, "Pacific/Pago_Pago"), "2026-12-08 03:00");
  // Seconds are dropped, not rounded.
  EXPECT_EQ(local_time_text(instant + std::chrono::seconds(59), "Etc/UTC"), "2026-12-08 14:00");
  EXPECT_EQ(local_time_text(instant - std::chrono::seconds(1), "Etc/UTC"), "2026-12-08 13:59");
  EXPECT_EQ(local_time_text(utc(1969, 12, 31, 23, 59), "Etc/UTC"), "1969-12-31 23:59");
}

TEST(LocalTimeText, FollowsDaylightSavingTime) {
  // Vienna springs forward on 2026-03-29 at 01:00 UTC: local 02:00 to 02:59 never happens.
  EXPECT_EQ(local_time_text(utc(2026, 3, 29, 0, 59), "Europe/Vienna"), "2026-03-29 01:59");
  EXPECT_EQ(local_time_text(utc(2026, 3, 29, 1, 0), "Europe/Vienna"), "2026-03-29 03:00");
  // New York falls back on 2026-11-01 at 06:00 UTC: local 01:30 happens twice.
  EXPECT_EQ(local_time_text(utc(2026, 11, 1, 5, 30), "America/New_York"), "2026-11-01 01:30");
  EXPECT_EQ(local_time_text(utc(2026, 11, 1, 6, 30), "America/New_York"), "2026-11-01 01:30");
  // Sydney is on summer time in the northern winter.
  EXPECT_EQ(local_time_text(utc(2026, 1, 15, 0, 0), "Australia/Sydney"), "2026-01-15 11:00");
  EXPECT_EQ(local_time_text(utc(2026, 7, 15, 0, 0), "Australia/Sydney"), "2026-07-15 10:00");
}

TEST(LocalTimeText, EmptyForWhatIsNoZone) {
  auto instant = utc(2026, 12, 8, 14, 0);
  for (auto zone : {"", "Mars/Base", "europe/vienna", "GMT+5", "UTC+01:00", "Etc/Unknown", "\xff"})
    EXPECT_EQ(local_time_text(instant, zone), "") << zone;
  EXPECT_EQ(local_time_text(instant, std::string("Europe/Vienna\0x", 15)), "");
}

TEST(TimeZoneNames, ListsTodaysPlacesOnceEachByTheirCurrentNames) {
  auto names = time_zone_names();
  EXPECT_GT(names.size(), 300u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  auto has = [&names](std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  EXPECT_TRUE(has("Europe/Vienna"));
  EXPECT_TRUE(has("Asia/Kolkata"));
  EXPECT_TRUE(has("Europe/Kyiv"));
  EXPECT_FALSE(has("Asia/Calcutta"));
  for (const auto& name : names)
    EXPECT_EQ(canonical_time_zone(name).value(), name);
}

}  // namespace
}  // namespace liaison
