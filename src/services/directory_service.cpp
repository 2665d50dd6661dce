#include "services/directory_service.h"

#include <algorithm>
#include <map>
#include <set>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "base/phone_number.h"
#include "base/regions.h"
#include "base/time_zone.h"
#include "base/unicode.h"
#include "domain/policy.h"
#include "services/audit_log.h"
#include "services/directory_search_words.h"
#include "services/identifiers.h"
#include "services/openpgp_key.h"
#include "services/outbox.h"
#include "store/account_store.h"

namespace liaison::services {

namespace json = boost::json;
using domain::Action;
using domain::DirectoryEntry;
using domain::EntryVersion;
using domain::Resource;

struct DirectoryService::Context {
  domain::Organisation organisation;
  std::set<std::string> members;
  domain::DirectoryRules rules;
};

namespace {

Result<void> allow(const Actor& actor, Action action, const Resource& resource) {
  if (domain::authorize(actor.principal, action, resource)) return {};
  return Error::forbidden("you may not " + std::string(domain::action_name(action)) + " here");
}

// Versions keep the author's name as it was, so that history reads right after a rename.
std::string author_name(store::Connection& connection, const std::string& account_id) {
  auto account = store::AccountStore(connection).find_by_id(account_id);
  if (account && *account) return (*account)->account.display_name;
  return account_id == "cli" ? std::string("command line") : account_id;
}

std::chrono::year_month_day today_in(const Clock& clock, const std::string& zone) {
  return local_date(std::chrono::floor<std::chrono::seconds>(clock.now()), zone);
}

bool late_for(const ChangeNote& note, const domain::DirectoryRules& rules,
              std::chrono::year_month_day today) {
  if (note.effective_on.empty()) return false;
  auto effective = domain::parse_date(note.effective_on);
  return effective && domain::late_change(*effective, today, rules.change_notice_days);
}

// Makes `version` of an entry what each organisation it is nominated to shows: published where
// the organisation publishes at once, pending where its secretariat approves first. The level
// given applies to the nomination in `organisation_id` only. Every nomination counts as
// confirmed now. Returns whether the version is published in `organisation_id`.
Result<bool> spread_version(store::DirectoryStore& store, const std::string& entry_id,
                            const EntryVersion& version, const domain::State& state,
                            const std::string& organisation_id, domain::Level level,
                            const std::string& now) {
  auto nominations = store.nominations_of(entry_id);
  if (!nominations) return nominations.error();
  bool published_here = false;
  for (const auto& each : *nominations) {
    auto rules = store.rules(each.organisation_id);
    if (!rules) return rules.error();
    auto shown_level = each.organisation_id == organisation_id ? level : each.level;
    if (rules->approval_required && version.number != each.published_version) {
      LIAISON_TRY(store.set_pending(each.organisation_id, entry_id, version.number));
    } else {
      LIAISON_TRY(store.publish(each.organisation_id, entry_id, version.number,
                                version.status == domain::EntryStatus::retired,
                                search_words_for(version.contact, state, shown_level)));
      if (each.organisation_id == organisation_id) published_here = true;
    }
    LIAISON_TRY(store.confirm_entry(each.organisation_id, entry_id, now));
  }
  return published_here;
}

}  // namespace

DirectoryService::DirectoryService(store::Database& database, const Clock& clock,
                                   RandomSource& random, ReferenceService& reference)
    : database_(database), clock_(clock), random_(random), reference_(reference) {}

std::vector<domain::FieldProblem> DirectoryService::normalise(domain::Contact& contact,
                                                              domain::EntryKind kind,
                                                              std::string_view state) const {
  std::vector<domain::FieldProblem> problems;
  for (std::size_t i = 0; i < contact.phones.size(); ++i) {
    auto& number = contact.phones[i].number;
    if (auto e164 = to_e164(number, state)) {
      number = *e164;
    } else {
      problems.push_back(
          {"phones[" + std::to_string(i) + "].number", e164.error().message, "not_phone_number"});
    }
  }
  for (std::size_t i = 0; i < contact.languages.size(); ++i) {
    if (auto tag = canonical_language_tag(contact.languages[i])) {
      contact.languages[i] = *tag;
    } else {
      problems.push_back(
          {"languages[" + std::to_string(i) + "]", tag.error().message, "not_language_tag"});
    }
  }
  if (!contact.time_zone.empty()) {
    if (auto zone = canonical_time_zone(contact.time_zone)) {
      contact.time_zone = *zone;
    } else {
      problems.push_back({"time_zone", zone.error().message, "not_time_zone"});
    }
  }
  if (contact.openpgp) {
    if (auto key = inspect_openpgp_key(contact.openpgp->armored, contact.openpgp->fingerprint)) {
      contact.openpgp = *key;
    } else {
      problems.push_back({"openpgp_key", key.error().message});
    }
  }
  for (auto& problem : domain::contact_problems(contact, kind)) {
    // A number libphonenumber refused is reported once, in its words.
    if (std::none_of(problems.begin(), problems.end(),
                     [&](const auto& each) { return each.field == problem.field; }))
      problems.push_back(std::move(problem));
  }
  return problems;
}

Result<DirectoryService::Context> DirectoryService::context(const std::string& organisation) {
  auto members = reference_.members(organisation);
  if (!members) return members.error();
  Context context{(*members)->organisation, {}, {}};
  for (const auto& state : (*members)->members)
    context.members.insert(state.alpha2);
  auto rules = database_.transact(store::Access::read, [&](store::Connection& connection) {
    return store::DirectoryStore(connection).rules(context.organisation.id);
  });
  if (!rules) return rules.error();
  context.rules = *rules;
  return context;
}

Result<domain::DirectoryRules> DirectoryService::rules(const Actor& actor,
                                                       const std::string& organisation) {
  auto found = context(organisation);
  if (!found) return found.error();
  LIAISON_TRY(allow(actor, Action::read_directory, Resource::organisation(found->organisation.id)));
  return found->rules;
}

Result<domain::DirectoryRules> DirectoryService::set_rules(const Actor& actor,
                                                           const std::string& organisation,
                                                           domain::DirectoryRules rules) {
  auto found = context(organisation);
  if (!found) return found.error();
  const auto& id = found->organisation.id;
  LIAISON_TRY(allow(actor, Action::manage_directory, Resource::organisation(id)));
  if (rules.reconfirm_months < 1 || rules.reconfirm_months > 60)
    return Error::invalid_field("reconfirm_months", "between", "must be between 1 and 60",
                                {{"min", "1"}, {"max", "60"}});
  if (rules.change_notice_days < 1 || rules.change_notice_days > 365)
    return Error::invalid_field("change_notice_days", "between", "must be between 1 and 365",
                                {{"min", "1"}, {"max", "365"}});
  auto zone = canonical_time_zone(rules.time_zone);
  if (!zone) return Error::invalid_field("time_zone", "not_time_zone", zone.error().message);
  rules.time_zone = *zone;
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<domain::DirectoryRules> {
        LIAISON_TRY(store::DirectoryStore(connection).set_rules(id, rules));
        json::object details{{"reconfirm_months", rules.reconfirm_months},
                             {"change_notice_days", rules.change_notice_days},
                             {"approval_required", rules.approval_required},
                             {"time_zone", rules.time_zone}};
        LIAISON_TRY(append_audit(connection, clock_,
                                 actor.event("directory.rules_changed", "organisation:" + id,
                                             json::serialize(details), id)));
        return rules;
      });
}

