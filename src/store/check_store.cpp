#include "store/check_store.h"

#include <string_view>

#include <boost/json.hpp>

#include "domain/account.h"

namespace liaison::store {
namespace {

constexpr std::string_view kCheckColumns =
    "id, organisation_id, title, task, question, expected_answer, announced, target, starts_at, "
    "window_hours, reminder_percent, escalate, pairing_seed, pair_across_regions, status, "
    "created_by, created_at, launched_at, started_at, reminded_at, escalated_at, closed_at, "
    "cancelled_at";

constexpr std::string_view kRecipientColumns =
    "id, check_id, state, entry_id, level, name, address, time_zone, role, escalated_from, code, "
    "invited_at, deadline, reminded_at, outbox_id, answered_at, answer_channel, answer_text, "
    "answer_from, verdict, completed_at, call_recorded_by, call_note, bounced_at, bounce_detail, "
    "auto_reply_at";

CheckRecord check_of(const Row& row, std::size_t at = 0) {
  CheckRecord check;
  check.id = row.text(at + 0);
  check.organisation_id = row.text(at + 1);
  check.plan.title = row.text(at + 2);
  check.plan.task =
      domain::parse_check_task(row.text(at + 3)).value_or(domain::CheckTask::acknowledge);
  check.plan.question = row.text(at + 4);
  check.plan.expected_answer = row.text(at + 5);
  check.plan.announced = row.boolean(at + 6);
  if (auto target = parse_target_json(row.text(at + 7))) check.plan.target = std::move(*target);
  check.plan.starts_at = row.text(at + 8);
  check.plan.window_hours = static_cast<int>(row.integer(at + 9));
  check.plan.reminder_percent = static_cast<int>(row.integer(at + 10));
  check.plan.escalate = row.boolean(at + 11);
  check.plan.pairing_seed = row.text(at + 12);
  check.plan.pair_across_regions = row.boolean(at + 13);
  check.status = domain::parse_check_status(row.text(at + 14)).value_or(domain::CheckStatus::draft);
  check.created_by = row.text(at + 15);
  check.created_at = row.text(at + 16);
  check.launched_at = row.text(at + 17);
  check.started_at = row.text(at + 18);
  check.reminded_at = row.text(at + 19);
  check.escalated_at = row.text(at + 20);
  check.closed_at = row.text(at + 21);
  check.cancelled_at = row.text(at + 22);
  return check;
}
constexpr std::size_t kCheckColumnCount = 23;

CheckRecipientRecord recipient_of(const Row& row, std::size_t at = 0) {
  CheckRecipientRecord r;
  std::string* fields[] = {
      &r.id,           &r.check_id,         &r.state,       &r.entry_id,    &r.level,
      &r.name,         &r.address,          &r.time_zone,   &r.role,        &r.escalated_from,
      &r.code,         &r.invited_at,       &r.deadline,    &r.reminded_at, &r.outbox_id,
      &r.answered_at,  &r.answer_channel,   &r.answer_text, &r.answer_from, &r.verdict,
      &r.completed_at, &r.call_recorded_by, &r.call_note,   &r.bounced_at,  &r.bounce_detail,
      &r.auto_reply_at};
  for (std::size_t i = 0; i < std::size(fields); ++i)
    *fields[i] = row.text(at + i);
  return r;
}

template <typename Record, typename Read>
Result<std::vector<Record>> all_of(Result<Rows> rows, Read read) {
  if (!rows) return rows.error();
  std::vector<Record> records;
  records.reserve(rows->size());
  for (const auto& row : *rows)
    records.push_back(read(row));
  return records;
}

Result<void> done(const Result<std::int64_t>& changed) {
  if (!changed) return changed.error();
  return {};
}

std::vector<Value> check_values(const CheckRecord& check) {
  const auto& plan = check.plan;
  return {check.id,
          check.organisation_id,
          plan.title,
          std::string(domain::check_task_name(plan.task)),
          plan.question,
          plan.expected_answer,
          std::int64_t{plan.announced ? 1 : 0},
          target_json(plan.target),
          plan.starts_at,
          std::int64_t{plan.window_hours},
          std::int64_t{plan.reminder_percent},
          std::int64_t{plan.escalate ? 1 : 0},
          plan.pairing_seed,
          std::int64_t{plan.pair_across_regions ? 1 : 0},
          std::string(domain::check_status_name(check.status)),
          check.created_by,
          check.created_at,
          text_or_null(check.launched_at),
          text_or_null(check.started_at),
          text_or_null(check.reminded_at),
          text_or_null(check.escalated_at),
          text_or_null(check.closed_at),
          text_or_null(check.cancelled_at)};
}

std::string select_checks(std::string_view where) {
  return "SELECT " + std::string(kCheckColumns) + " FROM checks " + std::string(where);
}

//! "a, b" with prefix "r." gives "r.a, r.b": the columns of one table in a join.
std::string prefixed(std::string_view columns, std::string_view prefix) {
  std::string result;
  for (std::string_view rest = columns; !rest.empty();) {
    auto comma = rest.find(", ");
    if (!result.empty()) result += ", ";
    result += std::string(prefix) + std::string(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 2);
  }
  return result;
}

}  // namespace

std::string target_json(const domain::CheckTarget& target) {
  boost::json::array states(target.states.begin(), target.states.end());
  boost::json::array regions(target.regions.begin(), target.regions.end());
  boost::json::array levels;
  for (auto level : target.levels)
    levels.emplace_back(domain::level_name(level));
  return boost::json::serialize(
      boost::json::object{{"states", states}, {"regions", regions}, {"levels", levels}});
}

Result<domain::CheckTarget> parse_target_json(std::string_view text) {
  boost::system::error_code error;
  auto value = boost::json::parse(text, error);
  if (error || !value.is_object()) return Error::invalid_argument("the check's target is not JSON");
  domain::CheckTarget target;
  auto strings = [&](std::string_view key, std::vector<std::string>& into) {
    if (const auto* list = value.as_object().if_contains(key); list && list->is_array())
      for (const auto& item : list->as_array())
        if (item.is_string()) into.emplace_back(item.as_string());
  };
  strings("states", target.states);
  strings("regions", target.regions);
  std::vector<std::string> levels;
  strings("levels", levels);
  for (const auto& name : levels)
    if (auto level = domain::parse_level(name)) target.levels.push_back(*level);
  return target;
}

Result<void> CheckStore::insert(const CheckRecord& check) {
  auto values = check_values(check);
  return done(connection_.execute(
      "INSERT INTO checks (" + std::string(kCheckColumns) +
          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
          "$18, $19, $20, $21, $22, $23)",
      values));
}

Result<void> CheckStore::update(const CheckRecord& check) {
  // Every value is bound (libpq must know each parameter's type), so the ones that never
  // change after insert are compared instead of set.
  auto values = check_values(check);
  return done(connection_.execute(
      "UPDATE checks SET title = $3, task = $4, question = $5, expected_answer = $6, "
      "announced = $7, target = $8, starts_at = $9, window_hours = $10, reminder_percent = $11, "
      "escalate = $12, pairing_seed = $13, pair_across_regions = $14, status = $15, "
      "launched_at = $18, started_at = $19, reminded_at = $20, escalated_at = $21, "
      "closed_at = $22, cancelled_at = $23 WHERE id = $1 AND organisation_id = $2 "
      "AND created_by = $16 AND created_at = $17",
      values));
}

Result<std::optional<CheckRecord>> CheckStore::find(const std::string& id, bool for_update) {
  Value parameters[] = {id};
  auto sql = select_checks("WHERE id = $1");
  if (for_update && connection_.dialect() == Dialect::postgresql) sql += " FOR UPDATE";
  auto rows = connection_.query(sql, parameters);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<CheckRecord>{};
  return std::optional<CheckRecord>{check_of(rows->front())};
}

Result<std::vector<CheckRecord>> CheckStore::list(const std::string& organisation_id,
                                                  std::int64_t limit) {
  Value parameters[] = {organisation_id, limit};
  return all_of<CheckRecord>(
      connection_.query(
          select_checks("WHERE organisation_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"),
          parameters),
      [](const Row& row) { return check_of(row); });
}

Result<std::vector<CheckRecord>> CheckStore::active() {
  return all_of<CheckRecord>(
      connection_.query(
          select_checks("WHERE status IN ('scheduled', 'running') ORDER BY starts_at, id")),
      [](const Row& row) { return check_of(row); });
}

Result<void> CheckStore::insert_state(const CheckStateRecord& state) {
  Value parameters[] = {state.check_id, state.state, state.region, state.code, state.partner};
  return done(
      connection_.execute("INSERT INTO check_states (check_id, state, region, code, partner) "
                          "VALUES ($1, $2, $3, $4, $5)",
                          parameters));
}

Result<std::vector<CheckStateRecord>> CheckStore::states(const std::string& check_id) {
  Value parameters[] = {check_id};
  return all_of<CheckStateRecord>(
      connection_.query("SELECT check_id, state, region, code, partner, leg_completed_at, "
                        "leg_recipient_id FROM check_states WHERE check_id = $1 ORDER BY state",
                        parameters),
      [](const Row& row) {
        return CheckStateRecord{row.text(0), row.text(1), row.text(2), row.text(3),
                                row.text(4), row.text(5), row.text(6)};
      });
}

Result<void> CheckStore::complete_leg(const std::string& check_id, const std::string& state,
                                      const std::string& at, const std::string& recipient_id) {
  Value parameters[] = {check_id, state, at, recipient_id};
  return done(
      connection_.execute("UPDATE check_states SET leg_completed_at = $3, leg_recipient_id = $4 "
                          "WHERE check_id = $1 AND state = $2 AND leg_completed_at IS NULL",
                          parameters));
}

Result<void> CheckStore::insert_recipient(const CheckRecipientRecord& r) {
  Value parameters[] = {r.id,       r.check_id,
                        r.state,    r.entry_id,
                        r.level,    r.name,
                        r.address,  r.time_zone,
                        r.role,     text_or_null(r.escalated_from),
                        r.code,     r.invited_at,
                        r.deadline, text_or_null(r.outbox_id)};
  return done(connection_.execute(
      "INSERT INTO check_recipients (id, check_id, state, entry_id, level, name, address, "
      "time_zone, role, escalated_from, code, invited_at, deadline, outbox_id) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
      parameters));
}

Result<void> CheckStore::update_recipient(const CheckRecipientRecord& r) {
  Value parameters[] = {r.id,
                        text_or_null(r.reminded_at),
                        text_or_null(r.outbox_id),
                        text_or_null(r.answered_at),
                        text_or_null(r.answer_channel),
                        text_or_null(r.answer_text),
                        text_or_null(r.answer_from),
                        r.verdict,
                        text_or_null(r.completed_at),
                        text_or_null(r.call_recorded_by),
                        text_or_null(r.call_note),
                        text_or_null(r.bounced_at),
                        text_or_null(r.bounce_detail),
                        text_or_null(r.auto_reply_at),
                        r.invited_at};
  return done(connection_.execute(
      "UPDATE check_recipients SET reminded_at = $2, outbox_id = $3, answered_at = $4, "
      "answer_channel = $5, answer_text = $6, answer_from = $7, verdict = $8, "
      "completed_at = $9, call_recorded_by = $10, call_note = $11, bounced_at = $12, "
      "bounce_detail = $13, auto_reply_at = $14, invited_at = $15 WHERE id = $1",
      parameters));
}

Result<std::optional<CheckRecipientRecord>> CheckStore::recipient(const std::string& id) {
  Value parameters[] = {id};
  auto rows = connection_.query(
      "SELECT " + std::string(kRecipientColumns) + " FROM check_recipients WHERE id = $1",
      parameters);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<CheckRecipientRecord>{};
  return std::optional<CheckRecipientRecord>{recipient_of(rows->front())};
}

Result<std::map<std::string, std::pair<std::int64_t, std::int64_t>>> CheckStore::recipient_counts(
    const std::string& organisation_id) {
  Value parameters[] = {organisation_id};
  auto rows = connection_.query(
      "SELECT r.check_id, count(*), count(r.answered_at) FROM check_recipients r "
      "JOIN checks c ON c.id = r.check_id WHERE c.organisation_id = $1 GROUP BY r.check_id",
      parameters);
  if (!rows) return rows.error();
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> counts;
  for (const auto& row : *rows)
    counts[row.text(0)] = {row.integer(1), row.integer(2)};
  return counts;
}

Result<std::vector<CheckRecipientRecord>> CheckStore::recipients(const std::string& check_id) {
  Value parameters[] = {check_id};
  return all_of<CheckRecipientRecord>(
      connection_.query("SELECT " + std::string(kRecipientColumns) +
                            " FROM check_recipients WHERE check_id = $1 "
                            "ORDER BY state, role DESC, name, id",
                        parameters),
      [](const Row& row) { return recipient_of(row); });
}

Result<std::vector<std::pair<CheckRecord, CheckRecipientRecord>>> CheckStore::state_history(
    const std::string& organisation_id, const std::string& state, std::int64_t limit) {
  Value parameters[] = {organisation_id, state, limit};
  auto rows = connection_.query(
      "SELECT " + prefixed(kCheckColumns, "c.") + ", " + prefixed(kRecipientColumns, "r.") +
          " FROM check_recipients r JOIN checks c ON c.id = r.check_id "
          "WHERE c.organisation_id = $1 AND r.state = $2 AND c.status IN ('running', 'closed') "
          "ORDER BY c.started_at DESC, c.id, r.role DESC, r.name LIMIT $3",
      parameters);
  if (!rows) return rows.error();
  std::vector<std::pair<CheckRecord, CheckRecipientRecord>> history;
  history.reserve(rows->size());
  for (const auto& row : *rows)
    history.emplace_back(check_of(row), recipient_of(row, kCheckColumnCount));
  return history;
}

Result<std::vector<std::pair<CheckRecord, CheckRecipientRecord>>> CheckStore::running_for_state(
    const std::string& organisation_id, const std::string& state, const std::string& address) {
  Value parameters[] = {organisation_id, state, address};
  auto rows = connection_.query(
      "SELECT " + prefixed(kCheckColumns, "c.") + ", " + prefixed(kRecipientColumns, "r.") +
          " FROM checks c JOIN check_recipients r ON r.check_id = c.id "
          "WHERE c.status = 'running' AND c.organisation_id = $1 AND r.state = $2 "
          "AND ($3 = '' OR lower(r.address) = lower($3)) "
          "ORDER BY r.deadline, c.id, r.role DESC, r.name, r.id",
      parameters);
  if (!rows) return rows.error();
  std::vector<std::pair<CheckRecord, CheckRecipientRecord>> open;
  open.reserve(rows->size());
  for (const auto& row : *rows)
    open.emplace_back(check_of(row), recipient_of(row, kCheckColumnCount));
  return open;
}

Result<std::vector<std::string>> CheckStore::silent_states(const std::string& check_id) {
  Value parameters[] = {check_id};
  return all_of<std::string>(
      connection_.query("SELECT s.state FROM check_states s WHERE s.check_id = $1 AND NOT EXISTS "
                        "(SELECT 1 FROM check_recipients r WHERE r.check_id = s.check_id AND "
                        "r.state = s.state AND r.answered_at IS NOT NULL) ORDER BY s.state",
                        parameters),
      [](const Row& row) { return row.text(0); });
}

Result<void> CheckStore::insert_mail(const std::string& outbox_id, const std::string& recipient_id,
                                     const std::string& purpose) {
  Value parameters[] = {outbox_id, recipient_id, purpose};
  return done(connection_.execute(
      "INSERT INTO check_mails (outbox_id, recipient_id, purpose) VALUES ($1, $2, $3)",
      parameters));
}

Result<std::optional<std::pair<CheckRecipientRecord, std::string>>> CheckStore::recipient_by_mail(
    const std::string& outbox_id) {
  Value parameters[] = {outbox_id};
  auto rows = connection_.query("SELECT " + prefixed(kRecipientColumns, "r.") +
                                    ", m.purpose FROM check_mails m JOIN check_recipients r "
                                    "ON r.id = m.recipient_id WHERE m.outbox_id = $1",
                                parameters);
  if (!rows) return rows.error();
  using Found = std::pair<CheckRecipientRecord, std::string>;
  if (rows->empty()) return std::optional<Found>{};
  const auto& row = rows->front();
  return std::optional<Found>{Found{recipient_of(row), row.text(row.size() - 1)}};
}

Result<std::vector<std::string>> CheckStore::listed_entries(const std::string& organisation_id,
                                                            const std::string& state,
                                                            const std::string& address) {
  Value parameters[] = {domain::email_key(address), organisation_id, state};
  return all_of<std::string>(
      connection_.query(
          "SELECT DISTINCT a.entry_id FROM contact_addresses a JOIN nominations n "
          "ON n.entry_id = a.entry_id WHERE a.address_key = $1 AND n.organisation_id = $2 "
          "AND n.state = $3 AND n.published_version > 0 ORDER BY a.entry_id",
          parameters),
      [](const Row& row) { return row.text(0); });
}

Result<void> CheckStore::insert_response(const CheckResponseRecord& response) {
  Value parameters[] = {
      response.id,           response.check_id, response.recipient_id,
      response.received_at,  response.channel,  response.kind,
      response.from_address, response.text,     std::int64_t{response.counted ? 1 : 0},
      response.note};
  return done(connection_.execute(
      "INSERT INTO check_responses (id, check_id, recipient_id, received_at, channel, kind, "
      "from_address, text, counted, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
      parameters));
}

Result<std::vector<CheckResponseRecord>> CheckStore::responses(const std::string& check_id) {
  Value parameters[] = {check_id};
  return all_of<CheckResponseRecord>(
      connection_.query("SELECT id, check_id, recipient_id, received_at, channel, kind, "
                        "from_address, text, counted, note FROM check_responses "
                        "WHERE check_id = $1 ORDER BY received_at, id",
                        parameters),
      [](const Row& row) {
        return CheckResponseRecord{row.text(0),    row.text(1), row.text(2), row.text(3),
                                   row.text(4),    row.text(5), row.text(6), row.text(7),
                                   row.boolean(8), row.text(9)};
      });
}

}  // namespace liaison::store
