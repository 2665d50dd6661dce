#include "base/random.h"

#include <stdexcept>

#include <sodium.h>

namespace liaison {

SystemRandom::SystemRandom() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

void SystemRandom::fill(std::span<std::byte> out) {
  if (out.empty()) return;  // an empty span may have no storage; libsodium wants a real pointer
  randombytes_buf(out.data(), out.size());
}

std::string to_hex(std::span<const std::byte> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 2);
  for (auto byte : bytes) {
    auto value = std::to_integer<unsigned>(byte);
    text.push_back(kDigits[value >> 4]);
    text.push_back(kDigits[value & 0xfu]);
  }
  return text;
}

std::string make_uuid_v7(RandomSource& random, std::uint64_t unix_milliseconds) {
  std::array<std::byte, 16> bytes{};
  random.fill(bytes);
  for (int i = 0; i < 6; ++i) {
    bytes[static_cast<std::size_t>(i)] =
        static_cast<std::byte>((unix_milliseconds >> (8 * (5 - i))) & 0xffu);
  }
  bytes[6] = (bytes[6] & std::byte{0x0f}) | std::byte{0x70};  // version 7
  bytes[8] = (bytes[8] & std::byte{0x3f}) | std::byte{0x80};  // RFC 9562 variant
  auto hex = to_hex(bytes);
  return hex.substr(0, 8) + '-' + hex.substr(8, 4) + '-' + hex.substr(12, 4) + '-' +
         hex.substr(16, 4) + '-' + hex.substr(20);
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

}  // namespace liaison
