#include "services/account_service.h"

#include <algorithm>
#include <chrono>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include "base/crypto.h"
#include "base/text.h"
#include "base/time_zone.h"
#include "base/totp.h"
#include "domain/policy.h"
#include "domain/state.h"
#include "services/audit_log.h"
#include "services/identifiers.h"
#include "services/outbox.h"
#include "store/reference_store.h"
#include "store/session_store.h"

namespace liaison::services {
namespace json = boost::json;
namespace {

//! What the mail templates' `role` partial needs to name a grant in the recipient's language.
json::object grant_values(const domain::RoleGrant& grant, std::string_view organisation_code) {
  return {{"role", domain::role_name(grant.role)},
          {"organisation", organisation_code},
          {"state", grant.state}};
}

constexpr std::size_t kRecoveryCodes = 10;
constexpr std::string_view kRecoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";

Error invalid_invitation() {
  return Error::not_found(
      "This invitation link is not valid: it was used already, withdrawn, or it expired. Ask the "
      "person who invited you for a new one.");
}

json::object grant_json(const domain::RoleGrant& grant) {
  json::object object{{"role", domain::role_name(grant.role)}};
  if (!grant.organisation_id.empty()) object["organisation_id"] = grant.organisation_id;
  if (!grant.state.empty()) object["state"] = grant.state;
  return object;
}

// Resolves the organisation and state of a grant and checks that they exist and belong together.
Result<std::string> resolve_grant(store::Connection& connection, InvitationRequest& request) {
  auto& grant = request.grant;
  auto reach = domain::role_reach(grant.role);
  if (reach == domain::Reach::instance) {
    grant.organisation_id.clear();
    grant.state.clear();
    return std::string();
  }
  std::string wanted = request.organisation.empty() ? grant.organisation_id : request.organisation;
  if (wanted.empty()) return Error::invalid_argument("organisation: this role needs one");
  store::ReferenceStore reference(connection);
  auto organisation = reference.find_organisation(wanted);
  if (!organisation) return organisation.error();
  if (!*organisation) return Error::invalid_argument("organisation: no organisation has this code");
  grant.organisation_id = (*organisation)->id;
  if (reach == domain::Reach::organisation) {
    grant.state.clear();
    return (*organisation)->code;
  }
  if (grant.state.empty()) return Error::invalid_argument("state: this role needs one");
  auto code = domain::parse_state_code(grant.state);
  if (!code) return Error::invalid_argument("state: " + code.error().message);
  auto members = reference.members(grant.organisation_id);
  if (!members) return members.error();
  auto found = std::find_if(members->begin(), members->end(), [&](const domain::State& state) {
    return domain::matches(*code, state);
  });
  if (found == members->end()) {
    return Error::invalid_argument(fmt::format("state: not a member of {}", (*organisation)->code));
  }
  grant.state = found->alpha2;
  return (*organisation)->code;
}

std::string organisation_of(const std::vector<domain::RoleGrant>& grants) {
  for (const auto& grant : grants)
    if (!grant.organisation_id.empty()) return grant.organisation_id;
  return {};
}

}  // namespace

std::string normalise_recovery_code(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ' || c == '\t') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

AccountService::AccountService(store::Database& database, const Clock& clock, RandomSource& random,
                               SecuritySettings settings)
    : database_(database), clock_(clock), random_(random), settings_(std::move(settings)) {}

std::vector<std::string> AccountService::new_recovery_codes(std::vector<std::string>& hashes) {
  std::vector<std::string> codes;
  for (std::size_t i = 0; i < kRecoveryCodes; ++i) {
    std::array<std::byte, 16> raw{};
    random_.fill(raw);
    std::string code;
    for (std::size_t j = 0; j < raw.size(); ++j) {
      if (j && j % 4 == 0) code += '-';
      code += kRecoveryAlphabet[static_cast<unsigned char>(raw[j]) % kRecoveryAlphabet.size()];
    }
    hashes.push_back(sha256_hex(normalise_recovery_code(code)));
    codes.push_back(std::move(code));
  }
  return codes;
}

Result<InvitationOutcome> AccountService::invite(const Actor& actor, InvitationRequest request) {
  request.email = std::string(trim_blanks(request.email));
  request.display_name = std::string(trim_blanks(request.display_name));
  if (!domain::plausible_email(request.email))
    return Error::invalid_argument("email: not a valid e-mail address");
  if (request.display_name.empty() || request.display_name.size() > 200 ||
      !is_valid_utf8(request.display_name)) {
    return Error::invalid_argument("display_name: give the person's name (at most 200 bytes)");
  }

  auto outcome = database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<InvitationOutcome> {
        auto organisation_code = resolve_grant(connection, request);
        if (!organisation_code) return organisation_code.error();
        const auto& grant = request.grant;
        if (!domain::authorize(actor.principal, domain::invitation_action(grant.role),
                               domain::resource_of(grant))) {
          return Error::forbidden("You may not give this role.");
        }
        auto now = clock_.now();
        auto now_text = format_utc(now);
        store::AccountStore accounts(connection);
        auto existing = accounts.find_by_email(request.email);
        if (!existing) return existing.error();
        auto role_text = domain::describe_grant(grant, *organisation_code);

        if (*existing) {
          const auto& account = (*existing)->account;
          if (account.status != domain::AccountStatus::active) {
            return Error::conflict("email: this person's account is suspended or removed");
          }
          auto added = accounts.add_grant(account.id, grant, actor.principal.account_id, now_text);
          if (!added) return added.error();
          if (!*added) return Error::conflict("this person already has this role");
          LIAISON_TRY(
              append_audit(connection, clock_,
                           actor.event("role.granted", "account:" + account.id,
                                       json::serialize(json::object{{"grant", grant_json(grant)}}),
                                       grant.organisation_id)));
          LIAISON_TRY(queue_mail(connection, clock_, random_, mail_identity(settings_),
                                 {"role_granted", account.email, account.display_name,
                                  grant.organisation_id, grant_values(grant, *organisation_code)}));
          return InvitationOutcome{{}, account.id, {}, {}};
        }

        auto secret = random_token(random_);
        store::InvitationRecord invitation;
        invitation.id = new_id(clock_, random_);
        invitation.email = request.email;
        invitation.display_name = request.display_name;
        invitation.grant = grant;
        invitation.totp_secret = new_totp_secret(random_);
        invitation.invited_by = actor.principal.account_id;
        invitation.created_at = now_text;
        invitation.expires_at = format_utc(now + settings_.invitation_lifetime);
        LIAISON_TRY(accounts.insert_invitation(invitation, sha256_hex(secret)));
        auto link = fmt::format("{}/invitations/{}", settings_.public_url, secret);
        auto values = grant_values(grant, *organisation_code);
        values["link"] = link;
        values["expires_at"] = invitation.expires_at.substr(0, 16);
        LIAISON_TRY(queue_mail(connection, clock_, random_, mail_identity(settings_),
                               {"invitation", invitation.email, invitation.display_name,
                                grant.organisation_id, std::move(values)}));
        json::object details{{"email", invitation.email},
                             {"display_name", invitation.display_name},
                             {"grant", grant_json(grant)},
                             {"expires_at", invitation.expires_at}};
        LIAISON_TRY(append_audit(connection, clock_,
                                 actor.event("invitation.created", "invitation:" + invitation.id,
                                             json::serialize(details), grant.organisation_id)));
        return InvitationOutcome{invitation.id, {}, link, invitation.expires_at};
      });
  // A role added to an existing account changes what its tokens may do.
  if (outcome && !outcome->account_id.empty() && access_changed_) access_changed_();
  return outcome;
}

Result<InvitationView> AccountService::open_invitation(std::string_view secret) {
  auto now = format_utc(clock_.now());
  return database_.transact(
      store::Access::read, [&](store::Connection& connection) -> Result<InvitationView> {
        store::AccountStore accounts(connection);
        auto found = accounts.find_invitation(sha256_hex(secret));
        if (!found) return found.error();
        if (!*found) return invalid_invitation();
        const auto& invitation = **found;
        if (invitation.accepted_at || invitation.revoked_at || invitation.expires_at <= now)
          return invalid_invitation();
        std::string organisation_code;
        if (!invitation.grant.organisation_id.empty()) {
          store::ReferenceStore reference(connection);
          auto organisation = reference.find_organisation(invitation.grant.organisation_id);
          if (!organisation) return organisation.error();
          if (*organisation) organisation_code = (*organisation)->code;
        }
        return InvitationView{
            invitation.email,
            invitation.display_name,
            invitation.grant,
            organisation_code,
            invitation.expires_at,
            invitation.totp_secret,
            totp_uri(settings_.instance_name, invitation.email, invitation.totp_secret)};
      });
}

Result<AcceptedInvitation> AccountService::accept_invitation(std::string_view secret,
                                                             std::string_view password,
                                                             std::string_view totp_code,
                                                             const std::string& address) {
  auto view = open_invitation(secret);
  if (!view) return view.error();
  if (auto problem = domain::password_problem_of(password, view->email))
    return Error::invalid_field("password", std::string(problem->key),
                                std::string(problem->message));
  auto step = verify_totp(view->totp_secret, totp_code, clock_.now(), 0);
  if (!step) {
    return Error::invalid_field(
        "code", "wrong_code",
        "this is not the code the authenticator app shows now. Check that the app added "
        "this account and that the device's clock is right.");
  }
  // Argon2id takes tens of milliseconds: hash before the write transaction, not inside it.
  auto password_hash = hash_password(password);
  if (!password_hash) return password_hash.error();
  std::vector<std::string> code_hashes;
  auto codes = new_recovery_codes(code_hashes);
  auto secret_hash = sha256_hex(secret);

  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<AcceptedInvitation> {
        store::AccountStore accounts(connection);
        auto found = accounts.find_invitation(secret_hash);
        if (!found) return found.error();
        if (!*found) return invalid_invitation();
        const auto& invitation = **found;
        auto existing = accounts.find_by_email(invitation.email);
        if (!existing) return existing.error();
        if (*existing) return Error::conflict("email: an account with this address exists already");

        auto now = format_utc(clock_.now());
        domain::Account account;
        account.id = new_id(clock_, random_);
        account.email = invitation.email;
        account.display_name = invitation.display_name;
        account.status = domain::AccountStatus::active;
        account.created_at = now;
        LIAISON_TRY(accounts.insert(account, *password_hash, invitation.totp_secret, *step));
        auto accepted = accounts.accept_invitation(invitation.id, account.id, now);
        if (!accepted) return accepted.error();
        // Someone else used the link between our read and this write: single use wins.
        if (!*accepted || invitation.expires_at <= now) return invalid_invitation();
        auto granted = accounts.add_grant(account.id, invitation.grant, invitation.invited_by, now);
        if (!granted) return granted.error();
        LIAISON_TRY(accounts.add_recovery_codes(account.id, code_hashes));

        Actor newcomer{{account.id, {}, {}}, address};
        json::object details{{"email", account.email},
                             {"display_name", account.display_name},
                             {"invitation_id", invitation.id},
                             {"invited_by", invitation.invited_by},
                             {"grant", grant_json(invitation.grant)}};
        LIAISON_TRY(append_audit(
            connection, clock_,
            newcomer.event("invitation.accepted", "account:" + account.id, json::serialize(details),
                           invitation.grant.organisation_id)));
        return AcceptedInvitation{account.id, codes};
      });
}

