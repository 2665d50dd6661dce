#include "base/random.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace liaison {
namespace {

//! Hands out a fixed byte sequence (repeated as needed) and records what was asked of it.
class FixedRandom final : public RandomSource {
 public:
  explicit FixedRandom(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}
  void fill(std::span<std::byte> out) override {
    requests.push_back(out.size());
    for (auto& byte : out) {
      byte = static_cast<std::byte>(bytes_[next_ % bytes_.size()]);
      ++next_;
    }
  }
  std::vector<std::size_t> requests;

 private:
  std::vector<std::uint8_t> bytes_;
  std::size_t next_ = 0;
};

std::vector<std::uint8_t> counting_bytes() {
  std::vector<std::uint8_t> bytes;
  for (std::uint8_t i = 0; i < 16; ++i)
    bytes.push_back(i);
  return bytes;
}

std::uint64_t timestamp_of(const std::string& uuid) {
  auto hex = uuid.substr(0, 8) + uuid.substr(9, 4);
  return std::stoull(hex, nullptr, 16);
}

unsigned hex_digit(char c) {
  return static_cast<unsigned>(std::stoul(std::string(1, c), nullptr, 16));
}

// --- make_uuid_v7 ----------------------------------------------------------------------------

TEST(MakeUuidV7, MatchesTheRfc9562ExampleForTheSameTimestampAndRandomBits) {
  // RFC 9562 Appendix A.6: 017F22E2-79B0-7CC3-98C4-DC0C0C07398F.
  FixedRandom random({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0xc3, 0x18, 0xc4, 0xdc, 0x0c, 0x0c,
                      0x07, 0x39, 0x8f});
  EXPECT_EQ(make_uuid_v7(random, 0x017F22E279B0), "017f22e2-79b0-7cc3-98c4-dc0c0c07398f");
}

TEST(MakeUuidV7, IsExactForAllZeroRandomness) {
  FixedRandom random({0x00});
  EXPECT_EQ(make_uuid_v7(random, 0x0123456789ab), "01234567-89ab-7000-8000-000000000000");
}

TEST(MakeUuidV7, IsExactForAllOnesRandomness) {
  FixedRandom random({0xff});
  EXPECT_EQ(make_uuid_v7(random, 0x0123456789ab), "01234567-89ab-7fff-bfff-ffffffffffff");
}

TEST(MakeUuidV7, KeepsEveryRandomBitOutsideTheVersionAndVariant) {
  FixedRandom random(counting_bytes());
  EXPECT_EQ(make_uuid_v7(random, 0), "00000000-0000-7607-8809-0a0b0c0d0e0f");
}

TEST(MakeUuidV7, AsksForSixteenBytesOnce) {
  FixedRandom random({0x5a});
  make_uuid_v7(random, 1);
  EXPECT_EQ(random.requests, std::vector<std::size_t>{16});
}

TEST(MakeUuidV7, SetsVersionSevenAndTheRfcVariant) {
  for (int fill : {0x00, 0x3c, 0x7f, 0x80, 0xc5, 0xff}) {
    FixedRandom random({static_cast<std::uint8_t>(fill)});
    auto uuid = make_uuid_v7(random, 1'700'000'000'000);
    ASSERT_EQ(uuid.size(), 36u);
    EXPECT_EQ(uuid[14], '7') << uuid;
    EXPECT_EQ(hex_digit(uuid[19]) & 0xcu, 0x8u) << uuid;  // 10xx
  }
}

TEST(MakeUuidV7, TimestampPrefixRoundTrips) {
  FixedRandom random(counting_bytes());
  for (std::uint64_t ms : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{1'700'000'000'000},
                           std::uint64_t{1'795'000'000'123}, std::uint64_t{0xffff'ffff'ffff}}) {
    auto uuid = make_uuid_v7(random, ms);
    EXPECT_EQ(timestamp_of(uuid), ms) << uuid;
  }
}

TEST(MakeUuidV7, TimestampIsBigEndianSoLaterIdsSortLater) {
  FixedRandom random({0xff});
  auto earlier = make_uuid_v7(random, 0x00ff'ffff'ffff);
  FixedRandom zeros({0x00});
  auto later = make_uuid_v7(zeros, 0x0100'0000'0000);
  EXPECT_LT(earlier, later);
}

