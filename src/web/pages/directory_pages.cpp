// The directory as pages: organisations, a state's entries, an entry with its history, the
// forms that create and edit entries, search, and the secretariat's freshness dashboard. Every
// task works with plain HTML forms; the services decide who may see and do what.

#include <algorithm>
#include <sstream>

#include "base/phone_number.h"
#include "base/regions.h"
#include "base/text.h"
#include "domain/freshness.h"
#include "web/api/directory_api.h"
#include "web/i18n.h"
#include "web/pages/pages.h"

namespace liaison::web {
namespace {

using domain::Action;
using domain::Language;

//! A state's name in the page's language (iso-codes); the code when the state is unknown.
std::string state_name(services::ReferenceService& reference, const std::string& alpha2,
                       Language language) {
  auto profile = reference.state(alpha2);
  if (!profile) return alpha2;
  return profile.value()->state.name(language);
}

std::string level_label(domain::Level level, Language language) {
  switch (level) {
    case domain::Level::policy:
      return translate(language, "directory.level.policy");
    case domain::Level::technical:
      return translate(language, "directory.level.technical");
    case domain::Level::structure:
      return translate(language, "directory.level.structure");
  }
  return {};
}

std::string freshness_label(domain::Freshness freshness, Language language) {
  switch (freshness) {
    case domain::Freshness::current:
      return translate(language, "directory.freshness.current");
    case domain::Freshness::due_soon:
      return translate(language, "directory.freshness.due_soon");
    case domain::Freshness::overdue:
      return translate(language, "directory.freshness.overdue");
    case domain::Freshness::never_confirmed:
      return translate(language, "directory.freshness.never_confirmed");
  }
  return {};
}

//! A UN M49 region's name in the page's language; members outside every region together.
std::string region_name(const std::string& region, Language language) {
  return region.empty() ? translate(language, "directory.region.other")
                        : m49_region_name(region, locale_of(language));
}

//! A number as a message argument (ICU formats it in the locale and picks plural forms).
std::int64_t number(std::size_t value) {
  return static_cast<std::int64_t>(value);
}

std::string joined(const std::vector<std::string>& list, std::string_view separator) {
  std::string text;
  for (const auto& each : list)
    text += (text.empty() ? "" : std::string(separator)) + each;
  return text;
}

// kainjow::mustache renders {{#field}}…{{/field}} for every string, the empty one too: a value
// not given is false, so that the pages leave out its label (and {{field}} renders nothing).
mustache::data text(const std::string& value) {
  return value.empty() ? mustache::data(false) : mustache::data(value);
}

mustache::data contact_data(const domain::Contact& contact) {
  mustache::data data;
  data.set("name", contact.name);
  data.set("short_name", text(contact.short_name));
  data.set("institution", text(contact.institution));
  data.set("position", text(contact.position));
  data.set("constituency", text(contact.constituency));
  data.set("website", text(contact.website));
  data.set("functional_email", text(contact.functional_email));
  data.set("personal_email", text(contact.personal_email));
  mustache::data phones{mustache::data::type::list};
  for (const auto& phone : contact.phones) {
    mustache::data row;
    row.set("number", phone.number);
    row.set("display", format_international(phone.number));
    row.set("label", text(phone.label));
    row.set("around_the_clock", phone.around_the_clock);
    phones.push_back(row);
  }
  data.set("phones", phones);
  data.set("languages", text(joined(contact.languages, ", ")));
  data.set("time_zone", text(contact.time_zone));
  data.set("around_the_clock", contact.around_the_clock);
  data.set("hours", text(contact.hours));
  if (contact.openpgp) data.set("fingerprint", contact.openpgp->fingerprint);
  mustache::data channels{mustache::data::type::list};
  for (const auto& channel : contact.channels) {
    mustache::data row;
    row.set("kind", channel.kind);
    row.set("address", channel.address);
    channels.push_back(row);
  }
  data.set("channels", channels);
  data.set("deputy_id", contact.deputy_id);
  return data;
}

// An entry as the pages show it, in the reader's language and time zone.
mustache::data entry_data(const domain::DirectoryEntry& entry, const std::string& code,
                          const RequestContext& context) {
  const auto language = context.language();
  auto data = contact_data(entry.version.contact);
  data.set("id", entry.id);
  data.set("href", "/directory/" + code + "/entries/" + entry.id);
  data.set("level", level_label(entry.level, language));
  data.set("version", std::to_string(entry.version.number));
  data.set("pending", entry.pending_version != 0);
  data.set("unpublished", entry.published_version == 0);
  data.set("retired", entry.version.status == domain::EntryStatus::retired);
  data.set("confirmed_at",
           text(format_date_time(language, entry.confirmed_at, context.time_zone())));
  data.set("verified_at", text(format_date_time(language, entry.verified_at, context.time_zone())));
  return data;
}

// The fields of the entry form, as typed: phones as up to three rows, languages separated by
// spaces or commas.
domain::Contact contact_from_form(const RequestContext& context) {
  domain::Contact contact;
  contact.name = std::string(trim_blanks(context.form("name")));
  contact.short_name = std::string(trim_blanks(context.form("short_name")));
  if (auto type = domain::parse_structure_type(context.form("structure_type")))
    contact.structure_type = *type;
  contact.institution = std::string(trim_blanks(context.form("institution")));
  contact.position = std::string(trim_blanks(context.form("position")));
  contact.constituency = std::string(trim_blanks(context.form("constituency")));
  contact.website = std::string(trim_blanks(context.form("website")));
  contact.functional_email = std::string(trim_blanks(context.form("functional_email")));
  contact.personal_email = std::string(trim_blanks(context.form("personal_email")));
  auto numbers = context.form_values("phone_number");
  auto labels = context.form_values("phone_label");
  auto around = context.form("phone_24_7");
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    auto number = std::string(trim_blanks(numbers[i]));
    if (number.empty()) continue;
    contact.phones.push_back({number, i < labels.size() ? std::string(trim_blanks(labels[i])) : "",
                              around == std::to_string(i)});
  }
  std::string languages = context.form("languages");
  std::replace(languages.begin(), languages.end(), ',', ' ');
  std::istringstream words(languages);
  for (std::string tag; words >> tag;)
    contact.languages.push_back(tag);
  contact.time_zone = std::string(trim_blanks(context.form("time_zone")));
  contact.around_the_clock = !context.form("around_the_clock").empty();
  contact.hours = std::string(trim_blanks(context.form("hours")));
  auto key = std::string(trim_blanks(context.form("openpgp_key")));
  if (!key.empty()) contact.openpgp = domain::OpenPgpKey{key, {}};
  auto kinds = context.form_values("channel_kind");
  auto addresses = context.form_values("channel_address");
  for (std::size_t i = 0; i < kinds.size() && i < addresses.size(); ++i) {
    if (trim_blanks(kinds[i]).empty() && trim_blanks(addresses[i]).empty()) continue;
    contact.channels.push_back(
        {std::string(trim_blanks(kinds[i])), std::string(trim_blanks(addresses[i]))});
  }
  contact.deputy_id = std::string(trim_blanks(context.form("deputy_id")));
  return contact;
}

struct FormState {
  std::string action;
  std::string state;
  domain::Level level = domain::Level::technical;
  domain::Contact contact;
  int based_on = 0;
  std::string reason;
  std::string effective_on;
  std::vector<domain::FieldProblem> problems;
};

mustache::data form_data(const FormState& form, Language language) {
  auto data = contact_data(form.contact);
  data.set("action", form.action);
  data.set("based_on", std::to_string(form.based_on));
  data.set("reason", form.reason);
  data.set("effective_on", form.effective_on);
  mustache::data levels{mustache::data::type::list};
  for (auto level : {domain::Level::policy, domain::Level::technical, domain::Level::structure}) {
    mustache::data row;
    row.set("value", std::string(domain::level_name(level)));
    row.set("label", level_label(level, language));
    row.set("selected", level == form.level);
    levels.push_back(row);
  }
  data.set("levels", levels);
  // The kind of structure as saved or typed: the select marks it (structure_csirt, …).
  data.set("structure_" + std::string(domain::structure_type_name(form.contact.structure_type)),
           true);
  // Three phone rows, filled with what was typed.
  mustache::data phones{mustache::data::type::list};
  for (std::size_t i = 0; i < 3; ++i) {
    mustache::data row;
    row.set("index", std::to_string(i));
    row.set("position", std::to_string(i + 1));
    row.set("number_label",
            translate(language, "directory.form.phone_number", {{"number", number(i + 1)}}));
    row.set("label_label",
            translate(language, "directory.form.phone_label", {{"number", number(i + 1)}}));
    // Set on every row: a row without it would take the contact's own around_the_clock.
    row.set("around_the_clock", false);
    if (i < form.contact.phones.size()) {
      row.set("number", form.contact.phones[i].number);
      row.set("label", form.contact.phones[i].label);
      row.set("around_the_clock", form.contact.phones[i].around_the_clock);
    }
    phones.push_back(row);
  }
  data.set("phone_rows", phones);
  data.set("languages_text", joined(form.contact.languages, " "));
  data.set("openpgp_key", form.contact.openpgp ? form.contact.openpgp->armored : std::string());
  mustache::data channels{mustache::data::type::list};
  for (std::size_t i = 0; i < 2; ++i) {
    mustache::data row;
    row.set("position", std::to_string(i + 1));
    row.set("kind_label",
            translate(language, "directory.form.channel_kind", {{"number", number(i + 1)}}));
    row.set("address_label",
            translate(language, "directory.form.channel_address", {{"number", number(i + 1)}}));
    if (i < form.contact.channels.size()) {
      row.set("kind", form.contact.channels[i].kind);
      row.set("address", form.contact.channels[i].address);
    }
    channels.push_back(row);
  }
  data.set("channel_rows", channels);
  mustache::data problems{mustache::data::type::list};
  for (const auto& problem : form.problems) {
    mustache::data row;
    row.set("field", problem.field);
    row.set("message", problem.message);
    problems.push_back(row);
  }
  data.set("problems", problems);
  data.set("has_problems", !form.problems.empty());
  return data;
}

class DirectoryPages {
 public:
  DirectoryPages(const PageRenderer& pages, services::DirectoryService& directory,
                 services::ReferenceService& reference)
      : pages_(pages), directory_(directory), reference_(reference) {}

