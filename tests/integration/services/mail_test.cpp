// The mail system over the real store, on both engines, in simulated time (a ManualClock):
// queueing inside the transaction of its cause, the recipient's language and the TLP rule,
// claims and the retry schedule, the outbox sender against a real SMTP sink
// (tests/support/smtp_sink.py), inbound replies, bounces and auto-replies, and the operators' view.

#include "domain/mail.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <signal.h>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/random.h"
#include "jobs/outbox_sender.h"
#include "mail/inbound_pipeline.h"
#include "mail/transport.h"
#include "services/directory_service.h"
#include "services/mail_service.h"
#include "services/outbox.h"
#include "services/reference_service.h"
#include "store/engines.h"
#include "store/outbox_store.h"
#include "support/process.h"
#include "support/result_assertions.h"

namespace liaison::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using domain::Role;
using domain::RoleGrant;
using services::Actor;
using services::DeliveryReport;
using Outcome = services::DeliveryReport::Outcome;

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

bool is_lower_hex(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string read_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

std::vector<std::string> files_in(const fs::path& directory) {
  std::vector<std::string> contents;
  if (!fs::exists(directory)) return contents;
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(directory))
    if (entry.path().extension() == ".eml") paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths)
    contents.push_back(read_file(path));
  return contents;
}

// tests/support/smtp_sink.py as a child process (as tests/integration/mail/transport_test.cpp
// starts it): its port from the line it writes on stderr.
class Sink {
 public:
  explicit Sink(const fs::path& directory, std::vector<std::string> options = {}) {
    const auto script = fs::path(LIAISON_SOURCE_DIR) / "tests" / "support" / "smtp_sink.py";
    std::vector<std::string> arguments = {
        "/usr/bin/python3", script.string(), "--port", "0", "--dir", directory.string()};
    arguments.insert(arguments.end(), options.begin(), options.end());
    process_ = std::make_unique<Process>(arguments, std::map<std::string, std::string>{});
    auto line = process_->wait_for_error_line("listening on 127.0.0.1:", 20s);
    if (!line) {
      auto result = process_->finish(5s);
      throw std::runtime_error("the SMTP sink did not start: " + result.errors);
    }
    port_ = std::stoi(line->substr(line->rfind(':') + 1));
  }

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  std::string stop() {
    process_->signal(SIGTERM);
    auto result = process_->finish(10s);
    EXPECT_EQ(result.exit_code, 0) << result.errors;
    return result.errors;
  }

 private:
  std::unique_ptr<Process> process_;
  int port_ = 0;
};

class Mail : public StoreTest {
 protected:
  void SetUp() override {
    database = database_.open_migrated();
    reference = std::make_unique<services::ReferenceService>(*database, clock, 0ms);
    directory = std::make_unique<services::DirectoryService>(*database, clock, random, *reference);
    mail = std::make_unique<services::MailService>(*database, clock, random, "sender-a",
                                                   "example.org");
    auto members = reference->members("OSCE");
    ASSERT_TRUE(members) << members.error().message;
    osce = (*members)->organisation.id;
  }

  static Actor actor(std::string id, std::vector<RoleGrant> grants) {
    return {domain::Principal{std::move(id), std::move(grants), {}}, "192.0.2.10"};
  }
  static Actor operator_() { return actor("operator", {{Role::operator_, {}, {}}}); }
  Actor secretariat() const { return actor("secretariat-osce", {{Role::secretariat, osce, {}}}); }
  Actor focal(const std::string& state) const {
    return actor("focal-" + state, {{Role::focal, osce, state}});
  }

  static services::MailRequest lockout(std::string recipient,
                                       domain::Tlp tlp = domain::Tlp::clear) {
    services::MailRequest request;
    request.kind = "lockout";
    request.recipient = std::move(recipient);
    request.recipient_name = "Pat Example";
    request.values = {{"failures", 5}, {"address", "198.51.100.77"}, {"until", "2025-03-10 11:00"}};
    request.tlp = tlp;
    request.expects_answer = true;
    return request;
  }

  std::string queue(services::MailRequest request) {
    auto queued = database->transact(store::Access::write, [&](store::Connection& connection) {
      return services::queue_mail(connection, clock, random, identity, request);
    });
    EXPECT_TRUE(queued) << queued.error().message;
    return queued ? *queued : std::string();
  }

