#include "services/check_service.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <boost/json.hpp>

#include "base/regions.h"
#include "domain/account.h"
#include "domain/language.h"
#include "domain/policy.h"
#include "services/audit_log.h"
#include "services/audit_query.h"
#include "services/identifiers.h"
#include "store/directory_store.h"
#include "store/outbox_store.h"

namespace liaison::services {

using domain::Action;
using domain::CheckStatus;
using domain::CheckTask;
using domain::Resource;

namespace {

domain::CheckTime seconds(std::chrono::system_clock::time_point time) {
  return std::chrono::floor<std::chrono::seconds>(time);
}

domain::CheckTime parse_time(const std::string& text) {
  return parse_utc_seconds(text).value_or(domain::CheckTime{});
}

Result<void> allow(const Actor& actor, Action action, const Resource& resource) {
  if (domain::authorize(actor.principal, action, resource)) return {};
  return Error::forbidden("you may not " + std::string(domain::action_name(action)) + " here");
}

std::string address_of(const domain::Contact& contact) {
  return contact.functional_email.empty() ? contact.personal_email : contact.functional_email;
}

std::string mail_language(const domain::Contact& contact) {
  for (const auto& tag : contact.languages)
    if (auto language = domain::language_from_tag(tag))
      return std::string(domain::language_code(*language));
  return "en";
}

bool targets_state(const domain::CheckTarget& target, const std::string& state) {
  if (target.states.empty() && target.regions.empty()) return true;
  if (std::find(target.states.begin(), target.states.end(), state) != target.states.end())
    return true;
  auto region = m49_region_of(state);
  return std::any_of(target.regions.begin(), target.regions.end(), [&](const std::string& code) {
    return code == region.region || code == region.subregion;
  });
}

bool targets_level(const domain::CheckTarget& target, domain::Level level) {
  return std::find(target.levels.begin(), target.levels.end(), level) != target.levels.end();
}

//! Who a plan reaches in an organisation's directory now: states (sorted) and their published
//! active entries at the targeted levels.
struct Reach {
  std::vector<domain::PairingCandidate> states;
  std::vector<domain::DirectoryEntry> entries;
  std::vector<std::string> states_without_recipients;
};

Result<Reach> reach_of(store::Connection& connection, const OrganisationMembers& members,
                       const domain::CheckPlan& plan) {
  auto entries = store::DirectoryStore(connection)
                     .list(members.organisation.id, store::EntryView::published, {});
  if (!entries) return entries.error();
  Reach reach;
  std::set<std::string> reached;
  for (auto& entry : *entries) {
    if (entry.published_version == 0 || entry.version.status != domain::EntryStatus::active)
      continue;
    if (!targets_level(plan.target, entry.level) || !targets_state(plan.target, entry.state))
      continue;
    if (address_of(entry.version.contact).empty()) continue;
    reached.insert(entry.state);
    reach.entries.push_back(std::move(entry));
  }
  for (const auto& member : members.members) {
    if (!targets_state(plan.target, member.alpha2)) continue;
    if (reached.contains(member.alpha2))
      reach.states.push_back({member.alpha2, m49_region_of(member.alpha2).region});
    else
      reach.states_without_recipients.push_back(member.alpha2);
  }
  std::sort(reach.states.begin(), reach.states.end(),
            [](const auto& a, const auto& b) { return a.state < b.state; });
  std::sort(reach.states_without_recipients.begin(), reach.states_without_recipients.end());
  return reach;
}

std::map<std::string, std::string> partners_of(const Reach& reach, const domain::CheckPlan& plan) {
  std::map<std::string, std::string> partners;
  if (plan.task != CheckTask::bilateral) return partners;
  for (const auto& pairing :
       domain::pair_states(reach.states, plan.pairing_seed, plan.pair_across_regions))
    partners[pairing.state] = pairing.partner;
  return partners;
}

Result<void> audit(store::Connection& connection, const Clock& clock, const Actor& actor,
                   const std::string& action, const store::CheckRecord& check,
                   boost::json::object details) {
  details["title"] = check.plan.title;
  return append_audit(connection, clock,
                      actor.event(action, "check:" + check.id, boost::json::serialize(details),
                                  check.organisation_id))
                 .has_value()
             ? Result<void>{}
             : Result<void>{Error::internal("cannot audit " + action)};
}

Result<void> audit_system(store::Connection& connection, const Clock& clock,
                          const std::string& action, const std::string& subject,
                          const std::string& organisation_id, const boost::json::object& details) {
  auto appended =
      append_audit(connection, clock,
                   domain::AuditEvent{"system", "", action, subject,
                                      boost::json::serialize(details), organisation_id});
  if (!appended) return appended.error();
  return {};
}

//! invalid_argument when the plan targets a state that is not a member of the organisation.
Result<void> members_only(const OrganisationMembers& members, const domain::CheckPlan& plan) {
  for (const auto& state : plan.target.states) {
    bool member = std::any_of(members.members.begin(), members.members.end(),
                              [&](const domain::State& s) { return s.alpha2 == state; });
    if (!member)
      return Error::invalid_field("target.states", "not_member",
                                  state + " is not a member of " + members.organisation.code,
                                  {{"state", state}, {"organisation", members.organisation.code}});
  }
  return {};
}

bool answered(const store::CheckRecipientRecord& recipient) {
  return !recipient.answered_at.empty();
}

//! Member states' English names: mail names the partner state so that it can be looked up.
std::map<std::string, std::string> state_names(const OrganisationMembers& members) {
  std::map<std::string, std::string> names;
  for (const auto& member : members.members)
    names[member.alpha2] = member.name(domain::Language::english);
  return names;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

struct CheckService::Loaded {
  store::CheckRecord check;
  std::shared_ptr<const OrganisationMembers> members;
};

CheckService::CheckService(store::Database& database, const Clock& clock, RandomSource& random,
                           ReferenceService& reference, MailIdentity identity)
    : database_(database),
      clock_(clock),
      random_(random),
      reference_(reference),
      identity_(std::move(identity)) {}

Result<CheckService::Loaded> CheckService::load(store::Connection& connection,
                                                const std::string& id) {
  auto found = store::CheckStore(connection).find(id);
  if (!found) return found.error();
  if (!*found) return Error::not_found("no such check");
  auto members = reference_.members((*found)->organisation_id);
  if (!members) return members.error();
  return Loaded{std::move(**found), *members};
}

Result<CheckService::Loaded> CheckService::load_as(store::Connection& connection,
                                                   const Actor& actor, const std::string& id,
                                                   Action action) {
  auto loaded = load(connection, id);
  if (!loaded) return loaded.error();
  // Whoever may not see an organisation's checks learns nothing of them, not even that one
  // exists.
  auto resource = Resource::organisation(loaded->check.organisation_id);
  if (!domain::authorize(actor.principal, Action::read_checks, resource))
    return Error::not_found("no such check");
  LIAISON_TRY(allow(actor, action, resource));
  return loaded;
}

Result<store::CheckRecord> CheckService::create(const Actor& actor, const std::string& organisation,
                                                const domain::CheckPlan& plan) {
  auto members = reference_.members(organisation);
  if (!members) return members.error();
  const auto& org = (*members)->organisation;
  LIAISON_TRY(allow(actor, Action::run_checks, Resource::organisation(org.id)));
  if (auto problems = domain::check_plan_problems(plan); !problems.empty())
    return Error::invalid_fields(std::move(problems));
  LIAISON_TRY(members_only(**members, plan));
  store::CheckRecord check;
  check.id = new_id(clock_, random_);
  check.organisation_id = org.id;
  check.plan = plan;
  check.status = CheckStatus::draft;
  check.created_by = actor.principal.account_id;
  check.created_at = format_utc(clock_.now());
  return database_.transact(store::Access::write,
                            [&](store::Connection& connection) -> Result<store::CheckRecord> {
                              LIAISON_TRY(store::CheckStore(connection).insert(check));
                              LIAISON_TRY(audit(connection, clock_, actor, "check.created", check,
                                                {{"task", domain::check_task_name(plan.task)}}));
                              return check;
                            });
}

Result<store::CheckRecord> CheckService::update(const Actor& actor, const std::string& id,
                                                const domain::CheckPlan& plan) {
  if (auto problems = domain::check_plan_problems(plan); !problems.empty())
    return Error::invalid_fields(std::move(problems));
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<store::CheckRecord> {
        auto loaded = load_as(connection, actor, id, Action::run_checks);
        if (!loaded) return loaded.error();
        if (loaded->check.status != CheckStatus::draft)
          return Error::conflict("only a draft can be changed; this check is " +
                                 std::string(domain::check_status_name(loaded->check.status)));
        LIAISON_TRY(members_only(*loaded->members, plan));
        loaded->check.plan = plan;
        LIAISON_TRY(store::CheckStore(connection).update(loaded->check));
        LIAISON_TRY(audit(connection, clock_, actor, "check.updated", loaded->check, {}));
        return loaded->check;
      });
}

Result<std::vector<CheckSummary>> CheckService::list(const Actor& actor,
                                                     const std::string& organisation) {
  auto members = reference_.members(organisation);
  if (!members) return members.error();
  const auto& org = (*members)->organisation;
  LIAISON_TRY(allow(actor, Action::read_checks, Resource::organisation(org.id)));
  return database_.transact(
      store::Access::read, [&](store::Connection& connection) -> Result<std::vector<CheckSummary>> {
        store::CheckStore store(connection);
        auto checks = store.list(org.id, 200);
        if (!checks) return checks.error();
        auto counts = store.recipient_counts(org.id);
        if (!counts) return counts.error();
        std::vector<CheckSummary> summaries;
        for (auto& check : *checks) {
          auto count = counts->find(check.id);
          auto [recipients, responded] =
              count == counts->end() ? std::pair<std::int64_t, std::int64_t>{} : count->second;
          summaries.push_back({std::move(check), recipients, responded});
        }
        return summaries;
      });
}

Result<store::CheckRecord> CheckService::get(const Actor& actor, const std::string& id) {
  return database_.transact(store::Access::read,
                            [&](store::Connection& connection) -> Result<store::CheckRecord> {
                              auto loaded = load_as(connection, actor, id, Action::read_checks);
                              if (!loaded) return loaded.error();
                              return loaded->check;
                            });
}

Result<CheckPreview> CheckService::preview(const Actor& actor, const std::string& id) {
  return database_.transact(
      store::Access::read, [&](store::Connection& connection) -> Result<CheckPreview> {
        auto loaded = load_as(connection, actor, id, Action::run_checks);
        if (!loaded) return loaded.error();
        auto reach = reach_of(connection, *loaded->members, loaded->check.plan);
        if (!reach) return reach.error();
        auto partners = partners_of(*reach, loaded->check.plan);
        CheckPreview preview;
        preview.states_without_recipients = reach->states_without_recipients;
        for (const auto& entry : reach->entries) {
          const auto& contact = entry.version.contact;
          preview.lines.push_back({entry.state, entry.id, contact.name, address_of(contact),
                                   std::string(domain::level_name(entry.level)),
                                   mail_language(contact), contact.time_zone,
                                   partners[entry.state]});
        }
        return preview;
      });
}

Result<store::CheckRecord> CheckService::launch(const Actor& actor, const std::string& id) {
  const auto now = seconds(clock_.now());
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<store::CheckRecord> {
        auto loaded = load_as(connection, actor, id, Action::run_checks);
        if (!loaded) return loaded.error();
        auto& check = loaded->check;
        if (check.status != CheckStatus::draft)
          return Error::conflict("only a draft can be launched; this check is " +
                                 std::string(domain::check_status_name(check.status)));
        if (check.plan.starts_at.empty() || parse_time(check.plan.starts_at) < now)
          check.plan.starts_at = format_utc(now);
        const auto start = parse_time(check.plan.starts_at);
        const auto schedule = domain::check_schedule(start, check.plan);

        // The recipients are fixed now, so that what the preview showed is what runs and an
        // announcement goes to the people the check will ask.
        auto reach = reach_of(connection, *loaded->members, check.plan);
        if (!reach) return reach.error();
        if (reach->entries.empty())
          return Error::conflict("this check would reach nobody: no published entry matches");
        auto partners = partners_of(*reach, check.plan);
        store::CheckStore store(connection);
        std::map<std::string, std::string> codes;
        for (const auto& state : reach->states) {
          auto code = check.plan.task == CheckTask::bilateral ? domain::new_check_code(random_)
                                                              : std::string();
          codes[state.state] = code;
          LIAISON_TRY(store.insert_state(
              {check.id, state.state, state.region, code, partners[state.state], {}, {}}));
        }
        for (const auto& entry : reach->entries) {
          store::CheckRecipientRecord recipient;
          recipient.id = new_id(clock_, random_);
          recipient.check_id = check.id;
          recipient.state = entry.state;
          recipient.entry_id = entry.id;
          recipient.level = std::string(domain::level_name(entry.level));
          recipient.name = entry.version.contact.name;
          recipient.address = address_of(entry.version.contact);
          recipient.time_zone = entry.version.contact.time_zone;
          recipient.code =
              check.plan.task == CheckTask::channel ? domain::new_check_code(random_) : "";
          recipient.invited_at = check.plan.starts_at;
          recipient.deadline = format_utc(schedule.deadline);
          LIAISON_TRY(store.insert_recipient(recipient));
        }
        check.launched_at = format_utc(clock_.now());
        check.status = CheckStatus::scheduled;
        LIAISON_TRY(store.update(check));
        LIAISON_TRY(audit(connection, clock_, actor, "check.launched", check,
                          {{"starts_at", check.plan.starts_at},
                           {"recipients", reach->entries.size()},
                           {"states", reach->states.size()}}));
        if (start <= now) {
          auto started = this->start(connection, check);
          if (!started) return started.error();
        } else if (check.plan.announced) {
          auto recipients = store.recipients(check.id);
          if (!recipients) return recipients.error();
          for (const auto& recipient : *recipients) {
            boost::json::object values{
                {"organisation", loaded->members->organisation.code},
                {"title", check.plan.title},
                {"starts", domain::deadline_text(start, recipient.time_zone)},
                {"window_hours", check.plan.window_hours}};
            auto queued =
                queue_mail(connection, clock_, random_, identity_,
                           {"check_announcement", recipient.address, recipient.name,
                            check.organisation_id, std::move(values), domain::Tlp::clear, false});
            if (!queued) return queued.error();
            LIAISON_TRY(store.insert_mail(*queued, recipient.id, "announcement"));
          }
        }
        return check;
      });
}

Result<store::CheckRecord> CheckService::cancel(const Actor& actor, const std::string& id) {
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<store::CheckRecord> {
        auto loaded = load_as(connection, actor, id, Action::run_checks);
        if (!loaded) return loaded.error();
        auto& check = loaded->check;
        if (check.status != CheckStatus::draft && check.status != CheckStatus::scheduled)
          return Error::conflict("a check can be cancelled only before it starts; this one is " +
                                 std::string(domain::check_status_name(check.status)));
        check.status = CheckStatus::cancelled;
        check.cancelled_at = format_utc(clock_.now());
        LIAISON_TRY(store::CheckStore(connection).update(check));
        LIAISON_TRY(audit(connection, clock_, actor, "check.cancelled", check, {}));
        return check;
      });
}

