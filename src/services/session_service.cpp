#include "services/session_service.h"

#include <algorithm>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "base/crypto.h"
#include "base/text.h"
#include "base/totp.h"
#include "domain/sign_in_throttle.h"
#include "services/account_service.h"
#include "services/audit_log.h"
#include "services/identifiers.h"
#include "services/outbox.h"
#include "store/account_store.h"

namespace liaison::services {
namespace json = boost::json;
namespace {

Error wrong_credentials() {
  return Error::unauthenticated("The e-mail address, password or code is wrong.");
}

constexpr std::string_view kTokenPrefix = "lia_";
// A session's idle timer is written back at most this often, so that a page view is a read.
constexpr auto kTouchInterval = std::chrono::seconds(60);

struct ThrottleState {
  std::string key;
  const domain::ThrottlePolicy* policy;
  std::optional<store::ThrottleRecord> record;
};

// Until when the key is blocked; empty when it is not.
std::string blocked_until(const ThrottleState& state, const std::string& now) {
  if (state.record && state.record->blocked_until && *state.record->blocked_until > now)
    return *state.record->blocked_until;
  return {};
}

// Counts one more failure; returns the new record.
store::ThrottleRecord next_failure(const ThrottleState& state,
                                   std::chrono::system_clock::time_point now) {
  store::ThrottleRecord record;
  auto forget_before = format_utc(now - state.policy->forget_after);
  if (state.record && state.record->last_failure_at >= forget_before) record = *state.record;
  if (!state.record || state.record->last_failure_at < forget_before) record.owner_notified = false;
  record.failures += 1;
  record.last_failure_at = format_utc(now);
  auto delay = domain::throttle_delay(*state.policy, record.failures);
  record.blocked_until =
      delay.count() > 0 ? std::optional<std::string>(format_utc(now + delay)) : std::nullopt;
  return record;
}

std::string scope_names(const std::vector<domain::TokenScope>& scopes) {
  std::string names;
  for (auto scope : scopes) {
    if (!names.empty()) names += ' ';
    names += domain::token_scope_name(scope);
  }
  return names;
}

std::vector<domain::TokenScope> parse_scopes(std::string_view names) {
  std::vector<domain::TokenScope> scopes;
  std::size_t start = 0;
  while (start < names.size()) {
    auto end = names.find(' ', start);
    if (end == std::string_view::npos) end = names.size();
    if (auto scope = domain::parse_token_scope(names.substr(start, end - start)))
      scopes.push_back(*scope);
    start = end + 1;
  }
  return scopes;
}

}  // namespace

SessionService::SessionService(store::Database& database, const Clock& clock, RandomSource& random,
                               SecuritySettings settings,
                               std::chrono::milliseconds token_cache_lifetime)
    : database_(database),
      clock_(clock),
      random_(random),
      settings_(std::move(settings)),
      token_cache_(clock, token_cache_lifetime) {}

Result<NewSession> SessionService::sign_in(const SignInAttempt& attempt) {
  auto now = clock_.now();
  auto now_text = format_utc(now);
  ThrottleState account_throttle{"account:" + domain::email_key(attempt.email),
                                 &domain::kAccountThrottle, std::nullopt};
  ThrottleState address_throttle{"address:" + attempt.address, &domain::kAddressThrottle,
                                 std::nullopt};

  auto credentials = database_.transact(
      store::Access::read,
      [&](store::Connection& connection) -> Result<std::optional<store::AccountCredentials>> {
        store::SessionStore sessions(connection);
        for (auto* state : {&account_throttle, &address_throttle}) {
          auto record = sessions.throttle(state->key);
          if (!record) return record.error();
          state->record = *record;
        }
        return store::AccountStore(connection).find_by_email(attempt.email);
      });
  if (!credentials) return credentials.error();
  const store::AccountCredentials* found = credentials->has_value() ? &**credentials : nullptr;
  std::string subject = found ? "account:" + found->account.id : account_throttle.key;

  Actor visitor{{found ? found->account.id : "anonymous", {}, {}}, attempt.address};
  if (auto until = std::max(blocked_until(account_throttle, now_text),
                            blocked_until(address_throttle, now_text));
      !until.empty()) {
    auto audited = database_.transact(store::Access::write, [&](store::Connection& connection) {
      return append_audit(connection, clock_,
                          visitor.event("sign_in.throttled", subject,
                                        json::serialize(json::object{{"until", until}})));
    });
    if (!audited) return audited.error();
    return Error::throttled(
        fmt::format("Too many failed attempts. Try again after {} UTC.", until.substr(0, 19)));
  }

  // Argon2id runs whether or not the account exists, so the answer takes as long either way.
  bool password_ok =
      verify_password(found ? found->password_hash : decoy_password_hash(), attempt.password);
  bool usable = found && found->account.status == domain::AccountStatus::active && password_ok;
  std::optional<std::int64_t> totp_step;
  std::string recovery_hash;
  if (usable) {
    totp_step = verify_totp(found->totp_secret, attempt.code, now, found->totp_last_step);
    if (!totp_step) {
      auto normalised = normalise_recovery_code(attempt.code);
      if (normalised.size() == 16) recovery_hash = sha256_hex(normalised);
    }
  }

  if (usable && (totp_step || !recovery_hash.empty())) {
    auto session = database_.transact(
        store::Access::write, [&](store::Connection& connection) -> Result<NewSession> {
          store::AccountStore accounts(connection);
          NewSession result;
          if (totp_step) {
            auto advanced = accounts.advance_totp_step(found->account.id, *totp_step);
            if (!advanced) return advanced.error();
            if (!*advanced) return wrong_credentials();  // the same code, used a moment ago
          } else {
            auto used = accounts.use_recovery_code(found->account.id, recovery_hash, now_text);
            if (!used) return used.error();
            if (!*used) return wrong_credentials();
            result.used_recovery_code = true;
            auto left = accounts.unused_recovery_codes(found->account.id);
            if (!left) return left.error();
            result.recovery_codes_left = *left;
          }
          store::SessionStore sessions(connection);
          LIAISON_TRY(sessions.clear_throttle(account_throttle.key));
          result.secret = random_token(random_);
          result.csrf_token = random_token(random_);
          result.session_id = new_id(clock_, random_);
          result.account = found->account;
          store::SessionRecord record{result.session_id,
                                      found->account.id,
                                      result.csrf_token,
                                      now_text,
                                      now_text,
                                      attempt.address,
                                      attempt.user_agent.substr(0, 300)};
          LIAISON_TRY(sessions.insert_session(record, sha256_hex(result.secret)));
          json::object details{
              {"session_id", result.session_id},
              {"second_factor", result.used_recovery_code ? "recovery_code" : "totp"}};
          if (result.used_recovery_code)
            details["recovery_codes_left"] = result.recovery_codes_left;
          auto audited =
              append_audit(connection, clock_,
                           visitor.event("sign_in.succeeded", subject, json::serialize(details)));
          if (!audited) return audited.error();
          return result;
        });
    if (session || session.error().code != ErrorCode::unauthenticated) return session;
  }

  // A failure of any kind: count it against the address and the account, tell the owner once
  // when their account starts being blocked, and answer the same in every case.
  auto recorded =
      database_.transact(store::Access::write, [&](store::Connection& connection) -> Result<void> {
        store::SessionStore sessions(connection);
        auto account_record = next_failure(account_throttle, now);
        auto address_record = next_failure(address_throttle, now);
        if (found && account_record.blocked_until && !account_record.owner_notified) {
          account_record.owner_notified = true;
          boost::json::object values{{"failures", account_record.failures},
                                     {"address", attempt.address},
                                     {"until", account_record.blocked_until->substr(0, 19)}};
          LIAISON_TRY(queue_mail(connection, clock_, random_, mail_identity(settings_),
                                 {"lockout", found->account.email, found->account.display_name, "",
                                  std::move(values)}));
        }
        LIAISON_TRY(sessions.save_throttle(account_throttle.key, account_record));
        LIAISON_TRY(sessions.save_throttle(address_throttle.key, address_record));
        json::object details{{"email", domain::email_key(attempt.email)},
                             {"failures", account_record.failures}};
        if (account_record.blocked_until) details["blocked_until"] = *account_record.blocked_until;
        auto audited = append_audit(
            connection, clock_, visitor.event("sign_in.failed", subject, json::serialize(details)));
        if (!audited) return audited.error();
        return {};
      });
  if (!recorded) return recorded.error();
  return wrong_credentials();
}

Result<std::optional<Authenticated>> SessionService::load_principal(store::Connection& connection,
                                                                    const std::string& account_id) {
  auto credentials = store::AccountStore(connection).find_by_id(account_id);
  if (!credentials) return credentials.error();
  if (!*credentials || (*credentials)->account.status != domain::AccountStatus::active)
    return std::optional<Authenticated>{};
  Authenticated authenticated;
  authenticated.account = (*credentials)->account;
  authenticated.principal.account_id = authenticated.account.id;
  authenticated.principal.grants = authenticated.account.grants;
  return std::optional<Authenticated>{std::move(authenticated)};
}

Result<std::optional<Authenticated>> SessionService::session(std::string_view secret) {
  if (secret.empty() || secret.size() > 100) return std::optional<Authenticated>{};
  auto now = clock_.now();
  auto idle_before = format_utc(now - settings_.session_idle);
  auto created_before = format_utc(now - settings_.session_absolute);
  auto hash = sha256_hex(secret);
  bool expired = false;
  bool touch = false;
  auto found = database_.transact(
      store::Access::read,
      [&](store::Connection& connection) -> Result<std::optional<Authenticated>> {
        auto record = store::SessionStore(connection).find_session(hash);
        if (!record) return record.error();
        if (!*record) return std::optional<Authenticated>{};
        if ((*record)->last_seen_at < idle_before || (*record)->created_at < created_before) {
          expired = true;
          return std::optional<Authenticated>{};
        }
        touch = (*record)->last_seen_at < format_utc(now - kTouchInterval);
        auto authenticated = load_principal(connection, (*record)->account_id);
        if (!authenticated || !*authenticated) return authenticated;
        (*authenticated)->session_id = (*record)->id;
        (*authenticated)->csrf_token = (*record)->csrf_token;
        return authenticated;
      });
  if (!found) return found.error();
  if (expired || touch) {
    auto written = database_.transact(
        store::Access::write, [&](store::Connection& connection) -> Result<void> {
          store::SessionStore sessions(connection);
          if (!expired) return sessions.touch_session((*found)->session_id, format_utc(now));
          auto deleted = sessions.delete_expired_sessions(idle_before, created_before);
          if (!deleted) return deleted.error();
          return {};
        });
    if (!written) return written.error();
  }
  return found;
}

Result<void> SessionService::sign_out(std::string_view secret, const std::string& address) {
  auto hash = sha256_hex(secret);
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<void> {
        store::SessionStore sessions(connection);
        auto record = sessions.find_session(hash);
        if (!record) return record.error();
        if (!*record) return {};
        auto deleted = sessions.delete_session((*record)->account_id, (*record)->id);
        if (!deleted) return deleted.error();
        Actor actor{{(*record)->account_id, {}, {}}, address};
        auto audited =
            append_audit(connection, clock_,
                         actor.event("sign_out", "account:" + (*record)->account_id,
                                     json::serialize(json::object{{"session_id", (*record)->id}})));
        if (!audited) return audited.error();
        return {};
      });
}

