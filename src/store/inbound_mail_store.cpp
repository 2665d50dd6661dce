#include "store/inbound_mail_store.h"

#include <string_view>

#include "domain/account.h"

namespace liaison::store {
namespace {

constexpr std::string_view kColumns =
    "id, received_at, dedupe_key, kind, token_status, outbox_id, envelope_from, from_address, "
    "subject, message_id, body, detail, signature, encrypted";

InboundMailRecord record_of(const Row& row) {
  InboundMailRecord mail;
  mail.id = row.text(0);
  mail.received_at = row.text(1);
  mail.dedupe_key = row.text(2);
  mail.kind = row.text(3);
  mail.token_status = row.text(4);
  mail.outbox_id = row.text(5);
  mail.envelope_from = row.text(6);
  mail.from_address = row.text(7);
  mail.subject = row.text(8);
  mail.message_id = row.text(9);
  mail.body = row.text(10);
  mail.detail = row.text(11);
  mail.signature = row.text(12);
  mail.encrypted = row.boolean(13);
  return mail;
}

UndeliverableAddress address_of(const Row& row) {
  return {row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), row.text(5)};
}

}  // namespace

Result<bool> InboundMailStore::insert(const InboundMailRecord& mail) {
  Value parameters[] = {mail.id,
                        mail.received_at,
                        mail.dedupe_key,
                        mail.kind,
                        mail.token_status,
                        text_or_null(mail.outbox_id),
                        mail.envelope_from,
                        mail.from_address,
                        mail.subject,
                        mail.message_id,
                        mail.body,
                        mail.detail,
                        mail.signature,
                        std::int64_t{mail.encrypted ? 1 : 0}};
  auto inserted = connection_.execute(
      "INSERT INTO inbound_mail (id, received_at, dedupe_key, kind, token_status, outbox_id, "
      "envelope_from, from_address, subject, message_id, body, detail, signature, encrypted) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
      "ON CONFLICT (dedupe_key) DO NOTHING",
      parameters);
  if (!inserted) return inserted.error();
  return *inserted == 1;
}

Result<std::vector<InboundMailRecord>> InboundMailStore::list(const std::string& kind,
                                                              const std::string& outbox_id,
                                                              std::int64_t limit) {
  Value parameters[] = {kind, outbox_id, limit};
  auto rows = connection_.query(std::string("SELECT ") + std::string(kColumns) +
                                    " FROM inbound_mail WHERE ($1 = '' OR kind = $1) "
                                    "AND ($2 = '' OR outbox_id = $2) "
                                    "ORDER BY received_at DESC, id DESC LIMIT $3",
                                parameters);
  if (!rows) return rows.error();
  std::vector<InboundMailRecord> mails;
  for (const auto& row : *rows)
    mails.push_back(record_of(row));
  return mails;
}

Result<std::optional<InboundMailRecord>> InboundMailStore::find(const std::string& id) {
  Value parameters[] = {id};
  auto rows = connection_.query(
      std::string("SELECT ") + std::string(kColumns) + " FROM inbound_mail WHERE id = $1",
      parameters);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<InboundMailRecord>{};
  return std::optional<InboundMailRecord>{record_of(rows->front())};
}

Result<void> InboundMailStore::mark_undeliverable(const UndeliverableAddress& address) {
  Value parameters[] = {domain::email_key(address.address),
                        address.address,
                        address.status,
                        address.reason,
                        address.last_bounce_at,
                        text_or_null(address.outbox_id)};
  auto upserted = connection_.execute(
      "INSERT INTO undeliverable_addresses (address_key, address, status, reason, "
      "first_bounce_at, last_bounce_at, outbox_id) VALUES ($1, $2, $3, $4, $5, $5, $6) "
      "ON CONFLICT (address_key) DO UPDATE SET status = excluded.status, "
      "reason = excluded.reason, last_bounce_at = excluded.last_bounce_at, "
      "outbox_id = excluded.outbox_id",
      parameters);
  if (!upserted) return upserted.error();
  return {};
}

Result<void> InboundMailStore::clear_undeliverable(const std::string& address) {
  Value parameters[] = {domain::email_key(address)};
  auto deleted =
      connection_.execute("DELETE FROM undeliverable_addresses WHERE address_key = $1", parameters);
  if (!deleted) return deleted.error();
  return {};
}

Result<std::optional<UndeliverableAddress>> InboundMailStore::undeliverable(
    const std::string& address) {
  Value parameters[] = {domain::email_key(address)};
  auto rows = connection_.query(
      "SELECT address, status, reason, first_bounce_at, last_bounce_at, outbox_id "
      "FROM undeliverable_addresses WHERE address_key = $1",
      parameters);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<UndeliverableAddress>{};
  return std::optional<UndeliverableAddress>{address_of(rows->front())};
}

Result<std::vector<UndeliverableAddress>> InboundMailStore::undeliverable_addresses(
    std::int64_t limit) {
  Value parameters[] = {limit};
  auto rows = connection_.query(
      "SELECT address, status, reason, first_bounce_at, last_bounce_at, outbox_id "
      "FROM undeliverable_addresses ORDER BY last_bounce_at DESC LIMIT $1",
      parameters);
  if (!rows) return rows.error();
  std::vector<UndeliverableAddress> addresses;
  for (const auto& row : *rows)
    addresses.push_back(address_of(row));
  return addresses;
}

}  // namespace liaison::store
