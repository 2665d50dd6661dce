#include "web/server.h"

#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "base/random.h"

namespace liaison::web {
namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

namespace {

constexpr auto kAwait = net::as_tuple(net::use_awaitable);

// A read error that the client caused and deserves an answer to, before the connection closes.
std::optional<Problem> problem_for_read_error(const boost::system::error_code& ec) {
  if (ec == http::error::header_limit) {
    return Problem{http::status::request_header_fields_too_large,
                   "the request headers are larger than this server accepts"};
  }
  if (ec == http::error::body_limit) {
    return Problem{http::status::payload_too_large,
                   "the request body is larger than this server accepts"};
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) return std::nullopt;
  if (ec.category() == make_error_code(http::error::bad_method).category()) {
    return Problem{http::status::bad_request,
                   fmt::format("the request is not valid HTTP/1.1: {}", ec.message())};
  }
  return std::nullopt;
}

}  // namespace

namespace detail {

// What shutdown needs of a connection, whatever its stream; touched only on its strand.
struct Connection {
  virtual ~Connection() = default;
  virtual void cancel() = 0;
  virtual net::any_io_executor executor() = 0;
  beast::flat_buffer buffer;
  bool busy = false;  // from a complete request header until its response is written
};

template <class Stream>
struct StreamConnection final : Connection {
  template <class... Arguments>
  explicit StreamConnection(Arguments&&... arguments)
      : stream(std::forward<Arguments>(arguments)...) {}
  void cancel() override { beast::get_lowest_layer(stream).cancel(); }
  net::any_io_executor executor() override {
    return beast::get_lowest_layer(stream).get_executor();
  }
  Stream stream;
};

}  // namespace detail

namespace {
using PlainConnection = detail::StreamConnection<beast::tcp_stream>;
using TlsConnection = detail::StreamConnection<beast::ssl_stream<beast::tcp_stream>>;
}  // namespace

Server::Server(net::io_context& io, ServerOptions options, const Router& router, Metrics& metrics,
               AccessLogSink access_log)
    : io_(io),
      options_(std::move(options)),
      router_(router),
      metrics_(metrics),
      access_log_(std::move(access_log)),
      acceptor_(net::make_strand(io)) {
  SystemRandom random;
  std::array<std::byte, 4> prefix{};
  random.fill(prefix);
  request_id_prefix_ = to_hex(prefix);
}

Server::~Server() = default;

Result<tcp::endpoint> Server::listen() {
  auto proxies = TrustedProxies::parse(options_.trusted_proxies);
  if (!proxies) return proxies.error();
  trusted_proxies_ = std::move(*proxies);
  if (!options_.tls_certificate_file.empty() || !options_.tls_private_key_file.empty()) {
    auto context = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
    // TLS 1.2 and 1.3 only; OpenSSL's defaults choose the ciphers.
    context->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                         net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                         net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
    boost::system::error_code tls_ec;
    context->use_certificate_chain_file(options_.tls_certificate_file, tls_ec);
    if (tls_ec) {
      return Error::invalid_argument(fmt::format("cannot load the TLS certificate \"{}\": {}",
                                                 options_.tls_certificate_file, tls_ec.message()));
    }
    context->use_private_key_file(options_.tls_private_key_file, net::ssl::context::pem, tls_ec);
    if (tls_ec) {
      return Error::invalid_argument(fmt::format("cannot load the TLS private key \"{}\": {}",
                                                 options_.tls_private_key_file, tls_ec.message()));
    }
    tls_ = std::move(context);
  }
  boost::system::error_code ec;
  auto address = net::ip::make_address(options_.host, ec);
  if (ec) return Error::invalid_argument(fmt::format("\"{}\" is not an IP address", options_.host));
  tcp::endpoint endpoint{address, options_.port};
  auto fail = [&](std::string_view step) {
    return Error::unavailable(
        fmt::format("cannot {} {}:{}: {}", step, options_.host, options_.port, ec.message()));
  };
  if (acceptor_.open(endpoint.protocol(), ec); ec) return fail("open");
  if (acceptor_.set_option(net::socket_base::reuse_address(true), ec); ec) return fail("configure");
  if (acceptor_.bind(endpoint, ec); ec) return fail("listen on");
  if (acceptor_.listen(net::socket_base::max_listen_connections, ec); ec) return fail("listen on");
  return acceptor_.local_endpoint();
}

void Server::start() {
  net::co_spawn(acceptor_.get_executor(), accept_loop(), [](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& exception) {
      spdlog::critical("the HTTP listener stopped: {}", exception.what());
    }
  });
}

net::awaitable<void> Server::accept_loop() {
  while (!draining_) {
    auto [ec, socket] = co_await acceptor_.async_accept(net::make_strand(io_), kAwait);
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) co_return;
      // Out of descriptors and similar: keep serving the connections we have.
      spdlog::warn("accepting a connection failed: {}", ec.message());
      continue;
    }
    auto executor = socket.get_executor();
    net::co_spawn(executor, serve_connection(std::move(socket)), [](std::exception_ptr error) {
      if (!error) return;
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& exception) {
        spdlog::error("an HTTP connection failed: {}", exception.what());
      }
    });
  }
}

std::string Server::next_request_id() {
  return fmt::format("{}-{:x}", request_id_prefix_, request_counter_.fetch_add(1) + 1);
}