  store::OutboxMessage row(const std::string& id) {
    auto found = mail->message(id);
    EXPECT_TRUE(found) << found.error().message;
    if (!found || !*found) {
      ADD_FAILURE() << "no outbox row " << id;
      return {};
    }
    return **found;
  }

  std::vector<store::OutboxMessage> claim(services::MailService& service) {
    auto claimed = service.claim(50);
    EXPECT_TRUE(claimed) << claimed.error().message;
    return claimed ? *claimed : std::vector<store::OutboxMessage>{};
  }

  static std::vector<std::string> ids(const std::vector<store::OutboxMessage>& messages) {
    std::vector<std::string> result;
    for (const auto& message : messages)
      result.push_back(message.id);
    std::sort(result.begin(), result.end());
    return result;
  }

  void record(const store::OutboxMessage& message, Outcome outcome, std::string detail = {}) {
    auto recorded = mail->record_delivery(message, {outcome, std::move(detail)});
    ASSERT_TRUE(recorded) << recorded.error().message;
  }

  //! Queues a mail to `recipient` and has it sent; returns the row as sent.
  store::OutboxMessage sent_to(const std::string& recipient) {
    auto id = queue(lockout(recipient));
    for (const auto& message : claim(*mail))
      if (message.id == id) record(message, Outcome::sent, "250 OK");
    auto sent = row(id);
    EXPECT_EQ(sent.status, "sent");
    return sent;
  }

  services::InboundOutcome receive(const std::string& raw, std::vector<std::string> recipients,
                                   std::string mail_from = "sender@example.net") {
    mail::InboundEnvelope envelope{std::move(mail_from), std::move(recipients)};
    auto received = mail::receive_mail(raw, envelope, *mail, nullptr);
    EXPECT_TRUE(received) << received.error().message;
    return received ? *received : services::InboundOutcome{};
  }

  std::int64_t count(const std::string& sql, std::vector<store::Value> parameters = {}) {
    auto rows = database->transact(store::Access::read, [&](store::Connection& connection) {
      return connection.query(sql, parameters);
    });
    EXPECT_TRUE(rows) << rows.error().message;
    return rows ? rows->front().integer(0) : -1;
  }

  ManualClock clock{at("2025-03-10T10:00:00Z")};
  SystemRandom random;
  services::MailIdentity identity;
  std::unique_ptr<store::Database> database;
  std::unique_ptr<services::ReferenceService> reference;
  std::unique_ptr<services::DirectoryService> directory;
  std::unique_ptr<services::MailService> mail;
  std::string osce;
};

std::string reply(const std::string& from, const std::string& to, const std::string& message_id,
                  const std::string& extra_headers = {}) {
  return "From: Pat Example <" + from + ">\r\nTo: " + to +
         "\r\nSubject: Re: your message\r\nDate: Mon, 10 Mar 2025 10:30:00 +0000\r\nMessage-ID: <" +
         message_id + ">\r\n" + extra_headers +
         "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThank you, "
         "noted.\r\n\r\n> quoted original\r\n";
}

std::string delivery_status_notification(const std::string& token, const std::string& recipient,
                                         const std::string& outbox_id) {
  return "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\n"
         "To: bounce+" +
         token +
         "@example.org\r\n"
         "Subject: Undelivered Mail Returned to Sender\r\n"
         "Date: Mon, 10 Mar 2025 10:31:00 +0000\r\n"
         "Message-ID: <dsn-" +
         outbox_id +
         "@mx.example.net>\r\n"
         "Auto-Submitted: auto-replied\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: multipart/report; report-type=delivery-status; boundary=\"BOUNDARY\"\r\n"
         "\r\n"
         "--BOUNDARY\r\n"
         "Content-Type: text/plain; charset=us-ascii\r\n"
         "\r\n"
         "Your message could not be delivered to one or more recipients.\r\n"
         "\r\n"
         "--BOUNDARY\r\n"
         "Content-Type: message/delivery-status\r\n"
         "\r\n"
         "Reporting-MTA: dns; mx.example.net\r\n"
         "\r\n"
         "Final-Recipient: rfc822; " +
         recipient +
         "\r\n"
         "Action: failed\r\n"
         "Status: 5.1.1\r\n"
         "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
         "\r\n"
         "--BOUNDARY\r\n"
         "Content-Type: text/rfc822-headers\r\n"
         "\r\n"
         "From: Liaison <liaison@example.org>\r\n"
         "To: " +
         recipient +
         "\r\n"
         "Message-ID: <" +
         outbox_id +
         "@example.org>\r\n"
         "\r\n"
         "--BOUNDARY--\r\n";
}

