#include "domain/mail.h"

#include <algorithm>

namespace liaison::domain {

std::string_view tlp_name(Tlp tlp) {
  switch (tlp) {
    case Tlp::clear:
      return "clear";
    case Tlp::green:
      return "green";
    case Tlp::amber:
      return "amber";
    case Tlp::red:
      return "red";
  }
  return "clear";
}

std::optional<Tlp> parse_tlp(std::string_view name) {
  for (auto tlp : {Tlp::clear, Tlp::green, Tlp::amber, Tlp::red})
    if (tlp_name(tlp) == name) return tlp;
  return std::nullopt;
}

bool must_withhold(Tlp tlp, bool recipient_has_key) {
  return (tlp == Tlp::amber || tlp == Tlp::red) && !recipient_has_key;
}

std::optional<std::chrono::system_clock::time_point> next_attempt(
    int attempts, std::chrono::system_clock::time_point created,
    std::chrono::system_clock::time_point now) {
  if (now - created >= kGiveUpAfter) return std::nullopt;
  constexpr std::chrono::minutes kLongest{240};
  // 2^(attempts-1) minutes, without overflowing for large counts.
  const int doublings = std::clamp(attempts - 1, 0, 8);
  const auto delay = std::min<std::chrono::minutes>(std::chrono::minutes{1 << doublings}, kLongest);
  return now + delay;
}

}  // namespace liaison::domain
