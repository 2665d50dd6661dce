#include "services/reference_service.h"

#include <fmt/format.h>

#include "store/reference_store.h"

namespace liaison::services {

Result<std::vector<domain::OrganisationSummary>> ReferenceService::organisations() {
  return database_.transact(store::Access::read, [](store::Connection& connection) {
    return store::ReferenceStore(connection).organisations();
  });
}

Result<OrganisationMembers> ReferenceService::members(std::string_view organisation_id_or_code) {
  return database_.transact(
      store::Access::read, [&](store::Connection& connection) -> Result<OrganisationMembers> {
        store::ReferenceStore reference(connection);
        auto organisation = reference.find_organisation(organisation_id_or_code);
        if (!organisation)
          return organisation.error();
        if (!*organisation) {
          return Error::not_found(fmt::format("no organisation \"{}\"", organisation_id_or_code));
        }
        auto members = reference.members((*organisation)->id);
        if (!members)
          return members.error();
        return OrganisationMembers{std::move(**organisation), std::move(*members)};
      });
}

Result<StateProfile> ReferenceService::state(std::string_view code) {
  auto parsed = domain::parse_state_code(code);
  if (!parsed)
    return parsed.error();
  return database_.transact(
      store::Access::read, [&](store::Connection& connection) -> Result<StateProfile> {
        store::ReferenceStore reference(connection);
        auto state = reference.find_state(*parsed);
        if (!state)
          return state.error();
        if (!*state)
          return Error::not_found(fmt::format("no state with the code \"{}\"", code));
        auto organisations = reference.organisations_of((*state)->alpha2);
        if (!organisations)
          return organisations.error();
        return StateProfile{std::move(**state), std::move(*organisations)};
      });
}

}  // namespace liaison::services