Result<std::vector<DirectoryEntry>> DirectoryService::entries(const Actor& actor,
                                                              const std::string& organisation,
                                                              const store::EntryFilter& filter,
                                                              store::EntryView view) {
  auto found = context(organisation);
  if (!found) return found.error();
  const auto& id = found->organisation.id;
  auto scope =
      filter.state.empty() ? Resource::organisation(id) : Resource::state_in(id, filter.state);
  LIAISON_TRY(allow(actor, Action::read_directory, scope));
  if (view == store::EntryView::newest || filter.include_retired || filter.pending_only)
    LIAISON_TRY(allow(actor, Action::read_drafts, scope));
  return database_.transact(store::Access::read, [&](store::Connection& connection) {
    return store::DirectoryStore(connection).list(id, view, filter);
  });
}

Result<EntryHistory> DirectoryService::entry(const Actor& actor, const std::string& organisation,
                                             const std::string& entry_id) {
  auto found = context(organisation);
  if (!found) return found.error();
  const auto& id = found->organisation.id;
  LIAISON_TRY(allow(actor, Action::read_directory, Resource::organisation(id)));
  return database_.transact(
      store::Access::read, [&](store::Connection& connection) -> Result<EntryHistory> {
        store::DirectoryStore store(connection);
        auto nomination = store.nomination(id, entry_id);
        if (!nomination) return nomination.error();
        auto not_found = Error::not_found("no entry " + entry_id + " in " +
                                          found->organisation.code + "'s directory");
        if (!*nomination) return not_found;
        bool drafts = domain::authorize(actor.principal, Action::read_drafts,
                                        Resource::state_in(id, (*nomination)->state));
        if (!drafts && (*nomination)->published_version == 0) return not_found;
        auto versions = store.versions(entry_id);
        if (!versions) return versions.error();
        auto record = store.entry(entry_id);
        if (!record) return record.error();
        if (!*record) return not_found;

        EntryHistory history;
        const auto& n = **nomination;
        history.entry = {
            entry_id,          n.state, (*record)->kind, id,           n.level, n.published_version,
            n.pending_version, {},      n.confirmed_at,  n.verified_at};
        const domain::Contact* previous = nullptr;
        for (const auto& version : *versions) {
          if (!drafts && version.number > n.published_version) break;
          EntryHistory::Step step{version,
                                  previous ? domain::contact_changes(*previous, version.contact)
                                           : std::vector<domain::FieldChange>{},
                                  version.number <= n.published_version};
          history.steps.push_back(std::move(step));
          previous = &version.contact;
        }
        if (history.steps.empty()) return not_found;
        // Readers see what is published; the state and its secretariat see the newest.
        int shown = drafts ? (*record)->latest_version : n.published_version;
        for (const auto& step : history.steps)
          if (step.version.number == shown) history.entry.version = step.version;
        return history;
      });
}

