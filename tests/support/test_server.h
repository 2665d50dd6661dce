#pragma once

#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "app/application.h"
#include "support/http_client.h"
#include "support/test_database.h"
#include "web/server.h"

namespace liaison::testing {

//! The real application and HTTP server on 127.0.0.1 and a free port, over a migrated
//! temporary database with the demo organisation.
class TestServer {
 public:
  explicit TestServer(Engine engine = Engine::sqlite, web::ServerOptions options = {});
  ~TestServer();

  std::uint16_t port() const { return port_; }
  //! A client that sends an operator's API token (read_directory, read_metrics).
  HttpClient client() const {
    return HttpClient("127.0.0.1", port_, {{"Authorization", "Bearer " + token_}});
  }
  HttpClient anonymous_client() const { return HttpClient("127.0.0.1", port_); }
  //! The header value that authenticates as the operator (for raw requests).
  std::string authorization() const { return "Bearer " + token_; }
  app::Application& application() { return *application_; }
  TestDatabase& database() { return database_; }
  //! Starts a graceful shutdown; returns once the server has drained and its threads ended.
  void shut_down();
  std::vector<std::string> access_lines() const;

 private:
  TestDatabase database_;
  std::unique_ptr<app::Application> application_;
  boost::asio::io_context io_;
  std::unique_ptr<web::Server> server_;
  std::vector<std::thread> threads_;
  std::uint16_t port_ = 0;
  std::string token_;
  bool stopped_ = false;
  mutable std::mutex mutex_;
  std::vector<std::string> access_lines_;
};

}  // namespace liaison::testing
