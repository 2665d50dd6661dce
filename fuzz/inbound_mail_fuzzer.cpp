// mail::read_inbound on arbitrary bytes, as the LMTP receiver hands it over. Properties: it
// returns (no crash, leak or exception) and what it returns keeps the reader's limits: tokens
// are [A-Za-z0-9]{1,64}, the text at most 64 KiB of valid UTF-8, statuses only on bounces and
// auto_reply_reason only on auto-replies. text_of_entity and strip_quoted get the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/text.h"
#include "mail/inbound_message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using liaison::mail::InboundMessage;
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  static const std::vector<std::string> recipients{"reply+Fuzz1@liaison.example.org",
                                                   "bounce+Fuzz2@liaison.example.org",
                                                   "secretariat@liaison.example.org"};
  auto message = liaison::mail::read_inbound(raw, recipients);

  if (message.tokens.size() < 2 || message.tokens[0] != "Fuzz1" || message.tokens[1] != "Fuzz2")
    __builtin_trap();
  for (const auto& token : message.tokens) {
    if (token.empty() || token.size() > 64) __builtin_trap();
    for (char c : token) {
      bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!ok) __builtin_trap();
    }
  }
  if (message.text.size() > 64 * 1024) __builtin_trap();
  if (!liaison::is_valid_utf8(message.text)) __builtin_trap();
  if (!liaison::is_valid_utf8(message.subject)) __builtin_trap();
  if (message.kind != InboundMessage::Kind::bounce && !message.statuses.empty()) __builtin_trap();
  if ((message.kind == InboundMessage::Kind::auto_reply) == message.auto_reply_reason.empty())
    __builtin_trap();
  if (message.encrypted && !message.text.empty()) __builtin_trap();

  auto entity = liaison::mail::text_of_entity(raw);
  if (entity.size() > 64 * 1024 || !liaison::is_valid_utf8(entity)) __builtin_trap();
  // The plain-text path alone, on a bounded slice.
  auto stripped = liaison::mail::strip_quoted(raw.substr(0, 64 * 1024));
  if (stripped.size() > 64 * 1024) __builtin_trap();
  return 0;
}
