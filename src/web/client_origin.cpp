#include "web/client_origin.h"

#include <charconv>

#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <fmt/format.h>

#include "base/text.h"

namespace liaison::web {
namespace net = boost::asio;

namespace {

net::ip::address_v6 as_v6(const net::ip::address& address) {
  if (address.is_v4()) return net::ip::make_address_v6(net::ip::v4_mapped, address.to_v4());
  return address.to_v6();
}

bool same_prefix(const net::ip::address_v6& left, const net::ip::address_v6& right,
                 unsigned prefix) {
  auto a = left.to_bytes();
  auto b = right.to_bytes();
  for (std::size_t i = 0; i < a.size() && prefix > 0; ++i) {
    unsigned bits = prefix >= 8 ? 8 : prefix;
    auto mask = static_cast<unsigned char>(0xffu << (8 - bits));
    if ((a[i] & mask) != (b[i] & mask)) return false;
    prefix -= bits;
  }
  return true;
}

}  // namespace

Result<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& entries) {
  TrustedProxies proxies;
  for (const auto& entry : entries) {
    auto slash = entry.find('/');
    boost::system::error_code ec;
    auto address = net::ip::make_address(entry.substr(0, slash), ec);
    if (ec)
      return Error::invalid_argument(fmt::format("\"{}\" is not an IP address or network", entry));
    unsigned width = address.is_v4() ? 32 : 128;
    unsigned prefix = width;
    if (slash != std::string::npos) {
      auto text = std::string_view(entry).substr(slash + 1);
      auto [end, parse_error] = std::from_chars(text.data(), text.data() + text.size(), prefix);
      if (parse_error != std::errc{} || end != text.data() + text.size() || text.empty() ||
          prefix > width) {
        return Error::invalid_argument(
            fmt::format("\"{}\": the prefix length must be 0 to {}", entry, width));
      }
    }
    proxies.networks_.push_back({as_v6(address), address.is_v4() ? prefix + 96 : prefix});
  }
  return proxies;
}

bool TrustedProxies::contains(const net::ip::address& address) const {
  auto v6 = as_v6(address);
  for (const auto& network : networks_) {
    if (same_prefix(v6, network.base, network.prefix)) return true;
  }
  return false;
}

ClientOrigin client_origin(const net::ip::address& peer, const Request& request,
                           const TrustedProxies& proxies, bool tls) {
  boost::system::error_code ignored;
  ClientOrigin origin{peer.to_string(ignored), tls};
  if (!proxies.contains(peer)) return origin;

  if (!tls) {
    std::string proto(trim_blanks(request["X-Forwarded-Proto"]));
    for (auto& c : proto)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    origin.secure = proto == "https";
  }
  // Walk from the right: each trusted hop vouches for the one before it; the first address a
  // trusted proxy did not add itself is the client.
  std::string_view forwarded = request["X-Forwarded-For"];
  while (!forwarded.empty()) {
    auto comma = forwarded.rfind(',');
    auto hop =
        trim_blanks(comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1));
    forwarded = comma == std::string_view::npos ? std::string_view{} : forwarded.substr(0, comma);
    boost::system::error_code ec;
    auto address = net::ip::make_address(hop, ec);
    if (ec) break;  // garbage: keep the last address we could vouch for
    origin.address = address.to_string(ignored);
    if (!proxies.contains(address)) break;
  }
  return origin;
}

}  // namespace liaison::web
