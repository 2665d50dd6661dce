#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/value.hpp>

namespace liaison::testing {

namespace http = boost::beast::http;
using Response = http::response<http::string_body>;

//! A blocking HTTP/1.1 client over one keep-alive connection, for talking to a real server in
//! tests. Every operation has a deadline so a hung server fails the test instead of hanging it.
class HttpClient {
 public:
  //! `default_headers` go with every request unless the request sets them itself.
  HttpClient(std::string host, std::uint16_t port,
             std::vector<std::pair<std::string, std::string>> default_headers = {});
  ~HttpClient();

  Response get(const std::string& target, const http::fields& headers = {});
  Response request(http::request<http::string_body> request);
  //! Sends raw bytes and returns everything the server answers until it closes the connection.
  std::string raw(const std::string& bytes);
  void send(const std::string& bytes);
  std::string receive_until_close();
  //! True once the server has closed the connection (reads EOF within `wait`).
  bool closed_by_server(std::chrono::milliseconds wait);
  void connect();

 private:
  std::string host_;
  std::uint16_t port_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  std::string buffer_;
  std::vector<std::pair<std::string, std::string>> default_headers_;
};

//! Parses a response body as JSON; fails the current test when it is not.
boost::json::value json_of(const Response& response);

//! An application/x-www-form-urlencoded body, as a browser sends a form: every byte but
//! A-Z a-z 0-9 - . _ ~ percent-encoded.
std::string form_body(std::initializer_list<std::pair<std::string_view, std::string_view>> fields);
std::string form_body(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace liaison::testing
