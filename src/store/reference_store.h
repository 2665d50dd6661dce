#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "domain/cbm.h"
#include "domain/organisation.h"
#include "domain/state.h"
#include "store/database.h"

namespace liaison::store {

//! Queries and changes on organisations, states and their memberships. Each call runs inside the
//! transaction its caller opened with Database::transact.
class ReferenceStore {
 public:
  explicit ReferenceStore(Connection& connection) : connection_(connection) {}

  //! Every organisation with its member count, reference organisations first in data/ order.
  Result<std::vector<domain::OrganisationSummary>> organisations();
  //! By random identifier or by code ("OSCE", any case).
  Result<std::optional<domain::Organisation>> find_organisation(std::string_view id_or_code);
  //! Members of an organisation, by alpha-2 code.
  Result<std::vector<domain::State>> members(const std::string& organisation_id);
  Result<std::optional<domain::State>> find_state(const domain::StateCode& code);
  //! Organisations a state belongs to.
  Result<std::vector<domain::Organisation>> organisations_of(const std::string& alpha2);
  Result<std::vector<domain::Cbm>> cbms(std::string_view catalogue);

  Result<void> insert_organisation(const domain::Organisation& organisation,
                                   const std::string& created_at);
  Result<void> add_member(const std::string& organisation_id, const std::string& alpha2);

 private:
  Result<std::vector<domain::State>> states_where(std::string_view condition,
                                                  std::span<const Value> parameters);

  Connection& connection_;
};

}  // namespace liaison::store
