#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/error.h"
#include "base/random.h"
#include "domain/account.h"
#include "services/actor.h"
#include "services/security_settings.h"
#include "store/account_store.h"
#include "store/database.h"

namespace liaison::services {

struct InvitationRequest {
  std::string email;
  std::string display_name;
  domain::RoleGrant grant;
  //! An organisation code ("OSCE") or identifier; resolved into grant.organisation_id.
  std::string organisation;
};

//! What `invite` did: an invitation mailed to a new person, or the role added at once to an
//! account that already exists (its address is verified already).
struct InvitationOutcome {
  std::string invitation_id;  //!< empty when the role went to an existing account
  std::string account_id;     //!< set when the role went to an existing account
  std::string link;           //!< the acceptance link; only the command line shows it
  std::string expires_at;
};

//! What the invitation page shows before it is accepted.
struct InvitationView {
  std::string email;
  std::string display_name;
  domain::RoleGrant grant;
  std::string organisation_code;
  std::string expires_at;
  std::string totp_secret;
  std::string totp_uri;
};

struct AcceptedInvitation {
  std::string account_id;
  //! Ten single-use codes, shown once; only their hashes are kept.
  std::vector<std::string> recovery_codes;
};

//! Accounts, invitations and roles: who may enter, and as what.
class AccountService {
 public:
  AccountService(store::Database& database, const Clock& clock, RandomSource& random,
                 SecuritySettings settings);

  Result<InvitationOutcome> invite(const Actor& actor, InvitationRequest request);
  //! The invitation a link names; not found when it is unknown, used, revoked or expired (the
  //! reason is not told: the link may have leaked).
  Result<InvitationView> open_invitation(std::string_view secret);
  Result<AcceptedInvitation> accept_invitation(std::string_view secret, std::string_view password,
                                               std::string_view totp_code,
                                               const std::string& address);
  Result<void> revoke_invitation(const Actor& actor, const std::string& invitation_id);

  //! The accounts a principal may list within `scope` (an organisation, or a state in it).
  Result<std::vector<domain::Account>> accounts(const Actor& actor,
                                                const store::AccountScope& scope);
  Result<std::vector<store::InvitationRecord>> open_invitations(const Actor& actor,
                                                                const store::AccountScope& scope);
  Result<domain::Account> account(const std::string& account_id);

  Result<void> suspend(const Actor& actor, const std::string& account_id);
  Result<void> reactivate(const Actor& actor, const std::string& account_id);
  //! The account can no longer sign in and its sessions and tokens end; its row and roles stay
  //! so that the audit log and the directory's history keep naming who did what.
  Result<void> remove(const Actor& actor, const std::string& account_id);

  //! Checks the current password, sets the new one, ends the account's other sessions.
  Result<void> change_password(const Actor& actor, std::string_view current_password,
                               std::string_view new_password, const std::string& keep_session_id);
  //! Replaces the recovery codes after checking the password; returns the new ones once.
  //! One's own preferences for the pages: `language` one of the six codes or empty (as the
  //! browser asks), `time_zone` an IANA zone (stored by its canonical name) or empty (UTC).
  //! invalid_argument naming the field for anything else; audited.
  Result<void> set_preferences(const Actor& actor, std::string_view language,
                               std::string_view time_zone);
  Result<std::vector<std::string>> regenerate_recovery_codes(const Actor& actor,
                                                             std::string_view password);
  Result<std::int64_t> unused_recovery_codes(const std::string& account_id);

  //! Called after a change of status or roles commits, so that caches of who may do what (the
  //! session service's token cache) drop what they hold.
  void on_access_changed(std::function<void()> listener) { access_changed_ = std::move(listener); }

 private:
  Result<void> change_status(const Actor& actor, const std::string& account_id,
                             domain::AccountStatus to, std::string_view action);
  std::vector<std::string> new_recovery_codes(std::vector<std::string>& hashes);

  store::Database& database_;
  const Clock& clock_;
  RandomSource& random_;
  SecuritySettings settings_;
  std::function<void()> access_changed_;
};

//! Recovery codes are compared in this form: lower case, without separators or blanks.
std::string normalise_recovery_code(std::string_view code);

}  // namespace liaison::services
