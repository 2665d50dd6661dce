#include "web/api/resource_scope.h"

#include <algorithm>

#include <fmt/format.h>

namespace liaison::web {

Result<domain::Resource> resource_from_query(const RequestContext& context,
                                             services::ReferenceService& reference) {
  auto organisation = context.query("organisation").value_or("");
  auto state = context.query("state").value_or("");
  if (organisation.empty()) {
    if (!state.empty()) return Error::invalid_argument("state: give the organisation as well");
    return domain::Resource::instance();
  }
  auto members = reference.members(organisation);
  if (!members) {
    if (members.error().code == ErrorCode::not_found)
      return Error::invalid_argument("organisation: no organisation has this code");
    return members.error();
  }
  auto resource = domain::Resource::organisation((*members)->organisation.id);
  if (state.empty()) return resource;
  auto member = member_state(**members, state);
  if (!member) return Error::invalid_argument("state: " + member.error().message);
  resource.state = *member;
  return resource;
}

Result<std::string> member_state(const services::OrganisationMembers& organisation,
                                 std::string_view code) {
  auto parsed = domain::parse_state_code(code);
  if (!parsed) return parsed.error();
  const auto& list = organisation.members;
  auto found = std::find_if(list.begin(), list.end(), [&](const domain::State& each) {
    return domain::matches(*parsed, each);
  });
  if (found == list.end())
    return Error::conflict(
        fmt::format("{} is not a member of {}", code, organisation.organisation.code));
  return found->alpha2;
}

}  // namespace liaison::web
