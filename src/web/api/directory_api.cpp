#include "web/api/directory_api.h"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "base/text.h"
#include "domain/formats/contact_json.h"
#include "domain/formats/directory_csv.h"
#include "domain/formats/global_irt.h"
#include "domain/formats/vcard.h"
#include "web/api/directory_json.h"
#include "web/api/resource_scope.h"
#include "web/api/responses.h"

namespace liaison::web {
namespace json = boost::json;
using domain::Action;

namespace {

std::string string_field(const json::value& body, std::string_view name) {
  if (const auto* object = body.if_object()) {
    if (const auto* value = object->if_contains(name); value && value->is_string())
      return std::string(value->get_string());
  }
  return {};
}

// The body of a create or update: level, contact, reason, effective_on (and based_on).
struct EntryRequest {
  domain::Level level = domain::Level::technical;
  domain::Contact contact;
  services::ChangeNote note;
  std::string state;
  int based_on = 0;
};

std::variant<EntryRequest, std::vector<domain::FieldProblem>> read_entry_request(
    const json::value& body) {
  std::vector<domain::FieldProblem> problems;
  EntryRequest request;
  const auto* object = body.if_object();
  if (object == nullptr)
    return std::vector<domain::FieldProblem>{{"body", "must be a JSON object"}};
  auto level = domain::parse_level(string_field(body, "level"));
  if (!level) {
    problems.push_back({"level", "must be one of policy, technical, structure"});
  } else {
    request.level = *level;
  }
  if (const auto* contact = object->if_contains("contact")) {
    request.contact = domain::contact_from_json(*contact, problems);
  } else {
    problems.push_back({"contact", "is required"});
  }
  request.state = ascii_upper(string_field(body, "state"));
  request.note = {string_field(body, "reason"), string_field(body, "effective_on")};
  if (const auto* based_on = object->if_contains("based_on")) {
    if (based_on->is_int64()) {
      request.based_on = static_cast<int>(based_on->get_int64());
    } else {
      problems.push_back({"based_on", "must be the version number you edited"});
    }
  }
  if (!problems.empty()) return problems;
  return request;
}

store::EntryFilter filter_from(const RequestContext& context, Result<std::string>& problem) {
  store::EntryFilter filter;
  filter.state = context.resource().state;
  if (auto level = context.query("level"); level && !level->empty()) {
    if (auto parsed = domain::parse_level(*level)) {
      filter.level = parsed;
    } else {
      problem = Error::invalid_argument("level: must be one of policy, technical, structure");
    }
  }
  filter.include_retired = context.query("retired").value_or("") == "1";
  filter.pending_only = context.query("pending").value_or("") == "1";
  return filter;
}

Response entry_answer(const RequestContext& context, const Result<domain::DirectoryEntry>& entry,
                      http::status status = http::status::ok) {
  if (!entry) return context.error(entry.error());
  return context.json(entry_json(*entry), status);
}

// Validates and normalises before the service, so that a form or client gets every field's
// problem at once (the service checks again).
template <class Then>
Response with_entry_request(const RequestContext& context, services::DirectoryService& directory,
                            const std::string& state, Then then) {
  auto read = read_entry_request(context.json_body());
  if (auto* problems = std::get_if<std::vector<domain::FieldProblem>>(&read))
    return field_problems(context, *problems);
  auto& request = std::get<EntryRequest>(read);
  auto problems = directory.normalise(request.contact, domain::kind_for(request.level),
                                      state.empty() ? request.state : state);
  if (!problems.empty()) return field_problems(context, problems);
  return then(request);
}

// The entries as vCards, with the state's English name (the export has no reader language yet).
std::string vcard_file(const std::vector<domain::DirectoryEntry>& entries,
                       services::ReferenceService& reference, std::string_view organisation) {
  std::vector<std::string> names;
  names.reserve(entries.size());
  for (const auto& entry : entries) {
    auto profile = reference.state(entry.state);
    names.push_back(profile ? profile.value()->state.name(domain::Language::english) : entry.state);
  }
  std::vector<domain::VcardInput> inputs;
  inputs.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i)
    inputs.push_back({entries[i], names[i], organisation});
  return domain::vcards(inputs);
}

Response export_entries(const RequestContext& context, services::ReferenceService& reference,
                        const std::vector<domain::DirectoryEntry>& entries,
                        const domain::Organisation& organisation, std::string_view format) {
  auto stem = organisation.code + "-directory";
  if (format == "csv") {
    std::vector<domain::DirectoryRow> rows;
    rows.reserve(entries.size());
    for (const auto& entry : entries)
      rows.push_back({entry.id, entry.state, entry.level, entry.version.status,
                      entry.version.contact, entry.version.number, entry.confirmed_at,
                      entry.verified_at});
    return download(context, domain::write_directory_csv(rows), "text/csv; charset=utf-8",
                    stem + ".csv");
  }
  if (format == "vcard")
    return download(context, vcard_file(entries, reference, organisation.code),
                    "text/vcard; charset=utf-8", stem + ".vcf");
  if (format == "global-irt") {
    std::vector<domain::State> states;
    states.reserve(entries.size());
    for (const auto& entry : entries) {
      auto profile = reference.state(entry.state);
      domain::State unknown;
      unknown.alpha2 = entry.state;
      states.push_back(profile ? profile.value()->state : unknown);
    }
    std::vector<domain::GlobalIrtTeam> teams;
    for (std::size_t i = 0; i < entries.size(); ++i)
      if (entries[i].kind == domain::EntryKind::structure) teams.push_back({entries[i], states[i]});
    return context.json(domain::global_irt_document(teams));
  }
  if (format == "json")
    return context.json(
        json::object{{"organisation", organisation.code}, {"entries", entries_json(entries)}});
  return context.error(Error::invalid_argument("format: one of csv, json, vcard, global-irt"));
}

Response import_problems(const RequestContext& context,
                         const std::vector<services::ImportProblem>& problems) {
  Problem problem{
      http::status::unprocessable_entity,
      std::to_string(problems.size()) + " problem(s) in the file; nothing was imported"};
  json::array errors;
  for (const auto& each : problems)
    errors.push_back(
        json::object{{"line", each.line}, {"field", each.field}, {"message", each.message}});
  problem.extensions["errors"] = std::move(errors);
  return context.problem(problem);
}

}  // namespace

