#include "web/router.h"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

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

}  // namespace

std::string_view RequestContext::parameter(std::string_view name) const {
  for (const auto& [key, value] : parameters_) {
    if (key == name) return value;
  }
  return {};
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
  return problem_response(problem, path(), request_id_, request_.version(), request_.keep_alive());
}

void Router::add(http::verb method, std::string pattern, Handler handler) {
  auto segments = split_pattern(pattern);
  routes_.push_back({method, std::move(pattern), std::move(segments), std::move(handler)});
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
