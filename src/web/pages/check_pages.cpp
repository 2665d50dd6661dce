// Communication checks as pages: the organisation's checks, the compose form, one check (its
// plan, the preview of a draft, the results of a running or closed one, with verdicts and calls),
// a printable report, and a state's reachability across checks. Every task is a plain HTML form;
// the charts are an enhancement over tables that carry every number. The pages speak the reader's
// language: words live in locales/*/checks.json; the templates name the codes and flags the data
// carries (result_answered, level_policy, …) with {{#t}}, and messages with arguments (titles,
// captions, tallies) are translated here. Dates are shown in the reader's time zone, state and
// region names in their language, lists of them in its collation.

#include <algorithm>
#include <cmath>
#include <set>

#include <boost/json.hpp>

#include "base/regions.h"
#include "base/text.h"
#include "web/api/check_api.h"
#include "web/api/directory_api.h"
#include "web/i18n.h"
#include "web/pages/pages.h"

namespace liaison::web {
namespace {

//! Recipients listed on a check's page at most; the CSV has every one.
constexpr std::int64_t kRecipientRows = 1000;

namespace json = boost::json;
using domain::Action;
using domain::CheckStatus;
using domain::CheckTask;
using domain::Language;

// kainjow::mustache renders {{#field}}…{{/field}} for the empty string too: a value not given is
// false, so that the templates leave out its label.
mustache::data text(const std::string& value) {
  return value.empty() ? mustache::data(false) : mustache::data(value);
}

// A stored UTC time ("2026-11-23T11:50:15.123456Z") as the reader's language writes it, in
// their time zone, with its offset ("23 November 2026 at 11:50 GMT"); false when there is none.
mustache::data when(const RequestContext& context, const std::string& utc) {
  if (utc.empty()) return false;
  return format_date_time(context.language(), utc, context.time_zone());
}

// Names joined as the language lists them ("Austria, France"; "奥地利、法国").
std::string joined(Language language, const std::vector<std::string>& names) {
  std::string out;
  const auto separator = translate(language, "checks.list_separator");
  for (const auto& name : names)
    out += (out.empty() ? "" : separator) + name;
  return out;
}

// A flag per value ("result_answered"), so that the template says the word for it.
void flag(mustache::data& data, std::string_view prefix, std::string_view value) {
  data.set(std::string(prefix) + "_" + std::string(value), true);
}

// A duration split for the template ("2 h 05 min", "40 s"); false when there is none.
mustache::data duration(const std::optional<double>& seconds) {
  if (!seconds) return false;
  auto total = static_cast<long long>(std::llround(*seconds));
  mustache::data data;
  if (total < 60) {
    data.set("seconds", std::to_string(total));
    return data;
  }
  auto minutes = total / 60;
  auto hours = minutes / 60;
  minutes %= 60;
  if (hours > 0) data.set("hours", std::to_string(hours));
  auto mm = std::to_string(minutes);
  if (hours > 0 && mm.size() < 2) mm = "0" + mm;
  data.set("minutes", mm);
  return data;
}

std::string percent(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return "0";
  return std::to_string(static_cast<long long>(
      std::llround(100.0 * static_cast<double>(part) / static_cast<double>(whole))));
}

mustache::data tally_data(const services::CheckTally& tally) {
  mustache::data data;
  data.set("recipients", std::to_string(tally.recipients));
  data.set("responded", std::to_string(tally.responded));
  data.set("completed", std::to_string(tally.completed));
  data.set("late", std::to_string(tally.late));
  data.set("bounced", std::to_string(tally.bounced));
  data.set("auto_replied", std::to_string(tally.auto_replied));
  data.set("pending", std::to_string(tally.pending));
  data.set("no_answer", std::to_string(tally.no_answer));
  data.set("median", duration(tally.median_seconds));
  data.set("p90", duration(tally.p90_seconds));
  data.set("rate", percent(tally.responded, tally.recipients));
  return data;
}

// JSON for the data island: "<" escaped so that no "</script>" can end the element early.
std::string island(const json::value& value) {
  auto serialised = json::serialize(value);
  std::string escaped;
  escaped.reserve(serialised.size());
  for (char c : serialised) {
    if (c == '<')
      escaped += "\\u003c";
    else
      escaped += c;
  }
  return escaped;
}

// What the compose form holds, as typed.
struct ComposeForm {
  std::string title;
  std::string task = "acknowledge";
  std::string question;
  std::string expected_answer;
  bool announced = false;
  std::string starts_at;  // datetime-local, UTC
  std::string window_hours = "24";
  std::string reminder_percent = "50";
  bool escalate = true;
  std::set<std::string> levels{"policy", "technical"};
  std::set<std::string> states;
  std::set<std::string> regions;
  std::string pairing_seed;
  bool pair_across_regions = false;
  std::vector<domain::FieldProblem> problems;
};

ComposeForm compose_from(const RequestContext& context) {
  ComposeForm form;
  form.title = std::string(trim_blanks(context.form("title")));
  form.task = context.form("task");
  form.question = context.form("question");
  form.expected_answer = std::string(trim_blanks(context.form("expected_answer")));
  form.announced = !context.form("announced").empty();
  form.starts_at = std::string(trim_blanks(context.form("starts_at")));
  form.window_hours = std::string(trim_blanks(context.form("window_hours")));
  form.reminder_percent = std::string(trim_blanks(context.form("reminder_percent")));
  form.escalate = !context.form("escalate").empty();
  auto values = [&](std::string_view name) {
    auto list = context.form_values(name);
    return std::set<std::string>(list.begin(), list.end());
  };
  form.levels = values("levels");
  form.states = values("states");
  form.regions = values("regions");
  form.pairing_seed = std::string(trim_blanks(context.form("pairing_seed")));
  form.pair_across_regions = !context.form("pair_across_regions").empty();
  return form;
}

// The API's JSON for the form, so that plan_from_json and the domain keep the one set of rules.
// A number that does not read as one is passed on as text, which the rules refuse by field.
json::object plan_json(const ComposeForm& form) {
  json::object body;
  body["title"] = form.title;
  body["task"] = form.task;
  body["question"] = form.question;
  body["expected_answer"] = form.expected_answer;
  body["announced"] = form.announced;
  // datetime-local has no zone: the form says it is UTC.
  auto starts = form.starts_at;
  if (starts.size() == 16)
    starts += ":00Z";
  else if (starts.size() == 19)
    starts += "Z";
  body["starts_at"] = starts;
  auto number = [&](std::string_view name, const std::string& typed) {
    if (typed.empty()) return;
    char* end = nullptr;
    long value = std::strtol(typed.c_str(), &end, 10);
    if (end && *end == '\0')
      body[name] = static_cast<std::int64_t>(value);
    else
      body[name] = typed;
  };
  number("window_hours", form.window_hours);
  number("reminder_percent", form.reminder_percent);
  body["escalate"] = form.escalate;
  body["pairing_seed"] = form.pairing_seed;
  body["pair_across_regions"] = form.pair_across_regions;
  json::object target;
  target["states"] = json::array(form.states.begin(), form.states.end());
  target["regions"] = json::array(form.regions.begin(), form.regions.end());
  target["levels"] = json::array(form.levels.begin(), form.levels.end());
  body["target"] = std::move(target);
  return body;
}

class CheckPages {
 public:
  CheckPages(const PageRenderer& pages, services::CheckService& checks,
             services::ReferenceService& reference)
      : pages_(pages), checks_(checks), reference_(reference) {}