Result<void> AccountService::revoke_invitation(const Actor& actor,
                                               const std::string& invitation_id) {
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<void> {
        store::AccountStore accounts(connection);
        auto open = accounts.open_invitations({}, format_utc(clock_.now()));
        if (!open) return open.error();
        auto found = std::find_if(open->begin(), open->end(),
                                  [&](const auto& each) { return each.id == invitation_id; });
        if (found == open->end()) return Error::not_found("no open invitation has this identifier");
        if (!domain::authorize(actor.principal, domain::invitation_action(found->grant.role),
                               domain::resource_of(found->grant))) {
          return Error::forbidden("You may not withdraw this invitation.");
        }
        auto revoked = accounts.revoke_invitation(invitation_id, format_utc(clock_.now()));
        if (!revoked) return revoked.error();
        auto audited =
            append_audit(connection, clock_,
                         actor.event("invitation.revoked", "invitation:" + invitation_id,
                                     json::serialize(json::object{{"email", found->email}}),
                                     found->grant.organisation_id));
        if (!audited) return audited.error();
        return {};
      });
}

Result<std::vector<domain::Account>> AccountService::accounts(const Actor& actor,
                                                              const store::AccountScope& scope) {
  if (!domain::authorize(actor.principal, domain::Action::read_accounts,
                         {scope.organisation_id, scope.state})) {
    return Error::forbidden("You may not list these accounts.");
  }
  return database_.transact(store::Access::read, [&](store::Connection& connection) {
    return store::AccountStore(connection).list(scope);
  });
}

