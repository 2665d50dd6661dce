// Accounts, invitations, sign-in, sessions and API tokens over the real store, on both engines,
// in simulated time (a ManualClock), so that expiry and throttling are tested without sleeping.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/random.h"
#include "base/totp.h"
#include "services/account_service.h"
#include "services/audit_log.h"
#include "services/session_service.h"
#include "store/engines.h"

namespace liaison::testing {
namespace {

using namespace std::chrono_literals;
using services::Actor;

constexpr std::string_view kPassword = "a long enough passphrase";

struct Person {
  std::string account_id;
  std::string email;
  std::string password;
  std::string totp_secret;
  std::vector<std::string> recovery_codes;
};

class Accounts : public StoreTest {
 protected:
  void SetUp() override {
    database = database_.open_migrated();
    accounts = std::make_unique<services::AccountService>(*database, clock, random, settings);
    sessions = std::make_unique<services::SessionService>(*database, clock, random, settings,
                                                          std::chrono::milliseconds(0));
  }

  static std::string secret_of(const services::InvitationOutcome& outcome) {
    auto at = outcome.link.rfind("/invitations/");
    EXPECT_NE(at, std::string::npos) << outcome.link;
    return outcome.link.substr(at + 13);
  }

  std::string code(std::string_view totp_secret) {
    return totp_code(totp_secret, clock.now()).value();
  }

  services::InvitationOutcome invite(const std::string& email, domain::RoleGrant grant,
                                     std::string organisation = "OSCE") {
    services::InvitationRequest request{email, "Person " + email, std::move(grant),
                                        std::move(organisation)};
    auto outcome = accounts->invite(Actor::command_line(), request);
    EXPECT_TRUE(outcome) << outcome.error().message;
    return outcome.value();
  }

  //! Invites and accepts; afterwards the clock is one TOTP step later, so a fresh code signs in.
  Person create(const std::string& email,
                domain::RoleGrant grant = {domain::Role::focal, {}, "DE"}) {
    auto secret = secret_of(invite(email, std::move(grant)));
    auto view = accounts->open_invitation(secret);
    EXPECT_TRUE(view) << view.error().message;
    auto accepted =
        accounts->accept_invitation(secret, kPassword, code(view->totp_secret), "198.51.100.1");
    EXPECT_TRUE(accepted) << accepted.error().message;
    clock.advance(30s);
    return {accepted->account_id, email, std::string(kPassword), view->totp_secret,
            accepted->recovery_codes};
  }

  Result<services::NewSession> sign_in(const Person& person, std::string code_or_recovery,
                                       std::string password = {},
                                       std::string address = "203.0.113.7") {
    return sessions->sign_in({person.email, password.empty() ? person.password : password,
                              std::move(code_or_recovery), std::move(address), "test agent"});
  }

  //! Signs in with the authenticator's current code, one step after the last one used.
  services::NewSession sign_in_fresh(const Person& person) {
    clock.advance(30s);
    auto session = sign_in(person, code(person.totp_secret));
    EXPECT_TRUE(session) << session.error().message;
    return session.value();
  }

  std::optional<services::Authenticated> session(const std::string& secret) {
    auto found = sessions->session(secret);
    EXPECT_TRUE(found) << found.error().message;
    return found ? *found : std::nullopt;
  }

  Actor actor_of(const services::NewSession& session) {
    auto found = this->session(session.secret);
    EXPECT_TRUE(found);
    return {found->principal, "203.0.113.7"};
  }

  std::int64_t count(const std::string& sql, std::vector<store::Value> parameters = {}) {
    auto rows = database->transact(store::Access::read, [&](store::Connection& connection) {
      return connection.query(sql, parameters);
    });
    EXPECT_TRUE(rows) << rows.error().message;
    return rows->front().integer(0);
  }

  std::set<std::string> audited_actions() {
    auto rows = database->transact(store::Access::read, [](store::Connection& connection) {
      return connection.query("SELECT action FROM audit_log");
    });
    EXPECT_TRUE(rows);
    std::set<std::string> actions;
    for (const auto& row : *rows)
      actions.insert(row.text(0));
    return actions;
  }

