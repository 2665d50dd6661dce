#pragma once

#include <string>

#include "base/clock.h"
#include "base/error.h"
#include "base/random.h"
#include "services/check_service.h"
#include "services/directory_service.h"
#include "store/database.h"

namespace liaison::services {

//! The demonstration organisation a new instance starts with, so a newcomer has something to
//! look at that is clearly not a real network.
inline constexpr std::string_view kDemoOrganisationCode = "DEMO";

struct DemoResult {
  std::string organisation_id;
  bool created = false;  //!< false when it already existed
};

//! Creates the demo organisation and its members unless it exists already.
Result<DemoResult> ensure_demo_organisation(store::Database& database, const Clock& clock,
                                            RandomSource& random);

//! Fills the demo organisation's directory with invented entries (a policy and a technical
//! point of contact and a national CERT per member, names in their scripts) unless it has
//! entries already. Returns how many it created.
Result<std::int64_t> ensure_demo_directory(DirectoryService& directory,
                                           const std::string& organisation_id);

//! Launches an acknowledge check to the demo directory unless the demo organisation has a check
//! already, so that a newcomer finds its invitations in the demo mailbox and watches the results
//! fill as they simulate replies. True when it launched one.
Result<bool> ensure_demo_check(CheckService& checks, const std::string& organisation_id);

}  // namespace liaison::services
