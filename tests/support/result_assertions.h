#pragma once

#include <chrono>
#include <string_view>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/error.h"

namespace liaison::testing {

//! The failure a result should carry, with the message when it carries another one.
template <class T>
::testing::AssertionResult fails_with(const Result<T>& result, ErrorCode code) {
  if (result) return ::testing::AssertionFailure() << "succeeded";
  if (result.error().code != code)
    return ::testing::AssertionFailure()
           << "failed with code " << static_cast<int>(result.error().code) << ": "
           << result.error().message;
  return ::testing::AssertionSuccess();
}

//! A time written as format_utc writes it ("2026-03-01T00:00:00Z"), for a ManualClock.
inline std::chrono::system_clock::time_point at(std::string_view text) {
  auto seconds = parse_utc_seconds(text);
  EXPECT_TRUE(seconds) << text;
  return std::chrono::system_clock::time_point{seconds.value_or(std::chrono::sys_seconds{})};
}

}  // namespace liaison::testing
