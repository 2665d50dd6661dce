// End-to-end mail through the real `liaison` binary: invitations to a real SMTP peer
// (tests/support/smtp_sink.py) or the spool, replies by a real LMTP client (swaks), bounces by
// `liaison mail ingest`, replies and a real bounce delivered by a private Postfix instance
// through an `lmtp:` transport, and a server killed with SIGKILL in the middle of a large outbox.
#include <filesystem>
#include <fstream>
#include <pwd.h>
#include <set>
#include <signal.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/random.h"
#include "services/outbox.h"
#include "support/app_harness.h"
#include "support/process.h"
#include "support/test_database.h"

namespace liaison::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const fs::path kPostfix = "/usr/sbin/postfix";
const fs::path kPostconf = "/usr/sbin/postconf";

// A private Postfix instance (Debian's binaries, its own configuration, queue and log under a
// temporary directory; the default instance is never touched). It accepts SMTP on 127.0.0.1
// and hands example.org to `lmtp_port` by LMTP; anything else fails at once with a 5.1.1 (the
// error transport), so Postfix bounces it with a DSN of its own. Needs root.
class PostfixInstance {
 public:
  explicit PostfixInstance(int lmtp_port) : directory_(make_short_directory()) {
    try {
      start(lmtp_port);
    } catch (...) {
      shut_down();  // no destructor runs after a throwing constructor
      throw;
    }
  }
  ~PostfixInstance() { shut_down(); }
  PostfixInstance(const PostfixInstance&) = delete;
  PostfixInstance& operator=(const PostfixInstance&) = delete;

  int smtp_port() const { return smtp_port_; }
  std::string log() const {
    return "\n--- postfix maillog ---\n" + read_file(directory_ / "maillog");
  }

 private:
  void start(int lmtp_port) {
    // Postfix's daemons run as `postfix` and must reach the queue.
    ::chmod(directory_.c_str(), 0755);
    auto etc = directory_ / "etc";
    fs::create_directories(etc);
    fs::create_directories(directory_ / "spool");
    fs::create_directories(directory_ / "data");
    const passwd* owner = getpwnam("postfix");
    if (owner == nullptr) throw std::runtime_error("no postfix user");
    if (::chown((directory_ / "data").c_str(), owner->pw_uid, owner->pw_gid) != 0)
      throw std::runtime_error("chown of the postfix data directory failed");
    fs::copy_file("/etc/postfix/main.cf", etc / "main.cf");
    fs::copy_file("/etc/postfix/master.cf", etc / "master.cf");
    smtp_port_ = free_port();
    auto dir = directory_.string();
    auto smtp = "127.0.0.1:" + std::to_string(smtp_port_);
    postconf({"-e", "queue_directory=" + dir + "/spool", "data_directory=" + dir + "/data",
              "maillog_file=" + dir + "/maillog", "maillog_file_prefixes=" + dir,
              "inet_interfaces=127.0.0.1", "inet_protocols=ipv4", "myhostname=mx.example.org",
              "mydestination=", "relay_domains=example.org",
              "transport_maps=inline:{ example.org=lmtp:inet:[127.0.0.1]:" +
                  std::to_string(lmtp_port) + " }",
              "default_transport=error:5.1.1 mailbox unavailable",
              "relay_transport=error:5.1.1 mailbox unavailable",
              // Accept mail for the error transport, so that the failure is a DSN, not a 550.
              "smtpd_reject_unlisted_recipient=no", "recipient_delimiter=+", "smtputf8_enable=no",
              "alias_maps=", "alias_database=", "compatibility_level=3.6",
              "minimal_backoff_time=1s", "maximal_backoff_time=2s", "queue_run_delay=1s"});
    postconf({"-M#", "smtp/inet"});
    postconf({"-M", smtp + "/inet=" + smtp + " inet n - n - - smtpd"});
    // No chroot: the queue is not a prepared chroot jail.
    postconf({"-F", "*/*/chroot=n"});
    auto checked = postfix("check");
    if (checked.exit_code != 0)
      throw std::runtime_error("postfix check failed: " + checked.errors + log());
    running_ = true;  // stopped on any failure from here on
    auto started = postfix("start");
    if (started.exit_code != 0)
      throw std::runtime_error("postfix start failed: " + started.errors + log());
    for (int i = 0; i < 200 && !accepting(smtp_port_); ++i)
      std::this_thread::sleep_for(50ms);
    if (!accepting(smtp_port_)) throw std::runtime_error("postfix does not listen" + log());
  }
  void shut_down() {
    if (running_) {
      postfix("stop");
      for (int i = 0; i < 100 && postfix("status").exit_code == 0; ++i)
        std::this_thread::sleep_for(100ms);
      running_ = false;
    }
    std::error_code ec;
    fs::remove_all(directory_, ec);
  }
  ProcessResult postfix(const std::string& command) {
    return run_process({kPostfix.string(), "-c", (directory_ / "etc").string(), command}, {});
  }
  void postconf(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), {kPostconf.string(), "-c", (directory_ / "etc").string()});
    auto result = run_process(arguments, {});
    if (result.exit_code != 0) throw std::runtime_error("postconf failed: " + result.errors);
  }

  fs::path directory_;
  int smtp_port_ = 0;
  bool running_ = false;
};

