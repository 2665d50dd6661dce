#include "support/test_server.h"

#include <stdexcept>

#include "base/clock.h"
#include "base/random.h"
#include "services/demo_service.h"
#include "support/test_accounts.h"

namespace liaison::testing {

TestServer::TestServer(Engine engine, web::ServerOptions options) : database_(engine) {
  auto database = database_.open_migrated();
  SystemClock clock;
  SystemRandom random;
  if (!services::ensure_demo_organisation(*database, clock, random)) {
    throw std::runtime_error("cannot create the demo organisation");
  }
  application_ =
      std::make_unique<app::Application>(std::move(database), std::chrono::milliseconds(0));
  token_ = create_operator_token(*application_);
  options.host = "127.0.0.1";
  options.port = 0;
  server_ = std::make_unique<web::Server>(io_, options, application_->router(),
                                          application_->metrics(), [this](std::string_view line) {
                                            std::lock_guard lock(mutex_);
                                            access_lines_.emplace_back(line);
                                          });
  auto endpoint = server_->listen();
  if (!endpoint) throw std::runtime_error(endpoint.error().message);
  port_ = endpoint->port();
  server_->start();
  for (int i = 0; i < 2; ++i)
    threads_.emplace_back([this] { io_.run(); });
}

void TestServer::shut_down() {
  if (stopped_) return;
  stopped_ = true;
  server_->shutdown([] {});
  for (auto& thread : threads_)
    thread.join();
}

TestServer::~TestServer() {
  shut_down();
}

std::vector<std::string> TestServer::access_lines() const {
  std::lock_guard lock(mutex_);
  return access_lines_;
}

}  // namespace liaison::testing
