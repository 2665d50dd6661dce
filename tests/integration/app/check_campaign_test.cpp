// A communication check campaign end to end, through the real `liaison` binary and real mail
// peers: the invitations go by SMTP to tests/support/smtp_sink.py, the points of contact answer
// by the personal link (HTTP form with its double-submit cookie) or by mail delivered with swaks
// over LMTP, some addresses bounce (RFC 3464 DSNs made from tests/fixtures/mail), one
// out-of-office auto-reply and one stranger's reply come in, and the results (JSON API and the
// secretariat's HTML page) show exactly what was done. A bilateral check has one pair of states
// exchange their codes and another fail.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "base/totp.h"
#include "support/app_harness.h"
#include "support/http_client.h"
#include "support/process.h"
#include "support/test_database.h"

namespace liaison::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

constexpr std::string_view kPublicUrl = "https://liaison.example.org";
constexpr std::string_view kMailDomain = "example.org";
const std::string kSecretariat = "secretariat@osce.example";
const std::string kPassword = "correct horse battery staple";

const fs::path kFixtures = tests_directory() / "fixtures" / "mail";

// --- HTTP as a browser and as a script ---------------------------------------------------------

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string body;
  for (const auto& [name, value] : fields) {
    if (!body.empty()) body += '&';
    for (const auto* part : {&name, &value}) {
      for (char each : *part) {
        auto c = static_cast<unsigned char>(each);
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
          body += static_cast<char>(c);
        } else {
          body += '%';
          body += kHex[c >> 4];
          body += kHex[c & 15];
        }
      }
      if (part == &name) body += '=';
    }
  }
  return body;
}

// The value of the first `name="…" value="…"` input of a page; empty when absent.
std::string input_value(const std::string& html, const std::string& name) {
  std::smatch match;
  std::regex pattern("name=\"" + name + "\" value=\"([^\"]*)\"");
  return std::regex_search(html, match, pattern) ? match[1].str() : std::string();
}

// The text of the element with id `id` (`<dd id="tally-bounced">8</dd>` gives "8").
std::string element_text(const std::string& html, const std::string& id) {
  std::smatch match;
  std::regex pattern("id=\"" + id + "\"[^>]*>([^<]*)<");
  return std::regex_search(html, match, pattern) ? match[1].str() : std::string("(missing)");
}

// One client per request: the server may close an idle keep-alive connection between steps.
class Http {
 public:
  explicit Http(std::uint16_t port) : port_(port) {}

  Response send(http::request<http::string_body> request) const {
    HttpClient client("127.0.0.1", port_);
    return client.request(std::move(request));
  }
  Response get(const std::string& target, const std::string& authorization = {},
               const std::string& cookies = {}) const {
    http::request<http::string_body> request{http::verb::get, target, 11};
    if (!authorization.empty()) request.set(http::field::authorization, authorization);
    if (!cookies.empty()) request.set(http::field::cookie, cookies);
    return send(std::move(request));
  }
  Response post_json(const std::string& target, const std::string& authorization,
                     const json::value& body) const {
    http::request<http::string_body> request{http::verb::post, target, 11};
    request.set(http::field::authorization, authorization);
    request.set(http::field::content_type, "application/json");
    request.body() = json::serialize(body);
    return send(std::move(request));
  }
  Response post_form(const std::string& target, const std::string& cookies,
                     const std::vector<std::pair<std::string, std::string>>& fields) const {
    http::request<http::string_body> request{http::verb::post, target, 11};
    if (!cookies.empty()) request.set(http::field::cookie, cookies);
    request.set(http::field::content_type, "application/x-www-form-urlencoded");
    request.body() = form_encode(fields);
    return send(std::move(request));
  }

 private:
  std::uint16_t port_;
};

// "name=value" of the response's first Set-Cookie whose name contains `part` ("session" finds
// the session cookie under its plain and its __Host- name); empty when it sets none.
std::string set_cookie(const Response& response, std::string_view part) {
  for (auto [it, end] = response.equal_range(http::field::set_cookie); it != end; ++it) {
    std::string value(it->value());
    auto pair = value.substr(0, value.find(';'));
    auto equals = pair.find('=');
    if (equals != std::string::npos && pair.substr(0, equals).find(part) != std::string::npos)
      return pair;
  }
  return {};
}

// An anonymous form (invitation, sign-in, answer link) as shown: its double-submit cookie
// ("liaison_form=…") and the hidden token that must equal it.
struct Form {
  std::string target;
  std::string cookie;
  std::string csrf;
  std::string page;
};

Form open_form(const Http& http, const std::string& target) {
  auto shown = http.get(target);
  EXPECT_EQ(shown.result(), http::status::ok) << target << "\n" << shown.body();
  Form form{target, set_cookie(shown, "liaison_form"), input_value(shown.body(), "csrf"),
            shown.body()};
  EXPECT_FALSE(form.cookie.empty()) << target;
  EXPECT_FALSE(form.csrf.empty()) << target;
  return form;
}

