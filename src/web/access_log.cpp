#include "web/access_log.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "base/clock.h"

namespace liaison::web {

std::string format_access_record(const AccessRecord& record) {
  boost::json::object line;
  line["time"] = format_utc(record.time);
  line["request_id"] = record.request_id;
  line["remote"] = record.remote_address;
  line["method"] = record.method;
  // The query string may carry tokens (response links); only the path is logged.
  line["path"] = record.target.substr(0, record.target.find('?'));
  line["route"] = record.route;
  line["status"] = record.status;
  line["bytes"] = record.response_bytes;
  line["duration_us"] =
      std::chrono::duration_cast<std::chrono::microseconds>(record.duration).count();
  return boost::json::serialize(line);
}

}  // namespace liaison::web
