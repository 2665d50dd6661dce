#pragma once

#include "services/session_service.h"
#include "web/router.h"

namespace liaison::web {

//! Proves who a request comes from: `Authorization: Bearer lia_…` (an API token) first, else the
//! session cookie. A bearer token that is unknown, expired or revoked is an error, not anonymity,
//! so that an integrator learns at once that their token stopped working.
class SessionAuthenticator final : public Authenticator {
 public:
  explicit SessionAuthenticator(services::SessionService& sessions) : sessions_(sessions) {}
  Result<std::optional<services::Authenticated>> authenticate(const Request& request,
                                                              bool secure) const override;

 private:
  services::SessionService& sessions_;
};

//! Set-Cookie values: HttpOnly, SameSite=Strict, Path=/, and Secure over TLS. The session
//! cookie has no Max-Age: it ends with the browser, and the server ends it earlier (idle and
//! absolute timeouts).
std::string session_cookie(std::string_view secret, bool secure);
std::string expired_session_cookie(bool secure);
std::string form_cookie(std::string_view token, bool secure);

}  // namespace liaison::web