Result<std::int64_t> SessionService::sign_out_everywhere(const Actor& actor) {
  if (!domain::authorize(actor.principal, domain::Action::manage_own_account, {}))
    return Error::forbidden("You may not end these sessions.");
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<std::int64_t> {
        auto ended =
            store::SessionStore(connection).delete_sessions_of(actor.principal.account_id, {});
        if (!ended) return ended.error();
        auto audited =
            append_audit(connection, clock_,
                         actor.event("sign_out.everywhere", "account:" + actor.principal.account_id,
                                     json::serialize(json::object{{"sessions_ended", *ended}})));
        if (!audited) return audited.error();
        return *ended;
      });
}

Result<std::vector<store::SessionRecord>> SessionService::sessions(const Actor& actor) {
  if (!domain::authorize(actor.principal, domain::Action::manage_own_account, {}))
    return Error::forbidden("You may not list these sessions.");
  return database_.transact(store::Access::read, [&](store::Connection& connection) {
    return store::SessionStore(connection).sessions_of(actor.principal.account_id);
  });
}

Result<void> SessionService::end_session(const Actor& actor, const std::string& session_id) {
  if (!domain::authorize(actor.principal, domain::Action::manage_own_account, {}))
    return Error::forbidden("You may not end this session.");
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<void> {
        auto deleted =
            store::SessionStore(connection).delete_session(actor.principal.account_id, session_id);
        if (!deleted) return deleted.error();
        if (!*deleted) return Error::not_found("you have no session with this identifier");
        auto audited =
            append_audit(connection, clock_,
                         actor.event("session.ended", "account:" + actor.principal.account_id,
                                     json::serialize(json::object{{"session_id", session_id}})));
        if (!audited) return audited.error();
        return {};
      });
}

