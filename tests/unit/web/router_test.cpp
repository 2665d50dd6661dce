#include "web/router.h"

#include <algorithm>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

namespace liaison::web {
namespace {

constexpr std::string_view kRequestId = "req-0001";

Request make_request(http::verb method, std::string target, unsigned version = 11) {
  Request request{method, target, version};
  request.set(http::field::host, "liaison.test");
  return request;
}

Request json_request(http::verb method, std::string target, std::string body,
                     std::string_view content_type = "application/json") {
  auto request = make_request(method, std::move(target));
  // An anonymous change must carry the double-submit CSRF pair (see the CSRF tests below).
  request.set(http::field::cookie, "liaison_form=token-1");
  request.set("X-CSRF-Token", "token-1");
  request.set(http::field::content_type, content_type);
  request.body() = std::move(body);
  request.prepare_payload();
  return request;
}

std::string header(const Response& response, std::string_view name) {
  auto it = response.find(name);
  return it == response.end() ? "<absent>" : std::string(it->value());
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
      item.remove_suffix(1);
    items.emplace_back(item);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return items;
}

std::set<std::string> allow_set(const Response& response) {
  auto items = split_list(header(response, "Allow"));
  return {items.begin(), items.end()};
}

//! The body of an application/problem+json response, parsed; a failed expectation otherwise.
struct ParsedProblem {
  boost::json::object body;

  std::string text(std::string_view key) const {
    auto it = body.find(key);
    if (it == body.end()) return "<absent>";
    if (!it->value().is_string())
      return "<not a string: " + boost::json::serialize(it->value()) + ">";
    return std::string(it->value().get_string());
  }
  std::int64_t status() const {
    auto it = body.find("status");
    if (it == body.end() || !it->value().is_number()) return -1;
    return it->value().to_number<std::int64_t>();
  }
};

ParsedProblem parse_problem(const Response& response) {
  EXPECT_EQ(header(response, "Content-Type"), "application/problem+json");
  boost::system::error_code ec;
  auto value = boost::json::parse(response.body(), ec);
  EXPECT_FALSE(ec) << "problem body is not JSON: " << response.body();
  if (ec || !value.is_object()) {
    ADD_FAILURE() << "problem body is not a JSON object: " << response.body();
    return {};
  }
  return {value.get_object()};
}

void expect_problem(const Response& response, http::status status, std::string_view type,
                    std::string_view title, std::string_view instance) {
  EXPECT_EQ(response.result(), status);
  auto problem = parse_problem(response);
  EXPECT_EQ(problem.text("type"), type) << response.body();
  EXPECT_EQ(problem.text("title"), title) << response.body();
  EXPECT_EQ(problem.status(), static_cast<std::int64_t>(status)) << response.body();
  EXPECT_EQ(problem.text("instance"), instance) << response.body();
  EXPECT_EQ(problem.text("request_id"), kRequestId) << response.body();
  EXPECT_EQ(header(response, "Content-Length"), std::to_string(response.body().size()));
}

void expect_standard_headers(const Response& response) {
  EXPECT_EQ(header(response, "X-Request-Id"), kRequestId);
  EXPECT_EQ(header(response, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header(response, "X-Frame-Options"), "DENY");
  EXPECT_EQ(header(response, "Referrer-Policy"), "no-referrer");
  EXPECT_EQ(header(response, "Cache-Control"), "no-store");
  auto csp = header(response, "Content-Security-Policy");
  EXPECT_NE(csp, "<absent>");
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
}

//! A router with the shapes of route the application uses, each handler saying who it is.
class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router.add(http::verb::get, "/healthz", Access::anyone(),
               [this](const RequestContext& context) {
                 ++calls;
                 return context.json(boost::json::object{{"status", "ok"}});
               });
    router.add(http::verb::get, "/", Access::anyone(), [](const RequestContext& context) {
      return context.text("<!doctype html>", "text/html; charset=utf-8");
    });
    router.add(http::verb::get, "/api/v1/organisations/{id}/members", Access::anyone(),
               [](const RequestContext& context) {
                 return context.json(boost::json::object{{"id", context.parameter("id")}});
               });
    router.add(http::verb::get, "/api/v1/states/{code}", Access::anyone(),
               [](const RequestContext& context) {
                 return context.json(boost::json::object{{"code", context.parameter("code")},
                                                         {"missing", context.parameter("nope")}});
               });
    router.add(http::verb::get, "/api/v1/pairs/{first}/{second}", Access::anyone(),
               [](const RequestContext& context) {
                 return context.json(boost::json::object{{"first", context.parameter("first")},
                                                         {"second", context.parameter("second")}});
               });
    router.add(http::verb::get, "/api/v1/search", Access::anyone(),
               [](const RequestContext& context) {
                 boost::json::object body;
                 auto q = context.query("q");
                 body["q"] = q ? boost::json::value(*q) : boost::json::value(nullptr);
                 body["path"] = context.path();
                 return context.json(body);
               });
    router.add(http::verb::post, "/api/v1/echo", Access::anyone(),
               [this](const RequestContext& context) {
                 ++calls;
                 return context.json(boost::json::object{{"received", context.json_body()}},
                                     http::status::created);
               });
    router.add(http::verb::delete_, "/api/v1/echo", Access::anyone(),
               [](const RequestContext& context) {
                 return context.text("", "text/plain", http::status::no_content);
               });
    router.add(http::verb::get, "/boom", Access::anyone(), [](const RequestContext&) -> Response {
      throw std::runtime_error("secret database password hunter2 in connection string");
    });
    router.add(http::verb::get, "/boom-int", Access::anyone(),
               [](const RequestContext&) -> Response { throw 42; });
    router.add(http::verb::get, "/missing", Access::anyone(), [](const RequestContext& context) {
      return context.error(Error::not_found("no organisation with id 42"));
    });
    router.add(http::verb::get, "/cached", Access::anyone(), [](const RequestContext& context) {
      auto response = context.text("body", "text/plain");
      response.set(http::field::cache_control, "max-age=60");
      response.set("Content-Security-Policy", "default-src 'none'");
      return response;
    });
  }

