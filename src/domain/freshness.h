#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/error.h"

namespace liaison::domain {

// How current a state's entries are (CBM 8: "update at least annually", "notify changes within
// 30 days"). The rules count calendar dates, never instants: a caller computes "today" once with
// local_date (base/time_zone.h) in the organisation's DirectoryRules::time_zone and passes it in,
// so that every state of an organisation falls due on the same day wherever the server runs.

//! A date in the strict form "YYYY-MM-DD" (four-digit year, two-digit month and day, a date the
//! calendar has). invalid_argument Error otherwise ("2025-2-1", "2025-02-30", " 2025-02-01").
Result<std::chrono::year_month_day> parse_date(std::string_view text);

//! "YYYY-MM-DD", what parse_date reads (for years 0 to 9999).
std::string format_date(std::chrono::year_month_day date);

//! `date` plus `days` (negative: earlier).
std::chrono::year_month_day add_days(std::chrono::year_month_day date, int days);

//! The day entries confirmed on `confirmed_on` must be confirmed again: `months` calendar months
//! later, on the last day of that month when it is shorter (2024-02-29 + 12 gives 2025-02-28,
//! 2024-01-31 + 1 gives 2024-02-29).
std::chrono::year_month_day due_date(std::chrono::year_month_day confirmed_on, int months);

//! Where a state stands with its periodic confirmation.
enum class Freshness {
  never_confirmed,  //!< no confirmation recorded yet
  current,          //!< confirmed, and the due date is more than `soon_days` away
  due_soon,         //!< the due date is at most `soon_days` away, or today
  overdue,          //!< the due date has passed
};

//! "never_confirmed", "current", "due_soon", "overdue": the names the API and filters use.
std::string_view freshness_name(Freshness freshness);
std::optional<Freshness> parse_freshness(std::string_view name);

//! The freshness on `today` of entries last confirmed on `confirmed_on` (nothing: never), due
//! `reconfirm_months` after it (DirectoryRules::reconfirm_months). The due day itself still
//! counts as due_soon, not overdue.
Freshness freshness(std::optional<std::chrono::year_month_day> confirmed_on,
                    std::chrono::year_month_day today, int reconfirm_months, int soon_days = 30);

//! Days before the due date on which a state's focal points are reminded, least urgent first.
inline constexpr std::array<int, 3> kReminderDaysBefore = {30, 7, 0};

//! The reminder to send on `today` for the due date `due`, as its offset in kReminderDaysBefore,
//! given the offsets `already_sent` for this due date (a new confirmation starts a new list).
//! It is the most urgent offset reached (due - today <= offset; once overdue, 0 is reached),
//! unless that one, or a more urgent one, was already sent. Less urgent reminders that were
//! missed (the job did not run for weeks) are skipped, never sent after a more urgent one.
//! Nothing before 30 days are left.
std::optional<int> reminder_to_send(std::chrono::year_month_day due,
                                    std::chrono::year_month_day today,
                                    std::span<const int> already_sent);

//! True when a change that took effect on `effective_on` is recorded too late on `recorded_on`:
//! more than `notice_days` later (DirectoryRules::change_notice_days; with 30, day 30 is on time,
//! day 31 late). A change announced before it takes effect is never late.
bool late_change(std::chrono::year_month_day effective_on, std::chrono::year_month_day recorded_on,
                 int notice_days);

}  // namespace liaison::domain
