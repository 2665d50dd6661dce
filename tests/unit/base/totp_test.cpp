#include "base/totp.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace liaison {
namespace {

using std::chrono::system_clock;

// RFC 6238 appendix B: the SHA-1 key is the ASCII text "12345678901234567890".
constexpr std::string_view kRfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

system_clock::time_point at(std::int64_t unix_seconds) {
  return system_clock::time_point(std::chrono::seconds(unix_seconds));
}

std::string code_at(std::int64_t unix_seconds) {
  return totp_code(kRfcSecret, at(unix_seconds)).value();
}

//! Hands out the given bytes, repeated as needed, and records what was asked of it.
class FixedRandom final : public RandomSource {
 public:
  explicit FixedRandom(std::string bytes) : bytes_(std::move(bytes)) {}
  void fill(std::span<std::byte> out) override {
    requests.push_back(out.size());
    for (auto& byte : out) {
      byte = static_cast<std::byte>(bytes_[next_ % bytes_.size()]);
      ++next_;
    }
  }
  std::vector<std::size_t> requests;

 private:
  std::string bytes_;
  std::size_t next_ = 0;
};

// --- totp_code and totp_step -----------------------------------------------------------------

TEST(TotpCode, MatchesTheRfc6238Sha1Vectors) {
  // The last six digits of each eight-digit vector.
  EXPECT_EQ(code_at(59), "287082");
  EXPECT_EQ(code_at(1111111109), "081804");
  EXPECT_EQ(code_at(1111111111), "050471");
  EXPECT_EQ(code_at(1234567890), "005924");
  EXPECT_EQ(code_at(2000000000), "279037");
  // 20000000000 s lies past 2262, beyond a system_clock::time_point (64-bit nanoseconds).
  EXPECT_EQ(totp_code_for_step(kRfcSecret, 20000000000 / 30).value(), "353130");
}

TEST(TotpCode, ForStepAgreesWithTheTime) {
  EXPECT_EQ(totp_code_for_step(kRfcSecret, 1).value(), "287082");
  EXPECT_EQ(totp_code_for_step(kRfcSecret, 1111111109 / 30).value(), "081804");
  EXPECT_EQ(totp_code_for_step(kRfcSecret, 0).value(), code_at(0));
  EXPECT_EQ(totp_code_for_step(kRfcSecret, -1).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(totp_code_for_step("ABC", 1).error().code, ErrorCode::invalid_argument);
}

TEST(TotpCode, IsTheSameThroughoutAStep) {
  EXPECT_EQ(code_at(30), code_at(59));
  EXPECT_EQ(totp_code(kRfcSecret, at(59) + std::chrono::milliseconds(999)).value(), "287082");
  EXPECT_NE(code_at(59), code_at(60));
}

TEST(TotpCode, RejectsMalformedSecretsWithoutQuotingThem) {
  for (std::string_view secret :
       {"", "gezdgnbvgy3tqojqgezdgnbvgy3tqojq", "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ====", "MZXW6===", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ0", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ8",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ!", "A", "ABC", "ABCDEF", "MZXW7"}) {
    auto code = totp_code(secret, at(59));
    ASSERT_FALSE(code) << secret;
    EXPECT_EQ(code.error().code, ErrorCode::invalid_argument) << secret;
    if (!secret.empty()) {
      EXPECT_EQ(code.error().message.find(secret), std::string::npos);
    }
  }
}

TEST(TotpCode, AcceptsEveryCanonicalLength) {
  // 1 to 5 bytes: 2, 4, 5, 7 and 8 digits.
  for (std::string_view secret : {"ME", "MFRA", "MFRGG", "MFRGGZA", "MFRGGZDF"})
    EXPECT_TRUE(totp_code(secret, at(59))) << secret;
}

TEST(TotpCode, RejectsTimesBefore1970) {
  auto code = totp_code(kRfcSecret, at(-1));
  ASSERT_FALSE(code);
  EXPECT_EQ(code.error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(totp_code(kRfcSecret, at(0)));
}

TEST(TotpStep, CountsThirtySecondStepsRoundingDown) {
  EXPECT_EQ(totp_step(at(0)), 0);
  EXPECT_EQ(totp_step(at(29)), 0);
  EXPECT_EQ(totp_step(at(30)), 1);
  EXPECT_EQ(totp_step(at(59)), 1);
  EXPECT_EQ(totp_step(at(59) + std::chrono::milliseconds(999)), 1);
  EXPECT_EQ(totp_step(at(1111111111)), 37037037);
  EXPECT_EQ(totp_step(at(9000000000)), 300000000);  // year 2255, near the end of time_point
  EXPECT_EQ(totp_step(at(-1)), -1);
  EXPECT_EQ(totp_step(at(-30)), -1);
  EXPECT_EQ(totp_step(at(-31)), -2);
}

// --- verify_totp -----------------------------------------------------------------------------

constexpr std::int64_t kNow = 1111111111;  // step 37037037
constexpr std::int64_t kStep = 37037037;
constexpr std::int64_t kNeverUsed = -1;

TEST(VerifyTotp, AcceptsTheCurrentStep) {
  EXPECT_EQ(verify_totp(kRfcSecret, "050471", at(kNow), kNeverUsed), kStep);
}

TEST(VerifyTotp, AcceptsOneStepOfDriftEitherWay) {
  EXPECT_EQ(verify_totp(kRfcSecret, code_at(kNow - 30), at(kNow), kNeverUsed), kStep - 1);
  EXPECT_EQ(verify_totp(kRfcSecret, code_at(kNow + 30), at(kNow), kNeverUsed), kStep + 1);
  EXPECT_EQ(verify_totp(kRfcSecret, "081804", at(kNow), kNeverUsed), kStep - 1);  // T=1111111109
}

TEST(VerifyTotp, RejectsTwoStepsOfDrift) {
  EXPECT_EQ(verify_totp(kRfcSecret, code_at(kNow - 60), at(kNow), kNeverUsed), std::nullopt);
  EXPECT_EQ(verify_totp(kRfcSecret, code_at(kNow + 60), at(kNow), kNeverUsed), std::nullopt);
}

TEST(VerifyTotp, RejectsAReplayedCode) {
  auto step = verify_totp(kRfcSecret, "050471", at(kNow), kNeverUsed);
  ASSERT_EQ(step, kStep);
  // The same code again, in the same step or the next one.
  EXPECT_EQ(verify_totp(kRfcSecret, "050471", at(kNow), *step), std::nullopt);
  EXPECT_EQ(verify_totp(kRfcSecret, "050471", at(kNow + 30), *step), std::nullopt);
  // A code of an earlier step than the last one used, though still inside the window.
  EXPECT_EQ(verify_totp(kRfcSecret, code_at(kNow - 30), at(kNow), *step), std::nullopt);
  // Once a later step was used, the current one is spent too.
  EXPECT_EQ(verify_totp(kRfcSecret, "050471", at(kNow), kStep + 1), std::nullopt);
  // The next step's code is still good.
  EXPECT_EQ(verify_totp(kRfcSecret, code_at(kNow + 30), at(kNow + 30), *step), kStep + 1);
}

TEST(VerifyTotp, RejectsAWrongCode) {
  EXPECT_EQ(verify_totp(kRfcSecret, "050472", at(kNow), kNeverUsed), std::nullopt);
  EXPECT_EQ(verify_totp(kRfcSecret, "000000", at(kNow), kNeverUsed), std::nullopt);
}

TEST(VerifyTotp, IgnoresSpacesInsideTheCode) {
  EXPECT_EQ(verify_totp(kRfcSecret, "050 471", at(kNow), kNeverUsed), kStep);
  EXPECT_EQ(verify_totp(kRfcSecret, " 05 04 71 ", at(kNow), kNeverUsed), kStep);
}

TEST(VerifyTotp, RejectsMalformedCodes) {
  for (std::string_view code : {"", "      ", "50471", "0504710", "05047a", "+50471", "-50471",
                                "050\t471", "050-471", "050471\n",
                                "\xef\xbc\x90"
                                "50471"}) {
    EXPECT_EQ(verify_totp(kRfcSecret, code, at(kNow), kNeverUsed), std::nullopt) << code;
  }
  EXPECT_EQ(verify_totp(kRfcSecret, std::string_view("050471\0", 7), at(kNow), kNeverUsed),
            std::nullopt);
}

TEST(VerifyTotp, RejectsMalformedSecrets) {
  for (std::string_view secret :
       {"", "gezdgnbvgy3tqojqgezdgnbvgy3tqojq", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ====", "ABC"})
    EXPECT_EQ(verify_totp(secret, "050471", at(kNow), kNeverUsed), std::nullopt) << secret;
}

TEST(VerifyTotp, SkipsStepsBefore1970) {
  EXPECT_EQ(verify_totp(kRfcSecret, code_at(0), at(0), kNeverUsed), 0);
  EXPECT_EQ(verify_totp(kRfcSecret, code_at(30), at(0), kNeverUsed), 1);
}

// --- new_totp_secret -------------------------------------------------------------------------

TEST(NewTotpSecret, EncodesTwentyRandomBytesAsUnpaddedBase32) {
  FixedRandom random("12345678901234567890");
  EXPECT_EQ(new_totp_secret(random), kRfcSecret);
  EXPECT_EQ(random.requests, std::vector<std::size_t>{20});
}

TEST(NewTotpSecret, UsesOnlyTheBase32Alphabet) {
  SystemRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto secret = new_totp_secret(random);
    ASSERT_EQ(secret.size(), 32u);
    EXPECT_EQ(secret.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), std::string::npos)
        << secret;
    EXPECT_TRUE(totp_code(secret, at(kNow)));
    seen.insert(secret);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(NewTotpSecret, RoundTripsEveryByteValue) {
  FixedRandom random(std::string("\x00\xff\x80\x7f\x01", 5));
  auto secret = new_totp_secret(random);
  EXPECT_EQ(secret, "AD7YA7YBAD7YA7YBAD7YA7YBAD7YA7YB");
  auto code = totp_code(secret, at(kNow)).value();
  EXPECT_EQ(verify_totp(secret, code, at(kNow), kNeverUsed), kStep);
}

// --- totp_uri --------------------------------------------------------------------------------

TEST(TotpUri, FollowsTheKeyUriFormat) {
  EXPECT_EQ(totp_uri("Liaison", "alice", kRfcSecret),
            "otpauth://totp/Liaison:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=Liaison&algorithm=SHA1&digits=6&period=30");
}

TEST(TotpUri, PercentEncodesIssuerAndAccount) {
  // A ':' in the issuer would split the label; '+' reads as a space in a query; '@' and ' ' too
  // are encoded, as is anything outside ASCII.
  EXPECT_EQ(totp_uri("OSCE: Liaison", "poc+cyber@example.org", kRfcSecret),
            "otpauth://totp/OSCE%3A%20Liaison:poc%2Bcyber%40example.org"
            "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=OSCE%3A%20Liaison"
            "&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(totp_uri("A&B=C?#/", "\xc3\xa9t\xc3\xa9", "ME"),
            "otpauth://totp/A%26B%3DC%3F%23%2F:%C3%A9t%C3%A9?secret=ME&issuer=A%26B%3DC%3F%23%2F"
            "&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace liaison
