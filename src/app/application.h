#pragma once

#include <memory>

#include "app/config.h"
#include "base/error.h"
#include "services/reference_service.h"
#include "store/database.h"
#include "web/metrics.h"
#include "web/router.h"
#include "web/server.h"
#include "web/static_assets.h"

namespace liaison::app {

//! The wired program: the database, the services over it, and the HTTP routes to them. `serve`
//! runs one; integration tests build one around a temporary database.
class Application {
 public:
  //! Takes an open database whose schema is current (see store::check_schema).
  //! Reads that may be served from memory are at most `cache_lifetime` old.
  Application(std::unique_ptr<store::Database> database, std::chrono::milliseconds cache_lifetime);
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  store::Database& database() { return *database_; }
  const web::Router& router() const { return router_; }
  web::Metrics& metrics() { return metrics_; }

 private:
  std::unique_ptr<store::Database> database_;
  SystemClock clock_;
  services::ReferenceService reference_;
  web::Metrics metrics_;
  web::StaticAssets assets_;
  web::Router router_;
};

//! Opens the store a configuration names.
Result<std::unique_ptr<store::Database>> open_store(const Config& config);

//! The HTTP server options a configuration asks for.
web::ServerOptions server_options(const Config& config);

}  // namespace liaison::app