  Response index(const RequestContext& context) const {
    const auto language = context.language();
    auto organisations = reference_.organisations();
    if (!organisations) return context.error(organisations.error());
    mustache::data rows{mustache::data::type::list};
    for (const auto& summary : **organisations) {
      const auto& organisation = summary.organisation;
      if (!context.allowed(Action::read_directory, domain::Resource::organisation(organisation.id)))
        continue;
      mustache::data row;
      row.set("code", organisation.code);
      row.set("name", organisation.name);
      row.set("members", std::to_string(summary.member_count));
      rows.push_back(row);
    }
    mustache::data data;
    data.set("organisations", rows);
    data.set("none", rows.is_empty_list());
    return pages_.render(context, "directory_index", data,
                         {translate(language, "directory.index.title")});
  }

  Response organisation(const RequestContext& context) const {
    const auto language = context.language();
    auto members = reference_.members(context.parameter("id"));
    if (!members) return refused(context, members.error());
    const auto& organisation = (*members)->organisation;
    auto states = (*members)->members;
    sort_by_collation(language, states,
                      [language](const auto& state) { return state.name(language); });
    // Grouped by UN M49 region, regions in the collation order of their names.
    struct Region {
      std::string code;
      std::string name;
      mustache::data states{mustache::data::type::list};
    };
    std::vector<Region> regions;
    for (const auto& state : states) {
      auto code = m49_region_of(state.alpha2).region;
      auto it = std::find_if(regions.begin(), regions.end(),
                             [&code](const Region& region) { return region.code == code; });
      if (it == regions.end()) {
        regions.push_back({code, region_name(code, language)});
        it = std::prev(regions.end());
      }
      mustache::data row;
      row.set("name", state.name(language));
      row.set("href", "/directory/" + organisation.code + "/states/" + state.alpha2);
      it->states.push_back(row);
    }
    sort_by_collation(language, regions, [](const Region& region) { return region.name; });
    mustache::data groups{mustache::data::type::list};
    for (auto& region : regions) {
      mustache::data group;
      group.set("id", region.code.empty() ? std::string("other") : region.code);
      group.set("region", region.name);
      group.set("states", region.states);
      groups.push_back(group);
    }
    mustache::data data;
    data.set("code", organisation.code);
    data.set("regions", groups);
    auto resource = domain::Resource::organisation(organisation.id);
    data.set("freshness", context.allowed(Action::read_freshness, resource));
    data.set("approvals", context.allowed(Action::approve_entries, resource));
    data.set("checks", context.allowed(Action::read_checks, resource));
    return pages_.render(context, "directory_organisation", data,
                         {translate(language, "directory.organisation.title",
                                    {{"organisation", organisation.name}})});
  }

