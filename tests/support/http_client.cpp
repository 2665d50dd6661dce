#include "support/http_client.h"

#include <cctype>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace liaison::testing {
namespace net = boost::asio;

namespace {

void set_socket_timeout(net::ip::tcp::socket& socket, std::chrono::milliseconds timeout) {
  timeval value{};
  value.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  value.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &value, sizeof value);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &value, sizeof value);
}

}  // namespace

HttpClient::HttpClient(std::string host, std::uint16_t port,
                       std::vector<std::pair<std::string, std::string>> default_headers)
    : host_(std::move(host)),
      port_(port),
      socket_(io_),
      default_headers_(std::move(default_headers)) {
  connect();
}

HttpClient::~HttpClient() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void HttpClient::connect() {
  boost::system::error_code ignored;
  socket_.close(ignored);
  socket_ = net::ip::tcp::socket(io_);
  socket_.connect({net::ip::make_address(host_), port_});
  set_socket_timeout(socket_, std::chrono::seconds(10));
}

Response HttpClient::get(const std::string& target, const http::fields& headers) {
  http::request<http::string_body> request{http::verb::get, target, 11};
  for (const auto& field : headers)
    request.set(field.name_string(), field.value());
  return this->request(std::move(request));
}

Response HttpClient::request(http::request<http::string_body> request) {
  request.set(http::field::host, host_);
  for (const auto& [name, value] : default_headers_) {
    if (request.find(name) == request.end()) request.set(name, value);
  }
  request.prepare_payload();
  http::write(socket_, request);
  boost::beast::flat_buffer buffer;
  Response response;
  if (request.method() == http::verb::head) {
    http::response_parser<http::string_body> parser;
    parser.skip(true);
    http::read(socket_, buffer, parser);
    return parser.release();
  }
  http::read(socket_, buffer, response);
  return response;
}

std::string HttpClient::raw(const std::string& bytes) {
  send(bytes);
  return receive_until_close();
}

void HttpClient::send(const std::string& bytes) {
  net::write(socket_, net::buffer(bytes));
}

std::string HttpClient::receive_until_close() {
  std::string received;
  boost::system::error_code ec;
  net::read(socket_, net::dynamic_buffer(received), ec);
  return received;
}

bool HttpClient::closed_by_server(std::chrono::milliseconds wait) {
  set_socket_timeout(socket_, wait);
  char byte = 0;
  boost::system::error_code ec;
  socket_.read_some(net::buffer(&byte, 1), ec);
  set_socket_timeout(socket_, std::chrono::seconds(10));
  return ec == net::error::eof || ec == net::error::connection_reset;
}

boost::json::value json_of(const Response& response) {
  boost::system::error_code ec;
  auto value = boost::json::parse(response.body(), ec);
  EXPECT_FALSE(ec) << "not JSON: " << response.body();
  return value;
}

namespace {

void append_encoded(std::string& body, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char each : text) {
    auto c = static_cast<unsigned char>(each);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      body += each;
    } else {
      body += '%';
      body += kHex[c >> 4];
      body += kHex[c & 15];
    }
  }
}

void append_form_field(std::string& body, std::string_view name, std::string_view value) {
  if (!body.empty()) body += '&';
  append_encoded(body, name);
  body += '=';
  append_encoded(body, value);
}

}  // namespace

std::string form_body(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  std::string body;
  for (const auto& field : fields)
    append_form_field(body, field.first, field.second);
  return body;
}

std::string form_body(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string body;
  for (const auto& field : fields)
    append_form_field(body, field.first, field.second);
  return body;
}

}  // namespace liaison::testing