Result<std::vector<DirectoryEntry>> DirectoryService::search(const Actor& actor,
                                                             const std::string& organisation,
                                                             std::string_view query,
                                                             const store::EntryFilter& filter,
                                                             std::int64_t limit) {
  auto found = context(organisation);
  if (!found) return found.error();
  const auto& id = found->organisation.id;
  LIAISON_TRY(allow(actor, Action::read_directory, Resource::organisation(id)));
  if (query.size() > 200) return Error::invalid_argument("q: at most 200 bytes");
  auto words = search_words(query);
  if (words.size() > 8) words.resize(8);
  store::EntryFilter published = filter;
  published.include_retired = false;
  published.pending_only = false;
  return database_.transact(store::Access::read, [&](store::Connection& connection) {
    return store::DirectoryStore(connection)
        .search(id, words, published, std::clamp<std::int64_t>(limit, 1, 200));
  });
}

Result<std::vector<StateFreshness>> DirectoryService::freshness(const Actor& actor,
                                                                const std::string& organisation) {
  auto found = context(organisation);
  if (!found) return found.error();
  const auto& id = found->organisation.id;
  LIAISON_TRY(allow(actor, Action::read_freshness, Resource::organisation(id)));
  return freshness_of(*found);
}

Result<StateFreshness> DirectoryService::state_freshness(const Actor& actor,
                                                         const std::string& organisation,
                                                         const std::string& state) {
  auto found = context(organisation);
  if (!found) return found.error();
  const auto& id = found->organisation.id;
  if (!domain::authorize(actor.principal, Action::read_freshness, Resource::organisation(id)))
    LIAISON_TRY(allow(actor, Action::edit_entries, Resource::state_in(id, state)));
  auto all = freshness_of(*found);
  if (!all) return all.error();
  for (auto& line : *all)
    if (line.state == state) return std::move(line);
  return Error::not_found("state: " + state + " is not a member of " + found->organisation.code);
}

Result<std::vector<StateFreshness>> DirectoryService::freshness_of(const Context& found) {
  const auto& id = found.organisation.id;
  auto rows = database_.transact(store::Access::read, [&](store::Connection& connection) {
    return store::DirectoryStore(connection).freshness(id);
  });
  if (!rows) return rows.error();
  std::map<std::string, store::DirectoryStore::StateFreshnessRow> by_state;
  for (auto& row : *rows)
    by_state[row.state] = std::move(row);
  auto today = today_in(clock_, found.rules.time_zone);
  std::vector<StateFreshness> result;
  for (const auto& state : found.members) {
    StateFreshness item;
    item.state = state;
    auto region = m49_region_of(state);
    item.region = region.region;
    item.subregion = region.subregion;
    if (auto row = by_state.find(state); row != by_state.end()) {
      item.entries = row->second.entries;
      item.verified_at = row->second.newest_verified_at;
      if (auto confirmed = parse_utc_seconds(row->second.oldest_confirmed_at)) {
        auto on = local_date(*confirmed, found.rules.time_zone);
        item.confirmed_on = domain::format_date(on);
        item.due_on = domain::format_date(domain::due_date(on, found.rules.reconfirm_months));
        item.freshness = domain::freshness(on, today, found.rules.reconfirm_months);
      }
    }
    result.push_back(std::move(item));
  }
  return result;
}

