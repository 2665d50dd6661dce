// The access pages (sign-in, invitation, one's own sessions and tokens) and the mail pages (the
// operators' /mail, the demo mailbox) in the reader's language, through the application's router:
// Arabic right to left, a role worded in French with the state's French name, a signed-in
// account's sessions and tokens in Russian, the sign-in's refusals in Spanish and the demo
// mailbox with its simulated reply in Chinese.

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "app/application.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/random.h"
#include "base/totp.h"
#include "services/outbox.h"
#include "services/reference_service.h"
#include "support/http_client.h"
#include "support/test_accounts.h"
#include "support/test_database.h"
#include "web/i18n.h"
#include "web/pages/pages.h"
#include "web/router.h"

namespace liaison::testing {
namespace {

using namespace std::chrono_literals;
namespace http = boost::beast::http;
using web::Request;
using web::Response;

constexpr std::string_view kFormToken = "access-language-form-token-0123456789abcdef";

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

//! A signed-in person: the session cookie's secret and the CSRF token its forms carry.
struct SignedIn {
  TestAccount account;
  std::string session_secret;
  std::string csrf_token;
};

class AccessPagesLanguage : public ::testing::Test {
 protected:
  AccessPagesLanguage()
      : database_(Engine::sqlite),
        spool_(std::filesystem::temp_directory_path() /
               fmt::format("liaison-access-language-{}", random_token(random_))) {
    std::filesystem::create_directories(spool_);
    app::MailOptions mail;
    mail.spool_directory = spool_.string();
    mail.demo_mode = true;
    application_ = std::make_unique<app::Application>(
        database_.open_migrated(), 0ms, services::SecuritySettings{}, std::move(mail));
  }

  ~AccessPagesLanguage() override {
    std::error_code ignored;
    std::filesystem::remove_all(spool_, ignored);
  }

  app::Application& application() { return *application_; }

  //! An account made from an invitation, then signed in with the next step's TOTP code (the
  //! acceptance used the current one, which cannot be used twice).
  SignedIn sign_in(const std::string& email, domain::Role role, const std::string& organisation,
                   const std::string& state) {
    services::InvitationRequest request{email, "Person " + email, {role, {}, state}, organisation};
    auto account = create_account(application(), request);
    auto code = totp_code(account.totp_secret, std::chrono::system_clock::now() + 30s).value();
    auto session = application().sessions().sign_in(
        {email, account.password, code, "192.0.2.10", "Access language test"});
    if (!session) throw std::runtime_error(email + ": " + session.error().message);
    return {std::move(account), session->secret, session->csrf_token};
  }

  //! A request as a browser sends it: anonymous with the double-submit form cookie, or with
  //! `person`'s session cookie; `language` as Accept-Language when not empty.
  Request request(http::verb method, const std::string& target, std::string_view language,
                  const SignedIn* person = nullptr, std::string body = {}) {
    Request request{method, target, 11};
    request.set(http::field::host, "liaison.test");
    request.set(http::field::user_agent, "Access language test");
    if (!language.empty()) request.set(http::field::accept_language, language);
    if (person) {
      request.set(http::field::cookie, "liaison_session=" + person->session_secret);
      request.set("X-CSRF-Token", person->csrf_token);
    } else {
      request.set(http::field::cookie, fmt::format("liaison_form={}", kFormToken));
      request.set("X-CSRF-Token", kFormToken);
    }
    if (!body.empty()) request.set(http::field::content_type, "application/x-www-form-urlencoded");
    request.body() = std::move(body);
    request.prepare_payload();
    return request;
  }

  Response dispatch(const Request& request, const std::string& address = "192.0.2.20") {
    auto id = fmt::format("access-language-{}", ++requests_);
    return application()
        .router()
        .dispatch(request, web::RequestOrigin{id, address, false})
        .response;
  }

  Response get(const std::string& target, std::string_view language = {},
               const SignedIn* person = nullptr) {
    return dispatch(request(http::verb::get, target, language, person));
  }

