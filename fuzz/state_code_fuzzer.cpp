// domain::parse_state_code on arbitrary bytes. Property: a success is exactly the input's 2 or 3
// ASCII letters in upper case, in the variant that matches the length; a failure happens
// precisely when the input is not 2 or 3 ASCII letters.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "domain/state.h"

namespace {

bool is_ascii_letter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

char upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = liaison::domain::parse_state_code(text);

  bool acceptable = text.size() == 2 || text.size() == 3;
  for (char c : text)
    acceptable = acceptable && is_ascii_letter(c);

  if (!parsed) {
    if (acceptable) __builtin_trap();  // rejected a valid code
    if (parsed.error().message.empty()) __builtin_trap();
    return 0;
  }
  if (!acceptable) __builtin_trap();  // accepted something that is not 2 or 3 letters

  const std::string& code =
      std::visit([](const auto& c) -> const std::string& { return c.code; }, *parsed);
  if (code.size() != text.size()) __builtin_trap();
  if (std::holds_alternative<liaison::domain::Alpha2>(*parsed) != (code.size() == 2))
    __builtin_trap();
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (code[i] < 'A' || code[i] > 'Z') __builtin_trap();
    if (code[i] != upper(text[i])) __builtin_trap();
  }
  return 0;
}
