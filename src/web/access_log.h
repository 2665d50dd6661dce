#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace liaison::web {

//! One line per request, as a JSON object, for log shippers.
struct AccessRecord {
  std::chrono::system_clock::time_point time;
  std::string_view request_id;
  std::string_view remote_address;
  std::string_view method;
  std::string_view target;
  std::string_view route;
  unsigned status = 0;
  std::size_t response_bytes = 0;
  std::chrono::steady_clock::duration duration{};
};

std::string format_access_record(const AccessRecord& record);

//! Where access lines go; the application writes them to standard output.
using AccessLogSink = std::function<void(std::string_view line)>;

}  // namespace liaison::web
