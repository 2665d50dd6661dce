#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"

namespace liaison::mail {

struct Address {
  std::string name;     //!< display name, UTF-8, may be empty
  std::string address;  //!< addr-spec, e.g. "focal.fr@example.org"
};

//! Everything the outbox knows about one message, ready to become RFC 5322 bytes.
struct OutgoingMessage {
  std::string message_id;  //!< without angle brackets, e.g. "0190c2…@liaison.example.org"
  std::string date;        //!< RFC 3339 UTC ("2026-12-07T10:00:00.000000Z"), the Date header
  Address from;
  Address to;
  std::optional<Address> reply_to;
  std::string subject;              //!< UTF-8; encoded words when not ASCII
  std::string text;                 //!< text/plain part, UTF-8
  std::optional<std::string> html;  //!< text/html alternative, UTF-8
  //! Further header fields in order, e.g. {"Auto-Submitted", "auto-generated"}.
  std::vector<std::pair<std::string, std::string>> headers;
};

//! The message as RFC 5322 bytes with CRLF line ends (GMime): text alone as text/plain, with
//! html as multipart/alternative (text first); UTF-8 bodies in quoted-printable; MIME-Version,
//! Message-ID, Date, From, To, Reply-To (when set), Subject and `headers`.
//! invalid_argument Error when an address or the Message-ID is malformed or a header value
//! holds a line break (header injection).
Result<std::string> compose(const OutgoingMessage& message);

}  // namespace liaison::mail
