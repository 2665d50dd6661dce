#include "web/client_origin.h"

#include <gtest/gtest.h>

namespace liaison::web {
namespace {

namespace net = boost::asio;

TrustedProxies proxies(std::vector<std::string> entries) {
  auto parsed = TrustedProxies::parse(entries);
  EXPECT_TRUE(parsed) << parsed.error().message;
  return parsed.value();
}

Request forwarded(std::string_view for_header, std::string_view proto = {}) {
  Request request{http::verb::get, "/", 11};
  if (!for_header.empty()) request.set("X-Forwarded-For", for_header);
  if (!proto.empty()) request.set("X-Forwarded-Proto", proto);
  return request;
}

const auto kProxy = net::ip::make_address("10.0.0.5");
const auto kStranger = net::ip::make_address("198.51.100.9");

TEST(TrustedProxies, MatchAddressesAndNetworksOfBothFamilies) {
  auto trusted = proxies({"10.0.0.0/8", "192.0.2.1", "fd00::/8", "::1"});
  EXPECT_TRUE(trusted.contains(net::ip::make_address("10.255.0.1")));
  EXPECT_TRUE(trusted.contains(net::ip::make_address("192.0.2.1")));
  EXPECT_FALSE(trusted.contains(net::ip::make_address("192.0.2.2")));
  EXPECT_FALSE(trusted.contains(net::ip::make_address("11.0.0.1")));
  EXPECT_TRUE(trusted.contains(net::ip::make_address("fd12::1")));
  EXPECT_TRUE(trusted.contains(net::ip::make_address("::1")));
  EXPECT_FALSE(trusted.contains(net::ip::make_address("fe80::1")));
  EXPECT_TRUE(proxies({"0.0.0.0/0"}).contains(net::ip::make_address("203.0.113.1")));
  EXPECT_FALSE(proxies({"0.0.0.0/0"}).contains(net::ip::make_address("2001:db8::1")));
}

TEST(TrustedProxies, RejectMalformedEntries) {
  for (std::string bad : {"", "proxy.example", "10.0.0.0/33", "10.0.0.0/x", "::/129", "1.2.3.4/"}) {
    EXPECT_FALSE(TrustedProxies::parse({bad})) << bad;
  }
}

TEST(ClientOrigin, HeadersFromAnUntrustedPeerAreIgnored) {
  auto origin =
      client_origin(kStranger, forwarded("203.0.113.7", "https"), proxies({"10.0.0.0/8"}), false);
  EXPECT_EQ(origin.address, "198.51.100.9");
  EXPECT_FALSE(origin.secure);
}

TEST(ClientOrigin, ATrustedProxyNamesTheClientAndTheScheme) {
  auto origin =
      client_origin(kProxy, forwarded("203.0.113.7", "https"), proxies({"10.0.0.0/8"}), false);
  EXPECT_EQ(origin.address, "203.0.113.7");
  EXPECT_TRUE(origin.secure);
  EXPECT_FALSE(
      client_origin(kProxy, forwarded("203.0.113.7", "http"), proxies({"10.0.0.0/8"}), false)
          .secure);
}

TEST(ClientOrigin, TheRightmostUntrustedHopIsTheClient) {
  // The client forged the first entry; our two proxies appended the rest.
  auto origin = client_origin(kProxy, forwarded("1.1.1.1, 203.0.113.7, 10.0.0.7"),
                              proxies({"10.0.0.0/8"}), false);
  EXPECT_EQ(origin.address, "203.0.113.7");
}

TEST(ClientOrigin, GarbageInTheHeaderStopsAtTheLastAddressVouchedFor) {
  auto origin =
      client_origin(kProxy, forwarded("203.0.113.7, not-an-ip"), proxies({"10.0.0.0/8"}), false);
  EXPECT_EQ(origin.address, "10.0.0.5");
  EXPECT_EQ(client_origin(kProxy, forwarded(""), proxies({"10.0.0.0/8"}), false).address,
            "10.0.0.5");
}

TEST(ClientOrigin, TlsIsSecureWhateverTheHeadersSay) {
  auto origin = client_origin(kStranger, forwarded("", "http"), proxies({}), true);
  EXPECT_TRUE(origin.secure);
}

}  // namespace
}  // namespace liaison::web
