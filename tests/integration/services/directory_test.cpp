// The Points of Contact directory (CBM 8) over the real store, on both engines, in simulated time
// (a ManualClock): nominations, validation, approval, versions, late changes, freshness,
// reminders, search in several scripts, retiring, sharing with another organisation and imports.

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/random.h"
#include "services/directory_service.h"
#include "services/identifiers.h"
#include "services/reference_service.h"
#include "store/account_store.h"
#include "store/engines.h"
#include "support/result_assertions.h"

namespace liaison::testing {
namespace {

using namespace std::chrono_literals;
using domain::Contact;
using domain::DirectoryEntry;
using domain::EntryKind;
using domain::Level;
using domain::Role;
using domain::RoleGrant;
using services::Actor;
using services::ChangeNote;
using services::ImportLine;
using store::EntryFilter;
using store::EntryView;

ChangeNote note(std::string reason, std::string effective_on = {}) {
  return {std::move(reason), std::move(effective_on)};
}

EntryFilter of_state(std::string state) {
  EntryFilter filter;
  filter.state = std::move(state);
  return filter;
}

EntryFilter with_retired(std::string state = {}) {
  EntryFilter filter;
  filter.state = std::move(state);
  filter.include_retired = true;
  return filter;
}

//! A technical PoC as a focal point types it: a national number, languages in any case.
Contact duty_officer(std::string name = "Duty officer") {
  Contact contact;
  contact.name = std::move(name);
  contact.institution = "Federal Office for Information Security";
  contact.functional_email = "certbund@example.org";
  contact.phones = {domain::Phone{"030 18170", "office", false}};
  contact.languages = {"DE", "en"};
  contact.time_zone = "Europe/Berlin";
  return contact;
}

Contact person(std::string name, std::string email, std::string institution = {}) {
  Contact contact;
  contact.name = std::move(name);
  contact.institution = std::move(institution);
  contact.functional_email = std::move(email);
  return contact;
}

std::vector<std::string> names(const std::vector<DirectoryEntry>& entries) {
  std::vector<std::string> result;
  for (const auto& entry : entries)
    result.push_back(entry.version.contact.name);
  std::sort(result.begin(), result.end());
  return result;
}

std::vector<std::string> fields(const std::vector<domain::FieldChange>& changes) {
  std::vector<std::string> result;
  for (const auto& change : changes)
    result.push_back(change.field);
  return result;
}

services::StateFreshness row_of(const std::vector<services::StateFreshness>& rows,
                                std::string_view state) {
  for (const auto& row : rows)
    if (row.state == state) return row;
  ADD_FAILURE() << "no freshness row for " << state;
  return {};
}

class Directory : public StoreTest {
 protected:
  void SetUp() override {
    database = database_.open_migrated();
    reference = std::make_unique<services::ReferenceService>(*database, clock, 0ms);
    directory = std::make_unique<services::DirectoryService>(*database, clock, random, *reference);
    osce = organisation_id("OSCE");
    un = organisation_id("UN");
    arf = organisation_id("ARF");
    oas = organisation_id("OAS");
  }

  std::string organisation_id(std::string_view code) {
    auto members = reference->members(code);
    EXPECT_TRUE(members) << code << ": " << members.error().message;
    return members ? (*members)->organisation.id : std::string();
  }

  static Actor actor(std::string id, std::vector<RoleGrant> grants) {
    return {domain::Principal{std::move(id), std::move(grants), {}}, "192.0.2.10"};
  }
  static Actor focal(const std::string& organisation, const std::string& state) {
    return actor("focal-" + state + "-" + organisation, {{Role::focal, organisation, state}});
  }
  static Actor secretariat(const std::string& organisation) {
    return actor("secretariat-" + organisation, {{Role::secretariat, organisation, {}}});
  }
  static Actor observer(const std::string& organisation) {
    return actor("observer-" + organisation, {{Role::observer, organisation, {}}});
  }
  static Actor operator_() { return actor("operator", {{Role::operator_, {}, {}}}); }

  DirectoryEntry create(const Actor& who, const std::string& organisation, const std::string& state,
                        Contact contact, Level level = Level::technical, ChangeNote change = {}) {
    auto created = directory->create(who, organisation, state, level, std::move(contact), change);
    EXPECT_TRUE(created) << created.error().message;
    return created ? *created : DirectoryEntry{};
  }

  DirectoryEntry update(const Actor& who, const std::string& organisation,
                        const DirectoryEntry& entry, Contact contact, int based_on,
                        ChangeNote change = {}) {
    auto updated = directory->update(who, organisation, entry.id, entry.level, std::move(contact),
                                     change, based_on);
    EXPECT_TRUE(updated) << updated.error().message;
    return updated ? *updated : DirectoryEntry{};
  }

  std::vector<DirectoryEntry> listed(const Actor& who, const std::string& organisation,
                                     const EntryFilter& filter = {},
                                     EntryView view = EntryView::published) {
    auto entries = directory->entries(who, organisation, filter, view);
    EXPECT_TRUE(entries) << entries.error().message;
    return entries ? *entries : std::vector<DirectoryEntry>{};
  }

  std::vector<std::string> found(const Actor& who, const std::string& organisation,
                                 std::string_view query) {
    auto entries = directory->search(who, organisation, query, {}, 50);
    EXPECT_TRUE(entries) << query << ": " << entries.error().message;
    return entries ? names(*entries) : std::vector<std::string>{};
  }

  services::EntryHistory history(const Actor& who, const std::string& organisation,
                                 const std::string& entry_id) {
    auto entry = directory->entry(who, organisation, entry_id);
    EXPECT_TRUE(entry) << entry.error().message;
    return entry ? *entry : services::EntryHistory{};
  }

  std::vector<services::StateFreshness> freshness(const std::string& organisation) {
    auto rows = directory->freshness(secretariat(organisation_id(organisation)), organisation);
    EXPECT_TRUE(rows) << rows.error().message;
    return rows ? *rows : std::vector<services::StateFreshness>{};
  }

  void set_rules(const std::string& organisation, domain::DirectoryRules wanted) {
    auto set = directory->set_rules(secretariat(organisation_id(organisation)), organisation,
                                    std::move(wanted));
    ASSERT_TRUE(set) << set.error().message;
  }

  static domain::DirectoryRules rules(bool approval, std::string time_zone = "UTC") {
    domain::DirectoryRules made;
    made.approval_required = approval;
    made.time_zone = std::move(time_zone);
    return made;
  }

  std::int64_t count(const std::string& sql, std::vector<store::Value> parameters = {}) {
    auto rows = database->transact(store::Access::read, [&](store::Connection& connection) {
      return connection.query(sql, parameters);
    });
    EXPECT_TRUE(rows) << rows.error().message;
    return rows ? rows->front().integer(0) : -1;
  }

