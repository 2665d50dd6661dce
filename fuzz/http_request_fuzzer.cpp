// Bytes from a client, as web::Server reads them: Beast's request parser with the server's
// header (16 KiB) and body (1 MiB) limits, fed the way a socket delivers data, then every
// complete request dispatched through a web::Router laid out like the real API. Pipelined
// requests on one keep-alive connection are followed, as the server does.
//
// Input layout: the first byte is the read size (0: everything at once, n: n bytes per read, so
// headers and chunked bodies arrive split at every possible point); the rest is the stream.
//
// Properties checked on every response:
//   - the status is within 100..599 and the standard security headers are there;
//   - every 4xx and 5xx is application/problem+json, its body parses with Boost.JSON (strict
//     UTF-8) as an object whose "status" is the response's and whose "request_id" is ours;
//   - the response serialises and Beast's response parser reads back exactly one message with
//     the same status and body (no framing mistakes that would desynchronise the connection);
//   - HEAD answers with the status and Content-Length of the same GET, and no body.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "base/error.h"
#include "domain/language.h"
#include "domain/state.h"
#include "services/session_service.h"
#include "web/embedded_assets.h"
#include "web/router.h"
#include "web/static_assets.h"

namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using liaison::web::Request;
using liaison::web::RequestContext;
using liaison::web::Response;

constexpr std::uint32_t kHeaderLimit = 16 * 1024;  // web::ServerOptions defaults
constexpr std::uint64_t kBodyLimit = 1024 * 1024;
constexpr int kMaxRequestsPerConnection = 16;
constexpr std::string_view kRequestId = "fuzz-0001";

// The language a handler answers in, as web/api/reference_api.cpp picks it.
liaison::domain::Language response_language(const RequestContext& context) {
  if (auto requested = context.query("lang")) {
    if (auto language = liaison::domain::language_from_tag(*requested)) return *language;
  }
  return liaison::domain::negotiate_language(context.request()[http::field::accept_language]);
}

json::object echo(const RequestContext& context) {
  json::object body;
  body["lang"] = std::string(liaison::domain::language_code(response_language(context)));
  if (auto lang = context.query("lang")) body["lang_query"] = *lang;
  return body;
}

// Credentials without a database: "Authorization: Bearer lia_fuzz" is an observer's token of the
// demo organisation, the cookie "liaison_session=fuzz" an operator's session whose CSRF token is
// "fuzz-csrf". Everything else is anonymous, so inputs reach the guard's 401, CSRF and 403 paths.
class FuzzAuthenticator final : public liaison::web::Authenticator {
 public:
  liaison::Result<std::optional<liaison::services::Authenticated>> authenticate(
      const Request& request, bool secure) const override {
    using liaison::domain::Role;
    liaison::services::Authenticated who;
    if (request[http::field::authorization] == "Bearer lia_fuzz") {
      who.principal = {"fuzz-observer",
                       {{Role::observer, "demo", ""}},
                       std::vector{liaison::domain::TokenScope::read_directory}};
      return std::optional(who);
    }
    if (!request[http::field::authorization].empty())
      return liaison::Error::unauthenticated("the API token is unknown");
    if (liaison::web::cookie_value(request, liaison::web::session_cookie_name(secure)) == "fuzz") {
      who.principal = {"fuzz-operator", {{Role::operator_, "", ""}}, std::nullopt};
      who.session_id = "fuzz-session";
      who.csrf_token = "fuzz-csrf";
      return std::optional(who);
    }
    return std::optional<liaison::services::Authenticated>();
  }
};

// The routes of the real application, with handlers that echo instead of asking the database.
// Error paths mirror the real services: unknown ids and bad codes come back as problems that
// quote the client's text, as ReferenceService does.
const liaison::web::Router& router() {
  using liaison::domain::Action;
  using liaison::web::Access;
  static const liaison::web::StaticAssets assets(liaison::web::asset_files::files());
  static const FuzzAuthenticator authenticator;
  static const liaison::web::Router instance = [] {
    liaison::web::Router r;
    r.set_authenticator(&authenticator);
    r.add(http::verb::get, "/api/v1/organisations", Access::allow(Action::read_reference),
          [](const RequestContext& context) { return context.json(echo(context)); });
    r.add(http::verb::post, "/api/v1/organisations", Access::anyone(),
          [](const RequestContext& context) {
            auto body = echo(context);
            body["received"] = context.json_body();
            return context.json(body, http::status::created);
          });
    auto organisation_of =
        [](const RequestContext& context) -> liaison::Result<liaison::domain::Resource> {
      return liaison::domain::Resource::organisation(std::string(context.parameter("id")));
    };
    r.add(http::verb::get, "/api/v1/organisations/{id}/members",
          Access::allow(Action::read_accounts, organisation_of), [](const RequestContext& context) {
            auto id = context.parameter("id");
            if (id == "boom") throw std::runtime_error("handler failure");
            if (id != "demo") {
              return context.error(
                  liaison::Error::not_found(fmt::format("no organisation \"{}\"", id)));
            }
            auto body = echo(context);
            body["id"] = id;
            return context.json(body);
          });
    r.add(http::verb::get, "/api/v1/states/{code}",
          Access::checked_by_service(Action::read_reference), [](const RequestContext& context) {
            auto code = context.parameter("code");
            auto parsed = liaison::domain::parse_state_code(code);
            if (!parsed) return context.error(parsed.error());
            auto body = echo(context);
            body["code"] = code;
            return context.json(body);
          });
    r.add(http::verb::get, "/", Access::anyone(),
          [](const RequestContext& context) { return context.text("home", "text/plain"); });
    r.add(http::verb::get, "/assets/{name}", Access::anyone(), [](const RequestContext& context) {
      return assets.serve(context, context.parameter("name"));
    });
    return r;
  }();
  return instance;
}

