// One's preferences through the real server: the pages' language follows the account on any
// browser, a ?lang= choice made earlier gives way to a saved one, "as my browser asks" hands the
// choice back to Accept-Language, and times are shown in the chosen zone.

#include <gtest/gtest.h>

#include "support/http_client.h"
#include "support/test_accounts.h"
#include "support/test_server.h"

namespace liaison::testing {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::string set_cookie_of(const Response& response, std::string_view name) {
  for (auto field = response.find(http::field::set_cookie);
       field != response.end() && field->name() == http::field::set_cookie; ++field) {
    std::string cookie(field->value());
    if (cookie.starts_with(std::string(name) + "=")) return cookie;
  }
  return {};
}

class Preferences : public ::testing::Test {
 protected:
  void SetUp() override {
    services::InvitationRequest request;
    request.email = "poc.de@example.org";
    request.display_name = "Pat Point";
    request.grant.role = domain::Role::poc;
    request.grant.state = "DE";
    request.organisation = "OSCE";
    account_ = create_account(server_.application(), request);
    auto session = sign_in(server_.application(), account_);
    session_ = session.secret;
    csrf_ = session.csrf_token;
  }

  Response get(const std::string& target, std::string_view accept_language,
               std::string_view extra_cookie = {}) {
    http::fields fields;
    fields.set(http::field::accept_language, accept_language);
    std::string cookie = "liaison_session=" + session_;
    if (!extra_cookie.empty()) cookie += "; " + std::string(extra_cookie);
    fields.set(http::field::cookie, cookie);
    return client_.get(target, fields);
  }

  Response save(std::string_view language, std::string_view time_zone,
                std::string_view extra_cookie = {}) {
    http::request<http::string_body> request{http::verb::post, "/account/preferences", 11};
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::content_type, "application/x-www-form-urlencoded");
    std::string cookie = "liaison_session=" + session_;
    if (!extra_cookie.empty()) cookie += "; " + std::string(extra_cookie);
    request.set(http::field::cookie, cookie);
    request.body() = form_body({{"csrf", csrf_}, {"language", language}, {"time_zone", time_zone}});
    request.prepare_payload();
    return client_.request(std::move(request));
  }

  std::int64_t audited() {
    auto count = server_.application().database().transact(
        store::Access::read, [](store::Connection& connection) -> Result<std::int64_t> {
          auto rows = connection.query(
              "SELECT count(*) FROM audit_log WHERE action = 'account.preferences_changed'");
          if (!rows) return rows.error();
          return rows->front().integer(0);
        });
    return count ? *count : -1;
  }

  TestServer server_;
  HttpClient client_ = server_.anonymous_client();
  TestAccount account_;
  std::string session_;
  std::string csrf_;
};

TEST_F(Preferences, TheSavedLanguageFollowsTheAccountAndReplacesAnEarlierChoice) {
  auto form = get("/account/preferences", "en");
  ASSERT_EQ(form.result_int(), 200) << form.body();
  EXPECT_TRUE(contains(form.body(), R"(value="" checked)")) << "the browser's language at first";
  EXPECT_TRUE(contains(form.body(), R"(<option value="Europe/Vienna">)"));

  // Earlier, on this browser, Spanish was chosen with ?lang=es; saving French replaces it.
  auto saved = save("fr", "Asia/Calcutta", "liaison_lang=es");
  ASSERT_EQ(saved.result_int(), 303) << saved.body();
  EXPECT_EQ(saved[http::field::location], "/account/preferences?saved=1");
  EXPECT_TRUE(set_cookie_of(saved, "liaison_lang").starts_with("liaison_lang=fr; Path=/; "));
  EXPECT_EQ(audited(), 1);

  // Another browser, asking for English, without the cookie: the account speaks French.
  auto elsewhere = get("/account/preferences?saved=1", "en-GB, en;q=0.9");
  ASSERT_EQ(elsewhere.result_int(), 200) << elsewhere.body();
  EXPECT_TRUE(contains(elsewhere.body(), R"(<html lang="fr" dir="ltr">)"));
  EXPECT_TRUE(contains(elsewhere.body(), "Vos préférences sont enregistrées."));
  EXPECT_TRUE(contains(elsewhere.body(), R"(value="fr" checked)"));
  // The old name is stored by its current one, and the example time is in that zone.
  EXPECT_TRUE(contains(elsewhere.body(), R"(value="Asia/Kolkata")")) << elsewhere.body();
  EXPECT_TRUE(contains(elsewhere.body(), "UTC+5:30")) << elsewhere.body();
  // A ?lang= choice still wins for this browser.
  auto chosen = get("/account/preferences", "en", "liaison_lang=ru");
  EXPECT_TRUE(contains(chosen.body(), R"(<html lang="ru" dir="ltr">)"));
}

TEST_F(Preferences, AsTheBrowserAsksHandsTheChoiceBackToAcceptLanguage) {
  ASSERT_EQ(save("ar", "", "").result_int(), 303);
  auto arabic = get("/account/preferences", "es");
  EXPECT_TRUE(contains(arabic.body(), R"(<html lang="ar" dir="rtl">)"));
  auto browser = save("", "", "liaison_lang=ar");
  ASSERT_EQ(browser.result_int(), 303);
  EXPECT_TRUE(
      set_cookie_of(browser, "liaison_lang").starts_with("liaison_lang=; Path=/; Max-Age=0"))
      << set_cookie_of(browser, "liaison_lang");
  auto spanish = get("/account/preferences", "es");
  EXPECT_TRUE(contains(spanish.body(), R"(<html lang="es" dir="ltr">)"));
  EXPECT_TRUE(contains(spanish.body(), "Según mi navegador"));
  EXPECT_EQ(audited(), 2);
}

TEST_F(Preferences, AWrongZoneOrLanguageIsRefusedBesideItsFieldAndChangesNothing) {
  auto zone = save("ru", "Mars/Olympus_Mons");
  ASSERT_EQ(zone.result_int(), 400) << zone.body();
  EXPECT_TRUE(contains(zone.body(), R"(id="time-zone-error")"));
  EXPECT_TRUE(contains(zone.body(), R"(aria-invalid="true")"));
  EXPECT_TRUE(contains(zone.body(), R"(value="Mars/Olympus_Mons")")) << "what was typed stays";
  EXPECT_EQ(set_cookie_of(zone, "liaison_lang"), "");
  auto language = save("de", "");
  ASSERT_EQ(language.result_int(), 400) << language.body();
  EXPECT_TRUE(contains(language.body(), R"(id="language-error")"));
  EXPECT_EQ(audited(), 0);
  auto page = get("/account/preferences", "en");
  EXPECT_TRUE(contains(page.body(), R"(<html lang="en" dir="ltr">)"));
  EXPECT_TRUE(contains(page.body(), R"(value="" checked)"));
}

TEST_F(Preferences, WithoutASessionTheFormIsNotThere) {
  auto anonymous = server_.anonymous_client().get("/account/preferences");
  EXPECT_NE(anonymous.result_int(), 200);
  http::request<http::string_body> forged{http::verb::post, "/account/preferences", 11};
  forged.set(http::field::host, "127.0.0.1");
  forged.set(http::field::content_type, "application/x-www-form-urlencoded");
  forged.set(http::field::cookie, "liaison_session=" + session_);
  forged.body() = "language=fr&time_zone=";  // no CSRF token
  forged.prepare_payload();
  EXPECT_EQ(client_.request(std::move(forged)).result_int(), 403);
  EXPECT_EQ(audited(), 0);
}

}  // namespace
}  // namespace liaison::testing
