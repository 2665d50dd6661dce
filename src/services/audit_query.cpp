#include "services/audit_query.h"

#include <chrono>
#include <optional>
#include <string_view>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include "base/text.h"
#include "services/audit_log.h"

namespace liaison::services {
namespace json = boost::json;

namespace {

// Entries per statement: an export reads the log page by page, so memory stays flat.
constexpr std::int64_t kPage = 1000;
// The largest page query_audit returns.
constexpr std::int64_t kMaxLimit = 1000;

// An RFC 3339 date-time (section 5.6: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)) in the
// form the store keeps times (format_utc: UTC, microseconds), so that it compares as text with
// `occurred_at`. Digits past the microsecond round up: an entry at .123456 lies before
// .1234567, so it is excluded by since=…1234567 and included by until=…1234567, as it should be.
// Computed in microseconds rather than system_clock (nanoseconds, ±292 years) so that any year
// 0001-9999 works; empty when malformed or out of that range.
std::optional<std::string> normalise_time(std::string_view text) {
  if (text.size() > 64) return std::nullopt;
  std::size_t at = 0;
  auto digits = [&](std::size_t count, int& out) {
    if (at + count > text.size()) return false;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      char c = text[at + i];
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    out = value;
    at += count;
    return true;
  };
  auto literal = [&](std::string_view accepted) {
    if (at >= text.size() || accepted.find(text[at]) == std::string_view::npos) return false;
    ++at;
    return true;
  };

  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(4, year) || !literal("-") || !digits(2, month) || !literal("-") || !digits(2, day) ||
      !literal("Tt") || !digits(2, hour) || !literal(":") || !digits(2, minute) || !literal(":") ||
      !digits(2, second)) {
    return std::nullopt;
  }
  std::int64_t micros = 0;
  if (literal(".")) {
    int count = 0;
    bool more = false;
    for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, ++count) {
      if (count < 6) {
        micros = micros * 10 + (text[at] - '0');
      } else if (text[at] != '0') {
        more = true;
      }
    }
    if (count == 0) return std::nullopt;
    for (; count < 6; ++count)
      micros *= 10;
    if (more) ++micros;
  }
  int offset_minutes = 0;
  if (!literal("Zz")) {
    if (at >= text.size() || (text[at] != '+' && text[at] != '-')) return std::nullopt;
    int sign = text[at] == '-' ? -1 : 1;
    ++at;
    int offset_hour = 0, offset_minute = 0;
    if (!digits(2, offset_hour) || !literal(":") || !digits(2, offset_minute)) return std::nullopt;
    if (offset_hour > 23 || offset_minute > 59) return std::nullopt;
    offset_minutes = sign * (offset_hour * 60 + offset_minute);
  }
  if (at != text.size()) return std::nullopt;
  // Second 60 is a leap second; it counts as the first second of the next minute.
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;

  namespace chrono = std::chrono;
  chrono::year_month_day date{chrono::year{year}, chrono::month{static_cast<unsigned>(month)},
                              chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  chrono::sys_time<chrono::microseconds> time =
      chrono::sys_days{date} + chrono::hours{hour} + chrono::minutes{minute} +
      chrono::seconds{second} + chrono::microseconds{micros} - chrono::minutes{offset_minutes};

  auto days = chrono::floor<chrono::days>(time);
  chrono::year_month_day utc_date{days};
  chrono::hh_mm_ss<chrono::microseconds> clock{time - days};
  int utc_year = static_cast<int>(utc_date.year());
  if (utc_year < 1 || utc_year > 9999) return std::nullopt;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", utc_year,
                     static_cast<unsigned>(utc_date.month()), static_cast<unsigned>(utc_date.day()),
                     clock.hours().count(), clock.minutes().count(), clock.seconds().count(),
                     clock.subseconds().count());
}

// Text that PostgreSQL cannot take (ill-formed UTF-8, NUL, which libpq would cut the value at)
// is the caller's mistake, not a database failure.
Result<void> check_text(std::string_view name, std::string_view value) {
  if (value.find('\0') != std::string_view::npos) {
    return Error::invalid_argument(fmt::format("{}: must not contain a NUL character", name));
  }
  if (!is_valid_utf8(value)) {
    return Error::invalid_argument(fmt::format("{}: must be valid UTF-8", name));
  }
  return {};
}

// The WHERE clause of a filter and its parameters; $1 is always the sequence to start after.
// The clause is built from the fixed fragments below only: user input travels as parameters.
struct Selection {
  std::string where;
  std::vector<store::Value> parameters;
};

Result<Selection> selection_of(const AuditFilter& filter) {
  if (filter.after_sequence < 0) {
    return Error::invalid_argument("after: must be a sequence number (0 or more)");
  }
  Selection selection{"sequence > $1", {filter.after_sequence}};
  auto add = [&selection](std::string_view condition, std::string value) {
    selection.parameters.emplace_back(std::move(value));
    selection.where += fmt::format(" AND {} ${}", condition, selection.parameters.size());
  };

  LIAISON_TRY(check_text("organisation", filter.organisation_id));
  LIAISON_TRY(check_text("action", filter.action_prefix));
  LIAISON_TRY(check_text("actor", filter.actor));
  LIAISON_TRY(check_text("subject", filter.subject));

  if (!filter.organisation_id.empty()) add("organisation_id =", filter.organisation_id);
  if (!filter.action_prefix.empty()) {
    if (filter.action_prefix.back() == '.') {
      // Not LIKE, whose % and _ would be wildcards; substr and length count characters on both
      // engines.
      selection.parameters.emplace_back(filter.action_prefix);
      auto index = selection.parameters.size();
      selection.where += fmt::format(" AND substr(action, 1, length(${0})) = ${0}", index);
    } else {
      add("action =", filter.action_prefix);
    }
  }
  if (!filter.actor.empty()) add("actor =", filter.actor);
  if (!filter.subject.empty()) add("subject =", filter.subject);
  if (!filter.since.empty()) {
    auto since = normalise_time(filter.since);
    if (!since) {
      return Error::invalid_argument(
          "since: expected an RFC 3339 time such as 2026-11-23T10:00:00Z");
    }
    add("occurred_at >=", std::move(*since));
  }
  if (!filter.until.empty()) {
    auto until = normalise_time(filter.until);
    if (!until) {
      return Error::invalid_argument(
          "until: expected an RFC 3339 time such as 2026-11-23T10:00:00Z");
    }
    add("occurred_at <", std::move(*until));
  }
  return selection;
}

