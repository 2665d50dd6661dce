#include "domain/freshness.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/text.h"

namespace liaison::domain {
namespace {

using std::chrono::sys_days;
using std::chrono::year_month_day;

//! The value of the decimal digits text[from, from + count), or -1 if any is not one.
int digits(std::string_view text, std::size_t from, std::size_t count) {
  int value = 0;
  for (auto c : text.substr(from, count)) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

//! Whole days from `from` to `to` (negative when `to` is earlier).
long days_between(year_month_day from, year_month_day to) {
  return static_cast<long>((sys_days(to) - sys_days(from)).count());
}

}  // namespace

Result<year_month_day> parse_date(std::string_view text) {
  auto refused = [&] {
    return Error::invalid_argument("'" + to_valid_utf8(text.substr(0, 32)) +
                                   "' is not a date of the form YYYY-MM-DD");
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return refused();
  auto year = digits(text, 0, 4);
  auto month = digits(text, 5, 2);
  auto day = digits(text, 8, 2);
  if (year < 0 || month < 0 || day < 0) return refused();
  year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                      std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return refused();
  return date;
}

std::string format_date(year_month_day date) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
}

year_month_day add_days(year_month_day date, int days) {
  return year_month_day(sys_days(date) + std::chrono::days(days));
}

year_month_day due_date(year_month_day confirmed_on, int months) {
  auto due = confirmed_on + std::chrono::months(months);
  if (due.ok()) return due;
  // Only the day can be out of range: the 29th to 31st of a month that is shorter.
  return std::chrono::year_month_day_last(due.year(), std::chrono::month_day_last(due.month()));
}

std::string_view freshness_name(Freshness freshness) {
  switch (freshness) {
    case Freshness::never_confirmed:
      return "never_confirmed";
    case Freshness::current:
      return "current";
    case Freshness::due_soon:
      return "due_soon";
    case Freshness::overdue:
      return "overdue";
  }
  return "current";
}

std::optional<Freshness> parse_freshness(std::string_view name) {
  for (auto candidate :
       {Freshness::never_confirmed, Freshness::current, Freshness::due_soon, Freshness::overdue}) {
    if (freshness_name(candidate) == name) return candidate;
  }
  return std::nullopt;
}

Freshness freshness(std::optional<year_month_day> confirmed_on, year_month_day today,
                    int reconfirm_months, int soon_days) {
  if (!confirmed_on) return Freshness::never_confirmed;
  auto days_left = days_between(today, due_date(*confirmed_on, reconfirm_months));
  if (days_left < 0) return Freshness::overdue;
  if (days_left <= soon_days) return Freshness::due_soon;
  return Freshness::current;
}

std::optional<int> reminder_to_send(year_month_day due, year_month_day today,
                                    std::span<const int> already_sent) {
  auto days_left = days_between(today, due);
  std::optional<int> reached;
  for (auto offset : kReminderDaysBefore) {
    if (days_left <= offset && (!reached || offset < *reached)) reached = offset;
  }
  if (!reached) return std::nullopt;
  // An offset at least as urgent already went out for this due date.
  auto sent = std::any_of(already_sent.begin(), already_sent.end(),
                          [&](int offset) { return offset <= *reached; });
  if (sent) return std::nullopt;
  return reached;
}

bool late_change(year_month_day effective_on, year_month_day recorded_on, int notice_days) {
  return days_between(effective_on, recorded_on) > notice_days;
}

}  // namespace liaison::domain
