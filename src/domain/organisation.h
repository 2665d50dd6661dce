#pragma once

#include <string>

namespace liaison::domain {

//! An intergovernmental or regional organisation that runs a Points of Contact network.
struct Organisation {
  std::string id;           //!< random UUID, what URLs and integrators use
  std::string code;         //!< short name, unique: "OSCE", "UN", "ASEAN"
  std::string name;         //!< full English name
  std::string member_term;  //!< what the organisation calls its members: "participating State"
  bool demo = false;        //!< created for demonstration; never part of a real network
};

//! An organisation with the number of its members, as the directory lists it.
struct OrganisationSummary {
  Organisation organisation;
  long member_count = 0;
};

}  // namespace liaison::domain