  Dispatched dispatch(const Request& request) const { return router.dispatch(request, kRequestId); }

  Router router;
  int calls = 0;
};

// --- matching --------------------------------------------------------------------------------

TEST_F(RouterTest, ExactPathReachesItsHandler) {
  auto result = dispatch(make_request(http::verb::get, "/healthz"));
  EXPECT_EQ(result.response.result(), http::status::ok);
  EXPECT_EQ(result.response.body(), R"({"status":"ok"})");
  EXPECT_EQ(header(result.response, "Content-Type"), "application/json");
  EXPECT_EQ(header(result.response, "Content-Length"), "15");
  EXPECT_EQ(result.route, "/healthz");
  EXPECT_EQ(calls, 1);
}

TEST_F(RouterTest, RootPathReachesTheRootRoute) {
  auto result = dispatch(make_request(http::verb::get, "/"));
  EXPECT_EQ(result.response.result(), http::status::ok) << result.response.body();
  EXPECT_EQ(result.route, "/");
  EXPECT_EQ(result.response.body(), "<!doctype html>");
}

TEST_F(RouterTest, PlaceholderCapturesTheSegment) {
  auto result = dispatch(make_request(http::verb::get, "/api/v1/organisations/0190-ab/members"));
  EXPECT_EQ(result.response.result(), http::status::ok);
  EXPECT_EQ(result.response.body(), R"({"id":"0190-ab"})");
  EXPECT_EQ(result.route, "/api/v1/organisations/{id}/members");
}

TEST_F(RouterTest, PlaceholderValueIsPercentDecoded) {
  auto spaced = dispatch(make_request(http::verb::get, "/api/v1/states/F%20R"));
  EXPECT_EQ(spaced.response.body(), R"({"code":"F R","missing":""})");
  auto utf8 = dispatch(make_request(http::verb::get, "/api/v1/states/C%C3%B4te"));
  EXPECT_EQ(boost::json::parse(utf8.response.body()).at("code").as_string(), "Côte");
  EXPECT_EQ(utf8.route, "/api/v1/states/{code}");
}

TEST_F(RouterTest, AnEncodedSlashStaysInsideItsSegment) {
  auto result = dispatch(make_request(http::verb::get, "/api/v1/states/a%2Fb"));
  EXPECT_EQ(result.response.result(), http::status::ok);
  EXPECT_EQ(boost::json::parse(result.response.body()).at("code").as_string(), "a/b");
  EXPECT_EQ(result.route, "/api/v1/states/{code}");
}

TEST_F(RouterTest, SeveralPlaceholdersAreCapturedByName) {
  auto result = dispatch(make_request(http::verb::get, "/api/v1/pairs/one/two"));
  EXPECT_EQ(result.response.body(), R"({"first":"one","second":"two"})");
}

TEST_F(RouterTest, UnknownParameterNameIsEmpty) {
  auto result = dispatch(make_request(http::verb::get, "/api/v1/states/FR"));
  EXPECT_EQ(result.response.body(), R"({"code":"FR","missing":""})");
}

TEST_F(RouterTest, EmptySegmentDoesNotFillAPlaceholder) {
  auto result = dispatch(make_request(http::verb::get, "/api/v1/organisations//members"));
  expect_problem(result.response, http::status::not_found, "about:blank", "Not Found",
                 "/api/v1/organisations//members");
  EXPECT_EQ(result.route, "unmatched");
}

TEST_F(RouterTest, QueryStringIsNotPartOfThePathAndIsDecoded) {
  auto result = dispatch(make_request(http::verb::get, "/api/v1/search?q=caf%C3%A9+bar&x=1"));
  EXPECT_EQ(result.response.result(), http::status::ok);
  auto body = boost::json::parse(result.response.body());
  EXPECT_EQ(body.at("path").as_string(), "/api/v1/search");
  EXPECT_EQ(body.at("q").as_string(), "café bar");
  EXPECT_EQ(result.route, "/api/v1/search");
}

TEST_F(RouterTest, AbsentQueryParameterIsNullopt) {
  auto result = dispatch(make_request(http::verb::get, "/api/v1/search?other=1"));
  EXPECT_TRUE(boost::json::parse(result.response.body()).at("q").is_null());
}

TEST_F(RouterTest, TrailingSlashIsADifferentPath) {
  auto result = dispatch(make_request(http::verb::get, "/healthz/"));
  expect_problem(result.response, http::status::not_found, "about:blank", "Not Found", "/healthz/");
  EXPECT_EQ(result.route, "unmatched");
  auto placeholder = dispatch(make_request(http::verb::get, "/api/v1/states/FR/"));
  EXPECT_EQ(placeholder.response.result(), http::status::not_found);
  EXPECT_EQ(calls, 0);
}

TEST_F(RouterTest, ExtraOrMissingSegmentsDoNotMatch) {
  EXPECT_EQ(dispatch(make_request(http::verb::get, "/healthz/x")).response.result(),
            http::status::not_found);
  EXPECT_EQ(dispatch(make_request(http::verb::get, "/api/v1/organisations/1")).response.result(),
            http::status::not_found);
  EXPECT_EQ(dispatch(make_request(http::verb::get, "//healthz")).response.result(),
            http::status::not_found);
  EXPECT_EQ(dispatch(make_request(http::verb::get, "/HEALTHZ")).response.result(),
            http::status::not_found);
}

// --- 404 -------------------------------------------------------------------------------------

TEST_F(RouterTest, UnknownPathIsA404Problem) {
  auto result = dispatch(make_request(http::verb::get, "/nowhere"));
  expect_problem(result.response, http::status::not_found, "about:blank", "Not Found", "/nowhere");
  auto problem = parse_problem(result.response);
  EXPECT_NE(problem.text("detail").find("/nowhere"), std::string::npos) << problem.text("detail");
  EXPECT_EQ(result.route, "unmatched");
  expect_standard_headers(result.response);
}

TEST_F(RouterTest, ProblemsNeverEchoTheQueryString) {
  // Response links carry tokens in the query: they must not come back in a problem body.
  auto result = dispatch(make_request(http::verb::get, "/nowhere?token=s3cr3t-t0ken"));
  expect_problem(result.response, http::status::not_found, "about:blank", "Not Found", "/nowhere");
  EXPECT_EQ(result.response.body().find("s3cr3t"), std::string::npos) << result.response.body();
}

TEST_F(RouterTest, HandlerErrorBecomesAProblemForThatRoute) {
  auto result = dispatch(make_request(http::verb::get, "/missing"));
  expect_problem(result.response, http::status::not_found, "about:blank", "Not Found", "/missing");
  EXPECT_EQ(parse_problem(result.response).text("detail"), "no organisation with id 42");
  EXPECT_EQ(result.route, "/missing");
}

TEST_F(RouterTest, InvalidTargetIsA400Problem) {
  auto result = dispatch(make_request(http::verb::get, "/bad%zzescape"));
  EXPECT_EQ(result.response.result(), http::status::bad_request);
  auto problem = parse_problem(result.response);
  EXPECT_EQ(problem.text("title"), "Bad Request");
  EXPECT_EQ(problem.status(), 400);
  EXPECT_EQ(problem.text("request_id"), kRequestId);
  EXPECT_EQ(result.route, "unmatched");
  expect_standard_headers(result.response);
}

// --- 405, OPTIONS, HEAD ----------------------------------------------------------------------

TEST_F(RouterTest, KnownPathWithAnotherMethodIsA405WithAllow) {
  auto result = dispatch(make_request(http::verb::post, "/healthz"));
  expect_problem(result.response, http::status::method_not_allowed, "about:blank",
                 "Method Not Allowed", "/healthz");
  EXPECT_EQ(allow_set(result.response), (std::set<std::string>{"GET", "HEAD", "OPTIONS"}));
  EXPECT_EQ(result.route, "/healthz");
  EXPECT_EQ(calls, 0);
  expect_standard_headers(result.response);
}

TEST_F(RouterTest, AllowListsEveryMethodOfThePathAndNoOther) {
  auto result = dispatch(make_request(http::verb::put, "/api/v1/echo"));
  EXPECT_EQ(result.response.result(), http::status::method_not_allowed);
  EXPECT_EQ(allow_set(result.response), (std::set<std::string>{"POST", "DELETE", "OPTIONS"}));
  EXPECT_EQ(result.route, "/api/v1/echo");
  auto detail = parse_problem(result.response).text("detail");
  EXPECT_NE(detail.find("PUT"), std::string::npos) << detail;
}

TEST_F(RouterTest, AllowListsEachMethodOnce) {
  Router overlapping;
  auto ok = [](const RequestContext& context) { return context.text("", "text/plain"); };
  overlapping.add(http::verb::get, "/items/{id}", Access::anyone(), ok);
  overlapping.add(http::verb::get, "/items/special", Access::anyone(), ok);
  overlapping.add(http::verb::patch, "/items/{id}", Access::anyone(), ok);
  auto result = overlapping.dispatch(make_request(http::verb::put, "/items/special"), kRequestId);
  ASSERT_EQ(result.response.result(), http::status::method_not_allowed);
  auto items = split_list(header(result.response, "Allow"));
  auto sorted = items;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end())
      << "Allow: " << header(result.response, "Allow");
  EXPECT_EQ(std::set<std::string>(items.begin(), items.end()),
            (std::set<std::string>{"GET", "HEAD", "PATCH", "OPTIONS"}));
}

