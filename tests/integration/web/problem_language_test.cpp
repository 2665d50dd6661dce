// Validation problems in the reader's language, through the real server: the directory entry
// form and the check compose form show each field's problem worded from its key
// (locales/*/problems.json) in French and Arabic, with the numbers the problem names, where
// they used to show the services' English. English readers keep the English wording.

#include <cctype>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "services/actor.h"
#include "support/test_accounts.h"
#include "support/test_server.h"

namespace liaison::testing {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

class ProblemLanguage : public ::testing::Test {
 protected:
  void SetUp() override {
    services::InvitationRequest request;
    request.email = "secretariat@osce.example";
    request.display_name = "Sabine Secretariat";
    request.grant.role = domain::Role::secretariat;
    request.organisation = "OSCE";
    auto account = create_account(server_.application(), request);
    auto session = sign_in(server_.application(), account);
    session_ = session.secret;
    csrf_ = session.csrf_token;
  }

  // A signed-in form POST with the session's CSRF token, in `language` (the cookie).
  Response post(const std::string& target, Fields fields, const std::string& language) {
    fields.emplace_back("csrf", csrf_);
    http::request<http::string_body> request{http::verb::post, target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::cookie, "liaison_session=" + session_ + "; liaison_lang=" + language);
    request.set(http::field::content_type, "application/x-www-form-urlencoded");
    request.body() = form_body(fields);
    request.prepare_payload();
    auto client = server_.anonymous_client();
    return client.request(std::move(request));
  }

  // A new technical point of contact for Germany: no name, a website a point of contact does not
  // have, a personal address that is none. (The service reports one problem per field.)
  Response refused_entry(const std::string& language) {
    return post("/directory/OSCE/states/DE/new",
                {{"level", "technical"},
                 {"name", ""},
                 {"website", "http://cert.example"},
                 {"functional_email", "cyber@de.example"},
                 {"personal_email", "nobody"}},
                language);
  }

  // A draft without a title, answered within 0 hours and reminded at 95 %.
  Response refused_check(const std::string& language, const std::string& window_hours = "0") {
    return post("/checks/OSCE/new",
                {{"title", ""},
                 {"task", "acknowledge"},
                 {"window_hours", window_hours},
                 {"reminder_percent", "95"},
                 {"levels", "technical"},
                 {"states", "DE"}},
                language);
  }

  TestServer server_;
  std::string session_;
  std::string csrf_;
};

TEST_F(ProblemLanguage, TheDirectoryEntryFormInFrench) {
  auto refused = refused_entry("fr");
  ASSERT_EQ(refused.result_int(), 422) << refused.body();
  const auto& html = refused.body();
  EXPECT_TRUE(contains(html, R"(<html lang="fr" dir="ltr">)")) << html;
  EXPECT_TRUE(contains(html, "<li><strong>name</strong>: est obligatoire</li>")) << html;
  EXPECT_TRUE(contains(html,
                       "<li><strong>website</strong>: ne s’applique pas à un point de "
                       "contact</li>"))
      << html;
  EXPECT_TRUE(contains(
      html, "<li><strong>personal_email</strong>: n’est pas une adresse électronique</li>"))
      << html;
  EXPECT_FALSE(contains(html, "is required"));
  EXPECT_FALSE(contains(html, "does not apply"));
  EXPECT_FALSE(contains(html, "e-mail address"));
}

TEST_F(ProblemLanguage, AServiceProblemOfTheDirectoryFormInFrench) {
  // The entry is valid; the date of effect is not a date, which the service finds.
  auto refused = post("/directory/OSCE/states/DE/new",
                      {{"level", "technical"},
                       {"name", "Cyber Point of Contact"},
                       {"functional_email", "cyber@de.example"},
                       {"effective_on", "tomorrow"}},
                      "fr");
  ASSERT_EQ(refused.result_int(), 422) << refused.body();
  const auto& html = refused.body();
  EXPECT_TRUE(contains(
      html, "<li><strong>effective_on</strong>: doit être une date au format AAAA-MM-JJ</li>"))
      << html;
  EXPECT_FALSE(contains(html, "must be a date"));
}

TEST_F(ProblemLanguage, TheDirectoryEntryFormInArabic) {
  auto refused = refused_entry("ar");
  ASSERT_EQ(refused.result_int(), 422) << refused.body();
  const auto& html = refused.body();
  EXPECT_TRUE(contains(html, R"(<html lang="ar" dir="rtl">)")) << html;
  EXPECT_TRUE(contains(html, "<li><strong>name</strong>: حقل إلزامي</li>")) << html;
  EXPECT_TRUE(contains(html, "<li><strong>website</strong>: لا ينطبق على جهة الاتصال</li>"))
      << html;
  EXPECT_TRUE(contains(html, "<li><strong>personal_email</strong>: ليس عنوان بريد إلكتروني</li>"))
      << html;
  EXPECT_FALSE(contains(html, "is required"));
  EXPECT_FALSE(contains(html, "does not apply"));
}

TEST_F(ProblemLanguage, TheDirectoryEntryFormInEnglishKeepsTheEnglishWording) {
  auto refused = refused_entry("en");
  ASSERT_EQ(refused.result_int(), 422) << refused.body();
  const auto& html = refused.body();
  EXPECT_TRUE(contains(html, "<li><strong>name</strong>: is required</li>")) << html;
  EXPECT_TRUE(
      contains(html, "<li><strong>website</strong>: does not apply to a point of contact</li>"))
      << html;
}

TEST_F(ProblemLanguage, TheCheckComposeFormInFrench) {
  auto refused = refused_check("fr");
  ASSERT_EQ(refused.result_int(), 422) << refused.body();
  const auto& html = refused.body();
  EXPECT_TRUE(contains(html, R"(<p class="field-error" id="title-error">est obligatoire</p>)"))
      << html;
  EXPECT_TRUE(contains(
      html, R"(<p class="field-error" id="window-error">doit être compris entre 1 et 720</p>)"))
      << html;
  EXPECT_TRUE(contains(html, "doit être compris entre 0 (pas de rappel) et 90")) << html;
  EXPECT_FALSE(contains(html, "is required"));
  EXPECT_FALSE(contains(html, "must be between"));
}

TEST_F(ProblemLanguage, TheCheckComposeFormInArabic) {
  auto refused = refused_check("ar", "soon");
  ASSERT_EQ(refused.result_int(), 422) << refused.body();
  const auto& html = refused.body();
  EXPECT_TRUE(contains(html, R"(<html lang="ar" dir="rtl">)")) << html;
  EXPECT_TRUE(contains(html, R"(<p class="field-error" id="title-error">حقل إلزامي</p>)")) << html;
  // The form's own reading of the number, then the domain's range for the reminder.
  EXPECT_TRUE(
      contains(html, R"(<p class="field-error" id="window-error">يجب أن يكون عددًا صحيحًا</p>)"))
      << html;
  EXPECT_TRUE(contains(html, "يجب أن يكون بين")) << html;
  EXPECT_FALSE(contains(html, "is required"));
  EXPECT_FALSE(contains(html, "whole number"));
  EXPECT_FALSE(contains(html, "must be between"));
}

}  // namespace
}  // namespace liaison::testing
