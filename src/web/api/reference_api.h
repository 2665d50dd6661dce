#pragma once

#include "services/reference_service.h"
#include "web/router.h"

namespace liaison::web {

//! GET /api/v1/organisations, /api/v1/organisations/{id}/members, /api/v1/states/{code}.
void add_reference_api(Router& router, services::ReferenceService& reference);

}  // namespace liaison::web
