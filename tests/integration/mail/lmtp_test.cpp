#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "mail/lmtp_server.h"
#include "support/process.h"

namespace liaison::mail {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

constexpr auto kReplyTimeout = 5s;

// A blocking LMTP client on a raw socket, so the tests control every byte and every write.
class RawClient {
 public:
  static RawClient tcp(unsigned short port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return RawClient(fd, &address, sizeof address);
  }
  static RawClient unix_socket(const std::string& path) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    return RawClient(fd, &address, sizeof address);
  }
  //! Whether a TCP connection to `port` on loopback is accepted by the kernel.
  static bool can_connect(unsigned short port) {
    try {
      RawClient client = tcp(port);
      return true;
    } catch (const std::runtime_error&) {
      return false;
    }
  }

  RawClient(RawClient&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  RawClient& operator=(RawClient&&) = delete;
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }

  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      auto sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent < 0) throw std::runtime_error(std::string("send: ") + std::strerror(errno));
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
  }

  //! One complete reply, multi-line ones included ("250-a\r\n250 b\r\n"); "" on timeout or EOF.
  std::string read_reply() {
    auto deadline = std::chrono::steady_clock::now() + kReplyTimeout;
    std::size_t line_start = 0;
    for (;;) {
      auto newline = buffer_.find('\n', line_start);
      while (newline != std::string::npos) {
        auto line = std::string_view(buffer_).substr(line_start, newline - line_start);
        if (line.size() < 4 || line[3] != '-') {
          auto reply = buffer_.substr(0, newline + 1);
          buffer_.erase(0, newline + 1);
          return reply;
        }
        line_start = newline + 1;
        newline = buffer_.find('\n', line_start);
      }
      if (!fill(deadline)) return "";
    }
  }

  //! The reply codes of the next `count` replies.
  std::vector<int> read_codes(std::size_t count) {
    std::vector<int> codes;
    for (std::size_t i = 0; i < count; ++i) {
      auto reply = read_reply();
      codes.push_back(reply.size() >= 3 ? std::stoi(reply.substr(0, 3)) : 0);
    }
    return codes;
  }

  //! Everything until the server closes the connection; nullopt if it stays open too long.
  std::optional<std::string> read_until_closed(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!eof_) {
      if (!fill(deadline) && !eof_) return std::nullopt;
    }
    return std::exchange(buffer_, {});
  }

 private:
  RawClient(int fd, const void* address, socklen_t length) : fd_(fd) {
    if (fd_ < 0 || ::connect(fd_, static_cast<const sockaddr*>(address), length) != 0) {
      auto message = std::string("connect: ") + std::strerror(errno);
      if (fd_ >= 0) ::close(fd_);
      fd_ = -1;
      throw std::runtime_error(message);
    }
  }

  // Reads what arrives before the deadline; false on timeout or end of stream.
  bool fill(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd descriptor{fd_, POLLIN, 0};
    if (::poll(&descriptor, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[4096];
    auto count = ::recv(fd_, chunk, sizeof chunk, 0);
    if (count <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(count));
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

struct Delivery {
  LmtpEnvelope envelope;
  std::string message;
};

class LmtpTest : public ::testing::Test {
 protected:
  LmtpSettings settings() {
    LmtpSettings settings;
    settings.listen = "127.0.0.1:0";
    settings.server_name = "lmtp.test";
    settings.max_message_bytes = 64 * 1024;
    settings.max_recipients = 5;
    settings.idle_timeout = 30s;
    return settings;
  }

  void start(LmtpSettings settings) {
    server_ = std::make_unique<LmtpServer>(
        io_, std::move(settings), [this](const LmtpEnvelope& envelope, std::string_view message) {
          return handle(envelope, message);
        });
    auto started = server_->start();
    ASSERT_TRUE(started) << started.error().message;
    thread_ = std::thread([this, done = std::move(drained_)]() mutable {
      io_.run();
      done.set_value();
    });
  }

  // Stops the server and checks that every session and the listener end, so that nothing
  // lingers on the io_context.
  void stop_and_drain() {
    if (!thread_.joinable()) return;
    server_.reset();
    work_.reset();
    if (drained_future_.wait_for(10s) != std::future_status::ready) {
      ADD_FAILURE() << "the io_context still had work 10 s after the server stopped";
      io_.stop();
    }
    thread_.join();
  }

  void TearDown() override { stop_and_drain(); }

  std::vector<LmtpReply> handle(const LmtpEnvelope& envelope, std::string_view message) {
    {
      std::lock_guard lock(mutex_);
      deliveries_.push_back({envelope, std::string(message)});
    }
    if (respond_) return respond_(envelope);
    return std::vector<LmtpReply>(envelope.recipients.size());
  }

  std::vector<Delivery> deliveries() {
    std::lock_guard lock(mutex_);
    return deliveries_;
  }

  unsigned short port() const { return server_->port(); }

  //! A client past the greeting and LHLO.
  RawClient greeted_client() {
    auto client = RawClient::tcp(port());
    EXPECT_EQ(client.read_reply(), "220 lmtp.test LMTP ready\r\n");
    client.send("LHLO client.test\r\n");
    EXPECT_EQ(client.read_codes(1), std::vector<int>{250});
    return client;
  }

  std::filesystem::path temp_directory() {
    if (directory_.empty()) {
      std::string pattern = (std::filesystem::temp_directory_path() / "lmtp-test-XXXXXX").string();
      if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
      directory_ = pattern;
    }
    return directory_;
  }

  ~LmtpTest() override {
    if (!directory_.empty()) std::filesystem::remove_all(directory_);
  }

  net::io_context io_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_{
      net::make_work_guard(io_)};
  std::promise<void> drained_;
  std::future<void> drained_future_ = drained_.get_future();
  std::thread thread_;
  std::unique_ptr<LmtpServer> server_;
  // Set before start(); read by the handler on the io_context's thread.
  std::function<std::vector<LmtpReply>(const LmtpEnvelope&)> respond_;
  std::mutex mutex_;
  std::vector<Delivery> deliveries_;
  std::filesystem::path directory_;
};

const std::string kMessage =
    "From: Alice <a@y>\r\n"
    "To: reply+abc@x\r\n"
    "Subject: Point of contact update\r\n"
    "\r\n"
    "Hello,\r\n"
    "the new number is +41 22 000 00 00.\r\n";

// For swaks, which stuffs the leading dot of the last line; the file ends with the closing dot
// so that swaks adds no line of its own.
const std::string kDottedMessage = kMessage + ".signature\r\n";

void write_message_file(const std::filesystem::path& path) {
  std::ofstream(path, std::ios::binary) << kDottedMessage << ".\r\n";
}

testing::ProcessResult swaks(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {"/usr/bin/swaks", "--protocol", "LMTP"});
  return testing::run_process(std::move(arguments), {}, 30s);
}

TEST_F(LmtpTest, SwaksDeliversOverTcpWithTheExactMessageAndEnvelope) {
  start(settings());
  auto file = temp_directory() / "message.eml";
  write_message_file(file);

  auto result = swaks({"--server", "127.0.0.1", "--port", std::to_string(port()), "--to",
                       "reply+abc@x,b@x", "--from", "a@y", "--data", "@" + file.string()});

  EXPECT_EQ(result.exit_code, 0) << result.output << result.errors;
  auto received = deliveries();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].envelope.mail_from, "a@y");
  EXPECT_EQ(received[0].envelope.recipients, (std::vector<std::string>{"reply+abc@x", "b@x"}));
  EXPECT_EQ(received[0].message, kDottedMessage);
  EXPECT_NE(result.output.find("<-  220 lmtp.test LMTP ready"), std::string::npos);
}

