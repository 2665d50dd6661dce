#include "base/totp.h"

#include <array>
#include <cstddef>
#include <cstdlib>
#include <liboath/oath.h>
#include <new>
#include <stdexcept>
#include <utility>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <sodium.h>

namespace liaison {
namespace {

constexpr std::size_t kSecretBytes = 20;  // 160 bits, the length RFC 4226 recommends
constexpr auto kDigits = static_cast<std::size_t>(kTotpDigits);
using Code = std::array<char, kDigits>;

static_assert(kTotpStepSeconds == OATH_TOTP_DEFAULT_TIME_STEP_SIZE);

//! liboath and libsodium, initialised once (thread-safe: a function-local static).
bool libraries_ready() {
  static const bool ready = oath_init() == OATH_OK && sodium_init() >= 0;
  return ready;
}

//! The value of an RFC 4648 base32 digit, or -1.
int base32_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

//! True for canonical base32 as new_totp_secret writes it: upper case, no padding, no spaces, a
//! length that ends on a whole byte, and unused trailing bits zero. liboath alone is laxer: it
//! accepts "" (an empty key), lower case, spaces and non-zero trailing bits.
bool is_canonical_base32(std::string_view text) {
  // Bits of the last digit that carry no data, for each length modulo 8 (-1: impossible length).
  static constexpr std::array<int, 8> kUnusedBits = {0, -1, 2, -1, 4, 1, -1, 3};
  if (text.empty()) return false;
  auto unused = kUnusedBits[text.size() % 8];
  if (unused < 0) return false;
  for (auto c : text) {
    if (base32_value(c) < 0) return false;
  }
  auto last = static_cast<unsigned>(base32_value(text.back()));
  return (last & ((1u << static_cast<unsigned>(unused)) - 1u)) == 0;
}

//! A decoded secret, wiped before its memory is returned.
class SecretKey {
 public:
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey() {
    if (data_ != nullptr) sodium_memzero(data_, size_);
    std::free(data_);  // liboath allocates with malloc
  }

  static Result<SecretKey> decode(std::string_view base32) {
    if (!is_canonical_base32(base32))
      return Error::invalid_argument("the TOTP secret is not valid base32");
    if (!libraries_ready()) return Error::internal("liboath could not be initialised");
    SecretKey key;
    auto rc = oath_base32_decode(base32.data(), base32.size(), &key.data_, &key.size_);
    if (rc != OATH_OK || key.size_ == 0)
      return Error::invalid_argument("the TOTP secret is not valid base32");
    return key;
  }

  SecretKey(SecretKey&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  SecretKey& operator=(SecretKey&&) = delete;

  //! The HOTP value (RFC 4226) of counter `step`: what an authenticator shows during that step.
  Result<Code> code(std::int64_t step) const {
    if (step < 0) return Error::invalid_argument("TOTP time steps start in 1970");
    std::array<char, kDigits + 1> text{};  // liboath writes a terminating NUL
    auto rc = oath_hotp_generate(data_, size_, static_cast<std::uint64_t>(step), kTotpDigits, false,
                                 OATH_HOTP_DYNAMIC_TRUNCATION, text.data());
    if (rc != OATH_OK) return Error::internal(std::string("liboath: ") + oath_strerror(rc));
    Code code{};
    for (std::size_t i = 0; i < kDigits; ++i)
      code[i] = text[i];
    return code;
  }

 private:
  SecretKey() = default;

  char* data_ = nullptr;
  std::size_t size_ = 0;
};

//! `text` without its spaces, when what remains is exactly kTotpDigits ASCII digits.
std::optional<Code> parse_code(std::string_view text) {
  Code code{};
  std::size_t length = 0;
  for (auto c : text) {
    if (c == ' ') continue;
    if (c < '0' || c > '9' || length == kDigits) return std::nullopt;
    code[length++] = c;
  }
  if (length != kDigits) return std::nullopt;
  return code;
}

std::string percent_encode(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

}  // namespace

std::string new_totp_secret(RandomSource& random) {
  std::array<std::byte, kSecretBytes> bytes{};
  random.fill(bytes);
  char* encoded = nullptr;
  std::size_t length = 0;
  // Twenty bytes are exactly 32 base32 digits, so liboath adds no '=' padding.
  auto rc = oath_base32_encode(reinterpret_cast<const char*>(bytes.data()), bytes.size(), &encoded,
                               &length);
  sodium_memzero(bytes.data(), bytes.size());
  if (rc == OATH_MALLOC_ERROR) throw std::bad_alloc();
  if (rc != OATH_OK) throw std::runtime_error(std::string("liboath: ") + oath_strerror(rc));
  std::string secret(encoded, length);
  sodium_memzero(encoded, length);
  std::free(encoded);  // liboath allocates with malloc
  return secret;
}

std::int64_t totp_step(std::chrono::system_clock::time_point at) {
  auto seconds = std::chrono::floor<std::chrono::seconds>(at.time_since_epoch()).count();
  auto step = seconds / kTotpStepSeconds;
  if (seconds % kTotpStepSeconds < 0) --step;  // round down before 1970 too
  return step;
}

Result<std::string> totp_code(std::string_view base32_secret,
                              std::chrono::system_clock::time_point at) {
  return totp_code_for_step(base32_secret, totp_step(at));
}

Result<std::string> totp_code_for_step(std::string_view base32_secret, std::int64_t step) {
  auto key = SecretKey::decode(base32_secret);
  if (!key) return key.error();
  auto code = key->code(step);
  if (!code) return code.error();
  return std::string(code->data(), code->size());
}

std::optional<std::int64_t> verify_totp(std::string_view base32_secret, std::string_view code,
                                        std::chrono::system_clock::time_point now,
                                        std::int64_t last_used_step) {
  auto given = parse_code(code);
  if (!given) return std::nullopt;
  auto key = SecretKey::decode(base32_secret);
  if (!key) return std::nullopt;
  auto current = totp_step(now);
  std::optional<std::int64_t> matched;
  // Every candidate is computed and compared, in ascending order, so the latest unused step wins.
  for (auto step = current - 1; step <= current + 1; ++step) {
    if (step < 0) continue;
    auto expected = key->code(step);
    if (!expected) return std::nullopt;
    auto equal = sodium_memcmp(expected->data(), given->data(), kDigits) == 0;
    if (equal && step > last_used_step) matched = step;
  }
  return matched;
}

std::string totp_uri(std::string_view issuer, std::string_view account,
                     std::string_view base32_secret) {
  auto encoded_issuer = percent_encode(issuer);
  return "otpauth://totp/" + encoded_issuer + ':' + percent_encode(account) +
         "?secret=" + percent_encode(base32_secret) + "&issuer=" + encoded_issuer +
         "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) +
         "&period=" + std::to_string(kTotpStepSeconds);
}

}  // namespace liaison
