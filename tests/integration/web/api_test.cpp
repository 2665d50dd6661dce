#include <map>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "base/random.h"
#include "support/test_server.h"

namespace liaison::testing {
namespace {

namespace json = boost::json;

class ApiTest : public ::testing::Test {
 protected:
  TestServer server_;
  HttpClient client_ = server_.client();

  void expect_problem(const Response& response, unsigned status) {
    EXPECT_EQ(response.result_int(), status) << response.body();
    EXPECT_EQ(response[http::field::content_type], "application/problem+json");
    auto body = json_of(response);
    EXPECT_EQ(body.at("status").as_int64(), status);
    EXPECT_TRUE(body.at("title").is_string());
    EXPECT_TRUE(body.at("detail").is_string());
    EXPECT_EQ(body.at("request_id").as_string(), response["X-Request-Id"]);
  }
};

TEST_F(ApiTest, HealthAndReadiness) {
  auto health = client_.get("/healthz");
  EXPECT_EQ(health.result_int(), 200);
  EXPECT_EQ(json_of(health).at("status").as_string(), "ok");
  auto ready = client_.get("/readyz");
  EXPECT_EQ(ready.result_int(), 200);
  EXPECT_EQ(json_of(ready).at("status").as_string(), "ready");
}

TEST_F(ApiTest, ListsTheSixOrganisationsAndTheDemoWithMemberCounts) {
  auto response = client_.get("/api/v1/organisations");
  ASSERT_EQ(response.result_int(), 200);
  EXPECT_EQ(response[http::field::content_type], "application/json");
  EXPECT_EQ(response[http::field::cache_control], "no-store");
  std::map<std::string, std::int64_t> counts;
  auto body = json_of(response);
  for (const auto& item : body.at("organisations").as_array()) {
    counts[std::string(item.at("code").as_string())] = item.at("member_count").as_int64();
    EXPECT_TRUE(liaison::is_uuid(item.at("id").as_string()));
    EXPECT_EQ(item.at("demo").as_bool(), item.at("code").as_string() == "DEMO");
  }
  const std::map<std::string, std::int64_t> expected = {
      {"UN", 193}, {"OSCE", 57}, {"OAS", 35}, {"ASEAN", 10}, {"ARF", 27}, {"AU", 55}, {"DEMO", 8}};
  EXPECT_EQ(counts, expected);
}

TEST_F(ApiTest, MembersByCodeOrIdentifier) {
  auto by_code = client_.get("/api/v1/organisations/osce/members");
  ASSERT_EQ(by_code.result_int(), 200) << by_code.body();
  auto body = json_of(by_code);
  EXPECT_EQ(body.at("member_count").as_int64(), 57);
  EXPECT_EQ(body.at("members").as_array().size(), 57u);
  auto id = std::string(body.at("organisation").at("id").as_string());

  auto by_id = client_.get("/api/v1/organisations/" + id + "/members");
  ASSERT_EQ(by_id.result_int(), 200);
  EXPECT_EQ(json_of(by_id).at("organisation").at("code").as_string(), "OSCE");

  auto arf = json_of(client_.get("/api/v1/organisations/ARF/members"));
  bool has_eu = false;
  for (const auto& member : arf.at("members").as_array()) {
    if (member.at("alpha2").as_string() == "EU") {
      has_eu = true;
      EXPECT_EQ(member.at("kind").as_string(), "organisation");
      EXPECT_TRUE(member.at("alpha3").is_null());
    }
  }
  EXPECT_TRUE(has_eu);
}

TEST_F(ApiTest, UnknownOrganisationIsNotFound) {
  expect_problem(client_.get("/api/v1/organisations/NATO/members"), 404);
  expect_problem(client_.get("/api/v1/organisations/00000000-0000-7000-8000-000000000000/members"),
                 404);
}

TEST_F(ApiTest, StateByEitherCodeInAnyCase) {
  for (std::string code : {"FR", "fr", "FRA", "fra"}) {
    auto response = client_.get("/api/v1/states/" + code);
    ASSERT_EQ(response.result_int(), 200) << code;
    auto body = json_of(response);
    EXPECT_EQ(body.at("alpha2").as_string(), "FR");
    EXPECT_EQ(body.at("alpha3").as_string(), "FRA");
    EXPECT_EQ(body.at("names").at("fr").as_string(), "France");
    EXPECT_EQ(body.at("names").as_object().size(), 6u);
    std::vector<std::string> organisations;
    for (const auto& organisation : body.at("organisations").as_array()) {
      organisations.emplace_back(organisation.at("code").as_string());
    }
    EXPECT_EQ(organisations, (std::vector<std::string>{"UN", "OSCE", "DEMO"}));
  }
}

TEST_F(ApiTest, MalformedAndUnknownStateCodes) {
  expect_problem(client_.get("/api/v1/states/F"), 400);
  expect_problem(client_.get("/api/v1/states/FRAN"), 400);
  expect_problem(client_.get("/api/v1/states/F1"), 400);
  expect_problem(client_.get("/api/v1/states/%C3%A9%C3%A9"), 400);
  expect_problem(client_.get("/api/v1/states/ZZ"), 404);
  expect_problem(client_.get("/api/v1/states/ZZZ"), 404);
}

TEST_F(ApiTest, NamesFollowTheRequestedLanguage) {
  http::fields arabic;
  arabic.set(http::field::accept_language, "ar-EG, en;q=0.5");
  auto response = client_.get("/api/v1/states/EG", arabic);
  ASSERT_EQ(response.result_int(), 200);
  EXPECT_EQ(response[http::field::content_language], "ar");
  EXPECT_EQ(json_of(response).at("name").as_string(), "مصر");

  auto chinese = client_.get("/api/v1/states/CN?lang=zh", arabic);  // ?lang wins
  EXPECT_EQ(chinese[http::field::content_language], "zh");
  EXPECT_EQ(json_of(chinese).at("name").as_string(), "中国");

  auto unknown = client_.get("/api/v1/states/CN?lang=xx");
  EXPECT_EQ(unknown[http::field::content_language], "en");
}

TEST_F(ApiTest, UnknownRoutesAndWrongMethods) {
  expect_problem(client_.get("/api/v1/nothing"), 404);
  expect_problem(client_.get("/api/v1/organisations/"), 404);

  http::request<http::string_body> post{http::verb::post, "/api/v1/organisations", 11};
  auto wrong = client_.request(post);
  expect_problem(wrong, 405);
  EXPECT_EQ(wrong[http::field::allow], "GET, HEAD, OPTIONS");

  http::request<http::string_body> remove{http::verb::delete_, "/api/v1/states/FR", 11};
  expect_problem(client_.request(remove), 405);
}

TEST_F(ApiTest, HeadHasTheHeadersOfGetWithoutABody) {
  auto get = client_.get("/api/v1/organisations");
  http::request<http::string_body> head{http::verb::head, "/api/v1/organisations", 11};
  auto response = client_.request(head);
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response[http::field::content_length], std::to_string(get.body().size()));
  EXPECT_TRUE(response.body().empty());
}

TEST_F(ApiTest, InvalidJsonBodiesAreRejected) {
  http::request<http::string_body> broken{http::verb::get, "/api/v1/organisations", 11};
  broken.set(http::field::content_type, "application/json");
  broken.body() = "{\"name\": ";
  auto response = client_.request(broken);
  expect_problem(response, 400);
  EXPECT_EQ(json_of(response).at("type").as_string(), "/problems/invalid-json");

  http::request<http::string_body> bad_utf8{http::verb::get, "/api/v1/organisations", 11};
  bad_utf8.set(http::field::content_type, "application/json; charset=utf-8");
  bad_utf8.body() = "{\"name\": \"\xff\xfe\"}";
  expect_problem(client_.request(bad_utf8), 400);
}

TEST_F(ApiTest, ServesTheIndexAndAssetsWithEtags) {
  auto home = server_.anonymous_client().get("/");
  EXPECT_EQ(home.result_int(), 303) << "the home page is for signed-in people";
  EXPECT_EQ(home[http::field::location], "/sign-in");
  auto css = client_.get("/assets/liaison.css");
  ASSERT_EQ(css.result_int(), 200);
  EXPECT_EQ(css[http::field::content_type], "text/css; charset=utf-8");
  auto etag = std::string(css[http::field::etag]);
  ASSERT_FALSE(etag.empty());
  http::fields conditional;
  conditional.set(http::field::if_none_match, etag);
  EXPECT_EQ(client_.get("/assets/liaison.css", conditional).result_int(), 304);
  expect_problem(client_.get("/assets/missing.css"), 404);
  expect_problem(client_.get("/assets/..%2Fsrc%2Fapp%2Fmain.cpp"), 404);
}

TEST_F(ApiTest, MetricsCountRequestsByRouteAndStatus) {
  client_.get("/api/v1/organisations");
  client_.get("/api/v1/organisations");
  client_.get("/api/v1/states/ZZ");
  auto metrics = client_.get("/metrics");
  ASSERT_EQ(metrics.result_int(), 200);
  EXPECT_EQ(metrics[http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  const auto& text = metrics.body();
  EXPECT_NE(text.find("liaison_http_requests_total{route=\"/api/v1/"
                      "organisations\",method=\"GET\",status=\"200\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("liaison_http_requests_total{route=\"/api/v1/states/"
                      "{code}\",method=\"GET\",status=\"404\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("liaison_http_request_duration_seconds_bucket{route=\"/api/v1/"
                      "organisations\",le=\"+Inf\"} 2"),
            std::string::npos);
}

TEST_F(ApiTest, WritesOneJsonAccessLinePerRequestWithoutQueryStrings) {
  client_.get("/api/v1/states/FR?token=secret");
  server_.shut_down();
  auto lines = server_.access_lines();
  ASSERT_EQ(lines.size(), 1u);
  auto line = json::parse(lines.front());
  EXPECT_EQ(line.at("path").as_string(), "/api/v1/states/FR");
  EXPECT_EQ(line.at("route").as_string(), "/api/v1/states/{code}");
  EXPECT_EQ(line.at("status").as_int64(), 200);
  EXPECT_EQ(lines.front().find("secret"), std::string::npos);
}

TEST(ApiOnPostgres, ReadinessFollowsTheDatabase) {
  TestServer server(Engine::postgresql);
  auto client = server.client();
  EXPECT_EQ(client.get("/readyz").result_int(), 200);
  EXPECT_EQ(client.get("/api/v1/organisations/OSCE/members").result_int(), 200);

  server.database().drop();  // the database goes away under the running server

  auto ready = client.get("/readyz");
  EXPECT_EQ(ready.result_int(), 503);
  EXPECT_EQ(ready[http::field::content_type], "application/problem+json");
  auto api = client.get("/api/v1/organisations");
  EXPECT_EQ(api.result_int(), 503);
  EXPECT_EQ(json_of(api).at("detail").as_string().find("postgresql"), std::string::npos)
      << "internal details must not reach clients";
  EXPECT_EQ(client.get("/healthz").result_int(), 200);
}

}  // namespace
}  // namespace liaison::testing
