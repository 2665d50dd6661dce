#include "domain/sign_in_throttle.h"

#include <algorithm>

namespace liaison::domain {

std::chrono::seconds throttle_delay(const ThrottlePolicy& policy, long failures) {
  if (failures <= policy.free_failures) return std::chrono::seconds(0);
  auto doublings = std::min<long>(failures - policy.free_failures - 1, 30);
  auto delay = policy.first_delay * (1LL << doublings);
  return std::min<std::chrono::seconds>(delay, policy.max_delay);
}

}  // namespace liaison::domain