// ---- 1. queue_mail ----

TEST_P(Mail, QueuesAPendingMessageWithAFreshTokenForSixtyDays) {
  auto id = queue(lockout("nobody@example.net"));
  ASSERT_FALSE(id.empty());
  auto message = row(id);
  EXPECT_EQ(message.status, "pending");
  EXPECT_EQ(message.kind, "lockout");
  EXPECT_EQ(message.recipient, "nobody@example.net");
  EXPECT_EQ(message.attempts, 0);
  EXPECT_EQ(message.token.size(), 32u);
  EXPECT_TRUE(is_lower_hex(message.token)) << message.token;
  EXPECT_EQ(message.created_at, format_utc(clock.now()));
  EXPECT_EQ(message.token_expires_at, format_utc(clock.now() + std::chrono::days{60}));
  EXPECT_TRUE(message.expects_answer);
  // Unknown to the directory: English, in clear, as asked.
  EXPECT_EQ(message.language, "en");
  EXPECT_EQ(message.tlp, "clear");
  EXPECT_TRUE(message.encrypt_key.empty());
  EXPECT_TRUE(contains(message.body, "198.51.100.77")) << message.body;
  EXPECT_TRUE(contains(message.body, "Pat Example")) << message.body;

  // Two mails never share a token.
  auto other = row(queue(lockout("nobody@example.net")));
  EXPECT_NE(other.token, message.token);
}

TEST_P(Mail, WritesInTheLanguageTheDirectoryListsForTheRecipient) {
  domain::Contact contact;
  contact.name = "Marie Dupont";
  contact.institution = "ANSSI";
  contact.functional_email = "marie.dupont@example.fr";
  contact.languages = {"fr"};
  auto created =
      directory->create(focal("FR"), "OSCE", "FR", domain::Level::technical, contact, {});
  ASSERT_TRUE(created) << created.error().message;

  auto message = row(queue(lockout("Marie.Dupont@example.fr")));
  EXPECT_EQ(message.language, "fr");
  EXPECT_TRUE(contains(message.subject, "la connexion à votre compte")) << message.subject;
  EXPECT_TRUE(contains(message.body, "Bonjour")) << message.body;

  EXPECT_EQ(row(queue(lockout("someone.else@example.fr"))).language, "en");
}

TEST_P(Mail, WithholdsAmberContentFromAnAddressWithoutKey) {
  auto message = row(queue(lockout("nokey@example.net", domain::Tlp::amber)));
  EXPECT_EQ(message.tlp, "clear");
  EXPECT_EQ(message.kind, "lockout");
  EXPECT_TRUE(message.encrypt_key.empty());
  EXPECT_EQ(message.subject, "Liaison: a message is waiting for you");
  EXPECT_TRUE(contains(message.body, "TLP:AMBER")) << message.body;
  EXPECT_TRUE(contains(message.body, "Pat Example")) << message.body;
  // Nothing of the original content.
  for (const auto* text : {&message.subject, &message.body, &message.html}) {
    EXPECT_FALSE(contains(*text, "198.51.100.77")) << *text;
    EXPECT_FALSE(contains(*text, "blocked")) << *text;
  }

  auto red = row(queue(lockout("nokey@example.net", domain::Tlp::red)));
  EXPECT_TRUE(contains(red.body, "TLP:RED")) << red.body;
  EXPECT_EQ(red.tlp, "clear");
  // GREEN is not withheld.
  auto green = row(queue(lockout("nokey@example.net", domain::Tlp::green)));
  EXPECT_EQ(green.tlp, "green");
  EXPECT_TRUE(contains(green.body, "198.51.100.77")) << green.body;
}