class MailFlowTest : public ::testing::Test {
 protected:
  MailFlowTest() : home_(make_short_directory()) {
    fs::create_directories(home_ / "gnupg");
    ::chmod((home_ / "gnupg").c_str(), 0700);
    environment_ = {{"LIAISON_DATABASE", database_.url()},
                    {"LIAISON_LISTEN", "127.0.0.1:0"},
                    {"LIAISON_ACCESS_LOG", "false"},
                    {"LIAISON_PUBLIC_URL", "https://liaison.example.org"},
                    {"LIAISON_MAIL_FROM", "liaison@example.org"},
                    {"LIAISON_GNUPG_HOME", (home_ / "gnupg").string()},
                    {"LIAISON_MAIL_SPOOL", (home_ / "spool").string()}};
  }
  ~MailFlowTest() override {
    std::error_code ec;
    fs::remove_all(home_, ec);
  }

  void migrate() {
    auto migrated = liaison({"migrate"}, environment_);
    ASSERT_EQ(migrated.exit_code, 0) << migrated.errors;
  }

  // Rows of a read-only query on the test's database.
  store::Rows query(const std::string& sql, std::vector<store::Value> parameters = {}) {
    auto database = database_.open();
    auto rows = database->transact(store::Access::read, [&](store::Connection& connection) {
      return connection.query(sql, parameters);
    });
    if (!rows) throw std::runtime_error("query failed: " + rows.error().message);
    return *rows;
  }

  std::int64_t count(const std::string& sql) { return query(sql).at(0).integer(0); }

  std::unique_ptr<Process> serve(const Environment& environment) {
    auto server =
        std::make_unique<Process>(std::vector<std::string>{LIAISON_BINARY, "serve"}, environment);
    auto line = server->wait_for_error_line("serving", 60s);
    if (!line) {
      server->signal(SIGKILL);
      auto result = server->finish(10s);
      ADD_FAILURE() << "the server did not start: " << result.errors;
      return nullptr;
    }
    return server;
  }

  static void stop(std::unique_ptr<Process>& server) {
    if (!server) return;
    server->signal(SIGTERM);
    auto result = server->finish(20s);
    EXPECT_EQ(result.exit_code, 0) << result.errors;
    server.reset();
  }

  TestDatabase database_{Engine::sqlite};
  fs::path home_;
  Environment environment_;
};

