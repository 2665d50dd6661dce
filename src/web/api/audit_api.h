#pragma once

#include "services/reference_service.h"
#include "store/database.h"
#include "web/router.h"

namespace liaison::web {

//! GET /api/v1/audit: the audit log, filtered, as JSON pages or as a CSV or JSON Lines export.
//! `?organisation=` (code or identifier) reads that organisation's entries (operators, and its
//! secretariat); without it, every entry (operators only). Further parameters: action (a prefix
//! when it ends in '.'), actor, subject, since, until (RFC 3339), after (sequence), limit
//! (1-1000, JSON pages only), format = json (default) | csv | jsonl.
void add_audit_api(Router& router, services::ReferenceService& reference,
                   store::Database& database);

}  // namespace liaison::web
