#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/error.h"
#include "domain/organisation.h"
#include "domain/state.h"
#include "services/ttl_cache.h"
#include "store/database.h"

namespace liaison::services {

struct OrganisationMembers {
  domain::Organisation organisation;
  std::vector<domain::State> members;
};

struct StateProfile {
  domain::State state;
  std::vector<domain::Organisation> organisations;
};

//! Read-only use cases over the reference data: which organisations exist, who belongs to them,
//! what is known of a state. Results are cached for `cache_lifetime` (see TtlCache).
class ReferenceService {
 public:
  using Organisations = std::vector<domain::OrganisationSummary>;

  ReferenceService(store::Database& database, const Clock& clock,
                   std::chrono::milliseconds cache_lifetime);

  Result<std::shared_ptr<const Organisations>> organisations();
  //! Not found when no organisation has this identifier or code.
  Result<std::shared_ptr<const OrganisationMembers>> members(
      std::string_view organisation_id_or_code);
  //! Invalid argument for a malformed code, not found for an unknown one.
  Result<std::shared_ptr<const StateProfile>> state(std::string_view code);

 private:
  store::Database& database_;
  TtlCache<Organisations> organisations_;
  TtlCache<OrganisationMembers> members_;
  TtlCache<StateProfile> states_;
};

}  // namespace liaison::services
