#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "domain/organisation.h"
#include "domain/state.h"
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
//! what is known of a state.
class ReferenceService {
 public:
  explicit ReferenceService(store::Database& database) : database_(database) {}

  Result<std::vector<domain::OrganisationSummary>> organisations();
  //! Not found when no organisation has this identifier or code.
  Result<OrganisationMembers> members(std::string_view organisation_id_or_code);
  //! Invalid argument for a malformed code, not found for an unknown one.
  Result<StateProfile> state(std::string_view code);

 private:
  store::Database& database_;
};

}  // namespace liaison::services