// --- running ---------------------------------------------------------------------------------

namespace {

//! The values every mail of a check gives its template.
boost::json::object mail_values(const store::CheckRecord& check, const std::string& organisation,
                                const store::CheckRecipientRecord& recipient,
                                const store::CheckStateRecord* state,
                                const std::string& partner_name) {
  const auto& plan = check.plan;
  return {{"organisation", organisation},
          {"title", plan.title},
          {"question", plan.question},
          {"task", domain::check_task_name(plan.task)},
          {"is_acknowledge", plan.task == CheckTask::acknowledge},
          {"is_answer", plan.task == CheckTask::answer},
          {"is_bilateral", plan.task == CheckTask::bilateral},
          {"is_channel", plan.task == CheckTask::channel},
          {"deadline", domain::deadline_text(parse_time(recipient.deadline), recipient.time_zone)},
          {"state", recipient.state},
          {"code", plan.task == CheckTask::bilateral && state ? state->code : recipient.code},
          {"partner", state ? state->partner : std::string()},
          {"partner_name", partner_name}};
}

}  // namespace

struct CheckService::Run {
  std::shared_ptr<const OrganisationMembers> members;
  std::vector<store::CheckRecipientRecord> recipients;
  std::vector<store::CheckStateRecord> states;
  std::map<std::string, std::string> names;  //!< English names of the members

