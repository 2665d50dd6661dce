#pragma once

#include <string>

#include "store/database.h"
#include "web/metrics.h"
#include "web/router.h"

namespace liaison::web {

//! What an operator's monitoring calls: GET /healthz (the process answers), /readyz (and its
//! database does), /metrics (Prometheus text), /api/v1/version.
void add_operations_routes(Router& router, store::Database& database, const Metrics& metrics,
                           std::string version);

}  // namespace liaison::web
