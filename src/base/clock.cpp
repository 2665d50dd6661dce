#include "base/clock.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace liaison {

std::string format_utc(std::chrono::system_clock::time_point time) {
  auto micros = std::chrono::floor<std::chrono::microseconds>(time);
  auto seconds = std::chrono::floor<std::chrono::seconds>(micros);
  auto fraction = (micros - seconds).count();
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06d}Z", seconds, fraction);
}

}  // namespace liaison
