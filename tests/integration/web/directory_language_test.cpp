// The directory pages in the reader's language, through the real server: state names from the
// reference data in the page's language, lists in the language's collation order, Arabic right
// to left, labels and notices from the catalogues and dates as the locale writes them.

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/totp.h"
#include "services/actor.h"
#include "support/test_accounts.h"
#include "support/test_server.h"
#include "web/i18n.h"

namespace liaison::testing {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

//! Where `part` first occurs in `text`; fails the test when it does not.
std::size_t position(const std::string& text, std::string_view part) {
  auto at = text.find(part);
  EXPECT_NE(at, std::string::npos) << "\"" << part << "\" is not on the page";
  return at;
}

class DirectoryPageLanguage : public ::testing::Test {
 protected:
  TestServer server_;
  HttpClient client_ = server_.anonymous_client();
  TestAccount secretariat_ =
      create_account(server_.application(), {"secretariat@osce.example",
                                             "Sabine Secretariat",
                                             {domain::Role::secretariat, {}, ""},
                                             "OSCE"});
  services::NewSession session_ = sign_in();
  std::string entry_id_ = create_entry();

  services::NewSession sign_in() {
    // The acceptance used the current step's code: sign in with the next step's.
    auto code = totp_code(secretariat_.totp_secret,
                          std::chrono::system_clock::now() + std::chrono::seconds(30));
    EXPECT_TRUE(code);
    auto session = server_.application().sessions().sign_in(
        {secretariat_.email, secretariat_.password, code ? *code : std::string(), "127.0.0.1",
         "directory language test"});
    EXPECT_TRUE(session) << (session ? "" : session.error().message);
    return session ? *session : services::NewSession{};
  }

  std::string create_entry() {
    domain::Contact contact;
    contact.name = "Cyber Point of Contact";
    contact.institution = "Federal Foreign Office";
    contact.functional_email = "cyber@auswaertiges-amt.example";
    auto entry = server_.application().directory().create(
        services::Actor{secretariat_.principal, "127.0.0.1"}, "OSCE", "DE",
        domain::Level::technical, contact, {});
    EXPECT_TRUE(entry) << (entry ? "" : entry.error().message);
    return entry ? entry->id : std::string();
  }

