#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace liaison::mail {

//! One recipient's line of a delivery status notification (RFC 3464 per-recipient fields).
struct DeliveryStatus {
  std::string final_recipient;  //!< addr-spec from Final-Recipient (or Original-Recipient)
  std::string action;           //!< "failed", "delayed", "delivered", "relayed", "expanded"
  std::string status;           //!< e.g. "5.1.1"
  std::string diagnostic;       //!< Diagnostic-Code text, unfolded
};

//! What came in, as far as the mail itself says (no database involved).
struct InboundMessage {
  enum class Kind {
    reply,       //!< written by a person (as far as headers tell)
    bounce,      //!< a delivery status notification or a recognised non-standard bounce
    auto_reply,  //!< RFC 3834 Auto-Submitted, out-of-office, vacation, Precedence bulk/junk/list
  };
  Kind kind = Kind::reply;
  std::string auto_reply_reason;  //!< which header or pattern made it an auto-reply
  std::string message_id;         //!< without angle brackets
  std::string from;               //!< addr-spec of From, lower-cased domain
  std::string subject;            //!< decoded, UTF-8
  //! Tokens found, first from the envelope recipients (reply+TOKEN@ / bounce+TOKEN@), then from
  //! In-Reply-To and References (Message-IDs "TOKEN.…@" are not assumed; see references).
  std::vector<std::string> tokens;
  std::vector<std::string> references;   //!< In-Reply-To then References, without brackets
  std::string text;                      //!< the person's words: text/plain (or HTML as text),
                                         //!< quoted text and signature separator cut off
  bool encrypted = false;                //!< multipart/encrypted: text is empty until decrypted
  bool signed_ = false;                  //!< multipart/signed
  std::vector<DeliveryStatus> statuses;  //!< for bounces
};

//! The token of `local_part@…` for "reply+TOKEN" or "bounce+TOKEN" (case of the prefix ignored),
//! empty otherwise. Tokens are [A-Za-z0-9] only.
std::string token_of_address(std::string_view address);

//! Reads a raw message (RFC 5322, LF or CRLF) with GMime. `envelope_recipients` are the RCPT TO
//! addresses of the LMTP/SMTP transaction (may be empty for `liaison mail ingest`). Never throws
//! on any input; a message GMime cannot parse yields kind reply with empty fields.
InboundMessage read_inbound(std::string_view raw,
                            const std::vector<std::string>& envelope_recipients);

//! The person's words of a MIME entity (e.g. a decrypted PGP/MIME part), as `text` above.
std::string text_of_entity(std::string_view entity);

//! Cuts quoted text ("> …" lines, "On … wrote:", "-----Original Message-----", Outlook's
//! "From: … Sent: …" block) and the signature ("-- ") from a plain-text reply.
std::string strip_quoted(std::string_view text);

}  // namespace liaison::mail