Result<IssuedToken> SessionService::issue_token(const Actor& actor, std::string name,
                                                std::vector<domain::TokenScope> scopes,
                                                std::chrono::seconds lifetime) {
  if (!domain::authorize(actor.principal, domain::Action::manage_own_account, {}))
    return Error::forbidden("You may not issue tokens.");
  name = std::string(trim_blanks(name));
  if (name.empty() || name.size() > 100 || !is_valid_utf8(name))
    return Error::invalid_field("name", "token_name",
                                "say what the token is for (at most 100 bytes)");
  if (scopes.empty()) return Error::invalid_field("scopes", "no_scope", "choose at least one");
  for (auto scope : scopes) {
    if (!domain::scope_usable(actor.principal.grants, scope)) {
      return Error::invalid_field(
          "scopes", "scope_unusable",
          fmt::format("your roles give \"{}\" nothing to do", domain::token_scope_name(scope)),
          {{"scope", std::string(domain::token_scope_name(scope))}});
    }
  }
  if (lifetime < std::chrono::hours(1) || lifetime > settings_.token_max_lifetime) {
    const auto days =
        std::chrono::duration_cast<std::chrono::hours>(settings_.token_max_lifetime).count() / 24;
    return Error::invalid_field("expires_in_days", "token_lifetime",
                                fmt::format("between 1 hour and {} days", days),
                                {{"count", std::to_string(days)}});
  }
  std::sort(scopes.begin(), scopes.end());
  scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());

  auto now = clock_.now();
  IssuedToken issued;
  issued.secret = std::string(kTokenPrefix) + random_token(random_);
  issued.record = {
      new_id(clock_, random_), actor.principal.account_id, std::move(name), scope_names(scopes),
      format_utc(now),         format_utc(now + lifetime), std::nullopt,    std::nullopt};
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<IssuedToken> {
        LIAISON_TRY(
            store::SessionStore(connection).insert_token(issued.record, sha256_hex(issued.secret)));
        json::object details{{"token_id", issued.record.id},
                             {"name", issued.record.name},
                             {"scopes", issued.record.scopes},
                             {"expires_at", issued.record.expires_at}};
        auto audited =
            append_audit(connection, clock_,
                         actor.event("token.issued", "account:" + actor.principal.account_id,
                                     json::serialize(details)));
        if (!audited) return audited.error();
        return issued;
      });
}