  Response state(const RequestContext& context, PageOptions options = {}) const {
    const auto language = context.language();
    const auto& resource = context.resource();
    auto code = organisation_code(resource.organisation_id);
    bool drafts = context.allowed(Action::read_drafts, resource);
    store::EntryFilter filter;
    filter.state = resource.state;
    auto entries =
        directory_.entries(context.actor(), resource.organisation_id, filter,
                           drafts ? store::EntryView::newest : store::EntryView::published);
    if (!entries) return refused(context, entries.error());
    // By level, and by name within a level as the reader's language sorts names.
    sort_by_collation(language, *entries, [](const domain::DirectoryEntry& entry) {
      return entry.version.contact.name;
    });
    std::stable_sort(entries->begin(), entries->end(),
                     [](const auto& a, const auto& b) { return a.level < b.level; });
    mustache::data rows{mustache::data::type::list};
    for (const auto& entry : *entries)
      rows.push_back(entry_data(entry, code, context));
    mustache::data data;
    data.set("entries", rows);
    data.set("none", rows.is_empty_list());
    data.set("code", code);
    data.set("state", resource.state);
    data.set("all_members",
             translate(language, "directory.state.all_members", {{"organisation", code}}));
    bool editor = context.allowed(Action::edit_entries, resource);
    data.set("editor", editor);
    data.set("may_read_checks", context.allowed(Action::read_checks, resource));
    data.set("new_href", "/directory/" + code + "/states/" + resource.state + "/new");
    data.set("reconfirm_action", "/directory/" + code + "/states/" + resource.state + "/reconfirm");
    options.title = translate(
        language, "directory.state.title",
        {{"state", state_name(reference_, resource.state, language)}, {"organisation", code}});
    return pages_.render(context, "directory_state", data, options);
  }