Result<std::vector<store::InvitationRecord>> AccountService::open_invitations(
    const Actor& actor, const store::AccountScope& scope) {
  if (!domain::authorize(actor.principal, domain::Action::read_accounts,
                         {scope.organisation_id, scope.state})) {
    return Error::forbidden("You may not list these invitations.");
  }
  auto now = format_utc(clock_.now());
  return database_.transact(store::Access::read, [&](store::Connection& connection) {
    return store::AccountStore(connection).open_invitations(scope, now);
  });
}

Result<domain::Account> AccountService::account(const std::string& account_id) {
  return database_.transact(store::Access::read,
                            [&](store::Connection& connection) -> Result<domain::Account> {
                              auto found = store::AccountStore(connection).find_by_id(account_id);
                              if (!found) return found.error();
                              if (!*found)
                                return Error::not_found("no account has this identifier");
                              return (*found)->account;
                            });
}

Result<void> AccountService::change_status(const Actor& actor, const std::string& account_id,
                                           domain::AccountStatus to, std::string_view action) {
  auto changed =
      database_.transact(store::Access::write, [&](store::Connection& connection) -> Result<void> {
        store::AccountStore accounts(connection);
        auto found = accounts.find_by_id(account_id);
        if (!found) return found.error();
        if (!*found || (*found)->account.status == domain::AccountStatus::removed)
          return Error::not_found("no account has this identifier");
        const auto& account = (*found)->account;
        if (!domain::may_manage_account(actor.principal, account.grants))
          return Error::forbidden("You may not manage this account.");
        if (account.status == to) return {};
        bool is_operator =
            std::any_of(account.grants.begin(), account.grants.end(),
                        [](const auto& g) { return g.role == domain::Role::operator_; });
        if (to != domain::AccountStatus::active && is_operator &&
            account.status == domain::AccountStatus::active) {
          auto operators = accounts.count_active_operators();
          if (!operators) return operators.error();
          if (*operators <= 1) return Error::conflict("this is the last active operator");
        }
        auto now = format_utc(clock_.now());
        LIAISON_TRY(accounts.set_status(account_id, to, now));
        if (to != domain::AccountStatus::active) {
          store::SessionStore sessions(connection);
          auto ended = sessions.delete_sessions_of(account_id, {});
          if (!ended) return ended.error();
          auto revoked = sessions.revoke_tokens_of(account_id, now);
          if (!revoked) return revoked.error();
        }
        if (to == domain::AccountStatus::removed)
          LIAISON_TRY(accounts.delete_recovery_codes(account_id));
        json::object details{{"email", account.email},
                             {"from", domain::account_status_name(account.status)},
                             {"to", domain::account_status_name(to)}};
        auto audited =
            append_audit(connection, clock_,
                         actor.event(std::string(action), "account:" + account_id,
                                     json::serialize(details), organisation_of(account.grants)));
        if (!audited) return audited.error();
        return {};
      });
  if (changed && access_changed_) access_changed_();
  return changed;
}