TEST_F(LmtpTest, EachRecipientGetsItsOwnReplyInOrder) {
  respond_ = [](const LmtpEnvelope&) {
    return std::vector<LmtpReply>{
        {250, "2.0.0 taken"}, {452, "4.2.2 mailbox full"}, {550, "5.1.1 no such contact"}};
  };
  start(settings());
  auto file = temp_directory() / "message.eml";
  write_message_file(file);

  auto result = swaks({"--server", "127.0.0.1", "--port", std::to_string(port()), "--to",
                       "one@x,two@x,three@x", "--from", "a@y", "--data", "@" + file.string()});
  // Swaks counts the message as sent when any recipient took it.
  EXPECT_EQ(result.exit_code, 0) << result.output << result.errors;
  EXPECT_NE(result.output.find("<-  250 2.0.0 taken"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("<** 452 4.2.2 mailbox full"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("<** 550 5.1.1 no such contact"), std::string::npos)
      << result.output;

  auto client = greeted_client();
  client.send("MAIL FROM:<a@y>\r\nRCPT TO:<one@x>\r\nRCPT TO:<two@x>\r\nRCPT TO:<three@x>\r\n");
  EXPECT_EQ(client.read_codes(4), (std::vector<int>{250, 250, 250, 250}));
  client.send("DATA\r\n");
  EXPECT_EQ(client.read_codes(1), std::vector<int>{354});
  client.send(kMessage + ".\r\n");
  EXPECT_EQ(client.read_reply(), "250 2.0.0 taken\r\n");
  EXPECT_EQ(client.read_reply(), "452 4.2.2 mailbox full\r\n");
  EXPECT_EQ(client.read_reply(), "550 5.1.1 no such contact\r\n");
  EXPECT_EQ(deliveries().size(), 2u);
}

TEST_F(LmtpTest, PipelinedCommandsAreAnsweredInOrder) {
  start(settings());
  auto client = RawClient::tcp(port());
  // Everything up to DATA in one write, as RFC 2920 allows.
  client.send(
      "LHLO client.test\r\nMAIL FROM:<a@y> BODY=8BITMIME SIZE=100\r\nRCPT TO:<b@x>\r\n"
      "RCPT TO:<c@x>\r\nDATA\r\n");
  EXPECT_EQ(client.read_reply(), "220 lmtp.test LMTP ready\r\n");
  EXPECT_EQ(client.read_reply(),
            "250-lmtp.test\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n"
            "250 SIZE 65536\r\n");
  EXPECT_EQ(client.read_reply(), "250 2.1.0 Sender OK\r\n");
  EXPECT_EQ(client.read_reply(), "250 2.1.5 Recipient OK\r\n");
  EXPECT_EQ(client.read_reply(), "250 2.1.5 Recipient OK\r\n");
  EXPECT_EQ(client.read_codes(1), std::vector<int>{354});
  client.send("Subject: caf\xc3\xa9\r\n\r\nbody\r\n.\r\nQUIT\r\n");
  EXPECT_EQ(client.read_codes(3), (std::vector<int>{250, 250, 221}));
  EXPECT_TRUE(client.read_until_closed(5s));

  auto received = deliveries();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].envelope.recipients, (std::vector<std::string>{"b@x", "c@x"}));
  EXPECT_EQ(received[0].message, "Subject: caf\xc3\xa9\r\n\r\nbody\r\n");
}