  Response reconfirm(const RequestContext& context) const {
    const auto language = context.language();
    const auto& resource = context.resource();
    auto count = directory_.reconfirm(context.actor(), resource.organisation_id, resource.state);
    if (!count) {
      if (count.error().code != ErrorCode::conflict) return refused(context, count.error());
      // The one conflict: the state has nothing to re-confirm.
      auto message = translate(language, "directory.error.nothing_to_reconfirm",
                               {{"state", state_name(reference_, resource.state, language)},
                                {"organisation", organisation_code(resource.organisation_id)}});
      return state(context, {{}, {}, message, http::status::conflict});
    }
    return state(context,
                 {{}, translate(language, "directory.state.reconfirmed", {{"count", *count}})});
  }

  Response entry(const RequestContext& context, PageOptions options = {}) const {
    const auto language = context.language();
    const auto& resource = context.resource();
    auto code = organisation_code(resource.organisation_id);
    auto history = directory_.entry(context.actor(), resource.organisation_id,
                                    std::string(context.parameter("entry")));
    if (!history) return refused(context, history.error());
    const auto& entry = history->entry;
    auto data = entry_data(entry, code, context);
    data.set("state", entry.state);
    data.set("state_name", state_name(reference_, entry.state, language));
    data.set("state_href", "/directory/" + code + "/states/" + entry.state);
    auto scope = domain::Resource::state_in(resource.organisation_id, entry.state);
    bool editor = context.allowed(Action::edit_entries, scope) &&
                  entry.version.status == domain::EntryStatus::active;
    data.set("editor", editor);
    data.set("edit_href", "/directory/" + code + "/entries/" + entry.id + "/edit");
    data.set("retire_action", "/directory/" + code + "/entries/" + entry.id + "/retire");
    data.set("approve_action", "/directory/" + code + "/entries/" + entry.id + "/approve");
    data.set("pending_version", std::to_string(entry.pending_version));
    data.set("pending_badge", translate(language, "directory.entry.version_awaits_approval",
                                        {{"version", std::int64_t{entry.pending_version}}}));
    data.set("approve_label", translate(language, "directory.entry.approve_version",
                                        {{"version", std::int64_t{entry.pending_version}}}));
    data.set("may_approve",
             entry.pending_version != 0 && context.allowed(Action::approve_entries, scope));
    data.set("vcard_href", "/api/v1/organisations/" + code + "/entries/" + entry.id + "/vcard");
    mustache::data versions{mustache::data::type::list};
    for (auto step = history->steps.rbegin(); step != history->steps.rend(); ++step) {
      mustache::data row;
      const std::int64_t version = step->version.number;
      row.set("number", std::to_string(version));
      row.set("version_title",
              translate(language, "directory.history.version", {{"version", version}}));
      row.set("changes_caption",
              translate(language, "directory.history.changes_caption", {{"version", version}}));
      row.set("recorded", translate(language, "directory.history.recorded",
                                    {{"date", format_date_time(language, step->version.recorded_at,
                                                               context.time_zone())},
                                     {"author", step->version.author_name}}));
      row.set("reason", text(step->version.reason));
      row.set("effective_on",
              step->version.effective_on.empty()
                  ? mustache::data(false)
                  : mustache::data(translate(language, "directory.history.effective_since",
                                             {{"date", step->version.effective_on}})));
      row.set("late", step->version.late);
      row.set("published", step->published);
      row.set("retired", step->version.status == domain::EntryStatus::retired);
      row.set("first", step->version.number == 1);
      mustache::data changes{mustache::data::type::list};
      for (const auto& change : step->changes) {
        mustache::data item;
        item.set("field", change.field);
        item.set("before", change.before);
        item.set("after", change.after);
        changes.push_back(item);
      }
      row.set("changes", changes);
      versions.push_back(row);
    }
    data.set("versions", versions);
    options.title = entry.version.contact.name;
    return pages_.render(context, "directory_entry", data, options);
  }

