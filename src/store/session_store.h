#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "store/database.h"

namespace liaison::store {

struct SessionRecord {
  std::string id;  //!< public identifier, for the session list; not the cookie's secret
  std::string account_id;
  std::string csrf_token;
  std::string created_at;
  std::string last_seen_at;
  std::string remote_address;
  std::string user_agent;
};

struct ApiTokenRecord {
  std::string id;
  std::string account_id;
  std::string name;
  std::string scopes;  //!< space-separated scope names
  std::string created_at;
  std::string expires_at;
  std::optional<std::string> last_used_at;
  std::optional<std::string> revoked_at;
};

struct ThrottleRecord {
  std::int64_t failures = 0;
  std::string last_failure_at;
  std::optional<std::string> blocked_until;
  bool owner_notified = false;
};

//! Sessions, API tokens and sign-in throttling: what proves who a request comes from. Secrets
//! arrive here already hashed.
class SessionStore {
 public:
  explicit SessionStore(Connection& connection) : connection_(connection) {}

  Result<void> insert_session(const SessionRecord& session, const std::string& secret_hash);
  Result<std::optional<SessionRecord>> find_session(const std::string& secret_hash);
  Result<void> touch_session(const std::string& session_id, const std::string& now);
  Result<std::vector<SessionRecord>> sessions_of(const std::string& account_id);
  //! Deletes one session of the account; false when it is not the account's.
  Result<bool> delete_session(const std::string& account_id, const std::string& session_id);
  //! Deletes every session of the account but `keep` (empty: all). Returns how many.
  Result<std::int64_t> delete_sessions_of(const std::string& account_id, const std::string& keep);
  //! Deletes sessions idle since `idle_before` or created before `created_before`.
  Result<std::int64_t> delete_expired_sessions(const std::string& idle_before,
                                               const std::string& created_before);

  Result<void> insert_token(const ApiTokenRecord& token, const std::string& secret_hash);
  Result<std::optional<ApiTokenRecord>> find_token(const std::string& secret_hash);
  Result<std::vector<ApiTokenRecord>> tokens_of(const std::string& account_id);
  Result<bool> revoke_token(const std::string& account_id, const std::string& token_id,
                            const std::string& now);
  Result<std::int64_t> revoke_tokens_of(const std::string& account_id, const std::string& now);
  Result<void> touch_token(const std::string& token_id, const std::string& now);

  Result<std::optional<ThrottleRecord>> throttle(const std::string& key);
  Result<void> save_throttle(const std::string& key, const ThrottleRecord& record);
  Result<void> clear_throttle(const std::string& key);

 private:
  Connection& connection_;
};

}  // namespace liaison::store