TEST_F(LmtpTest, StuffedDotsAreRemoved) {
  start(settings());
  auto client = greeted_client();
  client.send("MAIL FROM:<>\r\nRCPT TO:<b@x>\r\nDATA\r\n");
  EXPECT_EQ(client.read_codes(3), (std::vector<int>{250, 250, 354}));
  // The terminator split over two writes must still be recognised.
  client.send("Subject: dots\r\n\r\n..line\r\n...two\r\nmiddle . dot\r\n.");
  client.send("\r\n");
  EXPECT_EQ(client.read_codes(1), std::vector<int>{250});

  auto received = deliveries();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].envelope.mail_from, "");
  EXPECT_EQ(received[0].message, "Subject: dots\r\n\r\n.line\r\n..two\r\nmiddle . dot\r\n");
}

TEST_F(LmtpTest, AMessageSentOneByteAtATimeArrivesIntact) {
  start(settings());
  auto client = greeted_client();
  client.send("MAIL FROM:<a@y>\r\nRCPT TO:<b@x>\r\nDATA\r\n");
  EXPECT_EQ(client.read_codes(3), (std::vector<int>{250, 250, 354}));
  // A lone CR inside a line is data, not a line end; ".x" at a line start is stuffed.
  std::string stuffed = "Subject: bytes\r\n\r\na\rb\r\n..\r\n.x\r\n\r\n.\r\n";
  for (char c : stuffed)
    client.send(std::string(1, c));
  EXPECT_EQ(client.read_codes(1), std::vector<int>{250});
  auto received = deliveries();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].message, "Subject: bytes\r\n\r\na\rb\r\n.\r\nx\r\n\r\n");
}