  const store::CheckStateRecord* state_of(const std::string& alpha2) const {
    auto found = std::find_if(states.begin(), states.end(),
                              [&](const auto& state) { return state.state == alpha2; });
    return found == states.end() ? nullptr : &*found;
  }
};

Result<CheckService::Run> CheckService::run_of(store::Connection& connection,
                                               const store::CheckRecord& check) {
  store::CheckStore store(connection);
  Run run;
  auto members = reference_.members(check.organisation_id);
  if (!members) return members.error();
  run.members = *members;
  auto recipients = store.recipients(check.id);
  if (!recipients) return recipients.error();
  run.recipients = std::move(*recipients);
  auto states = store.states(check.id);
  if (!states) return states.error();
  run.states = std::move(*states);
  run.names = state_names(*run.members);
  return run;
}

Result<std::string> CheckService::send(store::Connection& connection,
                                       const store::CheckRecord& check, const Run& run,
                                       const store::CheckRecipientRecord& recipient,
                                       const std::string& kind, const std::string& purpose) {
  const auto* state = run.state_of(recipient.state);
  std::string partner_name;
  if (state)
    if (auto name = run.names.find(state->partner); name != run.names.end())
      partner_name = name->second;
  auto values = mail_values(check, run.members->organisation.code, recipient, state, partner_name);
  auto id = queue_mail(connection, clock_, random_, identity_,
                       {kind, recipient.address, recipient.name, check.organisation_id,
                        std::move(values), domain::Tlp::clear, true});
  if (!id) return id.error();
  LIAISON_TRY(store::CheckStore(connection).insert_mail(*id, recipient.id, purpose));
  return id;
}

