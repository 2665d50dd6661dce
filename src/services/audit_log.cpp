#include "services/audit_log.h"

#include <array>

#include <fmt/format.h>
#include <sodium.h>

#include "base/random.h"

namespace liaison::services {

domain::AuditEntry audit_entry_from(const store::Row& row) {
  return {row.integer(0),
          row.text(1),
          {row.text(2), row.text(3), row.text(4), row.text(5), row.text(6), row.text(9)},
          row.text(7),
          row.text(8)};
}

std::string audit_hash(const domain::AuditEntry& entry) {
  std::string canonical;
  auto add = [&canonical](std::string_view field) {
    canonical += fmt::format("{}:", field.size());
    canonical += field;
    canonical += ';';
  };
  add(entry.previous_hash);
  add(std::to_string(entry.sequence));
  add(entry.occurred_at);
  add(entry.event.actor);
  add(entry.event.source_address);
  add(entry.event.action);
  add(entry.event.subject);
  add(entry.event.details);
  // Added with migration 0003; left out when empty so that older entries keep their hashes.
  if (!entry.event.organisation_id.empty()) add(entry.event.organisation_id);
  std::array<std::byte, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()),
                     reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size());
  return to_hex(digest);
}

Result<domain::AuditEntry> append_audit(store::Connection& connection, const Clock& clock,
                                        const domain::AuditEvent& event) {
  // Appends must not interleave or two entries would claim the same predecessor. SQLite's
  // single writer already serialises them; PostgreSQL takes a lock held until commit.
  if (connection.dialect() == store::Dialect::postgresql) {
    auto locked = connection.query("SELECT pg_advisory_xact_lock(7369027)");
    if (!locked) return locked.error();
  }
  auto last =
      connection.query("SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1");
  if (!last) return last.error();

  domain::AuditEntry entry;
  entry.sequence = last->empty() ? 1 : last->front().integer(0) + 1;
  entry.previous_hash = last->empty() ? std::string(kAuditGenesisHash) : last->front().text(1);
  entry.occurred_at = format_utc(clock.now());
  entry.event = event;
  entry.hash = audit_hash(entry);

  store::Value row[] = {entry.sequence, entry.occurred_at,
                        event.actor,    event.source_address,
                        event.action,   event.subject,
                        event.details,  entry.previous_hash,
                        entry.hash,     store::text_or_null(event.organisation_id)};
  auto inserted = connection.execute(
      fmt::format("INSERT INTO audit_log ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                  kAuditColumns),
      row);
  if (!inserted) return inserted.error();
  return entry;
}

Result<AuditVerification> verify_audit_log(store::Database& database) {
  return database.transact(
      store::Access::read, [](store::Connection& connection) -> Result<AuditVerification> {
        AuditVerification verification;
        verification.head_hash = std::string(kAuditGenesisHash);
        // Pages keep memory flat however long the log grows.
        constexpr std::int64_t kPage = 1000;
        std::int64_t after = 0;
        for (;;) {
          store::Value parameters[] = {after, kPage};
          auto rows = connection.query(
              fmt::format("SELECT {} FROM audit_log WHERE sequence > $1 ORDER BY sequence LIMIT $2",
                          kAuditColumns),
              parameters);
          if (!rows) return rows.error();
          for (const auto& row : *rows) {
            auto entry = audit_entry_from(row);
            auto expected_sequence = verification.entries + 1;
            auto fail = [&](std::string problem) {
              verification.broken_at = expected_sequence;
              verification.problem = std::move(problem);
              return verification;
            };
            if (entry.sequence != expected_sequence) {
              return fail(fmt::format("entry {} is missing (the next one present is {})",
                                      expected_sequence, entry.sequence));
            }
            if (entry.previous_hash != verification.head_hash) {
              return fail(
                  fmt::format("entry {} does not point at the entry before it", entry.sequence));
            }
            if (audit_hash(entry) != entry.hash) {
              return fail(fmt::format("entry {} was changed after it was written", entry.sequence));
            }
            verification.head_hash = entry.hash;
            verification.entries = entry.sequence;
            after = entry.sequence;
          }
          if (static_cast<std::int64_t>(rows->size()) < kPage) return verification;
        }
      });
}

}  // namespace liaison::services