TEST_F(LmtpTest, BareLineFeedsAreAcceptedAndBecomeCrlf) {
  start(settings());
  auto client = RawClient::tcp(port());
  client.send("LHLO client.test\nMAIL FROM:<a@y>\nRCPT TO:<b@x>\nDATA\n");
  EXPECT_EQ(client.read_codes(5), (std::vector<int>{220, 250, 250, 250, 354}));
  client.send("Subject: unix\n\n..dot\nlast\n.\n");
  EXPECT_EQ(client.read_codes(1), std::vector<int>{250});

  auto received = deliveries();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].message, "Subject: unix\r\n\r\n.dot\r\nlast\r\n");
}

TEST_F(LmtpTest, MessagesOverTheLimitAreRefusedWithoutCallingTheHandler) {
  auto limited = settings();
  limited.max_message_bytes = 1000;
  start(std::move(limited));
  auto client = greeted_client();

  client.send("MAIL FROM:<a@y> SIZE=1001\r\n");
  EXPECT_EQ(client.read_reply(), "552 5.3.4 Message size exceeds fixed maximum message size\r\n");

  // A client that does not declare SIZE finds out after the dot, once per recipient.
  client.send("MAIL FROM:<a@y>\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\nDATA\r\n");
  EXPECT_EQ(client.read_codes(4), (std::vector<int>{250, 250, 250, 354}));
  std::string line(99, 'x');
  for (int i = 0; i < 200; ++i)
    client.send(line + "\r\n");
  client.send(".\r\n");
  EXPECT_EQ(client.read_codes(2), (std::vector<int>{552, 552}));
  EXPECT_TRUE(deliveries().empty());

  // The connection goes on; a message of exactly the limit is accepted.
  client.send("MAIL FROM:<a@y> SIZE=1000\r\nRCPT TO:<b@x>\r\nDATA\r\n");
  EXPECT_EQ(client.read_codes(3), (std::vector<int>{250, 250, 354}));
  client.send(std::string(998, 'y') + "\r\n.\r\n");
  EXPECT_EQ(client.read_codes(1), std::vector<int>{250});
  auto received = deliveries();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].message.size(), 1000u);
}

TEST_F(LmtpTest, RecipientsBeyondTheMaximumAreDeferred) {
  auto limited = settings();
  limited.max_recipients = 2;
  start(std::move(limited));
  auto client = greeted_client();
  client.send("MAIL FROM:<a@y>\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\nRCPT TO:<d@x>\r\nDATA\r\n");
  EXPECT_EQ(client.read_codes(4), (std::vector<int>{250, 250, 250, 452}));
  EXPECT_EQ(client.read_codes(1), std::vector<int>{354});
  client.send("Subject: x\r\n\r\nx\r\n.\r\n");
  // One reply per accepted recipient only.
  EXPECT_EQ(client.read_codes(2), (std::vector<int>{250, 250}));
  client.send("NOOP\r\n");
  EXPECT_EQ(client.read_reply(), "250 2.0.0 OK\r\n");
  auto received = deliveries();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].envelope.recipients, (std::vector<std::string>{"b@x", "c@x"}));
}

TEST_F(LmtpTest, CommandsOutOfOrderOrMalformedAreRefused) {
  start(settings());
  auto client = RawClient::tcp(port());
  EXPECT_EQ(client.read_codes(1), std::vector<int>{220});

  client.send("MAIL FROM:<a@y>\r\n");
  EXPECT_EQ(client.read_codes(1), std::vector<int>{503});
  client.send("HELO client.test\r\nEHLO client.test\r\nLHLO\r\n");
  EXPECT_EQ(client.read_codes(3), (std::vector<int>{500, 500, 501}));
  client.send("lhlo client.test\r\n");  // commands are case-insensitive
  EXPECT_EQ(client.read_codes(1), std::vector<int>{250});

  client.send("RCPT TO:<b@x>\r\nDATA\r\n");
  EXPECT_EQ(client.read_codes(2), (std::vector<int>{503, 503}));
  client.send("mail from:<a@y>\r\nMAIL FROM:<a@y>\r\nDATA\r\n");
  EXPECT_EQ(client.read_codes(3), (std::vector<int>{250, 503, 503}));
  client.send(
      "RCPT TO:b@x\r\nRCPT TO:<>\r\nRCPT TO:<no-domain>\r\nRCPT TO:<b@x> NOTIFY=NEVER\r\n"
      "MAIL FROM:<a@y> SIZE=abc\r\n");
  EXPECT_EQ(client.read_codes(5), (std::vector<int>{501, 501, 501, 555, 503}));
  client.send("VRFY b@x\r\nNOOP\r\nBDAT 10 LAST\r\nSTARTTLS\r\n\r\n");
  EXPECT_EQ(client.read_codes(5), (std::vector<int>{252, 250, 500, 500, 500}));

  client.send(std::string(5000, 'A') + "\r\nNOOP\r\n");
  EXPECT_EQ(client.read_reply(), "500 5.5.2 Line too long\r\n");
  EXPECT_EQ(client.read_codes(1), std::vector<int>{250});

  // The transaction opened above survived the errors.
  client.send("rcpt to:<Postmaster>\r\ndata\r\nx\r\n.\r\n");
  EXPECT_EQ(client.read_codes(3), (std::vector<int>{250, 354, 250}));
  auto received = deliveries();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].envelope.recipients, std::vector<std::string>{"Postmaster"});
}

