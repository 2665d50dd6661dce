// web::TrustedProxies::parse (the trusted_proxies setting) and web::client_origin (who sent a
// request, from the peer address and the X-Forwarded-For / X-Forwarded-Proto headers).
//
// Input: the first byte's lowest bit says whether the connection is TLS; the rest is split at
// '\n' into: the trusted proxy entries (comma-separated, as the setting is), the peer address
// (127.0.0.1 when it does not parse), X-Forwarded-For, X-Forwarded-Proto.
//
// Properties: nothing throws; an entry without a prefix length contains its own address; the
// origin's address is an IP address in canonical text; a peer that is not trusted is taken at
// face value; a TLS connection is always secure.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "web/client_origin.h"

namespace {

namespace http = boost::beast::http;
namespace ip = boost::asio::ip;

std::string_view next_line(std::string_view& text) {
  auto newline = text.find('\n');
  auto line = text.substr(0, newline);
  text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
  return line;
}

// What Beast's parser lets into a field value: no control characters but HTAB.
std::string field_value(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte >= 0x20 && byte != 0x7f) || byte == '\t') out += c;
  }
  return out;
}

std::vector<std::string> split_entries(std::string_view text) {
  std::vector<std::string> entries;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
      item.remove_suffix(1);
    if (!item.empty()) entries.emplace_back(item);
  }
  return entries;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  bool tls = (data[0] & 1) != 0;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  auto entries = split_entries(next_line(text));
  auto peer_text = std::string(next_line(text));
  auto forwarded_for = field_value(next_line(text));
  auto forwarded_proto = field_value(next_line(text));

  auto parsed = liaison::web::TrustedProxies::parse(entries);
  liaison::web::TrustedProxies proxies;
  if (parsed) {
    proxies = *parsed;
    for (const auto& entry : entries) {
      if (entry.find('/') != std::string::npos) continue;
      boost::system::error_code ec;
      auto address = ip::make_address(entry, ec);
      if (ec) __builtin_trap();  // accepted an entry that is not an address
      if (!proxies.contains(address)) __builtin_trap();
    }
  } else if (parsed.error().message.empty()) {
    __builtin_trap();
  }

  boost::system::error_code ec;
  auto peer = ip::make_address(peer_text, ec);
  if (ec) peer = ip::make_address_v4("127.0.0.1");

  liaison::web::Request request{http::verb::get, "/", 11};
  if (!forwarded_for.empty()) request.set("X-Forwarded-For", forwarded_for);
  if (!forwarded_proto.empty()) request.set("X-Forwarded-Proto", forwarded_proto);

  auto origin = liaison::web::client_origin(peer, request, proxies, tls);

  auto address = ip::make_address(origin.address, ec);
  if (ec) __builtin_trap();  // the origin is not an IP address
  if (address.to_string() != origin.address) __builtin_trap();
  if (tls && !origin.secure) __builtin_trap();
  if (!proxies.contains(peer)) {
    if (origin.address != peer.to_string()) __builtin_trap();  // believed an untrusted peer
    if (origin.secure != tls) __builtin_trap();
  }
  return 0;
}
