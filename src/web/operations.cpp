#include "web/operations.h"

#include <boost/json/value.hpp>
#include <spdlog/spdlog.h>

namespace liaison::web {

void add_operations_routes(Router& router, store::Database& database, const Metrics& metrics,
                           std::string version) {
  router.add(http::verb::get, "/healthz", Access::anyone(), [](const RequestContext& context) {
    return context.json(boost::json::object{{"status", "ok"}});
  });

  router.add(http::verb::get, "/readyz", Access::anyone(),
             [&database](const RequestContext& context) {
               if (auto ready = database.ping(); !ready) {
                 spdlog::warn("readiness check failed: {}", ready.error().message);
                 return context.problem(
                     {http::status::service_unavailable, "the database is not reachable"});
               }
               return context.json(boost::json::object{{"status", "ready"}});
             });

  router.add(http::verb::get, "/metrics", Access::allow(domain::Action::read_metrics),
             [&metrics](const RequestContext& context) {
               return context.text(metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
             });

  router.add(http::verb::get, "/api/v1/version", Access::anyone(),
             [version](const RequestContext& context) {
               return context.json(boost::json::object{{"name", "liaison"}, {"version", version}});
             });
}

}  // namespace liaison::web
