#include "base/crypto.h"

#include <set>
#include <span>
#include <string>

#include <gtest/gtest.h>

namespace liaison {
namespace {

//! Fills every byte with one value.
class ConstantRandom final : public RandomSource {
 public:
  explicit ConstantRandom(unsigned char value) : value_(value) {}
  void fill(std::span<std::byte> out) override {
    for (auto& byte : out)
      byte = static_cast<std::byte>(value_);
  }

 private:
  unsigned char value_;
};

bool is_base64url(std::string_view text) {
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

TEST(CryptoConstantTimeEqual, ComparesContent) {
  EXPECT_TRUE(constant_time_equal("secret-token", "secret-token"));
  EXPECT_FALSE(constant_time_equal("secret-token", "secret-tokeN"));
  EXPECT_FALSE(constant_time_equal("secret-token", "Secret-token"));
  EXPECT_FALSE(constant_time_equal("secret-token", "secret-token-longer"));
  EXPECT_FALSE(constant_time_equal("secret-token", "secret"));
  EXPECT_FALSE(constant_time_equal("", "x"));
  EXPECT_FALSE(constant_time_equal("x", ""));
  EXPECT_TRUE(constant_time_equal("", ""));
  // Embedded NUL bytes count.
  EXPECT_FALSE(constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
  EXPECT_FALSE(constant_time_equal(std::string_view("a\0", 2), std::string_view("a", 1)));
}

TEST(CryptoSha256Hex, KnownVectors) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(CryptoRandomToken, Base64UrlWithoutPadding) {
  SystemRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto token = random_token(random);
    EXPECT_EQ(token.size(), 43u) << token;  // 32 bytes = 256 bits = 43 characters
    EXPECT_TRUE(is_base64url(token)) << token;
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 50u);
  EXPECT_EQ(random_token(random, 16).size(), 22u);
  EXPECT_EQ(random_token(random, 3).size(), 4u);
}

TEST(CryptoRandomToken, UsesTheUrlSafeAlphabet) {
  ConstantRandom ones(0xFF);
  EXPECT_EQ(random_token(ones), std::string(42, '_') + "8");
  ConstantRandom zeros(0x00);
  EXPECT_EQ(random_token(zeros), std::string(43, 'A'));
  ConstantRandom fb(0xFB);  // 111110 11 → '-' appears
  auto token = random_token(fb, 3);
  EXPECT_EQ(token, "-_v7");
}

TEST(CryptoPasswordHash, RoundTrip) {
  auto hash = hash_password("correct horse battery staple");
  ASSERT_TRUE(hash) << hash.error().message;
  EXPECT_TRUE(hash->starts_with("$argon2id$")) << *hash;
  EXPECT_TRUE(verify_password(*hash, "correct horse battery staple"));
  EXPECT_FALSE(verify_password(*hash, "correct horse battery stapl"));
  EXPECT_FALSE(verify_password(*hash, "Correct horse battery staple"));
  EXPECT_FALSE(verify_password(*hash, ""));
  // Salted: the same password hashes differently each time.
  auto again = hash_password("correct horse battery staple");
  ASSERT_TRUE(again);
  EXPECT_NE(*hash, *again);
  EXPECT_TRUE(verify_password(*again, "correct horse battery staple"));
}

TEST(CryptoPasswordHash, MalformedHashesVerifyNothing) {
  EXPECT_FALSE(verify_password("", ""));
  EXPECT_FALSE(verify_password("not a hash", "not a hash"));
  EXPECT_FALSE(verify_password("$argon2id$v=19$m=65536,t=2,p=1$", "password"));
  EXPECT_FALSE(verify_password(decoy_password_hash(), ""));
  EXPECT_FALSE(verify_password(decoy_password_hash(), "password1234"));
  EXPECT_TRUE(decoy_password_hash().starts_with("$argon2id$"));
}

}  // namespace
}  // namespace liaison
