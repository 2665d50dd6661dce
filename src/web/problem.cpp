#include "web/problem.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "base/text.h"

namespace liaison::web {

Response problem_response(const Problem& problem, std::string_view instance,
                          std::string_view request_id, unsigned http_version, bool keep_alive) {
  boost::json::object body = problem.extensions;
  body["type"] = problem.type;
  body["title"] = std::string(http::obsolete_reason(problem.status));
  body["status"] = static_cast<unsigned>(problem.status);
  // Details quote what the client sent, which may be any bytes; the body must stay JSON.
  if (!problem.detail.empty()) body["detail"] = to_valid_utf8(problem.detail);
  body["instance"] = to_valid_utf8(instance);
  body["request_id"] = request_id;

  Response response{problem.status, http_version};
  response.set(http::field::content_type, "application/problem+json");
  response.body() = boost::json::serialize(body);
  response.keep_alive(keep_alive);
  response.prepare_payload();
  return response;
}

Problem problem_from(const Error& error) {
  switch (error.code) {
    case ErrorCode::invalid_argument:
      return {http::status::bad_request, error.message};
    case ErrorCode::not_found:
      return {http::status::not_found, error.message};
    case ErrorCode::conflict:
      return {http::status::conflict, error.message};
    case ErrorCode::unavailable:
      return {http::status::service_unavailable,
              "a service Liaison depends on is unavailable; try again shortly"};
    case ErrorCode::unauthenticated:
      return {http::status::unauthorized, error.message};
    case ErrorCode::forbidden:
      return {http::status::forbidden, error.message};
    case ErrorCode::throttled:
      return {http::status::too_many_requests, error.message};
    case ErrorCode::internal:
      break;
  }
  return {http::status::internal_server_error,
          "an unexpected error occurred; the operator can find it in the log by request_id"};
}

}  // namespace liaison::web
