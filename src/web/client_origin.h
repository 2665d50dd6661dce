#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "base/error.h"
#include "web/http.h"

namespace liaison::web {

//! The reverse proxies whose X-Forwarded-For and X-Forwarded-Proto headers are believed.
//! Headers from anyone else are ignored: a client could write anything into them.
class TrustedProxies {
 public:
  //! Each entry an IP address or a CIDR network: "127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8".
  static Result<TrustedProxies> parse(const std::vector<std::string>& entries);
  bool contains(const boost::asio::ip::address& address) const;
  bool empty() const { return networks_.empty(); }

 private:
  struct Network {
    boost::asio::ip::address_v6 base;  // IPv4 kept as v4-mapped IPv6
    unsigned prefix = 128;
  };
  std::vector<Network> networks_;
};

//! Who sent a request and whether it reached us encrypted, as far as can be trusted.
struct ClientOrigin {
  std::string address;
  bool secure = false;
};

//! The peer's address, unless the peer is a trusted proxy: then the right-most address of
//! X-Forwarded-For that is not itself a trusted proxy. Secure when the connection is TLS, or a
//! trusted proxy says X-Forwarded-Proto: https.
ClientOrigin client_origin(const boost::asio::ip::address& peer, const Request& request,
                           const TrustedProxies& proxies, bool tls);

}  // namespace liaison::web
