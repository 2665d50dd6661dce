#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "base/error.h"
#include "web/access_log.h"
#include "web/client_origin.h"
#include "web/metrics.h"
#include "web/router.h"

namespace liaison::web {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  //!< 0 picks a free port (tests)
  std::uint32_t header_limit = 16 * 1024;
  std::uint64_t body_limit = 1024 * 1024;
  //! How long a connection may sit without a complete request, or a response take to send.
  std::chrono::milliseconds idle_timeout{30'000};
  //! PEM files; when both are set the server speaks only HTTPS.
  std::string tls_certificate_file;
  std::string tls_private_key_file;
  //! Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (see client_origin.h).
  std::vector<std::string> trusted_proxies;
};

namespace detail {
struct Connection;
}

//! The HTTP/1.1 listener and its connections. Each connection is a coroutine on its own strand
//! that only reads requests and writes responses; the Router decides what to answer.
class Server {
 public:
  Server(boost::asio::io_context& io, ServerOptions options, const Router& router, Metrics& metrics,
         AccessLogSink access_log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  //! Loads the TLS certificate if configured, binds and listens; returns the bound endpoint.
  Result<boost::asio::ip::tcp::endpoint> listen();
  //! Starts accepting connections on the io_context.
  void start();
  //! Stops accepting, closes idle connections, lets in-flight requests finish (their responses
  //! say Connection: close) and calls `on_drained` once no connection is left.
  void shutdown(std::function<void()> on_drained);
  std::size_t open_connections() const;

 private:
  using Connection = detail::Connection;

  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve_connection(boost::asio::ip::tcp::socket socket);
  template <class Stream>
  boost::asio::awaitable<void> serve_requests(Connection& connection, Stream& stream,
                                              const boost::asio::ip::address& peer, bool tls);
  void track(const std::shared_ptr<Connection>& connection);
  void forget(const std::shared_ptr<Connection>& connection);
  std::string next_request_id();

  boost::asio::io_context& io_;
  ServerOptions options_;
  const Router& router_;
  Metrics& metrics_;
  AccessLogSink access_log_;
  boost::asio::ip::tcp::acceptor acceptor_;
  TrustedProxies trusted_proxies_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::atomic<bool> draining_{false};
  std::string request_id_prefix_;
  std::atomic<std::uint64_t> request_counter_{0};

  mutable std::mutex mutex_;
  std::set<std::shared_ptr<Connection>> connections_;
  std::function<void()> on_drained_;
};

}  // namespace liaison::web
