#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace liaison {

// IANA time zones through ICU's copy of the time zone database (GCC 12's libstdc++ has no
// std::chrono::tzdb). Rules that count calendar days (deadlines, reminders) count them in a
// zone's local dates, not in UTC.

//! The name to store for the IANA time zone `iana` (exact spelling, case included). Old names
//! give the IANA name they link to ("Asia/Calcutta" gives "Asia/Kolkata", "Europe/Kiev"
//! "Europe/Kyiv", "US/Eastern" "America/New_York", "UTC" "Etc/UTC"); current names stay
//! ("Europe/Vienna"). Where ICU's data has merged zones that differ before 1970 (tzdata 2022 links
//! "Europe/Stockholm" to "Europe/Berlin"), the name given stays, so that no state is shown
//! another country's zone. invalid_argument Error naming the value for anything else ("",
//! "Mars/Base", offsets such as "GMT+5" or "GMT+99").
Result<std::string> canonical_time_zone(std::string_view iana);

//! The IANA names of today's zones of places ("Africa/Abidjan" … "Pacific/Wallis"), each as
//! canonical_time_zone gives it, sorted: what a form offers to choose from.
std::vector<std::string> time_zone_names();

//! The calendar date in zone `iana` at `instant`; in UTC when ICU does not know the zone.
std::chrono::year_month_day local_date(std::chrono::sys_seconds instant, std::string_view iana);

//! The wall-clock time in zone `iana` at `instant`, to the minute (seconds dropped):
//! "2026-12-08 15:00" for 14:00 UTC in "Europe/Vienna". Empty when `iana` is no zone of the
//! database (as for canonical_time_zone), so that callers never show UTC under another name.
std::string local_time_text(std::chrono::sys_seconds instant, std::string_view iana);

}  // namespace liaison
