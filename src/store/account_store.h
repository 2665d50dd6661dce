#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "domain/account.h"
#include "store/database.h"

namespace liaison::store {

//! An account as the sign-in path needs it, credentials included. Never leaves the services.
struct AccountCredentials {
  domain::Account account;
  std::string password_hash;
  std::string totp_secret;
  std::int64_t totp_last_step = 0;
};

//! An invitation as stored. The link's secret is known only by its hash.
struct InvitationRecord {
  std::string id;
  std::string email;
  std::string display_name;
  domain::RoleGrant grant;
  std::string totp_secret;
  std::string invited_by;
  std::string created_at;
  std::string expires_at;
  std::optional<std::string> accepted_at;
  std::optional<std::string> revoked_at;
};

//! Filters for listing accounts: all of an organisation, or of one state in it.
struct AccountScope {
  std::string organisation_id;  //!< empty: every account (operators)
  std::string state;            //!< empty: the whole organisation
};

//! Accounts, their role grants, recovery codes and invitations. Each call runs inside the
//! transaction its caller opened.
class AccountStore {
 public:
  explicit AccountStore(Connection& connection) : connection_(connection) {}

  Result<std::optional<AccountCredentials>> find_by_email(std::string_view email);
  Result<std::optional<AccountCredentials>> find_by_id(const std::string& id);
  Result<std::vector<domain::Account>> list(const AccountScope& scope);
  Result<void> insert(const domain::Account& account, const std::string& password_hash,
                      const std::string& totp_secret, std::int64_t totp_last_step);
  Result<void> set_status(const std::string& account_id, domain::AccountStatus status,
                          const std::string& now);
  Result<void> set_password(const std::string& account_id, const std::string& password_hash,
                            const std::string& now);
  //! The pages' language (none: the browser's) and time zone (empty: UTC) the person chose.
  Result<void> set_preferences(const std::string& account_id,
                               std::optional<domain::Language> language,
                               const std::string& time_zone, const std::string& now);
  //! Records the TOTP step just accepted; false when a concurrent sign-in already used it.
  Result<bool> advance_totp_step(const std::string& account_id, std::int64_t step);
  //! Removes everything that lets the account act: roles stay for history but sessions,
  //! tokens and recovery codes go (done by the caller through SessionStore for sessions).
  Result<void> delete_recovery_codes(const std::string& account_id);

  Result<std::vector<domain::RoleGrant>> grants(const std::string& account_id);
  //! False when the account already holds the grant.
  Result<bool> add_grant(const std::string& account_id, const domain::RoleGrant& grant,
                         const std::string& granted_by, const std::string& now);
  //! Operators still active, so that the last one cannot be suspended or removed.
  Result<std::int64_t> count_active_operators();

  Result<void> add_recovery_codes(const std::string& account_id,
                                  const std::vector<std::string>& code_hashes);
  //! Marks the code used; false when it does not exist or was already used.
  Result<bool> use_recovery_code(const std::string& account_id, const std::string& code_hash,
                                 const std::string& now);
  Result<std::int64_t> unused_recovery_codes(const std::string& account_id);

  Result<void> insert_invitation(const InvitationRecord& invitation,
                                 const std::string& secret_hash);
  Result<std::optional<InvitationRecord>> find_invitation(const std::string& secret_hash);
  //! Marks it accepted; false when it was accepted or revoked meanwhile (single use).
  Result<bool> accept_invitation(const std::string& invitation_id, const std::string& account_id,
                                 const std::string& now);
  Result<bool> revoke_invitation(const std::string& invitation_id, const std::string& now);
  //! Invitations not yet accepted, revoked or expired, within a scope.
  Result<std::vector<InvitationRecord>> open_invitations(const AccountScope& scope,
                                                         const std::string& now);

 private:
  Result<std::optional<AccountCredentials>> find_where(std::string_view condition,
                                                       const std::string& value);
  Connection& connection_;
};

}  // namespace liaison::store