  Response list(const RequestContext& context) const {
    const auto language = context.language();
    const auto& resource = context.resource();
    auto code = organisation_code(resource.organisation_id);
    auto list = checks_.list(context.actor(), resource.organisation_id);
    if (!list) return context.error(list.error());
    mustache::data rows{mustache::data::type::list};
    for (const auto& summary : *list) {
      const auto& check = summary.check;
      mustache::data row;
      row.set("id", check.id);
      row.set("href", "/checks/" + code + "/" + check.id);
      row.set("title", check.plan.title);
      row.set("status", std::string(domain::check_status_name(check.status)));
      flag(row, "status", domain::check_status_name(check.status));
      flag(row, "task", domain::check_task_name(check.plan.task));
      row.set("start",
              when(context, check.started_at.empty() ? check.plan.starts_at : check.started_at));
      row.set("recipients", std::to_string(summary.recipients));
      row.set("responded", std::to_string(summary.responded));
      rows.push_back(row);
    }
    mustache::data data;
    data.set("code", code);
    data.set("zone", std::string(context.time_zone()));
    data.set("directory_link",
             translate(language, "checks.list.directory_link", {{"organisation", code}}));
    data.set("caption", translate(language, "checks.list.caption", {{"organisation", code}}));
    data.set("checks", rows);
    data.set("none", rows.is_empty_list());
    data.set("may_run", context.allowed(Action::run_checks, resource));
    data.set("compose_href", "/checks/" + code + "/new");
    return pages_.render(context, "check_list", data,
                         {translate(language, "checks.list.title", {{"organisation", code}})});
  }

