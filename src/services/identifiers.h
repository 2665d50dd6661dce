#pragma once

#include <chrono>
#include <string>

#include "base/clock.h"
#include "base/random.h"

namespace liaison::services {

//! A new random identifier (UUIDv7) stamped with the clock's time.
inline std::string new_id(const Clock& clock, RandomSource& random) {
  auto milliseconds =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock.now().time_since_epoch());
  return make_uuid_v7(random, static_cast<std::uint64_t>(milliseconds.count()));
}

}  // namespace liaison::services