TEST_P(Mail, ARolledBackTransactionLeavesNoMail) {
  std::string queued_id;
  auto rolled_back =
      database->transact(store::Access::write, [&](store::Connection& connection) -> Result<void> {
        auto id = services::queue_mail(connection, clock, random, identity,
                                       lockout("rollback@example.net"));
        if (!id) return id.error();
        queued_id = *id;
        return Error::conflict("the cause of the mail failed");
      });
  ASSERT_TRUE(fails_with(rolled_back, ErrorCode::conflict));
  ASSERT_FALSE(queued_id.empty());
  auto found = mail->message(queued_id);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_FALSE(*found);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 0);
}

// ---- 2. claims and the retry schedule ----

TEST_P(Mail, ASentMessageIsDone) {
  auto id = queue(lockout("poc@example.net"));
  auto claimed = claim(*mail);
  ASSERT_EQ(ids(claimed), std::vector<std::string>{id});
  record(claimed.front(), Outcome::sent, "250 2.0.0 OK");
  auto message = row(id);
  EXPECT_EQ(message.status, "sent");
  EXPECT_EQ(message.sent_at, format_utc(clock.now()));
  clock.advance(std::chrono::hours{1});
  EXPECT_TRUE(claim(*mail).empty());
}

TEST_P(Mail, ATemporaryFailureWaitsAMinuteThenLonger) {
  auto id = queue(lockout("poc@example.net"));
  auto claimed = claim(*mail);
  ASSERT_EQ(claimed.size(), 1u);
  record(claimed.front(), Outcome::temporary, "451 4.7.1 greylisted");

  auto message = row(id);
  EXPECT_EQ(message.status, "pending");
  EXPECT_EQ(message.attempts, 1);
  EXPECT_EQ(message.last_error, "451 4.7.1 greylisted");
  EXPECT_EQ(message.next_attempt_at, format_utc(clock.now() + 1min));

  EXPECT_TRUE(claim(*mail).empty());
  clock.advance(59s);
  EXPECT_TRUE(claim(*mail).empty());
  clock.advance(1s);
  claimed = claim(*mail);
  ASSERT_EQ(ids(claimed), std::vector<std::string>{id});

  // The second temporary failure waits two minutes.
  record(claimed.front(), Outcome::temporary, "421 try later");
  message = row(id);
  EXPECT_EQ(message.attempts, 2);
  EXPECT_EQ(message.next_attempt_at, format_utc(clock.now() + 2min));
  clock.advance(2min);
  claimed = claim(*mail);
  ASSERT_EQ(ids(claimed), std::vector<std::string>{id});
  record(claimed.front(), Outcome::sent, "250 OK");
  EXPECT_EQ(row(id).status, "sent");
}

TEST_P(Mail, GivesUpAfterFiveDays) {
  auto id = queue(lockout("poc@example.net"));
  clock.advance(domain::kGiveUpAfter);
  auto claimed = claim(*mail);
  ASSERT_EQ(claimed.size(), 1u);
  record(claimed.front(), Outcome::temporary, "451 still greylisted");
  auto message = row(id);
  EXPECT_EQ(message.status, "failed");
  EXPECT_TRUE(contains(message.last_error, "gave up")) << message.last_error;
  EXPECT_TRUE(contains(message.last_error, "451 still greylisted")) << message.last_error;
  clock.advance(std::chrono::hours{24});
  EXPECT_TRUE(claim(*mail).empty());
}

TEST_P(Mail, APermanentFailureFailsAtOnce) {
  auto id = queue(lockout("poc@example.net"));
  auto claimed = claim(*mail);
  ASSERT_EQ(claimed.size(), 1u);
  record(claimed.front(), Outcome::permanent, "550 5.1.1 no such user");
  auto message = row(id);
  EXPECT_EQ(message.status, "failed");
  EXPECT_EQ(message.last_error, "550 5.1.1 no such user");
  clock.advance(std::chrono::hours{24});
  EXPECT_TRUE(claim(*mail).empty());
}

