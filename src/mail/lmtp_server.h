#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "base/error.h"

namespace liaison::mail {

//! One LMTP transaction (RFC 2033) once its DATA has been read.
struct LmtpEnvelope {
  std::string mail_from;                //!< reverse-path without brackets; empty for <>
  std::vector<std::string> recipients;  //!< accepted RCPT TO addresses, in order
};

//! What the receiver answers for one recipient: `code` 250 (taken), 4xx (try later), 5xx.
struct LmtpReply {
  int code = 250;
  std::string text = "2.0.0 OK";
};

//! Called once per message with the whole message (dot-unstuffed, CRLF kept); returns one reply
//! per recipient, in order (RFC 2033 §4.2). Runs on a thread of the io_context; may block
//! briefly (a database transaction).
using LmtpHandler =
    std::function<std::vector<LmtpReply>(const LmtpEnvelope&, std::string_view message)>;

struct LmtpSettings {
  //! "127.0.0.1:2424", "[::1]:2424" or "unix:/run/liaison/lmtp.sock"
  std::string listen;
  std::string server_name = "liaison";        //!< in the greeting and LHLO reply
  std::size_t max_message_bytes = 25u << 20;  //!< SIZE; larger DATA is refused with 552
  std::size_t max_recipients = 100;
  std::chrono::seconds idle_timeout{300};
};

//! An LMTP listener on loopback TCP or a Unix socket: LHLO, MAIL FROM (SIZE, BODY=8BITMIME),
//! RCPT TO, DATA, RSET, NOOP, QUIT, PIPELINING, ENHANCEDSTATUSCODES.
class LmtpServer {
 public:
  LmtpServer(boost::asio::io_context& io, LmtpSettings settings, LmtpHandler handler);
  ~LmtpServer();
  //! Binds and starts accepting; the io_context runs the sessions. Error when it cannot bind.
  Result<void> start();
  //! The bound TCP port (useful with port 0), 0 for a Unix socket.
  unsigned short port() const;
  //! Stops accepting and closes sessions.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace liaison::mail
