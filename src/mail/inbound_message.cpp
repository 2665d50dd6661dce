#include "mail/inbound_message.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <gmime/gmime.h>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/text.h"
#include "mail/gmime.h"

namespace liaison::mail {
namespace {

using gmime::as_object;
using gmime::Owned;

// Limits that keep hostile input (the reader is fuzzed and faces the Internet) from costing
// more than a few times its size, and keep what is stored per message small.
constexpr std::size_t kMaxTokenLength = 64;
constexpr std::size_t kMaxText = 64 * 1024;
// Text is cut to this before quote stripping and HTML conversion, so their cost stays bounded
// whatever a part holds; the person's words sit at the top of a reply anyway.
constexpr std::size_t kMaxWorkText = 1024 * 1024;
// GMime builds the tree however deep it is; we walk at most this far into it.
constexpr int kMaxDepth = 32;
constexpr std::size_t kMaxStatuses = 100;
constexpr std::size_t kMaxReferences = 100;
constexpr std::size_t kMaxTokens = 20;

struct GFree {
  void operator()(char* text) const { g_free(text); }
};
using GString_ = std::unique_ptr<char, GFree>;

Owned<GMimeMessage> parse_message(std::string_view raw) {
  Owned<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  if (!stream) return nullptr;
  Owned<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  if (!parser) return nullptr;
  return Owned<GMimeMessage>(g_mime_parser_construct_message(parser.get(), nullptr));
}

Owned<GMimeObject> parse_entity(std::string_view raw) {
  Owned<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  if (!stream) return nullptr;
  Owned<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  if (!parser) return nullptr;
  return Owned<GMimeObject>(g_mime_parser_construct_part(parser.get(), nullptr));
}

std::string_view view(const char* text) {
  return text == nullptr ? std::string_view{} : text;
}

std::string_view trim(std::string_view text) {
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
  };
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ascii_lower(a) == ascii_lower(b);
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

bool iends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && iequals(text.substr(text.size() - suffix.size()), suffix);
}

bool icontains(std::string_view text, std::string_view needle) {
  return ascii_lower(text).find(ascii_lower(needle)) != std::string::npos;
}

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

//! Cuts `text` to at most `limit` bytes without splitting a UTF-8 sequence.
void cap_utf8(std::string& text, std::size_t limit) {
  if (text.size() <= limit) return;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U)
    --end;
  text.resize(end);
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      lines.push_back(text.substr(start, i - start));
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

void add_unique(std::vector<std::string>& list, std::string value, std::size_t limit) {
  if (value.empty() || list.size() >= limit) return;
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

// ---------------------------------------------------------------------------------------------
// Types and headers

bool is_type(GMimeObject* object, const char* type, const char* subtype) {
  GMimeContentType* content_type = g_mime_object_get_content_type(object);
  return content_type != nullptr && g_mime_content_type_is_type(content_type, type, subtype);
}

std::string content_type_parameter(GMimeObject* object, const char* name) {
  return ascii_lower(trim(view(g_mime_object_get_content_type_parameter(object, name))));
}

bool is_attachment(GMimeObject* object) {
  return iequals(trim(view(g_mime_object_get_disposition(object))), "attachment");
}

std::string header(GMimeObject* object, const char* name) {
  return std::string(trim(view(g_mime_object_get_header(object, name))));
}

//! Every value of a header that may repeat (Delivered-To, one per hop).
std::vector<std::string> all_headers(GMimeObject* object, std::string_view name) {
  std::vector<std::string> values;
  GMimeHeaderList* list = g_mime_object_get_header_list(object);
  if (list == nullptr) return values;
  int count = g_mime_header_list_get_count(list);
  for (int i = 0; i < count; ++i) {
    GMimeHeader* item = g_mime_header_list_get_header_at(list, i);
    if (item != nullptr && iequals(view(g_mime_header_get_name(item)), name))
      values.emplace_back(trim(view(g_mime_header_get_value(item))));
  }
  return values;
}

std::string lower_domain(std::string_view address) {
  std::string result(address);
  auto at = result.rfind('@');
  if (at != std::string::npos) result = result.substr(0, at) + ascii_lower(result.substr(at));
  return result;
}

void collect_addresses(InternetAddressList* list, std::vector<std::string>& out, int depth = 0) {
  if (list == nullptr || depth > 2) return;
  int count = internet_address_list_length(list);
  for (int i = 0; i < count && out.size() < 100; ++i) {
    InternetAddress* address = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_MAILBOX(address)) {
      out.emplace_back(view(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address))));
    } else if (INTERNET_ADDRESS_IS_GROUP(address)) {
      collect_addresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(address)), out,
                        depth + 1);
    }
  }
}

