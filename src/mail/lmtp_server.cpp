#include "mail/lmtp_server.h"

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

// Threading: every session is a coroutine on its own strand of the io_context, and the handler is
// called synchronously from it, so a slow handler holds one io_context thread for its duration
// (acceptable for a database transaction; run the io_context on several threads if deliveries
// must not wait on each other). The server's state is shared with the coroutines, so destroying
// the LmtpServer while sessions are still winding down is safe; the io_context must outlive it.

namespace liaison::mail {
namespace net = boost::asio;
using tcp = net::ip::tcp;
using local_stream = net::local::stream_protocol;

namespace {

constexpr auto kAwait = net::as_tuple(net::use_awaitable);

// RFC 5321 allows 512 bytes per command line; some clients send long parameter lists, so the
// limit is looser, but still bounded so that a peer cannot make us buffer without end.
constexpr std::size_t kMaxCommandLine = 2000;
// How long a closing session may take to deliver its final 421 before the socket is closed.
constexpr std::chrono::seconds kClosingGrace{2};
// Replies are batched while pipelined commands are waiting (RFC 2920) but not without bound.
constexpr std::size_t kFlushThreshold = 16 * 1024;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto x = a[i] >= 'a' && a[i] <= 'z' ? static_cast<char>(a[i] - 'a' + 'A') : a[i];
    auto y = b[i] >= 'a' && b[i] <= 'z' ? static_cast<char>(b[i] - 'a' + 'A') : b[i];
    if (x != y) return false;
  }
  return true;
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

// A reply line must not smuggle in extra protocol lines through the handler's text.
std::string format_reply(int code, std::string_view text) {
  std::string clean(text);
  for (auto& c : clean) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  if (clean.empty()) return fmt::format("{}\r\n", code);
  return fmt::format("{} {}\r\n", code, clean);
}

struct Path {
  std::string address;
  std::string_view parameters;
};

// Parses `<address> [parameters]` after "FROM:" or "TO:"; nullopt when it is not a path.
std::optional<Path> parse_path(std::string_view text) {
  text = trim_spaces(text);
  if (text.empty() || text.front() != '<') return std::nullopt;
  std::size_t end = std::string_view::npos;
  bool quoted = false;
  for (std::size_t i = 1; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) return std::nullopt;
    if (quoted && c == '\\') {
      ++i;
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (!quoted && c == ' ') return std::nullopt;
    if (!quoted && c == '>') {
      end = i;
      break;
    }
  }
  if (end == std::string_view::npos) return std::nullopt;
  auto address = text.substr(1, end - 1);
  // RFC 5321 §4.1.2: a source route ("@relay:user@domain") must be accepted and ignored.
  if (!address.empty() && address.front() == '@') {
    auto colon = address.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    address.remove_prefix(colon + 1);
  }
  auto rest = text.substr(end + 1);
  if (!rest.empty() && rest.front() != ' ') return std::nullopt;
  return Path{std::string(address), trim_spaces(rest)};
}

// Splits ESMTP parameters ("SIZE=123 BODY=8BITMIME") into keyword and value.
std::vector<std::pair<std::string_view, std::string_view>> split_parameters(std::string_view text) {
  std::vector<std::pair<std::string_view, std::string_view>> parameters;
  while (!text.empty()) {
    auto space = text.find(' ');
    auto token = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view() : trim_spaces(text.substr(space));
    auto equals = token.find('=');
    if (equals == std::string_view::npos) {
      parameters.emplace_back(token, std::string_view());
    } else {
      parameters.emplace_back(token.substr(0, equals), token.substr(equals + 1));
    }
  }
  return parameters;
}

std::optional<std::size_t> parse_size(std::string_view digits) {
  std::size_t value = 0;
  if (digits.empty() || digits.size() > 20) return std::nullopt;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

struct ListenAddress {
  std::optional<tcp::endpoint> tcp_endpoint;
  std::string socket_path;
};

Result<ListenAddress> parse_listen(std::string_view listen) {
  auto invalid = [&](std::string_view why) {
    return Error::invalid_argument(
        fmt::format("the LMTP listen address \"{}\" is not valid: {}", listen, why));
  };
  if (listen.starts_with("unix:")) {
    auto path = listen.substr(5);
    if (path.empty()) return invalid("the socket path is empty");
    if (path.size() >= sizeof(sockaddr_un::sun_path)) return invalid("the socket path is too long");
    if (path.find('\0') != std::string_view::npos) return invalid("the socket path holds a NUL");
    return ListenAddress{std::nullopt, std::string(path)};
  }
  std::string_view host;
  std::string_view port_text;
  if (listen.starts_with("[")) {
    auto close = listen.find(']');
    if (close == std::string_view::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      return invalid("expected \"[address]:port\"");
    }
    host = listen.substr(1, close - 1);
    port_text = listen.substr(close + 2);
  } else {
    auto colon = listen.rfind(':');
    if (colon == std::string_view::npos) return invalid("expected \"address:port\"");
    host = listen.substr(0, colon);
    port_text = listen.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return invalid("an IPv6 address needs brackets, as in \"[::1]:2424\"");
    }
  }
  unsigned short port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size()) {
    return invalid("the port is not a number from 0 to 65535");
  }
  boost::system::error_code address_ec;
  auto address = net::ip::make_address(std::string(host), address_ec);
  if (address_ec) return invalid("the host is not an IP address");
  return ListenAddress{tcp::endpoint(address, port), {}};
}