  Response compose(const RequestContext& context) const {
    return compose_page(context, ComposeForm{}, http::status::ok);
  }

  Response create(const RequestContext& context) const {
    const auto& resource = context.resource();
    auto form = compose_from(context);
    std::vector<domain::FieldProblem> problems;
    auto plan = plan_from_json(plan_json(form), problems);
    if (!plan) return context.error(plan.error());
    if (problems.empty()) {
      auto created = checks_.create(context.actor(), resource.organisation_id, *plan);
      if (created)
        return PageRenderer::redirect(
            context, "/checks/" + organisation_code(resource.organisation_id) + "/" + created->id);
      if (created.error().code != ErrorCode::invalid_argument)
        return context.error(created.error());
      problems = problems_of(created.error(), context.language());
    }
    // The form's own reading of the plan and the service both give keyed problems.
    for (auto& problem : problems)
      problem.message = problem_text(context.language(), problem);
    form.problems = std::move(problems);
    return compose_page(context, form, http::status::unprocessable_entity);
  }

  Response check(const RequestContext& context, PageOptions options = {}) const {
    return check_page(context, std::move(options), false);
  }

  Response report(const RequestContext& context) const { return check_page(context, {}, true); }

  Response launch_or_cancel(const RequestContext& context, bool launch) const {
    auto id = std::string(context.parameter("check"));
    if (auto found = owned(context, id); !found) return refusal(context, found.error());
    auto done = launch ? checks_.launch(context.actor(), id) : checks_.cancel(context.actor(), id);
    if (!done) {
      if (done.error().code != ErrorCode::conflict) return refusal(context, done.error());
      // Why, as the page knows it: a launched check is no longer a draft (or a draft reaches
      // nobody); a cancelled one had started already.
      auto now = owned(context, id);
      const bool draft = now && now->status == CheckStatus::draft;
      const char* key = !launch ? "checks.error.cancel_started"
                        : draft ? "checks.error.launch_nobody"
                                : "checks.error.launch_not_draft";
      return check(context, {{}, {}, translate(context.language(), key), http::status::conflict});
    }
    return PageRenderer::redirect(
        context, check_href(context, id) + (launch ? "?launched=1" : "?cancelled=1"));
  }

  Response verdict(const RequestContext& context) const {
    auto id = std::string(context.parameter("check"));
    auto found = owned(context, id);
    if (!found) return refusal(context, found.error());
    auto accepted = context.form("accepted");
    if (accepted != "yes" && accepted != "no")
      return check(context, {{},
                             {},
                             translate(context.language(), "checks.error.accepted_yes_no"),
                             http::status::bad_request});
    auto judged = checks_.judge(context.actor(), id, std::string(context.parameter("recipient")),
                                accepted == "yes");
    if (!judged) {
      if (judged.error().code != ErrorCode::conflict)
        return refusal(context, judged.error(), "checks.error.no_recipient");
      const char* key = found->plan.task != CheckTask::answer ? "checks.error.judge_task"
                                                              : "checks.error.judge_unanswered";
      return check(context, {{}, {}, translate(context.language(), key), http::status::conflict});
    }
    return PageRenderer::redirect(context, check_href(context, id) + "?judged=1");
  }

  Response call(const RequestContext& context) const {
    auto id = std::string(context.parameter("check"));
    auto found = owned(context, id);
    if (!found) return refusal(context, found.error());
    auto recorded =
        checks_.record_call(context.actor(), id, std::string(context.parameter("recipient")),
                            context.form("code"), context.form("note"));
    if (!recorded) {
      auto code = recorded.error().code;
      if (code == ErrorCode::conflict) {
        const char* key = found->plan.task != CheckTask::channel ? "checks.error.call_task"
                                                                 : "checks.error.call_not_started";
        return check(context, {{}, {}, translate(context.language(), key), http::status::conflict});
      }
      if (code != ErrorCode::invalid_argument)
        return refusal(context, recorded.error(), "checks.error.no_recipient");
      // The code that was not said, in the reader's words like the compose form's problems.
      const auto& error = recorded.error();
      auto text = error.details.empty() ? error.message
                                        : problem_text(context.language(), error.details.front());
      return check(context, {{}, {}, std::move(text), http::status::bad_request});
    }
    return PageRenderer::redirect(context, check_href(context, id) + "?called=1");
  }

