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

//! The alpha-2 of the member of `organisation` that `code` (alpha-2 or alpha-3) names: invalid
//! argument for a malformed code, conflict ("not a member of OSCE") for a state outside it.
Result<std::string> member_state(const services::OrganisationMembers& organisation,
                                 std::string_view code);

inline store::AccountScope account_scope(const domain::Resource& resource) {
  return {resource.organisation_id, resource.state};
}

}  // namespace liaison::web
