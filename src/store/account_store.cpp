#include "store/account_store.h"

#include <fmt/format.h>

namespace liaison::store {
namespace {

constexpr std::string_view kAccountColumns =
    "a.id, a.email, a.display_name, a.status, a.created_at, a.password_hash, a.totp_secret, "
    "a.totp_last_step, a.language, a.time_zone";

constexpr std::string_view kInvitationColumns =
    "i.id, i.email, i.display_name, i.role, i.organisation_id, i.state, i.totp_secret, "
    "i.invited_by, i.created_at, i.expires_at, i.accepted_at, i.revoked_at";

domain::RoleGrant grant_from(const Row& row, std::size_t first) {
  domain::RoleGrant grant;
  grant.role = domain::parse_role(row.text(first)).value_or(domain::Role::observer);
  grant.organisation_id = row.text(first + 1);
  grant.state = row.text(first + 2);
  return grant;
}

AccountCredentials credentials_from(const Row& row) {
  AccountCredentials credentials;
  credentials.account.id = row.text(0);
  credentials.account.email = row.text(1);
  credentials.account.display_name = row.text(2);
  credentials.account.status =
      domain::parse_account_status(row.text(3)).value_or(domain::AccountStatus::suspended);
  credentials.account.created_at = row.text(4);
  credentials.password_hash = row.text(5);
  credentials.totp_secret = row.text(6);
  credentials.totp_last_step = row.integer(7);
  if (auto language = row.optional_text(8)) {
    for (auto each : domain::kLanguages)
      if (domain::language_code(each) == *language) credentials.account.language = each;
  }
  credentials.account.time_zone = row.optional_text(9).value_or("");
  return credentials;
}

InvitationRecord invitation_from(const Row& row) {
  InvitationRecord invitation;
  invitation.id = row.text(0);
  invitation.email = row.text(1);
  invitation.display_name = row.text(2);
  invitation.grant = grant_from(row, 3);
  invitation.totp_secret = row.text(6);
  invitation.invited_by = row.text(7);
  invitation.created_at = row.text(8);
  invitation.expires_at = row.text(9);
  invitation.accepted_at = row.optional_text(10);
  invitation.revoked_at = row.optional_text(11);
  return invitation;
}

// The SQL condition and parameters that select rows of `alias` within a scope.
std::string scope_condition(const AccountScope& scope, std::string_view grant_alias,
                            std::vector<Value>& parameters) {
  std::string condition = "1 = 1";
  if (!scope.organisation_id.empty()) {
    parameters.emplace_back(scope.organisation_id);
    condition += fmt::format(" AND {}.organisation_id = ${}", grant_alias, parameters.size());
  }
  if (!scope.state.empty()) {
    parameters.emplace_back(scope.state);
    condition += fmt::format(" AND {}.state = ${}", grant_alias, parameters.size());
  }
  return condition;
}

}  // namespace

Result<std::optional<AccountCredentials>> AccountStore::find_where(std::string_view condition,
                                                                   const std::string& value) {
  Value parameters[] = {value};
  auto rows = connection_.query(
      fmt::format("SELECT {} FROM accounts a WHERE {}", kAccountColumns, condition), parameters);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<AccountCredentials>{};
  auto credentials = credentials_from(rows->front());
  auto grants = this->grants(credentials.account.id);
  if (!grants) return grants.error();
  credentials.account.grants = std::move(*grants);
  return std::optional<AccountCredentials>{std::move(credentials)};
}

Result<std::optional<AccountCredentials>> AccountStore::find_by_email(std::string_view email) {
  return find_where("a.email_key = $1", domain::email_key(email));
}

Result<std::optional<AccountCredentials>> AccountStore::find_by_id(const std::string& id) {
  return find_where("a.id = $1", id);
}

Result<std::vector<domain::Account>> AccountStore::list(const AccountScope& scope) {
  std::vector<Value> parameters;
  auto condition = scope_condition(scope, "g", parameters);
  auto rows = connection_.query(
      fmt::format("SELECT {} FROM accounts a WHERE a.status <> 'removed' AND ({} OR EXISTS "
                  "(SELECT 1 FROM role_grants g WHERE g.account_id = a.id AND {})) "
                  "ORDER BY a.display_name, a.email_key",
                  kAccountColumns, scope.organisation_id.empty() ? "1 = 1" : "1 = 0", condition),
      parameters);
  if (!rows) return rows.error();
  std::vector<domain::Account> accounts;
  for (const auto& row : *rows) {
    auto account = credentials_from(row).account;
    auto grants = this->grants(account.id);
    if (!grants) return grants.error();
    account.grants = std::move(*grants);
    accounts.push_back(std::move(account));
  }
  return accounts;
}

Result<void> AccountStore::insert(const domain::Account& account, const std::string& password_hash,
                                  const std::string& totp_secret, std::int64_t totp_last_step) {
  Value parameters[] = {account.id,
                        account.email,
                        domain::email_key(account.email),
                        account.display_name,
                        std::string(domain::account_status_name(account.status)),
                        password_hash,
                        totp_secret,
                        totp_last_step,
                        account.created_at};
  auto inserted = connection_.execute(
      "INSERT INTO accounts (id, email, email_key, display_name, status, password_hash, "
      "totp_secret, totp_last_step, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
      parameters);
  if (!inserted) return inserted.error();
  return {};
}

Result<void> AccountStore::set_status(const std::string& account_id, domain::AccountStatus status,
                                      const std::string& now) {
  Value parameters[] = {account_id, std::string(domain::account_status_name(status)), now};
  auto updated = connection_.execute(
      "UPDATE accounts SET status = $2, updated_at = $3 WHERE id = $1", parameters);
  if (!updated) return updated.error();
  return {};
}

Result<void> AccountStore::set_password(const std::string& account_id,
                                        const std::string& password_hash, const std::string& now) {
  Value parameters[] = {account_id, password_hash, now};
  auto updated = connection_.execute(
      "UPDATE accounts SET password_hash = $2, updated_at = $3 WHERE id = $1", parameters);
  if (!updated) return updated.error();
  return {};
}

Result<void> AccountStore::set_preferences(const std::string& account_id,
                                           std::optional<domain::Language> language,
                                           const std::string& time_zone, const std::string& now) {
  Value parameters[] = {account_id,
                        language ? Value{std::string(domain::language_code(*language))} : Value{},
                        text_or_null(time_zone), now};
  auto updated = connection_.execute(
      "UPDATE accounts SET language = $2, time_zone = $3, updated_at = $4 WHERE id = $1",
      parameters);
  if (!updated) return updated.error();
  return {};
}

Result<bool> AccountStore::advance_totp_step(const std::string& account_id, std::int64_t step) {
  Value parameters[] = {account_id, step};
  auto updated = connection_.execute(
      "UPDATE accounts SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2", parameters);
  if (!updated) return updated.error();
  return *updated == 1;
}

Result<void> AccountStore::delete_recovery_codes(const std::string& account_id) {
  Value parameters[] = {account_id};
  auto deleted =
      connection_.execute("DELETE FROM recovery_codes WHERE account_id = $1", parameters);
  if (!deleted) return deleted.error();
  return {};
}

Result<std::vector<domain::RoleGrant>> AccountStore::grants(const std::string& account_id) {
  Value parameters[] = {account_id};
  auto rows = connection_.query(
      "SELECT role, organisation_id, state FROM role_grants WHERE account_id = $1 "
      "ORDER BY granted_at, role",
      parameters);
  if (!rows) return rows.error();
  std::vector<domain::RoleGrant> grants;
  for (const auto& row : *rows)
    grants.push_back(grant_from(row, 0));
  return grants;
}

Result<bool> AccountStore::add_grant(const std::string& account_id, const domain::RoleGrant& grant,
                                     const std::string& granted_by, const std::string& now) {
  auto existing = grants(account_id);
  if (!existing) return existing.error();
  for (const auto& each : *existing)
    if (each == grant) return false;
  Value parameters[] = {account_id,
                        std::string(domain::role_name(grant.role)),
                        text_or_null(grant.organisation_id),
                        text_or_null(grant.state),
                        granted_by,
                        now};
  auto inserted = connection_.execute(
      "INSERT INTO role_grants (account_id, role, organisation_id, state, granted_by, granted_at) "
      "VALUES ($1, $2, $3, $4, $5, $6)",
      parameters);
  if (!inserted) return inserted.error();
  return true;
}

Result<std::int64_t> AccountStore::count_active_operators() {
  auto rows = connection_.query(
      "SELECT count(DISTINCT a.id) FROM accounts a JOIN role_grants g ON g.account_id = a.id "
      "WHERE g.role = 'operator' AND a.status = 'active'");
  if (!rows) return rows.error();
  return rows->front().integer(0);
}

Result<void> AccountStore::add_recovery_codes(const std::string& account_id,
                                              const std::vector<std::string>& code_hashes) {
  for (const auto& hash : code_hashes) {
    Value parameters[] = {account_id, hash};
    auto inserted = connection_.execute(
        "INSERT INTO recovery_codes (account_id, code_hash) VALUES ($1, $2)", parameters);
    if (!inserted) return inserted.error();
  }
  return {};
}

Result<bool> AccountStore::use_recovery_code(const std::string& account_id,
                                             const std::string& code_hash, const std::string& now) {
  Value parameters[] = {account_id, code_hash, now};
  auto updated = connection_.execute(
      "UPDATE recovery_codes SET used_at = $3 "
      "WHERE account_id = $1 AND code_hash = $2 AND used_at IS NULL",
      parameters);
  if (!updated) return updated.error();
  return *updated == 1;
}

Result<std::int64_t> AccountStore::unused_recovery_codes(const std::string& account_id) {
  Value parameters[] = {account_id};
  auto rows = connection_.query(
      "SELECT count(*) FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL", parameters);
  if (!rows) return rows.error();
  return rows->front().integer(0);
}

Result<void> AccountStore::insert_invitation(const InvitationRecord& invitation,
                                             const std::string& secret_hash) {
  Value parameters[] = {invitation.id,
                        secret_hash,
                        invitation.email,
                        invitation.display_name,
                        std::string(domain::role_name(invitation.grant.role)),
                        text_or_null(invitation.grant.organisation_id),
                        text_or_null(invitation.grant.state),
                        invitation.totp_secret,
                        invitation.invited_by,
                        invitation.created_at,
                        invitation.expires_at};
  auto inserted = connection_.execute(
      "INSERT INTO invitations (id, secret_hash, email, display_name, role, organisation_id, "
      "state, totp_secret, invited_by, created_at, expires_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
      parameters);
  if (!inserted) return inserted.error();
  return {};
}

Result<std::optional<InvitationRecord>> AccountStore::find_invitation(
    const std::string& secret_hash) {
  Value parameters[] = {secret_hash};
  auto rows = connection_.query(
      fmt::format("SELECT {} FROM invitations i WHERE i.secret_hash = $1", kInvitationColumns),
      parameters);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<InvitationRecord>{};
  return std::optional<InvitationRecord>{invitation_from(rows->front())};
}

Result<bool> AccountStore::accept_invitation(const std::string& invitation_id,
                                             const std::string& account_id,
                                             const std::string& now) {
  Value parameters[] = {invitation_id, account_id, now};
  auto updated = connection_.execute(
      "UPDATE invitations SET accepted_at = $3, account_id = $2 "
      "WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL",
      parameters);
  if (!updated) return updated.error();
  return *updated == 1;
}

Result<bool> AccountStore::revoke_invitation(const std::string& invitation_id,
                                             const std::string& now) {
  Value parameters[] = {invitation_id, now};
  auto updated = connection_.execute(
      "UPDATE invitations SET revoked_at = $2 "
      "WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL",
      parameters);
  if (!updated) return updated.error();
  return *updated == 1;
}

Result<std::vector<InvitationRecord>> AccountStore::open_invitations(const AccountScope& scope,
                                                                     const std::string& now) {
  std::vector<Value> parameters{now};
  auto condition = scope_condition(scope, "i", parameters);
  auto rows = connection_.query(
      fmt::format("SELECT {} FROM invitations i WHERE i.accepted_at IS NULL AND i.revoked_at IS "
                  "NULL AND i.expires_at > $1 AND {} ORDER BY i.created_at",
                  kInvitationColumns, condition),
      parameters);
  if (!rows) return rows.error();
  std::vector<InvitationRecord> invitations;
  for (const auto& row : *rows)
    invitations.push_back(invitation_from(row));
  return invitations;
}

}  // namespace liaison::store