Result<DirectoryEntry> DirectoryService::create(const Actor& actor, const std::string& organisation,
                                                const std::string& state, domain::Level level,
                                                domain::Contact contact, const ChangeNote& note) {
  auto found = context(organisation);
  if (!found) return found.error();
  const auto& id = found->organisation.id;
  if (found->members.count(state) == 0)
    return Error::invalid_field("state", "not_member",
                                state + " is not a member of " + found->organisation.code,
                                {{"state", state}, {"organisation", found->organisation.code}});
  LIAISON_TRY(allow(actor, Action::edit_entries, Resource::state_in(id, state)));
  auto kind = domain::kind_for(level);
  if (auto problems = normalise(contact, kind, state); !problems.empty())
    return Error::invalid_fields(std::move(problems));
  if (!note.effective_on.empty() && !domain::parse_date(note.effective_on))
    return Error::invalid_field("effective_on", "not_date", "must be a date, YYYY-MM-DD");
  auto profile = reference_.state(state);
  if (!profile) return profile.error();
  auto today = today_in(clock_, found->rules.time_zone);

  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<DirectoryEntry> {
        store::DirectoryStore store(connection);
        if (!contact.deputy_id.empty()) {
          auto deputy = store.entry(contact.deputy_id);
          if (!deputy) return deputy.error();
          if (!*deputy || (*deputy)->state != state || (*deputy)->kind != domain::EntryKind::poc)
            return Error::invalid_field("deputy_id", "deputy_not_poc",
                                        "not a point of contact of " + state, {{"state", state}});
        }
        auto now = format_utc(clock_.now());
        auto entry_id = new_id(clock_, random_);
        LIAISON_TRY(store.insert_entry({entry_id, state, kind, 1, now}));
        EntryVersion version{1,
                             domain::EntryStatus::active,
                             contact,
                             actor.principal.account_id,
                             author_name(connection, actor.principal.account_id),
                             now,
                             note.reason,
                             note.effective_on,
                             late_for(note, found->rules, today)};
        LIAISON_TRY(store.insert_version(entry_id, version));
        bool approval = found->rules.approval_required;
        store::NominationRecord nomination{
            id, entry_id, state, level, approval ? 0 : 1, approval ? 1 : 0, false, now, {}};
        LIAISON_TRY(store.insert_nomination(
            nomination,
            approval ? std::string() : search_words_for(contact, profile.value()->state, level)));
        json::object details{{"state", state},
                             {"level", domain::level_name(level)},
                             {"version", 1},
                             {"published", !approval},
                             {"late", version.late}};
        LIAISON_TRY(append_audit(
            connection, clock_,
            actor.event("entry.created", "entry:" + entry_id, json::serialize(details), id)));
        return DirectoryEntry{entry_id,
                              state,
                              kind,
                              id,
                              level,
                              nomination.published_version,
                              nomination.pending_version,
                              version,
                              now,
                              {}};
      });
}

Result<DirectoryEntry> DirectoryService::record(const Actor& actor, const Context& context,
                                                const std::string& entry_id,
                                                std::optional<domain::Level> level,
                                                EntryVersion version, int based_on) {
  const auto& id = context.organisation.id;
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<DirectoryEntry> {
        store::DirectoryStore store(connection);
        auto record = store.entry(entry_id);
        if (!record) return record.error();
        auto nomination = store.nomination(id, entry_id);
        if (!nomination) return nomination.error();
        if (!*record || !*nomination)
          return Error::not_found("no entry " + entry_id + " in " + context.organisation.code +
                                  "'s directory");
        const auto& entry = **record;
        LIAISON_TRY(allow(actor, Action::edit_entries, Resource::state_in(id, entry.state)));
        if (based_on != 0 && based_on != entry.latest_version)
          return Error::conflict(
              fmt::format("the entry changed meanwhile: you edited version {}, the newest is {}",
                          based_on, entry.latest_version));
        if (level && domain::kind_for(*level) != entry.kind)
          return Error::invalid_argument("level: a " + std::string(entry_kind_name(entry.kind)) +
                                         " cannot be nominated at level " +
                                         std::string(domain::level_name(*level)));
        if (!version.contact.deputy_id.empty()) {
          if (version.contact.deputy_id == entry_id)
            return Error::invalid_field("deputy_id", "own_deputy",
                                        "an entry cannot be its own deputy");
          auto deputy = store.entry(version.contact.deputy_id);
          if (!deputy) return deputy.error();
          if (!*deputy || (*deputy)->state != entry.state ||
              (*deputy)->kind != domain::EntryKind::poc)
            return Error::invalid_field("deputy_id", "deputy_not_poc",
                                        "not a point of contact of " + entry.state,
                                        {{"state", entry.state}});
        }
        auto latest = store.version(entry_id, entry.latest_version);
        if (!latest) return latest.error();
        auto changes = domain::contact_changes((*latest)->contact, version.contact);
        bool level_changed = level && *level != (*nomination)->level;
        if (changes.empty() && version.status == (*latest)->status && !level_changed) {
          // Nothing new: no version, but the state has vouched for the entry.
          LIAISON_TRY(store.confirm_entry(id, entry_id, format_utc(clock_.now())));
          DirectoryEntry unchanged{entry_id,
                                   entry.state,
                                   entry.kind,
                                   id,
                                   (*nomination)->level,
                                   (*nomination)->published_version,
                                   (*nomination)->pending_version,
                                   **latest,
                                   {},
                                   {}};
          return unchanged;
        }
        if (level_changed) LIAISON_TRY(store.set_level(id, entry_id, *level));
        auto now = format_utc(clock_.now());
        version.number = entry.latest_version + 1;
        version.author_id = actor.principal.account_id;
        version.author_name = author_name(connection, actor.principal.account_id);
        version.recorded_at = now;
        if (!changes.empty() || version.status != (*latest)->status)
          LIAISON_TRY(store.insert_version(entry_id, version));
        else
          version = **latest;

        auto profile = reference_.state(entry.state);
        if (!profile) return profile.error();
        auto published_here = spread_version(store, entry_id, version, profile.value()->state, id,
                                             level ? *level : (*nomination)->level, now);
        if (!published_here) return published_here.error();
        json::array fields;
        for (const auto& change : changes)
          fields.emplace_back(change.field);
        json::object details{{"version", version.number},
                             {"fields", std::move(fields)},
                             {"published", *published_here},
                             {"late", version.late}};
        if (level_changed) details["level"] = domain::level_name(*level);
        auto action =
            version.status == domain::EntryStatus::retired ? "entry.retired" : "entry.changed";
        LIAISON_TRY(
            append_audit(connection, clock_,
                         actor.event(action, "entry:" + entry_id, json::serialize(details), id)));
        auto after = store.nomination(id, entry_id);
        if (!after) return after.error();
        return DirectoryEntry{entry_id,
                              entry.state,
                              entry.kind,
                              id,
                              (*after)->level,
                              (*after)->published_version,
                              (*after)->pending_version,
                              version,
                              (*after)->confirmed_at,
                              (*after)->verified_at};
      });
}

