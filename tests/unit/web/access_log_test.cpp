#include "web/access_log.h"

#include <chrono>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

namespace liaison::web {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

AccessRecord sample() {
  AccessRecord record;
  record.time =
      system_clock::time_point(sys_days(2026y / November / 23)) + 11h + 50min + 15s + 123456us;
  record.request_id = "1a2b3c4d-2a";
  record.remote_address = "192.0.2.10";
  record.method = "GET";
  record.target = "/api/v1/organisations/0190/members?lang=fr";
  record.route = "/api/v1/organisations/{id}/members";
  record.status = 200;
  record.response_bytes = 5120;
  record.duration = 1234567ns;
  return record;
}

boost::json::object parse_line(const std::string& line) {
  boost::system::error_code ec;
  auto value = boost::json::parse(line, ec);
  EXPECT_FALSE(ec) << "not JSON: " << line;
  if (ec || !value.is_object()) return {};
  return value.get_object();
}

TEST(AccessLog, IsOneJsonObjectWithEveryField) {
  auto line = format_access_record(sample());
  auto object = parse_line(line);
  EXPECT_EQ(object["time"], "2026-11-23T11:50:15.123456Z");
  EXPECT_EQ(object["request_id"], "1a2b3c4d-2a");
  EXPECT_EQ(object["remote"], "192.0.2.10");
  EXPECT_EQ(object["method"], "GET");
  EXPECT_EQ(object["path"], "/api/v1/organisations/0190/members");
  EXPECT_EQ(object["route"], "/api/v1/organisations/{id}/members");
  EXPECT_EQ(object["status"], 200);
  EXPECT_EQ(object["bytes"], 5120);
  EXPECT_EQ(object["duration_us"], 1234);  // truncated, not rounded
  EXPECT_EQ(object.size(), 9u) << line;
}

TEST(AccessLog, IsASingleLine) {
  auto record = sample();
  record.target = "/x\n{\"forged\":true}";
  auto line = format_access_record(record);
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  EXPECT_EQ(line.find('\r'), std::string::npos) << line;
  // Control characters are percent-encoded, like bytes that are not ASCII.
  EXPECT_EQ(parse_line(line)["path"], "/x%0A{\"forged\":true}");
}

TEST(AccessLog, NeverLogsTheQueryString) {
  auto record = sample();
  record.target = "/respond?token=eyJhbGciOi.s3cr3t&lang=fr";
  auto line = format_access_record(record);
  EXPECT_EQ(line.find("s3cr3t"), std::string::npos) << line;
  EXPECT_EQ(line.find("token"), std::string::npos) << line;
  EXPECT_EQ(line.find('?'), std::string::npos) << line;
  EXPECT_EQ(parse_line(line)["path"], "/respond");
}

TEST(AccessLog, EmptyQueryAndNoQueryGiveThePath) {
  auto record = sample();
  record.target = "/healthz?";
  EXPECT_EQ(parse_line(format_access_record(record))["path"], "/healthz");
  record.target = "/healthz";
  EXPECT_EQ(parse_line(format_access_record(record))["path"], "/healthz");
  record.target = "?token=abc";
  EXPECT_EQ(parse_line(format_access_record(record))["path"], "");
}

TEST(AccessLog, EscapesQuotesAndBackslashes) {
  auto record = sample();
  record.target = R"(/a"b\c)";
  record.remote_address = "::1";
  auto object = parse_line(format_access_record(record));
  EXPECT_EQ(object["path"], R"(/a"b\c)");
  EXPECT_EQ(object["remote"], "::1");
}

TEST(AccessLog, IsValidJsonEvenForATargetThatIsNotUtf8) {
  // The request line is raw bytes from the client; the log line must stay parseable JSON
  // (RFC 8259 §8.1: JSON text is UTF-8).
  auto record = sample();
  record.target = "/caf\xe9\xff";
  auto line = format_access_record(record);
  boost::system::error_code ec;
  boost::json::parse(line, ec);
  EXPECT_FALSE(ec) << "not valid JSON: " << line;
}

TEST(AccessLog, ZeroDurationAndUnmatchedRoute) {
  auto record = sample();
  record.duration = {};
  record.route = "unmatched";
  record.status = 404;
  record.response_bytes = 0;
  auto object = parse_line(format_access_record(record));
  EXPECT_EQ(object["duration_us"], 0);
  EXPECT_EQ(object["route"], "unmatched");
  EXPECT_EQ(object["status"], 404);
  EXPECT_EQ(object["bytes"], 0);
}

}  // namespace
}  // namespace liaison::web