TEST_P(Mail, AClaimIsHeldFromOtherSendersUntilItExpiresOrIsReleased) {
  services::MailService other(*database, clock, random, "sender-b", "example.org");
  auto first = queue(lockout("one@example.net"));
  ASSERT_EQ(ids(claim(*mail)), std::vector<std::string>{first});
  EXPECT_TRUE(claim(other).empty());
  EXPECT_TRUE(claim(*mail).empty());  // not twice to the same sender either
  clock.advance(domain::kDeliveryClaim - 1s);
  EXPECT_TRUE(claim(other).empty());
  clock.advance(1s);
  EXPECT_EQ(ids(claim(other)), std::vector<std::string>{first});

  // A sender that starts again gives back what it held: another sender takes it at once.
  auto second = queue(lockout("two@example.net"));
  ASSERT_EQ(ids(claim(*mail)), std::vector<std::string>{second});
  EXPECT_TRUE(claim(other).empty());
  auto released = mail->release_own_claims();
  ASSERT_TRUE(released) << released.error().message;
  EXPECT_EQ(*released, 1);
  EXPECT_EQ(ids(claim(other)), std::vector<std::string>{second});
}

// ---- 3. the outbox sender against a real SMTP sink ----

class MailSink : public Mail {
 protected:
  void SetUp() override {
    Mail::SetUp();
    spool = make_temp_directory("liaison-mail-sink");
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(spool, ignored);
  }

  std::unique_ptr<jobs::OutboxSender> sender_to(const Sink& sink) {
    mail::SmtpSettings settings;
    settings.url = sink.url();
    settings.helo_name = "liaison.test";
    settings.timeout = 10s;
    return std::make_unique<jobs::OutboxSender>(
        *mail, std::make_unique<mail::SmtpTransport>(settings),
        mail::SenderIdentity{"Liaison", "liaison@example.org"}, nullptr,
        jobs::OutboxSender::Options{});
  }

  std::int64_t drain(jobs::OutboxSender& sender) {
    auto drained = sender.drain();
    EXPECT_TRUE(drained) << drained.error().message;
    return drained ? *drained : -1;
  }

  fs::path spool;
};

TEST_P(MailSink, DeliversEveryDueMessageWithItsIdAndBounceAddress) {
  Sink sink(spool / "mail");
  std::vector<std::string> queued;
  for (int i = 0; i < 5; ++i)
    queued.push_back(queue(lockout("poc" + std::to_string(i) + "@example.net")));
  auto sender = sender_to(sink);
  EXPECT_EQ(drain(*sender), 5);
  EXPECT_EQ(drain(*sender), 0);
  sender.reset();
  auto summary = sink.stop();
  EXPECT_TRUE(contains(summary, "accepted=5")) << summary;

  auto files = files_in(spool / "mail");
  ASSERT_EQ(files.size(), 5u);
  for (const auto& id : queued) {
    auto message = row(id);
    EXPECT_EQ(message.status, "sent") << message.last_error;
    EXPECT_EQ(message.attempts, 1);
    auto file = std::find_if(files.begin(), files.end(), [&](const std::string& content) {
      return contains(content, "Message-ID: <" + id + "@example.org>");
    });
    ASSERT_NE(file, files.end()) << "no file with the Message-ID of " << id;
    EXPECT_TRUE(contains(*file, "X-Envelope-From: bounce+" + message.token + "@example.org\r\n"))
        << file->substr(0, 200);
    EXPECT_TRUE(contains(*file, "X-Envelope-To: " + message.recipient + "\r\n"))
        << file->substr(0, 200);
  }
}

TEST_P(MailSink, AGreylistedMessageIsSentOnTheNextAttempt) {
  Sink sink(spool / "mail", {"--fail-first", "1", "--fail-code", "451"});
  auto id = queue(lockout("poc@example.net"));
  auto sender = sender_to(sink);

  EXPECT_EQ(drain(*sender), 1);
  auto message = row(id);
  EXPECT_EQ(message.status, "pending");
  EXPECT_EQ(message.attempts, 1);
  EXPECT_TRUE(contains(message.last_error, "451")) << message.last_error;
  EXPECT_TRUE(contains(message.last_error, "try again later")) << message.last_error;
  EXPECT_EQ(message.next_attempt_at, format_utc(clock.now() + 1min));
  EXPECT_EQ(drain(*sender), 0);

  clock.advance(1min);
  EXPECT_EQ(drain(*sender), 1);
  message = row(id);
  EXPECT_EQ(message.status, "sent") << message.last_error;
  sender.reset();
  auto summary = sink.stop();
  EXPECT_TRUE(contains(summary, "accepted=1")) << summary;
  EXPECT_TRUE(contains(summary, "failed=1")) << summary;
  EXPECT_EQ(files_in(spool / "mail").size(), 1u);
}