TEST_F(MailFlowTest, InvitationReachesARealSmtpPeer) {
  migrate();
  auto created = liaison(
      {"admin", "create-operator", "--email", "ops@example.net", "--name", "Olga"}, environment_);
  ASSERT_EQ(created.exit_code, 0) << created.errors;
  auto link = created.output.substr(0, created.output.find('\n'));
  ASSERT_TRUE(link.starts_with("https://liaison.example.org/invitations/")) << link;

  auto rows = query("SELECT id, token FROM outbox");
  ASSERT_EQ(rows.size(), 1u);
  auto id = rows[0].text(0);
  auto token = rows[0].text(1);

  Sink sink(home_ / "sink");
  auto environment = environment_;
  environment["LIAISON_SMTP_URL"] = sink.url();
  auto server = serve(environment);
  ASSERT_TRUE(server);
  EXPECT_TRUE(wait_until([&] { return !messages_in(sink.directory()).empty(); }, 10s))
      << "nothing reached the sink";
  // The row is marked after the peer's 250; give the sender a moment.
  EXPECT_TRUE(
      wait_until([&] { return query("SELECT status FROM outbox").at(0).text(0) == "sent"; }, 5s));
  stop(server);
  sink.stop();

  auto files = messages_in(sink.directory());
  ASSERT_EQ(files.size(), 1u);
  auto message = read_file(files[0]);
  EXPECT_EQ(header_value(message, "X-Envelope-From"), "bounce+" + token + "@example.org");
  EXPECT_EQ(header_value(message, "X-Envelope-To"), "ops@example.net");
  EXPECT_NE(header_value(message, "To").find("ops@example.net"), std::string::npos) << message;
  EXPECT_EQ(header_value(message, "Message-ID"), "<" + id + "@example.org>");
  // The link may be folded by quoted-printable soft line breaks.
  auto unfolded = unfold_soft_breaks(message);
  EXPECT_NE(unfolded.find(link), std::string::npos) << message;
  EXPECT_EQ(query("SELECT status FROM outbox WHERE id = $1", {id}).at(0).text(0), "sent");
}

TEST_F(MailFlowTest, WithoutSmtpUrlMailGoesToTheSpool) {
  migrate();
  auto created = liaison(
      {"admin", "create-operator", "--email", "ops@example.net", "--name", "Olga"}, environment_);
  ASSERT_EQ(created.exit_code, 0) << created.errors;
  auto id = query("SELECT id FROM outbox").at(0).text(0);
  auto server = serve(environment_);
  ASSERT_TRUE(server);
  auto expected = home_ / "spool" / (id + ".eml");
  EXPECT_TRUE(wait_until([&] { return fs::exists(expected); }, 10s)) << expected;
  stop(server);
  EXPECT_NE(read_file(expected).find("ops@example.net"), std::string::npos);
}

TEST_F(MailFlowTest, LmtpRepliesFromARealClientAreRecorded) {
  migrate();
  auto created = liaison(
      {"admin", "create-operator", "--email", "ops@example.net", "--name", "Olga"}, environment_);
  ASSERT_EQ(created.exit_code, 0) << created.errors;
  auto token = query("SELECT token FROM outbox").at(0).text(0);

  auto port = std::to_string(free_port());
  auto environment = environment_;
  environment["LIAISON_LMTP_LISTEN"] = "127.0.0.1:" + port;
  auto server = serve(environment);
  ASSERT_TRUE(server);

  auto swaks = [&](const std::string& to, const std::string& body) {
    return run_process(
        {"/usr/bin/swaks", "--protocol", "LMTP", "--server", "127.0.0.1", "--port", port, "--from",
         "someone@example.net", "--to", to, "--header", "Subject: Re: x", "--body", body},
        {});
  };
  auto answered = swaks("reply+" + token + "@example.org", "Yes, we are here");
  EXPECT_EQ(answered.exit_code, 0) << answered.output << answered.errors;
  auto unknown = swaks("reply+Nosuchtoken0000@example.org", "Who is this?");
  EXPECT_EQ(unknown.exit_code, 0) << unknown.output << unknown.errors;
  EXPECT_NE(unknown.output.find("<-  250 2.0.0"), std::string::npos) << unknown.output;
  stop(server);

  auto matched = query("SELECT body FROM inbound_mail WHERE token_status = 'matched'");
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_NE(matched[0].text(0).find("Yes, we are here"), std::string::npos) << matched[0].text(0);
  auto strangers = query("SELECT body FROM inbound_mail WHERE token_status = 'unknown'");
  ASSERT_EQ(strangers.size(), 1u);
  EXPECT_NE(strangers[0].text(0).find("Who is this?"), std::string::npos);
}