std::string_view header(const Response& response, std::string_view name) {
  auto it = response.find(name);
  return it == response.end() ? std::string_view{} : std::string_view(it->value());
}

void check_problem(const Response& response) {
  if (header(response, "Content-Type") != "application/problem+json") __builtin_trap();
  boost::system::error_code ec;
  auto parsed = json::parse(response.body(), ec);
  if (ec) __builtin_trap();  // a problem body that is not valid JSON
  const auto* object = parsed.if_object();
  if (!object) __builtin_trap();
  const auto* status = object->if_contains("status");
  if (!status || !status->is_number() ||
      status->to_number<std::int64_t>() != static_cast<std::int64_t>(response.result_int()))
    __builtin_trap();
  const auto* request_id = object->if_contains("request_id");
  if (!request_id || !request_id->is_string() || request_id->get_string() != kRequestId)
    __builtin_trap();
  for (auto key : {"type", "title", "instance"}) {
    const auto* value = object->if_contains(key);
    if (!value || !value->is_string()) __builtin_trap();
  }
}

// Serialises the response and reads it back: one message, same status, same body.
void check_round_trip(const Response& response, bool head) {
  std::ostringstream out;
  out << response;
  std::string wire = out.str();

  http::response_parser<http::string_body> parser;
  parser.header_limit(1024 * 1024);
  parser.body_limit(16 * 1024 * 1024);
  parser.eager(true);
  if (head) parser.skip(true);
  boost::system::error_code ec;
  std::size_t used = parser.put(boost::asio::buffer(wire), ec);
  if (ec == http::error::need_more && used == wire.size() && !parser.is_done()) {
    parser.put_eof(ec);  // a body delimited by the end of the connection
  }
  if (ec || !parser.is_done()) __builtin_trap();  // our own response does not parse
  if (used != wire.size()) __builtin_trap();      // bytes left over: framing is off
  const auto& back = parser.get();
  if (back.result_int() != response.result_int()) __builtin_trap();
  if (!head && back.body() != response.body()) __builtin_trap();
}

void check_response(const Request& request, const Response& response) {
  unsigned status = response.result_int();
  if (status < 100 || status > 599) __builtin_trap();
  if (header(response, "X-Request-Id") != kRequestId) __builtin_trap();
  if (header(response, "X-Content-Type-Options") != "nosniff") __builtin_trap();
  if (header(response, "X-Frame-Options") != "DENY") __builtin_trap();
  if (header(response, "Cache-Control").empty()) __builtin_trap();
  if (header(response, "Content-Security-Policy").empty()) __builtin_trap();

  bool head = request.method() == http::verb::head;
  if (status >= 400) {
    if (head) {
      if (!response.body().empty()) __builtin_trap();
      if (header(response, "Content-Type") != "application/problem+json") __builtin_trap();
    } else {
      check_problem(response);
    }
  }
  check_round_trip(response, head);

  if (head) {
    // The same request as GET: same status, its body length announced, no body sent.
    Request get = request;
    get.method(http::verb::get);
    auto as_get = router().dispatch(get, kRequestId).response;
    if (as_get.result_int() != status) __builtin_trap();
    if (!response.body().empty()) __builtin_trap();
    if (status != 204 && status != 304 &&
        header(response, "Content-Length") != std::to_string(as_get.body().size()))
      __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // the 500 path logs; keep the fuzzer output readable
  router();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t read_size = data[0] == 0 ? size : data[0];
  const char* stream = reinterpret_cast<const char*>(data + 1);
  const std::size_t length = size - 1;

  std::size_t consumed = 0;   // bytes the parsers have taken
  std::size_t delivered = 0;  // bytes "read from the socket" so far (consumed <= delivered)
  auto read_more = [&] {
    if (delivered == length) return false;
    delivered = std::min(length, delivered + read_size);
    return true;
  };

  for (int served = 0; served < kMaxRequestsPerConnection; ++served) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(kBodyLimit);
    boost::system::error_code ec;

    while (!parser.is_done()) {
      if (consumed == delivered && !read_more()) {
        // End of stream, as http::read reports it.
        if (parser.got_some())
          parser.put_eof(ec);
        else
          ec = http::error::end_of_stream;
        break;
      }
      std::size_t used =
          parser.put(boost::asio::buffer(stream + consumed, delivered - consumed), ec);
      if (used > delivered - consumed) __builtin_trap();
      consumed += used;
      if (ec == http::error::need_more) {
        ec = {};
        if (!read_more()) {
          if (parser.got_some())
            parser.put_eof(ec);
          else
            ec = http::error::end_of_stream;
          break;
        }
        continue;
      }
      if (ec) break;
    }
    // A read error ends the connection (the server answers 400/413/431 and closes).
    if (ec || !parser.is_done()) return 0;

    Request request = parser.release();
    auto dispatched = router().dispatch(request, kRequestId);
    if (dispatched.route.empty()) __builtin_trap();
    check_response(request, dispatched.response);
    if (!dispatched.response.keep_alive()) return 0;
  }
  return 0;
}