std::vector<std::string> addresses_of(InternetAddressList* list) {
  std::vector<std::string> out;
  collect_addresses(list, out);
  return out;
}

//! Addresses in a header value GMime does not parse for us (Delivered-To, Return-Path).
std::vector<std::string> addresses_in(std::string_view value) {
  std::vector<std::string> out;
  Owned<InternetAddressList> list(internet_address_list_parse(nullptr, std::string(value).c_str()));
  collect_addresses(list.get(), out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text

std::string text_of_part(GMimeObject* object) {
  if (!GMIME_IS_TEXT_PART(object)) return {};
  GString_ text(g_mime_text_part_get_text(GMIME_TEXT_PART(object)));
  if (!text) return {};
  std::string result(text.get());
  cap_utf8(result, kMaxWorkText);
  // GMime passes bytes through when the declared charset is unknown or missing.
  return to_valid_utf8(result);
}

//! The decoded content of a leaf part that GMime does not treat as text
//! (message/delivery-status).
std::string content_of_part(GMimeObject* object) {
  if (GMIME_IS_TEXT_PART(object)) return text_of_part(object);
  if (!GMIME_IS_PART(object)) return {};
  GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(object));
  if (content == nullptr) return {};
  Owned<GMimeStream> stream(g_mime_stream_mem_new());
  if (!stream) return {};
  if (g_mime_data_wrapper_write_to_stream(content, stream.get()) < 0) return {};
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
  if (bytes == nullptr) return {};
  std::string result(reinterpret_cast<const char*>(bytes->data),
                     std::min<std::size_t>(bytes->len, kMaxWorkText));
  return to_valid_utf8(result);
}

void append_utf8(std::string& out, std::uint32_t code) {
  if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) code = 0xFFFD;
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

//! Decodes the entity at `html[i]` == '&' into `out`; returns the bytes consumed.
std::size_t decode_entity(std::string_view html, std::size_t i, std::string& out) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kNamed{{
      {"amp", "&"},
      {"lt", "<"},
      {"gt", ">"},
      {"quot", "\""},
      {"apos", "'"},
      {"nbsp", " "},
      {"ndash", "\u2013"},
      {"mdash", "\u2014"},
      {"hellip", "\u2026"},
      {"laquo", "\u00AB"},
      {"raquo", "\u00BB"},
      {"copy", "\u00A9"},
  }};
  std::size_t end = i + 1;
  while (end < html.size() && end - i < 12 && html[end] != ';' && html[end] != '&' &&
         html[end] != '<' && html[end] != ' ')
    ++end;
  if (end >= html.size() || html[end] != ';') {
    out += '&';
    return 1;
  }
  std::string_view name = html.substr(i + 1, end - i - 1);
  if (!name.empty() && name[0] == '#') {
    std::uint32_t code = 0;
    bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
    std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 7) {
      out += '&';
      return 1;
    }
    for (char c : digits) {
      std::uint32_t digit = 0;
      if (is_digit(c)) {
        digit = static_cast<std::uint32_t>(c - '0');
      } else if (hex && c >= 'a' && c <= 'f') {
        digit = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (hex && c >= 'A' && c <= 'F') {
        digit = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        out += '&';
        return 1;
      }
      code = code * (hex ? 16U : 10U) + digit;
    }
    if (code == 0xA0) code = ' ';
    append_utf8(out, code);
    return end - i + 1;
  }
  for (const auto& [entity, text] : kNamed) {
    if (iequals(name, entity)) {
      out += text;
      return end - i + 1;
    }
  }
  out += '&';
  return 1;
}

//! Collapses HTML whitespace, trims lines and keeps at most one blank line in a row.
std::string tidy_lines(std::string_view text) {
  std::string out;
  int blank_run = 0;
  for (auto line : split_lines(text)) {
    std::string collapsed;
    bool space = false;
    for (char c : line) {
      if (c == ' ' || c == '\t') {
        space = true;
        continue;
      }
      if (space && !collapsed.empty()) collapsed += ' ';
      space = false;
      collapsed += c;
    }
    if (collapsed.empty()) {
      if (++blank_run > 1 || out.empty()) continue;
    } else {
      blank_run = 0;
    }
    out += collapsed;
    out += '\n';
  }
  return out;
}