enum class CloseReason { none, idle, shutdown };

struct SessionBase {
  virtual ~SessionBase() = default;
  //! Asks the session to say 421 and close; safe from any thread.
  virtual void shut_down() = 0;
};

// What the server and its coroutines share; it outlives the LmtpServer while sessions close.
struct State {
  State(net::io_context& context, LmtpSettings lmtp_settings, LmtpHandler lmtp_handler)
      : io(context), settings(std::move(lmtp_settings)), handler(std::move(lmtp_handler)) {}

  // False when the server is stopping: the caller closes the connection instead.
  bool track(const std::shared_ptr<SessionBase>& session) {
    std::lock_guard lock(mutex);
    if (stopped) return false;
    sessions.insert(session);
    return true;
  }
  void forget(const std::shared_ptr<SessionBase>& session) {
    std::lock_guard lock(mutex);
    sessions.erase(session);
  }

  net::io_context& io;
  const LmtpSettings settings;
  const LmtpHandler handler;
  std::optional<tcp::acceptor> tcp_acceptor;
  std::optional<local_stream::acceptor> local_acceptor;
  std::string socket_path;
  // The socket file we created, so that stop() removes it only if nobody replaced it since.
  dev_t socket_device = 0;
  ino_t socket_inode = 0;
  unsigned short port = 0;

  std::mutex mutex;
  bool started = false;
  bool stopped = false;
  std::set<std::shared_ptr<SessionBase>> sessions;
};