  Response new_form(const RequestContext& context) const {
    const auto& resource = context.resource();
    auto code = organisation_code(resource.organisation_id);
    FormState form;
    form.action = "/directory/" + code + "/states/" + resource.state + "/new";
    form.state = resource.state;
    return form_page(context, form, new_title(context, resource.state));
  }

  Response create(const RequestContext& context) const {
    const auto& resource = context.resource();
    auto code = organisation_code(resource.organisation_id);
    FormState form;
    form.action = "/directory/" + code + "/states/" + resource.state + "/new";
    form.state = resource.state;
    form.contact = contact_from_form(context);
    form.level = domain::parse_level(context.form("level")).value_or(domain::Level::technical);
    form.reason = context.form("reason");
    form.effective_on = context.form("effective_on");
    auto created = directory_.create(context.actor(), resource.organisation_id, resource.state,
                                     form.level, form.contact, {form.reason, form.effective_on});
    if (!created) {
      if (created.error().code != ErrorCode::invalid_argument)
        return refused(context, created.error());
      form.problems = problems_of(created.error(), context.language());
      return form_page(context, form, new_title(context, resource.state),
                       http::status::unprocessable_entity);
    }
    return PageRenderer::redirect(context, "/directory/" + code + "/entries/" + created->id);
  }

  Response edit_form(const RequestContext& context) const {
    const auto language = context.language();
    const auto& resource = context.resource();
    auto code = organisation_code(resource.organisation_id);
    auto history = directory_.entry(context.actor(), resource.organisation_id,
                                    std::string(context.parameter("entry")));
    if (!history) return refused(context, history.error());
    const auto& entry = history->entry;
    if (!context.allowed(Action::edit_entries,
                         domain::Resource::state_in(resource.organisation_id, entry.state)))
      return refused(context, Error::forbidden("you may not edit the entries of " + entry.state),
                     translate(language, "directory.error.may_not_edit",
                               {{"state", state_name(reference_, entry.state, language)}}));
    FormState form;
    form.action = "/directory/" + code + "/entries/" + entry.id + "/edit";
    form.state = entry.state;
    form.level = entry.level;
    form.contact = entry.version.contact;
    form.based_on = entry.version.number;
    return form_page(context, form, edit_title(context, entry.version.contact.name));
  }

