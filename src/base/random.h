#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace liaison {

//! Where identifiers and secrets get their randomness. Production uses the operating
//! system's CSPRNG (libsodium); tests may seed a deterministic one.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual void fill(std::span<std::byte> out) = 0;
};

class SystemRandom final : public RandomSource {
 public:
  SystemRandom();
  void fill(std::span<std::byte> out) override;
};

//! A UUID version 7 (RFC 9562): 48-bit Unix milliseconds then 74 random bits, so identifiers are
//! unguessable yet index well. Returned in the canonical lower-case 8-4-4-4-12 form.
std::string make_uuid_v7(RandomSource& random, std::uint64_t unix_milliseconds);

//! True for the canonical text form of any UUID (case-insensitive).
bool is_uuid(std::string_view text);

std::string to_hex(std::span<const std::byte> bytes);

}  // namespace liaison
