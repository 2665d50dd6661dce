#include "store/outbox_store.h"

#include <string_view>

namespace liaison::store {
namespace {

constexpr std::string_view kColumns =
    "id, created_at, kind, organisation_id, recipient, recipient_name, language, subject, body, "
    "html, tlp, encrypt_key, token, expects_answer, token_expires_at, status, attempts, "
    "next_attempt_at, sent_at, last_error";

OutboxMessage message_of(const Row& row) {
  OutboxMessage message;
  message.id = row.text(0);
  message.created_at = row.text(1);
  message.kind = row.text(2);
  message.organisation_id = row.text(3);
  message.recipient = row.text(4);
  message.recipient_name = row.text(5);
  message.language = row.text(6);
  message.subject = row.text(7);
  message.body = row.text(8);
  message.html = row.text(9);
  message.tlp = row.text(10);
  message.encrypt_key = row.text(11);
  message.token = row.text(12);
  message.expects_answer = row.boolean(13);
  message.token_expires_at = row.text(14);
  message.status = row.text(15);
  message.attempts = row.integer(16);
  message.next_attempt_at = row.text(17);
  message.sent_at = row.text(18);
  message.last_error = row.text(19);
  return message;
}

Result<std::vector<OutboxMessage>> messages_of(Result<Rows> rows) {
  if (!rows) return rows.error();
  std::vector<OutboxMessage> messages;
  messages.reserve(rows->size());
  for (const auto& row : *rows)
    messages.push_back(message_of(row));
  return messages;
}

Result<void> done(const Result<std::int64_t>& changed) {
  if (!changed) return changed.error();
  return {};
}

}  // namespace

Result<void> OutboxStore::insert(const OutboxMessage& message) {
  Value parameters[] = {message.id,
                        message.created_at,
                        message.kind,
                        text_or_null(message.organisation_id),
                        message.recipient,
                        message.recipient_name,
                        message.language,
                        message.subject,
                        message.body,
                        text_or_null(message.html),
                        message.tlp,
                        text_or_null(message.encrypt_key),
                        message.token,
                        std::int64_t{message.expects_answer ? 1 : 0},
                        message.token_expires_at};
  return done(connection_.execute(
      "INSERT INTO outbox (id, created_at, kind, organisation_id, recipient, recipient_name, "
      "language, subject, body, html, tlp, encrypt_key, token, expects_answer, token_expires_at, "
      "next_attempt_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $2)",
      parameters));
}

Result<std::vector<OutboxMessage>> OutboxStore::claim_due(const std::string& now,
                                                          std::int64_t limit,
                                                          const std::string& claimed_by,
                                                          const std::string& claimed_until) {
  Value parameters[] = {now, limit};
  std::string select = std::string("SELECT ") + std::string(kColumns) +
                       " FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 "
                       "AND (claimed_until IS NULL OR claimed_until <= $1) "
                       "ORDER BY next_attempt_at, id LIMIT $2";
  if (connection_.dialect() == Dialect::postgresql) select += " FOR UPDATE SKIP LOCKED";
  auto claimed = messages_of(connection_.query(select, parameters));
  if (!claimed) return claimed;
  for (const auto& message : *claimed) {
    Value claim[] = {message.id, claimed_by, claimed_until};
    LIAISON_TRY(done(connection_.execute(
        "UPDATE outbox SET claimed_by = $2, claimed_until = $3 WHERE id = $1", claim)));
  }
  return claimed;
}

Result<std::int64_t> OutboxStore::release_claims(const std::string& claimed_by) {
  Value parameters[] = {claimed_by};
  return connection_.execute(
      "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL "
      "WHERE claimed_by = $1 AND status = 'pending'",
      parameters);
}

Result<void> OutboxStore::mark_sent(const std::string& id, const std::string& now) {
  Value parameters[] = {id, now};
  return done(connection_.execute(
      "UPDATE outbox SET status = 'sent', sent_at = $2, attempts = attempts + 1, "
      "claimed_by = NULL, claimed_until = NULL, last_error = NULL WHERE id = $1 AND status = "
      "'pending'",
      parameters));
}

Result<void> OutboxStore::mark_retry(const std::string& id, const std::string& next_attempt_at,
                                     const std::string& error) {
  Value parameters[] = {id, next_attempt_at, error};
  return done(connection_.execute(
      "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3, "
      "claimed_by = NULL, claimed_until = NULL WHERE id = $1 AND status = 'pending'",
      parameters));
}

Result<void> OutboxStore::mark_failed(const std::string& id, const std::string& error) {
  Value parameters[] = {id, error};
  return done(connection_.execute(
      "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $2, "
      "claimed_by = NULL, claimed_until = NULL WHERE id = $1 AND status = 'pending'",
      parameters));
}

Result<void> OutboxStore::mark_bounced(const std::string& id, const std::string& reason) {
  Value parameters[] = {id, reason};
  return done(connection_.execute(
      "UPDATE outbox SET status = 'bounced', last_error = $2 WHERE id = $1 AND status = 'sent'",
      parameters));
}

Result<bool> OutboxStore::retry(const std::string& id, const std::string& now) {
  Value parameters[] = {id, now};
  auto changed = connection_.execute(
      "UPDATE outbox SET status = 'pending', created_at = $2, next_attempt_at = $2, attempts = 0, "
      "claimed_by = NULL, claimed_until = NULL WHERE id = $1 AND status IN ('failed', 'bounced')",
      parameters);
  if (!changed) return changed.error();
  return *changed == 1;
}

Result<std::optional<OutboxMessage>> OutboxStore::find(const std::string& id) {
  Value parameters[] = {id};
  auto found = messages_of(connection_.query(
      std::string("SELECT ") + std::string(kColumns) + " FROM outbox WHERE id = $1", parameters));
  if (!found) return found.error();
  if (found->empty()) return std::optional<OutboxMessage>{};
  return std::optional<OutboxMessage>{std::move(found->front())};
}

Result<std::optional<OutboxMessage>> OutboxStore::find_by_token(const std::string& token) {
  Value parameters[] = {token};
  auto found = messages_of(connection_.query(
      std::string("SELECT ") + std::string(kColumns) + " FROM outbox WHERE token = $1",
      parameters));
  if (!found) return found.error();
  if (found->empty()) return std::optional<OutboxMessage>{};
  return std::optional<OutboxMessage>{std::move(found->front())};
}

Result<std::vector<OutboxMessage>> OutboxStore::list(const std::string& status,
                                                     const std::string& organisation_id,
                                                     std::int64_t limit, std::int64_t offset) {
  Value parameters[] = {status, organisation_id, limit, offset};
  return messages_of(connection_.query(
      std::string("SELECT ") + std::string(kColumns) +
          " FROM outbox WHERE ($1 = '' OR status = $1) "
          "AND ($2 = '' OR organisation_id = $2) ORDER BY created_at DESC, id DESC "
          "LIMIT $3 OFFSET $4",
      parameters));
}

Result<OutboxCounts> OutboxStore::counts(const std::string& organisation_id) {
  Value parameters[] = {organisation_id};
  auto rows = connection_.query(
      "SELECT status, count(*) FROM outbox WHERE ($1 = '' OR organisation_id = $1) "
      "GROUP BY status",
      parameters);
  if (!rows) return rows.error();
  OutboxCounts counts;
  for (const auto& row : *rows) {
    const auto status = row.text(0);
    const auto count = row.integer(1);
    if (status == "pending") counts.pending = count;
    if (status == "sent") counts.sent = count;
    if (status == "failed") counts.failed = count;
    if (status == "bounced") counts.bounced = count;
  }
  return counts;
}

}  // namespace liaison::store