TEST_F(MailFlowTest, IngestedBounceMarksTheMessageOnce) {
  migrate();
  auto created = liaison(
      {"admin", "create-operator", "--email", "ops@example.net", "--name", "Olga"}, environment_);
  ASSERT_EQ(created.exit_code, 0) << created.errors;
  auto rows = query("SELECT id, token FROM outbox");
  auto id = rows.at(0).text(0);
  auto token = rows.at(0).text(1);
  // The message has to be sent before it can bounce.
  auto server = serve(environment_);
  ASSERT_TRUE(server);
  EXPECT_TRUE(
      wait_until([&] { return query("SELECT status FROM outbox").at(0).text(0) == "sent"; }, 10s));
  stop(server);

  auto bounce = home_ / "bounce.eml";
  std::ofstream(bounce, std::ios::binary)
      << "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\n"
         "To: bounce+"
      << token
      << "@example.org\r\n"
         "Subject: Undelivered Mail Returned to Sender\r\n"
         "Date: Mon, 07 Dec 2026 10:00:00 +0000\r\n"
         "Message-ID: <bounce-1@mx.example.net>\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: multipart/report; report-type=delivery-status; boundary=\"BB\"\r\n"
         "\r\n"
         "--BB\r\n"
         "Content-Type: text/plain\r\n"
         "\r\n"
         "Your message could not be delivered.\r\n"
         "--BB\r\n"
         "Content-Type: message/delivery-status\r\n"
         "\r\n"
         "Reporting-MTA: dns; mx.example.net\r\n"
         "\r\n"
         "Final-Recipient: rfc822; ops@example.net\r\n"
         "Action: failed\r\n"
         "Status: 5.1.1\r\n"
         "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
         "\r\n"
         "--BB\r\n"
         "Content-Type: text/rfc822-headers\r\n"
         "\r\n"
         "Message-ID: <"
      << id
      << "@example.org>\r\n"
         "To: ops@example.net\r\n"
         "\r\n"
         "--BB--\r\n";
  auto ingest = [&] {
    std::vector<std::string> arguments = {
        "/bin/sh",
        "-c",
        std::string("exec \"$0\" mail ingest --to \"$1\" < \"$2\""),
        LIAISON_BINARY,
        "bounce+" + token + "@example.org",
        bounce.string()};
    return run_process(arguments, environment_);
  };
  auto first = ingest();
  EXPECT_EQ(first.exit_code, 0) << first.errors;
  EXPECT_EQ(first.output, "recorded matched\n") << first.errors;
  EXPECT_EQ(query("SELECT status FROM outbox WHERE id = $1", {id}).at(0).text(0), "bounced");
  auto again = ingest();
  EXPECT_EQ(again.exit_code, 0) << again.errors;
  EXPECT_TRUE(again.output.starts_with("already recorded")) << again.output;
  EXPECT_EQ(count("SELECT count(*) FROM inbound_mail"), 1);
}