  Response get(const std::string& target, const std::string& accept_language = {}) {
    http::fields fields;
    fields.set(http::field::cookie, "liaison_session=" + session_.secret);
    if (!accept_language.empty()) fields.set(http::field::accept_language, accept_language);
    return client_.get(target, fields);
  }
};

TEST_F(DirectoryPageLanguage, TheOrganisationPageNamesStatesAndRegionsInFrench) {
  auto page = get("/directory/OSCE?lang=fr");
  ASSERT_EQ(page.result_int(), 200) << page.body();
  const auto& body = page.body();
  EXPECT_TRUE(contains(body, R"(<html lang="fr" dir="ltr">)")) << body;
  EXPECT_TRUE(contains(body, R"(<a href="/directory/OSCE/states/DE">Allemagne</a>)")) << body;
  EXPECT_TRUE(contains(body, R"(<a href="/directory/OSCE/states/US">États-Unis</a>)")) << body;
  EXPECT_TRUE(contains(body, "Amériques")) << body;
  EXPECT_TRUE(contains(body, "Rechercher des personnes, des institutions, des États, des langues"));
  EXPECT_TRUE(contains(body, "Actualisation des données de chaque État membre"));
  EXPECT_FALSE(contains(body, ">Germany<"));
  EXPECT_FALSE(contains(body, "Search people"));
  // Regions sort by their French names: Amériques, Asie, Europe.
  EXPECT_LT(position(body, ">Amériques</h2>"), position(body, ">Asie</h2>"));
  EXPECT_LT(position(body, ">Asie</h2>"), position(body, ">Europe</h2>"));
}

TEST_F(DirectoryPageLanguage, TheOrganisationPageInArabicIsRightToLeft) {
  auto page = get("/directory/OSCE", "ar, en;q=0.5");
  ASSERT_EQ(page.result_int(), 200) << page.body();
  const auto& body = page.body();
  EXPECT_TRUE(contains(body, R"(<html lang="ar" dir="rtl">)")) << body;
  EXPECT_TRUE(contains(body, R"(<a href="/directory/OSCE/states/DE">ألمانيا</a>)")) << body;
  EXPECT_TRUE(contains(body, "البحث عن أشخاص أو مؤسسات أو دول أو لغات"));
  EXPECT_TRUE(contains(body, "دليل Organization for Security")) << body;
  EXPECT_FALSE(contains(body, "Germany"));
}

TEST_F(DirectoryPageLanguage, AStatePageInFrenchAndInArabic) {
  auto french = get("/directory/OSCE/states/DE?lang=fr");
  ASSERT_EQ(french.result_int(), 200) << french.body();
  EXPECT_TRUE(contains(french.body(), "<h1>Allemagne · OSCE</h1>")) << french.body();
  EXPECT_TRUE(contains(french.body(), "<title>Allemagne · OSCE · Liaison</title>"));
  EXPECT_TRUE(contains(french.body(), ">Ajouter une entrée</a>"));
  EXPECT_TRUE(contains(french.body(), "Confirmer que toutes les entrées sont à jour"));
  EXPECT_TRUE(contains(french.body(), R"(<p class="level">Technique · Federal Foreign Office</p>)"))
      << french.body();
  EXPECT_TRUE(contains(french.body(), "<dt>Courriel</dt>"));
  EXPECT_TRUE(contains(french.body(), "<dt>Horaires</dt><dd>non précisés</dd>"));
  EXPECT_FALSE(contains(french.body(), "Germany"));
  EXPECT_FALSE(contains(french.body(), "Add an entry"));

  auto arabic = get("/directory/OSCE/states/DE?lang=ar");
  ASSERT_EQ(arabic.result_int(), 200) << arabic.body();
  EXPECT_TRUE(contains(arabic.body(), R"(<html lang="ar" dir="rtl">)"));
  EXPECT_TRUE(contains(arabic.body(), "<h1>ألمانيا · OSCE</h1>")) << arabic.body();
  EXPECT_TRUE(contains(arabic.body(), ">إضافة إدخال</a>"));
  EXPECT_TRUE(contains(arabic.body(), "<dt>البريد الإلكتروني</dt>"));
  EXPECT_TRUE(contains(arabic.body(), "المستوى التقني · Federal Foreign Office"));
}

TEST_F(DirectoryPageLanguage, ReconfirmingSaysHowManyInRussianPlural) {
  http::request<http::string_body> request{http::verb::post,
                                           "/directory/OSCE/states/DE/reconfirm?lang=ru", 11};
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::cookie, "liaison_session=" + session_.secret);
  request.set(http::field::content_type, "application/x-www-form-urlencoded");
  request.body() = "csrf=" + session_.csrf_token;
  request.prepare_payload();
  auto page = client_.request(request);
  ASSERT_EQ(page.result_int(), 200) << page.body();
  EXPECT_TRUE(contains(page.body(), "Актуальность подтверждена для 1 записи.")) << page.body();
  EXPECT_TRUE(contains(page.body(), "<h1>Германия · OSCE</h1>")) << page.body();
}