std::string html_to_text(std::string_view html) {
  html = html.substr(0, std::min(html.size(), kMaxWorkText));
  std::string out;
  out.reserve(html.size() / 2);
  int quote_depth = 0;
  bool line_start = true;
  auto newline = [&] {
    out += '\n';
    line_start = true;
  };
  std::size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    if (c == '<') {
      if (html.substr(i, 4) == "<!--") {
        auto end = html.find("-->", i + 4);
        i = end == std::string_view::npos ? html.size() : end + 3;
        continue;
      }
      auto close = html.find('>', i + 1);
      if (close == std::string_view::npos) break;
      std::string_view tag = html.substr(i + 1, close - i - 1);
      bool closing = !tag.empty() && tag[0] == '/';
      if (closing) tag.remove_prefix(1);
      std::size_t name_end = 0;
      while (name_end < tag.size() && (is_alnum(tag[name_end]) || tag[name_end] == ':'))
        ++name_end;
      std::string name = ascii_lower(tag.substr(0, name_end));
      i = close + 1;
      if (!closing && (name == "script" || name == "style" || name == "head" || name == "title")) {
        // Their content is never text the person wrote.
        std::string end_tag = "</" + name;
        auto lower = ascii_lower(html.substr(i));
        auto end = lower.find(end_tag);
        if (end == std::string::npos) break;
        auto end_close = html.find('>', i + end);
        i = end_close == std::string_view::npos ? html.size() : end_close + 1;
        continue;
      }
      if (name == "blockquote") {
        quote_depth = closing ? std::max(0, quote_depth - 1) : std::min(quote_depth + 1, 1000);
        newline();
      } else if (name == "br" || name == "p" || name == "div" || name == "tr" || name == "li" ||
                 name == "hr" || name == "table" || name == "ul" || name == "ol" ||
                 (name.size() == 2 && name[0] == 'h' && is_digit(name[1]))) {
        newline();
      }
      continue;
    }
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
    if (line_start) {
      if (c == ' ') {
        ++i;
        continue;
      }
      // Quoted HTML becomes "> " lines so that strip_quoted drops it like quoted plain text.
      for (int level = 0; level < std::min(quote_depth, 1); ++level)
        out += "> ";
      line_start = false;
    }
    if (c == '&') {
      i += decode_entity(html, i, out);
      continue;
    }
    out += c;
    ++i;
  }
  return tidy_lines(out);
}

struct BodyFlags {
  bool encrypted = false;
  bool signed_ = false;
};

std::optional<std::string> body_text(GMimeObject* object, int depth, BodyFlags& flags) {
  if (object == nullptr || depth > kMaxDepth) return std::nullopt;
  if (GMIME_IS_MULTIPART(object)) {
    GMimeMultipart* multipart = GMIME_MULTIPART(object);
    int count = g_mime_multipart_get_count(multipart);
    if (GMIME_IS_MULTIPART_ENCRYPTED(object) || is_type(object, "multipart", "encrypted")) {
      flags.encrypted = true;
      return std::nullopt;
    }
    if (GMIME_IS_MULTIPART_SIGNED(object) || is_type(object, "multipart", "signed")) {
      flags.signed_ = true;
      if (count < 1) return std::nullopt;
      return body_text(g_mime_multipart_get_part(multipart, 0), depth + 1, flags);
    }
    if (is_type(object, "multipart", "alternative")) {
      for (int i = 0; i < count; ++i) {
        GMimeObject* part = g_mime_multipart_get_part(multipart, i);
        if (part != nullptr && is_type(part, "text", "plain") && !is_attachment(part))
          return text_of_part(part);
      }
      for (int i = 0; i < count; ++i) {
        GMimeObject* part = g_mime_multipart_get_part(multipart, i);
        if (part != nullptr && GMIME_IS_MULTIPART(part)) {
          if (auto text = body_text(part, depth + 1, flags)) return text;
        }
      }
    }
    for (int i = 0; i < count; ++i) {
      if (auto text = body_text(g_mime_multipart_get_part(multipart, i), depth + 1, flags))
        return text;
    }
    return std::nullopt;
  }
  // An attached message (forwarded, or the original in a bounce) is not the sender's words.
  if (!GMIME_IS_TEXT_PART(object) || is_attachment(object)) return std::nullopt;
  if (is_type(object, "text", "plain")) return text_of_part(object);
  if (is_type(object, "text", "html")) return html_to_text(text_of_part(object));
  return std::nullopt;
}