  // Starts on a TOTP step boundary (2024-10-04T00:00:00Z is a multiple of 30 s).
  ManualClock clock{std::chrono::system_clock::time_point{std::chrono::hours(24 * 20000)}};
  SystemRandom random;
  services::SecuritySettings settings;
  std::unique_ptr<store::Database> database;
  std::unique_ptr<services::AccountService> accounts;
  std::unique_ptr<services::SessionService> sessions;
};

TEST_P(Accounts, InviteAcceptAndSignInWithTheAuthenticator) {
  auto outcome = invite("focal.de@example.org", {domain::Role::focal, {}, "deu"});
  EXPECT_FALSE(outcome.invitation_id.empty());
  EXPECT_TRUE(outcome.account_id.empty());
  EXPECT_TRUE(outcome.link.starts_with(settings.public_url + "/invitations/")) << outcome.link;
  auto secret = secret_of(outcome);
  EXPECT_EQ(secret.size(), 43u);

  auto view = accounts->open_invitation(secret);
  ASSERT_TRUE(view) << view.error().message;
  EXPECT_EQ(view->email, "focal.de@example.org");
  EXPECT_EQ(view->grant.role, domain::Role::focal);
  EXPECT_EQ(view->grant.state, "DE");  // alpha-3 resolved to alpha-2
  EXPECT_EQ(view->organisation_code, "OSCE");
  EXPECT_EQ(view->totp_secret.size(), 32u);

  // A bad password or code leaves the invitation usable.
  auto weak = accounts->accept_invitation(secret, "too short", code(view->totp_secret), "");
  ASSERT_FALSE(weak);
  EXPECT_EQ(weak.error().code, ErrorCode::invalid_argument);
  auto wrong_code = accounts->accept_invitation(secret, kPassword, "000000", "");
  ASSERT_FALSE(wrong_code);
  EXPECT_EQ(wrong_code.error().code, ErrorCode::invalid_argument);

  auto accepted =
      accounts->accept_invitation(secret, kPassword, code(view->totp_secret), "198.51.100.1");
  ASSERT_TRUE(accepted) << accepted.error().message;
  ASSERT_EQ(accepted->recovery_codes.size(), 10u);
  std::set<std::string> distinct(accepted->recovery_codes.begin(), accepted->recovery_codes.end());
  EXPECT_EQ(distinct.size(), 10u);
  const std::regex format("[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}");
  for (const auto& each : accepted->recovery_codes)
    EXPECT_TRUE(std::regex_match(each, format)) << each;
  EXPECT_EQ(accounts->unused_recovery_codes(accepted->account_id).value(), 10);

  auto account = accounts->account(accepted->account_id);
  ASSERT_TRUE(account);
  EXPECT_EQ(account->status, domain::AccountStatus::active);
  ASSERT_EQ(account->grants.size(), 1u);
  EXPECT_EQ(account->grants[0].role, domain::Role::focal);
  EXPECT_EQ(account->grants[0].state, "DE");
  EXPECT_FALSE(account->grants[0].organisation_id.empty());

  Person person{accepted->account_id, "focal.de@example.org", std::string(kPassword),
                view->totp_secret, accepted->recovery_codes};
  // The code that enrolled the authenticator was used: it does not sign in as well.
  auto enrolment_code = sign_in(person, code(person.totp_secret));
  ASSERT_FALSE(enrolment_code);
  EXPECT_EQ(enrolment_code.error().code, ErrorCode::unauthenticated);

  clock.advance(30s);
  auto totp = code(person.totp_secret);
  // Addresses are compared as keys: case and blanks do not matter.
  auto signed_in = sessions->sign_in(
      {" Focal.DE@Example.org", std::string(kPassword), totp, "203.0.113.7", "test agent"});
  ASSERT_TRUE(signed_in) << signed_in.error().message;
  EXPECT_EQ(signed_in->account.id, person.account_id);
  EXPECT_FALSE(signed_in->used_recovery_code);
  EXPECT_EQ(signed_in->secret.size(), 43u);
  EXPECT_EQ(signed_in->csrf_token.size(), 43u);
  EXPECT_NE(signed_in->secret, signed_in->csrf_token);

  auto found = session(signed_in->secret);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->principal.account_id, person.account_id);
  EXPECT_EQ(found->principal.grants, account->grants);
  EXPECT_FALSE(found->principal.scopes);
  EXPECT_EQ(found->session_id, signed_in->session_id);
  EXPECT_EQ(found->csrf_token, signed_in->csrf_token);