TEST_F(RouterTest, UnknownMethodOnAKnownPathIsA405) {
  auto request = make_request(http::verb::get, "/healthz");
  request.method_string("BREW");
  auto result = dispatch(request);
  EXPECT_EQ(result.response.result(), http::status::method_not_allowed);
  EXPECT_EQ(allow_set(result.response), (std::set<std::string>{"GET", "HEAD", "OPTIONS"}));
}

TEST_F(RouterTest, OptionsIs204WithAllow) {
  auto result = dispatch(make_request(http::verb::options, "/api/v1/echo"));
  EXPECT_EQ(result.response.result(), http::status::no_content);
  EXPECT_EQ(allow_set(result.response), (std::set<std::string>{"POST", "DELETE", "OPTIONS"}));
  EXPECT_TRUE(result.response.body().empty());
  EXPECT_EQ(result.route, "/api/v1/echo");
  expect_standard_headers(result.response);
}

TEST_F(RouterTest, OptionsOnAGetRouteListsHead) {
  auto result = dispatch(make_request(http::verb::options, "/api/v1/states/FR"));
  EXPECT_EQ(result.response.result(), http::status::no_content);
  EXPECT_EQ(allow_set(result.response), (std::set<std::string>{"GET", "HEAD", "OPTIONS"}));
  EXPECT_EQ(result.route, "/api/v1/states/{code}");
}