Result<std::int64_t> CheckService::start(store::Connection& connection, store::CheckRecord& check) {
  store::CheckStore store(connection);
  auto run = run_of(connection, check);
  if (!run) return run.error();
  const auto now = format_utc(clock_.now());
  std::int64_t queued = 0;
  for (auto& recipient : run->recipients) {
    if (recipient.role != "primary" || !recipient.outbox_id.empty()) continue;
    auto id = send(connection, check, *run, recipient, "check_invitation", "invitation");
    if (!id) return id.error();
    recipient.outbox_id = *id;
    recipient.invited_at = now;
    LIAISON_TRY(store.update_recipient(recipient));
    ++queued;
  }
  check.status = CheckStatus::running;
  check.started_at = now;
  LIAISON_TRY(store.update(check));
  LIAISON_TRY(audit_system(connection, clock_, "check.started", "check:" + check.id,
                           check.organisation_id, {{"invitations", queued}}));
  return queued;
}

Result<std::int64_t> CheckService::remind(store::Connection& connection,
                                          store::CheckRecord& check) {
  store::CheckStore store(connection);
  auto run = run_of(connection, check);
  if (!run) return run.error();
  const auto now = format_utc(clock_.now());
  std::int64_t queued = 0;
  for (auto& recipient : run->recipients) {
    if (recipient.role != "primary" || answered(recipient) || !recipient.bounced_at.empty() ||
        !recipient.reminded_at.empty() || recipient.deadline <= now)
      continue;
    auto id = send(connection, check, *run, recipient, "check_reminder", "reminder");
    if (!id) return id.error();
    recipient.reminded_at = now;
    LIAISON_TRY(store.update_recipient(recipient));
    ++queued;
  }
  check.reminded_at = now;
  LIAISON_TRY(store.update(check));
  LIAISON_TRY(audit_system(connection, clock_, "check.reminded", "check:" + check.id,
                           check.organisation_id, {{"reminders", queued}}));
  return queued;
}