  // The same code a second time, even a moment later in the same step, is a replay.
  clock.advance(5s);
  auto replay = sign_in(person, totp);
  ASSERT_FALSE(replay);
  EXPECT_EQ(replay.error().code, ErrorCode::unauthenticated);
  // So is the code of the step before, which the drift window would otherwise accept.
  auto earlier = sign_in(person, totp_code(person.totp_secret, clock.now() - 30s).value());
  ASSERT_FALSE(earlier);
  EXPECT_EQ(earlier.error().code, ErrorCode::unauthenticated);
}

TEST_P(Accounts, AnExpiredInvitationIsNotFound) {
  auto secret = secret_of(invite("late@example.org", {domain::Role::poc, {}, "DE"}));
  auto view = accounts->open_invitation(secret);
  ASSERT_TRUE(view);
  clock.advance(72h + 1s);
  auto opened = accounts->open_invitation(secret);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, ErrorCode::not_found);
  auto accepted = accounts->accept_invitation(secret, kPassword, code(view->totp_secret), "");
  ASSERT_FALSE(accepted);
  EXPECT_EQ(accepted.error().code, ErrorCode::not_found);

  // One second before the end it still works.
  auto other = secret_of(invite("in.time@example.org", {domain::Role::poc, {}, "DE"}));
  auto other_view = accounts->open_invitation(other);
  ASSERT_TRUE(other_view);
  clock.advance(72h - 1s);
  auto in_time = accounts->accept_invitation(other, kPassword, code(other_view->totp_secret), "");
  EXPECT_TRUE(in_time) << in_time.error().message;
}

TEST_P(Accounts, AnInvitationWorksOnce) {
  auto secret = secret_of(invite("once@example.org", {domain::Role::observer, {}, {}}));
  auto view = accounts->open_invitation(secret);
  ASSERT_TRUE(view);
  auto first = accounts->accept_invitation(secret, kPassword, code(view->totp_secret), "");
  ASSERT_TRUE(first) << first.error().message;
  clock.advance(30s);
  auto second =
      accounts->accept_invitation(secret, "another long passphrase", code(view->totp_secret), "");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::not_found);
  EXPECT_EQ(accounts->open_invitation(secret).error().code, ErrorCode::not_found);
  // An unknown link reads the same.
  auto unknown = accounts->open_invitation("not-a-real-invitation-secret");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found);
  EXPECT_EQ(unknown.error().message, second.error().message);
}

TEST_P(Accounts, ARecoveryCodeWorksOnce) {
  auto person = create("recovery@example.org");
  auto first = sign_in(person, person.recovery_codes[0]);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->used_recovery_code);
  EXPECT_EQ(first->recovery_codes_left, 9);
  auto again = sign_in(person, person.recovery_codes[0]);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(accounts->unused_recovery_codes(person.account_id).value(), 9);

  // Typed in capitals and without the dashes, a code still counts.
  std::string typed;
  for (char c : person.recovery_codes[1])
    if (c != '-') typed += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto second = sign_in(person, typed);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->recovery_codes_left, 8);
  // Someone else's code does not.
  auto other = create("other.recovery@example.org");
  auto crossed = sign_in(person, other.recovery_codes[0]);
  ASSERT_FALSE(crossed);
  EXPECT_EQ(crossed.error().code, ErrorCode::unauthenticated);
}

TEST_P(Accounts, EveryFailureReadsTheSame) {
  auto person = create("same@example.org");
  auto suspended = create("suspended@example.org");
  ASSERT_TRUE(accounts->suspend(Actor::command_line(), suspended.account_id));

  auto wrong_password = sign_in(person, code(person.totp_secret), "not the password at all");
  Person nobody{"", "nobody@example.org", std::string(kPassword), person.totp_secret, {}};
  auto unknown = sign_in(nobody, code(person.totp_secret));
  // The suspended account gives the right password and a valid, unused code.
  auto suspended_attempt = sign_in(suspended, code(suspended.totp_secret));
  auto wrong_code = sign_in(person, "000000");

  for (const auto* result : {&wrong_password, &unknown, &suspended_attempt, &wrong_code}) {
    ASSERT_FALSE(*result);
    EXPECT_EQ(result->error().code, ErrorCode::unauthenticated);
    EXPECT_EQ(result->error().message, wrong_password.error().message);
  }
  EXPECT_EQ(wrong_password.error().message, "The e-mail address, password or code is wrong.");

  // Reactivated, the same credentials work.
  ASSERT_TRUE(accounts->reactivate(Actor::command_line(), suspended.account_id));
  auto back = sign_in(suspended, code(suspended.totp_secret));
  EXPECT_TRUE(back) << back.error().message;
}

