#pragma once

#include <string>

#include "domain/audit.h"
#include "domain/policy.h"

namespace liaison::services {

//! Who asks a service to act, and from where: the principal the policy decides on and the
//! address the audit log records.
struct Actor {
  domain::Principal principal;
  std::string address;

  //! The shell of the machine: `liaison admin …` acts with an operator's rights.
  static Actor command_line() {
    return {domain::Principal{"cli", {domain::RoleGrant{domain::Role::operator_, {}, {}}}, {}}, {}};
  }

  domain::AuditEvent event(std::string action, std::string subject, std::string details,
                           std::string organisation_id = {}) const {
    return {principal.account_id, address,
            std::move(action),    std::move(subject),
            std::move(details),   std::move(organisation_id)};
  }
};

}  // namespace liaison::services