TEST_F(LmtpTest, AFailingHandlerDefersEveryRecipientAndTheServerGoesOn) {
  std::atomic<int> calls{0};
  respond_ = [&calls](const LmtpEnvelope& envelope) -> std::vector<LmtpReply> {
    switch (calls++) {
      case 0:
        throw std::runtime_error("the database is down");
      case 1:
        return {LmtpReply{}};  // one reply for two recipients
      default:
        return std::vector<LmtpReply>(envelope.recipients.size());
    }
  };
  start(settings());
  auto client = greeted_client();
  for (int attempt = 0; attempt < 3; ++attempt) {
    client.send("MAIL FROM:<a@y>\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\nDATA\r\n");
    EXPECT_EQ(client.read_codes(4), (std::vector<int>{250, 250, 250, 354}));
    client.send("x\r\n.\r\n");
    if (attempt < 2) {
      EXPECT_EQ(client.read_reply(), "451 4.3.0 Temporary failure, please try again later\r\n");
      EXPECT_EQ(client.read_codes(1), std::vector<int>{451});
    } else {
      EXPECT_EQ(client.read_codes(2), (std::vector<int>{250, 250}));
    }
  }
  EXPECT_EQ(calls.load(), 3);
  auto another = greeted_client();
  another.send("QUIT\r\n");
  EXPECT_EQ(another.read_codes(1), std::vector<int>{221});
}

TEST_F(LmtpTest, RsetClearsTheTransactionAndASecondOneFollows) {
  start(settings());
  auto client = greeted_client();
  client.send("MAIL FROM:<a@y>\r\nRCPT TO:<b@x>\r\nRSET\r\nDATA\r\n");
  EXPECT_EQ(client.read_codes(4), (std::vector<int>{250, 250, 250, 503}));

  client.send("MAIL FROM:<first@y>\r\nRCPT TO:<b@x>\r\nDATA\r\n");
  EXPECT_EQ(client.read_codes(3), (std::vector<int>{250, 250, 354}));
  client.send("first\r\n.\r\n");
  EXPECT_EQ(client.read_codes(1), std::vector<int>{250});
  // After the dot the transaction is over: a new MAIL is not nested.
  client.send("MAIL FROM:<second@y>\r\nRCPT TO:<c@x>\r\nRCPT TO:<d@x>\r\nDATA\r\n");
  EXPECT_EQ(client.read_codes(4), (std::vector<int>{250, 250, 250, 354}));
  client.send("second\r\n.\r\n");
  EXPECT_EQ(client.read_codes(2), (std::vector<int>{250, 250}));

  auto received = deliveries();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].envelope.mail_from, "first@y");
  EXPECT_EQ(received[0].envelope.recipients, std::vector<std::string>{"b@x"});
  EXPECT_EQ(received[0].message, "first\r\n");
  EXPECT_EQ(received[1].envelope.mail_from, "second@y");
  EXPECT_EQ(received[1].envelope.recipients, (std::vector<std::string>{"c@x", "d@x"}));
  EXPECT_EQ(received[1].message, "second\r\n");
}

