#include "web/problem.h"

#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

namespace liaison::web {
namespace {

constexpr std::string_view kSecret = "password=hunter2 host=db.internal";

// --- problem_from ----------------------------------------------------------------------------

TEST(ProblemFrom, InvalidArgumentIs400WithTheMessage) {
  auto problem = problem_from(Error::invalid_argument("\"XX1\" is not a state code"));
  EXPECT_EQ(problem.status, http::status::bad_request);
  EXPECT_EQ(problem.detail, "\"XX1\" is not a state code");
  EXPECT_EQ(problem.type, "about:blank");
}

TEST(ProblemFrom, NotFoundIs404WithTheMessage) {
  auto problem = problem_from(Error::not_found("no state with code ZZ"));
  EXPECT_EQ(problem.status, http::status::not_found);
  EXPECT_EQ(problem.detail, "no state with code ZZ");
  EXPECT_EQ(problem.type, "about:blank");
}

TEST(ProblemFrom, ConflictIs409WithTheMessage) {
  auto problem = problem_from(Error::conflict("the organisation OSCE exists already"));
  EXPECT_EQ(problem.status, http::status::conflict);
  EXPECT_EQ(problem.detail, "the organisation OSCE exists already");
  EXPECT_EQ(problem.type, "about:blank");
}

TEST(ProblemFrom, UnavailableIs503AndHidesTheMessage) {
  auto problem = problem_from(Error::unavailable(std::string(kSecret)));
  EXPECT_EQ(problem.status, http::status::service_unavailable);
  EXPECT_EQ(problem.detail.find("hunter2"), std::string::npos) << problem.detail;
  EXPECT_EQ(problem.detail.find("db.internal"), std::string::npos) << problem.detail;
  EXPECT_FALSE(problem.detail.empty());
  EXPECT_EQ(problem.type, "about:blank");
}

TEST(ProblemFrom, InternalIs500AndHidesTheMessage) {
  auto problem = problem_from(Error::internal(std::string(kSecret)));
  EXPECT_EQ(problem.status, http::status::internal_server_error);
  EXPECT_EQ(problem.detail.find("hunter2"), std::string::npos) << problem.detail;
  EXPECT_EQ(problem.detail.find("db.internal"), std::string::npos) << problem.detail;
  EXPECT_NE(problem.detail.find("request_id"), std::string::npos) << problem.detail;
  EXPECT_EQ(problem.type, "about:blank");
}

TEST(ProblemFrom, ADefaultErrorIsInternal) {
  Error error;
  error.message = std::string(kSecret);
  auto problem = problem_from(error);
  EXPECT_EQ(problem.status, http::status::internal_server_error);
  EXPECT_EQ(problem.detail.find("hunter2"), std::string::npos) << problem.detail;
}

TEST(ProblemFrom, AnUnknownCodeIsTreatedAsInternal) {
  auto problem = problem_from({static_cast<ErrorCode>(99), std::string(kSecret)});
  EXPECT_EQ(problem.status, http::status::internal_server_error);
  EXPECT_EQ(problem.detail.find("hunter2"), std::string::npos) << problem.detail;
}

// --- problem_response ------------------------------------------------------------------------

boost::json::object body_of(const Response& response) {
  boost::system::error_code ec;
  auto value = boost::json::parse(response.body(), ec);
  EXPECT_FALSE(ec) << response.body();
  if (ec || !value.is_object()) return {};
  return value.get_object();
}

TEST(ProblemResponse, IsAnRfc9457ProblemDocument) {
  auto response = problem_response({http::status::conflict, "it clashes", "/problems/duplicate"},
                                   "/api/v1/organisations", "abcd-1", 11, true);
  EXPECT_EQ(response.result(), http::status::conflict);
  EXPECT_EQ(response[http::field::content_type], "application/problem+json");
  EXPECT_EQ(response[http::field::content_length], std::to_string(response.body().size()));
  auto body = body_of(response);
  EXPECT_EQ(body.size(), 6u) << response.body();
  EXPECT_EQ(body["type"], "/problems/duplicate");
  EXPECT_EQ(body["title"], "Conflict");
  EXPECT_EQ(body["status"], 409);
  EXPECT_EQ(body["detail"], "it clashes");
  EXPECT_EQ(body["instance"], "/api/v1/organisations");
  EXPECT_EQ(body["request_id"], "abcd-1");
}

TEST(ProblemResponse, TitleIsTheStatusReasonPhrase) {
  struct Case {
    http::status status;
    std::string_view title;
  };
  for (auto [status, title] :
       {Case{http::status::bad_request, "Bad Request"}, Case{http::status::not_found, "Not Found"},
        Case{http::status::method_not_allowed, "Method Not Allowed"},
        Case{http::status::payload_too_large, "Payload Too Large"},
        Case{http::status::request_header_fields_too_large, "Request Header Fields Too Large"},
        Case{http::status::internal_server_error, "Internal Server Error"},
        Case{http::status::service_unavailable, "Service Unavailable"}}) {
    auto body = body_of(problem_response({status, "x"}, "/", "id", 11, true));
    EXPECT_EQ(body["title"], boost::json::value(title)) << title;
    EXPECT_EQ(body["status"], static_cast<unsigned>(status)) << title;
  }
}

TEST(ProblemResponse, OmitsAnEmptyDetailAndDefaultsTheTypeToAboutBlank) {
  Problem problem;
  problem.status = http::status::not_found;
  auto body = body_of(problem_response(problem, "/x", "id", 11, true));
  EXPECT_FALSE(body.contains("detail"));
  EXPECT_EQ(body["type"], "about:blank");
}

TEST(ProblemResponse, EscapesDetailAsJson) {
  std::string detail = "quote \" backslash \\ newline \n tab \t control \x01 and ünïcödé";
  auto response = problem_response({http::status::bad_request, detail}, "/x", "id", 11, true);
  EXPECT_EQ(response.body().find('\n'), std::string::npos) << response.body();
  EXPECT_EQ(body_of(response)["detail"], boost::json::value(detail));
}

TEST(ProblemResponse, FollowsVersionAndKeepAlive) {
  auto closing = problem_response({http::status::bad_request, "x"}, "/", "id", 10, false);
  EXPECT_EQ(closing.version(), 10u);
  EXPECT_FALSE(closing.keep_alive());
  auto open = problem_response({http::status::bad_request, "x"}, "/", "id", 11, true);
  EXPECT_EQ(open.version(), 11u);
  EXPECT_TRUE(open.keep_alive());
}

}  // namespace
}  // namespace liaison::web
