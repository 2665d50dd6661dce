#include <boost/asio/ssl.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "support/process.h"
#include "support/test_server.h"

namespace liaison::testing {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;

//! A self-signed certificate for 127.0.0.1, made by the openssl command for this test.
struct Certificate {
  Certificate() {
    auto result = run_process({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                               "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=127.0.0.1",
                               "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2", "-keyout",
                               key.string(), "-out", certificate.string()},
                              {});
    if (result.exit_code != 0) throw std::runtime_error("openssl failed: " + result.errors);
  }
  ~Certificate() { std::filesystem::remove_all(directory); }
  std::filesystem::path directory = make_temp_directory("liaison-tls");
  std::filesystem::path certificate = directory / "certificate.pem";
  std::filesystem::path key = directory / "key.pem";
};

web::ServerOptions tls_options(const Certificate& certificate) {
  web::ServerOptions options;
  options.tls_certificate_file = certificate.certificate.string();
  options.tls_private_key_file = certificate.key.string();
  return options;
}

Response https_get(std::uint16_t port, const Certificate& certificate, const std::string& target,
                   const std::string& authorization = {}) {
  net::io_context io;
  ssl::context context(ssl::context::tls_client);
  context.load_verify_file(certificate.certificate.string());
  context.set_verify_mode(ssl::verify_peer);
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream(io, context);
  boost::beast::get_lowest_layer(stream).connect({net::ip::make_address("127.0.0.1"), port});
  stream.handshake(ssl::stream_base::client);
  http::request<http::string_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1");
  if (!authorization.empty()) request.set(http::field::authorization, authorization);
  http::write(stream, request);
  boost::beast::flat_buffer buffer;
  Response response;
  http::read(stream, buffer, response);
  return response;
}

TEST(Tls, ServesHttpsWithHsts) {
  Certificate certificate;
  TestServer server(Engine::sqlite, tls_options(certificate));
  auto response =
      https_get(server.port(), certificate, "/api/v1/states/FR", server.authorization());
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response[http::field::strict_transport_security],
            "max-age=31536000; includeSubDomains");
  EXPECT_NE(response.body().find("\"alpha3\":\"FRA\""), std::string::npos);
}

TEST(Tls, PlainHttpOnTheTlsPortGetsNothingAndHarmsNothing) {
  Certificate certificate;
  TestServer server(Engine::sqlite, tls_options(certificate));
  HttpClient plain("127.0.0.1", server.port());
  EXPECT_THROW(plain.get("/healthz"), boost::system::system_error);
  EXPECT_EQ(https_get(server.port(), certificate, "/healthz").result_int(), 200);
}

TEST(Tls, PlainHttpHasNoHsts) {
  TestServer server;
  auto response = server.client().get("/healthz");
  EXPECT_EQ(response.find(http::field::strict_transport_security), response.end());
}

TEST(TrustedProxy, ForwardedHeadersCountOnlyFromATrustedProxy) {
  http::fields forwarded;
  forwarded.set("X-Forwarded-For", "203.0.113.7");
  forwarded.set("X-Forwarded-Proto", "https");

  web::ServerOptions trusting;
  trusting.trusted_proxies = {"127.0.0.1"};
  TestServer behind_proxy(Engine::sqlite, trusting);
  auto response = behind_proxy.client().get("/healthz", forwarded);
  EXPECT_NE(response.find(http::field::strict_transport_security), response.end());
  behind_proxy.shut_down();
  auto line = boost::json::parse(behind_proxy.access_lines().at(0));
  EXPECT_EQ(line.at("remote").as_string(), "203.0.113.7");

  TestServer direct;
  auto untrusted = direct.client().get("/healthz", forwarded);
  EXPECT_EQ(untrusted.find(http::field::strict_transport_security), untrusted.end());
  direct.shut_down();
  EXPECT_EQ(boost::json::parse(direct.access_lines().at(0)).at("remote").as_string(), "127.0.0.1");
}

TEST(Tls, UnreadableCertificateIsAClearStartupError) {
  TestDatabase database(Engine::sqlite);
  auto application =
      std::make_unique<app::Application>(database.open_migrated(), std::chrono::milliseconds(0));
  boost::asio::io_context io;
  web::ServerOptions options;
  options.port = 0;
  options.tls_certificate_file = "/nonexistent/certificate.pem";
  options.tls_private_key_file = "/nonexistent/key.pem";
  web::Server server(io, options, application->router(), application->metrics(), {});
  auto listened = server.listen();
  ASSERT_FALSE(listened);
  EXPECT_NE(listened.error().message.find("/nonexistent/certificate.pem"), std::string::npos)
      << listened.error().message;
}

}  // namespace
}  // namespace liaison::testing