void Server::track(const std::shared_ptr<Connection>& connection) {
  {
    std::lock_guard lock(mutex_);
    connections_.insert(connection);
  }
  metrics_.connection_opened();
}

net::awaitable<void> Server::serve_connection(tcp::socket socket) {
  boost::system::error_code ignored;
  auto peer = socket.remote_endpoint(ignored).address();
  struct Forget {
    Server& server;
    std::shared_ptr<Connection> connection;
    ~Forget() { server.forget(connection); }
  };

  if (!tls_) {
    auto connection = std::make_shared<PlainConnection>(std::move(socket));
    track(connection);
    Forget forget_on_exit{*this, connection};
    co_await serve_requests(*connection, connection->stream, peer, false);
    connection->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    connection->stream.socket().close(ignored);
    co_return;
  }

  auto connection = std::make_shared<TlsConnection>(std::move(socket), *tls_);
  track(connection);
  Forget forget_on_exit{*this, connection};
  auto& stream = connection->stream;
  beast::get_lowest_layer(stream).expires_after(options_.idle_timeout);
  auto [handshake_ec] = co_await stream.async_handshake(net::ssl::stream_base::server, kAwait);
  if (handshake_ec) {
    // Plain HTTP sent to the TLS port, scanners, expired client trust: nothing to answer.
    spdlog::debug("TLS handshake with {} failed: {}", peer.to_string(ignored),
                  handshake_ec.message());
    co_return;
  }
  co_await serve_requests(*connection, stream, peer, true);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
  co_await stream.async_shutdown(kAwait);
}

template <class Stream>
net::awaitable<void> Server::serve_requests(Connection& connection, Stream& stream,
                                            const net::ip::address& peer, bool tls) {
  auto& socket_stream = beast::get_lowest_layer(stream);
  while (!draining_) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(options_.header_limit);
    parser.body_limit(options_.body_limit);
    socket_stream.expires_after(options_.idle_timeout);

    auto [header_ec, header_bytes] =
        co_await http::async_read_header(stream, connection.buffer, parser, kAwait);
    boost::system::error_code ec = header_ec;
    // From the complete header on, the request is under way: a shutdown lets it finish.
    if (!ec) connection.busy = true;
    if (!ec && parser.get()[http::field::expect] == "100-continue" && !parser.is_done()) {
      http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
      auto [continue_ec, continue_bytes] = co_await http::async_write(stream, go_on, kAwait);
      ec = continue_ec;
    }
    if (!ec && !parser.is_done()) {
      auto [body_ec, body_bytes] =
          co_await http::async_read(stream, connection.buffer, parser, kAwait);
      ec = body_ec;
    }
    auto started = std::chrono::steady_clock::now();
    if (ec) {
      if (auto problem = problem_for_read_error(ec)) {
        auto request_id = next_request_id();
        auto response = problem_response(*problem, "", request_id, 11, false);
        add_standard_headers(response, request_id, tls);
        socket_stream.expires_after(options_.idle_timeout);
        co_await http::async_write(stream, response, kAwait);
        metrics_.record("unmatched", "-", response.result_int(),
                        std::chrono::steady_clock::now() - started);
      }
      break;
    }

    auto request = parser.release();
    auto request_id = next_request_id();
    auto origin = client_origin(peer, request, trusted_proxies_, tls);
    auto dispatched = router_.dispatch(request, {request_id, origin.address, origin.secure});
    auto& response = dispatched.response;
    if (draining_) response.keep_alive(false);

    socket_stream.expires_after(options_.idle_timeout);
    auto [write_ec, written] = co_await http::async_write(stream, response, kAwait);
    auto elapsed = std::chrono::steady_clock::now() - started;
    // Beast accepts any token as a method; unknown ones share one label to bound the series.
    std::string_view method = request.method() == http::verb::unknown
                                  ? std::string_view("other")
                                  : std::string_view(request.method_string());
    metrics_.record(dispatched.route, method, response.result_int(), elapsed);
    if (access_log_) {
      access_log_(format_access_record(
          {std::chrono::system_clock::now(), request_id, origin.address, request.method_string(),
           request.target(), dispatched.route, response.result_int(), written, elapsed}));
    }
    connection.busy = false;
    if (write_ec || !response.keep_alive()) break;
  }
}

void Server::forget(const std::shared_ptr<Connection>& connection) {
  metrics_.connection_closed();
  std::function<void()> drained;
  {
    std::lock_guard lock(mutex_);
    connections_.erase(connection);
    if (draining_ && connections_.empty() && on_drained_)
      drained = std::exchange(on_drained_, nullptr);
  }
  if (drained) drained();
}

void Server::shutdown(std::function<void()> on_drained) {
  draining_ = true;
  net::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  std::function<void()> drained;
  {
    std::lock_guard lock(mutex_);
    for (const auto& connection : connections_) {
      net::post(connection->executor(), [weak = std::weak_ptr<Connection>(connection)] {
        auto alive = weak.lock();
        // Waiting for a next request that has not begun: nothing is in flight, close it now.
        if (alive && !alive->busy && alive->buffer.size() == 0) alive->cancel();
      });
    }
    if (connections_.empty()) {
      drained = std::move(on_drained);
    } else {
      on_drained_ = std::move(on_drained);
    }
  }
  if (drained) drained();
}

std::size_t Server::open_connections() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

}  // namespace liaison::web