// ---- 4. inbound mail ----

TEST_P(Mail, AReplyToTheReplyAddressIsMatched) {
  auto sent = sent_to("poc@example.net");
  auto to = "reply+" + sent.token + "@example.org";
  auto outcome = receive(reply("poc@example.net", to, "r1@example.net"), {to});
  EXPECT_TRUE(outcome.recorded);
  EXPECT_FALSE(outcome.id.empty());
  EXPECT_EQ(outcome.token_status, "matched");
  EXPECT_EQ(outcome.outbox_id, sent.id);

  auto inbound = mail->inbound(operator_(), "reply", 10);
  ASSERT_TRUE(inbound) << inbound.error().message;
  ASSERT_EQ(inbound->size(), 1u);
  EXPECT_EQ(inbound->front().outbox_id, sent.id);
  EXPECT_EQ(inbound->front().from_address, "poc@example.net");
  EXPECT_EQ(inbound->front().message_id, "r1@example.net");
  EXPECT_TRUE(contains(inbound->front().body, "Thank you")) << inbound->front().body;
}

TEST_P(Mail, AReplyWithoutTokenIsMatchedByInReplyTo) {
  auto sent = sent_to("poc@example.net");
  auto outcome = receive(reply("poc@example.net", "liaison@example.org", "r2@example.net",
                               "In-Reply-To: <" + sent.id + "@example.org>\r\n"),
                         {"liaison@example.org"});
  EXPECT_TRUE(outcome.recorded);
  EXPECT_EQ(outcome.token_status, "matched");
  EXPECT_EQ(outcome.outbox_id, sent.id);
}

TEST_P(Mail, AnUnknownTokenIsRecordedAsSuch) {
  auto to = std::string("reply+0123456789abcdef0123456789abcdef@example.org");
  auto outcome = receive(reply("stranger@example.net", to, "r3@example.net"), {to});
  EXPECT_TRUE(outcome.recorded);
  EXPECT_EQ(outcome.token_status, "unknown");
  EXPECT_TRUE(outcome.outbox_id.empty());
  auto inbound = mail->inbound(operator_(), "", 10);
  ASSERT_TRUE(inbound) << inbound.error().message;
  ASSERT_EQ(inbound->size(), 1u);
  EXPECT_EQ(inbound->front().token_status, "unknown");
}

TEST_P(Mail, AnExpiredTokenIsRecordedAsExpired) {
  auto sent = sent_to("poc@example.net");
  clock.advance(std::chrono::days{61});
  auto to = "reply+" + sent.token + "@example.org";
  auto outcome = receive(reply("poc@example.net", to, "r4@example.net"), {to});
  EXPECT_TRUE(outcome.recorded);
  EXPECT_EQ(outcome.token_status, "expired");
  EXPECT_EQ(outcome.outbox_id, sent.id);
}

TEST_P(Mail, TheSameMailTwiceIsRecordedOnce) {
  auto sent = sent_to("poc@example.net");
  auto to = "reply+" + sent.token + "@example.org";
  auto raw = reply("poc@example.net", to, "r5@example.net");
  auto first = receive(raw, {to});
  EXPECT_TRUE(first.recorded);
  auto second = receive(raw, {to});
  EXPECT_FALSE(second.recorded);
  auto inbound = mail->inbound(operator_(), "", 10);
  ASSERT_TRUE(inbound) << inbound.error().message;
  EXPECT_EQ(inbound->size(), 1u);
}

