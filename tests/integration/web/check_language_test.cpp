// The check pages in the reader's language, through the real server: the list and the compose
// form in French and Arabic (right to left), a launched check's results in Russian (tallies,
// state names in Russian collation, dates), the compose form refused inline in Spanish, the
// printable report and a state's history in Chinese, and the refusals the pages word themselves.

#include <cctype>
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "services/actor.h"
#include "support/test_accounts.h"
#include "support/test_server.h"

namespace liaison::testing {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// Where `part` first occurs in `text`, or npos.
std::size_t position(const std::string& text, std::string_view part) {
  return text.find(part);
}

// The part of a page from the element with id `id` to the end of its table.
std::string table(const std::string& html, std::string_view id) {
  auto start = html.find("id=\"" + std::string(id) + "\"");
  if (start == std::string::npos) return {};
  auto end = html.find("</table>", start);
  return html.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

class CheckPagesLanguage : public ::testing::Test {
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
    actor_ = services::Actor{account.principal, "127.0.0.1"};

    // A technical point of contact each for Germany and France, published by the secretariat.
    for (auto [state, address] : {std::pair{"DE", "cert@de.example"}, {"FR", "cert@fr.example"}}) {
      domain::Contact contact;
      contact.name = std::string("National CERT ") + state;
      contact.institution = "National CERT";
      contact.functional_email = address;
      auto entry = server_.application().directory().create(actor_, "OSCE", state,
                                                            domain::Level::technical, contact, {});
      ASSERT_TRUE(entry) << entry.error().message;
    }
  }

  std::string create_check(const std::string& title) {
    domain::CheckPlan plan;
    plan.title = title;
    plan.task = domain::CheckTask::acknowledge;
    plan.window_hours = 24;
    plan.reminder_percent = 50;
    plan.target.states = {"DE", "FR"};
    plan.target.levels = {domain::Level::technical};
    auto check = server_.application().checks().create(actor_, "OSCE", plan);
    EXPECT_TRUE(check) << check.error().message;
    return check ? check->id : std::string();
  }

  std::string launched_check(const std::string& title) {
    auto id = create_check(title);
    auto launched = server_.application().checks().launch(actor_, id);
    EXPECT_TRUE(launched) << launched.error().message;
    return id;
  }

  // A signed-in GET, with the language from `?lang=` in the target or the headers given.
  Response get(const std::string& target,
               const std::vector<std::pair<http::field, std::string>>& headers = {}) {
    http::request<http::string_body> request{http::verb::get, target, 11};
    request.set(http::field::host, "127.0.0.1");
    std::string cookies = "liaison_session=" + session_;
    for (const auto& [name, value] : headers) {
      if (name == http::field::cookie)
        cookies += "; " + value;
      else
        request.set(name, value);
    }
    request.set(http::field::cookie, cookies);
    request.prepare_payload();
    auto client = server_.anonymous_client();
    return client.request(std::move(request));
  }

  // A signed-in form POST with the session's CSRF token; `language` as the cookie keeps it.
  Response post(const std::string& target, std::vector<std::pair<std::string, std::string>> fields,
                const std::string& language) {
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

  TestServer server_;
  std::string session_;
  std::string csrf_;
  services::Actor actor_;
};

TEST_F(CheckPagesLanguage, TheListAndTheComposeFormInFrench) {
  auto empty = get("/checks/OSCE?lang=fr");
  ASSERT_EQ(empty.result_int(), 200) << empty.body();
  const auto& none = empty.body();
  EXPECT_TRUE(contains(none, R"(<html lang="fr" dir="ltr">)")) << none;
  EXPECT_TRUE(contains(none, "<title>Contrôles des communications · OSCE · Liaison</title>"))
      << none;
  EXPECT_TRUE(contains(none, "Aucun contrôle des communications pour l’instant.")) << none;
  EXPECT_TRUE(contains(none, ">Préparer un contrôle</a>")) << none;
  EXPECT_TRUE(contains(none, "Répertoire de l’organisation OSCE")) << none;
  EXPECT_FALSE(contains(none, "Compose a check"));
  EXPECT_FALSE(contains(none, "No communication checks yet"));

  create_check("Contrôle trimestriel");
  auto list = get("/checks/OSCE", {{http::field::cookie, "liaison_lang=fr"}});
  ASSERT_EQ(list.result_int(), 200) << list.body();
  auto checks = table(list.body(), "checks");
  EXPECT_TRUE(contains(checks,
                       "Contrôles des communications de l’organisation OSCE, du plus "
                       "récent au plus ancien"))
      << checks;
  EXPECT_TRUE(contains(checks, "<th scope=\"col\">Début (UTC)</th>")) << checks;
  EXPECT_TRUE(contains(checks, "Accusé de réception")) << checks;
  EXPECT_TRUE(contains(checks, ">Projet</span>")) << checks;
  EXPECT_TRUE(contains(checks, "au lancement")) << checks;
  EXPECT_FALSE(contains(checks, "Acknowledge"));
  EXPECT_FALSE(contains(checks, ">Draft<"));

  auto compose = get("/checks/OSCE/new?lang=fr");
  ASSERT_EQ(compose.result_int(), 200) << compose.body();
  const auto& form = compose.body();
  EXPECT_TRUE(contains(form, "<title>Préparer un contrôle · OSCE · Liaison</title>")) << form;
  EXPECT_TRUE(contains(form, "<legend>Tâche</legend>")) << form;
  EXPECT_TRUE(contains(form, "Délai de réponse (heures)")) << form;
  EXPECT_TRUE(contains(form, ">Enregistrer le projet</button>")) << form;
  EXPECT_TRUE(contains(form, "<label for=\"state-DE\">Allemagne</label>")) << form;
  EXPECT_TRUE(contains(form, "<label for=\"region-150\">Europe</label>")) << form;
  // States in French order: Allemagne before Autriche before France.
  auto germany = position(form, ">Allemagne<");
  auto austria = position(form, ">Autriche<");
  auto france = position(form, ">France<");
  ASSERT_NE(germany, std::string::npos);
  ASSERT_NE(austria, std::string::npos);
  ASSERT_NE(france, std::string::npos);
  EXPECT_LT(germany, austria);
  EXPECT_LT(austria, france);
  EXPECT_FALSE(contains(form, "Save the draft"));
  EXPECT_FALSE(contains(form, ">Germany<"));

  // The draft's preview: plural caption, French state names.
  auto draft_id = create_check("Aperçu");
  auto draft = get("/checks/OSCE/" + draft_id + "?lang=fr");
  ASSERT_EQ(draft.result_int(), 200) << draft.body();
  EXPECT_TRUE(contains(draft.body(), "2 destinataires et ce que chacun reçoit")) << draft.body();
  EXPECT_TRUE(contains(draft.body(), "Destinataires prévus")) << draft.body();
  EXPECT_TRUE(contains(draft.body(), ">Lancer</button>")) << draft.body();
  EXPECT_TRUE(contains(draft.body(), "États\u00a0: Allemagne, France")) << draft.body();
  EXPECT_FALSE(contains(draft.body(), "Who it would reach"));
}

TEST_F(CheckPagesLanguage, TheListAndTheComposeFormInArabicRightToLeft) {
  create_check("اختبار ربع سنوي");
  auto list = get("/checks/OSCE", {{http::field::accept_language, "ar-EG, en;q=0.5"}});
  ASSERT_EQ(list.result_int(), 200) << list.body();
  const auto& page = list.body();
  EXPECT_TRUE(contains(page, R"(<html lang="ar" dir="rtl">)")) << page;
  EXPECT_TRUE(contains(page, "<title>اختبارات الاتصال · OSCE · Liaison</title>")) << page;
  EXPECT_TRUE(contains(page, ">إعداد اختبار</a>")) << page;
  EXPECT_TRUE(contains(page, "الإقرار بالاستلام")) << page;
  EXPECT_TRUE(contains(page, ">مسودة</span>")) << page;
  EXPECT_FALSE(contains(page, "Compose a check"));

  auto compose = get("/checks/OSCE/new", {{http::field::accept_language, "ar"}});
  ASSERT_EQ(compose.result_int(), 200) << compose.body();
  const auto& form = compose.body();
  EXPECT_TRUE(contains(form, R"(<html lang="ar" dir="rtl">)")) << form;
  EXPECT_TRUE(contains(form, ">حفظ المسودة</button>")) << form;
  EXPECT_TRUE(contains(form, "<legend>المستويات</legend>")) << form;
  EXPECT_TRUE(contains(form, "<label for=\"state-DE\">ألمانيا</label>")) << form;
  EXPECT_TRUE(contains(form, "<label for=\"region-150\">أوروبا</label>")) << form;
  // Arabic collation: ألمانيا (alif) before فرنسا (fa).
  auto germany = position(form, ">ألمانيا<");
  auto france = position(form, ">فرنسا<");
  ASSERT_NE(germany, std::string::npos);
  ASSERT_NE(france, std::string::npos);
  EXPECT_LT(germany, france);
  EXPECT_FALSE(contains(form, "Save the draft"));
}

TEST_F(CheckPagesLanguage, ALaunchedChecksResultsInRussian) {
  auto id = launched_check("Квартальная проверка");
  auto page = get("/checks/OSCE/" + id + "?lang=ru&launched=1");
  ASSERT_EQ(page.result_int(), 200) << page.body();
  const auto& html = page.body();
  EXPECT_TRUE(contains(html, R"(<html lang="ru" dir="ltr">)")) << html;
  EXPECT_TRUE(contains(html, ">Проверка запущена.</p>")) << html;
  EXPECT_TRUE(contains(html, ">Проводится</span>")) << html;
  EXPECT_TRUE(contains(html, "Подтверждение получения: по ссылке или ответным письмом")) << html;
  EXPECT_TRUE(contains(html, "<dd>24 ч</dd>")) << html;
  EXPECT_TRUE(contains(html, "по истечении 50 % срока")) << html;
  // The tallies: Russian labels, the numbers under their usual ids.
  EXPECT_TRUE(contains(html, "<dt>Адресаты</dt><dd id=\"tally-recipients\">2</dd>")) << html;
  EXPECT_TRUE(contains(html, "<dt>Ответили</dt><dd id=\"tally-responded\">0</dd>")) << html;
  EXPECT_TRUE(contains(html, "<dt>Ожидается ответ</dt><dd id=\"tally-pending\">2</dd>")) << html;
  EXPECT_TRUE(contains(html, "адресатов ответили")) << html;
  // Dates as Russian writes them ("7 декабря 2026 г. в 09:30"), in the viewer's zone (UTC).
  EXPECT_TRUE(contains(html, "г. в ")) << html;
  EXPECT_TRUE(contains(html, "срок ответа: ")) << html;
  // States by their Russian names, in Russian order: Германия before Франция (France before
  // Germany in English).
  auto states = table(html, "check-states");
  EXPECT_TRUE(contains(states, "<caption>Результаты по государствам</caption>")) << states;
  auto germany = position(states, ">Германия<");
  auto france = position(states, ">Франция<");
  ASSERT_NE(germany, std::string::npos) << states;
  ASSERT_NE(france, std::string::npos) << states;
  EXPECT_LT(germany, france);
  EXPECT_TRUE(contains(states, ">Ожидается</span>")) << states;
  EXPECT_FALSE(contains(states, "Germany"));
  EXPECT_FALSE(contains(states, ">Pending<"));
  // The regions by their CLDR names, the charts' words from the page.
  EXPECT_TRUE(contains(table(html, "check-regions"), "Европа")) << html;
  EXPECT_TRUE(contains(html, R"(data-label-on-time="В срок")")) << html;
  EXPECT_TRUE(contains(html, R"(data-label-map-title="Результаты по государствам")")) << html;
  EXPECT_TRUE(contains(html, R"(data-time-zone="UTC")")) << html;
  EXPECT_FALSE(contains(html, "\"labels\""));
  EXPECT_TRUE(contains(table(html, "check-recipients"), "<caption>Адресаты</caption>")) << html;
  EXPECT_FALSE(contains(html, "of the recipients responded"));

  // One state's recipients, and a second launch refused in Russian.
  auto one = get("/checks/OSCE/" + id + "?lang=ru&state=FR");
  EXPECT_TRUE(contains(one.body(), "<caption>Адресаты: Франция</caption>")) << one.body();
  auto again = post("/checks/OSCE/" + id + "/launch", {}, "ru");
  EXPECT_EQ(again.result_int(), 409) << again.body();
  EXPECT_TRUE(contains(again.body(), "Запустить можно только проект")) << again.body();
}

TEST_F(CheckPagesLanguage, TheComposeFormRefusedInlineInSpanish) {
  auto refused = post("/checks/OSCE/new",
                      {{"title", ""},
                       {"task", "acknowledge"},
                       {"window_hours", "12"},
                       {"reminder_percent", "50"},
                       {"levels", "technical"},
                       {"states", "DE"}},
                      "es");
  ASSERT_EQ(refused.result_int(), 422) << refused.body();
  const auto& html = refused.body();
  EXPECT_TRUE(contains(html, R"(<html lang="es" dir="ltr">)")) << html;
  EXPECT_TRUE(contains(html, "<title>Preparar una prueba · OSCE · Liaison</title>")) << html;
  EXPECT_TRUE(contains(html, "Hay 1 campo que requiere atención.")) << html;
  EXPECT_TRUE(contains(html, R"(id="problems" role="alert")")) << html;
  EXPECT_TRUE(contains(html, R"(id="title-error")")) << html;
  // The labels around the problem are Spanish; what was typed is kept.
  EXPECT_TRUE(contains(html, "<label for=\"title\">Título</label>")) << html;
  EXPECT_TRUE(contains(html, "Plazo de respuesta (horas)")) << html;
  EXPECT_TRUE(contains(html, R"(value="12")")) << html;
  EXPECT_TRUE(contains(html, R"(value="DE" checked> <label for="state-DE">Alemania</label>)"))
      << html;
  EXPECT_TRUE(contains(html, ">Guardar el borrador</button>")) << html;
  EXPECT_TRUE(contains(html, "Todas las pruebas de OSCE")) << html;
  EXPECT_FALSE(contains(html, "need attention"));
  EXPECT_FALSE(contains(html, "Save the draft"));
}

TEST_F(CheckPagesLanguage, TheReportAndAStatesHistoryInChinese) {
  auto id = launched_check("季度通信检查");
  auto report = get("/checks/OSCE/" + id + "/report", {{http::field::accept_language, "zh-CN"}});
  ASSERT_EQ(report.result_int(), 200) << report.body();
  const auto& html = report.body();
  EXPECT_TRUE(contains(html, R"(<html lang="zh" dir="ltr">)")) << html;
  EXPECT_TRUE(contains(html, "<title>季度通信检查 · Liaison</title>")) << html;
  EXPECT_TRUE(contains(html, ">进行中</span>")) << html;
  EXPECT_TRUE(contains(html, "<dt>收件人</dt><dd id=\"tally-recipients\">2</dd>")) << html;
  EXPECT_TRUE(contains(html, "<caption>各国结果</caption>")) << html;
  EXPECT_TRUE(contains(html, ">德国</th>")) << html;
  EXPECT_TRUE(contains(html, ">法国</th>")) << html;
  EXPECT_TRUE(contains(html, ">待作答</span>")) << html;
  EXPECT_TRUE(contains(html, "国家：德国、法国")) << html;
  EXPECT_TRUE(contains(html, "年")) << html;  // ICU's Chinese long date: "2026年12月7日"
  // Printable: no scripts, no forms, no links to download.
  EXPECT_FALSE(contains(html, "<script src"));
  EXPECT_FALSE(contains(html, "下载 CSV"));
  EXPECT_FALSE(contains(html, "Result by state"));
  EXPECT_FALSE(contains(html, "Germany"));

  auto history = get("/directory/OSCE/states/DE/checks", {{http::field::accept_language, "zh-CN"}});
  ASSERT_EQ(history.result_int(), 200) << history.body();
  EXPECT_TRUE(contains(history.body(), "<title>德国 · OSCE · Liaison</title>")) << history.body();
  EXPECT_TRUE(contains(history.body(), "德国对OSCE通信检查的答复情况")) << history.body();
  EXPECT_TRUE(contains(history.body(), "德国的名录条目")) << history.body();
  EXPECT_TRUE(contains(history.body(), ">确认收到</td>")) << history.body();
  EXPECT_FALSE(contains(history.body(), "Acknowledge"));
}

TEST_F(CheckPagesLanguage, AnUnknownCheckIsRefusedInTheReadersLanguage) {
  auto missing = get("/checks/OSCE/0190aaaa-0000-7000-8000-000000000000?lang=fr");
  EXPECT_EQ(missing.result_int(), 404) << missing.body();
  EXPECT_TRUE(contains(missing.body(),
                       "Ce contrôle des communications n’existe pas dans cette organisation."))
      << missing.body();
  EXPECT_TRUE(contains(missing.body(), "Tous les contrôles de l’organisation OSCE"))
      << missing.body();
}

}  // namespace
}  // namespace liaison::testing
