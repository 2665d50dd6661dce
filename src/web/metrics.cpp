#include "web/metrics.h"

#include <fmt/format.h>

namespace liaison::web {

void Metrics::record(std::string_view route, std::string_view method, unsigned status,
                     std::chrono::steady_clock::duration duration) {
  double seconds = std::chrono::duration<double>(duration).count();
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), std::string(method), status}];
  auto it = durations_.find(route);
  if (it == durations_.end()) it = durations_.emplace(std::string(route), Histogram{}).first;
  auto& histogram = it->second;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++histogram.buckets[i];
  }
  ++histogram.count;
  histogram.sum += seconds;
}

void Metrics::connection_opened() {
  std::lock_guard lock(mutex_);
  ++open_connections_;
  ++accepted_connections_;
}

void Metrics::connection_closed() {
  std::lock_guard lock(mutex_);
  --open_connections_;
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  fmt::memory_buffer out;
  out.append(std::string_view(
      "# HELP liaison_http_requests_total HTTP requests answered, by route, method and status.\n"));
  out.append(std::string_view("# TYPE liaison_http_requests_total counter\n"));
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    fmt::format_to(std::back_inserter(out),
                   "liaison_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                   route, method, status, count);
  }
  out.append(
      std::string_view("# HELP liaison_http_request_duration_seconds Time from a request's last "
                       "byte read to its response written.\n"));
  out.append(std::string_view("# TYPE liaison_http_request_duration_seconds histogram\n"));
  for (const auto& [route, histogram] : durations_) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      fmt::format_to(std::back_inserter(out),
                     "liaison_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                     route, kBuckets[i], histogram.buckets[i]);
    }
    fmt::format_to(std::back_inserter(out),
                   "liaison_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                   route, histogram.count);
    fmt::format_to(std::back_inserter(out),
                   "liaison_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", route,
                   histogram.sum);
    fmt::format_to(std::back_inserter(out),
                   "liaison_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route,
                   histogram.count);
  }
  out.append(std::string_view("# HELP liaison_http_connections_open HTTP connections open now.\n"));
  out.append(std::string_view("# TYPE liaison_http_connections_open gauge\n"));
  fmt::format_to(std::back_inserter(out), "liaison_http_connections_open {}\n", open_connections_);
  out.append(std::string_view(
      "# HELP liaison_http_connections_accepted_total HTTP connections accepted.\n"));
  out.append(std::string_view("# TYPE liaison_http_connections_accepted_total counter\n"));
  fmt::format_to(std::back_inserter(out), "liaison_http_connections_accepted_total {}\n",
                 accepted_connections_);
  return fmt::to_string(out);
}

}  // namespace liaison::web