TEST_P(Mail, ABounceMarksTheAddressUndeliverableUntilItsOwnerAnswers) {
  auto sent = sent_to("gone@example.net");
  auto bounce_to = "bounce+" + sent.token + "@example.org";
  auto outcome = receive(delivery_status_notification(sent.token, "gone@example.net", sent.id),
                         {bounce_to}, "");
  EXPECT_TRUE(outcome.recorded);
  EXPECT_EQ(outcome.token_status, "matched");
  EXPECT_EQ(outcome.outbox_id, sent.id);

  auto bounced = row(sent.id);
  EXPECT_EQ(bounced.status, "bounced");
  EXPECT_TRUE(contains(bounced.last_error, "5.1.1")) << bounced.last_error;

  auto inbound = mail->inbound(operator_(), "bounce", 10);
  ASSERT_TRUE(inbound) << inbound.error().message;
  ASSERT_EQ(inbound->size(), 1u);
  EXPECT_EQ(inbound->front().outbox_id, sent.id);

  auto undeliverable = mail->undeliverable(operator_(), 10);
  ASSERT_TRUE(undeliverable) << undeliverable.error().message;
  ASSERT_EQ(undeliverable->size(), 1u);
  EXPECT_EQ(undeliverable->front().address, "gone@example.net");
  EXPECT_EQ(undeliverable->front().status, "5.1.1");
  EXPECT_EQ(undeliverable->front().outbox_id, sent.id);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'address.undeliverable' AND "
                  "subject = 'address:gone@example.net'"),
            1);

  // The owner answers a later mail from the address: it works again.
  clock.advance(std::chrono::hours{2});
  auto later = sent_to("gone@example.net");
  auto to = "reply+" + later.token + "@example.org";
  auto answered = receive(reply("gone@example.net", to, "r6@example.net"), {to});
  EXPECT_EQ(answered.token_status, "matched");
  undeliverable = mail->undeliverable(operator_(), 10);
  ASSERT_TRUE(undeliverable) << undeliverable.error().message;
  EXPECT_TRUE(undeliverable->empty());
}

TEST_P(Mail, AnAutoReplyIsRecordedAsOne) {
  auto sent = sent_to("poc@example.net");
  auto to = "reply+" + sent.token + "@example.org";
  auto outcome = receive(
      reply("poc@example.net", to, "r7@example.net", "Auto-Submitted: auto-replied\r\n"), {to});
  EXPECT_TRUE(outcome.recorded);
  EXPECT_EQ(outcome.outbox_id, sent.id);
  auto inbound = mail->inbound(operator_(), "auto_reply", 10);
  ASSERT_TRUE(inbound) << inbound.error().message;
  ASSERT_EQ(inbound->size(), 1u);
  EXPECT_EQ(inbound->front().kind, "auto_reply");
  EXPECT_TRUE(contains(inbound->front().detail, "Auto-Submitted")) << inbound->front().detail;
  auto replies = mail->inbound(operator_(), "reply", 10);
  ASSERT_TRUE(replies) << replies.error().message;
  EXPECT_TRUE(replies->empty());
}

// ---- 5. the operators' view ----

TEST_P(Mail, ALinkAnswersOnceAndOpeningItChangesNothing) {
  auto sent = sent_to("poc@example.net");
  auto target = mail->link_target(sent.token);
  ASSERT_TRUE(target) << target.error().message;
  EXPECT_EQ(target->recipient, "poc@example.net");
  EXPECT_FALSE(target->answered);
  // Opening the link (a GET, or a mail scanner) records nothing.
  auto none = mail->inbound(operator_(), "", 10);
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->empty());

  auto first = mail->answer_by_link(sent.token, "All fine here", "198.51.100.9");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->recorded);
  EXPECT_EQ(first->outbox_id, sent.id);
  auto second = mail->answer_by_link(sent.token, "Again", "198.51.100.9");
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_FALSE(second->recorded);

  auto inbound = mail->inbound(operator_(), "reply", 10);
  ASSERT_TRUE(inbound) << inbound.error().message;
  ASSERT_EQ(inbound->size(), 1u);
  EXPECT_EQ(inbound->front().from_address, "poc@example.net");
  EXPECT_EQ(inbound->front().body, "All fine here");
  EXPECT_EQ(inbound->front().token_status, "matched");
  auto again = mail->link_target(sent.token);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->answered);
}