  Response state_history(const RequestContext& context) const {
    const auto language = context.language();
    const auto& resource = context.resource();
    auto code = organisation_code(resource.organisation_id);
    auto history = checks_.state_history(context.actor(), resource.organisation_id, resource.state);
    if (!history) return context.error(history.error());
    bool linked = context.allowed(Action::read_checks,
                                  domain::Resource::organisation(resource.organisation_id));
    mustache::data rows{mustache::data::type::list};
    for (const auto& line : history->checks) {
      mustache::data row;
      row.set("title", line.check.plan.title);
      row.set("href",
              linked ? text("/checks/" + code + "/" + line.check.id) : mustache::data(false));
      flag(row, "task", domain::check_task_name(line.check.plan.task));
      row.set("start", when(context, line.check.started_at));
      row.set("recipients", std::to_string(line.recipients));
      row.set("responded", std::to_string(line.responded));
      row.set("completed", std::to_string(line.completed));
      row.set("first_answer_at", when(context, line.first_answer_at));
      row.set("result", line.result);
      flag(row, "result", line.result);
      rows.push_back(row);
    }
    const auto name = state_name(resource.state, language);
    mustache::data data;
    data.set("code", code);
    data.set("state", resource.state);
    data.set("zone", std::string(context.time_zone()));
    data.set("entries_link", translate(language, "checks.history.entries_link", {{"state", name}}));
    data.set("none_text",
             translate(language, "checks.history.none", {{"state", name}, {"organisation", code}}));
    data.set("caption", translate(language, "checks.history.caption",
                                  {{"state", name}, {"organisation", code}}));
    data.set("checks", rows);
    data.set("none", rows.is_empty_list());
    return pages_.render(
        context, "check_state_history", data,
        {translate(language, "checks.history.title", {{"state", name}, {"organisation", code}})});
  }

 private:
  std::string organisation_code(const std::string& organisation_id) const {
    auto members = reference_.members(organisation_id);
    return members ? (*members)->organisation.code : organisation_id;
  }

  std::string state_name(const std::string& alpha2, Language language) const {
    auto profile = reference_.state(alpha2);
    if (!profile) return alpha2;
    return profile.value()->state.name(language);
  }

  std::string check_href(const RequestContext& context, const std::string& id) const {
    return "/checks/" + organisation_code(context.resource().organisation_id) + "/" + id;
  }

  // The check, when it belongs to the organisation of the path: another's answers 404, as if
  // it did not exist.
  Result<store::CheckRecord> owned(const RequestContext& context, const std::string& id) const {
    auto check = checks_.get(context.actor(), id);
    if (!check) return check.error();
    if (check->organisation_id != context.resource().organisation_id)
      return Error::not_found("no such check");
    return check;
  }

  // A check (or recipient) that does not exist, said in the reader's language with a way back
  // to the organisation's checks (404); any other error as the service reports it.
  Response refusal(const RequestContext& context, const Error& error,
                   std::string_view not_found_key = "checks.error.no_check") const {
    if (error.code != ErrorCode::not_found) return context.error(error);
    const auto language = context.language();
    auto code = organisation_code(context.resource().organisation_id);
    mustache::data data;
    data.set("text", translate(language, not_found_key));
    data.set("link", true);
    data.set("href", "/checks/" + code);
    data.set("label", translate(language, "checks.all_checks", {{"organisation", code}}));
    return pages_.render(
        context, "message", data,
        {translate(language, "checks.error.not_found_title"), {}, {}, http::status::not_found});
  }

  // The organisation's members sorted by their names in the reader's language.
  std::vector<domain::State> sorted_members(const std::string& organisation_id,
                                            Language language) const {
    auto members = reference_.members(organisation_id);
    if (!members) return {};
    auto states = (*members)->members;
    sort_by_collation(language, states,
                      [language](const domain::State& state) { return state.name(language); });
    return states;
  }