// Reads up to `limit` of the entries `selection` picks, in sequence order.
Result<std::vector<domain::AuditEntry>> read_page(store::Connection& connection,
                                                  const Selection& selection, std::int64_t limit) {
  auto parameters = selection.parameters;
  parameters.emplace_back(limit);
  auto rows = connection.query(fmt::format("SELECT {} FROM audit_log WHERE {} ORDER BY sequence "
                                           "LIMIT ${}",
                                           kAuditColumns, selection.where, parameters.size()),
                               parameters);
  if (!rows) return rows.error();
  std::vector<domain::AuditEntry> entries;
  entries.reserve(rows->size());
  for (const auto& row : *rows)
    entries.push_back(audit_entry_from(row));
  return entries;
}

std::string valid(std::string_view text) {
  return is_valid_utf8(text) ? std::string(text) : to_valid_utf8(text);
}

}  // namespace

// One CSV field. Spreadsheets (Excel, LibreOffice Calc, Google Sheets) run a cell that begins
// with = + - or @ as a formula, and some skip a leading TAB or CR before looking; an audit log
// holds text that users and clients chose (subjects, details, actions), so an export opened by
// an auditor could otherwise run commands or send data away ("CSV injection", OWASP). Such a
// field gets a leading apostrophe, which spreadsheets take as "this cell is text". The CSV is
// for reading: that apostrophe changes the text, so checking hashes needs the JSON Lines export.
// Quoting follows RFC 4180 (a field with a comma, quote or line break is quoted, quotes
// doubled), and also covers ';' and TAB, so that a spreadsheet that guesses another delimiter
// cannot split a cell and bring a formula to the start of the next one.
std::string csv_field(std::string_view value) {
  auto text = valid(value);
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
    text.insert(0, 1, '\'');
  }
  if (text.find_first_of(",\"\r\n;\t") == std::string::npos) return text;
  std::string quoted;
  quoted.reserve(text.size() + 2);
  quoted += '"';
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

Result<std::vector<domain::AuditEntry>> query_audit(store::Database& database,
                                                    const AuditFilter& filter) {
  if (filter.limit < 1 || filter.limit > kMaxLimit) {
    return Error::invalid_argument(fmt::format("limit: must be between 1 and {}", kMaxLimit));
  }
  auto selection = selection_of(filter);
  if (!selection) return selection.error();
  return database.transact(store::Access::read, [&](store::Connection& connection) {
    return read_page(connection, *selection, filter.limit);
  });
}

Result<std::int64_t> export_audit(store::Database& database, const AuditFilter& filter,
                                  const std::function<void(const domain::AuditEntry&)>& sink) {
  auto selection = selection_of(filter);
  if (!selection) return selection.error();
  return database.transact(store::Access::read,
                           [&](store::Connection& connection) -> Result<std::int64_t> {
                             std::int64_t exported = 0;
                             for (;;) {
                               auto page = read_page(connection, *selection, kPage);
                               if (!page) return page.error();
                               for (const auto& entry : *page) {
                                 sink(entry);
                                 ++exported;
                               }
                               if (static_cast<std::int64_t>(page->size()) < kPage) return exported;
                               selection->parameters.front() = page->back().sequence;
                             }
                           });
}

std::string audit_csv_header() {
  return "sequence,occurred_at,actor,source_address,action,subject,organisation_id,details,"
         "previous_hash,hash\r\n";
}

std::string audit_csv_row(const domain::AuditEntry& entry) {
  const auto& event = entry.event;
  std::string row = std::to_string(entry.sequence);
  for (std::string_view field :
       {std::string_view(entry.occurred_at), std::string_view(event.actor),
        std::string_view(event.source_address), std::string_view(event.action),
        std::string_view(event.subject), std::string_view(event.organisation_id),
        std::string_view(event.details), std::string_view(entry.previous_hash),
        std::string_view(entry.hash)}) {
    row += ',';
    row += csv_field(field);
  }
  row += "\r\n";
  return row;
}

json::object audit_json(const domain::AuditEntry& entry) {
  const auto& event = entry.event;
  json::object object;
  object["sequence"] = entry.sequence;
  object["occurred_at"] = valid(entry.occurred_at);
  object["actor"] = valid(event.actor);
  object["source_address"] = valid(event.source_address);
  object["action"] = valid(event.action);
  object["subject"] = valid(event.subject);
  object["organisation_id"] = event.organisation_id.empty()
                                  ? json::value(nullptr)
                                  : json::value(valid(event.organisation_id));
  boost::system::error_code failed;
  auto details = json::parse(event.details, failed);
  if (!failed && details.is_object()) {
    object["details"] = std::move(details);
  } else {
    object["details"] = valid(event.details);
  }
  object["previous_hash"] = valid(entry.previous_hash);
  object["hash"] = valid(entry.hash);
  return object;
}

std::string audit_json_line(const domain::AuditEntry& entry) {
  auto line = json::serialize(audit_json(entry));
  line += '\n';
  return line;
}

}  // namespace liaison::services
