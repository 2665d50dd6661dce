#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/error.h"
#include "base/random.h"
#include "domain/account.h"
#include "domain/policy.h"
#include "services/actor.h"
#include "services/security_settings.h"
#include "services/ttl_cache.h"
#include "store/database.h"
#include "store/session_store.h"

namespace liaison::services {

struct SignInAttempt {
  std::string email;
  std::string password;
  std::string code;  //!< the authenticator's six digits, or a recovery code
  std::string address;
  std::string user_agent;
};

//! A new session. `secret` goes into the cookie and nowhere else; the store keeps its hash.
struct NewSession {
  std::string secret;
  std::string session_id;
  std::string csrf_token;
  domain::Account account;
  bool used_recovery_code = false;
  std::int64_t recovery_codes_left = 0;
};

//! Who a request is from, as its session cookie or API token proves it.
struct Authenticated {
  domain::Principal principal;
  domain::Account account;
  std::string session_id;  //!< empty for an API token
  std::string csrf_token;  //!< empty for an API token: bearer requests carry no cookies
};

struct IssuedToken {
  store::ApiTokenRecord record;
  std::string secret;  //!< shown once, then only its hash exists
};

//! Signing in and out, sessions and API tokens.
class SessionService {
 public:
  SessionService(store::Database& database, const Clock& clock, RandomSource& random,
                 SecuritySettings settings, std::chrono::milliseconds token_cache_lifetime);

  //! Checks throttling, password and second factor. Every failure reads the same ("wrong e-mail
  //! address, password or code") whether or not the account exists; a throttled key is refused
  //! before the password is checked.
  Result<NewSession> sign_in(const SignInAttempt& attempt);
  //! The session a cookie names, when it exists and has not run out; refreshes its idle timer.
  Result<std::optional<Authenticated>> session(std::string_view secret);
  Result<void> sign_out(std::string_view secret, const std::string& address);
  //! Ends every session of the account, the current one included.
  Result<std::int64_t> sign_out_everywhere(const Actor& actor);
  Result<std::vector<store::SessionRecord>> sessions(const Actor& actor);
  Result<void> end_session(const Actor& actor, const std::string& session_id);

  //! Issues a token for the actor's account. The scopes must be ones its roles can use.
  Result<IssuedToken> issue_token(const Actor& actor, std::string name,
                                  std::vector<domain::TokenScope> scopes,
                                  std::chrono::seconds lifetime);
  Result<std::optional<Authenticated>> token(std::string_view secret);
  Result<std::vector<store::ApiTokenRecord>> tokens(const Actor& actor);
  Result<void> revoke_token(const Actor& actor, const std::string& token_id);

  //! Forgets cached token lookups, so that a suspension or a role change applies to tokens at
  //! once on this instance (other instances see it within the cache lifetime).
  void forget_cached_tokens() { token_cache_.clear(); }

  //! Deletes sessions past their idle or absolute limit.
  Result<std::int64_t> delete_expired_sessions();

 private:
  Result<std::optional<Authenticated>> load_principal(store::Connection& connection,
                                                      const std::string& account_id);

  store::Database& database_;
  const Clock& clock_;
  RandomSource& random_;
  SecuritySettings settings_;
  TtlCache<std::optional<Authenticated>> token_cache_;
};

}  // namespace liaison::services