  Response compose_page(const RequestContext& context, const ComposeForm& form,
                        http::status status) const {
    const auto language = context.language();
    const auto& resource = context.resource();
    auto code = organisation_code(resource.organisation_id);
    mustache::data data;
    data.set("code", code);
    data.set("action", "/checks/" + code + "/new");
    data.set("all_checks", translate(language, "checks.all_checks", {{"organisation", code}}));
    data.set("title", form.title);
    for (auto task : {"acknowledge", "answer", "bilateral", "channel"})
      data.set(std::string("task_") + task, form.task == task);
    data.set("question", form.question);
    data.set("expected_answer", form.expected_answer);
    data.set("announced", form.announced);
    data.set("starts_at", form.starts_at);
    data.set("window_hours", form.window_hours);
    data.set("reminder_percent", form.reminder_percent);
    data.set("escalate", form.escalate);
    for (auto level : {"policy", "technical", "structure"})
      data.set(std::string("level_") + level, form.levels.count(level) > 0);
    data.set("pairing_seed", form.pairing_seed);
    data.set("pair_across_regions", form.pair_across_regions);

    auto members = sorted_members(resource.organisation_id, language);
    mustache::data states{mustache::data::type::list};
    std::set<std::string> region_codes;
    for (const auto& state : members) {
      mustache::data row;
      row.set("value", state.alpha2);
      row.set("name", state.name(language));
      row.set("checked", form.states.count(state.alpha2) > 0);
      states.push_back(row);
      auto region = m49_region_of(state.alpha2).region;
      if (!region.empty()) region_codes.insert(region);
    }
    data.set("states", states);
    // Regions by their CLDR names in the reader's language, in its collation.
    std::vector<std::pair<std::string, std::string>> regions;  // code, name
    for (const auto& region : region_codes)
      regions.emplace_back(region, m49_region_name(region, locale_of(language)));
    sort_by_collation(language, regions, [](const auto& region) { return region.second; });
    mustache::data region_rows{mustache::data::type::list};
    for (const auto& region : regions) {
      mustache::data row;
      row.set("value", region.first);
      row.set("name", region.second);
      row.set("checked", form.regions.count(region.first) > 0);
      region_rows.push_back(row);
    }
    data.set("regions", region_rows);

    mustache::data problems{mustache::data::type::list};
    for (const auto& problem : form.problems) {
      mustache::data row;
      row.set("field", text(problem.field));
      row.set("message", problem.message);
      problems.push_back(row);
      // Beside its field: "target.levels" is error_target_levels.
      auto key = "error_" + (problem.field.empty() ? std::string("form") : problem.field);
      std::replace(key.begin(), key.end(), '.', '_');
      if (auto bracket = key.find('['); bracket != std::string::npos) key.resize(bracket);
      data.set(key, problem.message);
    }
    data.set("problems", problems);
    data.set("has_problems", !form.problems.empty());

    PageOptions options{translate(language, "checks.compose.title", {{"organisation", code}})};
    options.status = status;
    if (!form.problems.empty())
      options.error = translate(language, "checks.compose.problems",
                                {{"count", static_cast<std::int64_t>(form.problems.size())}});
    return pages_.render(context, "check_compose", data, options);
  }

  mustache::data plan_data(const RequestContext& context, const store::CheckRecord& check) const {
    const auto language = context.language();
    const auto& plan = check.plan;
    mustache::data data;
    data.set("id", check.id);
    data.set("title", plan.title);
    data.set("status", std::string(domain::check_status_name(check.status)));
    flag(data, "status", domain::check_status_name(check.status));
    data.set("task", std::string(domain::check_task_name(plan.task)));
    flag(data, "task", domain::check_task_name(plan.task));
    data.set("question", text(plan.question));
    data.set("expected_answer", text(plan.expected_answer));
    data.set("announced", plan.announced);
    data.set("planned_start", when(context, plan.starts_at));
    data.set("window", translate(language, "checks.plan.window_value",
                                 {{"count", static_cast<std::int64_t>(plan.window_hours)}}));
    data.set("reminder", plan.reminder_percent == 0
                             ? mustache::data(false)
                             : mustache::data(translate(
                                   language, "checks.plan.reminder_value",
                                   {{"count", static_cast<std::int64_t>(plan.reminder_percent)}})));
    data.set("escalate", plan.escalate);
    data.set("pairing_seed", text(plan.pairing_seed));
    data.set("pair_across_regions", plan.pair_across_regions);
    mustache::data levels{mustache::data::type::list};
    for (auto level : plan.target.levels) {
      mustache::data row;
      flag(row, "level", domain::level_name(level));
      levels.push_back(row);
    }
    data.set("levels", levels);
    std::vector<std::string> states;
    for (const auto& state : plan.target.states)
      states.push_back(state_name(state, language));
    sort_by_collation(language, states, [](const std::string& name) { return name; });
    data.set("target_states", text(joined(language, states)));
    std::vector<std::string> regions;
    for (const auto& region : plan.target.regions)
      regions.push_back(m49_region_name(region, locale_of(language)));
    sort_by_collation(language, regions, [](const std::string& name) { return name; });
    data.set("target_regions", text(joined(language, regions)));
    data.set("every_state", plan.target.states.empty() && plan.target.regions.empty());
    data.set("created_at", when(context, check.created_at));
    data.set("launched_at", when(context, check.launched_at));
    data.set("started_at", when(context, check.started_at));
    data.set("reminded_at", when(context, check.reminded_at));
    data.set("escalated_at", when(context, check.escalated_at));
    data.set("closed_at", when(context, check.closed_at));
    data.set("cancelled_at", when(context, check.cancelled_at));
    return data;
  }