TEST_P(Mail, ALinkOfAnUnknownOrExpiredTokenAnswersNothing) {
  EXPECT_TRUE(
      fails_with(mail->link_target("0123456789abcdef0123456789abcdef"), ErrorCode::not_found));
  EXPECT_TRUE(fails_with(mail->answer_by_link("0123456789abcdef0123456789abcdef", "", "x"),
                         ErrorCode::not_found));
  auto sent = sent_to("poc@example.net");
  clock.advance(std::chrono::days{61});
  EXPECT_TRUE(fails_with(mail->link_target(sent.token), ErrorCode::conflict));
  EXPECT_TRUE(fails_with(mail->answer_by_link(sent.token, "late", "x"), ErrorCode::conflict));
  auto inbound = mail->inbound(operator_(), "", 10);
  ASSERT_TRUE(inbound) << inbound.error().message;
  EXPECT_TRUE(inbound->empty());
}

TEST_P(Mail, OnlyOperatorsManageTheMailSystem) {
  auto id = queue(lockout("poc@example.net"));
  for (const auto& who : {secretariat(), focal("DE")}) {
    EXPECT_TRUE(fails_with(mail->queue(who, "", 10, 0), ErrorCode::forbidden));
    EXPECT_TRUE(fails_with(mail->retry(who, id), ErrorCode::forbidden));
    EXPECT_TRUE(fails_with(mail->inbound(who, "", 10), ErrorCode::forbidden));
    EXPECT_TRUE(fails_with(mail->undeliverable(who, 10), ErrorCode::forbidden));
  }
  EXPECT_TRUE(mail->queue(operator_(), "", 10, 0));
  EXPECT_TRUE(mail->inbound(operator_(), "", 10));
  EXPECT_TRUE(mail->undeliverable(operator_(), 10));
}

TEST_P(Mail, TheQueueShowsNoBodiesOrTokens) {
  queue(lockout("one@example.net"));
  queue(lockout("two@example.net"));
  auto third = sent_to("three@example.net");
  auto listed = mail->queue(operator_(), "", 10, 0);
  ASSERT_TRUE(listed) << listed.error().message;
  EXPECT_EQ(listed->counts.pending, 2);
  EXPECT_EQ(listed->counts.sent, 1);
  EXPECT_EQ(listed->counts.failed, 0);
  EXPECT_EQ(listed->counts.bounced, 0);
  ASSERT_EQ(listed->messages.size(), 3u);
  for (const auto& message : listed->messages) {
    EXPECT_TRUE(message.body.empty());
    EXPECT_TRUE(message.html.empty());
    EXPECT_TRUE(message.token.empty());
    EXPECT_FALSE(message.subject.empty());
  }
  auto sent = mail->queue(operator_(), "sent", 10, 0);
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(ids(sent->messages), std::vector<std::string>{third.id});
}

TEST_P(Mail, OnlyFailedOrBouncedMailIsSentAgain) {
  auto sent = sent_to("poc@example.net");
  EXPECT_TRUE(fails_with(mail->retry(operator_(), sent.id), ErrorCode::conflict));
  EXPECT_TRUE(fails_with(mail->retry(operator_(), "no-such-message"), ErrorCode::not_found));

  auto id = queue(lockout("other@example.net"));
  auto claimed = claim(*mail);
  ASSERT_EQ(ids(claimed), std::vector<std::string>{id});
  record(claimed.front(), Outcome::permanent, "550 5.1.1 no such user");
  ASSERT_EQ(row(id).status, "failed");
  // Still pending mail cannot be retried either.
  auto pending = queue(lockout("third@example.net"));
  EXPECT_TRUE(fails_with(mail->retry(operator_(), pending), ErrorCode::conflict));

  clock.advance(10min);
  auto retried = mail->retry(operator_(), id);
  ASSERT_TRUE(retried) << retried.error().message;
  auto message = row(id);
  EXPECT_EQ(message.status, "pending");
  EXPECT_EQ(message.next_attempt_at, format_utc(clock.now()));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'mail.retried'"), 1);
  std::vector<std::string> due = {id, pending};
  std::sort(due.begin(), due.end());
  EXPECT_EQ(ids(claim(*mail)), due);
}

LIAISON_INSTANTIATE_STORE_TEST(Mail);
LIAISON_INSTANTIATE_STORE_TEST(MailSink);

}  // namespace
}  // namespace liaison::testing
