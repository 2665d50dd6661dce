#include "web/api/check_api.h"

#include <boost/json.hpp>

#include "web/api/directory_api.h"
#include "web/api/responses.h"

namespace liaison::web {
namespace json = boost::json;

namespace {

using domain::Action;

json::value text_or_null(const std::string& text) {
  return text.empty() ? json::value(nullptr) : json::value(text);
}

json::value seconds_or_null(const std::optional<double>& seconds) {
  return seconds ? json::value(*seconds) : json::value(nullptr);
}

json::object tally_json(const services::CheckTally& tally) {
  return {{"recipients", tally.recipients},
          {"responded", tally.responded},
          {"completed", tally.completed},
          {"late", tally.late},
          {"bounced", tally.bounced},
          {"auto_replied", tally.auto_replied},
          {"pending", tally.pending},
          {"no_answer", tally.no_answer},
          {"median_seconds", seconds_or_null(tally.median_seconds)},
          {"p90_seconds", seconds_or_null(tally.p90_seconds)}};
}

json::object recipient_json(const store::CheckRecipientRecord& r) {
  return {{"id", r.id},
          {"state", r.state},
          {"entry_id", r.entry_id},
          {"level", r.level},
          {"name", r.name},
          {"address", r.address},
          {"role", r.role},
          {"escalated_from", text_or_null(r.escalated_from)},
          {"invited_at", text_or_null(r.invited_at)},
          {"deadline", r.deadline},
          {"reminded_at", text_or_null(r.reminded_at)},
          {"answered_at", text_or_null(r.answered_at)},
          {"answer_channel", text_or_null(r.answer_channel)},
          {"answer_text", text_or_null(r.answer_text)},
          {"answer_from", text_or_null(r.answer_from)},
          {"verdict", text_or_null(r.verdict)},
          {"completed_at", text_or_null(r.completed_at)},
          {"bounced_at", text_or_null(r.bounced_at)},
          {"bounce_detail", text_or_null(r.bounce_detail)},
          {"auto_reply_at", text_or_null(r.auto_reply_at)}};
}

//! A boolean member: absent gives `fallback`, anything but true/false is a problem.
bool boolean_member(const json::object& body, std::string_view name, bool fallback,
                    std::vector<domain::FieldProblem>& problems) {
  const auto* value = body.if_contains(name);
  if (!value) return fallback;
  if (!value->is_bool()) {
    problems.push_back({std::string(name), "must be true or false"});
    return fallback;
  }
  return value->as_bool();
}

std::string string_member(const json::object& body, std::string_view name,
                          std::vector<domain::FieldProblem>& problems) {
  const auto* value = body.if_contains(name);
  if (!value || value->is_null()) return {};
  if (!value->is_string()) {
    problems.push_back({std::string(name), "must be a string"});
    return {};
  }
  return std::string(value->as_string());
}

int integer_member(const json::object& body, std::string_view name, int fallback,
                   std::vector<domain::FieldProblem>& problems) {
  const auto* value = body.if_contains(name);
  if (!value) return fallback;
  if (!value->is_int64() || value->as_int64() < -1'000'000 || value->as_int64() > 1'000'000) {
    problems.push_back({std::string(name), "must be a whole number", "not_whole_number"});
    return fallback;
  }
  return static_cast<int>(value->as_int64());
}

std::vector<std::string> strings_member(const json::object& body, std::string_view name,
                                        std::string_view field,
                                        std::vector<domain::FieldProblem>& problems) {
  std::vector<std::string> strings;
  const auto* value = body.if_contains(name);
  if (!value || value->is_null()) return strings;
  if (!value->is_array()) {
    problems.push_back({std::string(field), "must be a list of strings"});
    return strings;
  }
  for (const auto& item : value->as_array()) {
    if (!item.is_string()) {
      problems.push_back({std::string(field), "must be a list of strings"});
      return {};
    }
    strings.emplace_back(item.as_string());
  }
  return strings;
}

}  // namespace

Result<domain::CheckPlan> plan_from_json(const json::value& body,
                                         std::vector<domain::FieldProblem>& problems) {
  const auto* object = body.if_object();
  if (!object) return Error::invalid_argument("the body must be a JSON object");
  domain::CheckPlan plan;
  plan.title = string_member(*object, "title", problems);
  auto task = string_member(*object, "task", problems);
  if (auto parsed = domain::parse_check_task(task.empty() ? "acknowledge" : task))
    plan.task = *parsed;
  else
    problems.push_back({"task", "must be acknowledge, answer, bilateral or channel"});
  plan.question = string_member(*object, "question", problems);
  plan.expected_answer = string_member(*object, "expected_answer", problems);
  plan.announced = boolean_member(*object, "announced", false, problems);
  plan.starts_at = string_member(*object, "starts_at", problems);
  plan.window_hours = integer_member(*object, "window_hours", 24, problems);
  plan.reminder_percent = integer_member(*object, "reminder_percent", 50, problems);
  plan.escalate = boolean_member(*object, "escalate", true, problems);
  plan.pairing_seed = string_member(*object, "pairing_seed", problems);
  plan.pair_across_regions = boolean_member(*object, "pair_across_regions", false, problems);
  const auto* target = object->if_contains("target");
  if (target && !target->is_object()) {
    problems.push_back({"target", "must be an object with states, regions and levels"});
  } else if (target) {
    const auto& t = target->as_object();
    plan.target.states = strings_member(t, "states", "target.states", problems);
    plan.target.regions = strings_member(t, "regions", "target.regions", problems);
    for (const auto& name : strings_member(t, "levels", "target.levels", problems)) {
      if (auto level = domain::parse_level(name))
        plan.target.levels.push_back(*level);
      else
        problems.push_back({"target.levels", "must be policy, technical or structure"});
    }
  } else {
    plan.target.levels = {domain::Level::policy, domain::Level::technical};
  }
  for (auto& problem : domain::check_plan_problems(plan))
    problems.push_back(std::move(problem));
  return plan;
}

json::object check_json(const store::CheckRecord& check) {
  const auto& plan = check.plan;
  json::array levels;
  for (auto level : plan.target.levels)
    levels.emplace_back(domain::level_name(level));
  return {{"id", check.id},
          {"organisation_id", check.organisation_id},
          {"title", plan.title},
          {"task", domain::check_task_name(plan.task)},
          {"question", plan.question},
          {"expected_answer", plan.expected_answer},
          {"announced", plan.announced},
          {"starts_at", text_or_null(plan.starts_at)},
          {"window_hours", plan.window_hours},
          {"reminder_percent", plan.reminder_percent},
          {"escalate", plan.escalate},
          {"pairing_seed", plan.pairing_seed},
          {"pair_across_regions", plan.pair_across_regions},
          {"target",
           {{"states", json::array(plan.target.states.begin(), plan.target.states.end())},
            {"regions", json::array(plan.target.regions.begin(), plan.target.regions.end())},
            {"levels", levels}}},
          {"status", domain::check_status_name(check.status)},
          {"created_at", check.created_at},
          {"launched_at", text_or_null(check.launched_at)},
          {"started_at", text_or_null(check.started_at)},
          {"reminded_at", text_or_null(check.reminded_at)},
          {"escalated_at", text_or_null(check.escalated_at)},
          {"closed_at", text_or_null(check.closed_at)},
          {"cancelled_at", text_or_null(check.cancelled_at)}};
}

json::object results_json(const services::CheckResults& results) {
  json::object by_level;
  for (const auto& [level, tally] : results.by_level)
    by_level[level] = tally_json(tally);
  json::object by_region;
  for (const auto& [region, tally] : results.by_region)
    by_region[region] = tally_json(tally);
  json::array states;
  for (const auto& state : results.states)
    states.push_back({{"state", state.state},
                      {"region", state.region},
                      {"result", state.result},
                      {"escalated", state.escalated},
                      {"partner", text_or_null(state.partner)},
                      {"leg_completed_at", text_or_null(state.leg_completed_at)},
                      {"tally", tally_json(state.tally)}});
  json::array recipients;
  for (const auto& recipient : results.recipients)
    recipients.push_back(recipient_json(recipient));
  json::array timeline;
  for (const auto& [at, answers] : results.timeline)
    timeline.push_back({{"at", at}, {"answers", answers}});
  return {{"check", check_json(results.check)},  {"deadline", text_or_null(results.deadline)},
          {"all", tally_json(results.all)},      {"by_level", std::move(by_level)},
          {"by_region", std::move(by_region)},   {"states", std::move(states)},
          {"recipients", std::move(recipients)}, {"timeline", std::move(timeline)}};
}

void add_check_api(Router& router, services::CheckService& checks,
                   services::ReferenceService& reference) {
  auto scoped = [&reference](const RequestContext& context) {
    return directory_resource(context, reference);
  };
  auto id_of = [](const RequestContext& context) { return context.resource().organisation_id; };
  auto check_of = [](const RequestContext& context) {
    return std::string(context.parameter("check"));
  };

  router.add(http::verb::get, "/api/v1/organisations/{id}/checks",
             Access::allow(Action::read_checks, scoped), [&, id_of](const RequestContext& context) {
               auto list = checks.list(context.actor(), id_of(context));
               if (!list) return context.error(list.error());
               json::array items;
               for (const auto& summary : *list) {
                 auto item = check_json(summary.check);
                 item["recipients"] = summary.recipients;
                 item["responded"] = summary.responded;
                 items.push_back(std::move(item));
               }
               return context.json(json::object{{"checks", std::move(items)}});
             });

  router.add(http::verb::post, "/api/v1/organisations/{id}/checks",
             Access::allow(Action::run_checks, scoped), [&, id_of](const RequestContext& context) {
               std::vector<domain::FieldProblem> problems;
               auto plan = plan_from_json(context.json_body(), problems);
               if (!plan) return context.error(plan.error());
               if (!problems.empty()) return field_problems(context, problems);
               auto created = checks.create(context.actor(), id_of(context), *plan);
               if (!created) return context.error(created.error());
               return context.json(check_json(*created), http::status::created);
             });

  router.add(http::verb::get, "/api/v1/organisations/{id}/states/{state}/checks",
             Access::allow(Action::read_checks, scoped), [&, id_of](const RequestContext& context) {
               auto history =
                   checks.state_history(context.actor(), id_of(context), context.resource().state);
               if (!history) return context.error(history.error());
               json::array items;
               for (const auto& line : history->checks)
                 items.push_back({{"check", check_json(line.check)},
                                  {"recipients", line.recipients},
                                  {"responded", line.responded},
                                  {"completed", line.completed},
                                  {"first_answer_at", text_or_null(line.first_answer_at)},
                                  {"result", line.result}});
               return context.json(
                   json::object{{"state", context.resource().state}, {"checks", std::move(items)}});
             });

  router.add(http::verb::get, "/api/v1/checks/{check}",
             Access::checked_by_service(Action::read_checks),
             [&, check_of](const RequestContext& context) {
               auto check = checks.get(context.actor(), check_of(context));
               if (!check) return context.error(check.error());
               return context.json(check_json(*check));
             });

  router.add(http::verb::put, "/api/v1/checks/{check}",
             Access::checked_by_service(Action::run_checks),
             [&, check_of](const RequestContext& context) {
               std::vector<domain::FieldProblem> problems;
               auto plan = plan_from_json(context.json_body(), problems);
               if (!plan) return context.error(plan.error());
               if (!problems.empty()) return field_problems(context, problems);
               auto updated = checks.update(context.actor(), check_of(context), *plan);
               if (!updated) return context.error(updated.error());
               return context.json(check_json(*updated));
             });

  router.add(
      http::verb::get, "/api/v1/checks/{check}/preview",
      Access::checked_by_service(Action::run_checks), [&, check_of](const RequestContext& context) {
        auto preview = checks.preview(context.actor(), check_of(context));
        if (!preview) return context.error(preview.error());
        json::array lines;
        for (const auto& line : preview->lines)
          lines.push_back({{"state", line.state},
                           {"entry_id", line.entry_id},
                           {"name", line.name},
                           {"address", line.address},
                           {"level", line.level},
                           {"language", line.language},
                           {"time_zone", line.time_zone},
                           {"partner", text_or_null(line.partner)}});
        return context.json(json::object{
            {"recipients", std::move(lines)},
            {"states_without_recipients", json::array(preview->states_without_recipients.begin(),
                                                      preview->states_without_recipients.end())}});
      });

  for (const auto& route : {std::pair{"/api/v1/checks/{check}/launch", true},
                            std::pair{"/api/v1/checks/{check}/cancel", false}}) {
    // A copy, not the structured binding: clang 14 (the fuzz build) cannot capture one.
    const bool launch = route.second;
    router.add(http::verb::post, route.first, Access::checked_by_service(Action::run_checks),
               [&, check_of, launch](const RequestContext& context) {
                 auto done = launch ? checks.launch(context.actor(), check_of(context))
                                    : checks.cancel(context.actor(), check_of(context));
                 if (!done) return context.error(done.error());
                 return context.json(check_json(*done));
               });
  }

  router.add(http::verb::get, "/api/v1/checks/{check}/results",
             Access::checked_by_service(Action::read_checks),
             [&, check_of](const RequestContext& context) {
               auto format = context.query("format").value_or("json");
               if (format == "csv") {
                 auto csv = checks.results_csv(context.actor(), check_of(context));
                 if (!csv) return context.error(csv.error());
                 return download(context, std::move(*csv), "text/csv; charset=utf-8",
                                 "check-" + check_of(context) + ".csv");
               }
               if (format != "json")
                 return context.error(Error::invalid_argument("format: must be json or csv"));
               auto results = checks.results(context.actor(), check_of(context));
               if (!results) return context.error(results.error());
               return context.json(results_json(*results));
             });

  router.add(http::verb::post, "/api/v1/checks/{check}/recipients/{recipient}/verdict",
             Access::checked_by_service(Action::run_checks),
             [&, check_of](const RequestContext& context) {
               const auto* body = context.json_body().if_object();
               const auto* accepted = body ? body->if_contains("accepted") : nullptr;
               if (!accepted || !accepted->is_bool())
                 return field_problems(context, {{"accepted", "must be true or false"}});
               auto judged =
                   checks.judge(context.actor(), check_of(context),
                                std::string(context.parameter("recipient")), accepted->as_bool());
               if (!judged) return context.error(judged.error());
               return context.json(
                   json::object{{"verdict", accepted->as_bool() ? "accepted" : "rejected"}});
             });

  router.add(
      http::verb::post, "/api/v1/checks/{check}/recipients/{recipient}/call",
      Access::checked_by_service(Action::run_checks), [&, check_of](const RequestContext& context) {
        std::vector<domain::FieldProblem> problems;
        const auto* body = context.json_body().if_object();
        if (!body) return context.error(Error::invalid_argument("the body must be a JSON object"));
        auto code = string_member(*body, "code", problems);
        auto note = string_member(*body, "note", problems);
        if (!problems.empty()) return field_problems(context, problems);
        auto recorded = checks.record_call(context.actor(), check_of(context),
                                           std::string(context.parameter("recipient")), code, note);
        if (!recorded) return context.error(recorded.error());
        return context.json(json::object{{"recorded", true}});
      });
}

}  // namespace liaison::web