Result<std::int64_t> CheckService::escalate(store::Connection& connection,
                                            store::CheckRecord& check) {
  store::CheckStore store(connection);
  auto run = run_of(connection, check);
  if (!run) return run.error();
  auto entries = store::DirectoryStore(connection)
                     .list(check.organisation_id, store::EntryView::published, {});
  if (!entries) return entries.error();
  const auto& recipients = run->recipients;

  std::set<std::string> answered_states;
  std::set<std::string> already;  // entry ids
  for (const auto& recipient : recipients) {
    if (answered(recipient)) answered_states.insert(recipient.state);
    already.insert(recipient.entry_id);
  }
  std::map<std::string, const domain::DirectoryEntry*> entry_by_id;
  for (const auto& entry : *entries)
    if (entry.published_version > 0 && entry.version.status == domain::EntryStatus::active)
      entry_by_id[entry.id] = &entry;

  const auto now = format_utc(clock_.now());
  const auto schedule = domain::check_schedule(parse_time(check.plan.starts_at), check.plan);
  // Back after a long outage, past the escalation window too: asking now would ask for an
  // answer by a time already gone.
  const bool too_late =
      schedule.escalation_deadline && seconds(clock_.now()) >= *schedule.escalation_deadline;
  std::int64_t queued = 0;
  for (const auto& state : run->states) {
    if (too_late) break;
    if (answered_states.contains(state.state)) continue;
    // Whom to try next: the deputies of the PoCs that did not answer, then the state's PoCs
    // at the other level (policy for technical and the reverse).
    std::vector<std::pair<const domain::DirectoryEntry*, std::string>> next;  // entry, for whom
    for (const auto& recipient : recipients) {
      if (recipient.state != state.state || recipient.role != "primary") continue;
      auto own = entry_by_id.find(recipient.entry_id);
      if (own == entry_by_id.end()) continue;
      auto deputy = entry_by_id.find(own->second->version.contact.deputy_id);
      if (deputy != entry_by_id.end() && deputy->second->state == state.state &&
          already.insert(deputy->first).second)
        next.emplace_back(deputy->second, recipient.id);
    }
    for (const auto& [id, entry] : entry_by_id) {
      if (entry->state != state.state || entry->level == domain::Level::structure ||
          targets_level(check.plan.target, entry->level))
        continue;
      if (already.insert(id).second) next.emplace_back(entry, std::string());
    }
    for (const auto& [entry, for_whom] : next) {
      const auto& contact = entry->version.contact;
      if (address_of(contact).empty()) continue;
      store::CheckRecipientRecord recipient;
      recipient.id = new_id(clock_, random_);
      recipient.check_id = check.id;
      recipient.state = state.state;
      recipient.entry_id = entry->id;
      recipient.level = std::string(domain::level_name(entry->level));
      recipient.name = contact.name;
      recipient.address = address_of(contact);
      recipient.time_zone = contact.time_zone;
      recipient.role = "escalation";
      recipient.escalated_from = for_whom;
      recipient.invited_at = now;
      recipient.deadline = format_utc(schedule.escalation_deadline.value_or(schedule.deadline));
      if (check.plan.task == CheckTask::channel) recipient.code = domain::new_check_code(random_);
      LIAISON_TRY(store.insert_recipient(recipient));
      auto id = send(connection, check, *run, recipient, "check_escalation", "escalation");
      if (!id) return id.error();
      recipient.outbox_id = *id;
      LIAISON_TRY(store.update_recipient(recipient));
      ++queued;
    }
  }
  check.escalated_at = now;
  LIAISON_TRY(store.update(check));
  LIAISON_TRY(audit_system(connection, clock_, "check.escalated", "check:" + check.id,
                           check.organisation_id, {{"escalations", queued}}));
  return queued;
}

namespace {

//! Whether `advance` has a step to take on `check` at `now`.
bool has_due_step(const store::CheckRecord& check, domain::CheckTime now) {
  const auto schedule = domain::check_schedule(parse_time(check.plan.starts_at), check.plan);
  if (check.status == CheckStatus::scheduled) return now >= schedule.start;
  if (check.status != CheckStatus::running) return false;
  return (schedule.reminder && now >= *schedule.reminder && check.reminded_at.empty()) ||
         (schedule.escalation_deadline && now >= schedule.deadline && check.escalated_at.empty()) ||
         now >= schedule.closes;
}

}  // namespace

Result<std::int64_t> CheckService::advance() {
  auto active = database_.transact(store::Access::read, [&](store::Connection& connection) {
    return store::CheckStore(connection).active();
  });
  if (!active) return active.error();
  std::int64_t steps = 0;
  std::optional<Error> first_error;
  for (const auto& listed : *active) {
    // Most checks wait most of the time: only a due step is worth a write transaction.
    if (!has_due_step(listed, seconds(clock_.now()))) continue;
    auto done = database_.transact(
        store::Access::write, [&](store::Connection& connection) -> Result<std::int64_t> {
          store::CheckStore store(connection);
          // Read again inside the write: another instance may have taken the step meanwhile.
          auto found = store.find(listed.id, true);
          if (!found) return found.error();
          if (!*found) return std::int64_t{0};
          auto check = std::move(**found);
          const auto now = seconds(clock_.now());
          const auto schedule =
              domain::check_schedule(parse_time(check.plan.starts_at), check.plan);
          std::int64_t taken = 0;
          if (check.status == CheckStatus::scheduled && now >= schedule.start) {
            auto started = start(connection, check);
            if (!started) return started.error();
            ++taken;
          }
          if (check.status != CheckStatus::running) return taken;
          if (schedule.reminder && now >= *schedule.reminder && check.reminded_at.empty()) {
            auto reminded = remind(connection, check);
            if (!reminded) return reminded.error();
            ++taken;
          }
          if (schedule.escalation_deadline && now >= schedule.deadline &&
              check.escalated_at.empty()) {
            auto escalated = escalate(connection, check);
            if (!escalated) return escalated.error();
            ++taken;
          }
          if (now >= schedule.closes) {
            check.status = CheckStatus::closed;
            check.closed_at = format_utc(clock_.now());
            LIAISON_TRY(store.update(check));
            LIAISON_TRY(audit_system(connection, clock_, "check.closed", "check:" + check.id,
                                     check.organisation_id, {}));
            ++taken;
          }
          return taken;
        });
    // One check that cannot advance (its organisation gone, a template broken) must not hold
    // up the others: they go on, and the job logs the first error.
    if (!done) {
      if (!first_error) first_error = done.error();
      continue;
    }
    steps += *done;
  }
  if (first_error) return *first_error;
  return steps;
}

// --- answers ---------------------------------------------------------------------------------