TEST_F(DirectoryPageLanguage, AnEntryPageInRussianWithItsDates) {
  auto page = get("/directory/OSCE/entries/" + entry_id_, "ru-RU,ru;q=0.9");
  ASSERT_EQ(page.result_int(), 200) << page.body();
  const auto& body = page.body();
  EXPECT_TRUE(contains(body, R"(<html lang="ru" dir="ltr">)"));
  EXPECT_TRUE(contains(body, R"(<dt>Учреждение</dt><dd id="institution">Federal Foreign Office)"))
      << body;
  EXPECT_TRUE(contains(body, ">Германия</a> · Технический уровень")) << body;
  EXPECT_TRUE(contains(body, "<h2>История изменений</h2>"));
  EXPECT_TRUE(contains(body, "<strong>Версия 1</strong>"));
  EXPECT_TRUE(contains(body, "Запись создана."));
  EXPECT_TRUE(contains(body, "Скачать в формате vCard"));
  EXPECT_FALSE(contains(body, "Institution</dt>"));

  // The version's time as Russian writes dates (long date, short time), in the reader's zone.
  auto history = server_.application().directory().entry(
      services::Actor{secretariat_.principal, "127.0.0.1"}, "OSCE", entry_id_);
  ASSERT_TRUE(history) << history.error().message;
  ASSERT_FALSE(history->steps.empty());
  const auto& recorded_at = history->steps.front().version.recorded_at;
  auto written = web::format_date_time(domain::Language::russian, recorded_at, "UTC");
  EXPECT_NE(written, recorded_at.substr(0, 16));
  EXPECT_TRUE(contains(written, "г. в ")) << written;  // "7 декабря 2026 г. в 09:30 GMT"
  EXPECT_TRUE(
      contains(body, "<strong>Версия 1</strong>, " + written + ", автор: Sabine Secretariat"))
      << body;
  EXPECT_FALSE(contains(body, recorded_at.substr(0, 10)));
}

TEST_F(DirectoryPageLanguage, TheFreshnessDashboardInSpanish) {
  auto page = get("/directory/OSCE/freshness?lang=es");
  ASSERT_EQ(page.result_int(), 200) << page.body();
  const auto& body = page.body();
  EXPECT_TRUE(contains(body, "<h1>Actualización de los datos · OSCE</h1>")) << body;
  EXPECT_TRUE(contains(body, "<h2>Por región</h2>"));
  EXPECT_TRUE(contains(body, "<h2>Estados miembros</h2>"));
  EXPECT_TRUE(contains(body, R"(<th scope="col">Situación</th>)"));
  EXPECT_TRUE(contains(body, R"(<th scope="row">Europa</th>)")) << body;
  EXPECT_TRUE(contains(body, R"(<a href="/directory/OSCE/states/DE">Alemania</a>)"));
  EXPECT_TRUE(contains(body, R"(<span class="badge never_confirmed">Nunca confirmadas</span>)"))
      << body;
  EXPECT_FALSE(contains(body, "Member states"));
  EXPECT_FALSE(contains(body, ">Germany<"));
}

TEST_F(DirectoryPageLanguage, ListsFollowTheCollationOfTheLanguage) {
  // French sorts É with E: Estonie, États-Unis, Finlande (bytes would put É after Ukraine).
  auto french = get("/directory/OSCE/freshness?lang=fr");
  ASSERT_EQ(french.result_int(), 200) << french.body();
  const auto& body = french.body();
  EXPECT_LT(position(body, ">Estonie</a>"), position(body, ">États-Unis</a>"));
  EXPECT_LT(position(body, ">États-Unis</a>"), position(body, ">Finlande</a>"));
  EXPECT_LT(position(body, ">États-Unis</a>"), position(body, ">Ukraine</a>"));

  // Russian: Австрия, Бельгия, …, Швеция, Эстония, in the Cyrillic alphabet.
  auto russian = get("/directory/OSCE?lang=ru");
  ASSERT_EQ(russian.result_int(), 200) << russian.body();
  const auto& list = russian.body();
  EXPECT_LT(position(list, ">Австрия</a>"), position(list, ">Бельгия</a>"));
  EXPECT_LT(position(list, ">Бельгия</a>"), position(list, ">Швеция</a>"));
  EXPECT_LT(position(list, ">Швеция</a>"), position(list, ">Эстония</a>"));
}

TEST_F(DirectoryPageLanguage, AnUnknownEntryIsRefusedInTheReadersLanguage) {
  auto page = get("/directory/OSCE/entries/no-such-entry?lang=fr");
  EXPECT_EQ(page.result_int(), 404);
  EXPECT_TRUE(contains(page.body(), "<h1>Introuvable</h1>")) << page.body();
  EXPECT_TRUE(contains(page.body(), "Retour au répertoire"));
}

}  // namespace
}  // namespace liaison::testing
