#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace liaison::web {

//! Request counters and latency histograms, rendered in the Prometheus text format (0.0.4).
//! Labels are bounded: the route pattern, never the raw path.
class Metrics {
 public:
  void record(std::string_view route, std::string_view method, unsigned status,
              std::chrono::steady_clock::duration duration);
  void connection_opened();
  void connection_closed();
  std::string render() const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  5.0};
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, unsigned>, std::uint64_t> requests_;
  std::map<std::string, Histogram, std::less<>> durations_;
  std::int64_t open_connections_ = 0;
  std::uint64_t accepted_connections_ = 0;
};

}  // namespace liaison::web