namespace {

//! Applies what an answer says to the task: the verdict and completion it earns, if any.
Result<void> judge_answer(store::CheckStore& store, const store::CheckRecord& check,
                          store::CheckRecipientRecord& recipient, const std::string& text,
                          const std::string& now) {
  switch (check.plan.task) {
    case CheckTask::acknowledge:
      if (recipient.completed_at.empty()) recipient.completed_at = now;
      return {};
    case CheckTask::answer:
      if (check.plan.expected_answer.empty() || recipient.verdict == "accepted") return {};
      if (domain::answer_matches(text, check.plan.expected_answer)) {
        recipient.verdict = "accepted";
        recipient.completed_at = now;
      } else {
        recipient.verdict = "rejected";
      }
      return {};
    case CheckTask::bilateral: {
      if (recipient.verdict == "accepted") return {};
      auto states = store.states(check.id);
      if (!states) return states.error();
      std::string partner_code;
      for (const auto& own : *states)
        if (own.state == recipient.state)
          for (const auto& other : *states)
            if (other.state == own.partner) partner_code = other.code;
      if (!partner_code.empty() && domain::text_contains_code(text, partner_code)) {
        recipient.verdict = "accepted";
        recipient.completed_at = now;
        return store.complete_leg(check.id, recipient.state, now, recipient.id);
      }
      recipient.verdict = "rejected";
      return {};
    }
    case CheckTask::channel:
      return {};  // only the secretariat's call completes it
  }
  return {};
}

}  // namespace

Result<void> record_check_response(store::Connection& connection, const Clock& clock,
                                   RandomSource& random, const CheckMailResponse& response) {
  store::CheckStore store(connection);
  auto found = store.recipient_by_mail(response.outbox_id);
  if (!found) return found.error();
  if (!*found) return {};
  auto recipient = std::move((*found)->first);
  auto check = store.find(recipient.check_id);
  if (!check) return check.error();
  if (!*check) return {};
  const auto now = format_utc(clock.now());

  store::CheckResponseRecord record;
  record.id = new_id(clock, random);
  record.check_id = recipient.check_id;
  record.recipient_id = recipient.id;
  record.received_at = now;
  record.channel = response.channel;
  record.kind = response.kind;
  record.from_address = response.from_address;
  record.text = response.text.substr(0, 4000);
  boost::json::object details{
      {"recipient", recipient.id}, {"state", recipient.state}, {"channel", response.channel}};
  std::string action;
  if (response.kind == "bounce") {
    action = "check.bounced";
    record.note = response.detail;
    if (recipient.bounced_at.empty()) {
      recipient.bounced_at = now;
      recipient.bounce_detail = response.detail;
    }
  } else if (response.kind == "auto_reply") {
    action = "check.auto_replied";
    record.note = response.detail;
    if (recipient.auto_reply_at.empty()) recipient.auto_reply_at = now;
  } else {
    action = "check.answered";
    // A link is bound to its addressee; mail may come from a colleague, which counts only when
    // the colleague is one of the same state's listed points of contact.
    // What the answer proves reachable: the addressee's entry, or the entries of the
    // colleague whose listed address it came from.
    std::vector<std::string> reached;
    // The announcement only says that a check will come: a reply to it ("noted") is not the
    // answer the check asks for, which the invitation will.
    const bool to_announcement = (*found)->second == "announcement";
    if (to_announcement) {
      record.note = "a reply to the announcement, before the check";
    } else if (response.channel == "link" ||
               domain::email_key(response.from_address) == domain::email_key(recipient.address)) {
      reached.push_back(recipient.entry_id);
    } else {
      auto listed =
          store.listed_entries((*check)->organisation_id, recipient.state, response.from_address);
      if (!listed) return listed.error();
      reached = std::move(*listed);
      record.note = reached.empty() ? "not from a listed point of contact of " + recipient.state
                                    : "from another listed point of contact of " + recipient.state;
    }
    record.counted = !reached.empty();
    if (record.counted) {
      if (!answered(recipient)) {
        recipient.answered_at = now;
        recipient.answer_channel = response.channel;
        recipient.answer_text = record.text;
        recipient.answer_from = response.from_address;
      }
      LIAISON_TRY(judge_answer(store, **check, recipient, response.text, now));
      for (const auto& entry_id : reached)
        LIAISON_TRY(store::DirectoryStore(connection).mark_verified(entry_id, now));
    }
    details["counted"] = record.counted;
    details["late"] = now > recipient.deadline;
  }
  LIAISON_TRY(store.insert_response(record));
  LIAISON_TRY(store.update_recipient(recipient));
  return audit_system(connection, clock, action, "check:" + recipient.check_id,
                      (*check)->organisation_id, details);
}

Result<void> CheckService::judge(const Actor& actor, const std::string& id,
                                 const std::string& recipient_id, bool accepted) {
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<void> {
        auto loaded = load_as(connection, actor, id, Action::run_checks);
        if (!loaded) return loaded.error();
        const auto& check = loaded->check;
        if (check.plan.task != CheckTask::answer)
          return Error::conflict("only answers to a question are judged");
        store::CheckStore store(connection);
        auto recipient = store.recipient(recipient_id);
        if (!recipient) return recipient.error();
        if (!*recipient || (*recipient)->check_id != check.id)
          return Error::not_found("no such recipient in this check");
        if (!answered(**recipient)) return Error::conflict("this recipient has not answered");
        (*recipient)->verdict = accepted ? "accepted" : "rejected";
        (*recipient)->completed_at = accepted ? format_utc(clock_.now()) : std::string();
        LIAISON_TRY(store.update_recipient(**recipient));
        return audit(connection, clock_, actor, "check.judged", check,
                     {{"recipient", recipient_id}, {"verdict", (*recipient)->verdict}});
      });
}

