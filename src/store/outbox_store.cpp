#include "store/outbox_store.h"

namespace liaison::store {

Result<void> OutboxStore::insert(const OutboxMessage& message) {
  Value parameters[] = {message.id,        message.created_at, message.kind,
                        message.recipient, message.subject,    message.body};
  auto inserted = connection_.execute(
      "INSERT INTO outbox (id, created_at, kind, recipient, subject, body, next_attempt_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $2)",
      parameters);
  if (!inserted) return inserted.error();
  return {};
}

Result<std::vector<OutboxMessage>> OutboxStore::pending(const std::string& now,
                                                        std::int64_t limit) {
  Value parameters[] = {now, limit};
  auto rows = connection_.query(
      "SELECT id, created_at, kind, recipient, subject, body FROM outbox "
      "WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY created_at, id LIMIT $2",
      parameters);
  if (!rows) return rows.error();
  std::vector<OutboxMessage> messages;
  for (const auto& row : *rows)
    messages.push_back(
        {row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), row.text(5)});
  return messages;
}

Result<void> OutboxStore::mark_sent(const std::string& id, const std::string& now) {
  Value parameters[] = {id, now};
  auto updated = connection_.execute(
      "UPDATE outbox SET status = 'sent', sent_at = $2, attempts = attempts + 1 WHERE id = $1",
      parameters);
  if (!updated) return updated.error();
  return {};
}

}  // namespace liaison::store