// One LMTP connection. All members are touched only on the session's strand.
template <class Protocol>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Protocol>> {
 public:
  using Socket = typename Protocol::socket;

  Session(std::shared_ptr<State> state, Socket socket)
      : state_(std::move(state)),
        settings_(state_->settings),
        socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        deadline_(std::chrono::steady_clock::now() + settings_.idle_timeout) {}

  static net::awaitable<void> run(std::shared_ptr<Session> self) {
    net::co_spawn(self->socket_.get_executor(), watchdog(self), net::detached);
    co_await self->converse();
    co_await self->close();
    self->state_->forget(self);
  }

  void shut_down() override {
    net::post(socket_.get_executor(), [self = this->shared_from_this()] {
      if (self->close_reason_ != CloseReason::none) return;
      self->close_reason_ = CloseReason::shutdown;
      self->begin_closing();
    });
  }

 private:
  enum class LineStatus { line, too_long, closed };
  enum class DataStatus { complete, too_big, closed };

  // Wakes on each deadline; a session past its deadline is interrupted once to say 421, and
  // closed outright if it is still not done after the grace period.
  static net::awaitable<void> watchdog(std::shared_ptr<Session> self) {
    while (self->socket_.is_open()) {
      auto now = std::chrono::steady_clock::now();
      if (now >= self->deadline_) {
        if (self->close_reason_ == CloseReason::none) {
          self->close_reason_ = CloseReason::idle;
          self->begin_closing();
        } else {
          boost::system::error_code ignored;
          self->socket_.close(ignored);
          break;
        }
      }
      self->timer_.expires_at(self->deadline_);
      co_await self->timer_.async_wait(kAwait);
    }
  }

  void begin_closing() {
    deadline_ = std::chrono::steady_clock::now() + kClosingGrace;
    boost::system::error_code ignored;
    socket_.cancel(ignored);
    // The watchdog may be waiting for a later deadline.
    timer_.cancel();
  }

  // Before each read or write: the idle timeout counts from the last thing that happened.
  void arm() {
    if (close_reason_ == CloseReason::none) {
      deadline_ = std::chrono::steady_clock::now() + settings_.idle_timeout;
    }
  }

  // An operation cancelled because the session is closing leaves the socket usable for the 421.
  void note_error(const boost::system::error_code& ec) {
    if (ec && !(ec == net::error::operation_aborted && close_reason_ != CloseReason::none)) {
      failed_ = true;
    }
  }

  bool closing() const { return close_reason_ != CloseReason::none || failed_; }

  net::awaitable<bool> flush() {
    if (out_.empty()) co_return !closing();
    arm();
    auto [ec, written] = co_await net::async_write(socket_, net::buffer(out_), kAwait);
    out_.clear();
    note_error(ec);
    co_return !closing();
  }

  // Reads more bytes into input_, sending the pending replies first since the client may be
  // waiting for them before it sends anything else.
  net::awaitable<bool> read_more() {
    if (!co_await flush()) co_return false;
    arm();
    auto [ec, count] = co_await socket_.async_read_some(net::buffer(chunk_), kAwait);
    if (ec) {
      note_error(ec);
      co_return false;
    }
    input_.append(chunk_.data(), count);
    co_return !closing();
  }

  net::awaitable<LineStatus> read_command_line(std::string& line) {
    bool discarding = false;
    for (;;) {
      auto newline = input_.find('\n');
      if (newline != std::string::npos) {
        std::size_t length = newline;
        if (length > 0 && input_[length - 1] == '\r') --length;
        bool too_long = discarding || length > kMaxCommandLine;
        if (!too_long) line.assign(input_, 0, length);
        input_.erase(0, newline + 1);
        co_return too_long ? LineStatus::too_long : LineStatus::line;
      }
      if (input_.size() > kMaxCommandLine + 1) {
        // Drop what we have and keep reading until the end of the line.
        discarding = true;
        input_.clear();
      }
      if (!co_await read_more()) co_return LineStatus::closed;
    }
  }

  void append_message(std::string_view bytes) {
    if (too_big_) return;
    if (message_.size() + bytes.size() > settings_.max_message_bytes) {
      too_big_ = true;
      std::string().swap(message_);
      return;
    }
    message_.append(bytes);
  }

  // Reads the message after 354 until the line "."; removes the stuffed dots (RFC 5321
  // §4.5.2) and ends every line with CRLF, also those a client ended with a bare LF.
  net::awaitable<DataStatus> read_data() {
    message_.clear();
    too_big_ = false;
    bool line_start = true;
    for (;;) {
      bool need_more = false;
      while (!input_.empty() && !need_more) {
        if (line_start && input_.front() == '.') {
          if (input_.size() < 2 || (input_[1] == '\r' && input_.size() < 3)) {
            need_more = true;
            continue;
          }
          if (input_[1] == '\n' || (input_[1] == '\r' && input_[2] == '\n')) {
            input_.erase(0, input_[1] == '\n' ? 2 : 3);
            co_return too_big_ ? DataStatus::too_big : DataStatus::complete;
          }
          input_.erase(0, 1);
        }
        auto newline = input_.find('\n');
        if (newline != std::string::npos) {
          std::size_t length = newline;
          if (length > 0 && input_[length - 1] == '\r') --length;
          append_message(std::string_view(input_).substr(0, length));
          append_message("\r\n");
          input_.erase(0, newline + 1);
          line_start = true;
          continue;
        }
        // A partial line: keep a trailing CR, which may be half of the line's CRLF.
        auto keep = input_.back() == '\r' ? std::size_t{1} : std::size_t{0};
        if (input_.size() == keep) {
          need_more = true;
          continue;
        }
        append_message(std::string_view(input_).substr(0, input_.size() - keep));
        input_.erase(0, input_.size() - keep);
        line_start = false;
        need_more = true;
      }
      if (!co_await read_more()) co_return DataStatus::closed;
    }
  }

  void reset_transaction() {
    mail_from_.reset();
    recipients_.clear();
  }

  void reply(int code, std::string_view text) { out_ += format_reply(code, text); }

  net::awaitable<void> converse() {
    reply(220, fmt::format("{} LMTP ready", settings_.server_name));
    for (;;) {
      std::string line;
      auto status = co_await read_command_line(line);
      if (status == LineStatus::closed) co_return;
      if (status == LineStatus::too_long) {
        reply(500, "5.5.2 Line too long");
      } else if (!co_await command(line)) {
        co_return;
      }
      if (out_.size() > kFlushThreshold && !co_await flush()) co_return;
    }
  }

  // Answers one command; false when the conversation is over.
  net::awaitable<bool> command(std::string_view line) {
    auto space = line.find(' ');
    auto verb = line.substr(0, space);
    auto argument =
        space == std::string_view::npos ? std::string_view() : trim_spaces(line.substr(space));

    if (iequals(verb, "LHLO")) {
      if (argument.empty()) {
        reply(501, "5.5.4 LHLO needs a host name");
        co_return true;
      }
      reset_transaction();
      greeted_ = true;
      out_ += fmt::format(
          "250-{}\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SIZE {}\r\n",
          settings_.server_name, settings_.max_message_bytes);
    } else if (iequals(verb, "HELO") || iequals(verb, "EHLO")) {
      // RFC 2033 §4.1: an LMTP server must not answer HELO or EHLO as SMTP would.
      reply(500, "5.5.1 This is an LMTP server; use LHLO");
    } else if (iequals(verb, "MAIL")) {
      mail(argument);
    } else if (iequals(verb, "RCPT")) {
      recipient(argument);
    } else if (iequals(verb, "DATA")) {
      co_return co_await data(argument);
    } else if (iequals(verb, "RSET")) {
      reset_transaction();
      reply(250, "2.0.0 OK");
    } else if (iequals(verb, "NOOP")) {
      reply(250, "2.0.0 OK");
    } else if (iequals(verb, "VRFY")) {
      reply(252, "2.5.0 Cannot VRFY user, but will accept message and attempt delivery");
    } else if (iequals(verb, "QUIT")) {
      reply(221, fmt::format("2.0.0 {} closing connection", settings_.server_name));
      co_await flush();
      co_return false;
    } else {
      reply(500, "5.5.2 Command not recognized");
    }
    co_return true;
  }

  void mail(std::string_view argument) {
    if (!greeted_) return reply(503, "5.5.1 Send LHLO first");
    if (mail_from_) return reply(503, "5.5.1 A transaction is already open; send RSET first");
    if (!istarts_with(argument, "FROM:")) return reply(501, "5.5.4 Syntax: MAIL FROM:<address>");
    auto path = parse_path(argument.substr(5));
    if (!path) return reply(501, "5.1.7 The sender address is not valid");
    for (auto [keyword, value] : split_parameters(path->parameters)) {
      if (iequals(keyword, "SIZE")) {
        auto size = parse_size(value);
        if (!size) return reply(501, "5.5.4 SIZE needs a number");
        if (*size > settings_.max_message_bytes) {
          return reply(552, "5.3.4 Message size exceeds fixed maximum message size");
        }
      } else if (iequals(keyword, "BODY")) {
        if (!iequals(value, "7BIT") && !iequals(value, "8BITMIME")) {
          return reply(501, "5.5.4 BODY must be 7BIT or 8BITMIME");
        }
      } else {
        return reply(555, "5.5.4 Unsupported MAIL parameter");
      }
    }
    mail_from_ = std::move(path->address);
    reply(250, "2.1.0 Sender OK");
  }

  void recipient(std::string_view argument) {
    if (!mail_from_) return reply(503, "5.5.1 Send MAIL first");
    if (!istarts_with(argument, "TO:")) return reply(501, "5.5.4 Syntax: RCPT TO:<address>");
    auto path = parse_path(argument.substr(3));
    if (!path || path->address.empty() ||
        (path->address.find('@') == std::string::npos && !iequals(path->address, "postmaster"))) {
      return reply(501, "5.1.3 The recipient address is not valid");
    }
    if (!path->parameters.empty()) return reply(555, "5.5.4 Unsupported RCPT parameter");
    if (recipients_.size() >= settings_.max_recipients) {
      return reply(452, "4.5.3 Too many recipients");
    }
    recipients_.push_back(std::move(path->address));
    reply(250, "2.1.5 Recipient OK");
  }

  net::awaitable<bool> data(std::string_view argument) {
    if (!argument.empty()) {
      reply(501, "5.5.4 DATA takes no argument");
      co_return true;
    }
    if (!mail_from_ || recipients_.empty()) {
      reply(503, "5.5.1 No valid recipients");
      co_return true;
    }
    reply(354, "Start mail input; end with <CRLF>.<CRLF>");
    auto status = co_await read_data();
    if (status == DataStatus::closed) co_return false;

    LmtpEnvelope envelope{std::move(*mail_from_), std::move(recipients_)};
    reset_transaction();
    if (status == DataStatus::too_big) {
      for (std::size_t i = 0; i < envelope.recipients.size(); ++i) {
        reply(552, "5.3.4 Message size exceeds fixed maximum message size");
      }
      co_return true;
    }
    auto replies = deliver(envelope);
    for (const auto& answer : replies)
      reply(answer.code, answer.text);
    std::string().swap(message_);
    co_return true;
  }

  // The handler's replies, or a temporary failure for everyone when it did not give one valid
  // reply per recipient: the client keeps the message and tries again, so nothing is lost.
  std::vector<LmtpReply> deliver(const LmtpEnvelope& envelope) {
    std::vector<LmtpReply> replies;
    try {
      replies = state_->handler(envelope, message_);
      if (replies.size() != envelope.recipients.size()) {
        spdlog::error("the LMTP handler answered {} replies for {} recipients", replies.size(),
                      envelope.recipients.size());
        replies.clear();
      }
      for (const auto& answer : replies) {
        if (answer.code < 200 || answer.code > 599) {
          spdlog::error("the LMTP handler answered the invalid code {}", answer.code);
          replies.clear();
          break;
        }
      }
    } catch (const std::exception& exception) {
      spdlog::error("the LMTP handler failed: {}", exception.what());
      replies.clear();
    } catch (...) {
      spdlog::error("the LMTP handler failed with an unknown exception");
      replies.clear();
    }
    if (replies.empty()) {
      replies.assign(envelope.recipients.size(),
                     LmtpReply{451, "4.3.0 Temporary failure, please try again later"});
    }
    return replies;
  }

  net::awaitable<void> close() {
    boost::system::error_code ignored;
    if (!failed_ && socket_.is_open() && close_reason_ != CloseReason::none) {
      // The grace deadline set by begin_closing bounds this write.
      out_ += close_reason_ == CloseReason::idle
                  ? format_reply(421, fmt::format("4.4.2 {} idle timeout, closing connection",
                                                  settings_.server_name))
                  : format_reply(421, fmt::format("4.3.2 {} shutting down", settings_.server_name));
      co_await net::async_write(socket_, net::buffer(out_), kAwait);
    }
    socket_.shutdown(net::socket_base::shutdown_send, ignored);
    socket_.close(ignored);
    timer_.cancel();
  }

  std::shared_ptr<State> state_;
  const LmtpSettings& settings_;
  Socket socket_;
  net::steady_timer timer_;
  std::chrono::steady_clock::time_point deadline_;
  CloseReason close_reason_ = CloseReason::none;
  bool failed_ = false;  // the peer went away or a write failed: nothing more to say

  std::array<char, 16 * 1024> chunk_{};
  std::string input_;
  std::string out_;

  bool greeted_ = false;
  std::optional<std::string> mail_from_;
  std::vector<std::string> recipients_;
  std::string message_;
  bool too_big_ = false;
};