Result<void> AccountService::suspend(const Actor& actor, const std::string& account_id) {
  return change_status(actor, account_id, domain::AccountStatus::suspended, "account.suspended");
}

Result<void> AccountService::reactivate(const Actor& actor, const std::string& account_id) {
  return change_status(actor, account_id, domain::AccountStatus::active, "account.reactivated");
}

Result<void> AccountService::remove(const Actor& actor, const std::string& account_id) {
  return change_status(actor, account_id, domain::AccountStatus::removed, "account.removed");
}

Result<void> AccountService::change_password(const Actor& actor, std::string_view current_password,
                                             std::string_view new_password,
                                             const std::string& keep_session_id) {
  if (!domain::authorize(actor.principal, domain::Action::manage_own_account, {}))
    return Error::forbidden("You may not change this password.");
  auto credentials = database_.transact(store::Access::read, [&](store::Connection& connection) {
    return store::AccountStore(connection).find_by_id(actor.principal.account_id);
  });
  if (!credentials) return credentials.error();
  if (!*credentials) return Error::not_found("no account has this identifier");
  if (!verify_password((*credentials)->password_hash, current_password))
    return Error::invalid_field("current_password", "not_current_password",
                                "this is not your current password");
  if (auto problem = domain::password_problem_of(new_password, (*credentials)->account.email))
    return Error::invalid_field("new_password", std::string(problem->key),
                                std::string(problem->message));
  auto hashed = hash_password(new_password);
  if (!hashed) return hashed.error();
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<void> {
        auto now = format_utc(clock_.now());
        LIAISON_TRY(
            store::AccountStore(connection).set_password(actor.principal.account_id, *hashed, now));
        auto ended = store::SessionStore(connection)
                         .delete_sessions_of(actor.principal.account_id, keep_session_id);
        if (!ended) return ended.error();
        auto audited = append_audit(
            connection, clock_,
            actor.event("password.changed", "account:" + actor.principal.account_id,
                        json::serialize(json::object{{"other_sessions_ended", *ended}})));
        if (!audited) return audited.error();
        return {};
      });
}