TEST_F(RouterTest, OptionsOnAnUnknownPathIs404) {
  auto result = dispatch(make_request(http::verb::options, "/nowhere"));
  EXPECT_EQ(result.response.result(), http::status::not_found);
  EXPECT_EQ(result.route, "unmatched");
}

TEST_F(RouterTest, HeadIsServedByTheGetHandlerWithoutBody) {
  auto get = dispatch(make_request(http::verb::get, "/api/v1/states/FR"));
  auto head = dispatch(make_request(http::verb::head, "/api/v1/states/FR"));
  EXPECT_EQ(head.response.result(), http::status::ok);
  EXPECT_TRUE(head.response.body().empty()) << head.response.body();
  ASSERT_FALSE(get.response.body().empty());
  EXPECT_EQ(header(head.response, "Content-Length"), std::to_string(get.response.body().size()));
  EXPECT_EQ(header(head.response, "Content-Type"), header(get.response, "Content-Type"));
  EXPECT_EQ(head.route, "/api/v1/states/{code}");
  expect_standard_headers(head.response);
}

// RFC 9110 §9.3.2: a response to HEAD has no content, whatever its status. Beast writes whatever
// body the response holds, so a body here would be read by the client as the start of the next
// response on the connection.
TEST_F(RouterTest, HeadOnAnUnknownPathIs404WithoutBody) {
  auto result = dispatch(make_request(http::verb::head, "/nowhere"));
  EXPECT_EQ(result.response.result(), http::status::not_found);
  EXPECT_TRUE(result.response.body().empty()) << result.response.body();
  EXPECT_EQ(result.route, "unmatched");
}