void log_failure(std::exception_ptr error, std::string_view what) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& exception) {
    spdlog::error("{} failed: {}", what, exception.what());
  }
}

template <class Acceptor>
net::awaitable<void> accept_loop(std::shared_ptr<State> state, Acceptor& acceptor) {
  using Protocol = typename Acceptor::protocol_type;
  net::steady_timer backoff(acceptor.get_executor());
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(state->io), kAwait);
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
      // Out of descriptors and similar: keep serving the sessions we have, and do not spin.
      spdlog::warn("accepting an LMTP connection failed: {}", ec.message());
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(kAwait);
      continue;
    }
    auto executor = socket.get_executor();
    auto session = std::make_shared<Session<Protocol>>(state, std::move(socket));
    if (!state->track(session)) co_return;
    net::co_spawn(executor, Session<Protocol>::run(session),
                  [](std::exception_ptr error) { log_failure(error, "an LMTP session"); });
  }
}

// A socket file left by a previous run that nobody listens on any more is removed; one that
// still answers belongs to a running server and is left alone.
Result<void> remove_stale_socket(const std::string& path) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0) {
    if (errno == ENOENT) return {};
    return Error::unavailable(
        fmt::format("cannot inspect the LMTP socket \"{}\": {}", path, std::strerror(errno)));
  }
  if (!S_ISSOCK(status.st_mode)) {
    return Error::unavailable(
        fmt::format("\"{}\" exists and is not a socket; not replacing it", path));
  }
  net::io_context probe_io;
  local_stream::socket probe(probe_io);
  boost::system::error_code ec;
  probe.connect(local_stream::endpoint(path), ec);
  if (!ec) {
    return Error::unavailable(fmt::format("another process is listening on \"{}\"", path));
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Error::unavailable(
        fmt::format("cannot remove the stale LMTP socket \"{}\": {}", path, std::strerror(errno)));
  }
  return {};
}

}  // namespace

