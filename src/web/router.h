#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>
#include <boost/url/url_view.hpp>

#include "base/error.h"
#include "domain/language.h"
#include "domain/policy.h"
#include "services/actor.h"
#include "services/session_service.h"
#include "web/http.h"
#include "web/problem.h"

namespace liaison::web {

//! Where a request came from, as the connection established it (see client_origin.h).
struct RequestOrigin {
  std::string_view request_id;
  std::string_view remote_address;
  bool secure = false;  //!< TLS here, or at a trusted proxy in front of us
};

//! Everything a handler gets: the request, its parsed target and path parameters, and helpers
//! that build responses matching the request's HTTP version and keep-alive.
class RequestContext {
 public:
  RequestContext(const Request& request, boost::urls::url_view target, const RequestOrigin& origin)
      : request_(request), target_(target), request_id_(origin.request_id), origin_(origin) {}

  const Request& request() const { return request_; }
  std::string_view path() const { return target_.encoded_path(); }
  //! The decoded value of a `{name}` segment of the route, empty if the route has none.
  std::string_view parameter(std::string_view name) const;
  //! The decoded value of a query parameter, if present.
  std::optional<std::string> query(std::string_view name) const;
  std::string_view request_id() const { return request_id_; }
  std::string_view remote_address() const { return origin_.remote_address; }
  bool secure() const { return origin_.secure; }
  //! The request body parsed as JSON, when it was sent as application/json; null otherwise.
  const boost::json::value& json_body() const { return json_body_; }
  //! A field of an application/x-www-form-urlencoded body, decoded; empty when absent.
  std::string form(std::string_view name) const;
  //! Every value of a repeated form field (checkboxes).
  std::vector<std::string> form_values(std::string_view name) const;
  //! A cookie the request carries; empty when absent.
  std::string cookie(std::string_view name) const;
  //! The language pages speak to this request: `?lang=xx` (one of the six codes), else the
  //! `liaison_lang` cookie a former `?lang=` set, else the account's preference, else
  //! Accept-Language, else English.
  domain::Language language() const;
  //! The IANA time zone pages show times in: the signed-in account's preference, else "UTC".
  std::string_view time_zone() const;
  //! The request's path and query with the query parameter `name` set to `value` (added, or
  //! replacing its former values): links that change one thing about the page shown.
  std::string target_with(std::string_view name, std::string_view value) const;

  //! Who sent the request; null for anonymous requests (only routes open to anyone see those).
  const services::Authenticated* authenticated() const { return authenticated_; }
  //! The signed-in principal and the client address, as services take them. Anonymous requests
  //! get a principal without account, which the policy denies everything.
  services::Actor actor() const;
  //! The resource the route's Access resolved and the policy allowed (the instance when the
  //! route names none), so that handlers do not resolve it a second time.
  const domain::Resource& resource() const { return resource_; }
  //! Asks the policy; handlers use it for decisions that depend on what they load.
  bool allowed(domain::Action action, const domain::Resource& resource) const;

  Response json(const boost::json::value& body, http::status status = http::status::ok) const;
  Response problem(const Problem& problem) const;
  Response error(const Error& error) const { return problem(problem_from(error)); }
  Response text(std::string body, std::string_view content_type,
                http::status status = http::status::ok) const;

 private:
  friend class Router;
  const Request& request_;
  boost::urls::url_view target_;
  std::string_view request_id_;
  RequestOrigin origin_;
  std::vector<std::pair<std::string, std::string>> parameters_;
  boost::json::value json_body_;
  const services::Authenticated* authenticated_ = nullptr;
  domain::Resource resource_;
};

using Handler = std::function<Response(const RequestContext&)>;

//! The resource a route's action applies to, read from the request (a path or query parameter).
using ResourceOf = std::function<Result<domain::Resource>(const RequestContext&)>;

//! Who may call a route. Every route declares one and the router enforces it before the
//! handler runs, so a route cannot forget its check (default deny).
struct Access {
  enum class Kind {
    anyone,     //!< no sign-in needed: health, assets, the sign-in and invitation pages
    policy,     //!< the router asks the policy for `action` on the resource `resource_of` gives
    signed_in,  //!< any principal; the service asks the policy for `action` on what it loads
  };
  Kind kind = Kind::policy;
  domain::Action action = domain::Action::read_reference;
  ResourceOf resource_of;

  static Access anyone() { return {Kind::anyone, domain::Action::read_reference, {}}; }
  static Access allow(domain::Action action, ResourceOf resource_of = {}) {
    return {Kind::policy, action, std::move(resource_of)};
  }
  static Access checked_by_service(domain::Action action) { return {Kind::signed_in, action, {}}; }
};

//! Finds who a request comes from: an API token (Authorization: Bearer) or a session cookie.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual Result<std::optional<services::Authenticated>> authenticate(const Request& request,
                                                                      bool secure) const = 0;
};

//! The value of a cookie a request carries; empty when absent.
std::string cookie_value(const Request& request, std::string_view name);

//! The cookie that carries the session secret: `__Host-` when served over TLS, which browsers
//! accept only with Secure, Path=/ and no Domain.
std::string_view session_cookie_name(bool secure);
//! The double-submit cookie that protects forms shown before sign-in.
inline constexpr std::string_view kFormCookie = "liaison_form";
//! The cookie that remembers a language chosen with `?lang=` (see RequestContext::language).
inline constexpr std::string_view kLanguageCookie = "liaison_lang";
//! The form field (or X-CSRF-Token header) that carries the CSRF token.
inline constexpr std::string_view kCsrfField = "csrf";

//! What the router did with a request: the response, and the route pattern that served it
//! ("unmatched" when none did), which metrics and logs use as a bounded label.
struct Dispatched {
  Response response;
  std::string_view route;
};

//! Maps method and path pattern to handler. Patterns are literal segments and `{name}`
//! placeholders: "/api/v1/organisations/{id}/members". Unknown paths get 404, known paths with
//! another method 405 with an Allow header, HEAD is served by the GET handler without a body.
class Router {
 public:
  struct RouteInfo {
    http::verb method;
    std::string_view pattern;
    const Access* access;
  };

  void add(http::verb method, std::string pattern, Access access, Handler handler);
  //! Without one, every request is anonymous.
  void set_authenticator(const Authenticator* authenticator) { authenticator_ = authenticator; }
  //! Every route, for the authorization matrix test and the docs.
  std::vector<RouteInfo> routes() const;
  Dispatched dispatch(const Request& request, const RequestOrigin& origin) const;
  Dispatched dispatch(const Request& request, std::string_view request_id) const {
    return dispatch(request, RequestOrigin{request_id, {}, false});
  }

 private:
  struct Route {
    http::verb method;
    std::string pattern;
    std::vector<std::string> segments;
    Access access;
    Handler handler;
  };

  //! Authentication, CSRF and the policy, in that order; a response when the request stops.
  std::optional<Response> guard(const Route& route, RequestContext& context,
                                std::optional<services::Authenticated>& authenticated) const;

  static bool match(const Route& route, const std::vector<std::string>& segments,
                    std::vector<std::pair<std::string, std::string>>& parameters);

  std::vector<Route> routes_;
  const Authenticator* authenticator_ = nullptr;
};

//! Headers every response carries: no sniffing, no framing, no referrer, the request id; and
//! HSTS when the request arrived over TLS.
void add_standard_headers(Response& response, std::string_view request_id, bool secure = false);

}  // namespace liaison::web
