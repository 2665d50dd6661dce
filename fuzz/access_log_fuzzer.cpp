// web::format_access_record with the input as the request target and as the method.
// Properties: the line is one JSON object (Boost.JSON, strict UTF-8) with no newline in it; its
// "path" is the target up to the first '?' (the query string may carry tokens and must never be
// logged), and its "method" the method, both with bytes outside printable ASCII percent-encoded.
//
// The first input byte picks the mode; the rest is the text:
//   even: the text is the target; the method is the text if it is a valid HTTP token (what
//         Beast's parser lets through), else "GET". The server can produce every such record.
//   odd:  the text is both target and method, arbitrary bytes: the function's own contract.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "web/access_log.h"

namespace {

// RFC 9110 tchar.
bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// What a field must look like once logged: bytes outside printable ASCII percent-encoded.
std::string escaped(std::string_view path) {
  std::string out;
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

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  bool arbitrary_method = (data[0] & 1) != 0;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string_view method = arbitrary_method || is_token(text) ? text : std::string_view("GET");

  liaison::web::AccessRecord record{
      std::chrono::system_clock::time_point{std::chrono::seconds{1'700'000'000}},
      "fuzz-1",
      "127.0.0.1",
      method,
      text,
      "unmatched",
      200,
      text.size(),
      std::chrono::microseconds{1234}};
  std::string line = liaison::web::format_access_record(record);

  if (line.find('\n') != std::string::npos) __builtin_trap();

  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(line, ec);
  if (ec) __builtin_trap();  // the access log line is not valid JSON
  const auto* object = parsed.if_object();
  if (!object) __builtin_trap();
  const auto* path = object->if_contains("path");
  if (!path || !path->is_string() || path->get_string() != escaped(text.substr(0, text.find('?'))))
    __builtin_trap();
  const auto* logged_method = object->if_contains("method");
  if (!logged_method || !logged_method->is_string() ||
      logged_method->get_string() != escaped(method))
    __builtin_trap();
  return 0;
}
