#include "web/access_log.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "base/clock.h"

namespace liaison::web {
namespace {

// Beast passes bytes above 0x7f in a target through; the log must stay valid UTF-8 JSON.
std::string loggable(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (char byte : path) {
    auto c = static_cast<unsigned char>(byte);
    if (c < 0x20 || c >= 0x7f) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += byte;
    }
  }
  return out;
}

}  // namespace

std::string format_access_record(const AccessRecord& record) {
  boost::json::object line;
  line["time"] = format_utc(record.time);
  line["request_id"] = record.request_id;
  line["remote"] = record.remote_address;
  line["method"] = loggable(record.method);
  // The query string may carry tokens (response links); only the path is logged. A route whose
  // path itself is a secret (an invitation link) is logged by its pattern.
  line["path"] = record.route.find("{secret}") != std::string_view::npos
                     ? loggable(record.route)
                     : loggable(record.target.substr(0, record.target.find('?')));
  line["route"] = record.route;
  line["status"] = record.status;
  line["bytes"] = record.response_bytes;
  line["duration_us"] =
      std::chrono::duration_cast<std::chrono::microseconds>(record.duration).count();
  return boost::json::serialize(line);
}

}  // namespace liaison::web
