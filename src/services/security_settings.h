#pragma once

#include <chrono>
#include <string>

#include "services/outbox.h"

namespace liaison::services {

//! The knobs of accounts and sessions, from the configuration (app/config.h).
struct SecuritySettings {
  std::chrono::seconds invitation_lifetime = std::chrono::hours(72);
  std::chrono::seconds session_idle = std::chrono::minutes(30);
  std::chrono::seconds session_absolute = std::chrono::hours(12);
  std::chrono::seconds token_max_lifetime = std::chrono::hours(24 * 366);
  //! Where users reach this instance; links in mail start with it.
  std::string public_url = "http://127.0.0.1:8080";
  //! The issuer authenticator apps show beside the code.
  std::string instance_name = "Liaison";
};

inline MailIdentity mail_identity(const SecuritySettings& settings) {
  return {settings.instance_name, settings.public_url};
}

}  // namespace liaison::services
