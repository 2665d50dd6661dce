#include "web/api/responses.h"

#include <boost/json.hpp>

#include "web/problem.h"

namespace liaison::web {
namespace {

std::string attachment(std::string_view name) {
  return "attachment; filename=\"" + std::string(name) + "\"";
}

}  // namespace

Response download(const RequestContext& context, std::string body, std::string_view type,
                  std::string_view filename) {
  auto response = context.text(std::move(body), type);
  response.set(http::field::content_disposition, attachment(filename));
  return response;
}

Response field_problems(const RequestContext& context,
                        const std::vector<domain::FieldProblem>& problems) {
  Problem problem{http::status::unprocessable_entity,
                  std::to_string(problems.size()) + " field(s) need attention"};
  boost::json::array errors;
  for (const auto& each : problems) {
    boost::json::object item{{"field", each.field}, {"message", each.message}};
    if (!each.key.empty()) item["key"] = each.key;
    errors.push_back(std::move(item));
  }
  problem.extensions["errors"] = std::move(errors);
  return context.problem(problem);
}

}  // namespace liaison::web