Result<DirectoryEntry> DirectoryService::update(const Actor& actor, const std::string& organisation,
                                                const std::string& entry_id, domain::Level level,
                                                domain::Contact contact, const ChangeNote& note,
                                                int based_on) {
  auto found = context(organisation);
  if (!found) return found.error();
  auto existing = database_.transact(store::Access::read, [&](store::Connection& connection) {
    return store::DirectoryStore(connection).entry(entry_id);
  });
  if (!existing) return existing.error();
  if (!*existing)
    return Error::not_found("no entry " + entry_id + " in " + found->organisation.code +
                            "'s directory");
  // Authorise before validating, so that a foreign state learns nothing from the answers.
  LIAISON_TRY(allow(actor, Action::edit_entries,
                    Resource::state_in(found->organisation.id, (*existing)->state)));
  if (auto problems = normalise(contact, domain::kind_for(level), (*existing)->state);
      !problems.empty())
    return Error::invalid_fields(std::move(problems));
  if (!note.effective_on.empty() && !domain::parse_date(note.effective_on))
    return Error::invalid_field("effective_on", "not_date", "must be a date, YYYY-MM-DD");
  EntryVersion version;
  version.contact = std::move(contact);
  version.reason = note.reason;
  version.effective_on = note.effective_on;
  version.late = late_for(note, found->rules, today_in(clock_, found->rules.time_zone));
  return record(actor, *found, entry_id, level, std::move(version), based_on);
}

Result<DirectoryEntry> DirectoryService::retire(const Actor& actor, const std::string& organisation,
                                                const std::string& entry_id,
                                                const ChangeNote& note) {
  auto found = context(organisation);
  if (!found) return found.error();
  auto latest =
      database_.transact(store::Access::read,
                         [&](store::Connection& connection) -> Result<std::optional<EntryVersion>> {
                           store::DirectoryStore store(connection);
                           auto record = store.entry(entry_id);
                           if (!record) return record.error();
                           if (!*record) return std::optional<EntryVersion>{};
                           return store.version(entry_id, (*record)->latest_version);
                         });
  if (!latest) return latest.error();
  if (!*latest)
    return Error::not_found("no entry " + entry_id + " in " + found->organisation.code +
                            "'s directory");
  EntryVersion version = **latest;
  version.status = domain::EntryStatus::retired;
  version.reason = note.reason;
  version.effective_on = note.effective_on;
  version.late = late_for(note, found->rules, today_in(clock_, found->rules.time_zone));
  return record(actor, *found, entry_id, std::nullopt, std::move(version), 0);
}

