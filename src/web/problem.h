#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "base/error.h"
#include "web/http.h"

namespace liaison::web {

//! An RFC 9457 problem: what the client did wrong or what failed, as application/problem+json.
struct Problem {
  http::status status = http::status::internal_server_error;
  std::string detail;
  //! A URI naming the kind of problem; "about:blank" when the status says it all.
  std::string type = "about:blank";
  //! Problem details extension members (RFC 9457 §3.2), such as `errors`: one object per field
  //! or line that is wrong, so that a form or an import can show every one.
  boost::json::object extensions = {};
};

//! Builds the response; `instance` is the request path, so a user can quote it to an operator.
Response problem_response(const Problem& problem, std::string_view instance,
                          std::string_view request_id, unsigned http_version, bool keep_alive);

//! The HTTP status that reports an expected failure to a client. Internal details never leave
//! the server: internal errors get a generic detail.
Problem problem_from(const Error& error);

}  // namespace liaison::web
