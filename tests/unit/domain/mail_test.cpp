#include "domain/mail.h"

#include <gtest/gtest.h>

namespace liaison::domain {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

TEST(Tlp, NamesRoundTrip) {
  for (auto tlp : {Tlp::clear, Tlp::green, Tlp::amber, Tlp::red})
    EXPECT_EQ(parse_tlp(tlp_name(tlp)), tlp);
  EXPECT_FALSE(parse_tlp("white"));  // TLP 1.0's WHITE is CLEAR in 2.0
  EXPECT_FALSE(parse_tlp("AMBER"));
}

TEST(Tlp, AmberAndRedAreWithheldWithoutAKey) {
  EXPECT_FALSE(must_withhold(Tlp::clear, false));
  EXPECT_FALSE(must_withhold(Tlp::green, false));
  EXPECT_TRUE(must_withhold(Tlp::amber, false));
  EXPECT_TRUE(must_withhold(Tlp::red, false));
  EXPECT_FALSE(must_withhold(Tlp::amber, true));
  EXPECT_FALSE(must_withhold(Tlp::red, true));
}

TEST(Retry, DoublesFromOneMinuteUpToFourHours) {
  const system_clock::time_point created{1'800'000'000s};
  const auto now = created + 10min;
  EXPECT_EQ(next_attempt(1, created, now), now + 1min);
  EXPECT_EQ(next_attempt(2, created, now), now + 2min);
  EXPECT_EQ(next_attempt(3, created, now), now + 4min);
  EXPECT_EQ(next_attempt(8, created, now), now + 128min);
  EXPECT_EQ(next_attempt(9, created, now), now + 240min);
  EXPECT_EQ(next_attempt(1000, created, now), now + 240min);
  EXPECT_EQ(next_attempt(0, created, now), now + 1min);
}

TEST(Retry, GivesUpFiveDaysAfterTheMessageWasQueued) {
  const system_clock::time_point created{1'800'000'000s};
  EXPECT_TRUE(next_attempt(30, created, created + kGiveUpAfter - 1s));
  EXPECT_FALSE(next_attempt(30, created, created + kGiveUpAfter));
  EXPECT_FALSE(next_attempt(1, created, created + kGiveUpAfter + 1h));
}

}  // namespace
}  // namespace liaison::domain