struct LmtpServer::Impl {
  std::shared_ptr<State> state;
};

LmtpServer::LmtpServer(net::io_context& io, LmtpSettings settings, LmtpHandler handler)
    : impl_(std::make_unique<Impl>()) {
  impl_->state = std::make_shared<State>(io, std::move(settings), std::move(handler));
}

LmtpServer::~LmtpServer() {
  stop();
}

Result<void> LmtpServer::start() {
  auto& state = *impl_->state;
  {
    std::lock_guard lock(state.mutex);
    if (state.started || state.stopped) {
      return Error::conflict("the LMTP server was already started");
    }
  }
  auto parsed = parse_listen(state.settings.listen);
  if (!parsed) return parsed.error();
  if (!state.handler) return Error::invalid_argument("the LMTP server needs a handler");
  if (state.settings.max_recipients == 0) {
    return Error::invalid_argument("the LMTP server must accept at least one recipient");
  }
  const auto& listen = state.settings.listen;
  boost::system::error_code ec;
  auto fail = [&](std::string_view step) {
    return Error::unavailable(
        fmt::format("cannot {} the LMTP listener on \"{}\": {}", step, listen, ec.message()));
  };

  if (parsed->tcp_endpoint) {
    auto endpoint = *parsed->tcp_endpoint;
    auto& acceptor = state.tcp_acceptor.emplace(net::make_strand(state.io));
    if (acceptor.open(endpoint.protocol(), ec); ec) return fail("open");
    if (acceptor.set_option(net::socket_base::reuse_address(true), ec); ec)
      return fail("configure");
    if (acceptor.bind(endpoint, ec); ec) return fail("bind");
    if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec) return fail("start");
    auto bound = acceptor.local_endpoint(ec);
    if (ec) return fail("inspect");
    state.port = bound.port();
    if (!bound.address().is_loopback()) {
      // LMTP has no authentication: anyone who can connect can deliver.
      spdlog::warn("the LMTP listener on {} is not limited to loopback", listen);
    }
  } else {
    const auto& path = parsed->socket_path;
    LIAISON_TRY(remove_stale_socket(path));
    auto& acceptor = state.local_acceptor.emplace(net::make_strand(state.io));
    local_stream::endpoint endpoint(path);
    if (acceptor.open(endpoint.protocol(), ec); ec) return fail("open");
    if (acceptor.bind(endpoint, ec); ec) return fail("bind");
    // Owner and group only: the MTA's user is expected to share the group.
    if (::chmod(path.c_str(), 0660) != 0) {
      ec.assign(errno, boost::system::system_category());
      return fail("set the permissions of");
    }
    struct stat status {};
    if (::stat(path.c_str(), &status) == 0) {
      state.socket_device = status.st_dev;
      state.socket_inode = status.st_ino;
    }
    state.socket_path = path;
    if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec) return fail("start");
  }

  {
    std::lock_guard lock(state.mutex);
    state.started = true;
  }
  auto on_exit = [](std::exception_ptr error) { log_failure(error, "the LMTP listener"); };
  if (state.tcp_acceptor) {
    net::co_spawn(state.tcp_acceptor->get_executor(),
                  accept_loop(impl_->state, *state.tcp_acceptor), on_exit);
  } else {
    net::co_spawn(state.local_acceptor->get_executor(),
                  accept_loop(impl_->state, *state.local_acceptor), on_exit);
  }
  spdlog::info("LMTP listening on {}", listen);
  return {};
}