Result<void> CheckService::record_call(const Actor& actor, const std::string& id,
                                       const std::string& recipient_id, const std::string& code,
                                       const std::string& note) {
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<void> {
        auto loaded = load_as(connection, actor, id, Action::run_checks);
        if (!loaded) return loaded.error();
        const auto& check = loaded->check;
        if (check.plan.task != CheckTask::channel)
          return Error::conflict("calls are recorded for checks of the second channel only");
        if (check.status != CheckStatus::running && check.status != CheckStatus::closed)
          return Error::conflict("this check has not started");
        store::CheckStore store(connection);
        auto recipient = store.recipient(recipient_id);
        if (!recipient) return recipient.error();
        if (!*recipient || (*recipient)->check_id != check.id)
          return Error::not_found("no such recipient in this check");
        if (domain::normalise_code(code).empty())
          return Error::invalid_field("code", "code_required",
                                      "say the code the point of contact read out");
        auto& r = **recipient;
        const auto now = format_utc(clock_.now());
        bool right = domain::normalise_code(code) == domain::normalise_code(r.code);
        store::CheckResponseRecord record{
            new_id(clock_, random_), check.id, r.id, now, "call", "answer", "", code, true,
            note.substr(0, 1000)};
        LIAISON_TRY(store.insert_response(record));
        if (!answered(r)) {
          r.answered_at = now;
          r.answer_channel = "call";
          r.answer_text = code;
        }
        r.call_recorded_by = actor.principal.account_id;
        r.call_note = note.substr(0, 1000);
        if (r.verdict != "accepted") {
          r.verdict = right ? "accepted" : "rejected";
          if (right) r.completed_at = now;
        }
        LIAISON_TRY(store.update_recipient(r));
        LIAISON_TRY(store::DirectoryStore(connection).mark_verified(r.entry_id, now));
        return audit(connection, clock_, actor, "check.call_recorded", check,
                     {{"recipient", recipient_id}, {"code_right", right}});
      });
}

Result<std::optional<CheckLinkTask>> CheckService::link_task(const std::string& token) {
  const auto now = format_utc(clock_.now());
  return database_.transact(
      store::Access::read,
      [&](store::Connection& connection) -> Result<std::optional<CheckLinkTask>> {
        auto message = store::OutboxStore(connection).find_by_token(token);
        if (!message) return message.error();
        if (!*message) return std::optional<CheckLinkTask>{};
        store::CheckStore store(connection);
        auto found = store.recipient_by_mail((*message)->id);
        if (!found) return found.error();
        if (!*found) return std::optional<CheckLinkTask>{};
        const auto& recipient = (*found)->first;
        auto loaded = load(connection, recipient.check_id);
        if (!loaded) return loaded.error();
        CheckLinkTask task;
        task.check_title = loaded->check.plan.title;
        task.organisation_code = loaded->members->organisation.code;
        task.task = loaded->check.plan.task;
        task.question = loaded->check.plan.question;
        task.state = recipient.state;
        task.deadline = recipient.deadline;
        task.late = now > recipient.deadline;
        auto states = store.states(loaded->check.id);
        if (!states) return states.error();
        for (const auto& state : *states)
          if (state.state == recipient.state) task.partner = state.partner;
        return std::optional<CheckLinkTask>{task};
      });
}

// --- results ---------------------------------------------------------------------------------

namespace {

void count(CheckTally& tally, const store::CheckRecipientRecord& r, const std::string& now) {
  ++tally.recipients;
  if (answered(r)) {
    ++tally.responded;
    if (r.answered_at > r.deadline) ++tally.late;
  } else if (!r.bounced_at.empty()) {
    ++tally.bounced;
  } else if (now <= r.deadline) {
    ++tally.pending;
  } else {
    ++tally.no_answer;
  }
  if (!answered(r) && r.bounced_at.empty() && !r.auto_reply_at.empty()) ++tally.auto_replied;
  if (!r.completed_at.empty()) ++tally.completed;
}

void add_times(CheckTally& tally, std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  tally.median_seconds = domain::nearest_rank(samples, 0.5);
  tally.p90_seconds = domain::nearest_rank(samples, 0.9);
}

double response_seconds(const store::CheckRecipientRecord& r) {
  return static_cast<double>((parse_time(r.answered_at) - parse_time(r.invited_at)).count());
}

//! A group's tally with its response times.
CheckTally tally_of(const std::vector<const store::CheckRecipientRecord*>& group,
                    const std::string& now) {
  CheckTally tally;
  std::vector<double> samples;
  for (const auto* r : group) {
    count(tally, *r, now);
    if (answered(*r)) samples.push_back(response_seconds(*r));
  }
  add_times(tally, std::move(samples));
  return tally;
}

std::string state_result(const CheckTally& tally, std::int64_t on_time) {
  if (on_time > 0) return "answered";
  if (tally.responded > 0) return "late";
  if (tally.pending > 0) return "pending";
  if (tally.bounced == tally.recipients) return "bounced";
  return "no_answer";
}

std::int64_t on_time_count(const std::vector<const store::CheckRecipientRecord*>& group) {
  return std::count_if(group.begin(), group.end(),
                       [](const auto* r) { return answered(*r) && r->answered_at <= r->deadline; });
}

}  // namespace

