#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/random.h"

namespace liaison {

// Time-based one-time passwords (RFC 6238), the second factor of an account. The secrets handled
// here are credentials: never log them, and keep them out of error messages.

//! Parameters every authenticator app understands: HMAC-SHA-1, 6 digits, 30-second steps.
inline constexpr int kTotpDigits = 6;
inline constexpr std::int64_t kTotpStepSeconds = 30;

//! A new secret: 20 bytes from `random`, as RFC 4648 base32 without padding (32 characters,
//! upper case).
std::string new_totp_secret(RandomSource& random);

//! The code for the time step containing `at`: kTotpDigits decimal digits, leading zeros kept.
//! invalid_argument Error if the secret is not valid base32 (upper case A-Z 2-7, no padding, no
//! spaces, not empty) or `at` lies before 1970.
Result<std::string> totp_code(std::string_view base32_secret,
                              std::chrono::system_clock::time_point at);

//! The code for time step `step`, the same as totp_code at any time inside it. It also reaches
//! steps a system_clock::time_point cannot (libstdc++ counts nanoseconds from 1970 in 64 bits, so
//! its time points end in 2262). invalid_argument Error for a malformed secret or `step` < 0.
Result<std::string> totp_code_for_step(std::string_view base32_secret, std::int64_t step);

//! The time step number containing `at` (unix seconds / 30, rounded down).
std::int64_t totp_step(std::chrono::system_clock::time_point at);

//! Checks `code` against the steps now-1, now, now+1 (clock drift). Returns the matched step only
//! when it is greater than `last_used_step` (so a code is never accepted twice; store the result
//! as the new `last_used_step`); std::nullopt otherwise, also for malformed codes or secrets.
//! Spaces inside the code are ignored ("123 456"). The comparison takes constant time.
std::optional<std::int64_t> verify_totp(std::string_view base32_secret, std::string_view code,
                                        std::chrono::system_clock::time_point now,
                                        std::int64_t last_used_step);

//! The key URI authenticator apps scan:
//! otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&algorithm=SHA1&digits=6&period=30,
//! with issuer and account percent-encoded (everything but RFC 3986 unreserved characters, so a
//! ':' or '+' in either cannot be misread).
std::string totp_uri(std::string_view issuer, std::string_view account,
                     std::string_view base32_secret);

}  // namespace liaison