  Result<mustache::data> preview_data(const RequestContext& context,
                                      const store::CheckRecord& check) const {
    const auto language = context.language();
    auto preview = checks_.preview(context.actor(), check.id);
    if (!preview) return preview.error();
    // By state, in the reader's collation, as the results list them.
    auto sorted_lines = preview->lines;
    sort_by_collation(language, sorted_lines,
                      [&](const auto& line) { return state_name(line.state, language); });
    mustache::data lines{mustache::data::type::list};
    for (const auto& line : sorted_lines) {
      mustache::data row;
      row.set("state_name", state_name(line.state, language));
      row.set("name", line.name);
      row.set("address", line.address);
      flag(row, "level", line.level);
      row.set("language", line.language);
      row.set("time_zone", text(line.time_zone));
      row.set("partner_name", line.partner.empty()
                                  ? mustache::data(false)
                                  : mustache::data(state_name(line.partner, language)));
      lines.push_back(row);
    }
    std::vector<std::string> without;
    for (const auto& state : preview->states_without_recipients)
      without.push_back(state_name(state, language));
    sort_by_collation(language, without, [](const std::string& name) { return name; });
    mustache::data missing{mustache::data::type::list};
    for (const auto& name : without)
      missing.push_back(mustache::data("name", name));
    mustache::data data;
    data.set("lines", lines);
    data.set("no_lines", lines.is_empty_list());
    data.set("without_recipients", missing);
    data.set("has_without_recipients", !missing.is_empty_list());
    data.set("caption", translate(language, "checks.preview.caption",
                                  {{"count", static_cast<std::int64_t>(preview->lines.size())}}));
    return data;
  }

