#pragma once

#include "services/directory_service.h"
#include "services/reference_service.h"
#include "web/router.h"

namespace liaison::web {

//! The directory under /api/v1/organisations/{id}/…: entries and their history, search,
//! nominations, approval, re-confirmation, freshness, rules, exports and imports.
void add_directory_api(Router& router, services::DirectoryService& directory,
                       services::ReferenceService& reference);

//! The organisation a path's `{id}` names (code or identifier) as a resource, with the path's
//! `{state}` (alpha-2 or alpha-3, a member) when the route has one. Shared with the pages.
Result<domain::Resource> directory_resource(const RequestContext& context,
                                            services::ReferenceService& reference);

}  // namespace liaison::web