TEST_F(RouterTest, HeadOnAPathWithoutGetIs405WithoutBody) {
  auto result = dispatch(make_request(http::verb::head, "/api/v1/echo"));
  EXPECT_EQ(result.response.result(), http::status::method_not_allowed);
  EXPECT_EQ(allow_set(result.response), (std::set<std::string>{"POST", "DELETE", "OPTIONS"}));
  EXPECT_TRUE(result.response.body().empty()) << result.response.body();
}

TEST_F(RouterTest, HeadOnAFailingHandlerIs500WithoutBody) {
  auto result = dispatch(make_request(http::verb::head, "/boom"));
  EXPECT_EQ(result.response.result(), http::status::internal_server_error);
  EXPECT_TRUE(result.response.body().empty()) << result.response.body();
  EXPECT_NE(header(result.response, "Content-Length"), "0");
}

// --- JSON bodies -----------------------------------------------------------------------------

TEST_F(RouterTest, ValidJsonReachesTheHandler) {
  auto result = dispatch(
      json_request(http::verb::post, "/api/v1/echo", R"({"name":"Élise","n":[1,2.5,null,true]})"));
  EXPECT_EQ(result.response.result(), http::status::created);
  EXPECT_EQ(boost::json::parse(result.response.body()),
            boost::json::parse(R"({"received":{"name":"Élise","n":[1,2.5,null,true]}})"));
  EXPECT_EQ(result.route, "/api/v1/echo");
}

TEST_F(RouterTest, JsonMediaTypeIsRecognisedWithParametersSuffixAndAnyCase) {
  for (std::string_view type :
       {"application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json",
        "application/json ;charset=UTF-8"}) {
    auto result = dispatch(json_request(http::verb::post, "/api/v1/echo", R"({"a":1})", type));
    EXPECT_EQ(result.response.body(), R"({"received":{"a":1}})") << type;
  }
}

TEST_F(RouterTest, NonJsonBodyIsNotParsed) {
  auto result = dispatch(json_request(http::verb::post, "/api/v1/echo", "{not json", "text/plain"));
  EXPECT_EQ(result.response.result(), http::status::created);
  EXPECT_EQ(result.response.body(), R"({"received":null})");
  EXPECT_EQ(calls, 1);
}

TEST_F(RouterTest, EmptyJsonBodyLeavesJsonBodyNull) {
  auto result = dispatch(json_request(http::verb::post, "/api/v1/echo", ""));
  EXPECT_EQ(result.response.result(), http::status::created);
  EXPECT_EQ(result.response.body(), R"({"received":null})");
}