  Response update(const RequestContext& context) const {
    const auto language = context.language();
    const auto& resource = context.resource();
    auto code = organisation_code(resource.organisation_id);
    auto entry_id = std::string(context.parameter("entry"));
    FormState form;
    form.action = "/directory/" + code + "/entries/" + entry_id + "/edit";
    form.contact = contact_from_form(context);
    form.level = domain::parse_level(context.form("level")).value_or(domain::Level::technical);
    form.reason = context.form("reason");
    form.effective_on = context.form("effective_on");
    form.based_on = std::atoi(context.form("based_on").c_str());
    auto updated =
        directory_.update(context.actor(), resource.organisation_id, entry_id, form.level,
                          form.contact, {form.reason, form.effective_on}, form.based_on);
    if (!updated) {
      auto code_of_error = updated.error().code;
      if (code_of_error != ErrorCode::invalid_argument && code_of_error != ErrorCode::conflict)
        return refused(context, updated.error());
      // A conflict is an edit of a version that is no longer the newest.
      form.problems =
          code_of_error == ErrorCode::conflict
              ? std::vector<domain::FieldProblem>{{"",
                                                   translate(
                                                       language,
                                                       "directory.error.changed_meanwhile",
                                                       {{"version", std::int64_t{form.based_on}}})}}
              : problems_of(updated.error(), language);
      return form_page(context, form, edit_title(context, form.contact.name),
                       code_of_error == ErrorCode::conflict ? http::status::conflict
                                                            : http::status::unprocessable_entity);
    }
    return PageRenderer::redirect(context,
                                  "/directory/" + code + "/entries/" + entry_id +
                                      (updated->pending_version != 0 ? "?pending=1" : "?saved=1"));
  }

  Response retire(const RequestContext& context) const {
    const auto& resource = context.resource();
    auto code = organisation_code(resource.organisation_id);
    auto entry_id = std::string(context.parameter("entry"));
    auto retired = directory_.retire(context.actor(), resource.organisation_id, entry_id,
                                     {context.form("reason"), context.form("effective_on")});
    if (!retired) return refused(context, retired.error());
    return PageRenderer::redirect(context, "/directory/" + code + "/states/" + retired->state);
  }

  Response approve(const RequestContext& context) const {
    const auto& resource = context.resource();
    auto code = organisation_code(resource.organisation_id);
    auto entry_id = std::string(context.parameter("entry"));
    auto approved = directory_.approve(context.actor(), resource.organisation_id, entry_id,
                                       std::atoi(context.form("version").c_str()));
    if (!approved) {
      if (approved.error().code != ErrorCode::conflict) return refused(context, approved.error());
      // The one conflict: the version approved no longer awaits approval.
      return entry(context, {{},
                             {},
                             translate(context.language(), "directory.error.approval_changed"),
                             http::status::conflict});
    }
    return PageRenderer::redirect(context,
                                  "/directory/" + code + "/entries/" + entry_id + "?approved=1");
  }

  Response search(const RequestContext& context) const {
    const auto language = context.language();
    const auto& resource = context.resource();
    auto code = organisation_code(resource.organisation_id);
    auto query = context.query("q").value_or("");
    mustache::data data;
    data.set("code", code);
    data.set("q", query);
    data.set("action", "/directory/" + code + "/search");
    mustache::data rows{mustache::data::type::list};
    if (!trim_blanks(query).empty()) {
      auto found = directory_.search(context.actor(), resource.organisation_id, query, {}, 100);
      if (!found) return refused(context, found.error());
      sort_by_collation(language, *found, [](const domain::DirectoryEntry& entry) {
        return entry.version.contact.name;
      });
      for (const auto& entry : *found) {
        auto row = entry_data(entry, code, context);
        row.set("state_name", state_name(reference_, entry.state, language));
        rows.push_back(row);
      }
      data.set("searched", true);
      data.set("no_results", translate(language, "directory.search.no_results",
                                       {{"organisation", code}, {"query", query}}));
      data.set("results_caption",
               translate(language, "directory.search.results_caption", {{"query", query}}));
    }
    data.set("results", rows);
    data.set("none", rows.is_empty_list());
    return pages_.render(context, "directory_search", data,
                         {translate(language, "directory.search.title", {{"organisation", code}})});
  }

