#pragma once

#include "domain/policy.h"
#include "services/reference_service.h"
#include "store/account_store.h"
#include "web/router.h"

namespace liaison::web {

//! The resource named by the query parameters `organisation` (code or identifier) and `state`
//! (alpha-2 or alpha-3): the instance when neither is given. An unknown organisation or a state
//! that is not its member is a 400, before the policy is asked.
Result<domain::Resource> resource_from_query(const RequestContext& context,
                                             services::ReferenceService& reference);

inline store::AccountScope account_scope(const domain::Resource& resource) {
  return {resource.organisation_id, resource.state};
}

}  // namespace liaison::web