  //! An account straight into the store (no invitation: the reminders only need its address).
  std::string add_account(const std::string& email, std::vector<RoleGrant> grants,
                          domain::AccountStatus status = domain::AccountStatus::active) {
    auto id = services::new_id(clock, random);
    auto now = format_utc(clock.now());
    auto added = database->transact(
        store::Access::write, [&](store::Connection& connection) -> Result<void> {
          store::AccountStore accounts(connection);
          domain::Account account{id, email, "Person " + email, status, now, {}, {}, {}};
          LIAISON_TRY(accounts.insert(account, "not a password hash", "", 0));
          for (const auto& grant : grants)
            LIAISON_TRY(accounts.add_grant(id, grant, "cli", now));
          return {};
        });
    EXPECT_TRUE(added) << added.error().message;
    return id;
  }

  std::vector<std::string> reminder_recipients() {
    auto rows = database->transact(store::Access::read, [](store::Connection& connection) {
      return connection.query(
          "SELECT recipient FROM outbox WHERE kind = 'freshness_reminder' ORDER BY created_at");
    });
    EXPECT_TRUE(rows) << rows.error().message;
    std::vector<std::string> recipients;
    if (rows)
      for (const auto& row : *rows)
        recipients.push_back(row.text(0));
    return recipients;
  }

  ManualClock clock{at("2025-03-10T10:00:00Z")};
  SystemRandom random;
  std::unique_ptr<store::Database> database;
  std::unique_ptr<services::ReferenceService> reference;
  std::unique_ptr<services::DirectoryService> directory;
  std::string osce, un, arf, oas;
};

// 1
TEST_P(Directory, AFocalPointCreatesAnEntryThatTheOrganisationReads) {
  auto focal_de = focal(osce, "DE");
  auto created = create(focal_de, "OSCE", "DE", duty_officer());
  ASSERT_FALSE(created.id.empty());
  EXPECT_EQ(created.state, "DE");
  EXPECT_EQ(created.kind, EntryKind::poc);
  EXPECT_EQ(created.organisation_id, osce);
  EXPECT_EQ(created.level, Level::technical);
  // OSCE has no approval rule by default: the entry is published at once.
  EXPECT_EQ(created.published_version, 1);
  EXPECT_EQ(created.pending_version, 0);
  EXPECT_EQ(created.version.number, 1);
  EXPECT_EQ(created.version.status, domain::EntryStatus::active);
  EXPECT_EQ(created.version.author_id, focal_de.principal.account_id);
  EXPECT_EQ(created.version.recorded_at, format_utc(clock.now()));
  EXPECT_EQ(created.confirmed_at, format_utc(clock.now()));
  const auto& contact = created.version.contact;
  ASSERT_EQ(contact.phones.size(), 1u);
  EXPECT_EQ(contact.phones[0].number, "+493018170");
  EXPECT_EQ(contact.languages, (std::vector<std::string>{"de", "en"}));
  EXPECT_EQ(contact.time_zone, "Europe/Berlin");

  // Another state's focal point reads it, as stored, by code or by identifier.
  auto focal_fr = focal(osce, "FR");
  auto seen = listed(focal_fr, "OSCE");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].id, created.id);
  EXPECT_EQ(seen[0].version.contact, contact);
  EXPECT_EQ(seen[0].published_version, 1);
  EXPECT_EQ(listed(focal_fr, osce).size(), 1u);
  EXPECT_EQ(history(focal_fr, "OSCE", created.id).entry.version.contact, contact);

  // The directory is closed to other organisations.
  for (const auto& outsider : {secretariat(oas), observer(arf)}) {
    EXPECT_TRUE(fails_with(directory->entries(outsider, "OSCE", {}, EntryView::published),
                           ErrorCode::forbidden));
    EXPECT_TRUE(fails_with(directory->entry(outsider, "OSCE", created.id), ErrorCode::forbidden));
  }

  // An observer reads but does not write; nor does another state or an operator.
  EXPECT_EQ(listed(observer(osce), "OSCE").size(), 1u);
  EXPECT_TRUE(fails_with(
      directory->create(observer(osce), "OSCE", "DE", Level::technical, duty_officer(), {}),
      ErrorCode::forbidden));
  EXPECT_TRUE(
      fails_with(directory->create(focal_fr, "OSCE", "DE", Level::technical, duty_officer(), {}),
                 ErrorCode::forbidden));
  EXPECT_EQ(listed(operator_(), "OSCE").size(), 1u);
  EXPECT_TRUE(
      fails_with(directory->create(operator_(), "OSCE", "DE", Level::technical, duty_officer(), {}),
                 ErrorCode::forbidden));
  // A state that is not a member cannot be nominated there.
  EXPECT_TRUE(fails_with(
      directory->create(secretariat(osce), "OSCE", "CN", Level::technical, duty_officer(), {}),
      ErrorCode::invalid_argument));

  EXPECT_EQ(listed(focal_de, "OSCE").size(), 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM entries"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'entry.created'"), 1);
}

