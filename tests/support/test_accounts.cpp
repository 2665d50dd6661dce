#include "support/test_accounts.h"

#include <chrono>
#include <stdexcept>

#include "base/totp.h"

namespace liaison::testing {

TestAccount create_account(app::Application& application, services::InvitationRequest request,
                           std::string password) {
  auto& accounts = application.accounts();
  auto outcome = accounts.invite(services::Actor::command_line(), request);
  if (!outcome) throw std::runtime_error("invite: " + outcome.error().message);
  auto secret = outcome->link.substr(outcome->link.rfind('/') + 1);
  auto view = accounts.open_invitation(secret);
  if (!view) throw std::runtime_error("open invitation: " + view.error().message);
  auto code = totp_code(view->totp_secret, std::chrono::system_clock::now());
  if (!code) throw std::runtime_error("totp: " + code.error().message);
  auto accepted = accounts.accept_invitation(secret, password, *code, "127.0.0.1");
  if (!accepted) throw std::runtime_error("accept: " + accepted.error().message);
  auto account = accounts.account(accepted->account_id);
  if (!account) throw std::runtime_error("account: " + account.error().message);
  return {account->id, account->email, std::move(password), view->totp_secret,
          domain::Principal{account->id, account->grants, std::nullopt}};
}

TestSession sign_in(app::Application& application, const TestAccount& account) {
  auto code =
      totp_code(account.totp_secret, std::chrono::system_clock::now() + std::chrono::seconds(30));
  if (!code) throw std::runtime_error("totp: " + code.error().message);
  auto session = application.sessions().sign_in(
      {account.email, account.password, *code, "127.0.0.1", "tests"});
  if (!session) throw std::runtime_error("sign in: " + session.error().message);
  return {session->secret, session->csrf_token};
}

std::string create_operator_token(app::Application& application) {
  services::InvitationRequest request;
  request.email = "operator@example.org";
  request.display_name = "Test Operator";
  request.grant.role = domain::Role::operator_;
  auto account = create_account(application, request);
  auto issued = application.sessions().issue_token(
      {account.principal, "127.0.0.1"}, "tests",
      {domain::TokenScope::read_directory, domain::TokenScope::read_metrics},
      std::chrono::hours(24));
  if (!issued) throw std::runtime_error("token: " + issued.error().message);
  return issued->secret;
}

}  // namespace liaison::testing
