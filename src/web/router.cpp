#include "web/router.h"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "base/crypto.h"
#include "base/text.h"
#include "web/i18n.h"

namespace liaison::web {
namespace {

constexpr std::string_view kUnmatched = "unmatched";

std::vector<std::string> split_pattern(std::string_view pattern) {
  std::vector<std::string> segments;
  if (pattern == "/") return segments;  // the root has no segments, as Boost.URL sees it
  std::size_t start = 1;
  while (start <= pattern.size()) {
    auto slash = pattern.find('/', start);
    if (slash == std::string_view::npos) slash = pattern.size();
    segments.emplace_back(pattern.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

bool is_json_media_type(std::string_view content_type) {
  auto media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ')
    media.remove_suffix(1);
  std::string lower(media);
  for (auto& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json" || lower.ends_with("+json");
}

Response base_response(const Request& request, http::status status) {
  Response response{status, request.version()};
  response.keep_alive(request.keep_alive());
  return response;
}

bool is_form_media_type(std::string_view content_type) {
  auto media = content_type.substr(0, content_type.find(';'));
  return media.size() == 33 && ascii_lower(media) == "application/x-www-form-urlencoded";
}

bool is_safe_method(http::verb method) {
  return method == http::verb::get || method == http::verb::head || method == http::verb::options;
}

// What the request's CSRF token is: the form field, or the header scripts and integrators use.
std::string submitted_csrf(const RequestContext& context) {
  auto header = context.request()["X-CSRF-Token"];
  if (!header.empty()) return std::string(header);
  return context.form(kCsrfField);
}

// A browser that labels the request cross-site is refused outright (Fetch Metadata); older
// browsers rely on the token and SameSite=Strict.
bool cross_site(const Request& request) {
  auto site = request["Sec-Fetch-Site"];
  return site == "cross-site";
}

bool wants_html(const Request& request) {
  return request[http::field::accept].find("text/html") != std::string_view::npos;
}

// A refusal as a page for a browser (which would show the JSON bare, with no title or language):
// the problem's English reason and detail, the stylesheet and a way back.
Response problem_page(const Problem& problem, unsigned http_version, bool keep_alive) {
  auto title = escape_html(std::string(http::obsolete_reason(problem.status)));
  Response response{problem.status, http_version};
  response.set(http::field::content_type, "text/html; charset=utf-8");
  response.body() = fmt::format(
      "<!doctype html>\n<html lang=\"en\" dir=\"ltr\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{0} · Liaison</title>\n<link rel=\"stylesheet\" href=\"/assets/liaison.css\">\n"
      "</head>\n<body>\n<main id=\"main\">\n<h1>{0}</h1>\n<p class=\"error\">{1}</p>\n"
      "<p><a href=\"/\">Liaison</a></p>\n</main>\n</body>\n</html>\n",
      title, escape_html(to_valid_utf8(problem.detail)));
  response.keep_alive(keep_alive);
  response.prepare_payload();
  return response;
}

}  // namespace

std::string_view RequestContext::parameter(std::string_view name) const {
  for (const auto& [key, value] : parameters_) {
    if (key == name) return value;
  }
  return {};
}

std::string_view session_cookie_name(bool secure) {
  return secure ? "__Host-liaison_session" : "liaison_session";
}

std::vector<std::string> RequestContext::form_values(std::string_view name) const {
  std::vector<std::string> values;
  if (!is_form_media_type(request_[http::field::content_type])) return values;
  auto parsed = boost::urls::parse_query(request_.body());
  if (!parsed) return values;
  boost::urls::encoding_opts options;
  options.space_as_plus = true;
  boost::urls::params_view params(request_.body(), options);  // valid: parsed above
  for (auto param : params) {
    if (param.key == name) values.push_back(param.value);
  }
  return values;
}

std::string RequestContext::form(std::string_view name) const {
  auto values = form_values(name);
  return values.empty() ? std::string() : std::move(values.front());
}

std::string RequestContext::cookie(std::string_view name) const {
  return cookie_value(request_, name);
}

std::string cookie_value(const Request& request, std::string_view name) {
  for (auto field = request.find(http::field::cookie);
       field != request.end() && field->name() == http::field::cookie; ++field) {
    std::string_view header = field->value();
    while (!header.empty()) {
      auto end = header.find(';');
      auto pair = trim_blanks(header.substr(0, end));
      header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
      auto equals = pair.find('=');
      if (equals != std::string_view::npos && pair.substr(0, equals) == name)
        return std::string(pair.substr(equals + 1));
    }
  }
  return {};
}

services::Actor RequestContext::actor() const {
  services::Actor actor;
  if (authenticated_) actor.principal = authenticated_->principal;
  actor.address = std::string(origin_.remote_address);
  return actor;
}

bool RequestContext::allowed(domain::Action action, const domain::Resource& resource) const {
  return authenticated_ && domain::authorize(authenticated_->principal, action, resource);
}

domain::Language RequestContext::language() const {
  if (auto chosen = query("lang")) {
    if (auto language = language_from_code(*chosen)) return *language;
  }
  if (auto language = language_from_code(cookie(kLanguageCookie))) return *language;
  if (authenticated_ && authenticated_->account.language) return *authenticated_->account.language;
  return domain::negotiate_language(request_[http::field::accept_language]);
}

std::string_view RequestContext::time_zone() const {
  if (authenticated_ && !authenticated_->account.time_zone.empty())
    return authenticated_->account.time_zone;
  return "UTC";
}

std::string RequestContext::target_with(std::string_view name, std::string_view value) const {
  boost::urls::url target(target_);
  target.params().set(name, value);
  return std::string(target.encoded_target());
}

std::optional<std::string> RequestContext::query(std::string_view name) const {
  auto params = target_.params();
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return std::string((*it).value);
}

Response RequestContext::json(const boost::json::value& body, http::status status) const {
  return text(boost::json::serialize(body), "application/json", status);
}

Response RequestContext::text(std::string body, std::string_view content_type,
                              http::status status) const {
  auto response = base_response(request_, status);
  response.set(http::field::content_type, content_type);
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response RequestContext::problem(const Problem& problem) const {
  if (wants_html(request_)) return problem_page(problem, request_.version(), request_.keep_alive());
  return problem_response(problem, path(), request_id_, request_.version(), request_.keep_alive());
}

void Router::add(http::verb method, std::string pattern, Access access, Handler handler) {
  auto segments = split_pattern(pattern);
  routes_.push_back(
      {method, std::move(pattern), std::move(segments), std::move(access), std::move(handler)});
}

std::vector<Router::RouteInfo> Router::routes() const {
  std::vector<RouteInfo> infos;
  for (const auto& route : routes_)
    infos.push_back({route.method, route.pattern, &route.access});
  return infos;
}

std::optional<Response> Router::guard(const Route& route, RequestContext& context,
                                      std::optional<services::Authenticated>& authenticated) const {
  const auto& request = context.request();
  if (authenticator_) {
    auto found = authenticator_->authenticate(request, context.secure());
    if (found) {
      authenticated = std::move(*found);
      if (authenticated) context.authenticated_ = &*authenticated;
    } else if (route.access.kind != Access::Kind::anyone) {
      return context.error(found.error());
    }
    // Open routes stay open when credentials cannot be checked: /healthz answers while the
    // database is down, and a stale token does not hide the sign-in page.
  }

  if (route.access.kind != Access::Kind::anyone && !authenticated) {
    if (request.method() == http::verb::get && wants_html(request)) {
      auto response = base_response(request, http::status::see_other);
      auto next = boost::urls::encode(request.target(), boost::urls::unreserved_chars);
      response.set(http::field::location, "/sign-in?next=" + next);
      response.prepare_payload();
      return response;
    }
    auto response = context.problem(
        {http::status::unauthorized, "sign in, or send an API token as Authorization: Bearer"});
    response.set(http::field::www_authenticate, "Bearer realm=\"Liaison\"");
    return response;
  }
  if (!is_safe_method(request.method())) {
    Problem csrf{http::status::forbidden,
                 "the form is out of date or was not sent by Liaison's own page; reload the page "
                 "and try again",
                 "/problems/csrf"};
    if (cross_site(request)) return context.problem(csrf);
    bool by_session = authenticated && !authenticated->session_id.empty();
    if (by_session) {
      if (!constant_time_equal(submitted_csrf(context), authenticated->csrf_token))
        return context.problem(csrf);
    } else if (!authenticated) {
      // Forms shown before sign-in carry a token that must equal their double-submit cookie.
      auto cookie = context.cookie(kFormCookie);
      if (cookie.empty() || !constant_time_equal(cookie, submitted_csrf(context)))
        return context.problem(csrf);
    }
  }

  if (route.access.kind == Access::Kind::anyone) return std::nullopt;
  if (route.access.kind == Access::Kind::signed_in) return std::nullopt;
  auto resource = domain::Resource::instance();
  if (route.access.resource_of) {
    auto resolved = route.access.resource_of(context);
    if (!resolved) return context.error(resolved.error());
    resource = std::move(*resolved);
  }
  if (!domain::authorize(authenticated->principal, route.access.action, resource)) {
    return context.problem(
        {http::status::forbidden,
         fmt::format("your roles do not allow {} here", domain::action_name(route.access.action))});
  }
  context.resource_ = std::move(resource);
  return std::nullopt;
}

bool Router::match(const Route& route, const std::vector<std::string>& segments,
                   std::vector<std::pair<std::string, std::string>>& parameters) {
  if (route.segments.size() != segments.size()) return false;
  parameters.clear();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& expected = route.segments[i];
    if (expected.size() > 2 && expected.front() == '{' && expected.back() == '}') {
      if (segments[i].empty()) return false;
      parameters.emplace_back(expected.substr(1, expected.size() - 2), segments[i]);
    } else if (expected != segments[i]) {
      return false;
    }
  }
  return true;
}

Dispatched Router::dispatch(const Request& request, const RequestOrigin& origin) const {
  auto request_id = origin.request_id;
  auto finish = [&](Response response, std::string_view route) {
    if (request.method() == http::verb::head) {
      // Same headers as GET, no body: a body here would be read as the next response.
      auto length = response.body().size();
      response.body().clear();
      response.content_length(length);
    }
    add_standard_headers(response, request_id, origin.secure);
    return Dispatched{std::move(response), route};
  };

  auto target = boost::urls::parse_origin_form(request.target());
  if (!target) {
    Problem bad{http::status::bad_request, "the request target is not a valid path"};
    return finish(problem_response(bad, "", request_id, request.version(), false), kUnmatched);
  }
  std::vector<std::string> segments;
  for (auto segment : target->segments())
    segments.push_back(segment);
  if (!target->is_path_absolute()) segments.clear();

  RequestContext context(request, *target, origin);
  http::verb method = request.method() == http::verb::head ? http::verb::get : request.method();
  const Route* found = nullptr;
  const std::string* path_pattern = nullptr;  // a route for this path, whatever its method
  std::vector<std::string> allowed;
  std::vector<std::pair<std::string, std::string>> parameters;
  for (const auto& route : routes_) {
    if (!match(route, segments, parameters)) continue;
    if (!path_pattern) path_pattern = &route.pattern;
    if (route.method == method) {
      found = &route;
      context.parameters_ = parameters;
      break;
    }
    auto allow_method = [&](std::string_view name) {
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        allowed.emplace_back(name);
      }
    };
    allow_method(http::to_string(route.method));
    if (route.method == http::verb::get) allow_method("HEAD");
  }

  if (!found) {
    if (!path_pattern) {
      return finish(context.problem({http::status::not_found,
                                     fmt::format("no resource at {}", context.path())}),
                    kUnmatched);
    }
    const auto& pattern = *path_pattern;
    allowed.emplace_back("OPTIONS");
    std::string allow = fmt::format("{}", fmt::join(allowed, ", "));
    if (request.method() == http::verb::options) {
      auto response = base_response(request, http::status::no_content);
      response.set(http::field::allow, allow);
      response.prepare_payload();
      return finish(std::move(response), pattern);
    }
    auto response =
        context.problem({http::status::method_not_allowed,
                         fmt::format("{} does not accept {}; it accepts {}", context.path(),
                                     std::string(request.method_string()), allow)});
    response.set(http::field::allow, allow);
    return finish(std::move(response), pattern);
  }

  if (!request.body().empty() && is_json_media_type(request[http::field::content_type])) {
    boost::system::error_code ec;
    context.json_body_ = boost::json::parse(request.body(), ec);
    if (ec) {
      return finish(context.problem({http::status::bad_request,
                                     fmt::format("the body is not valid JSON: {}", ec.message()),
                                     "/problems/invalid-json"}),
                    found->pattern);
    }
  }

  std::optional<services::Authenticated> authenticated;
  if (auto stopped = guard(*found, context, authenticated))
    return finish(std::move(*stopped), found->pattern);

  Response response;
  try {
    response = found->handler(context);
  } catch (const std::exception& exception) {
    spdlog::error("request {} {} failed: {}", request_id, found->pattern, exception.what());
    response = context.error(Error::internal(exception.what()));
  } catch (...) {
    spdlog::error("request {} {} failed with a non-standard exception", request_id, found->pattern);
    response = context.error(Error::internal("non-standard exception"));
  }
  return finish(std::move(response), found->pattern);
}

void add_standard_headers(Response& response, std::string_view request_id, bool secure) {
  if (secure) {
    // Browsers that once reached us over TLS never fall back to plain HTTP for a year.
    response.set(http::field::strict_transport_security, "max-age=31536000; includeSubDomains");
  }
  response.set(http::field::server, "Liaison");
  response.set("X-Request-Id", request_id);
  response.set("X-Content-Type-Options", "nosniff");
  response.set("X-Frame-Options", "DENY");
  response.set("Referrer-Policy", "no-referrer");
  if (response.find(http::field::cache_control) == response.end()) {
    // The directory is closed: nothing may sit in a shared cache unless a handler says so.
    response.set(http::field::cache_control, "no-store");
  }
  if (response.find("Content-Security-Policy") == response.end()) {
    response.set("Content-Security-Policy",
                 "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  }
}

}  // namespace liaison::web
