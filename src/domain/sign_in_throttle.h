#pragma once

#include <chrono>

namespace liaison::domain {

//! How failed sign-ins slow down the next attempt. Failures count per key (an account's e-mail
//! address, whether or not an account has it, and a client address); the first `free_failures`
//! cost nothing, each one after doubles the wait from `first_delay` up to `max_delay`, and a
//! key with no failure for `forget_after` starts afresh.
struct ThrottlePolicy {
  int free_failures;
  std::chrono::seconds first_delay;
  std::chrono::seconds max_delay;
  std::chrono::seconds forget_after;
};

//! Per account: a person mistyping does not notice; a guesser gets a few tries an hour.
inline constexpr ThrottlePolicy kAccountThrottle{4, std::chrono::seconds(60), std::chrono::hours(1),
                                                 std::chrono::hours(24)};
//! Per client address: higher, since offices share an address behind NAT.
inline constexpr ThrottlePolicy kAddressThrottle{19, std::chrono::seconds(60),
                                                 std::chrono::hours(1), std::chrono::hours(1)};

//! How long the key is blocked after its `failures`-th consecutive failure.
std::chrono::seconds throttle_delay(const ThrottlePolicy& policy, long failures);

}  // namespace liaison::domain