TEST_P(Accounts, FiveFailuresBlockTheAccountAndTellItsOwnerOnce) {
  auto person = create("throttled@example.org");
  for (int i = 0; i < 5; ++i) {
    auto failed =
        sign_in(person, code(person.totp_secret), "a wrong password " + std::to_string(i));
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, ErrorCode::unauthenticated) << i;
  }
  // The sixth attempt is refused before the password is looked at, right or not.
  auto sixth = sign_in(person, code(person.totp_secret));
  ASSERT_FALSE(sixth);
  EXPECT_EQ(sixth.error().code, ErrorCode::throttled) << sixth.error().message;
  // Another client address does not help: the block is on the account.
  auto elsewhere = sign_in(person, code(person.totp_secret), {}, "192.0.2.200");
  ASSERT_FALSE(elsewhere);
  EXPECT_EQ(elsewhere.error().code, ErrorCode::throttled);

  const std::string lockouts =
      "SELECT count(*) FROM outbox WHERE kind = 'lockout' AND recipient = $1";
  EXPECT_EQ(count(lockouts, {person.email}), 1);
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE kind = 'lockout'"), 1);

  // After the minute another failure blocks for longer, without a second mail.
  clock.advance(61s);
  auto seventh = sign_in(person, code(person.totp_secret), "still the wrong password");
  ASSERT_FALSE(seventh);
  EXPECT_EQ(seventh.error().code, ErrorCode::unauthenticated);
  clock.advance(61s);
  auto blocked = sign_in(person, code(person.totp_secret));
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, ErrorCode::throttled);
  EXPECT_EQ(count(lockouts, {person.email}), 1);

  // Once the block ends, the right credentials work.
  clock.advance(60s);
  auto signed_in = sign_in(person, code(person.totp_secret));
  EXPECT_TRUE(signed_in) << signed_in.error().message;
  EXPECT_TRUE(audited_actions().count("sign_in.throttled"));
}

TEST_P(Accounts, AnUnknownAddressIsThrottledTooButNobodyIsMailed) {
  Person nobody{
      "", "nobody@example.org", std::string(kPassword), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", {}};
  for (int i = 0; i < 5; ++i) {
    auto failed = sign_in(nobody, "123456");
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, ErrorCode::unauthenticated);
  }
  auto sixth = sign_in(nobody, "123456");
  ASSERT_FALSE(sixth);
  EXPECT_EQ(sixth.error().code, ErrorCode::throttled);
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE kind = 'lockout'"), 0);
}

TEST_P(Accounts, SessionsEndAfterThirtyIdleMinutes) {
  auto person = create("idle@example.org");
  auto kept = sign_in_fresh(person);
  auto left = sign_in_fresh(person);

  // Used every 29 minutes, a session lives on.
  for (int i = 0; i < 3; ++i) {
    clock.advance(29min);
    EXPECT_TRUE(session(kept.secret)) << i;
  }
  // Left alone for 31 minutes (87 in all), it ends, and its row goes.
  EXPECT_FALSE(session(left.secret));
  EXPECT_EQ(count("SELECT count(*) FROM sessions WHERE id = $1", {left.session_id}), 0);
  clock.advance(31min);
  EXPECT_FALSE(session(kept.secret));
  EXPECT_EQ(count("SELECT count(*) FROM sessions WHERE id = $1", {kept.session_id}), 0);
}

TEST_P(Accounts, SessionsEndAfterTwelveHoursHoweverBusy) {
  auto person = create("busy@example.org");
  auto busy = sign_in_fresh(person);
  auto elapsed = 0min;
  while (elapsed + 20min < 12h) {
    clock.advance(20min);
    elapsed += 20min;
    ASSERT_TRUE(session(busy.secret)) << "after " << elapsed.count() << " minutes";
  }
  EXPECT_EQ(elapsed, 11h + 40min);
  clock.advance(20min + 1s);  // idle for only 20 minutes, but 12 hours and a second old
  EXPECT_FALSE(session(busy.secret));
}

TEST_P(Accounts, SignOutEverywhereEndsEverySession) {
  auto person = create("everywhere@example.org");
  auto first = sign_in_fresh(person);
  auto second = sign_in_fresh(person);
  auto third = sign_in(person, person.recovery_codes[0]).value();
  auto other_person = create("bystander@example.org");
  auto bystander = sign_in_fresh(other_person);

  auto ended = sessions->sign_out_everywhere(actor_of(second));
  ASSERT_TRUE(ended) << ended.error().message;
  EXPECT_EQ(*ended, 3);
  EXPECT_FALSE(session(first.secret));
  EXPECT_FALSE(session(second.secret));
  EXPECT_FALSE(session(third.secret));
  EXPECT_TRUE(session(bystander.secret));

  // Nobody signed in may not.
  EXPECT_EQ(sessions->sign_out_everywhere(Actor{}).error().code, ErrorCode::forbidden);
}