Response submit(const Http& http, const Form& form,
                std::vector<std::pair<std::string, std::string>> fields) {
  fields.emplace_back("csrf", form.csrf);
  return http.post_form(form.target, form.cookie, fields);
}

// --- mail in by LMTP ---------------------------------------------------------------------------

// One message to the LMTP listener with swaks; `data` (a file) or a body with headers.
ProcessResult lmtp(int port, const std::string& from, const std::string& to,
                   std::vector<std::string> extra) {
  std::vector<std::string> arguments = {
      "/usr/bin/swaks",     "--protocol", "LMTP", "--server", "127.0.0.1", "--port",
      std::to_string(port), "--from",     from,   "--to",     to,          "--suppress-data"};
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  return run_process(std::move(arguments), {});
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// Postfix's DSN from the fixtures, for our message `message_id` to `address`, returned to the
// VERP address of `token`: Status 5.1.1.
std::string dsn_for(const std::string& token, const std::string& address,
                    const std::string& message_id, int number) {
  auto dsn = read_file(kFixtures / "bounce_postfix.eml");
  EXPECT_FALSE(dsn.empty()) << "missing fixture bounce_postfix.eml";
  replace_all(dsn, "<0190aaaa-bbbb@liaison.example.org>", message_id);
  replace_all(dsn, "bounce+AbC123@liaison.example.org", "bounce+" + token + "@example.org");
  replace_all(dsn, "reply+AbC123@liaison.example.org", "reply+" + token + "@example.org");
  replace_all(dsn, "cert.poc@MFA.example", address);
  replace_all(dsn, "cert.poc@mfa.example", address);
  replace_all(dsn, "<20261207090212.4Xy7Lq1FpNz1xyz@mail.mfa.example>",
              "<dsn-" + std::to_string(number) + "-" + token + "@mail.mfa.example>");
  return dsn;
}

// --- what the sink received --------------------------------------------------------------------

struct Invitation {
  std::string address;        // envelope recipient
  std::string token;          // from Reply-To: reply+TOKEN@
  std::string envelope_from;  // VERP: bounce+TOKEN@
  std::string reply_to;
  std::string message_id;
  std::string subject;
  std::string text;  // the whole message with soft line breaks removed
};

// The invitations at the sink whose subject contains `title`, by recipient address.
std::map<std::string, Invitation> invitations(const fs::path& sink, const std::string& title) {
  std::map<std::string, Invitation> found;
  for (const auto& file : messages_in(sink)) {
    auto message = read_file(file);
    Invitation invitation;
    invitation.subject = header_value(message, "Subject");
    if (invitation.subject.find(title) == std::string::npos) continue;
    invitation.address = header_value(message, "X-Envelope-To");
    invitation.message_id = header_value(message, "Message-ID");
    invitation.envelope_from = header_value(message, "X-Envelope-From");
    invitation.reply_to = header_value(message, "Reply-To");
    const auto& reply_to = invitation.reply_to;
    auto start = reply_to.find("reply+");
    auto at = reply_to.find('@', start);
    if (start != std::string::npos && at != std::string::npos)
      invitation.token = reply_to.substr(start + 6, at - start - 6);
    invitation.text = unfold_soft_breaks(message);
    EXPECT_FALSE(found.contains(invitation.address)) << "two invitations to " << invitation.address;
    found[invitation.address] = std::move(invitation);
  }
  return found;
}

// --- the directory -----------------------------------------------------------------------------

// Ten OSCE participating States, five points of contact each: the first at policy level, the
// others technical. Addresses poc<N>.<cc>@example.<cc>.
const std::vector<std::string> kStates = {"AT", "BE", "DE", "ES", "FI",
                                          "FR", "IT", "NL", "PL", "SE"};
constexpr int kPocsPerState = 5;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string poc_address(const std::string& state, int number) {
  return "poc" + std::to_string(number) + "." + lower(state) + "@example." + lower(state);
}

const json::object* find_by(const json::array& items, std::string_view key,
                            std::string_view value) {
  for (const auto& item : items)
    if (item.as_object().at(key).as_string() == value) return &item.as_object();
  return nullptr;
}

std::int64_t tally(const json::object& tally, std::string_view name) {
  return tally.at(name).as_int64();
}

class CheckCampaignTest : public ::testing::Test {
 protected:
  CheckCampaignTest() : home_(make_short_directory()) {
    fs::create_directories(home_ / "gnupg");
    ::chmod((home_ / "gnupg").c_str(), 0700);
    environment_ = {{"LIAISON_DATABASE", database_.url()},
                    {"LIAISON_LISTEN", "127.0.0.1:0"},
                    {"LIAISON_ACCESS_LOG", "false"},
                    {"LIAISON_PUBLIC_URL", std::string(kPublicUrl)},
                    {"LIAISON_MAIL_FROM", "liaison@" + std::string(kMailDomain)},
                    {"LIAISON_GNUPG_HOME", (home_ / "gnupg").string()},
                    {"LIAISON_CACHE_MILLISECONDS", "100"}};
  }
  ~CheckCampaignTest() override {
    stop_server();
    if (sink_) sink_->stop();
    std::error_code ec;
    fs::remove_all(home_, ec);
  }

  // Migrates, starts the sink and the server (SMTP to the sink, LMTP on a free port), makes the
  // OSCE secretariat's account through its invitation page (password and TOTP enrolment) and
  // issues it an API token with the scopes run_checks and write_directory.
  void SetUp() override {
    auto migrated = liaison({"migrate"}, environment_);
    ASSERT_EQ(migrated.exit_code, 0) << migrated.errors;
    auto invited = liaison({"admin", "create-secretariat", "--email", kSecretariat, "--name",
                            "Sam Secretariat", "--org", "OSCE"},
                           environment_);
    ASSERT_EQ(invited.exit_code, 0) << invited.errors;
    auto link = invited.output.substr(0, invited.output.find('\n'));
    ASSERT_TRUE(link.starts_with(std::string(kPublicUrl) + "/invitations/")) << link;

    sink_ = std::make_unique<Sink>(home_ / "sink");
    lmtp_port_ = free_port();
    auto environment = environment_;
    environment["LIAISON_SMTP_URL"] = sink_->url();
    environment["LIAISON_LMTP_LISTEN"] = "127.0.0.1:" + std::to_string(lmtp_port_);
    server_ =
        std::make_unique<Process>(std::vector<std::string>{LIAISON_BINARY, "serve"}, environment);
    auto line = server_->wait_for_error_line("serving", 60s);
    ASSERT_TRUE(line) << server_->finish(10s).errors;
    auto port = serving_port(*line);
    ASSERT_NE(port, 0) << *line;
    http_ = std::make_unique<Http>(port);
    // The LMTP listener may come up just after the HTTP one.
    ASSERT_TRUE(wait_until([&] { return accepting(lmtp_port_); }, 10s));

    // The invitation page: a password and the first TOTP code of the enrolment secret shown.
    auto invitation = open_form(*http_, link.substr(kPublicUrl.size()));
    std::smatch match;
    ASSERT_TRUE(
        std::regex_search(invitation.page, match, std::regex("id=\"totp-secret\"[^>]*>([^<]*)<")))
        << invitation.page;
    totp_secret_ = match[1].str();
    std::erase(totp_secret_, ' ');
    auto step = totp_step(std::chrono::system_clock::now());
    auto code = totp_code_for_step(totp_secret_, step);
    ASSERT_TRUE(code);
    auto accepted = submit(*http_, invitation, {{"password", kPassword}, {"code", *code}});
    ASSERT_EQ(accepted.result(), http::status::ok) << accepted.body();
    last_totp_step_ = step;

    auto issued = liaison({"admin", "issue-token", "--email", kSecretariat, "--scope", "run_checks",
                           "--scope", "write_directory", "--name", "campaign test"},
                          environment_);
    ASSERT_EQ(issued.exit_code, 0) << issued.errors;
    auto token = issued.output.substr(0, issued.output.find('\n'));
    ASSERT_TRUE(token.starts_with("lia_")) << issued.output;
    bearer_ = "Bearer " + token;
  }

  void stop_server() {
    if (!server_) return;
    server_->signal(SIGTERM);
    auto result = server_->finish(20s);
    EXPECT_EQ(result.exit_code, 0) << result.errors;
    server_.reset();
  }

  // The secretariat's browser session ("name=value" for a Cookie header), signed in with the
  // next unused TOTP step.
  std::string sign_in() {
    auto step = std::max(last_totp_step_ + 1, totp_step(std::chrono::system_clock::now()));
    auto code = totp_code_for_step(totp_secret_, step);
    EXPECT_TRUE(code);
    if (!code) return {};
    auto signed_in =
        submit(*http_, open_form(*http_, "/sign-in"),
               {{"email", kSecretariat}, {"password", kPassword}, {"code", *code}, {"next", "/"}});
    EXPECT_EQ(signed_in.result(), http::status::see_other) << signed_in.body();
    last_totp_step_ = step;
    auto cookie = set_cookie(signed_in, "session");
    EXPECT_FALSE(cookie.empty()) << signed_in.body();
    return cookie;
  }

  // Rows of a read-only query on the server's database.
  store::Rows query(const std::string& sql, std::vector<store::Value> parameters = {}) {
    auto database = database_.open();
    auto rows = database->transact(store::Access::read, [&](store::Connection& connection) {
      return connection.query(sql, parameters);
    });
    if (!rows) throw std::runtime_error("query failed: " + rows.error().message);
    return *rows;
  }

  json::value api_get(const std::string& target) {
    auto response = http_->get(target, bearer_);
    EXPECT_EQ(response.result(), http::status::ok) << target << "\n" << response.body();
    return json_of(response);
  }
  json::value api_post(const std::string& target, const json::value& body,
                       http::status expected = http::status::ok) {
    auto response = http_->post_json(target, bearer_, body);
    EXPECT_EQ(response.result(), expected) << target << "\n" << response.body();
    return json_of(response);
  }

  // Creates PoCs 1 to `per_state` of each state (PoC 1 at policy level, the others technical);
  // returns the entry ids by address.
  std::map<std::string, std::string> create_entries(const std::vector<std::string>& states,
                                                    int per_state) {
    std::map<std::string, std::string> ids;
    for (const auto& state : states) {
      for (int number = 1; number <= per_state; ++number) {
        auto address = poc_address(state, number);
        json::object body{{"state", state},
                          {"level", number == 1 ? "policy" : "technical"},
                          {"reason", "nominated for the campaign test"},
                          {"contact",
                           {{"name", "PoC " + std::to_string(number) + " of " + state},
                            {"functional_email", address}}}};
        auto created = api_post("/api/v1/organisations/OSCE/entries", body, http::status::created);
        if (!created.is_object()) continue;
        ids[address] = std::string(created.as_object().at("id").as_string());
        EXPECT_EQ(created.as_object().at("verified_at"), nullptr);
      }
    }
    return ids;
  }

  // Creates and launches a check; returns its id.
  std::string launch(json::object plan) {
    auto created = api_post("/api/v1/organisations/OSCE/checks", plan, http::status::created);
    if (!created.is_object()) return {};
    auto id = std::string(created.as_object().at("id").as_string());
    EXPECT_EQ(created.as_object().at("status"), "draft");
    auto launched = api_post("/api/v1/checks/" + id + "/launch", json::object{});
    EXPECT_EQ(launched.as_object().at("status"), "running") << launched;
    return id;
  }

  // Waits until the sink holds `count` invitations of the check titled `title`.
  std::map<std::string, Invitation> wait_for_invitations(const std::string& title,
                                                         std::size_t count) {
    EXPECT_TRUE(
        wait_until([&] { return invitations(sink_->directory(), title).size() >= count; }, 30s))
        << invitations(sink_->directory(), title).size() << " of " << count << " arrived";
    // Only a sent message can bounce: the sink has a message before the sender records the 250.
    EXPECT_TRUE(wait_until(
        [&] {
          return query("SELECT count(*) FROM outbox WHERE status <> 'sent'").at(0).integer(0) == 0;
        },
        10s));
    return invitations(sink_->directory(), title);
  }

  // The recipient answers at its personal link: GET (changes nothing), then the form's POST.
  void answer_by_link(const Invitation& invitation, const std::string& text) {
    auto link = std::string(kPublicUrl) + "/r/" + invitation.token;
    EXPECT_NE(invitation.text.find(link), std::string::npos) << invitation.text;
    auto answered = submit(*http_, open_form(*http_, "/r/" + invitation.token), {{"text", text}});
    EXPECT_EQ(answered.result(), http::status::ok) << answered.body();
    EXPECT_NE(answered.body().find("your answer is recorded"), std::string::npos)
        << answered.body();
  }

  // A mail to reply+TOKEN@ by LMTP, from `from`, with extra header lines.
  void reply_by_mail(const Invitation& invitation, const std::string& from, const std::string& body,
                     std::vector<std::string> headers = {}) {
    std::vector<std::string> extra = {"--header",
                                      "Subject: Re: " + invitation.subject,
                                      "--header",
                                      "Message-Id: <reply-" + std::to_string(++mails_) + "@" +
                                          from.substr(from.find('@') + 1) + ">",
                                      "--header",
                                      "In-Reply-To: " + invitation.message_id,
                                      "--body",
                                      body};
    for (const auto& header : headers) {
      extra.push_back("--header");
      extra.push_back(header);
    }
    auto sent = lmtp(lmtp_port_, from, "reply+" + invitation.token + "@example.org", extra);
    EXPECT_EQ(sent.exit_code, 0) << sent.output << sent.errors;
    EXPECT_NE(sent.output.find("<-  250 "), std::string::npos) << sent.output;
  }

  // The recipient's mail server returns the invitation: a DSN to bounce+TOKEN@ with 5.1.1.
  void bounce(const Invitation& invitation) {
    auto file = home_ / ("dsn-" + std::to_string(++mails_) + ".eml");
    std::ofstream(file, std::ios::binary)
        << dsn_for(invitation.token, invitation.address, invitation.message_id, mails_);
    auto sent = lmtp(lmtp_port_, "<>", "bounce+" + invitation.token + "@example.org",
                     {"--data", "@" + file.string()});
    EXPECT_EQ(sent.exit_code, 0) << sent.output << sent.errors;
  }

  TestDatabase database_{Engine::sqlite};
  fs::path home_;
  Environment environment_;
  std::unique_ptr<Sink> sink_;
  std::unique_ptr<Process> server_;
  std::unique_ptr<Http> http_;
  int lmtp_port_ = 0;
  std::string bearer_;
  std::string totp_secret_;
  std::int64_t last_totp_step_ = 0;
  int mails_ = 0;
};

// How each state's five points of contact act in the acknowledgement campaign.
enum class Act {
  link,        // answers at its personal link
  mail,        // replies by mail from its own address
  colleague,   // PoC 2 of the same state replies to this PoC's mail from its own address
  bounce,      // its mail server returns the invitation (5.1.1)
  auto_reply,  // an out-of-office answers
  stranger,    // someone not listed replies to its mail
  silent,
};

TEST_F(CheckCampaignTest, FiftyPocsInTenStatesAnswerBounceOrStaySilent) {
  auto entries = create_entries(kStates, kPocsPerState);
  ASSERT_EQ(entries.size(), 50u);

  const std::string title = "Autumn reachability campaign";
  auto id = launch({{"title", title},
                    {"task", "acknowledge"},
                    {"window_hours", 24},
                    {"escalate", false},
                    {"target",
                     {{"states", json::array(kStates.begin(), kStates.end())},
                      {"levels", {"policy", "technical"}}}}});
  ASSERT_FALSE(id.empty());
  auto mails = wait_for_invitations(title, 50);
  ASSERT_EQ(mails.size(), 50u);
  std::set<std::string> tokens;
  for (const auto& [address, invitation] : mails) {
    EXPECT_TRUE(entries.contains(address)) << address;
    EXPECT_FALSE(invitation.token.empty()) << address;
    EXPECT_EQ(invitation.envelope_from, "bounce+" + invitation.token + "@example.org");
    EXPECT_NE(invitation.reply_to.find("reply+" + invitation.token + "@example.org"),
              std::string::npos)
        << invitation.reply_to;
    EXPECT_NE(invitation.text.find(std::string(kPublicUrl) + "/r/" + invitation.token),
              std::string::npos)
        << address;
    tokens.insert(invitation.token);
  }
  EXPECT_EQ(tokens.size(), 50u) << "every recipient has a token of its own";

  // The plan: per state, what its PoCs 1..5 do.
  const std::map<std::string, std::vector<Act>> plan = {
      {"AT", {Act::link, Act::link, Act::link, Act::link, Act::link}},
      {"DE", {Act::mail, Act::mail, Act::mail, Act::mail, Act::mail}},
      {"FR", {Act::bounce, Act::bounce, Act::bounce, Act::bounce, Act::bounce}},
      {"IT", {Act::link, Act::silent, Act::link, Act::colleague, Act::silent}},
      {"ES", {Act::mail, Act::mail, Act::bounce, Act::silent, Act::silent}},
      {"FI", {Act::link, Act::mail, Act::bounce, Act::silent, Act::silent}},
      {"PL", {Act::silent, Act::auto_reply, Act::silent, Act::silent, Act::silent}},
      {"SE", {Act::silent, Act::silent, Act::stranger, Act::silent, Act::silent}},
      {"BE", {Act::silent, Act::silent, Act::silent, Act::silent, Act::bounce}},
      {"NL", {Act::silent, Act::silent, Act::silent, Act::silent, Act::silent}},
  };
  std::map<Act, int> planned;
  for (const auto& [state, acts] : plan) {
    for (int number = 1; number <= kPocsPerState; ++number) {
      auto act = acts[static_cast<std::size_t>(number - 1)];
      ++planned[act];
      const auto& invitation = mails.at(poc_address(state, number));
      switch (act) {
        case Act::link:
          answer_by_link(invitation, "Received, " + state + " is reachable.");
          break;
        case Act::mail:
          reply_by_mail(invitation, invitation.address, "Received, all well here in " + state);
          break;
        case Act::bounce:
          bounce(invitation);
          break;
        case Act::colleague:
          reply_by_mail(invitation, poc_address(state, 2),
                        "My colleague is away; we received the check.");
          break;
        case Act::auto_reply:
          reply_by_mail(invitation, invitation.address,
                        "I am out of the office until Monday and will read your mail then.",
                        {"Auto-Submitted: auto-replied"});
          break;
        case Act::stranger:
          reply_by_mail(invitation, "curious.colleague@elsewhere.example",
                        "Received, although I am not listed.");
          break;
        case Act::silent:
          break;
      }
    }
  }
  ASSERT_EQ(planned[Act::link], 8);
  ASSERT_EQ(planned[Act::mail], 8);
  ASSERT_EQ(planned[Act::colleague], 1);
  ASSERT_EQ(planned[Act::bounce], 8);
  ASSERT_EQ(planned[Act::auto_reply], 1);
  ASSERT_EQ(planned[Act::stranger], 1);
  ASSERT_EQ(planned[Act::silent], 23);

  // The JSON results: exactly what was done (the deadline is 24 h away: the rest is pending).
  auto results = api_get("/api/v1/checks/" + id + "/results");
  ASSERT_TRUE(results.is_object());
  const auto& all = results.at("all").as_object();
  EXPECT_EQ(tally(all, "recipients"), 50);
  EXPECT_EQ(tally(all, "responded"), 17);  // 8 by link + 8 by mail + 1 by a listed colleague
  EXPECT_EQ(tally(all, "completed"), 17);  // acknowledging is the whole task
  EXPECT_EQ(tally(all, "late"), 0);
  EXPECT_EQ(tally(all, "bounced"), 8);
  EXPECT_EQ(tally(all, "auto_replied"), 1);
  EXPECT_EQ(tally(all, "pending"), 25);  // 23 silent + the auto-reply + the stranger's reply
  EXPECT_EQ(tally(all, "no_answer"), 0);
  EXPECT_EQ(tally(results.at("by_level").at("policy").as_object(), "recipients"), 10);
  EXPECT_EQ(tally(results.at("by_level").at("technical").as_object(), "recipients"), 40);

  struct Expected {
    std::string result;
    std::int64_t responded, bounced, auto_replied, pending;
  };
  const std::map<std::string, Expected> by_state = {
      {"AT", {"answered", 5, 0, 0, 0}}, {"DE", {"answered", 5, 0, 0, 0}},
      {"FR", {"bounced", 0, 5, 0, 0}},  {"IT", {"answered", 3, 0, 0, 2}},
      {"ES", {"answered", 2, 1, 0, 2}}, {"FI", {"answered", 2, 1, 0, 2}},
      {"PL", {"pending", 0, 0, 1, 5}},  {"SE", {"pending", 0, 0, 0, 5}},
      {"BE", {"pending", 0, 1, 0, 4}},  {"NL", {"pending", 0, 0, 0, 5}},
  };
  const auto& states = results.at("states").as_array();
  EXPECT_EQ(states.size(), 10u);
  for (const auto& [state, expected] : by_state) {
    SCOPED_TRACE(state);
    const auto* line = find_by(states, "state", state);
    ASSERT_NE(line, nullptr);
    EXPECT_EQ(line->at("result"), expected.result.c_str());
    const auto& t = line->at("tally").as_object();
    EXPECT_EQ(tally(t, "recipients"), 5);
    EXPECT_EQ(tally(t, "responded"), expected.responded);
    EXPECT_EQ(tally(t, "bounced"), expected.bounced);
    EXPECT_EQ(tally(t, "auto_replied"), expected.auto_replied);
    EXPECT_EQ(tally(t, "pending"), expected.pending);
  }

  // Per recipient: how it answered, and nothing for the stranger's reply or the auto-reply.
  const auto& recipients = results.at("recipients").as_array();
  ASSERT_EQ(recipients.size(), 50u);
  for (const auto& [state, acts] : plan) {
    for (int number = 1; number <= kPocsPerState; ++number) {
      auto address = poc_address(state, number);
      SCOPED_TRACE(address);
      const auto* r = find_by(recipients, "address", address);
      ASSERT_NE(r, nullptr);
      auto act = acts[static_cast<std::size_t>(number - 1)];
      bool by_mail = act == Act::mail || act == Act::colleague;
      EXPECT_EQ(r->at("answer_channel"), act == Act::link ? json::value("link")
                                         : by_mail        ? json::value("mail")
                                                          : json::value(nullptr));
      EXPECT_EQ(r->at("answer_from"),
                act == Act::link || act == Act::mail ? json::value(address.c_str())
                : act == Act::colleague              ? json::value(poc_address(state, 2).c_str())
                                                     : json::value(nullptr));
      EXPECT_EQ(r->at("bounced_at").is_string(), act == Act::bounce);
      EXPECT_EQ(r->at("auto_reply_at").is_string(), act == Act::auto_reply);
      if (act == Act::bounce) {
        EXPECT_NE(std::string(r->at("bounce_detail").as_string()).find("5.1.1"), std::string::npos);
      }
    }
  }

  // Every mail that came in was matched and recorded against its recipient; the stranger's
  // reply and the auto-reply do not count.
  auto responses = query(
      "SELECT channel, kind, counted, count(*) FROM check_responses WHERE check_id = $1 "
      "GROUP BY channel, kind, counted ORDER BY channel, kind, counted",
      {id});
  std::vector<std::string> grouped;
  for (const auto& row : responses)
    grouped.push_back(row.text(0) + "/" + row.text(1) + "/" + std::to_string(row.integer(2)) +
                      ": " + std::to_string(row.integer(3)));
  EXPECT_EQ(grouped,
            (std::vector<std::string>{"link/answer/1: 8", "mail/answer/0: 1", "mail/answer/1: 9",
                                      "mail/auto_reply/0: 1", "mail/bounce/0: 8"}));
  auto stranger = query(
      "SELECT r.address, s.from_address, s.note FROM check_responses s JOIN check_recipients r "
      "ON r.id = s.recipient_id WHERE s.check_id = $1 AND s.kind = 'answer' AND s.counted = 0",
      {id});
  ASSERT_EQ(stranger.size(), 1u);
  EXPECT_EQ(stranger[0].text(0), poc_address("SE", 3));
  EXPECT_EQ(stranger[0].text(1), "curious.colleague@elsewhere.example");
  EXPECT_EQ(stranger[0].text(2), "not from a listed point of contact of SE");
  // The bounced invitations and their addresses are marked.
  auto undeliverable =
      query("SELECT address, status FROM undeliverable_addresses ORDER BY address");
  std::set<std::string> bounced_addresses;
  for (const auto& row : undeliverable) {
    EXPECT_EQ(row.text(1), "5.1.1") << row.text(0);
    bounced_addresses.insert(row.text(0));
  }
  std::set<std::string> planned_bounces;
  for (const auto& [state, acts] : plan)
    for (int number = 1; number <= kPocsPerState; ++number)
      if (acts[static_cast<std::size_t>(number - 1)] == Act::bounce)
        planned_bounces.insert(poc_address(state, number));
  EXPECT_EQ(bounced_addresses, planned_bounces);
  EXPECT_EQ(query("SELECT count(*) FROM outbox WHERE status = 'bounced'").at(0).integer(0), 8);
  EXPECT_EQ(
      query("SELECT count(*) FROM inbound_mail WHERE token_status <> 'matched'").at(0).integer(0),
      0);

  // "Last verified reachable": exactly the entries whose PoC answered.
  auto listed = api_get("/api/v1/organisations/OSCE/entries");
  const auto& listed_entries = listed.at("entries").as_array();
  int verified = 0;
  for (const auto& [state, acts] : plan) {
    for (int number = 1; number <= kPocsPerState; ++number) {
      auto address = poc_address(state, number);
      SCOPED_TRACE(address);
      const auto* entry = find_by(listed_entries, "id", entries.at(address));
      ASSERT_NE(entry, nullptr);
      auto act = acts[static_cast<std::size_t>(number - 1)];
      // An answer marks the entry whose mailbox it proves: the addressee's, or the listed
      // colleague's (PoC 2) that sent it for PoC 4.
      bool colleague_answered_from_here =
          number == 2 && std::find(acts.begin(), acts.end(), Act::colleague) != acts.end();
      bool answered = act == Act::link || act == Act::mail || colleague_answered_from_here;
      EXPECT_EQ(entry->at("verified_at").is_string(), answered) << entry->at("verified_at");
      verified += entry->at("verified_at").is_string();
    }
  }
  EXPECT_EQ(verified, 17);

  // The secretariat's results page shows the same numbers.
  auto session = sign_in();
  ASSERT_FALSE(session.empty());
  auto page = http_->get("/checks/OSCE/" + id, {}, session);
  ASSERT_EQ(page.result(), http::status::ok) << page.body();
  const std::map<std::string, std::string> shown = {
      {"tally-recipients", "50"}, {"tally-responded", "17"}, {"tally-completed", "17"},
      {"tally-late", "0"},        {"tally-bounced", "8"},    {"tally-auto-replied", "1"},
      {"tally-pending", "25"},    {"tally-no-answer", "0"}};
  for (const auto& [element, number] : shown)
    EXPECT_EQ(element_text(page.body(), element), number) << element;
}

TEST_F(CheckCampaignTest, BilateralPairOneCompletesOneFails) {
  const std::vector<std::string> states = {"AT", "DE", "FR", "IT"};
  auto entries = create_entries(states, 2);  // a policy and a technical PoC each
  ASSERT_EQ(entries.size(), 8u);

  const std::string title = "Bilateral code exchange";
  auto id = launch({{"title", title},
                    {"task", "bilateral"},
                    {"window_hours", 24},
                    {"escalate", false},
                    {"pairing_seed", "campaign-test"},
                    {"target",
                     {{"states", json::array(states.begin(), states.end())},
                      {"levels", {"policy", "technical"}}}}});
  ASSERT_FALSE(id.empty());
  auto mails = wait_for_invitations(title, 8);
  ASSERT_EQ(mails.size(), 8u);

  // Each mail tells the state's own code and names its partner; both PoCs of a state get the
  // same code and partner.
  std::map<std::string, std::string> code_of, partner_of;
  std::regex code_pattern("Your state's code is ([A-Z0-9]{4}-[A-Z0-9]{4})");
  std::regex partner_pattern("Your partner is [^(]*\\(([A-Z]{2})\\)");
  for (const auto& state : states) {
    for (int number = 1; number <= 2; ++number) {
      const auto& text = mails.at(poc_address(state, number)).text;
      std::smatch code, partner;
      ASSERT_TRUE(std::regex_search(text, code, code_pattern)) << text;
      ASSERT_TRUE(std::regex_search(text, partner, partner_pattern)) << text;
      if (number == 1) {
        code_of[state] = code[1].str();
        partner_of[state] = partner[1].str();
      } else {
        EXPECT_EQ(code[1].str(), code_of[state]);
        EXPECT_EQ(partner[1].str(), partner_of[state]);
      }
    }
  }
  // Two mutual pairs.
  for (const auto& state : states) {
    ASSERT_NE(partner_of[state], state);
    ASSERT_EQ(partner_of[partner_of[state]], state) << state;
  }
  std::set<std::string> codes;
  for (const auto& [state, code] : code_of)
    codes.insert(code);
  EXPECT_EQ(codes.size(), 4u);

  // The pair of AT completes: AT's technical PoC replies by mail with the partner's code, the
  // partner's policy PoC submits AT's code at its link (typed loosely: lower case, a space).
  const std::string a = "AT", b = partner_of["AT"];
  std::string c, d;
  for (const auto& state : states)
    if (state != a && state != b) (c.empty() ? c : d) = state;
  reply_by_mail(mails.at(poc_address(a, 2)), poc_address(a, 2),
                "Hello, the code of " + b + " is " + code_of[b] + ". Best regards");
  auto typed = lower(code_of[a]);
  std::replace(typed.begin(), typed.end(), '-', ' ');
  answer_by_link(mails.at(poc_address(b, 1)), typed);
  // The other pair fails: C's policy PoC sends its own state's code instead of D's; D is silent.
  reply_by_mail(mails.at(poc_address(c, 1)), poc_address(c, 1),
                "Our code is " + code_of[c] + ", I think that is what you need.");

  auto results = api_get("/api/v1/checks/" + id + "/results");
  ASSERT_TRUE(results.is_object());
  const auto& all = results.at("all").as_object();
  EXPECT_EQ(tally(all, "recipients"), 8);
  EXPECT_EQ(tally(all, "responded"), 3);
  EXPECT_EQ(tally(all, "completed"), 2);
  EXPECT_EQ(tally(all, "bounced"), 0);
  EXPECT_EQ(tally(all, "pending"), 5);

  const auto& lines = results.at("states").as_array();
  for (const auto& state : states) {
    SCOPED_TRACE(state);
    const auto* line = find_by(lines, "state", state);
    ASSERT_NE(line, nullptr);
    EXPECT_EQ(line->at("partner"), partner_of[state].c_str());
    bool completed = state == a || state == b;
    EXPECT_EQ(line->at("leg_completed_at").is_string(), completed) << line->at("leg_completed_at");
  }
  EXPECT_EQ(find_by(lines, "state", a)->at("result"), "answered");
  EXPECT_EQ(find_by(lines, "state", b)->at("result"), "answered");
  // A state's result counts answers, not completed tasks: the wrong code still reads "answered"
  // there; the verdict and the missing leg tell the failure.
  EXPECT_EQ(find_by(lines, "state", c)->at("result"), "answered");
  EXPECT_EQ(find_by(lines, "state", d)->at("result"), "pending");

  const auto& recipients = results.at("recipients").as_array();
  auto verdict = [&](const std::string& state, int number) {
    const auto* r = find_by(recipients, "address", poc_address(state, number));
    return r ? r->at("verdict") : json::value("(no such recipient)");
  };
  EXPECT_EQ(verdict(a, 2), "accepted");
  EXPECT_EQ(verdict(b, 1), "accepted");
  EXPECT_EQ(verdict(c, 1), "rejected");
  EXPECT_EQ(verdict(a, 1), nullptr);
  EXPECT_EQ(verdict(b, 2), nullptr);
  EXPECT_EQ(verdict(c, 2), nullptr);
  EXPECT_EQ(verdict(d, 1), nullptr);
  EXPECT_EQ(verdict(d, 2), nullptr);

  auto session = sign_in();
  ASSERT_FALSE(session.empty());
  auto page = http_->get("/checks/OSCE/" + id, {}, session);
  ASSERT_EQ(page.result(), http::status::ok) << page.body();
  const std::map<std::string, std::string> shown = {
      {"tally-recipients", "8"}, {"tally-responded", "3"}, {"tally-completed", "2"},
      {"tally-late", "0"},       {"tally-bounced", "0"},   {"tally-auto-replied", "0"},
      {"tally-pending", "5"},    {"tally-no-answer", "0"}};
  for (const auto& [element, number] : shown)
    EXPECT_EQ(element_text(page.body(), element), number) << element;
}

}  // namespace
}  // namespace liaison::testing