Result<DirectoryEntry> DirectoryService::approve(const Actor& actor,
                                                 const std::string& organisation,
                                                 const std::string& entry_id, int version) {
  auto found = context(organisation);
  if (!found) return found.error();
  const auto& id = found->organisation.id;
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<DirectoryEntry> {
        store::DirectoryStore store(connection);
        auto nomination = store.nomination(id, entry_id);
        if (!nomination) return nomination.error();
        if (!*nomination)
          return Error::not_found("no entry " + entry_id + " in " + found->organisation.code +
                                  "'s directory");
        const auto& n = **nomination;
        LIAISON_TRY(allow(actor, Action::approve_entries, Resource::state_in(id, n.state)));
        if (n.pending_version == 0 || n.pending_version != version)
          return Error::conflict(
              n.pending_version == 0
                  ? std::string("nothing awaits approval")
                  : fmt::format("version {} awaits approval, not {}", n.pending_version, version));
        auto approved = store.version(entry_id, version);
        if (!approved) return approved.error();
        auto record = store.entry(entry_id);
        if (!record) return record.error();
        auto profile = reference_.state(n.state);
        if (!profile) return profile.error();
        const auto& contact = (*approved)->contact;
        LIAISON_TRY(store.publish(id, entry_id, version,
                                  (*approved)->status == domain::EntryStatus::retired,
                                  search_words_for(contact, profile.value()->state, n.level)));
        LIAISON_TRY(
            append_audit(connection, clock_,
                         actor.event("entry.approved", "entry:" + entry_id,
                                     json::serialize(json::object{{"version", version}}), id)));
        return DirectoryEntry{entry_id, n.state,    (*record)->kind, id,           n.level, version,
                              0,        **approved, n.confirmed_at,  n.verified_at};
      });
}

Result<DirectoryEntry> DirectoryService::nominate(const Actor& actor, const std::string& entry_id,
                                                  const std::string& to_organisation,
                                                  domain::Level level) {
  auto found = context(to_organisation);
  if (!found) return found.error();
  const auto& id = found->organisation.id;
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<DirectoryEntry> {
        store::DirectoryStore store(connection);
        auto record = store.entry(entry_id);
        if (!record) return record.error();
        if (!*record) return Error::not_found("no entry " + entry_id);
        const auto& entry = **record;
        // The state's focal point in the receiving organisation nominates; whether the entry is
        // theirs to share is shown by their right to edit it somewhere it is nominated.
        LIAISON_TRY(allow(actor, Action::edit_entries, Resource::state_in(id, entry.state)));
        if (found->members.count(entry.state) == 0)
          return Error::invalid_field(
              "state", "not_member",
              entry.state + " is not a member of " + found->organisation.code,
              {{"state", entry.state}, {"organisation", found->organisation.code}});
        if (domain::kind_for(level) != entry.kind)
          return Error::invalid_argument("level: does not fit a " +
                                         std::string(entry_kind_name(entry.kind)));
        auto existing = store.nomination(id, entry_id);
        if (!existing) return existing.error();
        if (*existing)
          return Error::conflict("the entry is already in " + found->organisation.code +
                                 "'s directory");
        auto nominations = store.nominations_of(entry_id);
        if (!nominations) return nominations.error();
        bool editable_elsewhere = std::any_of(
            nominations->begin(), nominations->end(), [&](const store::NominationRecord& each) {
              return domain::authorize(actor.principal, Action::edit_entries,
                                       Resource::state_in(each.organisation_id, entry.state));
            });
        if (!editable_elsewhere)
          return Error::forbidden("you may not share this entry: it is not yours to edit");
        auto latest = store.version(entry_id, entry.latest_version);
        if (!latest) return latest.error();
        auto profile = reference_.state(entry.state);
        if (!profile) return profile.error();
        bool approval = found->rules.approval_required;
        int version = entry.latest_version;
        auto now = format_utc(clock_.now());
        bool retired = (*latest)->status == domain::EntryStatus::retired;
        if (retired) return Error::conflict("a retired entry cannot be nominated");
        store::NominationRecord nomination{
            id,    entry_id, entry.state, level, approval ? 0 : version, approval ? version : 0,
            false, now,      {}};
        LIAISON_TRY(store.insert_nomination(
            nomination, approval
                            ? std::string()
                            : search_words_for((*latest)->contact, profile.value()->state, level)));
        LIAISON_TRY(append_audit(
            connection, clock_,
            actor.event("entry.nominated", "entry:" + entry_id,
                        json::serialize(json::object{{"level", domain::level_name(level)},
                                                     {"version", version}}),
                        id)));
        return DirectoryEntry{entry_id,
                              entry.state,
                              entry.kind,
                              id,
                              level,
                              nomination.published_version,
                              nomination.pending_version,
                              **latest,
                              now,
                              {}};
      });
}

