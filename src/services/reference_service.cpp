#include "services/reference_service.h"

#include <fmt/format.h>

#include "base/text.h"
#include "store/reference_store.h"

namespace liaison::services {

ReferenceService::ReferenceService(store::Database& database, const Clock& clock,
                                   std::chrono::milliseconds cache_lifetime)
    : database_(database),
      organisations_(clock, cache_lifetime),
      members_(clock, cache_lifetime),
      states_(clock, cache_lifetime) {}

Result<std::shared_ptr<const ReferenceService::Organisations>> ReferenceService::organisations() {
  return organisations_.get("", [&] {
    return database_.transact(store::Access::read, [](store::Connection& connection) {
      return store::ReferenceStore(connection).organisations();
    });
  });
}

Result<std::shared_ptr<const OrganisationMembers>> ReferenceService::members(
    std::string_view organisation_id_or_code) {
  // Codes and identifiers are ASCII letters, digits and '-': anything else names nothing, and
  // must not reach PostgreSQL, which rejects ill-formed UTF-8 as an error.
  for (char c : organisation_id_or_code) {
    bool ascii =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
    if (!ascii) {
      return Error::not_found(
          fmt::format("no organisation \"{}\"", to_valid_utf8(organisation_id_or_code)));
    }
  }
  // Codes are case-insensitive and identifiers lower-case hex: one key per organisation.
  return members_.get(ascii_upper(organisation_id_or_code), [&] {
    return database_.transact(
        store::Access::read, [&](store::Connection& connection) -> Result<OrganisationMembers> {
          store::ReferenceStore reference(connection);
          auto organisation = reference.find_organisation(organisation_id_or_code);
          if (!organisation) return organisation.error();
          if (!*organisation) {
            return Error::not_found(fmt::format("no organisation \"{}\"", organisation_id_or_code));
          }
          auto members = reference.members((*organisation)->id);
          if (!members) return members.error();
          return OrganisationMembers{std::move(**organisation), std::move(*members)};
        });
  });
}

Result<std::shared_ptr<const StateProfile>> ReferenceService::state(std::string_view code) {
  auto parsed = domain::parse_state_code(code);
  if (!parsed) return parsed.error();
  return states_.get(ascii_upper(code), [&] {
    return database_.transact(
        store::Access::read, [&](store::Connection& connection) -> Result<StateProfile> {
          store::ReferenceStore reference(connection);
          auto state = reference.find_state(*parsed);
          if (!state) return state.error();
          if (!*state) return Error::not_found(fmt::format("no state with the code \"{}\"", code));
          auto organisations = reference.organisations_of((*state)->alpha2);
          if (!organisations) return organisations.error();
          return StateProfile{std::move(**state), std::move(*organisations)};
        });
  });
}

}  // namespace liaison::services