  Result<mustache::data> results_data(const RequestContext& context, const std::string& code,
                                      const store::CheckRecord& check, bool may_run,
                                      bool printable) const {
    const auto language = context.language();
    auto results = checks_.results(context.actor(), check.id);
    if (!results) return results.error();
    const bool bilateral = check.plan.task == CheckTask::bilateral;
    mustache::data data;
    data.set("tally", tally_data(results->all));
    data.set("deadline_line", results->deadline.empty()
                                  ? mustache::data(false)
                                  : mustache::data(translate(
                                        language, "checks.results.deadline",
                                        {{"deadline", format_date_time(language, results->deadline,
                                                                       context.time_zone())}})));
    data.set("bilateral", bilateral);

    auto members = reference_.members(check.organisation_id);
    std::map<std::string, const domain::State*> by_code;
    if (members)
      for (const auto& state : (*members)->members)
        by_code[state.alpha2] = &state;

    auto states = results->states;
    sort_by_collation(language, states,
                      [&](const auto& state) { return state_name(state.state, language); });
    mustache::data rows{mustache::data::type::list};
    json::array island_states;
    std::set<std::string> in_check;
    for (const auto& state : states) {
      const auto name = state_name(state.state, language);
      mustache::data row;
      row.set("state", state.state);
      row.set("name", name);
      row.set("recipients_href", "?state=" + state.state + "#check-recipients");
      row.set("result", state.result);
      flag(row, "result", state.result);
      row.set("recipients", std::to_string(state.tally.recipients));
      row.set("responded", std::to_string(state.tally.responded));
      row.set("completed", std::to_string(state.tally.completed));
      row.set("escalated", state.escalated);
      row.set("partner_name", state.partner.empty()
                                  ? mustache::data(false)
                                  : mustache::data(state_name(state.partner, language)));
      row.set("leg_completed_at", when(context, state.leg_completed_at));
      rows.push_back(row);
      auto it = by_code.find(state.state);
      in_check.insert(state.state);
      island_states.push_back({{"state", state.state},
                               {"numeric", it == by_code.end() ? "" : it->second->numeric},
                               {"name", name},
                               {"english_name", state_name(state.state, Language::english)},
                               {"result", state.result}});
    }
    // The organisation's other members, so that the map names them in the reader's language.
    for (const auto& [alpha2, state] : by_code) {
      if (in_check.count(alpha2) > 0) continue;
      island_states.push_back({{"state", alpha2},
                               {"numeric", state->numeric},
                               {"name", state->name(language)},
                               {"english_name", state->name(Language::english)},
                               {"result", "not_targeted"}});
    }
    data.set("states", rows);

    mustache::data levels{mustache::data::type::list};
    for (const auto& [level, tally] : results->by_level) {
      auto row = tally_data(tally);
      flag(row, "level", level);
      levels.push_back(row);
    }
    data.set("levels", levels);
    // Regions by name in the reader's collation; participants outside M49 regions last.
    std::vector<std::pair<std::string, const services::CheckTally*>> named_regions;
    const services::CheckTally* other = nullptr;
    for (const auto& [region, tally] : results->by_region) {
      if (region.empty())
        other = &tally;
      else
        named_regions.emplace_back(m49_region_name(region, locale_of(language)), &tally);
    }
    sort_by_collation(language, named_regions, [](const auto& region) { return region.first; });
    mustache::data regions{mustache::data::type::list};
    for (const auto& [name, tally] : named_regions) {
      auto row = tally_data(*tally);
      row.set("name", name);
      regions.push_back(row);
    }
    if (other) {
      auto row = tally_data(*other);
      row.set("name", false);
      regions.push_back(row);
    }
    data.set("regions", regions);

    const auto base = "/checks/" + code + "/" + check.id + "/recipients/";
    // A check of the whole UN directory has tens of thousands of recipients: the page lists
    // one state's (?state=) or the first kRecipientRows, and the CSV has them all.
    const auto only_state = std::string(context.query("state").value_or(""));
    std::int64_t listed = 0;
    std::int64_t matching = 0;
    mustache::data recipients{mustache::data::type::list};
    for (const auto& r : results->recipients) {
      if (!only_state.empty() && r.state != only_state) continue;
      if (++matching > kRecipientRows) continue;
      ++listed;
      mustache::data row;
      row.set("id", r.id);
      row.set("name", r.name);
      row.set("address", r.address);
      row.set("state_name", state_name(r.state, language));
      flag(row, "level", r.level);
      row.set("escalation", r.role == "escalation");
      row.set("answered_at", when(context, r.answered_at));
      row.set("channel", text(r.answer_channel));
      flag(row, "channel", r.answer_channel.empty() ? "none" : r.answer_channel);
      row.set("late", !r.answered_at.empty() && r.answered_at > r.deadline);
      row.set("answer_text", text(r.answer_text));
      row.set("verdict", text(r.verdict));
      flag(row, "verdict", r.verdict.empty() ? "none" : r.verdict);
      row.set("bounced", !r.bounced_at.empty());
      row.set("bounce_detail", text(r.bounce_detail));
      row.set("auto_replied", !r.auto_reply_at.empty());
      row.set("completed", !r.completed_at.empty());
      bool forms = may_run && !printable;
      bool may_judge = forms && check.plan.task == CheckTask::answer && !r.answered_at.empty();
      row.set("may_judge", may_judge);
      if (may_judge) {
        row.set("accept_label",
                translate(language, "checks.action.accept_answer_of", {{"recipient", r.name}}));
        row.set("reject_label",
                translate(language, "checks.action.reject_answer_of", {{"recipient", r.name}}));
      }
      row.set("may_call", forms && check.plan.task == CheckTask::channel);
      row.set("verdict_action", base + r.id + "/verdict");
      row.set("call_action", base + r.id + "/call");
      recipients.push_back(row);
    }
    data.set("recipients", recipients);
    auto caption = only_state.empty() ? translate(language, "checks.recipients.caption")
                                      : translate(language, "checks.recipients.caption_state",
                                                  {{"state", state_name(only_state, language)}});
    if (matching > listed)
      caption += translate(language, "checks.recipients.first", {{"count", listed}}) +
                 translate(language, "checks.recipients.of_all", {{"count", matching}});
    data.set("recipients_caption", caption);
    data.set("task_answer", check.plan.task == CheckTask::answer);
    data.set("task_channel", check.plan.task == CheckTask::channel);
    data.set("may_act",
             may_run && !printable &&
                 (check.plan.task == CheckTask::answer || check.plan.task == CheckTask::channel));

    json::array timeline;
    for (const auto& [at, answers] : results->timeline)
      timeline.push_back({{"at", at}, {"answers", answers}});
    data.set("deadline_json", island(results->deadline.empty() ? json::value(nullptr)
                                                               : json::value(results->deadline)));
    data.set("timeline_json", island(timeline));
    data.set("states_json", island(island_states));
    data.set("csv_href", "/api/v1/checks/" + check.id + "/results?format=csv");
    data.set("report_href", "/checks/" + code + "/" + check.id + "/report");
    return data;
  }