Result<std::int64_t> DirectoryService::reconfirm(const Actor& actor,
                                                 const std::string& organisation,
                                                 const std::string& state) {
  auto found = context(organisation);
  if (!found) return found.error();
  const auto& id = found->organisation.id;
  LIAISON_TRY(allow(actor, Action::edit_entries, Resource::state_in(id, state)));
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<std::int64_t> {
        auto count =
            store::DirectoryStore(connection).confirm_state(id, state, format_utc(clock_.now()));
        if (!count) return count.error();
        if (*count == 0)
          return Error::conflict(state + " has no entries in " + found->organisation.code +
                                 "'s directory to re-confirm");
        LIAISON_TRY(
            append_audit(connection, clock_,
                         actor.event("entries.reconfirmed", "state:" + state,
                                     json::serialize(json::object{{"entries", *count}}), id)));
        return *count;
      });
}

Result<ImportReport> DirectoryService::import(const Actor& actor, const std::string& organisation,
                                              std::vector<ImportLine> lines, bool dry_run) {
  auto found = context(organisation);
  if (!found) return found.error();
  const auto& id = found->organisation.id;
  // Only someone who may edit some state's entries here imports at all; each line is then
  // checked against its own state.
  if (std::none_of(found->members.begin(), found->members.end(), [&](const std::string& state) {
        return domain::authorize(actor.principal, Action::edit_entries,
                                 Resource::state_in(id, state));
      }))
    return Error::forbidden("you may not edit entries in " + found->organisation.code);
  ImportReport report;
  report.dry_run = dry_run;
  auto problem = [&](long line, std::string field, std::string message) {
    report.problems.push_back({line, std::move(field), std::move(message)});
  };

  enum class Step { create, change, retire, none };
  std::vector<Step> steps(lines.size(), Step::none);
  std::vector<int> based_on(lines.size(), 0);
  auto checked =
      database_.transact(store::Access::read, [&](store::Connection& connection) -> Result<void> {
        store::DirectoryStore store(connection);
        std::set<std::string> seen;
        for (std::size_t i = 0; i < lines.size(); ++i) {
          auto& line = lines[i];
          if (found->members.count(line.state) == 0) {
            problem(line.line, "state",
                    line.state + " is not a member of " + found->organisation.code);
            continue;
          }
          if (!domain::authorize(actor.principal, Action::edit_entries,
                                 Resource::state_in(id, line.state))) {
            problem(line.line, "state", "you may not edit the entries of " + line.state);
            continue;
          }
          for (auto& each : normalise(line.contact, domain::kind_for(line.level), line.state))
            problem(line.line, each.field, each.message);
          if (line.id.empty()) {
            if (line.status == domain::EntryStatus::retired)
              problem(line.line, "status", "a new entry cannot be retired");
            steps[i] = Step::create;
            continue;
          }
          if (!seen.insert(line.id).second) {
            problem(line.line, "id", "this entry appears on an earlier line too");
            continue;
          }
          auto record = store.entry(line.id);
          if (!record) return record.error();
          auto nomination = store.nomination(id, line.id);
          if (!nomination) return nomination.error();
          if (!*record || !*nomination || (*record)->state != line.state) {
            problem(line.line, "id",
                    "no entry " + line.id + " of " + line.state + " in this directory");
            continue;
          }
          if (domain::kind_for(line.level) != (*record)->kind) {
            problem(line.line, "level", "does not fit the entry's kind");
            continue;
          }
          auto latest = store.version(line.id, (*record)->latest_version);
          if (!latest) return latest.error();
          based_on[i] = (*record)->latest_version;
          bool same = (*latest)->contact == line.contact && (*latest)->status == line.status &&
                      (*nomination)->level == line.level;
          if (same) {
            steps[i] = Step::none;
          } else if (line.status == domain::EntryStatus::retired) {
            steps[i] =
                (*latest)->status == domain::EntryStatus::retired ? Step::change : Step::retire;
          } else {
            steps[i] = Step::change;
          }
        }
        return {};
      });
  if (!checked) return checked.error();
  for (auto step : steps) {
    if (step == Step::create) ++report.created;
    if (step == Step::change) ++report.changed;
    if (step == Step::retire) ++report.retired;
    if (step == Step::none) ++report.unchanged;
  }
  if (!report.problems.empty() || dry_run) return report;

  // All checks passed: apply every line in one transaction, so that a failure on line 900
  // leaves lines 1 to 899 unwritten too.
  auto profiles = std::map<std::string, domain::State>{};
  for (const auto& line : lines) {
    if (profiles.count(line.state) != 0) continue;
    auto profile = reference_.state(line.state);
    if (!profile) return profile.error();
    profiles[line.state] = profile.value()->state;
  }
  auto applied =
      database_.transact(store::Access::write, [&](store::Connection& connection) -> Result<void> {
        store::DirectoryStore store(connection);
        auto now = format_utc(clock_.now());
        auto author = author_name(connection, actor.principal.account_id);
        bool approval = found->rules.approval_required;
        for (std::size_t i = 0; i < lines.size(); ++i) {
          const auto& line = lines[i];
          const auto& state = profiles.at(line.state);
          if (steps[i] == Step::none) {
            if (!line.id.empty()) LIAISON_TRY(store.confirm_entry(id, line.id, now));
            continue;
          }
          EntryVersion version{0,      line.status, line.contact, actor.principal.account_id,
                               author, now,         "import",     {},
                               false};
          if (steps[i] == Step::create) {
            auto entry_id = new_id(clock_, random_);
            version.number = 1;
            LIAISON_TRY(
                store.insert_entry({entry_id, line.state, domain::kind_for(line.level), 1, now}));
            LIAISON_TRY(store.insert_version(entry_id, version));
            LIAISON_TRY(store.insert_nomination(
                {id,
                 entry_id,
                 line.state,
                 line.level,
                 approval ? 0 : 1,
                 approval ? 1 : 0,
                 false,
                 now,
                 {}},
                approval ? std::string() : search_words_for(line.contact, state, line.level)));
            continue;
          }
          version.number = based_on[i] + 1;
          LIAISON_TRY(store.insert_version(line.id, version));
          LIAISON_TRY(store.set_level(id, line.id, line.level));
          auto spread = spread_version(store, line.id, version, state, id, line.level, now);
          if (!spread) return spread.error();
        }
        json::object details{{"created", report.created},
                             {"changed", report.changed},
                             {"retired", report.retired},
                             {"unchanged", report.unchanged}};
        LIAISON_TRY(append_audit(
            connection, clock_,
            actor.event("entries.imported", "organisation:" + id, json::serialize(details), id)));
        return {};
      });
  if (!applied) return applied.error();
  report.committed = true;
  return report;
}

