#include "base/crypto.h"

#include <array>
#include <cstddef>
#include <stdexcept>
#include <vector>

#include <sodium.h>

namespace liaison {
namespace {

// libsodium picks its implementations at initialisation; sodium_init is idempotent and
// thread-safe, so every entry point may call it.
void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium could not be initialised");
}

}  // namespace

bool constant_time_equal(std::string_view a, std::string_view b) {
  ensure_sodium();
  // Compare fixed-length digests so that unequal lengths take the same path as unequal content.
  std::array<unsigned char, crypto_generichash_BYTES> digest_a{};
  std::array<unsigned char, crypto_generichash_BYTES> digest_b{};
  crypto_generichash(digest_a.data(), digest_a.size(),
                     reinterpret_cast<const unsigned char*>(a.data()), a.size(), nullptr, 0);
  crypto_generichash(digest_b.data(), digest_b.size(),
                     reinterpret_cast<const unsigned char*>(b.data()), b.size(), nullptr, 0);
  return sodium_memcmp(digest_a.data(), digest_b.data(), digest_a.size()) == 0;
}

std::string sha256_hex(std::string_view data) {
  std::array<std::byte, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return to_hex(digest);
}

std::string random_token(RandomSource& random, std::size_t bytes) {
  std::vector<std::byte> raw(bytes);
  random.fill(raw);
  std::string encoded(sodium_base64_encoded_len(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                      '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), reinterpret_cast<unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  encoded.resize(encoded.find('\0'));
  sodium_memzero(raw.data(), raw.size());
  return encoded;
}

Result<std::string> hash_password(std::string_view password) {
  ensure_sodium();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error::internal("password hashing ran out of memory");
  }
  return std::string(out.data());
}

bool verify_password(std::string_view stored_hash, std::string_view password) {
  ensure_sodium();
  std::string terminated(stored_hash);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

const std::string& decoy_password_hash() {
  static const std::string decoy = [] {
    std::array<unsigned char, 32> random_password{};
    randombytes_buf(random_password.data(), random_password.size());
    auto hashed =
        hash_password(std::string_view(reinterpret_cast<const char*>(random_password.data()), 32));
    return hashed ? *hashed : std::string();
  }();
  return decoy;
}

}  // namespace liaison