  Response freshness(const RequestContext& context) const {
    const auto language = context.language();
    const auto& resource = context.resource();
    auto code = organisation_code(resource.organisation_id);
    auto states = directory_.freshness(context.actor(), resource.organisation_id);
    if (!states) return refused(context, states.error());
    struct Row {
      std::string name;
      const services::StateFreshness* item;
    };
    std::vector<Row> sorted;
    std::map<std::string, std::map<domain::Freshness, int>> counts_by_region;
    for (const auto& item : *states) {
      sorted.push_back({state_name(reference_, item.state, language), &item});
      ++counts_by_region[item.region][item.freshness];
    }
    // Overdue first, then never confirmed, due soon, current; by name within each.
    auto rank = [](domain::Freshness f) {
      switch (f) {
        case domain::Freshness::overdue:
          return 0;
        case domain::Freshness::never_confirmed:
          return 1;
        case domain::Freshness::due_soon:
          return 2;
        case domain::Freshness::current:
          return 3;
      }
      return 4;
    };
    sort_by_collation(language, sorted, [](const Row& row) { return row.name; });
    std::stable_sort(sorted.begin(), sorted.end(), [&](const Row& a, const Row& b) {
      return rank(a.item->freshness) < rank(b.item->freshness);
    });
    mustache::data rows{mustache::data::type::list};
    for (const auto& row : sorted) {
      mustache::data item;
      item.set("name", row.name);
      item.set("href", "/directory/" + code + "/states/" + row.item->state);
      item.set("entries", std::to_string(row.item->entries));
      item.set("confirmed_on", format_date(language, row.item->confirmed_on));
      item.set("due_on", format_date(language, row.item->due_on));
      item.set("freshness", std::string(domain::freshness_name(row.item->freshness)));
      item.set("freshness_label", freshness_label(row.item->freshness, language));
      item.set("verified_at", format_date(language, row.item->verified_at.substr(0, 10)));
      rows.push_back(item);
    }
    // Regions by name, as the reader's language sorts them.
    struct RegionCounts {
      std::string name;
      const std::map<domain::Freshness, int>* counts;
    };
    std::vector<RegionCounts> regions;
    for (const auto& region : counts_by_region)
      regions.push_back({region_name(region.first, language), &region.second});
    sort_by_collation(language, regions, [](const RegionCounts& region) { return region.name; });
    mustache::data region_rows{mustache::data::type::list};
    for (const auto& region : regions) {
      const auto& counts = *region.counts;
      mustache::data item;
      item.set("region", region.name);
      auto count = [&counts](domain::Freshness f) {
        auto it = counts.find(f);
        return std::to_string(it == counts.end() ? 0 : it->second);
      };
      item.set("current", count(domain::Freshness::current));
      item.set("due_soon", count(domain::Freshness::due_soon));
      item.set("overdue", count(domain::Freshness::overdue));
      item.set("never", count(domain::Freshness::never_confirmed));
      region_rows.push_back(item);
    }
    mustache::data data;
    data.set("states", rows);
    data.set("regions", region_rows);
    return pages_.render(
        context, "directory_freshness", data,
        {translate(language, "directory.freshness.title", {{"organisation", code}})});
  }

 private:
  std::string organisation_code(const std::string& organisation_id) const {
    auto members = reference_.members(organisation_id);
    return members ? (*members)->organisation.code : organisation_id;
  }

  std::string new_title(const RequestContext& context, const std::string& state) const {
    const auto language = context.language();
    return translate(language, "directory.form.new_title",
                     {{"state", state_name(reference_, state, language)}});
  }

  static std::string edit_title(const RequestContext& context, const std::string& name) {
    return translate(context.language(), "directory.form.edit_title", {{"name", name}});
  }

