#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace liaison {

//! The only source of "now" in the program: services and jobs take a Clock so that deadline
//! logic is tested in simulated time instead of by sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
};

//! A clock for tests that moves only when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::chrono::system_clock::time_point start) : now_(start) {}
  std::chrono::system_clock::time_point now() const override { return now_; }
  void advance(std::chrono::system_clock::duration by) { now_ += by; }
  void set(std::chrono::system_clock::time_point to) { now_ = to; }

 private:
  std::chrono::system_clock::time_point now_;
};

//! RFC 3339 UTC with microseconds, e.g. 2026-11-23T11:50:15.123456Z: the one text form of a
//! time in the store (sorts lexicographically) and in the API.
std::string format_utc(std::chrono::system_clock::time_point time);

//! Reads the seconds of a time written by format_utc ("2026-11-23T11:50:15[.123456]Z"); nothing
//! for any other text.
std::optional<std::chrono::sys_seconds> parse_utc_seconds(std::string_view text);

}  // namespace liaison
