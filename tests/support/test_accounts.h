#pragma once

#include <string>

#include "app/application.h"
#include "services/account_service.h"

namespace liaison::testing {

//! An account made the way people get one: invited, then accepted with a password and a TOTP
//! code computed from the enrolment secret.
struct TestAccount {
  std::string id;
  std::string email;
  std::string password;
  std::string totp_secret;
  domain::Principal principal;
};

//! Invites with the command line's rights and accepts at once; throws on failure.
TestAccount create_account(app::Application& application, services::InvitationRequest request,
                           std::string password = "correct horse battery staple");

//! A browser session of `account`: its cookie's secret and the CSRF token its forms carry.
struct TestSession {
  std::string secret;
  std::string csrf_token;
  //! "liaison_session=…", for a Cookie header.
  std::string cookie() const { return "liaison_session=" + secret; }
};

//! Signs `account` in with its password and the next TOTP step's code (the acceptance used the
//! current one); throws on failure.
TestSession sign_in(app::Application& application, const TestAccount& account);

//! An operator's API token with the read_directory and read_metrics scopes.
std::string create_operator_token(app::Application& application);

}  // namespace liaison::testing
