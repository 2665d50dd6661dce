#pragma once

#include <optional>
#include <string>

#include "base/clock.h"
#include "base/error.h"
#include "domain/audit.h"
#include "store/database.h"

namespace liaison::services {

//! The hash of the entry before the first one.
inline constexpr std::string_view kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

//! The columns of audit_log in the order audit_entry_from reads them.
inline constexpr std::string_view kAuditColumns =
    "sequence, occurred_at, actor, source_address, action, subject, details, previous_hash, hash, "
    "organisation_id";
domain::AuditEntry audit_entry_from(const store::Row& row);

//! SHA-256 over the previous hash and every field of the entry, each length-prefixed so that
//! moving text from one field to the next changes the hash.
std::string audit_hash(const domain::AuditEntry& entry);

//! Appends `event` to the chain inside the caller's transaction, so that the change it records
//! and its audit entry commit or roll back together.
Result<domain::AuditEntry> append_audit(store::Connection& connection, const Clock& clock,
                                        const domain::AuditEvent& event);

struct AuditVerification {
  std::int64_t entries = 0;
  std::string head_hash;  //!< record it elsewhere to detect a truncated tail later
  //! The first entry that does not fit the chain, and why; empty when the chain is intact.
  std::optional<std::int64_t> broken_at;
  std::string problem;
};

//! Walks the whole chain and names the first entry that was changed, removed or inserted.
Result<AuditVerification> verify_audit_log(store::Database& database);

}  // namespace liaison::services