  //! The secret of the link an invitation of a focal point of OSCE for `state` mails.
  std::string invite_focal_point(const std::string& email, const std::string& state) {
    services::InvitationRequest invitation{
        email, "Camille Martin", {domain::Role::focal, {}, state}, "OSCE"};
    auto outcome = application().accounts().invite(services::Actor::command_line(), invitation);
    if (!outcome) throw std::runtime_error(outcome.error().message);
    return outcome->link.substr(outcome->link.rfind('/') + 1);
  }

  SystemRandom random_;
  TestDatabase database_;
  std::filesystem::path spool_;
  std::unique_ptr<app::Application> application_;
  int requests_ = 0;
};

TEST_F(AccessPagesLanguage, TheSignInPageInArabicIsLaidOutRightToLeft) {
  auto page = get("/sign-in?lang=ar");
  ASSERT_EQ(page.result(), http::status::ok) << page.body();
  const auto& body = page.body();
  EXPECT_TRUE(contains(body, R"(<html lang="ar" dir="rtl">)")) << body;
  EXPECT_TRUE(contains(body, "<title>تسجيل الدخول · Liaison</title>")) << body;
  EXPECT_TRUE(contains(body, R"(<label for="email">عنوان البريد الإلكتروني</label>)")) << body;
  EXPECT_TRUE(contains(body, R"(<label for="password">كلمة المرور</label>)")) << body;
  EXPECT_TRUE(contains(body, "الأرقام الستة التي يعرضها تطبيق المصادقة")) << body;
  EXPECT_FALSE(contains(body, "E-mail address"));
  EXPECT_FALSE(contains(body, "authenticator app"));

  // After signing out, from the browser's Arabic.
  auto signed_out = get("/sign-in?signed_out=1", "ar-EG, en;q=0.5");
  EXPECT_TRUE(contains(signed_out.body(), R"(<html lang="ar" dir="rtl">)"));
  EXPECT_TRUE(contains(signed_out.body(), "تم تسجيل خروجك.")) << signed_out.body();

  // English stays as it was, for the browser tests' labels.
  auto english = get("/sign-in", "en");
  EXPECT_TRUE(contains(english.body(), R"(<label for="email">E-mail address</label>)"));
  EXPECT_TRUE(contains(english.body(), R"(<html lang="en" dir="ltr">)"));
}

TEST_F(AccessPagesLanguage, AnInvitationInFrenchWordsTheRoleWithTheStatesFrenchName) {
  auto secret = invite_focal_point("camille.martin@example.org", "DE");
  auto page = get("/invitations/" + secret, "fr-FR, fr;q=0.9, en;q=0.5");
  ASSERT_EQ(page.result(), http::status::ok) << page.body();
  const auto& body = page.body();
  EXPECT_TRUE(contains(body, R"(<html lang="fr" dir="ltr">)")) << body;
  EXPECT_TRUE(contains(body, "<h1>Accepter votre invitation</h1>")) << body;
  // The role in French, with Germany's French name, in bold.
  EXPECT_TRUE(contains(body,
                       "Camille Martin, une invitation vous est adressée en tant que "
                       "<strong>point focal (État\u00a0: Allemagne) au sein de l’organisation "
                       "OSCE</strong>."))
      << body;
  EXPECT_TRUE(contains(body,
                       "Votre compte utilisera l’adresse "
                       "<strong>camille.martin@example.org</strong>."));
  EXPECT_TRUE(contains(body, "expire le ")) << body;
  EXPECT_TRUE(contains(body, "<h2>1. Choisissez un mot de passe</h2>"));
  EXPECT_TRUE(contains(body, "<h2>2. Ajoutez Liaison à votre application d’authentification</h2>"));
  // The QR code's text alternative and the key's label.
  EXPECT_TRUE(
      contains(body, R"(aria-label="Code QR de la clé pour votre application d’authentification")"))
      << body;
  EXPECT_TRUE(contains(body, "<p>Clé\u00a0: <code id=\"totp-secret\""));
  EXPECT_FALSE(contains(body, "you are invited as"));
  EXPECT_FALSE(contains(body, "focal point"));

  // The service's password rule, in French beside the form.
  auto short_password = dispatch(
      request(http::verb::post, "/invitations/" + secret, "fr", nullptr,
              form_body({{"csrf", kFormToken}, {"password", "court"}, {"code", "123456"}})));
  EXPECT_EQ(short_password.result(), http::status::bad_request) << short_password.body();
  EXPECT_TRUE(
      contains(short_password.body(), "Le mot de passe doit comporter au moins 12 caractères."))
      << short_password.body();

  // A link that leads nowhere.
  auto unknown = get("/invitations/0123456789abcdef0123456789abcdef?lang=fr");
  EXPECT_EQ(unknown.result(), http::status::not_found);
  EXPECT_TRUE(contains(unknown.body(), "Ce lien d’invitation n’est pas valide")) << unknown.body();
  EXPECT_TRUE(contains(unknown.body(), R"(<a href="/sign-in">Aller à la page de connexion</a>)"));
}

TEST_F(AccessPagesLanguage, TheWebSideDescribesGrantsInEachLanguage) {
  // The English wording with the code stays for the services and the audit log.
  domain::RoleGrant focal{domain::Role::focal, {}, "FR"};
  EXPECT_EQ(domain::describe_grant(focal, "OSCE"), "focal point for FR in OSCE");
  auto invited = create_account(
      application(), {"focal.fr@example.org", "Focal FR", {domain::Role::focal, {}, "FR"}, "OSCE"});
  ASSERT_EQ(invited.principal.grants.size(), 1u);
  const auto& grant = invited.principal.grants.front();
  SystemClock clock;
  services::ReferenceService reference(application().database(), clock, 0ms);
  EXPECT_EQ(web::describe_grant(grant, reference), "focal point for FR in OSCE");
  EXPECT_EQ(web::describe_grant(grant, reference, domain::Language::english),
            "focal point for France in OSCE");
  EXPECT_EQ(web::describe_grant(grant, reference, domain::Language::spanish),
            "punto focal de Francia en OSCE");
  EXPECT_EQ(web::describe_grant(grant, reference, domain::Language::chinese), "法国在OSCE的协调人");
  EXPECT_EQ(web::describe_grant(grant, reference, domain::Language::arabic),
            "جهة تنسيق عن فرنسا في OSCE");
  EXPECT_EQ(
      web::describe_grant({domain::Role::operator_, {}, {}}, reference, domain::Language::russian),
      "оператор этого экземпляра");
}

TEST_F(AccessPagesLanguage, SessionsAndTokensInRussianForASignedInAccount) {
  auto person = sign_in("poc.ru@example.org", domain::Role::poc, "OSCE", "DE");
  auto issued =
      application().sessions().issue_token({person.account.principal, "192.0.2.10"}, "сценарий",
                                           {domain::TokenScope::read_directory}, 24h);
  ASSERT_TRUE(issued) << issued.error().message;

  auto sessions = get("/account/sessions", "ru", &person);
  ASSERT_EQ(sessions.result(), http::status::ok) << sessions.body();
  const auto& body = sessions.body();
  EXPECT_TRUE(contains(body, R"(<html lang="ru" dir="ltr">)"));
  EXPECT_TRUE(contains(body, "<title>Сеансы · Liaison</title>")) << body;
  EXPECT_TRUE(contains(body, "<caption>Где выполнен вход</caption>"));
  EXPECT_TRUE(
      contains(body, R"(<th scope="col">Вход</th><th scope="col">Последняя активность</th>)"));
  EXPECT_TRUE(contains(body, "Этот сеанс"));
  EXPECT_TRUE(contains(body, R"(<button type="submit" id="sign-out-everywhere">)"
                             "Выйти на всех устройствах</button>"));
  // The session's start as Russian writes dates, in the account's time zone (UTC: none chosen).
  auto listed = application().sessions().sessions({person.account.principal, "192.0.2.10"});
  ASSERT_TRUE(listed && listed->size() == 1);
  const auto started =
      web::format_date_time(domain::Language::russian, listed->front().created_at, "UTC");
  EXPECT_TRUE(contains(body, "<tr><td>" + started + "</td>")) << started << "\n" << body;
  EXPECT_FALSE(contains(body, "Sign out everywhere"));

  auto tokens = get("/account/tokens?lang=ru", {}, &person);
  ASSERT_EQ(tokens.result(), http::status::ok) << tokens.body();
  const auto& page = tokens.body();
  EXPECT_TRUE(contains(page, "<title>Токены API · Liaison</title>")) << page;
  EXPECT_TRUE(contains(page, "<caption>Ваши токены API</caption>"));
  EXPECT_TRUE(contains(page, "<td>никогда</td>")) << page;
  EXPECT_TRUE(contains(page, "Отозвать сценарий</button>")) << page;
  // The scopes the account may use, described in Russian.
  EXPECT_TRUE(contains(page,
                       "<code dir=\"ltr\">read_directory</code>: Чтение организаций, их "
                       "членов и справочника"))
      << page;
  EXPECT_FALSE(contains(page, "Read organisations, members and the directory"));

  // A refused token says why in Russian.
  auto refused = dispatch(request(
      http::verb::post, "/account/tokens?lang=ru", {}, &person,
      form_body({{"csrf", person.csrf_token}, {"name", "пусто"}, {"expires_in_days", "30"}})));
  EXPECT_EQ(refused.result(), http::status::bad_request) << refused.body();
  EXPECT_TRUE(contains(refused.body(), "Выберите хотя бы одну область доступа.")) << refused.body();
}

TEST_F(AccessPagesLanguage, AWrongPasswordAndThenTooManyInSpanish) {
  auto person = sign_in("poc.es@example.org", domain::Role::poc, "OSCE", "DE");
  auto attempt = [&](std::string_view password) {
    auto code = totp_code(person.account.totp_secret, std::chrono::system_clock::now()).value();
    return dispatch(request(http::verb::post, "/sign-in", "es-419, es;q=0.9", nullptr,
                            form_body({{"csrf", kFormToken},
                                       {"next", "/"},
                                       {"email", person.account.email},
                                       {"password", password},
                                       {"code", code}})));
  };
  auto wrong = attempt("not the right password at all");
  EXPECT_EQ(wrong.result(), http::status::unauthorized) << wrong.body();
  EXPECT_TRUE(contains(wrong.body(), R"(<html lang="es" dir="ltr">)"));
  EXPECT_TRUE(contains(wrong.body(), "<h1>Iniciar sesión</h1>")) << wrong.body();
  EXPECT_TRUE(contains(wrong.body(),
                       "La dirección de correo electrónico, la contraseña o el "
                       "código no son correctos."))
      << wrong.body();
  EXPECT_FALSE(contains(wrong.body(), "is wrong"));
  // The address typed is kept.
  EXPECT_TRUE(contains(wrong.body(), R"(value="poc.es@example.org")"));

  // The account's fifth failure blocks it for a minute: the time in Spanish, in UTC.
  for (int failures = 2; failures <= 5; ++failures)
    EXPECT_EQ(attempt("still not the password").result(), http::status::unauthorized);
  auto throttled = attempt("still not the password");
  EXPECT_EQ(throttled.result(), http::status::too_many_requests) << throttled.body();
  EXPECT_TRUE(
      contains(throttled.body(), "Demasiados intentos fallidos. Vuelva a intentarlo después del "))
      << throttled.body();
  EXPECT_TRUE(
      std::regex_search(throttled.body(), std::regex("después del \\d{1,2} de [a-z]+ de \\d{4}")))
      << throttled.body();
  EXPECT_FALSE(contains(throttled.body(), "Too many failed attempts"));
}

TEST_F(AccessPagesLanguage, TheDemoMailboxAndTheMailPageInChinese) {
  auto operator_ = sign_in("operator.zh@example.org", domain::Role::operator_, "", "");
  // A mail in the outbox and, as the spool transport would have written it, in the spool.
  SystemClock clock;
  services::MailRequest mail;
  mail.kind = "lockout";
  mail.recipient = "poc@example.net";
  mail.recipient_name = "Pat Example";
  mail.values = {{"failures", 5}, {"address", "198.51.100.77"}, {"until", "2026-03-10 11:00"}};
  mail.expects_answer = true;
  auto queued =
      application().database().transact(store::Access::write, [&](store::Connection& connection) {
        return services::queue_mail(connection, clock, random_, {}, mail);
      });
  ASSERT_TRUE(queued) << queued.error().message;
  std::ofstream(spool_ / (*queued + ".eml")) << "Subject: lockout\r\n\r\nbody\r\n";

  auto mailbox = get("/demo/mailbox", "zh-CN, zh;q=0.9", &operator_);
  ASSERT_EQ(mailbox.result(), http::status::ok) << mailbox.body();
  const auto& body = mailbox.body();
  EXPECT_TRUE(contains(body, R"(<html lang="zh" dir="ltr">)"));
  EXPECT_TRUE(contains(body, "<title>演示邮箱 · Liaison</title>")) << body;
  EXPECT_TRUE(
      contains(body, "此演示实例不发送邮件：每封邮件都写入 <code>" + spool_.string() + "</code>。"))
      << body;
  EXPECT_TRUE(contains(body, "<caption>写入缓存目录的邮件，最新的在前</caption>"));
  EXPECT_TRUE(contains(body, "<td>登录锁定</td>")) << body;  // the kind of mail
  EXPECT_FALSE(contains(body, "Demo mailbox"));

  auto message = get("/demo/mailbox/" + *queued + "?lang=zh", {}, &operator_);
  ASSERT_EQ(message.result(), http::status::ok) << message.body();
  EXPECT_TRUE(contains(message.body(), "<h2>以收件人身份回复</h2>")) << message.body();
  EXPECT_TRUE(contains(message.body(), ">已收到，谢谢。</textarea>"));
  EXPECT_TRUE(contains(message.body(), "<summary>写入缓存目录时的邮件原文</summary>"));

  // "Simulate a reply": the reply arrives, and the mailbox says so in Chinese.
  auto replied = dispatch(request(http::verb::post, "/demo/mailbox/" + *queued + "/reply", "zh",
                                  &operator_, form_body({{"csrf", operator_.csrf_token}})));
  ASSERT_EQ(replied.result(), http::status::see_other) << replied.body();
  auto notice = get(std::string(replied[http::field::location]), "zh", &operator_);
  EXPECT_TRUE(contains(notice.body(), "已收到您的回复：请在邮件页面的“收到的邮件”下查看。"))
      << notice.body();

  // The operators' mail page: the outbox, and the reply among the inbound mail.
  auto page = get("/mail?lang=zh", {}, &operator_);
  ASSERT_EQ(page.result(), http::status::ok) << page.body();
  const auto& queue = page.body();
  EXPECT_TRUE(contains(queue, "<title>邮件 · Liaison</title>")) << queue;
  EXPECT_TRUE(contains(queue, "<h2>发件箱</h2>"));
  EXPECT_TRUE(contains(queue, "<p class=\"counts\">待发送 ")) << queue;
  EXPECT_TRUE(contains(queue, " · 已发送 0 · 失败 0 · 已退回 0</p>")) << queue;
  EXPECT_TRUE(contains(queue, "<caption>消息：全部，最新的在前</caption>"));
  EXPECT_TRUE(contains(queue, R"(<span class="badge pending">待发送</span>)"));
  EXPECT_TRUE(contains(queue, R"(<span class="badge reply">回复</span>)")) << queue;
  EXPECT_TRUE(contains(queue, "<td>已匹配</td>")) << queue;  // the reply's token
  EXPECT_TRUE(contains(queue, "<p class=\"empty\">尚无地址被退信。</p>"));
  EXPECT_FALSE(contains(queue, "Outbox"));

  auto sent = get("/mail?status=sent&lang=zh", {}, &operator_);
  EXPECT_TRUE(contains(sent.body(), "<p class=\"empty\">没有消息（已发送）。</p>")) << sent.body();
}

}  // namespace
}  // namespace liaison::testing
