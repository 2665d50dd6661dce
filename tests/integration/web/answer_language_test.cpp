// The answer link's page (/r/TOKEN) in the reader's language, through the real server: the
// browser's Accept-Language, a choice with ?lang= that a cookie keeps, and Arabic right to left.

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/random.h"
#include "services/outbox.h"
#include "support/test_server.h"

namespace liaison::testing {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::vector<std::string> set_cookies(const Response& response) {
  std::vector<std::string> cookies;
  for (auto field = response.find(http::field::set_cookie);
       field != response.end() && field->name() == http::field::set_cookie; ++field)
    cookies.emplace_back(field->value());
  return cookies;
}

std::string cookie_value(const Response& response, std::string_view name) {
  for (const auto& cookie : set_cookies(response)) {
    if (cookie.starts_with(std::string(name) + "="))
      return cookie.substr(name.size() + 1, cookie.find(';') - name.size() - 1);
  }
  return {};
}

class AnswerPageLanguage : public ::testing::Test {
 protected:
  TestServer server_;
  HttpClient client_ = server_.anonymous_client();
  std::string token_ = queue_mail_expecting_an_answer();

  std::string queue_mail_expecting_an_answer() {
    SystemClock clock;
    SystemRandom random;
    services::MailRequest request;
    request.kind = "lockout";
    request.recipient = "poc@example.net";
    request.recipient_name = "Pat Example";
    request.values = {{"failures", 5}, {"address", "198.51.100.77"}, {"until", "2026-03-10 11:00"}};
    request.expects_answer = true;
    auto queued = server_.application().database().transact(
        store::Access::write, [&](store::Connection& connection) {
          return services::queue_mail(connection, clock, random, {}, request);
        });
    EXPECT_TRUE(queued) << queued.error().message;
    auto message = server_.application().mail().message(queued ? *queued : std::string());
    EXPECT_TRUE(message && *message);
    return message && *message ? (*message)->token : std::string();
  }

  Response get(const std::string& target,
               const std::vector<std::pair<http::field, std::string>>& headers = {}) {
    http::fields fields;
    for (const auto& [name, value] : headers)
      fields.set(name, value);
    return client_.get(target, fields);
  }
};

TEST_F(AnswerPageLanguage, ArabicFromTheBrowserIsLaidOutRightToLeft) {
  auto page = get("/r/" + token_, {{http::field::accept_language, "ar-EG, en;q=0.8"}});
  ASSERT_EQ(page.result_int(), 200) << page.body();
  EXPECT_TRUE(contains(page.body(), R"(<html lang="ar" dir="rtl">)")) << page.body();
  EXPECT_TRUE(contains(page.body(), "تأكيد وصول هذه الرسالة إلينا")) << page.body();
  EXPECT_TRUE(contains(page.body(), "<title>الرد · Liaison</title>")) << page.body();
  EXPECT_TRUE(contains(page.body(), "الانتقال إلى المحتوى"));  // the layout's skip link
  EXPECT_FALSE(contains(page.body(), "Confirm that this message reached us"));
  // The browser's language is not a choice: nothing to remember.
  EXPECT_EQ(cookie_value(page, "liaison_lang"), "");
  // The switcher: six languages by their own names, the current one marked.
  EXPECT_TRUE(contains(page.body(),
                       R"(<a href="/r/)" + token_ +
                           R"(?lang=ar" lang="ar" hreflang="ar" aria-current="true">العربية</a>)"))
      << page.body();
  for (auto [code, name] : {std::pair{"zh", "中文"},
                            {"en", "English"},
                            {"fr", "Français"},
                            {"ru", "Русский"},
                            {"es", "Español"}}) {
    EXPECT_TRUE(contains(page.body(), "<a href=\"/r/" + token_ + "?lang=" + code + "\" lang=\"" +
                                          code + "\" hreflang=\"" + code + "\">" + name + "</a>"))
        << code;
  }
}

TEST_F(AnswerPageLanguage, AChoiceWithLangIsRememberedAndWinsOverTheBrowser) {
  auto chosen = get("/r/" + token_ + "?lang=fr", {{http::field::accept_language, "ar"}});
  ASSERT_EQ(chosen.result_int(), 200) << chosen.body();
  EXPECT_TRUE(contains(chosen.body(), R"(<html lang="fr" dir="ltr">)")) << chosen.body();
  EXPECT_TRUE(contains(chosen.body(), "Confirmer que ce message nous est bien parvenu"));
  EXPECT_TRUE(contains(chosen.body(), "«\u00a0Liaison: sign-in to your account")) << chosen.body();
  std::string language_cookie;
  for (const auto& cookie : set_cookies(chosen))
    if (cookie.starts_with("liaison_lang=")) language_cookie = cookie;
  EXPECT_EQ(language_cookie, "liaison_lang=fr; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax");
  // The form's double-submit cookie is still set beside it.
  EXPECT_NE(cookie_value(chosen, "liaison_form"), "");

  // Afterwards the cookie speaks, not the browser's Arabic.
  auto later = get("/r/" + token_, {{http::field::accept_language, "ar"},
                                    {http::field::cookie, "liaison_lang=fr"}});
  ASSERT_EQ(later.result_int(), 200);
  EXPECT_TRUE(contains(later.body(), R"(<html lang="fr" dir="ltr">)")) << later.body();
  EXPECT_TRUE(contains(later.body(), "Confirmer que ce message nous est bien parvenu"));
  EXPECT_EQ(cookie_value(later, "liaison_lang"), "");
  // An unknown choice changes nothing and sets nothing.
  auto unknown = get("/r/" + token_ + "?lang=de", {{http::field::cookie, "liaison_lang=es"}});
  EXPECT_TRUE(contains(unknown.body(), R"(<html lang="es" dir="ltr">)"));
  EXPECT_EQ(cookie_value(unknown, "liaison_lang"), "");
}

TEST_F(AnswerPageLanguage, TheAnswerAndARefusalSpeakTheReadersLanguage) {
  auto page = get("/r/" + token_ + "?lang=ru");
  auto form_token = cookie_value(page, "liaison_form");
  ASSERT_FALSE(form_token.empty());
  http::request<http::string_body> post{http::verb::post, "/r/" + token_, 11};
  post.set(http::field::host, "127.0.0.1");
  post.set(http::field::content_type, "application/x-www-form-urlencoded");
  post.set(http::field::cookie, "liaison_form=" + form_token + "; liaison_lang=ru");
  post.body() = "csrf=" + form_token + "&text=ok";
  post.prepare_payload();
  auto answered = client_.request(post);
  ASSERT_EQ(answered.result_int(), 200) << answered.body();
  EXPECT_TRUE(contains(answered.body(), "Благодарим Вас: Ваш ответ учтён.")) << answered.body();

  auto again = get("/r/" + token_, {{http::field::accept_language, "zh-CN"}});
  EXPECT_TRUE(contains(again.body(), "此链接已使用过")) << again.body();

  auto unknown = get("/r/0123456789abcdef0123456789abcdef?lang=es");
  EXPECT_EQ(unknown.result_int(), 404);
  EXPECT_TRUE(contains(unknown.body(), "Este enlace no es válido")) << unknown.body();
}

}  // namespace
}  // namespace liaison::testing
