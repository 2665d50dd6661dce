#include "base/clock.h"

#include <chrono>

#include <gtest/gtest.h>

namespace liaison {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

system_clock::time_point at(year_month_day date, system_clock::duration time_of_day = {}) {
  return system_clock::time_point(sys_days(date)) + time_of_day;
}

// --- format_utc ------------------------------------------------------------------------------

TEST(FormatUtc, TheEpoch) {
  EXPECT_EQ(format_utc(system_clock::time_point{}), "1970-01-01T00:00:00.000000Z");
}

TEST(FormatUtc, AKnownDateWithMicroseconds) {
  auto time = at(2026y / November / 23, 11h + 50min + 15s + 123456us);
  EXPECT_EQ(format_utc(time), "2026-11-23T11:50:15.123456Z");
}

TEST(FormatUtc, PadsEveryFieldWithZeros) {
  auto time = at(2001y / January / 2, 3h + 4min + 5s + 6us);
  EXPECT_EQ(format_utc(time), "2001-01-02T03:04:05.000006Z");
}

TEST(FormatUtc, AlwaysWritesSixFractionDigits) {
  EXPECT_EQ(format_utc(at(2024y / February / 29)), "2024-02-29T00:00:00.000000Z");
  EXPECT_EQ(format_utc(at(2024y / February / 29, 500ms)), "2024-02-29T00:00:00.500000Z");
}

TEST(FormatUtc, TruncatesBelowAMicrosecondInsteadOfRounding) {
  auto time = at(2025y / December / 31, 23h + 59min + 59s + 999999us + 999ns);
  EXPECT_EQ(format_utc(time), "2025-12-31T23:59:59.999999Z");
}

TEST(FormatUtc, AUnixTimestampFromElsewhere) {
  // date -u -d @1700000000 → 2023-11-14T22:13:20Z
  EXPECT_EQ(format_utc(system_clock::time_point(1'700'000'000s + 1us)),
            "2023-11-14T22:13:20.000001Z");
}

TEST(FormatUtc, SortsLexicographicallyInTimeOrder) {
  auto base = at(2026y / November / 23, 9h);
  auto a = format_utc(base);
  auto b = format_utc(base + 1us);
  auto c = format_utc(base + 1h);
  auto d = format_utc(base + days(400));
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_LT(c, d);
}

TEST(FormatUtc, BeforeTheEpoch) {
  // One microsecond before 1970 is the last microsecond of 1969, not a negative fraction.
  EXPECT_EQ(format_utc(system_clock::time_point{} - 1us), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(format_utc(at(1969y / July / 20, 20h + 17min + 40s + 250ms)),
            "1969-07-20T20:17:40.250000Z");
}

// --- ManualClock -----------------------------------------------------------------------------

TEST(ManualClock, MovesOnlyWhenTold) {
  auto start = at(2026y / January / 1);
  ManualClock clock(start);
  EXPECT_EQ(clock.now(), start);
  EXPECT_EQ(clock.now(), start);
  clock.advance(36h);
  EXPECT_EQ(clock.now(), start + 36h);
  clock.set(start - 1s);
  EXPECT_EQ(clock.now(), start - 1s);
  const Clock& as_clock = clock;
  EXPECT_EQ(format_utc(as_clock.now()), "2025-12-31T23:59:59.000000Z");
}

}  // namespace
}  // namespace liaison