Result<std::optional<Authenticated>> SessionService::token(std::string_view secret) {
  if (!secret.starts_with(kTokenPrefix) || secret.size() > 100)
    return std::optional<Authenticated>{};
  auto hash = sha256_hex(secret);
  auto cached = token_cache_.get(hash, [&]() -> Result<std::optional<Authenticated>> {
    auto now = format_utc(clock_.now());
    std::string touch_id;
    auto found = database_.transact(
        store::Access::read,
        [&](store::Connection& connection) -> Result<std::optional<Authenticated>> {
          auto record = store::SessionStore(connection).find_token(hash);
          if (!record) return record.error();
          if (!*record || (*record)->revoked_at || (*record)->expires_at <= now)
            return std::optional<Authenticated>{};
          auto authenticated = load_principal(connection, (*record)->account_id);
          if (!authenticated || !*authenticated) return authenticated;
          (*authenticated)->principal.scopes = parse_scopes((*record)->scopes);
          // "Last used" is for the token list: a minute's precision keeps lookups reads.
          if ((*record)->last_used_at.value_or("") < format_utc(clock_.now() - kTouchInterval))
            touch_id = (*record)->id;
          return authenticated;
        });
    if (found && !touch_id.empty()) {
      // Not worth refusing a valid token over: "last used" is for the token list only.
      auto touched = database_.transact(store::Access::write, [&](store::Connection& connection) {
        return store::SessionStore(connection).touch_token(touch_id, now);
      });
      if (!touched)
        spdlog::warn("cannot record the use of token {}: {}", touch_id, touched.error().message);
    }
    return found;
  });
  if (!cached) return cached.error();
  return **cached;
}

Result<std::vector<store::ApiTokenRecord>> SessionService::tokens(const Actor& actor) {
  if (!domain::authorize(actor.principal, domain::Action::manage_own_account, {}))
    return Error::forbidden("You may not list these tokens.");
  return database_.transact(store::Access::read, [&](store::Connection& connection) {
    return store::SessionStore(connection).tokens_of(actor.principal.account_id);
  });
}

Result<void> SessionService::revoke_token(const Actor& actor, const std::string& token_id) {
  if (!domain::authorize(actor.principal, domain::Action::manage_own_account, {}))
    return Error::forbidden("You may not revoke this token.");
  auto revoked =
      database_.transact(store::Access::write, [&](store::Connection& connection) -> Result<void> {
        auto done =
            store::SessionStore(connection)
                .revoke_token(actor.principal.account_id, token_id, format_utc(clock_.now()));
        if (!done) return done.error();
        if (!*done) return Error::not_found("you have no active token with this identifier");
        auto audited =
            append_audit(connection, clock_,
                         actor.event("token.revoked", "account:" + actor.principal.account_id,
                                     json::serialize(json::object{{"token_id", token_id}})));
        if (!audited) return audited.error();
        return {};
      });
  token_cache_.clear();
  return revoked;
}

Result<std::int64_t> SessionService::delete_expired_sessions() {
  auto now = clock_.now();
  return database_.transact(store::Access::write, [&](store::Connection& connection) {
    return store::SessionStore(connection)
        .delete_expired_sessions(format_utc(now - settings_.session_idle),
                                 format_utc(now - settings_.session_absolute));
  });
}

}  // namespace liaison::services
