#include <gmime/gmime.h>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "mail/gmime.h"
#include "mail/outgoing_message.h"

namespace liaison::mail {
namespace {

using gmime::as_object;
using gmime::FormatOptionsFree;
using gmime::Owned;

struct DateTimeUnref {
  void operator()(GDateTime* date) const { g_date_time_unref(date); }
};

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos ||
         text.find('\0') != std::string_view::npos;
}

bool is_utf8(std::string_view text) {
  return g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr) != 0;
}

//! Characters that would turn one addr-spec into something else once written into a header
//! (a second address, a comment, a display name, a group), besides whitespace and controls.
bool is_plain_addr_char(char c) {
  auto byte = static_cast<unsigned char>(c);
  if (byte <= 0x20 || byte >= 0x7f) return false;
  return std::string_view("<>()[],;:\\\"").find(c) == std::string_view::npos;
}

Result<void> check_addr_spec(std::string_view address, std::string_view what) {
  auto at = address.find('@');
  bool valid = !address.empty() && at != std::string_view::npos && at != 0 &&
               at + 1 != address.size() && address.find('@', at + 1) == std::string_view::npos;
  for (auto c : address) {
    if (!is_plain_addr_char(c)) valid = false;
  }
  if (!valid)
    return Error::invalid_argument(std::string(what) +
                                   " is not a single e-mail address (local@domain)");
  return {};
}

Result<void> check_address(const Address& address, std::string_view what) {
  LIAISON_TRY(check_addr_spec(address.address, what));
  if (has_line_break(address.name) || !is_utf8(address.name))
    return Error::invalid_argument(std::string(what) +
                                   " display name holds a line break or is not UTF-8");
  return {};
}

//! RFC 5322 section 3.6.4: id-left "@" id-right, written here without the angle brackets.
Result<void> check_message_id(std::string_view id) {
  auto at = id.find('@');
  bool valid = at != std::string_view::npos && at != 0 && at + 1 != id.size() &&
               id.find('@', at + 1) == std::string_view::npos;
  for (auto c : id) {
    if (!is_plain_addr_char(c)) valid = false;
  }
  if (!valid)
    return Error::invalid_argument("the Message-ID must be local@domain, without brackets");
  return {};
}

//! Fields compose() writes itself; a second copy from `headers` would contradict them.
bool is_reserved_field(std::string_view name) {
  constexpr std::string_view kReserved[] = {
      "message-id", "date",         "from", "to",           "reply-to",
      "subject",    "mime-version", "cc",   "content-type", "content-transfer-encoding"};
  std::string lower;
  for (auto c : name)
    lower += static_cast<char>(g_ascii_tolower(c));
  for (auto reserved : kReserved) {
    if (lower == reserved) return true;
  }
  return false;
}

//! RFC 5322 section 3.6.8: a field name is printable US-ASCII except ':'.
Result<void> check_header(const std::pair<std::string, std::string>& header) {
  const auto& [name, value] = header;
  bool valid_name = !name.empty();
  for (auto c : name) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 33 || byte > 126 || c == ':') valid_name = false;
  }
  if (!valid_name) return Error::invalid_argument("\"" + name + "\" is not a header field name");
  if (is_reserved_field(name))
    return Error::invalid_argument("the " + name + " header is written by compose() itself");
  if (has_line_break(value) || !is_utf8(value))
    return Error::invalid_argument("the value of the " + name +
                                   " header holds a line break or is not UTF-8");
  return {};
}

//! `text` with every line ending as LF: GMime turns LF into CRLF on output, while a CR that
//! reached the quoted-printable encoder would be written as "=0D".
std::string with_unix_newlines(std::string_view text) {
  std::string result;
  result.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      result += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      result += text[i];
    }
  }
  return result;
}

