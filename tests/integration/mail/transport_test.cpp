// The SMTP and spool transports against real peers: tests/support/smtp_sink.py (aiosmtpd) on
// loopback for SMTP, a temporary directory for the spool.

#include "mail/transport.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <netinet/in.h>
#include <optional>
#include <signal.h>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "support/process.h"

namespace liaison::mail {
namespace {

namespace fs = std::filesystem;
using Outcome = Delivery::Outcome;
using namespace std::chrono_literals;

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::sent:
      return "sent";
    case Outcome::temporary:
      return "temporary";
    case Outcome::permanent:
      return "permanent";
  }
  return "?";
}

// Makes a failed expectation show the detail, which is what explains it.
::testing::AssertionResult is(const Delivery& delivery, Outcome expected) {
  if (delivery.outcome == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "outcome " << outcome_name(delivery.outcome) << " (" << delivery.detail
         << "), expected " << outcome_name(expected);
}

class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    std::string pattern = (fs::temp_directory_path() / "liaison-transport-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

std::vector<std::string> file_names(const fs::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// tests/support/smtp_sink.py as a child process; the destructor kills it if a test failed early.
class Sink {
 public:
  explicit Sink(const fs::path& directory, std::vector<std::string> options = {}) {
    std::vector<std::string> arguments = {"/usr/bin/python3",
                                          LIAISON_SOURCE_DIR "/tests/support/smtp_sink.py",
                                          "--port",
                                          "0",
                                          "--dir",
                                          directory.string()};
    arguments.insert(arguments.end(), options.begin(), options.end());
    process_ = std::make_unique<testing::Process>(arguments, std::map<std::string, std::string>{});
    auto line = process_->wait_for_error_line("listening on 127.0.0.1:", 20s);
    if (!line) {
      auto result = process_->finish(5s);
      throw std::runtime_error("the SMTP sink did not start: " + result.errors);
    }
    port_ = std::stoi(line->substr(line->rfind(':') + 1));
  }

  std::string url(const std::string& scheme = "smtp", const std::string& host = "127.0.0.1") const {
    return scheme + "://" + host + ":" + std::to_string(port_);
  }

  int port() const { return port_; }
  //! Everything the sink wrote on stderr, once stopped.
  const std::string& errors() const { return errors_; }

  //! Stops the sink and returns its summary line ("connections=... accepted=...").
  std::string stop() {
    process_->signal(SIGTERM);
    auto result = process_->finish(10s);
    errors_ = result.errors;
    EXPECT_EQ(result.exit_code, 0) << result.errors;
    auto summary = result.errors.find("sink: connections=");
    return summary == std::string::npos ? result.errors : result.errors.substr(summary);
  }

 private:
  std::unique_ptr<testing::Process> process_;
  int port_ = 0;
  std::string errors_;
};

SmtpSettings settings_for(const Sink& sink) {
  SmtpSettings settings;
  settings.url = sink.url();
  settings.helo_name = "liaison.test";
  settings.timeout = 10s;
  return settings;
}

std::string message_numbered(int number) {
  return "From: Liaison <noreply@liaison.test>\r\nTo: poc@example.org\r\nSubject: Message " +
         std::to_string(number) + "\r\nMessage-ID: <" + std::to_string(number) +
         "@liaison.test>\r\n\r\nBody of message " + std::to_string(number) + ".\r\n";
}

// A self-signed certificate for "localhost" and 127.0.0.1, made fresh for each test.
struct Certificate {
  std::string certificate;
  std::string key;
};

Certificate make_certificate(const fs::path& directory) {
  Certificate made{(directory / "cert.pem").string(), (directory / "key.pem").string()};
  auto result = testing::run_process(
      {"/usr/bin/openssl", "req", "-x509", "-newkey", "ed25519", "-nodes", "-days", "1", "-keyout",
       made.key, "-out", made.certificate, "-subj", "/CN=localhost", "-addext",
       "subjectAltName=DNS:localhost,IP:127.0.0.1"},
      {});
  if (result.exit_code != 0) throw std::runtime_error("openssl failed: " + result.errors);
  return made;
}

// ---- SMTP ----

TEST(SmtpTransport, DeliversTheMessageBytesExactly) {
  TemporaryDirectory directory;
  Sink sink(directory.path() / "mail");
  SmtpTransport transport(settings_for(sink));
  // Lines starting with "." test libcurl's dot-stuffing (and the sink's unstuffing): a lone
  // "." would otherwise end DATA early. 8-bit UTF-8 must pass untouched.
  std::string message =
      "From: Secrétariat <noreply@liaison.test>\r\n"
      "To: poc@example.org\r\n"
      "Subject: =?UTF-8?Q?Re=CC=81sume=CC=81?=\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: 8bit\r\n"
      "\r\n"
      ".hidden first dot\r\n"
      "..two dots\r\n"
      ".\r\n"
      "Привет, 你好, مرحبا — naïve ✓\r\n"
      "last line\r\n";

  auto delivery =
      transport.deliver("0190-a", "bounce+0190-a@liaison.test", "poc@example.org", message);

  EXPECT_TRUE(is(delivery, Outcome::sent));
  EXPECT_EQ(delivery.detail, "250 2.0.0 OK stored as 1");
  EXPECT_NE(sink.stop().find("accepted=1 "), std::string::npos);
  EXPECT_EQ(file_names(directory.path() / "mail"), std::vector<std::string>{"1.eml"});
  EXPECT_EQ(read_file(directory.path() / "mail" / "1.eml"),
            "X-Envelope-From: bounce+0190-a@liaison.test\r\n"
            "X-Envelope-To: poc@example.org\r\n" +
                message);
}

TEST(SmtpTransport, KeepsOneConnectionForManyMessages) {
  TemporaryDirectory directory;
  Sink sink(directory.path());
  SmtpTransport transport(settings_for(sink));

  auto started = std::chrono::steady_clock::now();
  for (int number = 1; number <= 100; ++number) {
    auto delivery = transport.deliver("id-" + std::to_string(number), "bounce@liaison.test",
                                      "poc" + std::to_string(number) + "@example.org",
                                      message_numbered(number));
    ASSERT_TRUE(is(delivery, Outcome::sent)) << "message " << number;
  }
  auto took = std::chrono::steady_clock::now() - started;

  EXPECT_NE(sink.stop().find("connections=1 accepted=100 "), std::string::npos);
  EXPECT_LT(took, 20s);
  for (int number : {1, 50, 100}) {
    auto stored = read_file(directory.path() / (std::to_string(number) + ".eml"));
    EXPECT_EQ(stored, "X-Envelope-From: bounce@liaison.test\r\nX-Envelope-To: poc" +
                          std::to_string(number) + "@example.org\r\n" + message_numbered(number));
  }
}

TEST(SmtpTransport, TemporaryFailureAtDataIsReportedThenRetrySucceeds) {
  TemporaryDirectory directory;
  Sink sink(directory.path(), {"--fail-first", "1", "--fail-code", "451"});
  SmtpTransport transport(settings_for(sink));

  auto first =
      transport.deliver("a", "bounce@liaison.test", "poc@example.org", message_numbered(1));
  auto retry =
      transport.deliver("a", "bounce@liaison.test", "poc@example.org", message_numbered(1));
  auto next = transport.deliver("b", "bounce@liaison.test", "poc@example.org", message_numbered(2));

  EXPECT_TRUE(is(first, Outcome::temporary));
  EXPECT_EQ(first.detail, "451 4.7.1 sink: try again later (failure 1 of 1)");
  EXPECT_TRUE(is(retry, Outcome::sent));
  EXPECT_TRUE(is(next, Outcome::sent));
  // The failed connection was dropped, the new one kept for the third message.
  EXPECT_NE(sink.stop().find("connections=2 accepted=2 failed=1"), std::string::npos);
  EXPECT_EQ(file_names(directory.path()), (std::vector<std::string>{"1.eml", "2.eml"}));
}

TEST(SmtpTransport, TemporaryFailureAtRecipientIsTemporary) {
  TemporaryDirectory directory;
  Sink sink(directory.path(), {"--fail-first", "1", "--fail-at", "rcpt"});
  SmtpTransport transport(settings_for(sink));

  auto first =
      transport.deliver("a", "bounce@liaison.test", "poc@example.org", message_numbered(1));
  auto retry =
      transport.deliver("a", "bounce@liaison.test", "poc@example.org", message_numbered(1));

  EXPECT_TRUE(is(first, Outcome::temporary));
  EXPECT_EQ(first.detail.substr(0, 4), "451 ") << first.detail;
  EXPECT_TRUE(is(retry, Outcome::sent));
}

TEST(SmtpTransport, RejectedRecipientIsPermanentWithTheServersReply) {
  TemporaryDirectory directory;
  Sink sink(directory.path(), {"--reject-rcpt", "^nobody@", "--reject-code", "550"});
  SmtpTransport transport(settings_for(sink));

  auto rejected =
      transport.deliver("a", "bounce@liaison.test", "nobody@example.org", message_numbered(1));
  auto accepted =
      transport.deliver("b", "bounce@liaison.test", "poc@example.org", message_numbered(2));

  EXPECT_TRUE(is(rejected, Outcome::permanent));
  EXPECT_EQ(rejected.detail, "550 5.1.1 <nobody@example.org>: recipient rejected by sink");
  EXPECT_TRUE(is(accepted, Outcome::sent));
  EXPECT_NE(sink.stop().find("accepted=1 failed=0 rejected=1"), std::string::npos);
  EXPECT_EQ(file_names(directory.path()), std::vector<std::string>{"1.eml"});
}

TEST(SmtpTransport, NothingListeningIsTemporary) {
  // A bound socket that never listens: connections are refused and nobody else gets the port.
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  SmtpSettings settings;
  settings.url = "smtp://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  settings.timeout = 5s;
  SmtpTransport transport(settings);

  auto started = std::chrono::steady_clock::now();
  auto delivery =
      transport.deliver("a", "bounce@liaison.test", "poc@example.org", message_numbered(1));
  auto took = std::chrono::steady_clock::now() - started;
  ::close(fd);

  EXPECT_TRUE(is(delivery, Outcome::temporary));
  EXPECT_NE(delivery.detail.find("connect"), std::string::npos) << delivery.detail;
  EXPECT_LT(took, 5s);
}

TEST(SmtpTransport, ReconnectsWhenTheRelayClosedTheKeptConnection) {
  TemporaryDirectory directory;
  auto first_sink = std::make_unique<Sink>(directory.path());
  auto port = std::to_string(first_sink->port());
  SmtpTransport transport(settings_for(*first_sink));
  auto before = transport.deliver("a", "bounce@liaison.test", "poc@example.org", "x\r\n");
  first_sink->stop();  // its connection to the transport goes with it
  Sink second_sink(directory.path(), {"--port", port});

  auto after = transport.deliver("b", "bounce@liaison.test", "poc@example.org", "y\r\n");

  EXPECT_TRUE(is(before, Outcome::sent));
  EXPECT_TRUE(is(after, Outcome::sent));
  EXPECT_NE(second_sink.stop().find("connections=1 accepted=1 "), std::string::npos);
}

TEST(SmtpTransport, SaysTheConfiguredEhloName) {
  TemporaryDirectory directory;
  Sink sink(directory.path(), {"--verbose"});  // aiosmtpd logs each command on stderr
  auto settings = settings_for(sink);
  settings.helo_name = "mx-out.liaison.test";
  SmtpTransport transport(settings);

  auto delivery = transport.deliver("a", "bounce@liaison.test", "poc@example.org", "x\r\n");

  EXPECT_TRUE(is(delivery, Outcome::sent));
  sink.stop();
  EXPECT_NE(sink.errors().find("EHLO mx-out.liaison.test'"), std::string::npos) << sink.errors();
}

TEST(SmtpTransport, UnsafeAddressesArePermanentWithoutSending) {
  SmtpSettings settings;
  settings.url = "smtp://127.0.0.1:9";  // never contacted
  SmtpTransport transport(settings);

  auto injected = transport.deliver("a", "bounce@liaison.test",
                                    "poc@example.org>\r\nRCPT TO:<evil@example.org", "x\r\n");
  auto bad_sender = transport.deliver("a", "bounce@liaison.test\r\nDATA", "poc@example.org", "");
  auto empty = transport.deliver("a", "bounce@liaison.test", "", "x\r\n");

  EXPECT_TRUE(is(injected, Outcome::permanent));
  EXPECT_TRUE(is(bad_sender, Outcome::permanent));
  EXPECT_TRUE(is(empty, Outcome::permanent));
}

TEST(SmtpTransport, StartTlsWithAuthPlain) {
  TemporaryDirectory directory;
  auto certificate = make_certificate(directory.path());
  // The sink refuses MAIL FROM before STARTTLS and AUTH, so a delivery proves both happened.
  Sink sink(directory.path() / "mail", {"--tls-cert", certificate.certificate, "--tls-key",
                                        certificate.key, "--auth", "liaison:s3cret pass"});
  auto settings = settings_for(sink);
  settings.require_tls = true;
  settings.verify_peer = false;
  settings.username = "liaison";
  settings.password = "s3cret pass";
  SmtpTransport transport(settings);

  auto first =
      transport.deliver("a", "bounce@liaison.test", "poc@example.org", message_numbered(1));
  auto second =
      transport.deliver("b", "bounce@liaison.test", "poc@example.org", message_numbered(2));

  EXPECT_TRUE(is(first, Outcome::sent));
  EXPECT_TRUE(is(second, Outcome::sent));
  EXPECT_NE(sink.stop().find("connections=1 accepted=2 "), std::string::npos);
  EXPECT_EQ(read_file(directory.path() / "mail" / "2.eml"),
            "X-Envelope-From: bounce@liaison.test\r\nX-Envelope-To: poc@example.org\r\n" +
                message_numbered(2));
}

TEST(SmtpTransport, VerifiesTheRelayAgainstTheConfiguredCaFile) {
  TemporaryDirectory directory;
  auto certificate = make_certificate(directory.path());
  Sink sink(directory.path() / "mail",
            {"--tls-cert", certificate.certificate, "--tls-key", certificate.key});
  auto settings = settings_for(sink);
  settings.url = sink.url("smtp", "localhost");
  settings.require_tls = true;
  settings.ca_file = certificate.certificate;
  SmtpTransport trusting(settings);
  settings.ca_file = (directory.path() / "other.pem").string();
  fs::create_directory(directory.path() / "other");
  make_certificate(directory.path() / "other");  // unrelated self-signed certificate
  fs::copy_file(directory.path() / "other" / "cert.pem", settings.ca_file);
  SmtpTransport distrusting(settings);

  auto trusted = trusting.deliver("a", "bounce@liaison.test", "poc@example.org", "x\r\n");
  auto untrusted = distrusting.deliver("b", "bounce@liaison.test", "poc@example.org", "y\r\n");

  EXPECT_TRUE(is(trusted, Outcome::sent));
  EXPECT_TRUE(is(untrusted, Outcome::temporary));
  EXPECT_NE(sink.stop().find("accepted=1 "), std::string::npos);
}

TEST(SmtpTransport, WrongOrMissingCredentialsAreTemporary) {
  TemporaryDirectory directory;
  auto certificate = make_certificate(directory.path());
  Sink sink(directory.path() / "mail", {"--tls-cert", certificate.certificate, "--tls-key",
                                        certificate.key, "--auth", "liaison:right"});
  auto settings = settings_for(sink);
  settings.verify_peer = false;
  settings.username = "liaison";
  settings.password = "wrong";
  SmtpTransport wrong(settings);
  settings.username.clear();
  settings.password.clear();
  SmtpTransport missing(settings);

  auto refused = wrong.deliver("a", "bounce@liaison.test", "poc@example.org", "x\r\n");
  auto unauthenticated = missing.deliver("a", "bounce@liaison.test", "poc@example.org", "x\r\n");

  // The relay's configuration is wrong, not the message: retry once the operator fixes it.
  EXPECT_TRUE(is(refused, Outcome::temporary));
  EXPECT_EQ(refused.detail.substr(0, 4), "535 ") << refused.detail;
  EXPECT_TRUE(is(unauthenticated, Outcome::temporary));
  EXPECT_EQ(unauthenticated.detail.substr(0, 4), "530 ") << unauthenticated.detail;
  EXPECT_NE(sink.stop().find("accepted=0 "), std::string::npos);
}

TEST(SmtpTransport, RequiredTlsWithoutStartTlsIsTemporaryAndSendsNothing) {
  TemporaryDirectory directory;
  Sink sink(directory.path());
  auto settings = settings_for(sink);
  settings.require_tls = true;
  SmtpTransport transport(settings);

  auto delivery =
      transport.deliver("a", "bounce@liaison.test", "poc@example.org", message_numbered(1));

  EXPECT_TRUE(is(delivery, Outcome::temporary));
  EXPECT_NE(delivery.detail.find("SSL"), std::string::npos) << delivery.detail;
  EXPECT_NE(sink.stop().find("accepted=0 "), std::string::npos);
  EXPECT_TRUE(file_names(directory.path()).empty());
}

TEST(SmtpTransport, ImplicitTls) {
  TemporaryDirectory directory;
  auto certificate = make_certificate(directory.path());
  Sink sink(directory.path() / "mail", {"--tls-cert", certificate.certificate, "--tls-key",
                                        certificate.key, "--implicit-tls", "--auth", "u:p"});
  auto settings = settings_for(sink);
  settings.url = sink.url("smtps");
  settings.verify_peer = false;
  settings.username = "u";
  settings.password = "p";
  SmtpTransport transport(settings);

  auto delivery =
      transport.deliver("a", "bounce@liaison.test", "poc@example.org", message_numbered(1));

  EXPECT_TRUE(is(delivery, Outcome::sent));
  EXPECT_NE(sink.stop().find("accepted=1 "), std::string::npos);
}

// ---- spool ----

TEST(SpoolTransport, WritesTheMessageWithTheEnvelopeFirst) {
  TemporaryDirectory directory;
  auto spool = directory.path() / "spool" / "out";  // missing: created
  SpoolTransport transport(spool.string());
  std::string message = "Subject: Grüße\r\n\r\n.dot line\r\n";

  auto delivery = transport.deliver("0190f00d-0000-7000-8000-000000000001", "bounce+x@liaison.test",
                                    "poc@example.org", message);

  EXPECT_TRUE(is(delivery, Outcome::sent));
  auto file = spool / "0190f00d-0000-7000-8000-000000000001.eml";
  EXPECT_EQ(read_file(file),
            "X-Liaison-Envelope-From: bounce+x@liaison.test\r\n"
            "X-Liaison-Envelope-To: poc@example.org\r\n" +
                message);
  struct stat status {};
  ASSERT_EQ(::stat(spool.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0750u);
  ASSERT_EQ(::stat(file.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0640u);
  EXPECT_EQ(file_names(spool),
            std::vector<std::string>{"0190f00d-0000-7000-8000-000000000001.eml"});
}

TEST(SpoolTransport, SameIdTwiceLeavesOneFileWithTheSecondContent) {
  TemporaryDirectory directory;
  SpoolTransport transport(directory.path().string());

  auto first = transport.deliver("abc-1", "b@liaison.test", "one@example.org", "first\r\n");
  auto second = transport.deliver("abc-1", "b@liaison.test", "two@example.org", "second\r\n");

  EXPECT_TRUE(is(first, Outcome::sent));
  EXPECT_TRUE(is(second, Outcome::sent));
  EXPECT_EQ(file_names(directory.path()), std::vector<std::string>{"abc-1.eml"});
  EXPECT_EQ(read_file(directory.path() / "abc-1.eml"),
            "X-Liaison-Envelope-From: b@liaison.test\r\n"
            "X-Liaison-Envelope-To: two@example.org\r\n"
            "second\r\n");
}

TEST(SpoolTransport, UnsafeIdIsPermanentAndWritesNothing) {
  TemporaryDirectory directory;
  auto spool = directory.path() / "spool";
  fs::create_directory(spool);
  SpoolTransport transport(spool.string());

  for (std::string id : {"", "../escape", "a/b", "a.b", ".hidden", "a b", "ümlaut"}) {
    auto delivery = transport.deliver(id, "b@liaison.test", "poc@example.org", "x\r\n");
    EXPECT_TRUE(is(delivery, Outcome::permanent)) << "id \"" << id << "\"";
    EXPECT_FALSE(delivery.detail.empty());
  }
  auto injected = transport.deliver("ok", "b@liaison.test", "poc@example.org\r\nBcc: x@y", "x\r\n");
  EXPECT_TRUE(is(injected, Outcome::permanent));
  EXPECT_TRUE(file_names(spool).empty());
  EXPECT_EQ(file_names(directory.path()), std::vector<std::string>{"spool"});
}

TEST(SpoolTransport, UnwritableDirectoryIsTemporary) {
  TemporaryDirectory directory;
  // A regular file where a directory should be fails even for root, unlike permission bits.
  std::ofstream(directory.path() / "file") << "not a directory";
  SpoolTransport below_file((directory.path() / "file" / "spool").string());
  SpoolTransport is_file((directory.path() / "file").string());

  auto below = below_file.deliver("a", "b@liaison.test", "poc@example.org", "x\r\n");
  auto onto = is_file.deliver("a", "b@liaison.test", "poc@example.org", "x\r\n");

  EXPECT_TRUE(is(below, Outcome::temporary));
  EXPECT_NE(below.detail.find("Not a directory"), std::string::npos) << below.detail;
  EXPECT_TRUE(is(onto, Outcome::temporary));
  EXPECT_EQ(file_names(directory.path()), std::vector<std::string>{"file"});
}

TEST(SpoolTransport, UnwritableDirectoryForAnUnprivilegedUserIsTemporary) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores permission bits";
  TemporaryDirectory directory;
  auto spool = directory.path() / "spool";
  fs::create_directory(spool);
  fs::permissions(spool, fs::perms::owner_read | fs::perms::owner_exec);
  SpoolTransport transport(spool.string());

  auto delivery = transport.deliver("a", "b@liaison.test", "poc@example.org", "x\r\n");
  fs::permissions(spool, fs::perms::owner_all);

  EXPECT_TRUE(is(delivery, Outcome::temporary));
  EXPECT_NE(delivery.detail.find("Permission denied"), std::string::npos) << delivery.detail;
  EXPECT_TRUE(file_names(spool).empty());
}

}  // namespace
}  // namespace liaison::mail
