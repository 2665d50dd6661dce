#include <algorithm>

#include "web/i18n.h"
#include "web/pages/pages.h"

namespace liaison::web {
namespace {

// How many states a list on the home page shows before it points to the page that has them all.
constexpr std::size_t kStatesShown = 10;

// The names the page needs, in the reader's language: organisations' codes by identifier and
// states' names by alpha-2, looked up once per page.
class Names {
 public:
  Names(services::ReferenceService& reference, domain::Language language)
      : reference_(reference), language_(language) {}

  std::string organisation_code(const std::string& id) {
    if (auto organisations = reference_.organisations()) {
      for (const auto& summary : **organisations)
        if (summary.organisation.id == id) return summary.organisation.code;
    }
    return id;
  }
  std::string state(const std::string& alpha2) {
    auto profile = reference_.state(alpha2);
    return profile ? profile.value()->state.name(language_) : alpha2;
  }

 private:
  services::ReferenceService& reference_;
  domain::Language language_;
};

// A running check as the focal point's or PoC's part lists it.
mustache::data open_check_rows(const RequestContext& context,
                               const std::vector<services::OpenCheck>& checks,
                               const std::string& code, bool link_to_check) {
  const auto language = context.language();
  mustache::data rows{mustache::data::type::list};
  for (const auto& open : checks) {
    mustache::data row;
    row.set("title", open.check.plan.title);
    row.set("href", link_to_check ? "/checks/" + code + "/" + open.check.id : std::string());
    row.set("linked", link_to_check);
    row.set(
        "deadline",
        translate(language, "home.deadline",
                  {{"deadline", format_date_time(language, open.deadline, context.time_zone())}}));
    row.set("answered", open.answered);
    mustache::data addresses{mustache::data::type::list};
    for (const auto& recipient : open.recipients)
      addresses.push_back(recipient.address);
    row.set("addresses", addresses);
    rows.push_back(row);
  }
  return rows;
}

mustache::data entry_row(const RequestContext& context, Names& names, const std::string& code,
                         const domain::DirectoryEntry& entry) {
  mustache::data row;
  row.set("href", "/directory/" + code + "/entries/" + entry.id);
  row.set("name", entry.version.contact.name);
  const auto level =
      translate(context.language(), "home.level." + std::string(domain::level_name(entry.level)));
  row.set("level", level);
  row.set("where", translate(context.language(), "home.entry_where",
                             {{"state", names.state(entry.state)}, {"level", level}}));
  row.set("recorded_at",
          format_date_time(context.language(), entry.version.recorded_at, context.time_zone()));
  row.set("pending", entry.pending_version > 0);
  return row;
}

mustache::data secretariat_part(const RequestContext& context, Names& names,
                                const services::SecretariatHome& part) {
  const auto language = context.language();
  const auto code = names.organisation_code(part.organisation_id);
  mustache::data data;
  data.set("heading", translate(language, "home.secretariat_heading", {{"organisation", code}}));
  data.set("directory_href", "/directory/" + code);
  data.set("freshness_href", "/directory/" + code + "/freshness");
  data.set("checks_href", "/checks/" + code);
  data.set("new_check_href", "/checks/" + code + "/new");

  // Overdue states first (they had confirmed, then lapsed), then those never confirmed, each in
  // the reader's alphabetical order; the first few only: the dashboard has them all.
  std::vector<const services::StateFreshness*> overdue;
  for (const auto& line : part.overdue)
    overdue.push_back(&line);
  sort_by_collation(language, overdue, [&names](const services::StateFreshness* line) {
    return names.state(line->state);
  });
  std::stable_partition(overdue.begin(), overdue.end(), [](const services::StateFreshness* line) {
    return line->freshness == domain::Freshness::overdue;
  });
  mustache::data overdue_rows{mustache::data::type::list};
  for (std::size_t i = 0; i < overdue.size() && i < kStatesShown; ++i) {
    const auto* line = overdue[i];
    mustache::data row;
    row.set("href", "/directory/" + code + "/states/" + line->state);
    row.set("state", names.state(line->state));
    const bool never = line->freshness == domain::Freshness::never_confirmed;
    row.set("status", translate(language, never ? "home.never_confirmed" : "home.overdue"));
    row.set("status_class", "badge " + std::string(domain::freshness_name(line->freshness)));
    row.set("due_on",
            line->due_on.empty() ? std::string("—") : format_date(language, line->due_on));
    overdue_rows.push_back(row);
  }
  data.set("overdue", overdue_rows);
  data.set("overdue_count", translate(language, "home.overdue_count",
                                      {{"count", static_cast<std::int64_t>(overdue.size())}}));
  data.set("more_overdue",
           overdue.size() > kStatesShown
               ? mustache::data(translate(
                     language, "home.more_overdue",
                     {{"count", static_cast<std::int64_t>(overdue.size() - kStatesShown)}}))
               : mustache::data(false));
  data.set("no_overdue", overdue.empty());

  if (part.last_closed) {
    mustache::data closed;
    closed.set("href", "/checks/" + code + "/" + part.last_closed->id);
    closed.set("intro",
               translate(language, "home.unreachable_intro",
                         {{"title", part.last_closed->plan.title},
                          {"closed", format_date_time(language, part.last_closed->closed_at,
                                                      context.time_zone())},
                          {"count", static_cast<std::int64_t>(part.unreachable.size())}}));
    mustache::data states{mustache::data::type::list};
    auto unreachable = part.unreachable;
    sort_by_collation(language, unreachable,
                      [&names](const std::string& alpha2) { return names.state(alpha2); });
    for (const auto& alpha2 : unreachable) {
      mustache::data state;
      state.set("href", "/directory/" + code + "/states/" + alpha2 + "/checks");
      state.set("name", names.state(alpha2));
      states.push_back(state);
    }
    closed.set("states", states);
    closed.set("has_states", !unreachable.empty());
    data.set("last_closed", closed);
  } else {
    data.set("last_closed", false);
  }

  mustache::data running{mustache::data::type::list};
  for (const auto& summary : part.running) {
    mustache::data row;
    row.set("href", "/checks/" + code + "/" + summary.check.id);
    row.set("title", summary.check.plan.title);
    row.set("progress",
            translate(language, "home.check_progress",
                      {{"responded", summary.responded}, {"count", summary.recipients}}));
    row.set("scheduled", summary.check.status == domain::CheckStatus::scheduled);
    running.push_back(row);
  }
  data.set("running", running);
  data.set("no_running", part.running.empty());

  mustache::data awaiting{mustache::data::type::list};
  for (const auto& entry : part.awaiting_approval)
    awaiting.push_back(entry_row(context, names, code, entry));
  data.set("awaiting", awaiting);
  data.set("no_awaiting", part.awaiting_approval.empty());

  mustache::data recent{mustache::data::type::list};
  for (const auto& entry : part.recent_changes)
    recent.push_back(entry_row(context, names, code, entry));
  data.set("recent", recent);
  data.set("no_recent", part.recent_changes.empty());
  return data;
}

mustache::data focal_part(const RequestContext& context, Names& names,
                          const services::FocalHome& part) {
  const auto language = context.language();
  const auto code = names.organisation_code(part.organisation_id);
  const auto state = names.state(part.state);
  mustache::data data;
  data.set("heading",
           translate(language, "home.focal_heading", {{"organisation", code}, {"state", state}}));
  data.set("state_href", "/directory/" + code + "/states/" + part.state);
  data.set("new_entry_href", "/directory/" + code + "/states/" + part.state + "/new");
  data.set("history_href", "/directory/" + code + "/states/" + part.state + "/checks");
  const auto& freshness = part.freshness;
  const auto due = format_date(language, freshness.due_on);
  std::string owed;
  switch (freshness.freshness) {
    case domain::Freshness::never_confirmed:
      owed = translate(language, "home.reconfirm_never");
      break;
    case domain::Freshness::overdue:
      owed = translate(language, "home.reconfirm_overdue", {{"due", due}});
      break;
    case domain::Freshness::due_soon:
      owed = translate(language, "home.reconfirm_soon", {{"due", due}});
      break;
    case domain::Freshness::current:
      owed =
          translate(language, "home.reconfirm_current",
                    {{"confirmed", format_date(language, freshness.confirmed_on)}, {"due", due}});
      break;
  }
  data.set("reconfirmation", owed);
  data.set("reconfirmation_class",
           "badge " + std::string(domain::freshness_name(freshness.freshness)));
  data.set("reconfirmation_due", freshness.freshness != domain::Freshness::current);
  data.set("open_checks", open_check_rows(context, part.open_checks, code, true));
  data.set("no_open_checks", part.open_checks.empty());
  mustache::data entries{mustache::data::type::list};
  for (const auto& entry : part.entries)
    entries.push_back(entry_row(context, names, code, entry));
  data.set("entries", entries);
  data.set("no_entries", part.entries.empty());
  return data;
}

mustache::data poc_part(const RequestContext& context, Names& names,
                        const services::PocHome& part) {
  const auto language = context.language();
  const auto code = names.organisation_code(part.organisation_id);
  mustache::data data;
  data.set("heading", translate(language, "home.poc_heading",
                                {{"organisation", code}, {"state", names.state(part.state)}}));
  data.set("directory_href", "/directory/" + code);
  data.set("state_href", "/directory/" + code + "/states/" + part.state);
  data.set("open_checks", open_check_rows(context, part.open_checks, code, false));
  data.set("no_open_checks", part.open_checks.empty());
  return data;
}

}  // namespace

void add_home_page(Router& router, const PageRenderer& pages, services::HomeService& home,
                   services::ReferenceService& reference) {
  router.add(http::verb::get, "/", Access::anyone(), [&](const RequestContext& context) {
    const auto* authenticated = context.authenticated();
    if (!authenticated || authenticated->session_id.empty())
      return PageRenderer::redirect(context, "/sign-in");
    const auto& account = authenticated->account;
    auto parts = home.home(context.actor(), account);
    if (!parts) return context.error(parts.error());
    const auto language = context.language();
    Names names(reference, language);
    mustache::data data;
    data.set("signed_in_as", translate(language, "home.signed_in_as",
                                       {{"name", account.display_name}, {"email", account.email}}));
    mustache::data secretariat{mustache::data::type::list};
    for (const auto& part : parts->secretariat)
      secretariat.push_back(secretariat_part(context, names, part));
    data.set("secretariat", secretariat);
    mustache::data focal{mustache::data::type::list};
    for (const auto& part : parts->focal)
      focal.push_back(focal_part(context, names, part));
    data.set("focal", focal);
    mustache::data poc{mustache::data::type::list};
    for (const auto& part : parts->poc)
      poc.push_back(poc_part(context, names, part));
    data.set("poc", poc);
    auto holds = [&account](domain::Role role) {
      return std::any_of(account.grants.begin(), account.grants.end(),
                         [role](const domain::RoleGrant& grant) { return grant.role == role; });
    };
    data.set("operator", holds(domain::Role::operator_));
    mustache::data observed{mustache::data::type::list};
    for (const auto& grant : account.grants) {
      if (grant.role != domain::Role::observer) continue;
      mustache::data row;
      auto code = names.organisation_code(grant.organisation_id);
      row.set("heading", translate(language, "home.observer_heading", {{"organisation", code}}));
      row.set("directory_href", "/directory/" + code);
      row.set("checks_href", "/checks/" + code);
      observed.push_back(row);
    }
    data.set("observer", observed);
    data.set("no_role", account.grants.empty());
    return pages.render(context, "home", data, {translate(language, "home.title")});
  });
}

}  // namespace liaison::web