unsigned short LmtpServer::port() const {
  return impl_->state->port;
}

void LmtpServer::stop() {
  auto state = impl_->state;
  std::set<std::shared_ptr<SessionBase>> sessions;
  {
    std::lock_guard lock(state->mutex);
    if (state->stopped) return;
    state->stopped = true;
    sessions = state->sessions;
  }
  if (!state->socket_path.empty()) {
    // Removed now rather than when the acceptor closes, so that clients see at once that
    // nobody is listening.
    struct stat status {};
    if (::lstat(state->socket_path.c_str(), &status) == 0 &&
        status.st_dev == state->socket_device && status.st_ino == state->socket_inode) {
      ::unlink(state->socket_path.c_str());
    }
  }
  auto close_acceptor = [state] {
    boost::system::error_code ignored;
    if (state->tcp_acceptor) state->tcp_acceptor->close(ignored);
    if (state->local_acceptor) state->local_acceptor->close(ignored);
  };
  if (state->tcp_acceptor) {
    net::post(state->tcp_acceptor->get_executor(), close_acceptor);
  } else if (state->local_acceptor) {
    net::post(state->local_acceptor->get_executor(), close_acceptor);
  }
  for (const auto& session : sessions)
    session->shut_down();
}

}  // namespace liaison::mail