Result<void> AccountService::set_preferences(const Actor& actor, std::string_view language,
                                             std::string_view time_zone) {
  if (!domain::authorize(actor.principal, domain::Action::manage_own_account, {}))
    return Error::forbidden("You may not change these preferences.");
  std::optional<domain::Language> chosen;
  if (!language.empty()) {
    for (auto each : domain::kLanguages)
      if (domain::language_code(each) == language) chosen = each;
    if (!chosen)
      return Error::invalid_field("language", "not_page_language",
                                  "must be one of ar, zh, en, fr, ru, es, or empty");
  }
  std::string zone;
  if (!time_zone.empty()) {
    auto canonical = canonical_time_zone(time_zone);
    if (!canonical)
      return Error::invalid_field(
          "time_zone", "not_time_zone",
          fmt::format("\"{}\" is not an IANA time zone such as Europe/Vienna", time_zone));
    zone = *canonical;
  }
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<void> {
        auto now = format_utc(clock_.now());
        LIAISON_TRY(store::AccountStore(connection)
                        .set_preferences(actor.principal.account_id, chosen, zone, now));
        auto audited = append_audit(
            connection, clock_,
            actor.event("account.preferences_changed", "account:" + actor.principal.account_id,
                        json::serialize(
                            json::object{{"language", chosen ? domain::language_code(*chosen) : ""},
                                         {"time_zone", zone}})));
        if (!audited) return audited.error();
        return {};
      });
}

Result<std::vector<std::string>> AccountService::regenerate_recovery_codes(
    const Actor& actor, std::string_view password) {
  if (!domain::authorize(actor.principal, domain::Action::manage_own_account, {}))
    return Error::forbidden("You may not change these recovery codes.");
  auto credentials = database_.transact(store::Access::read, [&](store::Connection& connection) {
    return store::AccountStore(connection).find_by_id(actor.principal.account_id);
  });
  if (!credentials) return credentials.error();
  if (!*credentials) return Error::not_found("no account has this identifier");
  if (!verify_password((*credentials)->password_hash, password))
    return Error::invalid_field("password", "not_current_password",
                                "this is not your current password");
  std::vector<std::string> hashes;
  auto codes = new_recovery_codes(hashes);
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<std::vector<std::string>> {
        store::AccountStore accounts(connection);
        LIAISON_TRY(accounts.delete_recovery_codes(actor.principal.account_id));
        LIAISON_TRY(accounts.add_recovery_codes(actor.principal.account_id, hashes));
        auto audited = append_audit(
            connection, clock_,
            actor.event("recovery_codes.replaced", "account:" + actor.principal.account_id, "{}"));
        if (!audited) return audited.error();
        return codes;
      });
}

Result<std::int64_t> AccountService::unused_recovery_codes(const std::string& account_id) {
  return database_.transact(store::Access::read, [&](store::Connection& connection) {
    return store::AccountStore(connection).unused_recovery_codes(account_id);
  });
}

}  // namespace liaison::services
