#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/error.h"

namespace liaison::mail {

//! How one hand-over of a message ended.
struct Delivery {
  enum class Outcome {
    sent,       //!< the peer took responsibility (SMTP 250 after DATA; the file is on disk)
    temporary,  //!< try again later: 4xx, connection refused/reset, timeout, TLS failure
    permanent,  //!< never retry: 5xx for the recipient or the message
  };
  Outcome outcome = Outcome::temporary;
  std::string detail;  //!< the server's reply text (e.g. "451 4.7.1 greylisted") or the cause
};

//! Hands one composed message to the next hop. Implementations are used by one sender thread
//! at a time per object.
class Transport {
 public:
  virtual ~Transport() = default;
  //! `envelope_from` is the SMTP MAIL FROM (VERP bounce address), `recipient` the RCPT TO,
  //! `message` RFC 5322 bytes with CRLF line ends; `id` names the message (the outbox id).
  virtual Delivery deliver(std::string_view id, std::string_view envelope_from,
                           std::string_view recipient, std::string_view message) = 0;
};

struct SmtpSettings {
  //! "smtp://host:port" (STARTTLS when offered, or required with `require_tls`) or
  //! "smtps://host:port" (implicit TLS).
  std::string url;
  bool require_tls = false;
  std::string username;  //!< AUTH when not empty
  std::string password;
  std::string ca_file;      //!< PEM bundle to verify the relay; empty: system store
  bool verify_peer = true;  //!< false only for tests and relays on loopback
  std::string helo_name;    //!< EHLO name; empty: the host's name
  std::chrono::seconds timeout{30};
};

//! SMTP submission through libcurl to a configured relay.
class SmtpTransport final : public Transport {
 public:
  explicit SmtpTransport(SmtpSettings settings);
  ~SmtpTransport() override;
  SmtpTransport(const SmtpTransport&) = delete;
  SmtpTransport& operator=(const SmtpTransport&) = delete;
  Delivery deliver(std::string_view id, std::string_view envelope_from, std::string_view recipient,
                   std::string_view message) override;

 private:
  struct State;
  SmtpSettings settings_;
  State* state_;  //!< the reused CURL handle (keeps the connection open between messages)
};

//! The embedded default: each message becomes `<directory>/<id>.eml` (written to a temporary
//! name, fsynced, renamed), so delivering the same id twice leaves one file. The envelope is
//! kept in `X-Liaison-Envelope-From` / `X-Liaison-Envelope-To` lines prepended to the file.
class SpoolTransport final : public Transport {
 public:
  explicit SpoolTransport(std::string directory);
  Delivery deliver(std::string_view id, std::string_view envelope_from, std::string_view recipient,
                   std::string_view message) override;

 private:
  std::string directory_;
};

}  // namespace liaison::mail