  //! A refusal whose meaning the page knows (nothing there, or not allowed), as a page in the
  //! reader's language with its status; `message` says it more precisely when given. Other errors
  //! go out as problems.
  Response refused(const RequestContext& context, const Error& error,
                   std::string message = {}) const {
    const auto language = context.language();
    PageOptions options;
    switch (error.code) {
      case ErrorCode::not_found:
        options = {translate(language, "directory.error.not_found_title"),
                   {},
                   {},
                   http::status::not_found};
        if (message.empty()) message = translate(language, "directory.error.not_found");
        break;
      case ErrorCode::forbidden:
        options = {translate(language, "directory.error.forbidden_title"),
                   {},
                   {},
                   http::status::forbidden};
        if (message.empty()) message = translate(language, "directory.error.forbidden");
        break;
      default:
        return context.error(error);
    }
    mustache::data data;
    data.set("text", message);
    data.set("link", true);
    data.set("href", "/directory");
    data.set("label", translate(language, "directory.error.back"));
    return pages_.render(context, "message", data, options);
  }

  Response form_page(const RequestContext& context, const FormState& form, std::string title,
                     http::status status = http::status::ok) const {
    const auto language = context.language();
    PageOptions options{std::move(title)};
    options.status = status;
    if (!form.problems.empty())
      options.error =
          translate(language, "directory.form.problems", {{"count", number(form.problems.size())}});
    return pages_.render(context, "directory_entry_form", form_data(form, language), options);
  }

  const PageRenderer& pages_;
  services::DirectoryService& directory_;
  services::ReferenceService& reference_;
};

}  // namespace

void add_directory_pages(Router& router, const PageRenderer& pages,
                         services::DirectoryService& directory,
                         services::ReferenceService& reference) {
  auto handlers = std::make_shared<DirectoryPages>(pages, directory, reference);
  auto scoped = [&reference](const RequestContext& context) {
    return directory_resource(context, reference);
  };
  auto read = Access::allow(Action::read_directory, scoped);
  auto edit = Access::allow(Action::edit_entries, scoped);
  using http::verb;
  auto bind = [handlers](Response (DirectoryPages::*method)(const RequestContext&) const) {
    return [handlers, method](const RequestContext& context) {
      return ((*handlers).*method)(context);
    };
  };
  router.add(verb::get, "/directory", Access::allow(Action::read_reference),
             bind(&DirectoryPages::index));
  router.add(verb::get, "/directory/{id}", read, bind(&DirectoryPages::organisation));
  router.add(verb::get, "/directory/{id}/search", read, bind(&DirectoryPages::search));
  router.add(verb::get, "/directory/{id}/freshness", Access::allow(Action::read_freshness, scoped),
             bind(&DirectoryPages::freshness));
  router.add(verb::get, "/directory/{id}/states/{state}", read,
             [handlers](const RequestContext& context) { return handlers->state(context); });
  router.add(verb::post, "/directory/{id}/states/{state}/reconfirm", edit,
             bind(&DirectoryPages::reconfirm));
  router.add(verb::get, "/directory/{id}/states/{state}/new", edit,
             bind(&DirectoryPages::new_form));
  router.add(verb::post, "/directory/{id}/states/{state}/new", edit, bind(&DirectoryPages::create));
  router.add(verb::get, "/directory/{id}/entries/{entry}", read,
             [handlers](const RequestContext& context) {
               const auto language = context.language();
               PageOptions options;
               if (context.query("saved"))
                 options.notice = translate(language, "directory.entry.published");
               if (context.query("pending"))
                 options.notice = translate(language, "directory.entry.awaits_approval");
               if (context.query("approved"))
                 options.notice = translate(language, "directory.entry.published");
               return handlers->entry(context, options);
             });
  // Whose entry it is shows once it is loaded: the router lets the organisation's readers
  // through, and the service decides on editing and approving.
  router.add(verb::get, "/directory/{id}/entries/{entry}/edit", read,
             bind(&DirectoryPages::edit_form));
  router.add(verb::post, "/directory/{id}/entries/{entry}/edit", read,
             bind(&DirectoryPages::update));
  router.add(verb::post, "/directory/{id}/entries/{entry}/retire", read,
             bind(&DirectoryPages::retire));
  router.add(verb::post, "/directory/{id}/entries/{entry}/approve", read,
             bind(&DirectoryPages::approve));
}

}  // namespace liaison::web
