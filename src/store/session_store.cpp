#include "store/session_store.h"

#include <fmt/format.h>

namespace liaison::store {
namespace {

constexpr std::string_view kSessionColumns =
    "id, account_id, csrf_token, created_at, last_seen_at, remote_address, user_agent";
constexpr std::string_view kTokenColumns =
    "id, account_id, name, scopes, created_at, expires_at, last_used_at, revoked_at";

SessionRecord session_from(const Row& row) {
  return {row.text(0), row.text(1), row.text(2), row.text(3),
          row.text(4), row.text(5), row.text(6)};
}

ApiTokenRecord token_from(const Row& row) {
  return {row.text(0), row.text(1), row.text(2),          row.text(3),
          row.text(4), row.text(5), row.optional_text(6), row.optional_text(7)};
}

Result<void> done(const Result<std::int64_t>& changed) {
  if (!changed) return changed.error();
  return {};
}

}  // namespace

Result<void> SessionStore::insert_session(const SessionRecord& session,
                                          const std::string& secret_hash) {
  Value parameters[] = {
      session.id,         secret_hash,          session.account_id,     session.csrf_token,
      session.created_at, session.last_seen_at, session.remote_address, session.user_agent};
  return done(connection_.execute(
      "INSERT INTO sessions (id, secret_hash, account_id, csrf_token, created_at, last_seen_at, "
      "remote_address, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      parameters));
}

Result<std::optional<SessionRecord>> SessionStore::find_session(const std::string& secret_hash) {
  Value parameters[] = {secret_hash};
  auto rows = connection_.query(
      fmt::format("SELECT {} FROM sessions WHERE secret_hash = $1", kSessionColumns), parameters);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<SessionRecord>{};
  return std::optional<SessionRecord>{session_from(rows->front())};
}

Result<void> SessionStore::touch_session(const std::string& session_id, const std::string& now) {
  Value parameters[] = {session_id, now};
  return done(
      connection_.execute("UPDATE sessions SET last_seen_at = $2 WHERE id = $1", parameters));
}

Result<std::vector<SessionRecord>> SessionStore::sessions_of(const std::string& account_id) {
  Value parameters[] = {account_id};
  auto rows = connection_.query(
      fmt::format("SELECT {} FROM sessions WHERE account_id = $1 ORDER BY last_seen_at DESC",
                  kSessionColumns),
      parameters);
  if (!rows) return rows.error();
  std::vector<SessionRecord> sessions;
  for (const auto& row : *rows)
    sessions.push_back(session_from(row));
  return sessions;
}

Result<bool> SessionStore::delete_session(const std::string& account_id,
                                          const std::string& session_id) {
  Value parameters[] = {account_id, session_id};
  auto deleted =
      connection_.execute("DELETE FROM sessions WHERE account_id = $1 AND id = $2", parameters);
  if (!deleted) return deleted.error();
  return *deleted == 1;
}

Result<std::int64_t> SessionStore::delete_sessions_of(const std::string& account_id,
                                                      const std::string& keep) {
  Value parameters[] = {account_id, keep};
  return connection_.execute("DELETE FROM sessions WHERE account_id = $1 AND id <> $2", parameters);
}

Result<std::int64_t> SessionStore::delete_expired_sessions(const std::string& idle_before,
                                                           const std::string& created_before) {
  Value parameters[] = {idle_before, created_before};
  return connection_.execute("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2",
                             parameters);
}

Result<void> SessionStore::insert_token(const ApiTokenRecord& token,
                                        const std::string& secret_hash) {
  Value parameters[] = {token.id,     secret_hash,      token.account_id, token.name,
                        token.scopes, token.created_at, token.expires_at};
  return done(connection_.execute(
      "INSERT INTO api_tokens (id, secret_hash, account_id, name, scopes, created_at, expires_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
      parameters));
}

Result<std::optional<ApiTokenRecord>> SessionStore::find_token(const std::string& secret_hash) {
  Value parameters[] = {secret_hash};
  auto rows = connection_.query(
      fmt::format("SELECT {} FROM api_tokens WHERE secret_hash = $1", kTokenColumns), parameters);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<ApiTokenRecord>{};
  return std::optional<ApiTokenRecord>{token_from(rows->front())};
}

Result<std::vector<ApiTokenRecord>> SessionStore::tokens_of(const std::string& account_id) {
  Value parameters[] = {account_id};
  auto rows = connection_.query(
      fmt::format("SELECT {} FROM api_tokens WHERE account_id = $1 ORDER BY created_at DESC",
                  kTokenColumns),
      parameters);
  if (!rows) return rows.error();
  std::vector<ApiTokenRecord> tokens;
  for (const auto& row : *rows)
    tokens.push_back(token_from(row));
  return tokens;
}

Result<bool> SessionStore::revoke_token(const std::string& account_id, const std::string& token_id,
                                        const std::string& now) {
  Value parameters[] = {account_id, token_id, now};
  auto updated = connection_.execute(
      "UPDATE api_tokens SET revoked_at = $3 "
      "WHERE account_id = $1 AND id = $2 AND revoked_at IS NULL",
      parameters);
  if (!updated) return updated.error();
  return *updated == 1;
}

Result<std::int64_t> SessionStore::revoke_tokens_of(const std::string& account_id,
                                                    const std::string& now) {
  Value parameters[] = {account_id, now};
  return connection_.execute(
      "UPDATE api_tokens SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL",
      parameters);
}

Result<void> SessionStore::touch_token(const std::string& token_id, const std::string& now) {
  Value parameters[] = {token_id, now};
  return done(
      connection_.execute("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", parameters));
}

Result<std::optional<ThrottleRecord>> SessionStore::throttle(const std::string& key) {
  Value parameters[] = {key};
  auto rows = connection_.query(
      "SELECT failures, last_failure_at, blocked_until, owner_notified FROM sign_in_throttle "
      "WHERE throttle_key = $1",
      parameters);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<ThrottleRecord>{};
  const auto& row = rows->front();
  return std::optional<ThrottleRecord>{
      ThrottleRecord{row.integer(0), row.text(1), row.optional_text(2), row.boolean(3)}};
}

Result<void> SessionStore::save_throttle(const std::string& key, const ThrottleRecord& record) {
  Value parameters[] = {key, record.failures, record.last_failure_at,
                        record.blocked_until ? Value{*record.blocked_until} : Value{},
                        std::int64_t{record.owner_notified ? 1 : 0}};
  return done(connection_.execute(
      "INSERT INTO sign_in_throttle (throttle_key, failures, last_failure_at, blocked_until, "
      "owner_notified) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (throttle_key) DO UPDATE SET "
      "failures = excluded.failures, last_failure_at = excluded.last_failure_at, "
      "blocked_until = excluded.blocked_until, owner_notified = excluded.owner_notified",
      parameters));
}

Result<void> SessionStore::clear_throttle(const std::string& key) {
  Value parameters[] = {key};
  return done(
      connection_.execute("DELETE FROM sign_in_throttle WHERE throttle_key = $1", parameters));
}

}  // namespace liaison::store