TEST_P(Accounts, ChangingThePasswordEndsTheOtherSessions) {
  auto person = create("password@example.org");
  auto current = sign_in_fresh(person);
  auto other = sign_in_fresh(person);
  auto actor = actor_of(current);

  auto wrong = accounts->change_password(actor, "not my password", "a brand new passphrase",
                                         current.session_id);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::invalid_argument);
  auto weak = accounts->change_password(actor, kPassword, "short", current.session_id);
  ASSERT_FALSE(weak);
  EXPECT_EQ(weak.error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(session(other.secret));

  auto changed =
      accounts->change_password(actor, kPassword, "a brand new passphrase", current.session_id);
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_TRUE(session(current.secret));
  EXPECT_FALSE(session(other.secret));

  clock.advance(30s);
  auto old_password = sign_in(person, code(person.totp_secret));
  ASSERT_FALSE(old_password);
  EXPECT_EQ(old_password.error().code, ErrorCode::unauthenticated);
  auto new_password = sign_in(person, code(person.totp_secret), "a brand new passphrase");
  EXPECT_TRUE(new_password) << new_password.error().message;
}

TEST_P(Accounts, ATokenActsWithItsScopesUntilRevoked) {
  auto person = create("secretariat@example.org", {domain::Role::secretariat, {}, {}});
  auto actor = actor_of(sign_in_fresh(person));

  auto issued =
      sessions->issue_token(actor, "directory sync", {domain::TokenScope::read_directory}, 24h);
  ASSERT_TRUE(issued) << issued.error().message;
  EXPECT_TRUE(issued->secret.starts_with("lia_")) << issued->secret;
  EXPECT_EQ(issued->record.scopes, "read_directory");

  auto found = sessions->token(issued->secret);
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(*found);
  const auto& authenticated = **found;
  EXPECT_EQ(authenticated.principal.account_id, person.account_id);
  ASSERT_TRUE(authenticated.principal.scopes);
  EXPECT_EQ(*authenticated.principal.scopes,
            std::vector<domain::TokenScope>{domain::TokenScope::read_directory});
  EXPECT_TRUE(authenticated.session_id.empty());
  EXPECT_TRUE(authenticated.csrf_token.empty());
  // The scope narrows what the secretariat may do with it.
  EXPECT_TRUE(domain::authorize(authenticated.principal, domain::Action::read_reference, {}));
  auto osce = authenticated.account.grants.at(0).organisation_id;
  EXPECT_FALSE(domain::authorize(authenticated.principal, domain::Action::read_audit,
                                 domain::Resource::organisation(osce)));
  // A token cannot mint tokens.
  Actor by_token{authenticated.principal, ""};
  auto minted = sessions->issue_token(by_token, "more", {domain::TokenScope::read_directory}, 24h);
  ASSERT_FALSE(minted);
  EXPECT_EQ(minted.error().code, ErrorCode::forbidden);

  auto revoked = sessions->revoke_token(actor, issued->record.id);
  ASSERT_TRUE(revoked) << revoked.error().message;
  auto after = sessions->token(issued->secret);
  ASSERT_TRUE(after);
  EXPECT_FALSE(*after);
  EXPECT_EQ(sessions->revoke_token(actor, issued->record.id).error().code, ErrorCode::not_found);

  // Scopes the roles cannot use, and lifetimes out of range, are refused.
  EXPECT_EQ(
      sessions->issue_token(actor, "metrics", {domain::TokenScope::read_metrics}, 24h).error().code,
      ErrorCode::invalid_argument);
  EXPECT_EQ(sessions->issue_token(actor, "none", {}, 24h).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(sessions->issue_token(actor, "short", {domain::TokenScope::read_directory}, 30min)
                .error()
                .code,
            ErrorCode::invalid_argument);

  // A token ends at its expiry.
  auto brief = sessions->issue_token(actor, "brief", {domain::TokenScope::read_directory}, 1h);
  ASSERT_TRUE(brief);
  EXPECT_TRUE(sessions->token(brief->secret).value());
  clock.advance(1h);
  EXPECT_FALSE(sessions->token(brief->secret).value());
  // Unknown and malformed secrets are nobody.
  EXPECT_FALSE(sessions->token("lia_unknown").value());
  EXPECT_FALSE(sessions->token(issued->secret.substr(4)).value());
}

TEST_P(Accounts, SuspendingAnAccountEndsItsSessionsAndTokens) {
  auto person = create("suspend.me@example.org", {domain::Role::poc, {}, "DE"});
  auto signed_in = sign_in_fresh(person);
  auto actor = actor_of(signed_in);
  auto issued = sessions->issue_token(actor, "sync", {domain::TokenScope::read_directory}, 24h);
  ASSERT_TRUE(issued);
  ASSERT_TRUE(accounts->suspend(Actor::command_line(), person.account_id));
  EXPECT_FALSE(session(signed_in.secret));
  EXPECT_FALSE(sessions->token(issued->secret).value());
}

// Token lookups are cached for the configured lifetime; a suspension must not wait for it on
// the instance that made it (Application wires the same listener).
TEST_P(Accounts, SuspensionEndsACachedTokenAtOnce) {
  services::SessionService cached(*database, clock, random, settings,
                                  std::chrono::milliseconds(2000));
  accounts->on_access_changed([&cached] { cached.forget_cached_tokens(); });
  auto person = create("cached@example.org", {domain::Role::poc, {}, "DE"});
  auto actor = actor_of(sign_in_fresh(person));
  auto issued = cached.issue_token(actor, "sync", {domain::TokenScope::read_directory}, 24h);
  ASSERT_TRUE(issued);
  ASSERT_TRUE(cached.token(issued->secret).value());  // now in the cache
  ASSERT_TRUE(accounts->suspend(Actor::command_line(), person.account_id));
  EXPECT_FALSE(cached.token(issued->secret).value())
      << "a suspended account's API token still authenticates from the token cache";
}

TEST_P(Accounts, TheAuditLogRecordsTheStepsAndDetectsTampering) {
  auto person = create("audited@example.org", {domain::Role::secretariat, {}, {}});
  auto failed = sign_in(person, code(person.totp_secret), "not the password");
  ASSERT_FALSE(failed);
  auto actor = actor_of(sign_in_fresh(person));
  ASSERT_TRUE(sessions->issue_token(actor, "sync", {domain::TokenScope::read_directory}, 24h));

  auto actions = audited_actions();
  for (std::string action : {"invitation.created", "invitation.accepted", "sign_in.failed",
                             "sign_in.succeeded", "token.issued"}) {
    EXPECT_TRUE(actions.count(action)) << action;
  }
  // Organisation-scoped events name the organisation, so that its secretariat sees them.
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action IN ('invitation.created', "
                  "'invitation.accepted') AND organisation_id IS NOT NULL"),
            2);
  // No secret reaches the log.
  auto rows = database->transact(store::Access::read, [](store::Connection& connection) {
    return connection.query("SELECT details FROM audit_log");
  });
  ASSERT_TRUE(rows);
  for (const auto& row : *rows) {
    EXPECT_EQ(row.text(0).find(std::string(kPassword)), std::string::npos) << row.text(0);
    EXPECT_EQ(row.text(0).find(person.totp_secret), std::string::npos) << row.text(0);
  }

  auto intact = services::verify_audit_log(*database);
  ASSERT_TRUE(intact) << intact.error().message;
  EXPECT_FALSE(intact->broken_at) << intact->problem;
  EXPECT_GE(intact->entries, 5);

  auto failed_sequence = count("SELECT sequence FROM audit_log WHERE action = 'sign_in.failed'");
  auto tampered =
      database->transact(store::Access::write, [](store::Connection& connection) -> Result<void> {
        if (connection.dialect() == store::Dialect::sqlite) {
          LIAISON_TRY(connection.execute_script(
              "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"));
        } else {
          LIAISON_TRY(connection.execute_script("ALTER TABLE audit_log DISABLE TRIGGER ALL"));
        }
        return connection.execute_script(
            "UPDATE audit_log SET details = '{\"email\":\"someone.else@example.org\"}' "
            "WHERE action = 'sign_in.failed'");
      });
  ASSERT_TRUE(tampered) << tampered.error().message;
  auto verification = services::verify_audit_log(*database);
  ASSERT_TRUE(verification) << verification.error().message;
  ASSERT_TRUE(verification->broken_at);
  EXPECT_EQ(*verification->broken_at, failed_sequence) << verification->problem;
}

LIAISON_INSTANTIATE_STORE_TEST(Accounts);

}  // namespace
}  // namespace liaison::testing
