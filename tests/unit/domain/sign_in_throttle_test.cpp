#include "domain/sign_in_throttle.h"

#include <chrono>

#include <gtest/gtest.h>

namespace liaison::domain {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

TEST(SignInThrottle, TheFirstFailuresAreFree) {
  for (long failures = -1; failures <= 4; ++failures)
    EXPECT_EQ(throttle_delay(kAccountThrottle, failures), seconds(0)) << failures;
  for (long failures = 0; failures <= 19; ++failures)
    EXPECT_EQ(throttle_delay(kAddressThrottle, failures), seconds(0)) << failures;
}

TEST(SignInThrottle, DelaysDoubleFromTheFirstDelay) {
  EXPECT_EQ(throttle_delay(kAccountThrottle, 5), seconds(60));
  EXPECT_EQ(throttle_delay(kAccountThrottle, 6), seconds(120));
  EXPECT_EQ(throttle_delay(kAccountThrottle, 7), seconds(240));
  EXPECT_EQ(throttle_delay(kAccountThrottle, 8), seconds(480));
  EXPECT_EQ(throttle_delay(kAccountThrottle, 9), seconds(960));
  EXPECT_EQ(throttle_delay(kAccountThrottle, 10), seconds(1920));
  EXPECT_EQ(throttle_delay(kAddressThrottle, 20), seconds(60));
  EXPECT_EQ(throttle_delay(kAddressThrottle, 21), seconds(120));
}

TEST(SignInThrottle, DelaysGrowMonotonicallyAndStopAtTheCap) {
  EXPECT_EQ(throttle_delay(kAccountThrottle, 11), hours(1));  // 3840 s capped at 3600 s
  auto previous = seconds(0);
  for (long failures = 0; failures <= 200; ++failures) {
    auto delay = throttle_delay(kAccountThrottle, failures);
    EXPECT_GE(delay, previous) << failures;
    EXPECT_LE(delay, kAccountThrottle.max_delay) << failures;
    previous = delay;
  }
  // No overflow, however many failures pile up.
  EXPECT_EQ(throttle_delay(kAccountThrottle, 1'000'000'000L), hours(1));
  EXPECT_EQ(throttle_delay(kAddressThrottle, 1'000'000'000L), hours(1));
}

TEST(SignInThrottle, ACustomPolicy) {
  constexpr ThrottlePolicy policy{0, seconds(1), seconds(10), hours(1)};
  EXPECT_EQ(throttle_delay(policy, 0), seconds(0));
  EXPECT_EQ(throttle_delay(policy, 1), seconds(1));
  EXPECT_EQ(throttle_delay(policy, 2), seconds(2));
  EXPECT_EQ(throttle_delay(policy, 4), seconds(8));
  EXPECT_EQ(throttle_delay(policy, 5), seconds(10));
  EXPECT_EQ(throttle_delay(policy, 50), seconds(10));
}

}  // namespace
}  // namespace liaison::domain
