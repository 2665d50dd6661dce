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
  auto code = domain::parse_state_code(state);
  if (!code) return Error::invalid_argument("state: " + code.error().message);
  const auto& list = (*members)->members;
  auto found = std::find_if(list.begin(), list.end(), [&](const domain::State& each) {
    return domain::matches(*code, each);
  });
  if (found == list.end())
    return Error::invalid_argument(
        fmt::format("state: not a member of {}", (*members)->organisation.code));
  resource.state = found->alpha2;
  return resource;
}

}  // namespace liaison::web
