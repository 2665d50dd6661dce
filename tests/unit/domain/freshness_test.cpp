#include "domain/freshness.h"

#include <chrono>
#include <vector>

#include <gtest/gtest.h>

#include "base/time_zone.h"
#include "domain/organisation.h"

namespace liaison::domain {
namespace {

using std::chrono::year_month_day;

//! A date the test spells out; a typo fails the test rather than crashing it.
year_month_day date(std::string_view text) {
  auto parsed = parse_date(text);
  EXPECT_TRUE(parsed) << text;
  return parsed ? *parsed : year_month_day{};
}

std::chrono::sys_seconds utc(int y, unsigned m, unsigned d, int hours, int minutes) {
  using namespace std::chrono;
  return sys_days(year(y) / month(m) / day(d)) + std::chrono::hours(hours) +
         std::chrono::minutes(minutes);
}

TEST(ParseDate, ReadsValidCalendarDates) {
  auto parsed = parse_date("2024-02-29");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, std::chrono::year(2024) / 2 / 29);
  EXPECT_TRUE(parse_date("2025-12-31"));
  EXPECT_TRUE(parse_date("2000-02-29"));  // divisible by 400: a leap year
  EXPECT_TRUE(parse_date("0001-01-01"));
}

TEST(ParseDate, RefusesAnythingElse) {
  for (auto text : {"", "2025-02-30", "2023-02-29", "1900-02-29", "2025-13-01", "2025-00-10",
                    "2025-01-00", "2025-1-01", "2025-01-1", "25-01-01", "2025/01/01", "20250101",
                    " 2025-01-01", "2025-01-01 ", "2025-01-01T00:00:00Z", "+025-01-01",
                    "2025-+1-01", "２０２５-01-01", "2025-01-0\xff"}) {
    auto parsed = parse_date(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::invalid_argument);
  }
  EXPECT_EQ(parse_date("2025-02-30").error().message,
            "'2025-02-30' is not a date of the form YYYY-MM-DD");
}

TEST(FormatDate, WritesWhatParseDateReads) {
  EXPECT_EQ(format_date(std::chrono::year(2025) / 3 / 7), "2025-03-07");
  EXPECT_EQ(format_date(std::chrono::year(987) / 12 / 31), "0987-12-31");
  for (auto text : {"2024-02-29", "1999-12-31", "2038-01-19"})
    EXPECT_EQ(format_date(date(text)), text);
}

TEST(AddDays, CrossesMonthsYearsAndLeapDays) {
  EXPECT_EQ(add_days(date("2024-02-28"), 1), date("2024-02-29"));
  EXPECT_EQ(add_days(date("2023-02-28"), 1), date("2023-03-01"));
  EXPECT_EQ(add_days(date("2024-12-31"), 1), date("2025-01-01"));
  EXPECT_EQ(add_days(date("2025-01-01"), -1), date("2024-12-31"));
  EXPECT_EQ(add_days(date("2024-01-31"), 30), date("2024-03-01"));
  EXPECT_EQ(add_days(date("2024-06-15"), 0), date("2024-06-15"));
}

TEST(DueDate, AddsCalendarMonths) {
  EXPECT_EQ(due_date(date("2024-06-15"), 12), date("2025-06-15"));
  EXPECT_EQ(due_date(date("2024-06-15"), 6), date("2024-12-15"));
  EXPECT_EQ(due_date(date("2024-11-30"), 3), date("2025-02-28"));
  EXPECT_EQ(due_date(date("2024-06-15"), 0), date("2024-06-15"));
}

TEST(DueDate, ALeapDayFallsDueOnTheLastDayOfFebruary) {
  EXPECT_EQ(due_date(date("2024-02-29"), 12), date("2025-02-28"));
  EXPECT_EQ(due_date(date("2024-02-29"), 24), date("2026-02-28"));
  EXPECT_EQ(due_date(date("2024-02-29"), 48), date("2028-02-29"));
  EXPECT_EQ(due_date(date("2024-02-29"), 6), date("2024-08-29"));
}

TEST(DueDate, MonthEndsClampToTheShorterMonth) {
  EXPECT_EQ(due_date(date("2023-08-31"), 6), date("2024-02-29"));
  EXPECT_EQ(due_date(date("2022-08-31"), 6), date("2023-02-28"));
  EXPECT_EQ(due_date(date("2024-01-31"), 1), date("2024-02-29"));
  EXPECT_EQ(due_date(date("2024-03-31"), 1), date("2024-04-30"));
  EXPECT_EQ(due_date(date("2024-05-31"), 12), date("2025-05-31"));
  EXPECT_EQ(due_date(date("2024-10-31"), 6), date("2025-04-30"));
}

TEST(Freshness, NamesRoundTrip) {
  for (auto value :
       {Freshness::never_confirmed, Freshness::current, Freshness::due_soon, Freshness::overdue})
    EXPECT_EQ(parse_freshness(freshness_name(value)), value);
  EXPECT_EQ(freshness_name(Freshness::due_soon), "due_soon");
  EXPECT_FALSE(parse_freshness("Overdue"));
  EXPECT_FALSE(parse_freshness(""));
}

TEST(Freshness, NeverConfirmedWithoutAConfirmation) {
  EXPECT_EQ(freshness(std::nullopt, date("2025-01-01"), 12), Freshness::never_confirmed);
}

TEST(Freshness, CountsDownToTheDueDay) {
  auto confirmed = date("2024-03-15");  // due 2025-03-15
  EXPECT_EQ(freshness(confirmed, date("2024-03-15"), 12), Freshness::current);
  EXPECT_EQ(freshness(confirmed, date("2025-02-12"), 12), Freshness::current);   // 31 days left
  EXPECT_EQ(freshness(confirmed, date("2025-02-13"), 12), Freshness::due_soon);  // 30 days left
  EXPECT_EQ(freshness(confirmed, date("2025-03-14"), 12), Freshness::due_soon);
  EXPECT_EQ(freshness(confirmed, date("2025-03-15"), 12), Freshness::due_soon);  // the due day
  EXPECT_EQ(freshness(confirmed, date("2025-03-16"), 12), Freshness::overdue);
  EXPECT_EQ(freshness(confirmed, date("2027-01-01"), 12), Freshness::overdue);
}

TEST(Freshness, UsesTheOrganisationsPeriodAndWarningWindow) {
  auto confirmed = date("2024-02-29");
  // Six months (ASEAN): due 2024-08-29.
  EXPECT_EQ(freshness(confirmed, date("2024-08-29"), 6), Freshness::due_soon);
  EXPECT_EQ(freshness(confirmed, date("2024-08-30"), 6), Freshness::overdue);
  // Twelve months from a leap day: due 2025-02-28, not 2025-03-01.
  EXPECT_EQ(freshness(confirmed, date("2025-02-28"), 12), Freshness::due_soon);
  EXPECT_EQ(freshness(confirmed, date("2025-03-01"), 12), Freshness::overdue);
  // Forty-eight months: due on the next leap day.
  EXPECT_EQ(freshness(confirmed, date("2028-02-29"), 48), Freshness::due_soon);
  EXPECT_EQ(freshness(confirmed, date("2028-03-01"), 48), Freshness::overdue);
  // A narrower warning window.
  EXPECT_EQ(freshness(confirmed, date("2025-02-20"), 12, 7), Freshness::current);
  EXPECT_EQ(freshness(confirmed, date("2025-02-21"), 12, 7), Freshness::due_soon);
  EXPECT_EQ(freshness(confirmed, date("2025-02-28"), 12, 0), Freshness::due_soon);
}

TEST(Freshness, AConfirmationDatedAfterTodayIsCurrent) {
  // A date computed in a zone ahead of the caller's; nothing to warn about.
  EXPECT_EQ(freshness(date("2025-07-02"), date("2025-07-01"), 12), Freshness::current);
}

TEST(Reminders, NothingBeforeThirtyDaysAreLeft) {
  auto due = date("2025-03-15");
  EXPECT_EQ(reminder_to_send(due, date("2025-02-12"), {}), std::nullopt);  // 31 days left
  EXPECT_EQ(reminder_to_send(due, date("2024-03-15"), {}), std::nullopt);
}

TEST(Reminders, ThirtySevenAndZeroDaysBefore) {
  auto due = date("2025-03-15");
  std::vector<int> sent;
  auto send_on = [&](std::string_view today) {
    auto reminder = reminder_to_send(due, date(today), sent);
    if (reminder) sent.push_back(*reminder);
    return reminder;
  };
  EXPECT_EQ(send_on("2025-02-13"), 30);
  EXPECT_EQ(send_on("2025-02-13"), std::nullopt);  // the job runs again the same day
  EXPECT_EQ(send_on("2025-02-14"), std::nullopt);
  EXPECT_EQ(send_on("2025-03-07"), std::nullopt);  // 8 days left
  EXPECT_EQ(send_on("2025-03-08"), 7);
  EXPECT_EQ(send_on("2025-03-09"), std::nullopt);
  EXPECT_EQ(send_on("2025-03-14"), std::nullopt);
  EXPECT_EQ(send_on("2025-03-15"), 0);  // the due day
  EXPECT_EQ(send_on("2025-03-16"), std::nullopt);
  EXPECT_EQ(send_on("2025-09-01"), std::nullopt);  // overdue for months: no more reminders
  EXPECT_EQ(sent, (std::vector<int>{30, 7, 0}));
}

TEST(Reminders, AfterDowntimeOnlyTheMostUrgentReachedOneGoesOut) {
  auto due = date("2025-03-15");
  // Down from 35 days before until 5 days before: the 30-day reminder is skipped.
  EXPECT_EQ(reminder_to_send(due, date("2025-03-10"), {}), 7);
  const std::vector<int> seven{7};
  EXPECT_EQ(reminder_to_send(due, date("2025-03-11"), seven), std::nullopt);
  // Never an older, less urgent reminder after a more urgent one.
  const std::vector<int> zero{0};
  EXPECT_EQ(reminder_to_send(due, date("2025-03-10"), zero), std::nullopt);
  EXPECT_EQ(reminder_to_send(due, date("2025-02-20"), seven), std::nullopt);
}

TEST(Reminders, AnOverdueStateThatWasNeverRemindedGetsTheLastOne) {
  auto due = date("2025-03-15");
  EXPECT_EQ(reminder_to_send(due, date("2025-03-16"), {}), 0);
  EXPECT_EQ(reminder_to_send(due, date("2026-01-01"), {}), 0);
  const std::vector<int> earlier{30, 7};
  EXPECT_EQ(reminder_to_send(due, date("2025-04-01"), earlier), 0);
  const std::vector<int> all{30, 7, 0};
  EXPECT_EQ(reminder_to_send(due, date("2025-04-01"), all), std::nullopt);
}

TEST(Reminders, CountAcrossYearEndsAndLeapDays) {
  // Due 2025-01-05: 30 days before is 2024-12-06.
  EXPECT_EQ(reminder_to_send(date("2025-01-05"), date("2024-12-05"), {}), std::nullopt);
  EXPECT_EQ(reminder_to_send(date("2025-01-05"), date("2024-12-06"), {}), 30);
  // Due 2024-03-06: 7 days before is 2024-02-28, since February 2024 has a 29th.
  const std::vector<int> thirty{30};
  EXPECT_EQ(reminder_to_send(date("2024-03-06"), date("2024-02-27"), thirty), std::nullopt);
  EXPECT_EQ(reminder_to_send(date("2024-03-06"), date("2024-02-28"), thirty), 7);
}

TEST(LateChange, ThirtyDaysAreOnTimeAndThirtyOneLate) {
  auto effective = date("2025-03-01");
  EXPECT_FALSE(late_change(effective, date("2025-03-01"), 30));
  EXPECT_FALSE(late_change(effective, date("2025-03-31"), 30));  // day 30
  EXPECT_TRUE(late_change(effective, date("2025-04-01"), 30));   // day 31
  EXPECT_TRUE(late_change(effective, date("2026-03-01"), 30));
}

TEST(LateChange, AFutureChangeIsNeverLate) {
  EXPECT_FALSE(late_change(date("2025-06-01"), date("2025-03-01"), 30));
  EXPECT_FALSE(late_change(date("2025-06-01"), date("2025-03-01"), 0));
}

TEST(LateChange, CountsAcrossYearEndsAndLeapDays) {
  // 2024-12-15 + 30 days = 2025-01-14.
  EXPECT_FALSE(late_change(date("2024-12-15"), date("2025-01-14"), 30));
  EXPECT_TRUE(late_change(date("2024-12-15"), date("2025-01-15"), 30));
  // 2024-02-10 + 30 days = 2024-03-11 in a leap year, 2023-03-12 in a common year.
  EXPECT_FALSE(late_change(date("2024-02-10"), date("2024-03-11"), 30));
  EXPECT_TRUE(late_change(date("2024-02-10"), date("2024-03-12"), 30));
  EXPECT_FALSE(late_change(date("2023-02-10"), date("2023-03-12"), 30));
  EXPECT_TRUE(late_change(date("2023-02-10"), date("2023-03-13"), 30));
  // No notice period: only a change recorded on its day is on time.
  EXPECT_FALSE(late_change(date("2025-05-05"), date("2025-05-05"), 0));
  EXPECT_TRUE(late_change(date("2025-05-05"), date("2025-05-06"), 0));
}

TEST(FreshnessInTheOrganisationsZone, ARecordingCountsOnTheLocalDate) {
  DirectoryRules rules;
  rules.time_zone = "Asia/Tokyo";
  // 23:30 UTC on 30 June is 08:30 on 1 July in Tokyo.
  auto confirmed_on = local_date(utc(2025, 6, 30, 23, 30), rules.time_zone);
  EXPECT_EQ(confirmed_on, date("2025-07-01"));
  EXPECT_EQ(due_date(confirmed_on, rules.reconfirm_months), date("2026-07-01"));
  // In UTC the same instant falls due a day earlier.
  EXPECT_EQ(due_date(local_date(utc(2025, 6, 30, 23, 30), "UTC"), 12), date("2026-06-30"));

  // On 1 July 2026 at 14:59 UTC it is 23:59 in Tokyo: still the due day.
  auto today = local_date(utc(2026, 7, 1, 14, 59), rules.time_zone);
  EXPECT_EQ(freshness(confirmed_on, today, rules.reconfirm_months), Freshness::due_soon);
  EXPECT_EQ(reminder_to_send(due_date(confirmed_on, 12), today, std::vector<int>{30, 7}), 0);
  // A minute later Tokyo is on 2 July.
  today = local_date(utc(2026, 7, 1, 15, 0), rules.time_zone);
  EXPECT_EQ(freshness(confirmed_on, today, rules.reconfirm_months), Freshness::overdue);
}

TEST(FreshnessInTheOrganisationsZone, LateNoticeOnLocalDates) {
  // A change effective 2025-01-31, recorded at 2025-03-02T23:30Z: 30 days later in UTC, but
  // already 3 March (31 days) in Vienna.
  auto effective = date("2025-01-31");
  auto recorded = utc(2025, 3, 2, 23, 30);
  EXPECT_FALSE(late_change(effective, local_date(recorded, "UTC"), 30));
  EXPECT_TRUE(late_change(effective, local_date(recorded, "Europe/Vienna"), 30));
}

}  // namespace
}  // namespace liaison::domain
