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

//! How an organisation runs its directory (CBM 8: "update at least annually", "notify changes
//! within 30 days"). OSCE re-confirms every 12 months, ASEAN every 6.
struct DirectoryRules {
  int reconfirm_months = 12;    //!< a state's entries fall due this long after confirmation
  int change_notice_days = 30;  //!< a change recorded later than this after it took effect is late
  bool approval_required = false;  //!< the secretariat approves changes before readers see them
  std::string time_zone = "UTC";   //!< IANA zone whose calendar dates the rules count in
};

//! An organisation with the number of its members, as the directory lists it.
struct OrganisationSummary {
  Organisation organisation;
  long member_count = 0;
};

}  // namespace liaison::domain