TEST(MakeUuidV7, IsCanonicalLowerCaseText) {
  FixedRandom random({0xab, 0xcd, 0xef});
  auto uuid = make_uuid_v7(random, 0xabcdef012345);
  EXPECT_TRUE(is_uuid(uuid)) << uuid;
  for (char c : uuid)
    EXPECT_TRUE(c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << uuid;
  EXPECT_EQ(uuid[8], '-');
  EXPECT_EQ(uuid[13], '-');
  EXPECT_EQ(uuid[18], '-');
  EXPECT_EQ(uuid[23], '-');
}

TEST(MakeUuidV7, SystemRandomGivesDistinctValidIdentifiers) {
  SystemRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto uuid = make_uuid_v7(random, 1'700'000'000'000);  // same millisecond: randomness only
    ASSERT_TRUE(is_uuid(uuid)) << uuid;
    ASSERT_EQ(uuid[14], '7') << uuid;
    ASSERT_EQ(hex_digit(uuid[19]) & 0xcu, 0x8u) << uuid;
    ASSERT_EQ(timestamp_of(uuid), 1'700'000'000'000u) << uuid;
    seen.insert(uuid);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(SystemRandom, FillsTheWholeBufferAndDiffersBetweenCalls) {
  SystemRandom random;
  std::array<std::byte, 32> first{};
  std::array<std::byte, 32> second{};
  random.fill(first);
  random.fill(second);
  EXPECT_NE(first, second);
  EXPECT_NE(first, (std::array<std::byte, 32>{}));
  random.fill(std::span<std::byte>{});  // an empty request is fine
}

// --- is_uuid ---------------------------------------------------------------------------------

TEST(IsUuid, AcceptsCanonicalFormsOfAnyVersionAndCase) {
  EXPECT_TRUE(is_uuid("017f22e2-79b0-7cc3-98c4-dc0c0c07398f"));
  EXPECT_TRUE(is_uuid("017F22E2-79B0-7CC3-98C4-DC0C0C07398F"));
  EXPECT_TRUE(is_uuid("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"));  // version 1
  EXPECT_TRUE(is_uuid("00000000-0000-0000-0000-000000000000"));  // nil
  EXPECT_TRUE(is_uuid("ffffffff-ffff-ffff-ffff-ffffffffffff"));  // max
}

TEST(IsUuid, RejectsEverythingElse) {
  EXPECT_FALSE(is_uuid(""));
  EXPECT_FALSE(is_uuid("017f22e279b07cc398c4dc0c0c07398f"));       // no hyphens
  EXPECT_FALSE(is_uuid("017f22e2-79b0-7cc3-98c4-dc0c0c07398"));    // 35
  EXPECT_FALSE(is_uuid("017f22e2-79b0-7cc3-98c4-dc0c0c07398f0"));  // 37
  EXPECT_FALSE(is_uuid("{017f22e2-79b0-7cc3-98c4-dc0c0c07398f}"));
  EXPECT_FALSE(is_uuid("urn:uuid:017f22e2-79b0-7cc3-98c4-dc0c0c07398f"));
  EXPECT_FALSE(is_uuid("017f22e2-79b07-cc3-98c4-dc0c0c07398f"));  // hyphen moved
  EXPECT_FALSE(is_uuid("017f22e2_79b0_7cc3_98c4_dc0c0c07398f"));
  EXPECT_FALSE(is_uuid("017f22g2-79b0-7cc3-98c4-dc0c0c07398f"));  // g
  EXPECT_FALSE(is_uuid("017f22e2-79b0-7cc3-98c4-dc0c0c07398 "));
  EXPECT_FALSE(is_uuid(" 17f22e2-79b0-7cc3-98c4-dc0c0c07398f"));
  EXPECT_FALSE(is_uuid("017f22e2-79b0-7cc3-98c4-dc0c0c0739-f"));
  EXPECT_FALSE(is_uuid("------------------------------------"));
  EXPECT_FALSE(is_uuid(std::string_view("017f22e2-79b0-7cc3-98c4-dc0c0c07398\0", 36)));
  EXPECT_FALSE(is_uuid("017f22e2-79b0-7cc3-98c4-dc0c0c07398\xc3"));
}

// --- to_hex ----------------------------------------------------------------------------------

TEST(ToHex, IsEmptyForNoBytes) {
  EXPECT_EQ(to_hex({}), "");
}

TEST(ToHex, WritesTwoLowerCaseDigitsPerByteInOrder) {
  std::array<std::byte, 6> bytes{std::byte{0x00}, std::byte{0x0f}, std::byte{0xf0},
                                 std::byte{0xff}, std::byte{0xab}, std::byte{0x09}};
  EXPECT_EQ(to_hex(bytes), "000ff0ffab09");
}

TEST(ToHex, CoversEveryByteValue) {
  std::array<std::byte, 256> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<std::byte>(i);
  auto hex = to_hex(bytes);
  ASSERT_EQ(hex.size(), 512u);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    EXPECT_EQ(std::stoul(hex.substr(2 * i, 2), nullptr, 16), i);
  }
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(504), "fcfdfeff");
}

}  // namespace
}  // namespace liaison
