#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "domain/account.h"
#include "services/actor.h"
#include "services/check_service.h"
#include "services/directory_service.h"
#include "store/database.h"

namespace liaison::services {

//! A running check as it concerns one state or one person: the check, and the recipients of the
//! state (or the person's own row) with their deadlines and answers.
struct OpenCheck {
  store::CheckRecord check;
  std::string deadline;   //!< the soonest deadline among the rows
  bool answered = false;  //!< someone of the state (or the person) answered
  std::vector<store::CheckRecipientRecord> recipients;
};

//! What a secretariat watches in its organisation.
struct SecretariatHome {
  std::string organisation_id;
  //! Members whose re-confirmation is overdue or was never made.
  std::vector<StateFreshness> overdue;
  //! The newest closed check and the states none of whose recipients answered it.
  std::optional<store::CheckRecord> last_closed;
  std::vector<std::string> unreachable;
  //! Running and scheduled checks, newest first.
  std::vector<CheckSummary> running;
  //! Entries with a change awaiting approval, and the last published changes, newest first.
  std::vector<domain::DirectoryEntry> awaiting_approval;
  std::vector<domain::DirectoryEntry> recent_changes;
};

//! What a focal point's state owes, and its points of contact.
struct FocalHome {
  std::string organisation_id;
  std::string state;
  StateFreshness freshness;
  std::vector<OpenCheck> open_checks;
  std::vector<domain::DirectoryEntry> entries;  //!< the newest version of each of its entries
};

//! What a point of contact has to answer.
struct PocHome {
  std::string organisation_id;
  std::string state;
  std::vector<OpenCheck> open_checks;  //!< the checks mailed to the person's own address
};

//! One person's home page: a part for each role they hold, in the order of their grants.
struct Home {
  std::vector<SecretariatHome> secretariat;
  std::vector<FocalHome> focal;
  std::vector<PocHome> poc;
};

//! Gathers each role's home from the directory and the checks. Every part is read with the
//! person's own rights: a grant whose part the policy refuses is left out, never shown.
class HomeService {
 public:
  HomeService(store::Database& database, DirectoryService& directory, CheckService& checks)
      : database_(database), directory_(directory), checks_(checks) {}

  Result<Home> home(const Actor& actor, const domain::Account& account);

 private:
  Result<SecretariatHome> secretariat(const Actor& actor, const std::string& organisation_id);
  Result<FocalHome> focal(const Actor& actor, const domain::RoleGrant& grant);
  Result<PocHome> poc(const domain::Account& account, const domain::RoleGrant& grant);
  Result<std::vector<OpenCheck>> open_checks(const std::string& organisation_id,
                                             const std::string& state, const std::string& address);

  store::Database& database_;
  DirectoryService& directory_;
  CheckService& checks_;
};

}  // namespace liaison::services