  Response check_page(const RequestContext& context, PageOptions options, bool printable) const {
    const auto& resource = context.resource();
    auto code = organisation_code(resource.organisation_id);
    auto check = owned(context, std::string(context.parameter("check")));
    if (!check) return refusal(context, check.error());
    bool may_run = context.allowed(Action::run_checks, resource);
    auto data = plan_data(context, *check);
    data.set("code", code);
    data.set("zone", std::string(context.time_zone()));
    data.set("all_checks",
             translate(context.language(), "checks.all_checks", {{"organisation", code}}));
    data.set("href", "/checks/" + code + "/" + check->id);
    data.set("list_href", "/checks/" + code);
    data.set("may_run", may_run && !printable);
    data.set("printable", printable);
    data.set("launch_action", "/checks/" + code + "/" + check->id + "/launch");
    data.set("cancel_action", "/checks/" + code + "/" + check->id + "/cancel");
    bool has_results =
        check->status == CheckStatus::running || check->status == CheckStatus::closed;
    if (check->status == CheckStatus::draft && may_run && !printable) {
      auto preview = preview_data(context, *check);
      if (!preview) return context.error(preview.error());
      data.set("preview", *preview);
    }
    if (has_results) {
      auto results = results_data(context, code, *check, may_run, printable);
      if (!results) return context.error(results.error());
      data.set("results", *results);
      if (!printable)
        options.scripts = {"/assets/chart.umd.min.js", "/assets/chartjs-chart-geo.min.js",
                           "/assets/check-results.js"};
    }
    options.title = check->plan.title;
    return pages_.render(context, "check", data, options);
  }

  const PageRenderer& pages_;
  services::CheckService& checks_;
  services::ReferenceService& reference_;
};

}  // namespace

void add_check_pages(Router& router, const PageRenderer& pages, services::CheckService& checks,
                     services::ReferenceService& reference) {
  auto handlers = std::make_shared<CheckPages>(pages, checks, reference);
  auto scoped = [&reference](const RequestContext& context) {
    return directory_resource(context, reference);
  };
  auto read = Access::allow(Action::read_checks, scoped);
  auto run = Access::allow(Action::run_checks, scoped);
  using http::verb;
  auto bind = [handlers](Response (CheckPages::*method)(const RequestContext&) const) {
    return [handlers, method](const RequestContext& context) {
      return ((*handlers).*method)(context);
    };
  };
  router.add(verb::get, "/checks/{id}", read, bind(&CheckPages::list));
  // Before /checks/{id}/{check}: the first route that matches serves.
  router.add(verb::get, "/checks/{id}/new", run, bind(&CheckPages::compose));
  router.add(verb::post, "/checks/{id}/new", run, bind(&CheckPages::create));
  router.add(verb::get, "/checks/{id}/{check}", read, [handlers](const RequestContext& context) {
    PageOptions options;
    const auto language = context.language();
    if (context.query("launched")) options.notice = translate(language, "checks.notice.launched");
    if (context.query("cancelled")) options.notice = translate(language, "checks.notice.cancelled");
    if (context.query("judged")) options.notice = translate(language, "checks.notice.judged");
    if (context.query("called")) options.notice = translate(language, "checks.notice.called");
    return handlers->check(context, options);
  });
  router.add(verb::get, "/checks/{id}/{check}/report", read, bind(&CheckPages::report));
  router.add(verb::post, "/checks/{id}/{check}/launch", run,
             [handlers](const RequestContext& context) {
               return handlers->launch_or_cancel(context, true);
             });
  router.add(verb::post, "/checks/{id}/{check}/cancel", run,
             [handlers](const RequestContext& context) {
               return handlers->launch_or_cancel(context, false);
             });
  router.add(verb::post, "/checks/{id}/{check}/recipients/{recipient}/verdict", run,
             bind(&CheckPages::verdict));
  router.add(verb::post, "/checks/{id}/{check}/recipients/{recipient}/call", run,
             bind(&CheckPages::call));
  router.add(verb::get, "/directory/{id}/states/{state}/checks", read,
             bind(&CheckPages::state_history));
}

}  // namespace liaison::web