Result<CheckResults> CheckService::results(const Actor& actor, const std::string& id) {
  const auto now = format_utc(clock_.now());
  return database_.transact(
      store::Access::read, [&](store::Connection& connection) -> Result<CheckResults> {
        auto loaded = load_as(connection, actor, id, Action::read_checks);
        if (!loaded) return loaded.error();
        store::CheckStore store(connection);
        CheckResults results;
        results.check = loaded->check;
        auto recipients = store.recipients(id);
        if (!recipients) return recipients.error();
        auto states = store.states(id);
        if (!states) return states.error();
        auto responses = store.responses(id);
        if (!responses) return responses.error();
        results.recipients = std::move(*recipients);
        results.responses = std::move(*responses);
        if (!results.check.started_at.empty())
          results.deadline = format_utc(
              domain::check_schedule(parse_time(results.check.plan.starts_at), results.check.plan)
                  .deadline);

        std::vector<const store::CheckRecipientRecord*> all;
        std::map<std::string, std::vector<const store::CheckRecipientRecord*>> levels, regions,
            by_state;
        std::map<std::string, std::string> region_of;
        for (const auto& state : *states)
          region_of[state.state] = state.region;
        for (const auto& r : results.recipients) {
          all.push_back(&r);
          levels[r.level].push_back(&r);
          regions[region_of[r.state]].push_back(&r);
          by_state[r.state].push_back(&r);
        }
        results.all = tally_of(all, now);
        for (const auto& [level, group] : levels)
          results.by_level.emplace_back(level, tally_of(group, now));
        for (const auto& [region, group] : regions)
          results.by_region.emplace_back(region, tally_of(group, now));
        for (const auto& state : *states) {
          CheckResults::State line;
          line.state = state.state;
          line.region = state.region;
          line.partner = state.partner;
          line.leg_completed_at = state.leg_completed_at;
          const auto& group = by_state[state.state];
          line.tally = tally_of(group, now);
          line.result = state_result(line.tally, on_time_count(group));
          line.escalated = std::any_of(group.begin(), group.end(),
                                       [](const auto* r) { return r->role == "escalation"; });
          results.states.push_back(std::move(line));
        }
        std::vector<std::string> answers;
        for (const auto& r : results.recipients)
          if (answered(r)) answers.push_back(r.answered_at);
        std::sort(answers.begin(), answers.end());
        // The timeline starts at the start with nothing answered, so a chart shows how long
        // the first answer took.
        if (!results.check.started_at.empty())
          results.timeline.emplace_back(results.check.started_at, 0);
        for (std::size_t i = 0; i < answers.size(); ++i)
          results.timeline.emplace_back(answers[i], static_cast<std::int64_t>(i + 1));
        return results;
      });
}

Result<std::string> CheckService::results_csv(const Actor& actor, const std::string& id) {
  auto results = this->results(actor, id);
  if (!results) return results.error();
  std::string csv =
      "state,level,role,name,address,invited_at,deadline,answered_at,channel,late,"
      "response_seconds,verdict,completed_at,bounced_at,auto_reply_at,answer_from\r\n";
  for (const auto& r : results->recipients) {
    std::string seconds_text =
        answered(r) ? std::to_string(static_cast<long long>(response_seconds(r))) : "";
    std::string fields[] = {
        r.state,          r.level,
        r.role,           r.name,
        r.address,        r.invited_at,
        r.deadline,       r.answered_at,
        r.answer_channel, answered(r) ? (r.answered_at > r.deadline ? "yes" : "no") : "",
        seconds_text,     r.verdict,
        r.completed_at,   r.bounced_at,
        r.auto_reply_at,  r.answer_from};
    bool first = true;
    for (const auto& field : fields) {
      if (!first) csv += ',';
      csv += csv_field(field);
      first = false;
    }
    csv += "\r\n";
  }
  return csv;
}

Result<StateReachability> CheckService::state_history(const Actor& actor,
                                                      const std::string& organisation,
                                                      const std::string& state) {
  auto members = reference_.members(organisation);
  if (!members) return members.error();
  const auto& org = (*members)->organisation;
  LIAISON_TRY(allow(actor, Action::read_checks, Resource::state_in(org.id, state)));
  const auto now = format_utc(clock_.now());
  return database_.transact(
      store::Access::read, [&](store::Connection& connection) -> Result<StateReachability> {
        auto rows = store::CheckStore(connection).state_history(org.id, state, 5000);
        if (!rows) return rows.error();
        StateReachability history;
        std::vector<const store::CheckRecipientRecord*> group;
        auto flush = [&] {
          if (group.empty()) return;
          StateReachability::Line& line = history.checks.back();
          auto tally = tally_of(group, now);
          line.recipients = tally.recipients;
          line.responded = tally.responded;
          line.completed = tally.completed;
          line.result = state_result(tally, on_time_count(group));
          for (const auto* r : group)
            if (answered(*r) &&
                (line.first_answer_at.empty() || r->answered_at < line.first_answer_at))
              line.first_answer_at = r->answered_at;
          group.clear();
        };
        for (const auto& [check, recipient] : *rows) {
          if (history.checks.empty() || history.checks.back().check.id != check.id) {
            flush();
            history.checks.push_back({check, 0, 0, 0, {}, {}});
          }
          group.push_back(&recipient);
        }
        flush();
        return history;
      });
}

}  // namespace liaison::services
