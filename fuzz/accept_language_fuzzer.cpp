// domain::negotiate_language and domain::language_from_tag on arbitrary text.
// Properties: both return one of the six UN languages (or nothing); language_from_tag depends
// only on the primary subtag, case-insensitively; negotiation of a single bare tag agrees with
// language_from_tag (English when it names none); appending a worse-quality entry or a malformed
// one never changes the choice.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/language.h"

namespace {

using liaison::domain::Language;

bool is_un_language(Language language) {
  return std::find(liaison::domain::kLanguages.begin(), liaison::domain::kLanguages.end(),
                   language) != liaison::domain::kLanguages.end();
}

std::string upper_ascii(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  auto negotiated = liaison::domain::negotiate_language(text);
  if (!is_un_language(negotiated)) __builtin_trap();
  auto code = liaison::domain::language_code(negotiated);
  if (code.size() != 2) __builtin_trap();

  auto tagged = liaison::domain::language_from_tag(text);
  if (tagged && !is_un_language(*tagged)) __builtin_trap();

  // Case does not matter to a tag.
  if (liaison::domain::language_from_tag(upper_ascii(text)) != tagged) __builtin_trap();

  // Only the primary subtag counts: whatever follows the first '-' or '_' is ignored.
  auto separator = text.find_first_of("-_");
  if (separator != std::string_view::npos &&
      liaison::domain::language_from_tag(text.substr(0, separator)) != tagged)
    __builtin_trap();

  // A single entry without separators or parameters negotiates to what the tag names.
  if (text.find_first_of(",;") == std::string_view::npos &&
      negotiated != tagged.value_or(Language::english))
    __builtin_trap();

  // Entries after the chosen one with a lower quality, or malformed ones, change nothing.
  std::string extended(text);
  extended += ", de;q=0.000, fr;q=bogus, ;;;";
  if (liaison::domain::negotiate_language(extended) != negotiated) __builtin_trap();

  return 0;
}