// 2
TEST_P(Directory, EveryFieldProblemIsNamedAndNothingIsWritten) {
  Contact bad;
  bad.name = "Duty officer";
  bad.institution = "Federal Office for Information Security";
  bad.phones = {domain::Phone{"12", "office", false}};
  bad.languages = {"en", "en_US"};
  bad.time_zone = "Mars/Olympus_Mons";
  bad.website = "https://www.bsi.bund.de";  // a PoC has no website; and no e-mail either

  auto copy = bad;
  auto problems = directory->normalise(copy, EntryKind::poc, "DE");
  std::set<std::string> named;
  for (const auto& problem : problems) {
    named.insert(problem.field);
    EXPECT_FALSE(problem.message.empty()) << problem.field;
  }
  EXPECT_EQ(named, (std::set<std::string>{"phones[0].number", "languages[1]", "time_zone",
                                          "functional_email", "website"}));
  EXPECT_EQ(problems.size(), named.size());

  auto focal_de = focal(osce, "DE");
  auto refused = directory->create(focal_de, "OSCE", "DE", Level::technical, bad, {});
  ASSERT_TRUE(fails_with(refused, ErrorCode::invalid_argument));
  for (const auto& field : named)
    EXPECT_NE(refused.error().message.find(field), std::string::npos)
        << field << " in " << refused.error().message;

  // One problem at a time is refused too.
  auto bad_phone = duty_officer();
  bad_phone.phones[0].number = "12";
  auto bad_language = duty_officer();
  bad_language.languages = {"x"};
  auto bad_zone = duty_officer();
  bad_zone.time_zone = "Europe/Atlantis";
  auto no_email = duty_officer();
  no_email.functional_email.clear();
  auto website = duty_officer();
  website.website = "https://www.bsi.bund.de";
  for (const auto& contact : {bad_phone, bad_language, bad_zone, no_email, website}) {
    EXPECT_TRUE(fails_with(directory->create(focal_de, "OSCE", "DE", Level::technical, contact, {}),
                           ErrorCode::invalid_argument));
  }
  // A date that is not one.
  EXPECT_TRUE(fails_with(directory->create(focal_de, "OSCE", "DE", Level::technical, duty_officer(),
                                           note("", "2025-02-30")),
                         ErrorCode::invalid_argument));

  EXPECT_TRUE(listed(focal_de, "OSCE").empty());
  EXPECT_TRUE(listed(focal_de, "OSCE", of_state("DE"), EntryView::newest).empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM entries"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM entry_versions"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM nominations"), 0);
}

// 3
TEST_P(Directory, ChangesAwaitTheSecretariatWhereTheRulesSaySo) {
  auto focal_de = focal(osce, "DE");
  auto focal_fr = focal(osce, "FR");
  auto entry = create(focal_de, "OSCE", "DE", duty_officer("Old name"));

  EXPECT_TRUE(
      fails_with(directory->set_rules(focal_de, "OSCE", rules(true)), ErrorCode::forbidden));
  set_rules("OSCE", rules(true));
  auto read_back = directory->rules(focal_fr, "OSCE");
  ASSERT_TRUE(read_back) << read_back.error().message;
  EXPECT_TRUE(read_back->approval_required);

  auto changed = update(focal_de, "OSCE", entry, duty_officer("New name"), 1);
  EXPECT_EQ(changed.version.number, 2);
  EXPECT_EQ(changed.published_version, 1);
  EXPECT_EQ(changed.pending_version, 2);

  // Readers still see the published version, and only the published history.
  EXPECT_EQ(names(listed(focal_fr, "OSCE")), std::vector<std::string>{"Old name"});
  auto as_reader = history(focal_fr, "OSCE", entry.id);
  EXPECT_EQ(as_reader.entry.version.number, 1);
  EXPECT_EQ(as_reader.entry.version.contact.name, "Old name");
  ASSERT_EQ(as_reader.steps.size(), 1u);
  EXPECT_TRUE(as_reader.steps[0].published);
  EXPECT_TRUE(fails_with(directory->entries(focal_fr, "OSCE", {}, EntryView::newest),
                         ErrorCode::forbidden));
  EXPECT_TRUE(fails_with(directory->entries(focal_fr, "OSCE", of_state("DE"), EntryView::newest),
                         ErrorCode::forbidden));
  EXPECT_EQ(found(focal_fr, "OSCE", "old"), std::vector<std::string>{"Old name"});
  EXPECT_TRUE(found(focal_fr, "OSCE", "new").empty());

  // The state sees its newest version.
  auto as_owner = history(focal_de, "OSCE", entry.id);
  EXPECT_EQ(as_owner.entry.version.number, 2);
  EXPECT_EQ(as_owner.entry.version.contact.name, "New name");
  EXPECT_EQ(as_owner.entry.pending_version, 2);
  ASSERT_EQ(as_owner.steps.size(), 2u);
  EXPECT_TRUE(as_owner.steps[0].published);
  EXPECT_FALSE(as_owner.steps[1].published);
  auto newest = listed(focal_de, "OSCE", of_state("DE"), EntryView::newest);
  ASSERT_EQ(newest.size(), 1u);
  EXPECT_EQ(newest[0].version.contact.name, "New name");
  EXPECT_EQ(newest[0].pending_version, 2);
  EntryFilter pending;
  pending.pending_only = true;
  EXPECT_EQ(listed(secretariat(osce), "OSCE", pending, EntryView::newest).size(), 1u);

  // Only the secretariat approves, and only the version that waits.
  EXPECT_TRUE(fails_with(directory->approve(focal_de, "OSCE", entry.id, 2), ErrorCode::forbidden));
  EXPECT_TRUE(
      fails_with(directory->approve(secretariat(osce), "OSCE", entry.id, 1), ErrorCode::conflict));
  auto approved = directory->approve(secretariat(osce), "OSCE", entry.id, 2);
  ASSERT_TRUE(approved) << approved.error().message;
  EXPECT_EQ(approved->published_version, 2);
  EXPECT_EQ(approved->pending_version, 0);

  EXPECT_EQ(names(listed(focal_fr, "OSCE")), std::vector<std::string>{"New name"});
  auto after = history(focal_fr, "OSCE", entry.id);
  EXPECT_EQ(after.entry.version.contact.name, "New name");
  ASSERT_EQ(after.steps.size(), 2u);
  EXPECT_TRUE(after.steps[1].published);
  EXPECT_EQ(found(focal_fr, "OSCE", "new"), std::vector<std::string>{"New name"});
  EXPECT_TRUE(found(focal_fr, "OSCE", "old").empty());
  EXPECT_TRUE(listed(secretariat(osce), "OSCE", pending, EntryView::newest).empty());

  EXPECT_TRUE(
      fails_with(directory->approve(secretariat(osce), "OSCE", entry.id, 2), ErrorCode::conflict));
  EXPECT_TRUE(fails_with(directory->approve(focal_de, "OSCE", entry.id, 2), ErrorCode::forbidden));

  // A new entry under the rule waits as well: readers do not see it at all.
  auto waiting = create(focal_de, "OSCE", "DE", duty_officer("Waiting"));
  EXPECT_EQ(waiting.published_version, 0);
  EXPECT_EQ(waiting.pending_version, 1);
  EXPECT_EQ(names(listed(focal_fr, "OSCE")), std::vector<std::string>{"New name"});
  EXPECT_TRUE(fails_with(directory->entry(focal_fr, "OSCE", waiting.id), ErrorCode::not_found));
  EXPECT_TRUE(found(focal_fr, "OSCE", "waiting").empty());
  ASSERT_TRUE(directory->approve(secretariat(osce), "OSCE", waiting.id, 1));
  EXPECT_EQ(found(focal_fr, "OSCE", "waiting"), std::vector<std::string>{"Waiting"});

  // Two changes in a row: only the newest waits. So does a retirement.
  update(focal_de, "OSCE", waiting, duty_officer("Waiting 2"), 1);
  update(focal_de, "OSCE", waiting, duty_officer("Waiting 3"), 2);
  EXPECT_TRUE(fails_with(directory->approve(secretariat(osce), "OSCE", waiting.id, 2),
                         ErrorCode::conflict));
  ASSERT_TRUE(directory->approve(secretariat(osce), "OSCE", waiting.id, 3));
  EXPECT_EQ(found(focal_fr, "OSCE", "waiting"), std::vector<std::string>{"Waiting 3"});
  auto retiring = directory->retire(focal_de, "OSCE", waiting.id, note("gone"));
  ASSERT_TRUE(retiring) << retiring.error().message;
  EXPECT_EQ(retiring->pending_version, 4);
  EXPECT_EQ(names(listed(focal_fr, "OSCE")), (std::vector<std::string>{"New name", "Waiting 3"}));
  ASSERT_TRUE(directory->approve(secretariat(osce), "OSCE", waiting.id, 4));
  EXPECT_EQ(names(listed(focal_fr, "OSCE")), std::vector<std::string>{"New name"});
  EXPECT_TRUE(found(focal_fr, "OSCE", "waiting").empty());
}

// 4
TEST_P(Directory, EachChangeIsAVersionThatNamesWhatChanged) {
  auto focal_de = focal(osce, "DE");
  auto entry = create(focal_de, "OSCE", "DE", duty_officer("Duty officer"));
  clock.advance(1h);
  auto renamed = duty_officer("Head of the duty service");
  auto second = update(focal_de, "OSCE", entry, renamed, 1, note("new title"));
  EXPECT_EQ(second.version.number, 2);
  EXPECT_EQ(second.published_version, 2);
  clock.advance(1h);
  auto moved = renamed;
  moved.phones[0].number = "+49 228 99 9582 0";
  auto third = update(focal_de, "OSCE", entry, moved, 2);
  EXPECT_EQ(third.version.number, 3);

  auto seen = history(focal_de, "OSCE", entry.id);
  ASSERT_EQ(seen.steps.size(), 3u);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(seen.steps[static_cast<std::size_t>(i)].version.number, i + 1);
  EXPECT_TRUE(seen.steps[0].changes.empty());
  ASSERT_EQ(fields(seen.steps[1].changes), std::vector<std::string>{"name"});
  EXPECT_EQ(seen.steps[1].changes[0].before, "Duty officer");
  EXPECT_EQ(seen.steps[1].changes[0].after, "Head of the duty service");
  EXPECT_EQ(seen.steps[1].version.reason, "new title");
  ASSERT_EQ(fields(seen.steps[2].changes), std::vector<std::string>{"phones[0].number"});
  EXPECT_EQ(seen.steps[2].changes[0].before, "+493018170");
  EXPECT_EQ(seen.steps[2].changes[0].after, "+492289995820");
  EXPECT_EQ(seen.entry.version.number, 3);
  // A reader of the organisation sees the same published history.
  EXPECT_EQ(history(focal(osce, "FR"), "OSCE", entry.id).steps.size(), 3u);

  // An edit of an older version would overwrite a change made meanwhile.
  EXPECT_TRUE(fails_with(
      directory->update(focal_de, "OSCE", entry.id, Level::technical, duty_officer("Stale"), {}, 2),
      ErrorCode::conflict));
  // Another state may not edit it at all.
  EXPECT_TRUE(fails_with(directory->update(focal(osce, "FR"), "OSCE", entry.id, Level::technical,
                                           duty_officer("Foreign"), {}, 3),
                         ErrorCode::forbidden));
  // Saving the same contact (typed as before) records nothing new.
  auto same = directory->update(focal_de, "OSCE", entry.id, Level::technical, moved, {}, 3);
  ASSERT_TRUE(same) << same.error().message;
  EXPECT_EQ(same->version.number, 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM entry_versions"), 3);
  EXPECT_EQ(names(listed(focal_de, "OSCE")), std::vector<std::string>{"Head of the duty service"});
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'entry.changed'"), 2);
}

// 5
TEST_P(Directory, AChangeRecordedAfterTheNoticePeriodIsLate) {
  auto focal_de = focal(osce, "DE");
  // On Kiritimati (UTC+14) it is already 2025-01-01 while UTC still has 2024-12-31.
  set_rules("OSCE", rules(false, "Pacific/Kiritimati"));
  clock.set(at("2024-12-31T12:00:00Z"));
  auto entry =
      create(focal_de, "OSCE", "DE", duty_officer("A"), Level::technical, note("", "2024-12-02"));
  EXPECT_FALSE(entry.version.late);  // 30 days
  EXPECT_EQ(entry.version.effective_on, "2024-12-02");
  auto late = update(focal_de, "OSCE", entry, duty_officer("B"), 1, note("", "2024-12-01"));
  EXPECT_TRUE(late.version.late);  // 31 days in the organisation's calendar, 30 in UTC's
  auto today = update(focal_de, "OSCE", entry, duty_officer("C"), 2, note("", "2025-01-01"));
  EXPECT_FALSE(today.version.late);
  auto announced = update(focal_de, "OSCE", entry, duty_officer("D"), 3, note("", "2025-02-01"));
  EXPECT_FALSE(announced.version.late);
  auto undated = update(focal_de, "OSCE", entry, duty_officer("E"), 4);
  EXPECT_FALSE(undated.version.late);

  // Across a leap day, in Tokyo (UTC+9): 2024-03-30 there, 2024-03-29 in UTC.
  set_rules("OSCE", rules(false, "Asia/Tokyo"));
  clock.set(at("2024-03-29T20:00:00Z"));
  auto leap = create(focal_de, "OSCE", "DE", duty_officer("Leap"), Level::technical,
                     note("", "2024-02-29"));
  EXPECT_FALSE(leap.version.late);  // 30 days
  auto leap_late =
      update(focal_de, "OSCE", leap, duty_officer("Leap late"), 1, note("", "2024-02-28"));
  EXPECT_TRUE(leap_late.version.late);  // 31 days

  // The flag is stored with the version.
  auto steps = history(focal_de, "OSCE", entry.id).steps;
  ASSERT_EQ(steps.size(), 5u);
  std::vector<bool> flags;
  for (const auto& step : steps)
    flags.push_back(step.version.late);
  EXPECT_EQ(flags, (std::vector<bool>{false, true, false, false, false}));
  EXPECT_EQ(steps[1].version.effective_on, "2024-12-01");
  EXPECT_EQ(steps[4].version.effective_on, "");
  auto leap_steps = history(focal_de, "OSCE", leap.id).steps;
  ASSERT_EQ(leap_steps.size(), 2u);
  EXPECT_TRUE(leap_steps[1].version.late);

  // A shorter notice period makes the same change late.
  auto stricter = rules(false, "Asia/Tokyo");
  stricter.change_notice_days = 7;
  set_rules("OSCE", stricter);
  auto week = update(focal_de, "OSCE", leap, duty_officer("Week"), 2, note("", "2024-03-22"));
  EXPECT_TRUE(week.version.late);  // 8 days
  auto bad = stricter;
  bad.change_notice_days = 0;
  EXPECT_TRUE(fails_with(directory->set_rules(secretariat(osce), "OSCE", bad),
                         ErrorCode::invalid_argument));
  bad = stricter;
  bad.time_zone = "Mars/Olympus_Mons";
  EXPECT_TRUE(fails_with(directory->set_rules(secretariat(osce), "OSCE", bad),
                         ErrorCode::invalid_argument));
}

// 6
TEST_P(Directory, FreshnessFollowsConfirmations) {
  auto focal_de = focal(osce, "DE");
  create(focal_de, "OSCE", "DE", duty_officer("One"));
  create(focal_de, "OSCE", "DE", person("Two", "two@example.org"), Level::policy);

  auto rows = freshness("OSCE");
  EXPECT_EQ(rows.size(), 57u);  // every participating state of the OSCE
  auto de = row_of(rows, "DE");
  EXPECT_EQ(de.entries, 2);
  EXPECT_EQ(de.confirmed_on, "2025-03-10");
  EXPECT_EQ(de.due_on, "2026-03-10");
  EXPECT_EQ(de.freshness, domain::Freshness::current);
  EXPECT_EQ(de.region, "150");
  EXPECT_EQ(de.subregion, "155");
  auto fr = row_of(rows, "FR");
  EXPECT_EQ(fr.entries, 0);
  EXPECT_EQ(fr.freshness, domain::Freshness::never_confirmed);
  EXPECT_EQ(fr.confirmed_on, "");
  EXPECT_EQ(fr.due_on, "");
  for (const auto& row : rows) {
    if (row.state != "DE") {
      EXPECT_EQ(row.freshness, domain::Freshness::never_confirmed) << row.state;
    }
  }

  clock.set(at("2026-03-10T10:00:00Z"));  // the due day itself
  EXPECT_EQ(row_of(freshness("OSCE"), "DE").freshness, domain::Freshness::due_soon);
  clock.set(at("2026-03-11T10:00:00Z"));
  EXPECT_EQ(row_of(freshness("OSCE"), "DE").freshness, domain::Freshness::overdue);

  EXPECT_TRUE(
      fails_with(directory->reconfirm(focal(osce, "FR"), "OSCE", "DE"), ErrorCode::forbidden));
  EXPECT_TRUE(fails_with(directory->reconfirm(focal(osce, "FR"), "OSCE", "FR"),
                         ErrorCode::conflict));  // nothing to re-confirm
  auto confirmed = directory->reconfirm(focal_de, "OSCE", "DE");
  ASSERT_TRUE(confirmed) << confirmed.error().message;
  EXPECT_EQ(*confirmed, 2);
  de = row_of(freshness("OSCE"), "DE");
  EXPECT_EQ(de.freshness, domain::Freshness::current);
  EXPECT_EQ(de.confirmed_on, "2026-03-11");
  EXPECT_EQ(de.due_on, "2027-03-11");

  // The dashboard is the secretariat's (and the operators').
  EXPECT_TRUE(fails_with(directory->freshness(focal_de, "OSCE"), ErrorCode::forbidden));
  EXPECT_TRUE(fails_with(directory->freshness(observer(osce), "OSCE"), ErrorCode::forbidden));
  EXPECT_TRUE(fails_with(directory->freshness(secretariat(oas), "OSCE"), ErrorCode::forbidden));
  EXPECT_TRUE(directory->freshness(operator_(), "OSCE"));
}

TEST_P(Directory, FreshnessCountsCalendarDatesInTheOrganisationsZone) {
  // Confirmed on a leap day: due on the last day of February a year later.
  clock.set(at("2024-02-29T10:00:00Z"));
  create(focal(osce, "DE"), "OSCE", "DE", duty_officer());
  auto de = row_of(freshness("OSCE"), "DE");
  EXPECT_EQ(de.confirmed_on, "2024-02-29");
  EXPECT_EQ(de.due_on, "2025-02-28");
  clock.set(at("2025-01-28T10:00:00Z"));
  EXPECT_EQ(row_of(freshness("OSCE"), "DE").freshness, domain::Freshness::current);
  clock.set(at("2025-01-29T10:00:00Z"));
  EXPECT_EQ(row_of(freshness("OSCE"), "DE").freshness, domain::Freshness::due_soon);
  clock.set(at("2025-02-28T23:00:00Z"));
  EXPECT_EQ(row_of(freshness("OSCE"), "DE").freshness, domain::Freshness::due_soon);
  clock.set(at("2025-03-01T00:00:00Z"));
  EXPECT_EQ(row_of(freshness("OSCE"), "DE").freshness, domain::Freshness::overdue);

  // The UN counts on Kiritimati's calendar: late on 10 March in UTC is 11 March there.
  set_rules("UN", rules(false, "Pacific/Kiritimati"));
  clock.set(at("2025-03-10T22:00:00Z"));
  create(focal(un, "EG"), "UN", "EG", person("Duty officer", "cert@example.eg"));
  auto eg = row_of(freshness("UN"), "EG");
  EXPECT_EQ(eg.confirmed_on, "2025-03-11");
  EXPECT_EQ(eg.due_on, "2026-03-11");
  EXPECT_EQ(row_of(freshness("UN"), "DE").freshness, domain::Freshness::never_confirmed);
}

// 7
TEST_P(Directory, FocalPointsAreRemindedBeforeTheirStateFallsDue) {
  add_account("focal.de@example.org", {{Role::focal, osce, "DE"}});
  add_account("poc.de@example.org", {{Role::poc, osce, "DE"}});       // not a focal point
  add_account("focal.de.un@example.org", {{Role::focal, un, "DE"}});  // another organisation
  add_account("focal.fr@example.org", {{Role::focal, osce, "FR"}},
              domain::AccountStatus::suspended);
  create(focal(osce, "DE"), "OSCE", "DE", duty_officer());
  create(focal(osce, "FR"), "OSCE", "FR", person("Élodie Müller", "cert-fr@example.org"));
  // DE and FR fall due on 2026-03-10.

  clock.set(at("2026-02-07T10:00:00Z"));  // 31 days before
  auto none = directory->queue_reminders({"Liaison", "https://liaison.example.org"});
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(*none, 0);

  clock.set(at("2026-02-08T09:00:00Z"));  // 30 days before
  auto first = directory->queue_reminders({"Liaison", "https://liaison.example.org"});
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(*first, 1);
  EXPECT_EQ(reminder_recipients(), std::vector<std::string>{"focal.de@example.org"});
  auto rows = database->transact(store::Access::read, [](store::Connection& connection) {
    return connection.query("SELECT subject, body FROM outbox WHERE kind = 'freshness_reminder'");
  });
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_NE(rows->front().text(0).find("2026-03-10"), std::string::npos) << rows->front().text(0);
  EXPECT_NE(rows->front().text(1).find("https://liaison.example.org/directory/OSCE/states/DE"),
            std::string::npos)
      << rows->front().text(1);

  clock.set(at("2026-02-08T18:00:00Z"));  // the same day
  EXPECT_EQ(directory->queue_reminders({"Liaison", "https://liaison.example.org"}).value(), 0);
  clock.set(at("2026-02-20T10:00:00Z"));
  EXPECT_EQ(directory->queue_reminders({"Liaison", "https://liaison.example.org"}).value(), 0);
  clock.set(at("2026-03-03T10:00:00Z"));  // 7 days before
  EXPECT_EQ(directory->queue_reminders({"Liaison", "https://liaison.example.org"}).value(), 1);
  EXPECT_EQ(directory->queue_reminders({"Liaison", "https://liaison.example.org"}).value(), 0);
  EXPECT_EQ(reminder_recipients().size(), 2u);
  clock.set(at("2026-03-12T10:00:00Z"));  // overdue: the last reminder, once
  EXPECT_EQ(directory->queue_reminders({"Liaison", "https://liaison.example.org"}).value(), 1);
  clock.set(at("2026-03-13T10:00:00Z"));
  EXPECT_EQ(directory->queue_reminders({"Liaison", "https://liaison.example.org"}).value(), 0);

  auto recipients = reminder_recipients();
  EXPECT_EQ(recipients, std::vector<std::string>(3, "focal.de@example.org"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE recipient = 'focal.fr@example.org'"), 0);

  // A confirmation starts a new cycle.
  ASSERT_TRUE(directory->reconfirm(focal(osce, "DE"), "OSCE", "DE"));
  clock.set(at("2027-02-11T10:00:00Z"));  // 30 days before 2027-03-13
  EXPECT_EQ(directory->queue_reminders({"Liaison", "https://liaison.example.org"}).value(), 1);
  EXPECT_EQ(reminder_recipients().size(), 4u);
}

// 8
TEST_P(Directory, SearchFindsWordsInEveryScript) {
  auto anssi = person("Élodie Müller", "cert-fr@ssi.gouv.fr",
                      "Agence nationale de la sécurité des systèmes d'information");
  create(focal(osce, "FR"), "OSCE", "FR", anssi);
  create(focal(osce, "RU"), "OSCE", "RU", person("Иван Петров", "ivan.petrov@example.org"));
  create(focal(osce, "DE"), "OSCE", "DE", duty_officer());
  create(focal(un, "EG"), "UN", "EG", person("محمد عبد الله", "cert@example.eg"));
  create(focal(un, "CN"), "UN", "CN",
         person("国家计算机网络应急技术处理协调中心", "cncert@example.cn"));

  auto reader = observer(osce);
  EXPECT_EQ(found(reader, "OSCE", "elodie"), std::vector<std::string>{"Élodie Müller"});
  EXPECT_EQ(found(reader, "OSCE", "MULLER"), std::vector<std::string>{"Élodie Müller"});
  EXPECT_EQ(found(reader, "OSCE", "Müll"), std::vector<std::string>{"Élodie Müller"});
  EXPECT_EQ(found(reader, "OSCE", "иван"), std::vector<std::string>{"Иван Петров"});
  EXPECT_EQ(found(reader, "OSCE", "ПЕТРОВ"), std::vector<std::string>{"Иван Петров"});
  // Parts of e-mail addresses, the same on both engines.
  EXPECT_EQ(found(reader, "OSCE", "petrov"), std::vector<std::string>{"Иван Петров"});
  EXPECT_EQ(found(reader, "OSCE", "gouv"), std::vector<std::string>{"Élodie Müller"});
  EXPECT_EQ(found(reader, "OSCE", "ssi.gouv.fr"), std::vector<std::string>{"Élodie Müller"});
  EXPECT_EQ(found(reader, "OSCE", "cert-fr@ssi.gouv.fr"),
            std::vector<std::string>{"Élodie Müller"});
  EXPECT_EQ(found(reader, "OSCE", "certbund"), std::vector<std::string>{"Duty officer"});
  EXPECT_EQ(found(reader, "OSCE", "agence securite"), std::vector<std::string>{"Élodie Müller"});
  EXPECT_TRUE(found(reader, "OSCE", "agence petrov").empty());  // every word must match
  EXPECT_TRUE(found(reader, "OSCE", "zanzibar").empty());
  EXPECT_TRUE(found(reader, "OSCE", "").empty());
  // A state by its name in another language.
  EXPECT_EQ(found(reader, "OSCE", "Allemagne"), std::vector<std::string>{"Duty officer"});
  EXPECT_EQ(found(reader, "OSCE", "Германия"), std::vector<std::string>{"Duty officer"});
  EXPECT_EQ(found(reader, "OSCE", "germany"), std::vector<std::string>{"Duty officer"});
  // Entries of the UN are not in the OSCE's directory, nor the other way round.
  EXPECT_TRUE(found(reader, "OSCE", "محمد").empty());

  auto un_reader = observer(un);
  EXPECT_EQ(found(un_reader, "UN", "محمد"), std::vector<std::string>{"محمد عبد الله"});
  EXPECT_EQ(found(un_reader, "UN", "国家"),
            std::vector<std::string>{"国家计算机网络应急技术处理协调中心"});
  EXPECT_TRUE(found(un_reader, "UN", "elodie").empty());
  EXPECT_TRUE(found(un_reader, "UN", "Allemagne").empty());

  // Only the organisation's own people search it.
  EXPECT_TRUE(
      fails_with(directory->search(observer(arf), "OSCE", "elodie", {}, 50), ErrorCode::forbidden));

  // A retired entry leaves the search.
  auto gone = create(focal(osce, "DE"), "OSCE", "DE", person("Zoltan Gone", "z@example.org"));
  EXPECT_EQ(found(reader, "OSCE", "zoltan"), std::vector<std::string>{"Zoltan Gone"});
  ASSERT_TRUE(directory->retire(focal(osce, "DE"), "OSCE", gone.id, note("left")));
  EXPECT_TRUE(found(reader, "OSCE", "zoltan").empty());
  EXPECT_EQ(found(reader, "OSCE", "Allemagne"), std::vector<std::string>{"Duty officer"});

  // A filter narrows the search.
  EntryFilter french;
  french.state = "FR";
  auto filtered = directory->search(reader, "OSCE", "cert", french, 50);
  ASSERT_TRUE(filtered) << filtered.error().message;
  EXPECT_EQ(names(*filtered), std::vector<std::string>{"Élodie Müller"});
}

// 9
TEST_P(Directory, ARetiredEntryLeavesTheDirectoryAndKeepsItsHistory) {
  auto focal_de = focal(osce, "DE");
  auto focal_fr = focal(osce, "FR");
  auto leaving = create(focal_de, "OSCE", "DE", person("Leaving", "leaving@example.org"));
  create(focal_de, "OSCE", "DE", duty_officer("Staying"));

  EXPECT_TRUE(
      fails_with(directory->retire(focal_fr, "OSCE", leaving.id, note("")), ErrorCode::forbidden));
  auto retired = directory->retire(focal_de, "OSCE", leaving.id, note("left the ministry"));
  ASSERT_TRUE(retired) << retired.error().message;
  EXPECT_EQ(retired->version.number, 2);
  EXPECT_EQ(retired->version.status, domain::EntryStatus::retired);
  EXPECT_EQ(retired->published_version, 2);

  EXPECT_EQ(names(listed(focal_fr, "OSCE")), std::vector<std::string>{"Staying"});
  EXPECT_TRUE(found(focal_fr, "OSCE", "leaving").empty());
  auto kept = history(focal_de, "OSCE", leaving.id);
  ASSERT_EQ(kept.steps.size(), 2u);
  EXPECT_EQ(kept.entry.version.status, domain::EntryStatus::retired);
  EXPECT_EQ(kept.steps[1].version.status, domain::EntryStatus::retired);
  EXPECT_EQ(kept.steps[1].version.reason, "left the ministry");
  EXPECT_EQ(kept.steps[0].version.contact.name, "Leaving");

  // Listing retired entries is for those who read the state's drafts.
  EXPECT_TRUE(fails_with(directory->entries(focal_fr, "OSCE", with_retired(), EntryView::published),
                         ErrorCode::forbidden));
  EXPECT_TRUE(
      fails_with(directory->entries(focal_fr, "OSCE", with_retired("DE"), EntryView::published),
                 ErrorCode::forbidden));
  EXPECT_EQ(names(listed(focal_de, "OSCE", with_retired("DE"))),
            (std::vector<std::string>{"Leaving", "Staying"}));
  EXPECT_EQ(listed(secretariat(osce), "OSCE", with_retired()).size(), 2u);
  EXPECT_EQ(row_of(freshness("OSCE"), "DE").entries, 1);

  // Retiring it again changes nothing.
  auto again = directory->retire(focal_de, "OSCE", leaving.id, note("again"));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->version.number, 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM entry_versions"), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'entry.retired'"), 1);
}

// 10
TEST_P(Directory, AnEntryIsSharedWithAnotherOrganisationByItsState) {
  auto focal_de = focal(osce, "DE");
  auto entry = create(focal_de, "OSCE", "DE", duty_officer("Shared"));
  auto both = actor("focal-DE-both", {{Role::focal, osce, "DE"}, {Role::focal, un, "DE"}});

  // Holding the UN grant alone does not make the OSCE entry one's own to share.
  EXPECT_TRUE(fails_with(directory->nominate(focal(un, "DE"), entry.id, "UN", Level::policy),
                         ErrorCode::forbidden));
  EXPECT_TRUE(fails_with(directory->nominate(focal_de, entry.id, "UN", Level::policy),
                         ErrorCode::forbidden));
  EXPECT_TRUE(
      fails_with(directory->nominate(both, entry.id, "ARF", Level::policy), ErrorCode::forbidden));
  EXPECT_TRUE(fails_with(directory->nominate(both, entry.id, "UN", Level::structure),
                         ErrorCode::invalid_argument));
  EXPECT_TRUE(listed(observer(un), "UN").empty());
  // Not in the UN's directory yet: neither read nor edited there.
  EXPECT_TRUE(fails_with(directory->entry(observer(un), "UN", entry.id), ErrorCode::not_found));
  EXPECT_TRUE(
      fails_with(directory->update(both, "UN", entry.id, Level::policy, duty_officer("X"), {}, 1),
                 ErrorCode::not_found));

  auto shared = directory->nominate(both, entry.id, "UN", Level::policy);
  ASSERT_TRUE(shared) << shared.error().message;
  EXPECT_EQ(shared->organisation_id, un);
  EXPECT_EQ(shared->level, Level::policy);
  EXPECT_EQ(shared->published_version, 1);

  auto in_un = listed(observer(un), "UN");
  ASSERT_EQ(in_un.size(), 1u);
  EXPECT_EQ(in_un[0].id, entry.id);
  EXPECT_EQ(in_un[0].level, Level::policy);
  EXPECT_EQ(in_un[0].version.contact, entry.version.contact);
  EXPECT_EQ(found(observer(un), "UN", "shared"), std::vector<std::string>{"Shared"});
  EXPECT_TRUE(
      fails_with(directory->nominate(both, entry.id, "UN", Level::policy), ErrorCode::conflict));

  // One record: a change in the OSCE shows in the UN too, at the UN's level.
  auto changed = update(focal_de, "OSCE", entry, duty_officer("Renamed"), 1);
  EXPECT_EQ(changed.version.number, 2);
  in_un = listed(observer(un), "UN");
  ASSERT_EQ(in_un.size(), 1u);
  EXPECT_EQ(in_un[0].version.number, 2);
  EXPECT_EQ(in_un[0].version.contact.name, "Renamed");
  EXPECT_EQ(in_un[0].level, Level::policy);
  EXPECT_EQ(listed(observer(osce), "OSCE")[0].level, Level::technical);
  EXPECT_EQ(found(observer(un), "UN", "renamed"), std::vector<std::string>{"Renamed"});
  EXPECT_TRUE(found(observer(un), "UN", "shared").empty());
  EXPECT_EQ(history(observer(un), "UN", entry.id).steps.size(), 2u);
}

// 11
TEST_P(Directory, ImportsAreAllOrNothing) {
  auto osce_secretariat = secretariat(osce);
  auto de = duty_officer("Imported DE");
  auto fr = person("Imported FR", "fr@example.org");
  fr.phones = {domain::Phone{"01 23 45 67 89", "office", false}};
  auto ru = person("Imported RU", "ru@example.org");
  ru.languages = {"RU"};
  std::vector<ImportLine> lines{
      {1, "", "DE", Level::technical, domain::EntryStatus::active, de},
      {2, "", "FR", Level::policy, domain::EntryStatus::active, fr},
      {3, "", "RU", Level::technical, domain::EntryStatus::active, ru},
  };

  auto dry = directory->import(osce_secretariat, "OSCE", lines, true);
  ASSERT_TRUE(dry) << dry.error().message;
  EXPECT_TRUE(dry->dry_run);
  EXPECT_FALSE(dry->committed);
  EXPECT_EQ(dry->created, 3);
  EXPECT_TRUE(dry->problems.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM entries"), 0);

  auto done = directory->import(osce_secretariat, "OSCE", lines, false);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_FALSE(done->dry_run);
  EXPECT_TRUE(done->committed);
  EXPECT_EQ(done->created, 3);
  EXPECT_EQ(done->changed, 0);
  EXPECT_TRUE(done->problems.empty());
  auto imported = listed(observer(osce), "OSCE");
  ASSERT_EQ(imported.size(), 3u);
  EXPECT_EQ(names(imported),
            (std::vector<std::string>{"Imported DE", "Imported FR", "Imported RU"}));
  for (const auto& entry : imported) {
    if (entry.state == "FR") {
      EXPECT_EQ(entry.level, Level::policy);
      EXPECT_EQ(entry.version.contact.phones.at(0).number, "+33123456789");
    }
    if (entry.state == "RU") {
      EXPECT_EQ(entry.version.contact.languages.at(0), "ru");
    }
  }
  EXPECT_EQ(found(observer(osce), "OSCE", "imported"),
            (std::vector<std::string>{"Imported DE", "Imported FR", "Imported RU"}));

  // One bad line (two, here) and nothing is written; every problem is told.
  auto bad_phone = person("Bad phone", "bad@example.org");
  bad_phone.phones = {domain::Phone{"12", "office", false}};
  std::vector<ImportLine> bad{
      {1, "", "DE", Level::technical, domain::EntryStatus::active, duty_officer("New DE")},
      {2, "", "FR", Level::technical, domain::EntryStatus::active,
       person("New FR", "n@example.org")},
      {3, "", "DE", Level::technical, domain::EntryStatus::active, bad_phone},
      {4, "", "ZZ", Level::technical, domain::EntryStatus::active,
       person("Nowhere", "x@example.org")},
  };
  auto refused = directory->import(osce_secretariat, "OSCE", bad, false);
  ASSERT_TRUE(refused) << refused.error().message;
  EXPECT_FALSE(refused->committed);
  ASSERT_EQ(refused->problems.size(), 2u);
  EXPECT_EQ(refused->problems[0].line, 3);
  EXPECT_EQ(refused->problems[0].field, "phones[0].number");
  EXPECT_EQ(refused->problems[1].line, 4);
  EXPECT_EQ(refused->problems[1].field, "state");
  EXPECT_EQ(count("SELECT COUNT(*) FROM entries"), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM entry_versions"), 3);

  // The same lines again, with their identifiers, change nothing.
  std::vector<ImportLine> again;
  for (const auto& entry : imported) {
    const auto& original = entry.state == "DE" ? de : entry.state == "FR" ? fr : ru;
    again.push_back({static_cast<long>(again.size() + 1), entry.id, entry.state, entry.level,
                     domain::EntryStatus::active, original});
  }
  auto unchanged = directory->import(osce_secretariat, "OSCE", again, false);
  ASSERT_TRUE(unchanged) << unchanged.error().message;
  EXPECT_TRUE(unchanged->problems.empty());
  EXPECT_EQ(unchanged->unchanged, 3);
  EXPECT_EQ(unchanged->created, 0);
  EXPECT_EQ(unchanged->changed, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM entry_versions"), 3);

  // A change and a retirement, tried first, then done.
  again[0].contact.name += " (changed)";
  again[1].status = domain::EntryStatus::retired;
  auto preview = directory->import(osce_secretariat, "OSCE", again, true);
  ASSERT_TRUE(preview) << preview.error().message;
  EXPECT_EQ(preview->changed, 1);
  EXPECT_EQ(preview->retired, 1);
  EXPECT_FALSE(preview->committed);
  EXPECT_EQ(count("SELECT COUNT(*) FROM entry_versions"), 3);
  auto twice = again;
  twice.push_back(again[0]);
  twice.back().line = 4;
  auto duplicated = directory->import(osce_secretariat, "OSCE", twice, false);
  ASSERT_TRUE(duplicated) << duplicated.error().message;
  ASSERT_EQ(duplicated->problems.size(), 1u);
  EXPECT_EQ(duplicated->problems[0].line, 4);
  EXPECT_EQ(duplicated->problems[0].field, "id");
  EXPECT_EQ(count("SELECT COUNT(*) FROM entry_versions"), 3);
  auto changed = directory->import(osce_secretariat, "OSCE", again, false);
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_TRUE(changed->problems.empty());
  EXPECT_EQ(changed->changed, 1);
  EXPECT_EQ(changed->retired, 1);
  EXPECT_EQ(changed->unchanged, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM entry_versions"), 5);
  EXPECT_EQ(listed(observer(osce), "OSCE").size(), 2u);

  // An identifier of another state's entry, and a state one may not edit.
  const auto& fr_entry = imported[1].state == "FR" ? imported[1] : imported[0];
  ASSERT_EQ(fr_entry.state, "FR");
  std::vector<ImportLine> foreign{
      {1, fr_entry.id, "DE", Level::policy, domain::EntryStatus::active,
       person("Foreign", "foreign@example.org")},
  };
  auto mixed = directory->import(osce_secretariat, "OSCE", foreign, false);
  ASSERT_TRUE(mixed) << mixed.error().message;
  ASSERT_EQ(mixed->problems.size(), 1u);
  EXPECT_EQ(mixed->problems[0].line, 1);
  EXPECT_EQ(mixed->problems[0].field, "id");
  std::vector<ImportLine> not_theirs{
      {7, "", "FR", Level::technical, domain::EntryStatus::active, person("X", "x@example.org")},
  };
  auto refused_state = directory->import(focal(osce, "DE"), "OSCE", not_theirs, false);
  ASSERT_TRUE(refused_state) << refused_state.error().message;
  ASSERT_EQ(refused_state->problems.size(), 1u);
  EXPECT_EQ(refused_state->problems[0].line, 7);
  EXPECT_EQ(refused_state->problems[0].field, "state");
  EXPECT_EQ(count("SELECT COUNT(*) FROM entries"), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM entry_versions"), 5);
}

// 12
TEST_P(Directory, AVerifiedEntryShowsWhenItWasReached) {
  auto entry = create(focal(osce, "DE"), "OSCE", "DE", duty_officer());
  EXPECT_EQ(row_of(freshness("OSCE"), "DE").verified_at, "");
  auto reached = format_utc(at("2025-03-12T08:30:00Z"));
  ASSERT_TRUE(directory->mark_verified(entry.id, reached));
  EXPECT_EQ(row_of(freshness("OSCE"), "DE").verified_at, reached);
  auto listed_entries = listed(observer(osce), "OSCE");
  ASSERT_EQ(listed_entries.size(), 1u);
  EXPECT_EQ(listed_entries[0].verified_at, reached);
  EXPECT_EQ(history(observer(osce), "OSCE", entry.id).entry.verified_at, reached);
  // An older check does not hide a newer one.
  ASSERT_TRUE(directory->mark_verified(entry.id, format_utc(at("2025-03-11T08:30:00Z"))));
  EXPECT_EQ(row_of(freshness("OSCE"), "DE").verified_at, reached);
}

LIAISON_INSTANTIATE_STORE_TEST(Directory);

}  // namespace
}  // namespace liaison::testing