TEST_F(MailFlowTest, PostfixDeliversRepliesAndItsOwnBouncesByLmtp) {
  if (!fs::exists(kPostfix) || geteuid() != 0)
    GTEST_SKIP() << "needs Debian's Postfix and root to run a private instance";
  migrate();
  auto created = liaison(
      {"admin", "create-operator", "--email", "ops@example.net", "--name", "Olga"}, environment_);
  ASSERT_EQ(created.exit_code, 0) << created.errors;
  auto rows = query("SELECT id, token FROM outbox");
  ASSERT_EQ(rows.size(), 1u);
  auto id = rows[0].text(0);
  auto token = rows[0].text(1);

  // The invitation goes out first (to the sink): only a sent message can be answered or bounce.
  Sink sink(home_ / "sink");
  auto lmtp_port = free_port();
  auto environment = environment_;
  environment["LIAISON_SMTP_URL"] = sink.url();
  environment["LIAISON_LMTP_LISTEN"] = "127.0.0.1:" + std::to_string(lmtp_port);
  auto server = serve(environment);
  ASSERT_TRUE(server);
  ASSERT_TRUE(
      wait_until([&] { return query("SELECT status FROM outbox").at(0).text(0) == "sent"; }, 10s));
  auto files = messages_in(sink.directory());
  ASSERT_EQ(files.size(), 1u);
  auto invitation = read_file(files[0]);

  std::unique_ptr<PostfixInstance> postfix;
  try {
    postfix = std::make_unique<PostfixInstance>(lmtp_port);
  } catch (const std::exception& error) {
    stop(server);
    FAIL() << error.what();
  }
  auto smtp_port = std::to_string(postfix->smtp_port());
  auto swaks = [&](std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(),
                     {"/usr/bin/swaks", "--server", "127.0.0.1", "--port", smtp_port});
    return run_process(arguments, {});
  };

  // A person's answer: into Postfix by SMTP, out of it by LMTP to the listener.
  auto answered = swaks({"--from", "ops@example.net", "--to", "reply+" + token + "@example.org",
                         "--header", "Subject: Re: Invitation", "--header",
                         "In-Reply-To: <" + id + "@example.org>", "--body", "Yes, we are here"});
  EXPECT_EQ(answered.exit_code, 0) << answered.output << answered.errors;
  // (Deferred mail is retried every second or two: see minimal_backoff_time.)
  EXPECT_TRUE(wait_until(
      [&] { return count("SELECT count(*) FROM inbound_mail WHERE kind = 'reply'") > 0; }, 30s))
      << postfix->log();

  // The invitation itself, relayed by Postfix to an address it cannot deliver to: Postfix
  // returns it to the VERP envelope sender with a DSN of its own, delivered to us by LMTP.
  auto returned = home_ / "returned.eml";
  std::ofstream(returned, std::ios::binary) << invitation;
  auto relayed = swaks({"--from", "bounce+" + token + "@example.org", "--to", "ops@example.net",
                        "--data", "@" + returned.string()});
  EXPECT_EQ(relayed.exit_code, 0) << relayed.output << relayed.errors;
  EXPECT_TRUE(wait_until(
      [&] {
        return query("SELECT status FROM outbox WHERE id = $1", {id}).at(0).text(0) == "bounced";
      },
      60s))
      << postfix->log();
  EXPECT_TRUE(
      wait_until([&] { return count("SELECT count(*) FROM undeliverable_addresses") == 1; }, 5s));
  postfix.reset();
  stop(server);
  sink.stop();

  auto reply = query(
      "SELECT token_status, outbox_id, envelope_from, body FROM inbound_mail WHERE kind = 'reply'");
  ASSERT_EQ(reply.size(), 1u);
  EXPECT_EQ(reply[0].text(0), "matched");
  EXPECT_EQ(reply[0].text(1), id);
  EXPECT_EQ(reply[0].text(2), "ops@example.net");
  EXPECT_NE(reply[0].text(3).find("Yes, we are here"), std::string::npos) << reply[0].text(3);

  auto bounce = query(
      "SELECT token_status, outbox_id, envelope_from, from_address, detail FROM inbound_mail "
      "WHERE kind = 'bounce'");
  ASSERT_EQ(bounce.size(), 1u);
  EXPECT_EQ(bounce[0].text(0), "matched");
  EXPECT_EQ(bounce[0].text(1), id);
  EXPECT_EQ(bounce[0].text(2), "");  // Postfix sends its DSNs with the null sender
  EXPECT_EQ(bounce[0].text(3), "MAILER-DAEMON@mx.example.org");
  EXPECT_NE(bounce[0].text(4).find("\"status\":\"5.1.1\""), std::string::npos) << bounce[0].text(4);
  auto undeliverable =
      query("SELECT address, status, reason, outbox_id FROM undeliverable_addresses");
  ASSERT_EQ(undeliverable.size(), 1u);
  EXPECT_EQ(undeliverable[0].text(0), "ops@example.net");
  EXPECT_EQ(undeliverable[0].text(1), "5.1.1");
  EXPECT_EQ(undeliverable[0].text(2), "mailbox unavailable");
  EXPECT_EQ(undeliverable[0].text(3), id);
  EXPECT_EQ(count("SELECT count(*) FROM inbound_mail"), 2);
}

