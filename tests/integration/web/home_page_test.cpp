// The home page through the real server, in the reader's language: a focal point's part in
// French and Arabic, a secretariat's in Russian, and the page of someone without a role.

#include <gtest/gtest.h>

#include "support/test_accounts.h"
#include "support/test_server.h"

namespace liaison::testing {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

class HomePage : public ::testing::Test {
 protected:
  TestSession person(const std::string& email, domain::Role role, const std::string& state) {
    services::InvitationRequest request;
    request.email = email;
    request.display_name = "Person " + email;
    request.grant.role = role;
    request.grant.state = state;
    request.organisation = role == domain::Role::operator_ ? "" : "OSCE";
    return sign_in(server_.application(), create_account(server_.application(), request));
  }

  std::string page(const TestSession& session, std::string_view language) {
    http::fields fields;
    fields.set(http::field::accept_language, language);
    fields.set(http::field::cookie, session.cookie());
    auto response = client_.get("/", fields);
    EXPECT_EQ(response.result_int(), 200) << response.body();
    return response.body();
  }

  TestServer server_;
  HttpClient client_ = server_.anonymous_client();
};

TEST_F(HomePage, AFocalPointReadsWhatItsStateOwesInItsLanguage) {
  auto focal = person("focal.de@example.org", domain::Role::focal, "DE");
  auto french = page(focal, "fr");
  EXPECT_TRUE(contains(french, R"(<html lang="fr" dir="ltr">)"));
  EXPECT_TRUE(contains(french, "<title>Accueil · Liaison</title>")) << french;
  EXPECT_TRUE(contains(french, "OSCE : point focal pour Allemagne")) << french;
  EXPECT_TRUE(contains(french, "Les fiches de votre État n’ont jamais été confirmées."));
  EXPECT_TRUE(contains(french, "Votre État n’a encore aucune fiche."));
  EXPECT_TRUE(contains(french, R"(href="/directory/OSCE/states/DE/new")"));
  EXPECT_FALSE(contains(french, "Your state"));

  auto arabic = page(focal, "ar");
  EXPECT_TRUE(contains(arabic, R"(<html lang="ar" dir="rtl">)"));
  EXPECT_TRUE(contains(arabic, "ألمانيا")) << arabic;
  EXPECT_TRUE(contains(arabic, "بيانات دولتك"));
}

TEST_F(HomePage, ASecretariatSeesTheMembersThatNeedAttention) {
  auto secretariat = person("secretariat@example.org", domain::Role::secretariat, "");
  auto russian = page(secretariat, "ru");
  EXPECT_TRUE(contains(russian, "Государства, требующие внимания")) << russian;
  // No member has an entry yet: every one of them is listed, Austria by its Russian name.
  EXPECT_TRUE(contains(russian, "Австрия"));
  EXPECT_TRUE(contains(russian, "ни разу не подтверждено"));
  EXPECT_TRUE(contains(russian, "Сейчас проверки не проводятся."));
  EXPECT_TRUE(contains(russian, R"(href="/checks/OSCE/new")"));
}

TEST_F(HomePage, SomeoneWithoutARoleIsToldWhoGivesRoles) {
  auto operator_ = person("second.operator@example.org", domain::Role::operator_, "");
  auto spanish = page(operator_, "es");
  EXPECT_TRUE(contains(spanish, "Operaciones")) << spanish;
  EXPECT_TRUE(contains(spanish, R"(href="/mail")"));
  EXPECT_FALSE(contains(spanish, R"(id="no-role")"));
}

TEST_F(HomePage, WithoutASessionItIsTheSignInPage) {
  auto response = client_.get("/");
  EXPECT_EQ(response.result_int(), 303);
  EXPECT_EQ(response[http::field::location], "/sign-in");
}

}  // namespace
}  // namespace liaison::testing