Result<domain::Resource> directory_resource(const RequestContext& context,
                                            services::ReferenceService& reference) {
  auto members = reference.members(context.parameter("id"));
  if (!members) return members.error();
  auto resource = domain::Resource::organisation((*members)->organisation.id);
  auto state = context.parameter("state");
  if (state.empty()) return resource;
  auto member = member_state(**members, state);
  // In a path, a state that is not a member names nothing: 404 (a query parameter gets 400).
  if (!member && member.error().code == ErrorCode::conflict)
    return Error::not_found(member.error().message);
  if (!member) return Error::invalid_argument("state: " + member.error().message);
  resource.state = *member;
  return resource;
}

void add_directory_api(Router& router, services::DirectoryService& directory,
                       services::ReferenceService& reference) {
  auto scoped = [&reference](const RequestContext& context) {
    return directory_resource(context, reference);
  };
  auto read = Access::allow(Action::read_directory, scoped);
  auto id_of = [](const RequestContext& context) { return context.resource().organisation_id; };

  // The organisation's entries, or one state's: the path's {state} narrows the filter.
  auto list_entries = [&, id_of](const RequestContext& context) {
    Result<std::string> problem{std::string()};
    auto filter = filter_from(context, problem);
    if (!problem) return context.error(problem.error());
    auto view = context.query("view").value_or("published") == "newest"
                    ? store::EntryView::newest
                    : store::EntryView::published;
    auto entries = directory.entries(context.actor(), id_of(context), filter, view);
    if (!entries) return context.error(entries.error());
    json::object body{{"entries", entries_json(*entries)}};
    if (!context.resource().state.empty()) body["state"] = context.resource().state;
    return context.json(body);
  };
  router.add(http::verb::get, "/api/v1/organisations/{id}/entries", read, list_entries);
  router.add(http::verb::get, "/api/v1/organisations/{id}/states/{state}/entries", read,
             list_entries);

  router.add(
      http::verb::post, "/api/v1/organisations/{id}/entries",
      Access::checked_by_service(Action::edit_entries), [&](const RequestContext& context) {
        return with_entry_request(context, directory, {}, [&](EntryRequest& request) {
          return entry_answer(
              context,
              directory.create(context.actor(), std::string(context.parameter("id")), request.state,
                               request.level, std::move(request.contact), request.note),
              http::status::created);
        });
      });

  router.add(http::verb::get, "/api/v1/organisations/{id}/entries/{entry}", read,
             [&, id_of](const RequestContext& context) {
               auto history = directory.entry(context.actor(), id_of(context),
                                              std::string(context.parameter("entry")));
               if (!history) return context.error(history.error());
               return context.json(history_json(*history));
             });

  router.add(http::verb::put, "/api/v1/organisations/{id}/entries/{entry}",
             Access::checked_by_service(Action::edit_entries), [&](const RequestContext& context) {
               auto organisation = std::string(context.parameter("id"));
               auto entry_id = std::string(context.parameter("entry"));
               // The dialling region of the numbers is the entry's state, known to the service.
               auto current = directory.entry(context.actor(), organisation, entry_id);
               if (!current) return context.error(current.error());
               return with_entry_request(
                   context, directory, current->entry.state, [&](EntryRequest& request) {
                     return entry_answer(context,
                                         directory.update(context.actor(), organisation, entry_id,
                                                          request.level, std::move(request.contact),
                                                          request.note, request.based_on));
                   });
             });

  router.add(http::verb::post, "/api/v1/organisations/{id}/entries/{entry}/retire",
             Access::checked_by_service(Action::edit_entries), [&](const RequestContext& context) {
               const auto& body = context.json_body();
               return entry_answer(
                   context, directory.retire(context.actor(), std::string(context.parameter("id")),
                                             std::string(context.parameter("entry")),
                                             {string_field(body, "reason"),
                                              string_field(body, "effective_on")}));
             });

  router.add(http::verb::post, "/api/v1/organisations/{id}/entries/{entry}/approve",
             Access::checked_by_service(Action::approve_entries),
             [&](const RequestContext& context) {
               const auto* object = context.json_body().if_object();
               const auto* version = object ? object->if_contains("version") : nullptr;
               if (version == nullptr || !version->is_int64())
                 return context.error(
                     Error::invalid_argument("version: give the version number you approve"));
               return entry_answer(
                   context, directory.approve(context.actor(), std::string(context.parameter("id")),
                                              std::string(context.parameter("entry")),
                                              static_cast<int>(version->get_int64())));
             });

  router.add(http::verb::post, "/api/v1/organisations/{id}/nominations",
             Access::checked_by_service(Action::edit_entries), [&](const RequestContext& context) {
               const auto& body = context.json_body();
               auto level = domain::parse_level(string_field(body, "level"));
               if (!level)
                 return context.error(
                     Error::invalid_argument("level: must be one of policy, technical, structure"));
               return entry_answer(
                   context,
                   directory.nominate(context.actor(), string_field(body, "entry_id"),
                                      std::string(context.parameter("id")), *level),
                   http::status::created);
             });

  router.add(
      http::verb::post, "/api/v1/organisations/{id}/states/{state}/reconfirm",
      Access::allow(Action::edit_entries, scoped), [&, id_of](const RequestContext& context) {
        auto count = directory.reconfirm(context.actor(), id_of(context), context.resource().state);
        if (!count) return context.error(count.error());
        return context.json(
            json::object{{"state", context.resource().state}, {"confirmed_entries", *count}});
      });

  router.add(
      http::verb::get, "/api/v1/organisations/{id}/search", read,
      [&, id_of](const RequestContext& context) {
        Result<std::string> problem{std::string()};
        auto filter = filter_from(context, problem);
        if (!problem) return context.error(problem.error());
        if (auto state = context.query("state"); state && !state->empty())
          filter.state = ascii_upper(*state);
        auto query = context.query("q").value_or("");
        std::int64_t limit = 50;
        if (auto text = context.query("limit"); text && !text->empty()) {
          try {
            limit = std::stoll(*text);
          } catch (const std::exception&) {
            return context.error(Error::invalid_argument("limit: must be a number"));
          }
        }
        auto found = directory.search(context.actor(), id_of(context), query, filter, limit);
        if (!found) return context.error(found.error());
        return context.json(json::object{{"query", query}, {"entries", entries_json(*found)}});
      });

  router.add(http::verb::get, "/api/v1/organisations/{id}/export", read,
             [&, id_of](const RequestContext& context) {
               Result<std::string> problem{std::string()};
               auto filter = filter_from(context, problem);
               if (!problem) return context.error(problem.error());
               if (auto state = context.query("state"); state && !state->empty())
                 filter.state = ascii_upper(*state);
               auto entries = directory.entries(context.actor(), id_of(context), filter,
                                                store::EntryView::published);
               if (!entries) return context.error(entries.error());
               auto members = reference.members(id_of(context));
               if (!members) return context.error(members.error());
               return export_entries(context, reference, *entries, (*members)->organisation,
                                     context.query("format").value_or("json"));
             });

  router.add(
      http::verb::get, "/api/v1/organisations/{id}/states/{state}/vcard", read,
      [&, id_of](const RequestContext& context) {
        store::EntryFilter filter;
        filter.state = context.resource().state;
        auto entries =
            directory.entries(context.actor(), id_of(context), filter, store::EntryView::published);
        if (!entries) return context.error(entries.error());
        auto members = reference.members(id_of(context));
        if (!members) return context.error(members.error());
        const auto& code = (*members)->organisation.code;
        return download(context, vcard_file(*entries, reference, code), "text/vcard; charset=utf-8",
                        code + "-" + context.resource().state + ".vcf");
      });

  router.add(http::verb::get, "/api/v1/organisations/{id}/entries/{entry}/vcard", read,
             [&, id_of](const RequestContext& context) {
               auto history = directory.entry(context.actor(), id_of(context),
                                              std::string(context.parameter("entry")));
               if (!history) return context.error(history.error());
               auto members = reference.members(id_of(context));
               if (!members) return context.error(members.error());
               std::vector<domain::DirectoryEntry> one{history->entry};
               return download(context, vcard_file(one, reference, (*members)->organisation.code),
                               "text/vcard; charset=utf-8", history->entry.id + ".vcf");
             });

  // A CSV file in the body; ?dry_run=true reports what would happen and writes nothing.
  router.add(
      http::verb::post, "/api/v1/organisations/{id}/import",
      Access::checked_by_service(Action::edit_entries), [&](const RequestContext& context) {
        auto parsed = domain::read_directory_csv(context.request().body());
        std::vector<services::ImportProblem> problems;
        for (const auto& each : parsed.problems)
          problems.push_back({each.line, each.field, each.message});
        std::vector<services::ImportLine> lines;
        for (auto& row : parsed.rows) {
          // Line numbers are those of the file, counted by the reader in the order of rows.
          auto alpha2 = row.state;
          if (auto profile = reference.state(row.state)) alpha2 = profile.value()->state.alpha2;
          lines.push_back({0, row.id, alpha2, row.level, row.status, std::move(row.contact)});
        }
        for (std::size_t i = 0; i < lines.size() && i < parsed.row_lines.size(); ++i)
          lines[i].line = parsed.row_lines[i];
        if (!problems.empty()) return import_problems(context, problems);
        auto dry_run = context.query("dry_run").value_or("false");
        auto report = directory.import(context.actor(), std::string(context.parameter("id")),
                                       std::move(lines), dry_run == "true" || dry_run == "1");
        if (!report) return context.error(report.error());
        if (!report->problems.empty()) return import_problems(context, report->problems);
        return context.json(json::object{{"dry_run", report->dry_run},
                                         {"committed", report->committed},
                                         {"created", report->created},
                                         {"changed", report->changed},
                                         {"retired", report->retired},
                                         {"unchanged", report->unchanged}});
      });

  router.add(http::verb::get, "/api/v1/organisations/{id}/freshness",
             Access::allow(Action::read_freshness, scoped),
             [&, id_of](const RequestContext& context) {
               auto states = directory.freshness(context.actor(), id_of(context));
               if (!states) return context.error(states.error());
               return context.json(freshness_json(*states));
             });

  router.add(http::verb::get, "/api/v1/organisations/{id}/directory-rules", read,
             [&, id_of](const RequestContext& context) {
               auto rules = directory.rules(context.actor(), id_of(context));
               if (!rules) return context.error(rules.error());
               return context.json(rules_json(*rules));
             });

  router.add(http::verb::put, "/api/v1/organisations/{id}/directory-rules",
             Access::allow(Action::manage_directory, scoped),
             [&, id_of](const RequestContext& context) {
               auto rules = rules_from_json(context.json_body());
               if (!rules) return context.error(rules.error());
               auto saved = directory.set_rules(context.actor(), id_of(context), *rules);
               if (!saved) return context.error(saved.error());
               return context.json(rules_json(*saved));
             });
}

}  // namespace liaison::web
