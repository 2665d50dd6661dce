#include "web/api/audit_api.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/value.hpp>
#include <fmt/format.h>

#include "services/audit_query.h"
#include "web/api/query_parameters.h"
#include "web/api/resource_scope.h"

namespace liaison::web {
namespace json = boost::json;

namespace {

// A query string decodes '+' as a space, so "+01:00" sent unencoded arrives as " 01:00". An
// RFC 3339 time has no spaces: turn them back.
std::string time_parameter(const RequestContext& context, std::string_view name) {
  auto text = context.query(name).value_or("");
  std::replace(text.begin(), text.end(), ' ', '+');
  return text;
}

// The filter the query asks for, within the organisation the router resolved and authorised.
Result<services::AuditFilter> filter_of(const RequestContext& context) {
  services::AuditFilter filter;
  filter.organisation_id = context.resource().organisation_id;
  filter.action_prefix = context.query("action").value_or("");
  filter.actor = context.query("actor").value_or("");
  filter.subject = context.query("subject").value_or("");
  filter.since = time_parameter(context, "since");
  filter.until = time_parameter(context, "until");
  auto after = integer_parameter(context, "after", 0);
  if (!after) return after.error();
  filter.after_sequence = *after;
  auto limit = integer_parameter(context, "limit", filter.limit);
  if (!limit) return limit.error();
  filter.limit = *limit;
  return filter;
}

// The whole matching log as one body, a line per entry.
template <class Line>
Response export_response(const RequestContext& context, store::Database& database,
                         const services::AuditFilter& filter, std::string body, Line line,
                         std::string_view content_type, std::string_view filename) {
  auto exported = services::export_audit(
      database, filter, [&](const domain::AuditEntry& entry) { body += line(entry); });
  if (!exported) return context.error(exported.error());
  auto response = context.text(std::move(body), content_type);
  response.set(http::field::content_disposition,
               fmt::format("attachment; filename=\"{}\"", filename));
  return response;
}

}  // namespace

void add_audit_api(Router& router, services::ReferenceService& reference,
                   store::Database& database) {
  // Without ?organisation= the request is about the whole instance, which only operators reach.
  auto resource_of = [&reference](const RequestContext& context) -> Result<domain::Resource> {
    if (context.query("state"))
      return Error::invalid_argument("state: the audit log is kept per organisation");
    return resource_from_query(context, reference);
  };

  router.add(
      http::verb::get, "/api/v1/audit", Access::allow(domain::Action::read_audit, resource_of),
      [&database](const RequestContext& context) {
        auto format = context.query("format").value_or("json");
        if (format != "json" && format != "csv" && format != "jsonl") {
          return context.problem({http::status::bad_request, "format: must be json, csv or jsonl"});
        }
        auto filter = filter_of(context);
        if (!filter) return context.error(filter.error());

        if (format == "csv") {
          return export_response(context, database, *filter, services::audit_csv_header(),
                                 services::audit_csv_row, "text/csv; charset=utf-8",
                                 "liaison-audit.csv");
        }
        if (format == "jsonl") {
          return export_response(context, database, *filter, std::string(),
                                 services::audit_json_line, "application/x-ndjson",
                                 "liaison-audit.jsonl");
        }

        auto entries = services::query_audit(database, *filter);
        if (!entries) return context.error(entries.error());
        json::array items;
        items.reserve(entries->size());
        for (const auto& entry : *entries)
          items.push_back(services::audit_json(entry));
        // The sequence to pass as ?after= for the next page; null once a page comes back empty.
        json::value next_after = nullptr;
        if (!entries->empty()) next_after = entries->back().sequence;
        return context.json(
            json::object{{"entries", std::move(items)}, {"next_after", std::move(next_after)}});
      });
}

}  // namespace liaison::web