Result<std::int64_t> DirectoryService::queue_reminders(const MailIdentity& identity) {
  auto organisations = reference_.organisations();
  if (!organisations) return organisations.error();
  std::int64_t queued = 0;
  for (const auto& summary : **organisations) {
    auto found = context(summary.organisation.id);
    if (!found) return found.error();
    const auto& id = found->organisation.id;
    auto today = today_in(clock_, found->rules.time_zone);
    auto done = database_.transact(
        store::Access::write, [&](store::Connection& connection) -> Result<std::int64_t> {
          store::DirectoryStore store(connection);
          store::AccountStore accounts(connection);
          auto rows = store.freshness(id);
          if (!rows) return rows.error();
          std::int64_t count = 0;
          for (const auto& row : *rows) {
            auto confirmed = parse_utc_seconds(row.oldest_confirmed_at);
            if (!confirmed) continue;
            auto due = domain::due_date(local_date(*confirmed, found->rules.time_zone),
                                        found->rules.reconfirm_months);
            auto due_on = domain::format_date(due);
            auto sent = store.reminders_sent(id, row.state, due_on);
            if (!sent) return sent.error();
            auto offset = domain::reminder_to_send(due, today, *sent);
            if (!offset) continue;
            LIAISON_TRY(
                store.record_reminder(id, row.state, due_on, *offset, format_utc(clock_.now())));
            auto people = accounts.list({id, row.state});
            if (!people) return people.error();
            for (const auto& person : *people) {
              bool focal = std::any_of(person.grants.begin(), person.grants.end(),
                                       [&](const domain::RoleGrant& g) {
                                         return g.role == domain::Role::focal &&
                                                g.organisation_id == id && g.state == row.state;
                                       });
              if (!focal || person.status != domain::AccountStatus::active) continue;
              boost::json::object values{{"organisation", found->organisation.code},
                                         {"state", row.state},
                                         {"entries", row.entries},
                                         {"due_on", due_on},
                                         {"today", *offset == 0},
                                         {"days", *offset}};
              LIAISON_TRY(queue_mail(connection, clock_, random_, identity,
                                     {"freshness_reminder", person.email, person.display_name, id,
                                      std::move(values), domain::Tlp::clear, true}));
              ++count;
            }
          }
          return count;
        });
    if (!done) return done.error();
    queued += *done;
  }
  return queued;
}

Result<void> DirectoryService::mark_verified(const std::string& entry_id, const std::string& at) {
  return database_.transact(store::Access::write, [&](store::Connection& connection) {
    return store::DirectoryStore(connection).mark_verified(entry_id, at);
  });
}

}  // namespace liaison::services
