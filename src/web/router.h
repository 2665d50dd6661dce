#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>
#include <boost/url/url_view.hpp>

#include "web/http.h"
#include "web/problem.h"

namespace liaison::web {

//! Where a request came from, as the connection established it (see client_origin.h).
struct RequestOrigin {
  std::string_view request_id;
  std::string_view remote_address;
  bool secure = false;  //!< TLS here, or at a trusted proxy in front of us
};

//! Everything a handler gets: the request, its parsed target and path parameters, and helpers
//! that build responses matching the request's HTTP version and keep-alive.
class RequestContext {
 public:
  RequestContext(const Request& request, boost::urls::url_view target, const RequestOrigin& origin)
      : request_(request), target_(target), request_id_(origin.request_id), origin_(origin) {}

  const Request& request() const { return request_; }
  std::string_view path() const { return target_.encoded_path(); }
  //! The decoded value of a `{name}` segment of the route, empty if the route has none.
  std::string_view parameter(std::string_view name) const;
  //! The decoded value of a query parameter, if present.
  std::optional<std::string> query(std::string_view name) const;
  std::string_view request_id() const { return request_id_; }
  std::string_view remote_address() const { return origin_.remote_address; }
  bool secure() const { return origin_.secure; }
  //! The request body parsed as JSON, when it was sent as application/json; null otherwise.
  const boost::json::value& json_body() const { return json_body_; }

  Response json(const boost::json::value& body, http::status status = http::status::ok) const;
  Response problem(const Problem& problem) const;
  Response error(const Error& error) const { return problem(problem_from(error)); }
  Response text(std::string body, std::string_view content_type,
                http::status status = http::status::ok) const;

 private:
  friend class Router;
  const Request& request_;
  boost::urls::url_view target_;
  std::string_view request_id_;
  RequestOrigin origin_;
  std::vector<std::pair<std::string, std::string>> parameters_;
  boost::json::value json_body_;
};

using Handler = std::function<Response(const RequestContext&)>;

//! What the router did with a request: the response, and the route pattern that served it
//! ("unmatched" when none did), which metrics and logs use as a bounded label.
struct Dispatched {
  Response response;
  std::string_view route;
};

//! Maps method and path pattern to handler. Patterns are literal segments and `{name}`
//! placeholders: "/api/v1/organisations/{id}/members". Unknown paths get 404, known paths with
//! another method 405 with an Allow header, HEAD is served by the GET handler without a body.
class Router {
 public:
  void add(http::verb method, std::string pattern, Handler handler);
  Dispatched dispatch(const Request& request, const RequestOrigin& origin) const;
  Dispatched dispatch(const Request& request, std::string_view request_id) const {
    return dispatch(request, RequestOrigin{request_id, {}, false});
  }

 private:
  struct Route {
    http::verb method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };

  static bool match(const Route& route, const std::vector<std::string>& segments,
                    std::vector<std::pair<std::string, std::string>>& parameters);

  std::vector<Route> routes_;
};

//! Headers every response carries: no sniffing, no framing, no referrer, the request id; and
//! HSTS when the request arrived over TLS.
void add_standard_headers(Response& response, std::string_view request_id, bool secure = false);

}  // namespace liaison::web