TEST_F(RouterTest, InvalidJsonIsA400ProblemAndTheHandlerIsNotCalled) {
  for (std::string body : {"{", "{\"a\":}", "[1,2", "{} trailing", "nul", "{'a':1}"}) {
    auto result = dispatch(json_request(http::verb::post, "/api/v1/echo", body));
    expect_problem(result.response, http::status::bad_request, "/problems/invalid-json",
                   "Bad Request", "/api/v1/echo");
    EXPECT_NE(parse_problem(result.response).text("detail"), "<absent>") << body;
    EXPECT_EQ(result.route, "/api/v1/echo");
    expect_standard_headers(result.response);
  }
  EXPECT_EQ(calls, 0);
}

TEST_F(RouterTest, InvalidUtf8InsideAJsonStringIsA400Problem) {
  for (std::string body : {std::string("{\"name\":\"\xff\"}"), std::string("{\"name\":\"\xc3\"}"),
                           std::string("{\"name\":\"\xed\xa0\x80\"}"),  // UTF-16 surrogate
                           std::string("{\"name\":\"\xc0\xaf\"}")}) {   // overlong "/"
    auto result = dispatch(json_request(http::verb::post, "/api/v1/echo", body));
    expect_problem(result.response, http::status::bad_request, "/problems/invalid-json",
                   "Bad Request", "/api/v1/echo");
  }
  EXPECT_EQ(calls, 0);
}

// --- failures inside handlers ----------------------------------------------------------------

TEST_F(RouterTest, ThrowingHandlerIsA500ProblemThatHidesTheException) {
  auto result = dispatch(make_request(http::verb::get, "/boom"));
  expect_problem(result.response, http::status::internal_server_error, "about:blank",
                 "Internal Server Error", "/boom");
  EXPECT_EQ(result.response.body().find("hunter2"), std::string::npos) << result.response.body();
  EXPECT_EQ(result.response.body().find("secret"), std::string::npos) << result.response.body();
  EXPECT_NE(parse_problem(result.response).text("detail").find("request_id"), std::string::npos);
  EXPECT_EQ(result.route, "/boom");
  expect_standard_headers(result.response);
}

TEST_F(RouterTest, HandlerThrowingANonStandardExceptionIsStillA500) {
  std::optional<Dispatched> result;
  EXPECT_NO_THROW(result = dispatch(make_request(http::verb::get, "/boom-int")));
  if (result) {
    EXPECT_EQ(result->response.result(), http::status::internal_server_error);
    EXPECT_EQ(result->route, "/boom-int");
  }
}

// --- headers, versions -----------------------------------------------------------------------

TEST_F(RouterTest, StandardHeadersOnEveryKindOfResponse) {
  for (auto* target : {"/healthz", "/nowhere", "/missing"}) {
    SCOPED_TRACE(target);
    expect_standard_headers(dispatch(make_request(http::verb::get, target)).response);
  }
  SCOPED_TRACE("204");
  expect_standard_headers(dispatch(make_request(http::verb::delete_, "/api/v1/echo")).response);
}

TEST_F(RouterTest, HandlerCachePolicyIsKept) {
  auto result = dispatch(make_request(http::verb::get, "/cached"));
  EXPECT_EQ(header(result.response, "Cache-Control"), "max-age=60");
  EXPECT_EQ(header(result.response, "Content-Security-Policy"), "default-src 'none'");
  EXPECT_EQ(header(result.response, "X-Request-Id"), kRequestId);
}

TEST_F(RouterTest, ResponseFollowsTheRequestVersionAndKeepAlive) {
  auto http10 = dispatch(make_request(http::verb::get, "/healthz", 10));
  EXPECT_EQ(http10.response.version(), 10u);
  EXPECT_FALSE(http10.response.keep_alive());

  auto http11 = dispatch(make_request(http::verb::get, "/healthz", 11));
  EXPECT_EQ(http11.response.version(), 11u);
  EXPECT_TRUE(http11.response.keep_alive());

  auto close = make_request(http::verb::get, "/nowhere", 11);
  close.keep_alive(false);
  auto closed = dispatch(close);
  EXPECT_EQ(closed.response.result(), http::status::not_found);
  EXPECT_FALSE(closed.response.keep_alive());
}

}  // namespace
}  // namespace liaison::web