//! A text/`subtype` part holding `text` as UTF-8 in quoted-printable. The content is set as
//! bytes rather than with g_mime_text_part_set_text, which would convert it to the "best"
//! charset (often ISO-8859-x) instead of keeping UTF-8.
Owned<GMimeTextPart> text_part(const char* subtype, std::string_view text) {
  Owned<GMimeTextPart> part(g_mime_text_part_new_with_subtype(subtype));
  auto bytes = with_unix_newlines(text);
  Owned<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
  Owned<GMimeDataWrapper> content(
      g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
  g_mime_part_set_content(reinterpret_cast<GMimePart*>(part.get()), content.get());
  g_mime_text_part_set_charset(part.get(), "utf-8");
  g_mime_part_set_content_encoding(reinterpret_cast<GMimePart*>(part.get()),
                                   GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
  return part;
}

void add_address(GMimeMessage* message, GMimeAddressType type, const Address& address) {
  auto* list = g_mime_message_get_addresses(message, type);
  Owned<InternetAddress> mailbox(internet_address_mailbox_new(
      address.name.empty() ? nullptr : address.name.c_str(), address.address.c_str()));
  // Encoded words in UTF-8 whatever the script, rather than GMime's guess of a smaller charset.
  internet_address_set_charset(mailbox.get(), "utf-8");
  internet_address_list_add(list, mailbox.get());
}

//! Every bare LF (and bare CR) in `text` as CRLF.
std::string with_crlf(std::string_view text) {
  std::string result;
  result.reserve(text.size() + text.size() / 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      result += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      result += "\r\n";
    } else {
      result += c;
    }
  }
  return result;
}

}  // namespace

Result<std::string> compose(const OutgoingMessage& message) {
  LIAISON_TRY(check_message_id(message.message_id));
  LIAISON_TRY(check_address(message.from, "the From address"));
  LIAISON_TRY(check_address(message.to, "the To address"));
  if (message.reply_to) LIAISON_TRY(check_address(*message.reply_to, "the Reply-To address"));
  if (has_line_break(message.subject) || !is_utf8(message.subject))
    return Error::invalid_argument("the subject holds a line break or is not UTF-8");
  if (!is_utf8(message.text) || (message.html && !is_utf8(*message.html)))
    return Error::invalid_argument("the message body is not UTF-8");
  for (const auto& header : message.headers)
    LIAISON_TRY(check_header(header));
  if (message.date.find('T') == std::string::npos)
    return Error::invalid_argument("the date is not RFC 3339: " + message.date);
  std::unique_ptr<GDateTime, DateTimeUnref> parsed(
      g_date_time_new_from_iso8601(message.date.c_str(), nullptr));
  if (!parsed) return Error::invalid_argument("the date is not RFC 3339: " + message.date);
  std::unique_ptr<GDateTime, DateTimeUnref> utc(g_date_time_to_utc(parsed.get()));

  gmime::ready();
  Owned<GMimeMessage> mime(g_mime_message_new(FALSE));
  auto* object = as_object(mime.get());
  add_address(mime.get(), GMIME_ADDRESS_TYPE_FROM, message.from);
  add_address(mime.get(), GMIME_ADDRESS_TYPE_TO, message.to);
  if (message.reply_to) add_address(mime.get(), GMIME_ADDRESS_TYPE_REPLY_TO, *message.reply_to);
  g_mime_message_set_subject(mime.get(), message.subject.c_str(), "utf-8");
  g_mime_message_set_date(mime.get(), utc.get());
  // Set as a header rather than with g_mime_message_set_message_id, which spells it
  // "Message-Id"; field names are case-insensitive, but RFC 5322's spelling is what people grep.
  auto message_id = "<" + message.message_id + ">";
  g_mime_object_set_header(object, "Message-ID", message_id.c_str(), nullptr);
  g_mime_object_set_header(object, "MIME-Version", "1.0", nullptr);
  for (const auto& [name, value] : message.headers)
    g_mime_object_append_header(object, name.c_str(), value.c_str(), "utf-8");

  auto text = text_part("plain", message.text);
  if (message.html) {
    Owned<GMimeMultipart> alternative(g_mime_multipart_new_with_subtype("alternative"));
    g_mime_multipart_add(alternative.get(), as_object(text.get()));
    auto html = text_part("html", *message.html);
    g_mime_multipart_add(alternative.get(), as_object(html.get()));
    g_mime_message_set_mime_part(mime.get(), as_object(alternative.get()));
  } else {
    g_mime_message_set_mime_part(mime.get(), as_object(text.get()));
  }

  std::unique_ptr<GMimeFormatOptions, FormatOptionsFree> options(g_mime_format_options_new());
  g_mime_format_options_set_newline_format(options.get(), GMIME_NEWLINE_FORMAT_DOS);
  std::unique_ptr<char, decltype(&g_free)> bytes(g_mime_object_to_string(object, options.get()),
                                                 &g_free);
  if (!bytes) return Error::internal("GMime could not write the message");
  // GMime's DOS newline format already writes CRLF; this pass guarantees it for any part GMime
  // copies through unfiltered, since SMTP servers reject or mangle bare LF.
  return with_crlf(bytes.get());
}

}  // namespace liaison::mail
