#include "web/authentication.h"

#include <fmt/format.h>

namespace liaison::web {
namespace {

std::string cookie_attributes(bool secure) {
  return secure ? "; Path=/; HttpOnly; SameSite=Strict; Secure"
                : "; Path=/; HttpOnly; SameSite=Strict";
}

}  // namespace

Result<std::optional<services::Authenticated>> SessionAuthenticator::authenticate(
    const Request& request, bool secure) const {
  auto authorization = request[http::field::authorization];
  if (!authorization.empty()) {
    constexpr std::string_view kBearer = "Bearer ";
    if (!authorization.starts_with(kBearer))
      return Error::unauthenticated("only Authorization: Bearer tokens are accepted");
    auto found = sessions_.token(authorization.substr(kBearer.size()));
    if (!found) return found.error();
    if (!*found) return Error::unauthenticated("the API token is unknown, expired or revoked");
    return found;
  }
  auto secret = cookie_value(request, session_cookie_name(secure));
  if (secret.empty()) return std::optional<services::Authenticated>{};
  return sessions_.session(secret);
}

std::string session_cookie(std::string_view secret, bool secure) {
  return fmt::format("{}={}{}", session_cookie_name(secure), secret, cookie_attributes(secure));
}

std::string expired_session_cookie(bool secure) {
  return fmt::format("{}=; Max-Age=0{}", session_cookie_name(secure), cookie_attributes(secure));
}

std::string form_cookie(std::string_view token, bool secure) {
  return fmt::format("{}={}{}", kFormCookie, token, cookie_attributes(secure));
}

}  // namespace liaison::web