std::string finish_text(std::string_view text) {
  std::string result = strip_quoted(text);
  cap_utf8(result, kMaxText);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Bounces

std::string unfold(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

//! "rfc822; user@example.org" or "smtp; 550 …" without the type and angle brackets.
std::string_view after_type(std::string_view value) {
  auto semicolon = value.find(';');
  if (semicolon != std::string_view::npos) value = value.substr(semicolon + 1);
  return trim(value);
}

std::string strip_angles(std::string_view value) {
  value = trim(value);
  if (value.size() >= 2 && value.front() == '<' && value.back() == '>')
    value = value.substr(1, value.size() - 2);
  return std::string(trim(value));
}

//! The first "x.y.z" enhanced status code (RFC 3463) in `text`, or empty.
std::string find_status(std::string_view text, std::size_t* position = nullptr) {
  for (std::size_t i = 0; i + 5 <= text.size(); ++i) {
    char c = text[i];
    if (c != '2' && c != '4' && c != '5') continue;
    if (i > 0 && (is_alnum(text[i - 1]) || text[i - 1] == '.')) continue;
    if (text[i + 1] != '.') continue;
    std::size_t j = i + 2;
    std::size_t start = j;
    while (j < text.size() && is_digit(text[j]) && j - start < 3)
      ++j;
    if (j == start || j >= text.size() || text[j] != '.') continue;
    std::size_t third = ++j;
    while (j < text.size() && is_digit(text[j]) && j - third < 3)
      ++j;
    if (j == third) continue;
    if (j < text.size() &&
        (is_alnum(text[j]) || (text[j] == '.' && j + 1 < text.size() && is_digit(text[j + 1]))))
      continue;
    if (position != nullptr) *position = i;
    return std::string(text.substr(i, j - i));
  }
  return {};
}

std::string action_of_status(std::string_view status) {
  if (!status.empty() && status[0] == '4') return "delayed";
  if (!status.empty() && status[0] == '2') return "delivered";
  return "failed";
}

//! The per-recipient blocks of a message/delivery-status body (RFC 3464 section 2).
std::vector<DeliveryStatus> parse_delivery_status(std::string_view body) {
  std::vector<DeliveryStatus> statuses;
  std::vector<std::pair<std::string, std::string>> fields;
  auto finish_block = [&] {
    DeliveryStatus status;
    std::string original;
    for (const auto& [name, value] : fields) {
      if (name == "final-recipient") {
        status.final_recipient = strip_angles(after_type(value));
      } else if (name == "original-recipient") {
        original = strip_angles(after_type(value));
      } else if (name == "action") {
        status.action = ascii_lower(trim(value));
      } else if (name == "status") {
        status.status = find_status(value);
        if (status.status.empty()) status.status = std::string(trim(value));
      } else if (name == "diagnostic-code") {
        status.diagnostic = unfold(after_type(value));
      }
    }
    if (status.final_recipient.empty()) status.final_recipient = original;
    if (!status.final_recipient.empty() && statuses.size() < kMaxStatuses)
      statuses.push_back(std::move(status));
    fields.clear();
  };
  for (auto line : split_lines(body)) {
    if (trim(line).empty()) {
      finish_block();
      continue;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !fields.empty()) {
      fields.back().second += ' ';
      fields.back().second += trim(line);
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    fields.emplace_back(ascii_lower(trim(line.substr(0, colon))),
                        std::string(line.substr(colon + 1)));
  }
  finish_block();
  for (auto& status : statuses) {
    status.final_recipient = lower_domain(status.final_recipient);
    status.diagnostic = unfold(status.diagnostic);
    if (status.action.empty()) status.action = action_of_status(status.status);
  }
  return statuses;
}

bool looks_like_address(std::string_view word) {
  auto at = word.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < word.size() &&
         word.find_first_of(" \t,;()[]\"") == std::string_view::npos &&
         word.find('.', at) != std::string_view::npos;
}

//! Recipients and statuses of a bounce that carries no message/delivery-status: Exim's
//! X-Failed-Recipients and text ("The following address(es) failed:"), qmail and the like.
//! The report of a non-standard bounce without the copy of the original message after it.
std::string_view before_copy(std::string_view text) {
  static constexpr std::array<std::string_view, 4> kCopyMarkers{
      "------ This is a copy of the message", "--- Below this line is a copy of the message",
      "------ The body of the message", "Original message headers:"};
  auto lower = ascii_lower(text);
  for (auto marker : kCopyMarkers) {
    auto at = lower.find(ascii_lower(marker));
    if (at != std::string::npos) text = text.substr(0, std::min(at, text.size()));
  }
  return text;
}

std::vector<DeliveryStatus> statuses_from_text(std::string_view text,
                                               const std::vector<std::string>& failed) {
  text = before_copy(text);
  std::vector<std::string> recipients = failed;
  if (recipients.empty()) {
    for (auto line : split_lines(text)) {
      std::string_view word = trim(line);
      if (!word.empty() && word.back() == ':') word.remove_suffix(1);
      std::string address = strip_angles(word);
      if (looks_like_address(address)) {
        recipients.push_back(address);
        break;
      }
    }
  }
  std::vector<DeliveryStatus> statuses;
  for (const auto& recipient : recipients) {
    if (statuses.size() >= kMaxStatuses) break;
    DeliveryStatus status;
    status.final_recipient = lower_domain(recipient);
    auto from = ascii_lower(text).find(ascii_lower(recipient));
    std::string_view scope = text.substr(from == std::string::npos ? 0 : from);
    std::size_t position = 0;
    status.status = find_status(scope, &position);
    if (status.status.empty()) {
      scope = text;
      status.status = find_status(scope, &position);
    }
    if (!status.status.empty()) {
      auto line_start = scope.rfind('\n', position);
      auto line_end = scope.find('\n', position);
      line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
      status.diagnostic = unfold(scope.substr(line_start, line_end == std::string_view::npos
                                                              ? std::string_view::npos
                                                              : line_end - line_start));
    }
    status.action = action_of_status(status.status);
    statuses.push_back(std::move(status));
  }
  return statuses;
}

struct Report {
  bool delivery_status = false;
  bool disposition_notification = false;
  std::vector<DeliveryStatus> statuses;
  std::vector<GMimeObject*> originals;  // message/rfc822 and text/rfc822-headers parts
};

void scan_report(GMimeObject* object, int depth, Report& report) {
  if (object == nullptr || depth > kMaxDepth) return;
  if (GMIME_IS_MULTIPART(object)) {
    if (is_type(object, "multipart", "report")) {
      auto type = content_type_parameter(object, "report-type");
      if (type == "delivery-status" || type == "global-delivery-status") {
        report.delivery_status = true;
      } else if (type == "disposition-notification") {
        report.disposition_notification = true;
      }
    }
    GMimeMultipart* multipart = GMIME_MULTIPART(object);
    int count = g_mime_multipart_get_count(multipart);
    for (int i = 0; i < count; ++i)
      scan_report(g_mime_multipart_get_part(multipart, i), depth + 1, report);
    return;
  }
  if (is_type(object, "message", "delivery-status") ||
      is_type(object, "message", "global-delivery-status")) {
    report.delivery_status = true;
    auto statuses = parse_delivery_status(content_of_part(object));
    for (auto& status : statuses)
      if (report.statuses.size() < kMaxStatuses) report.statuses.push_back(std::move(status));
    return;
  }
  if (report.originals.size() < 4 &&
      (GMIME_IS_MESSAGE_PART(object) || is_type(object, "text", "rfc822-headers") ||
       is_type(object, "message", "rfc822-headers")))
    report.originals.push_back(object);
}

bool is_daemon(std::string_view from, std::string_view name) {
  auto at = from.rfind('@');
  std::string local = ascii_lower(from.substr(0, at == std::string_view::npos ? from.size() : at));
  return local == "mailer-daemon" || local == "postmaster" || local == "mail-daemon" ||
         icontains(name, "mail delivery") || icontains(name, "mailer-daemon");
}

bool is_bounce_subject(std::string_view subject) {
  static constexpr std::array<std::string_view, 12> kPatterns{
      "undelivered mail returned to sender",
      "delivery status notification (failure)",
      "delivery status notification (delay)",
      "mail delivery failed",
      "undeliverable:",
      "undeliverable mail",
      "delivery failure",
      "failure notice",
      "returned mail:",
      "mail delivery failure",
      "non remis",
      "unzustellbar",
  };
  auto lower = ascii_lower(subject);
  return std::any_of(kPatterns.begin(), kPatterns.end(),
                     [&](std::string_view p) { return lower.find(p) != std::string::npos; });
}

//! Tokens and Message-ID of the original message a bounce carries.
void read_original(GMimeMessage* original, InboundMessage& message) {
  if (original == nullptr) return;
  GMimeObject* object = as_object(original);
  for (const char* name : {"Return-Path", "Sender", "From", "Reply-To"}) {
    for (const auto& address : addresses_in(header(object, name)))
      add_unique(message.tokens, token_of_address(address), kMaxTokens);
  }
  add_unique(message.references, std::string(view(g_mime_message_get_message_id(original))),
             kMaxReferences);
}

//! Original headers copied into the text of a non-standard bounce (Exim's "This is a copy").
void read_original_in_text(std::string_view text, InboundMessage& message) {
  for (auto line : split_lines(text)) {
    line = trim(line);
    for (std::string_view name : {"Return-Path:", "Sender:", "From:", "Reply-To:"}) {
      if (!istarts_with(line, name)) continue;
      for (const auto& address : addresses_in(line.substr(name.size())))
        add_unique(message.tokens, token_of_address(address), kMaxTokens);
    }
    if (istarts_with(line, "Message-ID:")) {
      std::string id = strip_angles(line.substr(11));
      if (!id.empty() && id.find(' ') == std::string::npos)
        add_unique(message.references, id, kMaxReferences);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Auto-replies

std::string auto_reply_reason(GMimeObject* object, std::string_view subject) {
  auto submitted = ascii_lower(header(object, "Auto-Submitted"));
  auto semicolon = submitted.find(';');
  std::string_view submitted_value = trim(std::string_view(submitted).substr(0, semicolon));
  if (!submitted_value.empty() && submitted_value != "no")
    return "Auto-Submitted: " + std::string(submitted_value);
  if (g_mime_object_get_header(object, "X-Autoreply") != nullptr) return "X-Autoreply";
  if (g_mime_object_get_header(object, "X-Autorespond") != nullptr) return "X-Autorespond";
  if (g_mime_object_get_header(object, "X-Auto-Response-Suppress") != nullptr) {
    for (const char* name : {"X-MS-Exchange-Inbox-Rules-Loop",
                             "X-MS-Exchange-Generated-Message-Source", "X-MS-TNEF-Correlator"})
      if (g_mime_object_get_header(object, name) != nullptr)
        return std::string("X-Auto-Response-Suppress, ") + name;
  }
  auto precedence = ascii_lower(header(object, "Precedence"));
  if (precedence == "bulk" || precedence == "junk" || precedence == "list")
    return "Precedence: " + precedence;
  static constexpr std::array<std::string_view, 12> kSubjects{
      "automatic reply:",     "out of office", "out of the office",    "autoreply",
      "auto-reply",           "auto reply",    "réponse automatique",  "abwesenheitsnotiz",
      "respuesta automática", "автоответ",     "автоматический ответ", "vacation reply"};
  auto lower = ascii_lower(subject);
  for (auto pattern : kSubjects)
    if (lower.find(pattern) != std::string::npos) return "Subject: " + std::string(pattern);
  if (istarts_with(subject, "Auto:")) return "Subject: auto:";
  return {};
}

// ---------------------------------------------------------------------------------------------
// strip_quoted

bool is_attribution(std::string_view line) {
  static constexpr std::array<std::string_view, 12> kEndings{
      "wrote:",   "writes:",   "a écrit :",   "a écrit:", "a écrit\u00A0:", "escribió:",
      "schrieb:", "писал(а):", "написал(а):", "написал:", "пишет:",         "писал:"};
  line = trim(line);
  if (line.size() > 400) return false;
  if (line.size() > 1 && line.front() == '>') return false;
  if (std::any_of(kEndings.begin(), kEndings.end(),
                  [&](std::string_view e) { return iends_with(line, e); }))
    return true;
  // German puts the name after the verb: "Am 7. Dez. 2026 um 10:00 schrieb X <x@y>:".
  return istarts_with(line, "Am ") && line.back() == ':' && line.find(" schrieb ") != line.npos;
}

bool is_original_message_marker(std::string_view line) {
  line = trim(line);
  while (!line.empty() && line.front() == '-')
    line.remove_prefix(1);
  while (!line.empty() && line.back() == '-')
    line.remove_suffix(1);
  line = trim(line);
  static constexpr std::array<std::string_view, 6> kMarkers{
      "original message",   "ursprüngliche nachricht", "message d'origine",
      "исходное сообщение", "mensaje original",        "forwarded message"};
  return std::any_of(kMarkers.begin(), kMarkers.end(),
                     [&](std::string_view m) { return iequals(line, m); });
}

std::string_view without_stars(std::string_view line) {
  line = trim(line);
  while (!line.empty() && line.front() == '*')
    line.remove_prefix(1);
  return line;
}

bool starts_with_any(std::string_view line, std::initializer_list<std::string_view> names) {
  line = without_stars(line);
  return std::any_of(names.begin(), names.end(),
                     [&](std::string_view n) { return istarts_with(line, n); });
}

//! Outlook's block: "From: …" followed within a few lines by "Sent: …" (or its translations).
bool is_outlook_header(const std::vector<std::string_view>& lines, std::size_t i) {
  if (!starts_with_any(lines[i], {"From:", "De :", "De:", "Von:", "От:", "От кого:"})) return false;
  for (std::size_t j = i + 1; j < lines.size() && j <= i + 4; ++j) {
    if (starts_with_any(lines[j], {"Sent:", "Date:", "Envoyé :", "Envoyé:", "Gesendet:",
                                   "Отправлено:", "Enviado:", "Дата:"}))
      return true;
  }
  return false;
}

}  // namespace

std::string token_of_address(std::string_view address) {
  address = trim(address);
  if (address.size() >= 2 && address.front() == '<' && address.back() == '>')
    address = address.substr(1, address.size() - 2);
  auto at = address.rfind('@');
  if (at == std::string_view::npos) return {};
  std::string_view local = address.substr(0, at);
  std::string_view token;
  if (istarts_with(local, "reply+")) {
    token = local.substr(6);
  } else if (istarts_with(local, "bounce+")) {
    token = local.substr(7);
  } else {
    return {};
  }
  if (token.empty() || token.size() > kMaxTokenLength) return {};
  if (!std::all_of(token.begin(), token.end(), is_alnum)) return {};
  return std::string(token);
}

std::string strip_quoted(std::string_view text) {
  auto lines = split_lines(text);
  std::vector<std::string_view> kept;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line == "-- " || line == "--") break;
    if (is_original_message_marker(line)) break;
    std::string_view trimmed = trim(line);
    if (trimmed.size() >= 10 && trimmed.find_first_not_of('_') == std::string_view::npos) break;
    if (is_outlook_header(lines, i)) break;
    if (is_attribution(line)) break;
    // Long attributions wrap: "On Mon, 7 Dec 2026 at 10:00, Name <\nname@example.org> wrote:".
    if (i + 1 < lines.size() && !trimmed.empty() && trimmed.front() != '>' &&
        trim(lines[i + 1]).size() < 200 &&
        is_attribution(std::string(trimmed) + " " + std::string(trim(lines[i + 1]))) &&
        (istarts_with(trimmed, "On ") || istarts_with(trimmed, "Le ") ||
         istarts_with(trimmed, "El ") || istarts_with(trimmed, "Am ")))
      break;
    if (!trimmed.empty() && trimmed.front() == '>') continue;
    kept.push_back(line);
  }
  std::string out;
  bool blank = false;
  for (auto line : kept) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    if (line.empty()) {
      blank = true;
      continue;
    }
    if (!out.empty()) out += blank ? "\n\n" : "\n";
    blank = false;
    out += line;
  }
  return std::string(trim(out));
}

std::string text_of_entity(std::string_view entity) {
  gmime::ready();
  auto object = parse_entity(entity);
  if (!object) return {};
  BodyFlags flags;
  auto text = body_text(object.get(), 0, flags);
  return text ? finish_text(*text) : std::string{};
}

InboundMessage read_inbound(std::string_view raw,
                            const std::vector<std::string>& envelope_recipients) {
  gmime::ready();
  InboundMessage message;
  // The transaction's recipients hold even when the content is unreadable.
  for (const auto& recipient : envelope_recipients)
    add_unique(message.tokens, token_of_address(recipient), kMaxTokens);
  auto parsed = parse_message(raw);
  if (!parsed) return message;
  GMimeMessage* mime = parsed.get();
  GMimeObject* object = as_object(mime);

  message.message_id = to_valid_utf8(view(g_mime_message_get_message_id(mime)));
  std::string from_name;
  if (InternetAddressList* from = g_mime_message_get_from(mime);
      from != nullptr && internet_address_list_length(from) > 0) {
    InternetAddress* first = internet_address_list_get_address(from, 0);
    from_name = view(internet_address_get_name(first));
    if (INTERNET_ADDRESS_IS_MAILBOX(first))
      message.from = to_valid_utf8(
          lower_domain(view(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(first)))));
  }
  message.subject = to_valid_utf8(trim(view(g_mime_message_get_subject(mime))));

  for (const char* name : {"In-Reply-To", "References"}) {
    const char* value = g_mime_object_get_header(object, name);
    if (value == nullptr) continue;
    GMimeReferences* references = g_mime_references_parse(nullptr, value);
    if (references == nullptr) continue;
    int count = g_mime_references_length(references);
    for (int i = 0; i < count; ++i)
      add_unique(message.references,
                 to_valid_utf8(view(g_mime_references_get_message_id(references, i))),
                 kMaxReferences);
    g_mime_references_free(references);
  }

  std::vector<std::string> header_recipients = addresses_of(g_mime_message_get_to(mime));
  for (auto& address : addresses_of(g_mime_message_get_cc(mime)))
    header_recipients.push_back(std::move(address));
  for (const char* name : {"Delivered-To", "X-Original-To"})
    for (const auto& value : all_headers(object, name))
      for (auto& address : addresses_in(value))
        header_recipients.push_back(std::move(address));
  for (const auto& address : header_recipients)
    add_unique(message.tokens, token_of_address(address), kMaxTokens);

  GMimeObject* body = g_mime_message_get_mime_part(mime);
  BodyFlags flags;
  std::string text;
  if (auto found = body_text(body, 0, flags)) text = std::move(*found);
  message.encrypted = flags.encrypted;
  message.signed_ = flags.signed_;

  Report report;
  scan_report(body, 0, report);
  std::string failed_header = header(object, "X-Failed-Recipients");
  bool daemon = is_daemon(message.from, from_name);
  if (report.delivery_status) {
    message.kind = InboundMessage::Kind::bounce;
    message.statuses = std::move(report.statuses);
    for (GMimeObject* original : report.originals) {
      if (GMIME_IS_MESSAGE_PART(original)) {
        read_original(g_mime_message_part_get_message(GMIME_MESSAGE_PART(original)), message);
      } else {
        auto headers = parse_message(text_of_part(original) + "\n\n");
        read_original(headers.get(), message);
      }
    }
  } else if (!failed_header.empty() || (daemon && is_bounce_subject(message.subject))) {
    message.kind = InboundMessage::Kind::bounce;
    std::vector<std::string> failed;
    for (auto& address : addresses_in(failed_header))
      failed.push_back(std::move(address));
    message.statuses = statuses_from_text(text, failed);
    read_original_in_text(text, message);
    // Some MTAs attach the original as message/rfc822 without a multipart/report.
    for (GMimeObject* original : report.originals)
      if (GMIME_IS_MESSAGE_PART(original))
        read_original(g_mime_message_part_get_message(GMIME_MESSAGE_PART(original)), message);
    text = std::string(before_copy(text));
  } else if (report.disposition_notification) {
    message.kind = InboundMessage::Kind::auto_reply;
    message.auto_reply_reason = "multipart/report; report-type=disposition-notification";
  } else if (auto reason = auto_reply_reason(object, message.subject); !reason.empty()) {
    message.kind = InboundMessage::Kind::auto_reply;
    message.auto_reply_reason = std::move(reason);
  }

  if (!message.encrypted) message.text = finish_text(text);
  return message;
}

}  // namespace liaison::mail