TEST_F(LmtpTest, SwaksDeliversOverAUnixSocketThatReplacesAStaleOne) {
  auto path = (temp_directory() / "lmtp.sock").string();
  {
    // A socket file left behind by a process that is gone.
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
    ::close(fd);
    ASSERT_TRUE(std::filesystem::is_socket(path));
  }
  auto on_socket = settings();
  on_socket.listen = "unix:" + path;
  start(on_socket);
  EXPECT_EQ(port(), 0);
  struct stat status {};
  ASSERT_EQ(::stat(path.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0660u);

  auto file = temp_directory() / "message.eml";
  write_message_file(file);
  auto result =
      swaks({"--socket", path, "--to", "b@x", "--from", "a@y", "--data", "@" + file.string()});
  EXPECT_EQ(result.exit_code, 0) << result.output << result.errors;
  auto received = deliveries();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].message, kDottedMessage);

  // A second server must not take over a socket that is alive.
  LmtpServer second(io_, on_socket,
                    [](const LmtpEnvelope&, std::string_view) { return std::vector<LmtpReply>{}; });
  auto started = second.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::unavailable);

  stop_and_drain();
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(LmtpTest, StopSaysGoodbyeToConnectedClientsAndRefusesNewOnes) {
  start(settings());
  auto port_number = port();
  auto client = greeted_client();
  client.send("MAIL FROM:<a@y>\r\n");
  EXPECT_EQ(client.read_codes(1), std::vector<int>{250});

  server_->stop();
  auto rest = client.read_until_closed(5s);
  ASSERT_TRUE(rest);
  EXPECT_EQ(*rest, "421 4.3.2 lmtp.test shutting down\r\n");

  // The listener closes asynchronously; within a bounded time nobody answers any more.
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (RawClient::can_connect(port_number) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_FALSE(RawClient::can_connect(port_number));
  EXPECT_TRUE(deliveries().empty());
}

TEST_F(LmtpTest, AnIdleClientIsDisconnectedWith421) {
  auto impatient = settings();
  impatient.idle_timeout = 1s;
  start(std::move(impatient));
  auto client = greeted_client();
  auto started = std::chrono::steady_clock::now();
  auto rest = client.read_until_closed(10s);
  auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(rest);
  EXPECT_EQ(*rest, "421 4.4.2 lmtp.test idle timeout, closing connection\r\n");
  EXPECT_GE(waited, 900ms);

  // An idle client in the middle of DATA is disconnected too, and nothing is delivered.
  auto sending = greeted_client();
  sending.send("MAIL FROM:<a@y>\r\nRCPT TO:<b@x>\r\nDATA\r\n");
  EXPECT_EQ(sending.read_codes(3), (std::vector<int>{250, 250, 354}));
  sending.send("Subject: half\r\n");
  auto after_data = sending.read_until_closed(10s);
  ASSERT_TRUE(after_data);
  EXPECT_EQ(after_data->substr(0, 4), "421 ");
  EXPECT_TRUE(deliveries().empty());
}

TEST_F(LmtpTest, ListensOnIpv6Loopback) {
  auto v6 = settings();
  v6.listen = "[::1]:0";
  LmtpServer server(io_, v6,
                    [](const LmtpEnvelope&, std::string_view) { return std::vector<LmtpReply>{}; });
  auto started = server.start();
  if (!started && started.error().code == ErrorCode::unavailable) {
    GTEST_SKIP() << "no IPv6 loopback here: " << started.error().message;
  }
  ASSERT_TRUE(started) << started.error().message;
  EXPECT_NE(server.port(), 0);
}

TEST_F(LmtpTest, StartReportsBadAddressesAndBusyPortsAsErrors) {
  auto handler = [](const LmtpEnvelope&, std::string_view) { return std::vector<LmtpReply>{}; };
  for (const char* listen : {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:99999", "localhost:25",
                             "::1:25", "[::1]25", "127.0.0.1:25x", "unix:"}) {
    auto bad = settings();
    bad.listen = listen;
    LmtpServer server(io_, bad, handler);
    auto started = server.start();
    ASSERT_FALSE(started) << listen;
    EXPECT_EQ(started.error().code, ErrorCode::invalid_argument) << listen;
  }

  start(settings());
  auto busy = settings();
  busy.listen = "127.0.0.1:" + std::to_string(port());
  LmtpServer second(io_, busy, handler);
  auto started = second.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::unavailable);

  auto nowhere = settings();
  nowhere.listen = "unix:/nonexistent-directory/lmtp.sock";
  LmtpServer third(io_, nowhere, handler);
  started = third.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::unavailable);
}

}  // namespace
}  // namespace liaison::mail
