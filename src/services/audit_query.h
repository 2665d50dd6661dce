#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "base/error.h"
#include "domain/audit.h"
#include "store/database.h"

namespace liaison::services {

//! Which audit entries to read. Every field left empty does not filter. Who may ask for what is
//! the caller's business (the route asks the policy for read_audit on the organisation, or on
//! the instance when `organisation_id` is empty).
struct AuditFilter {
  //! Only the entries of this organisation; empty: all entries (only operators may ask for that).
  std::string organisation_id;
  //! Ending in '.', a prefix: "sign_in." matches "sign_in.failed" and "sign_in.succeeded";
  //! otherwise the exact action. Compared as text: '%' and '_' are literal.
  std::string action_prefix;
  std::string actor;    //!< exact: an account identifier, "cli", "system", "anonymous"
  std::string subject;  //!< exact, e.g. "account:<id>"
  //! RFC 3339 times with any offset, normalised to UTC with microseconds (as the entries store
  //! them) and compared as text: `since` inclusive, `until` exclusive. Empty: unbounded.
  std::string since, until;
  std::int64_t after_sequence = 0;  //!< paging: only entries after this sequence
  std::int64_t limit = 100;         //!< 1..1000 for query_audit; export_audit ignores it
};

//! One page of matching entries in sequence order, at most `filter.limit` of them. Invalid
//! argument ("since: …", "limit: …") for a malformed filter.
Result<std::vector<domain::AuditEntry>> query_audit(store::Database& database,
                                                    const AuditFilter& filter);

//! Calls `sink` per entry in sequence order, in pages of 1000 within one read transaction, so
//! memory stays flat. Returns the number of entries exported; `filter.limit` is ignored.
Result<std::int64_t> export_audit(store::Database& database, const AuditFilter& filter,
                                  const std::function<void(const domain::AuditEntry&)>& sink);

//! The first line of a CSV export, CRLF-terminated.
std::string audit_csv_header();
//! One CSV field (RFC 4180) that a spreadsheet shows as text, never runs as a formula: text
//! starting with = + - @ TAB or CR gets a leading apostrophe (see audit_query.cpp).
std::string csv_field(std::string_view value);
//! One CSV record (RFC 4180), CRLF-terminated, in the columns of audit_csv_header(). Text that
//! a spreadsheet would run as a formula gets a leading apostrophe (see the definition).
std::string audit_csv_row(const domain::AuditEntry& entry);

//! An entry as a JSON object: `details` embedded as an object when it is one, else as a string;
//! `organisation_id` null for entries of the instance as a whole.
boost::json::object audit_json(const domain::AuditEntry& entry);
//! audit_json serialised on one line, followed by "\n" (JSON Lines).
std::string audit_json_line(const domain::AuditEntry& entry);

}  // namespace liaison::services