TEST_F(MailFlowTest, KillingTheServerLosesNoMail) {
  constexpr int kMessages = 1000;
  migrate();
  for (int trial = 1; trial <= 3; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    std::vector<std::string> queued_ids;
    {
      auto database = database_.open();
      SystemClock clock;
      SystemRandom random;
      services::MailIdentity identity{"Liaison", "https://liaison.example.org"};
      auto queued = database->transact(store::Access::write, [&](store::Connection& connection) {
        for (int i = 0; i < kMessages; ++i) {
          services::MailRequest request;
          request.kind = "lockout";
          request.recipient = "user" + std::to_string(i) + "@example.net";
          request.recipient_name = "User " + std::to_string(i);
          request.values = {{"failures", 1}, {"address", "x"}, {"until", "y"}};
          auto id = services::queue_mail(connection, clock, random, identity, request);
          if (!id) return Result<void>(id.error());
          queued_ids.push_back(*id);
        }
        return Result<void>();
      });
      ASSERT_TRUE(queued) << queued.error().message;
    }
    ASSERT_EQ(count("SELECT count(*) FROM outbox WHERE status = 'pending'"), kMessages);

    Sink sink(home_ / ("crash" + std::to_string(trial)));
    auto environment = environment_;
    environment["LIAISON_SMTP_URL"] = sink.url();
    auto server = serve(environment);
    ASSERT_TRUE(server);
    EXPECT_TRUE(wait_until([&] { return messages_in(sink.directory()).size() >= 300; }, 60s));
    server->signal(SIGKILL);
    server->finish(10s);
    server.reset();
    auto at_kill = messages_in(sink.directory()).size();

    server = serve(environment);
    ASSERT_TRUE(server);
    EXPECT_TRUE(wait_until(
        [&] { return count("SELECT count(*) FROM outbox WHERE status <> 'sent'") == 0; }, 60s))
        << count("SELECT count(*) FROM outbox WHERE status <> 'sent'") << " not sent";
    stop(server);
    sink.stop();

    std::set<std::string> ids;
    auto files = messages_in(sink.directory());
    for (const auto& file : files)
      ids.insert(header_value(read_file(file), "Message-ID"));
    std::size_t missing = 0;
    for (const auto& id : queued_ids)
      if (!ids.contains("<" + id + "@example.org>")) ++missing;
    EXPECT_EQ(missing, 0u);
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(kMessages));
    auto duplicates = files.size() - ids.size();
    std::cout << "trial " << trial << ": " << at_kill << " at the sink when killed, "
              << files.size() << " files, " << ids.size() << " distinct, " << duplicates
              << " duplicate(s)\n";
    RecordProperty("trial" + std::to_string(trial) + "_duplicates", static_cast<int>(duplicates));
  }
}

}  // namespace
}  // namespace liaison::testing
