// Communication checks ("ping tests") over the real store, on both engines, in simulated time
// (a ManualClock): composing and who may, the preview, launching now or later, announcements,
// cancelling, answers by link and by mail (and who they count for), auto-replies and bounces,
// reminders, escalation and closing by `advance`, the tasks (expected answers, bilateral codes,
// calls on the second channel), results and their CSV, and a state's history.

#include "services/check_service.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/random.h"
#include "services/directory_service.h"
#include "services/mail_service.h"
#include "services/reference_service.h"
#include "store/engines.h"
#include "store/outbox_store.h"
#include "support/result_assertions.h"

namespace liaison::testing {
namespace {

using namespace std::chrono_literals;
using domain::CheckPlan;
using domain::CheckStatus;
using domain::CheckTask;
using domain::Contact;
using domain::DirectoryEntry;
using domain::Level;
using domain::Role;
using domain::RoleGrant;
using services::Actor;

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

//! A code as someone reads it out: lower case, a space for the hyphen.
std::string spoken(std::string code) {
  for (auto& c : code)
    c = c == '-' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return code;
}

Contact person(std::string name, std::string email, std::vector<std::string> languages = {}) {
  Contact contact;
  contact.name = std::move(name);
  contact.institution = "National CERT";
  contact.functional_email = std::move(email);
  contact.languages = std::move(languages);
  contact.time_zone = "Europe/Vienna";
  return contact;
}

CheckPlan plan(std::vector<std::string> states, std::vector<Level> levels = {Level::technical}) {
  CheckPlan made;
  made.title = "Quarterly communication check";
  made.task = CheckTask::acknowledge;
  made.window_hours = 24;
  made.reminder_percent = 50;
  made.escalate = false;
  made.target.states = std::move(states);
  made.target.levels = std::move(levels);
  return made;
}

const services::CheckTally& tally_of(const services::CheckResults& results,
                                     const std::string& state) {
  for (const auto& line : results.states)
    if (line.state == state) return line.tally;
  ADD_FAILURE() << "no state " << state;
  static const services::CheckTally none;
  return none;
}

const services::CheckResults::State& state_of(const services::CheckResults& results,
                                              const std::string& state) {
  for (const auto& line : results.states)
    if (line.state == state) return line;
  ADD_FAILURE() << "no state " << state;
  static const services::CheckResults::State none;
  return none;
}

class Checks : public StoreTest {
 protected:
  void SetUp() override {
    database = database_.open_migrated();
    reference = std::make_unique<services::ReferenceService>(*database, clock, 0ms);
    directory = std::make_unique<services::DirectoryService>(*database, clock, random, *reference);
    mail = std::make_unique<services::MailService>(*database, clock, random, "sender-a",
                                                   "example.org");
    checks =
        std::make_unique<services::CheckService>(*database, clock, random, *reference, identity);
    osce = organisation_id("OSCE");
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
  Actor secretariat() const { return actor("secretariat-osce", {{Role::secretariat, osce, {}}}); }
  Actor other_secretariat() const {
    return actor("secretariat-oas", {{Role::secretariat, oas, {}}});
  }
  Actor focal(const std::string& state) const {
    return actor("focal-" + state, {{Role::focal, osce, state}});
  }
  Actor observer() const { return actor("observer-osce", {{Role::observer, osce, {}}}); }
  static Actor operator_() { return actor("operator", {{Role::operator_, {}, {}}}); }

  DirectoryEntry entry(const std::string& state, Contact contact, Level level = Level::technical) {
    auto created = directory->create(focal(state), osce, state, level, std::move(contact), {});
    EXPECT_TRUE(created) << created.error().message;
    return created ? *created : DirectoryEntry{};
  }

  //! A technical PoC of `state` at "poc@<state>.example".
  DirectoryEntry poc(const std::string& state, std::vector<std::string> languages = {}) {
    return entry(state, person("PoC " + state, address(state), std::move(languages)));
  }
  static std::string address(const std::string& state, const std::string& who = "poc") {
    std::string lower = state;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return who + "@" + lower + ".example";
  }

  store::CheckRecord create(const CheckPlan& wanted) {
    auto created = checks->create(secretariat(), osce, wanted);
    EXPECT_TRUE(created) << created.error().message;
    return created ? *created : store::CheckRecord{};
  }

  store::CheckRecord launched(const CheckPlan& wanted) {
    auto check = create(wanted);
    auto done = checks->launch(secretariat(), check.id);
    EXPECT_TRUE(done) << done.error().message;
    return done ? *done : store::CheckRecord{};
  }

  store::CheckRecord get(const std::string& id) {
    auto found = checks->get(secretariat(), id);
    EXPECT_TRUE(found) << found.error().message;
    return found ? *found : store::CheckRecord{};
  }

  services::CheckResults results(const std::string& id) {
    auto found = checks->results(secretariat(), id);
    EXPECT_TRUE(found) << found.error().message;
    return found ? *found : services::CheckResults{};
  }

  std::int64_t advance() {
    auto steps = checks->advance();
    EXPECT_TRUE(steps) << steps.error().message;
    return steps ? *steps : -1;
  }

  std::int64_t count(const std::string& sql, std::vector<store::Value> parameters = {}) {
    auto rows = database->transact(store::Access::read, [&](store::Connection& connection) {
      return connection.query(sql, parameters);
    });
    EXPECT_TRUE(rows) << rows.error().message;
    return rows ? rows->front().integer(0) : -1;
  }

  //! The outbox rows a check queued of `kind`, sorted by recipient address.
  std::vector<store::OutboxMessage> mails(const std::string& check_id, const std::string& kind) {
    std::vector<store::Value> parameters = {check_id, kind};
    auto rows = database->transact(store::Access::read, [&](store::Connection& connection) {
      return connection.query(
          "SELECT o.id FROM outbox o JOIN check_mails m ON m.outbox_id = o.id "
          "JOIN check_recipients r ON r.id = m.recipient_id "
          "WHERE r.check_id = $1 AND o.kind = $2 ORDER BY o.recipient, o.id",
          parameters);
    });
    EXPECT_TRUE(rows) << rows.error().message;
    std::vector<store::OutboxMessage> found;
    if (!rows) return found;
    for (const auto& row : *rows) {
      auto message = mail->message(row.text(0));
      EXPECT_TRUE(message && *message);
      if (message && *message) found.push_back(**message);
    }
    return found;
  }

  //! The invitation a check sent to `recipient`.
  store::OutboxMessage invitation(const std::string& check_id, const std::string& recipient,
                                  const std::string& kind = "check_invitation") {
    for (auto& message : mails(check_id, kind))
      if (message.recipient == recipient) return message;
    ADD_FAILURE() << "no " << kind << " to " << recipient;
    return {};
  }

  void answer_by_link(const store::OutboxMessage& message, const std::string& text = "Received.") {
    auto answered = mail->answer_by_link(message.token, text, "198.51.100.7");
    ASSERT_TRUE(answered) << answered.error().message;
    EXPECT_TRUE(answered->recorded);
  }

  void receive(const std::string& kind, const store::OutboxMessage& message,
               const std::string& from, const std::string& text = "Received, all well.") {
    services::InboundReport report;
    report.kind = kind;
    report.dedupe_key = "<" + std::to_string(++received_) + "@mail.example>";
    report.message_id = report.dedupe_key;
    report.tokens = {"unrelated-token", message.token};
    report.from_address = from;
    report.subject = "Re: " + message.subject;
    report.text = text;
    if (kind == "auto_reply") report.detail = "out of office";
    if (kind == "bounce")
      report.statuses = {{message.recipient, "failed", "5.1.1", "550 5.1.1 User unknown"}};
    auto recorded = mail->record_inbound(report);
    ASSERT_TRUE(recorded) << recorded.error().message;
    EXPECT_TRUE(recorded->recorded);
    EXPECT_EQ(recorded->outbox_id, message.id);
  }

  store::CheckRecipientRecord recipient(const services::CheckResults& of,
                                        const std::string& address_) {
    for (const auto& r : of.recipients)
      if (r.address == address_) return r;
    ADD_FAILURE() << "no recipient " << address_;
    return {};
  }

  std::string verified_at(const DirectoryEntry& of) {
    auto found = directory->entry(secretariat(), osce, of.id);
    EXPECT_TRUE(found) << found.error().message;
    return found ? found->entry.verified_at : std::string();
  }

  ManualClock clock{at("2026-03-02T08:00:00Z")};
  SystemRandom random;
  services::MailIdentity identity;
  std::unique_ptr<store::Database> database;
  std::unique_ptr<services::ReferenceService> reference;
  std::unique_ptr<services::DirectoryService> directory;
  std::unique_ptr<services::MailService> mail;
  std::unique_ptr<services::CheckService> checks;
  std::string osce;
  std::string oas;
  int received_ = 0;
};

// ---- composing ----

TEST_P(Checks, OnlyTheSecretariatComposesAndOtherOrganisationsSeeNothing) {
  auto bad = plan({"FR"});
  bad.title.clear();
  bad.window_hours = 0;
  auto refused = checks->create(secretariat(), osce, bad);
  ASSERT_TRUE(fails_with(refused, ErrorCode::invalid_argument));
  EXPECT_TRUE(contains(refused.error().message, "title")) << refused.error().message;
  EXPECT_TRUE(contains(refused.error().message, "window_hours")) << refused.error().message;

  auto foreign = checks->create(secretariat(), osce, plan({"FR", "BR"}));
  ASSERT_TRUE(fails_with(foreign, ErrorCode::invalid_argument));
  EXPECT_TRUE(contains(foreign.error().message, "BR")) << foreign.error().message;

  EXPECT_TRUE(fails_with(checks->create(focal("FR"), osce, plan({"FR"})), ErrorCode::forbidden));
  EXPECT_TRUE(fails_with(checks->create(observer(), osce, plan({"FR"})), ErrorCode::forbidden));

  auto check = create(plan({"FR"}));
  EXPECT_EQ(check.status, CheckStatus::draft);
  EXPECT_EQ(check.created_by, "secretariat-osce");
  EXPECT_EQ(get(check.id).plan, plan({"FR"}));

  // Another organisation learns nothing, not even that the check exists.
  EXPECT_TRUE(fails_with(checks->get(other_secretariat(), check.id), ErrorCode::not_found));
  EXPECT_TRUE(fails_with(checks->results(other_secretariat(), check.id), ErrorCode::not_found));
  EXPECT_TRUE(fails_with(checks->launch(other_secretariat(), check.id), ErrorCode::not_found));
  EXPECT_TRUE(fails_with(checks->list(other_secretariat(), osce), ErrorCode::forbidden));
  // Observers and operators read; only the secretariat runs.
  EXPECT_TRUE(checks->get(observer(), check.id));
  EXPECT_TRUE(checks->results(operator_(), check.id));
  EXPECT_TRUE(fails_with(checks->launch(observer(), check.id), ErrorCode::forbidden));
  EXPECT_TRUE(fails_with(checks->cancel(operator_(), check.id), ErrorCode::forbidden));

  auto listed = checks->list(observer(), osce);
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().check.id, check.id);

  // A draft can be changed, with the same rules as a new one.
  auto changed = plan({"FR", "DE"});
  auto updated = checks->update(secretariat(), check.id, changed);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(get(check.id).plan, changed);
  EXPECT_TRUE(fails_with(checks->update(secretariat(), check.id, plan({"BR"})),
                         ErrorCode::invalid_argument));
  EXPECT_TRUE(
      fails_with(checks->update(secretariat(), check.id, bad), ErrorCode::invalid_argument));
}

TEST_P(Checks, ThePreviewListsPublishedEntriesAtTheTargetedLevelsOfTheTargetedStates) {
  poc("FR", {"fr"});
  entry("FR", person("Policy FR", "policy@fr.example"), Level::policy);
  poc("DE", {"de", "en"});
  auto retired = entry("DE", person("Old DE", "old@de.example"));
  ASSERT_TRUE(directory->retire(focal("DE"), osce, retired.id, {"left", ""}));
  poc("US");
  poc("AT", {"es"});

  auto by_states = create(plan({"FR", "DE", "CA"}));
  auto preview = checks->preview(secretariat(), by_states.id);
  ASSERT_TRUE(preview) << preview.error().message;
  ASSERT_EQ(preview->lines.size(), 2u);
  EXPECT_EQ(preview->lines[0].state, "DE");
  EXPECT_EQ(preview->lines[0].address, "poc@de.example");
  EXPECT_EQ(preview->lines[0].level, "technical");
  EXPECT_EQ(preview->lines[0].language, "en");
  EXPECT_EQ(preview->lines[1].state, "FR");
  EXPECT_EQ(preview->lines[1].name, "PoC FR");
  EXPECT_EQ(preview->lines[1].language, "fr");
  EXPECT_EQ(preview->lines[1].time_zone, "Europe/Vienna");
  EXPECT_EQ(preview->states_without_recipients, std::vector<std::string>{"CA"});

  // Both levels of France.
  auto both =
      checks->preview(secretariat(), create(plan({"FR"}, {Level::technical, Level::policy})).id);
  ASSERT_TRUE(both) << both.error().message;
  EXPECT_EQ(both->lines.size(), 2u);

  // By region: the Americas of the OSCE are Canada and the United States.
  auto americas = plan({});
  americas.target.regions = {"019"};
  auto by_region = checks->preview(secretariat(), create(americas).id);
  ASSERT_TRUE(by_region) << by_region.error().message;
  ASSERT_EQ(by_region->lines.size(), 1u);
  EXPECT_EQ(by_region->lines[0].state, "US");
  EXPECT_EQ(by_region->states_without_recipients, std::vector<std::string>{"CA"});

  // The preview is the secretariat's.
  EXPECT_TRUE(fails_with(checks->preview(observer(), by_states.id), ErrorCode::forbidden));
}

// ---- launching ----

TEST_P(Checks, LaunchedNowItInvitesEveryRecipientOnceAndCannotBeCancelled) {
  poc("FR", {"fr"});
  poc("DE");
  entry("DE", person("Second DE", "second@de.example"));
  auto check = launched(plan({"FR", "DE"}));
  EXPECT_EQ(check.status, CheckStatus::running);
  EXPECT_EQ(check.started_at, format_utc(clock.now()));
  EXPECT_EQ(check.plan.starts_at, format_utc(clock.now()));

  auto invitations = mails(check.id, "check_invitation");
  ASSERT_EQ(invitations.size(), 3u);
  for (const auto& message : invitations) {
    EXPECT_TRUE(message.expects_answer) << message.recipient;
    EXPECT_EQ(message.status, "pending");
    EXPECT_EQ(message.organisation_id, osce);
  }
  EXPECT_EQ(invitation(check.id, "poc@fr.example").language, "fr");
  EXPECT_EQ(invitation(check.id, "second@de.example").language, "en");
  EXPECT_EQ(count("SELECT COUNT(*) FROM check_recipients WHERE check_id = $1", {check.id}), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM check_mails m JOIN check_recipients r ON r.id = "
                  "m.recipient_id WHERE r.check_id = $1 AND m.purpose = 'invitation'",
                  {check.id}),
            3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM check_states WHERE check_id = $1", {check.id}), 2);
  auto r = results(check.id);
  EXPECT_EQ(r.deadline, format_utc(clock.now() + 24h));
  EXPECT_EQ(r.all.recipients, 3);
  EXPECT_EQ(r.all.pending, 3);
  for (const auto& line : r.recipients) {
    EXPECT_EQ(line.role, "primary");
    EXPECT_EQ(line.invited_at, format_utc(clock.now()));
    EXPECT_EQ(line.deadline, format_utc(clock.now() + 24h));
    EXPECT_FALSE(line.outbox_id.empty());
  }

  EXPECT_TRUE(fails_with(checks->launch(secretariat(), check.id), ErrorCode::conflict));
  EXPECT_TRUE(fails_with(checks->cancel(secretariat(), check.id), ErrorCode::conflict));
  EXPECT_TRUE(
      fails_with(checks->update(secretariat(), check.id, plan({"FR"})), ErrorCode::conflict));
  EXPECT_EQ(mails(check.id, "check_invitation").size(), 3u);

  // A check that would reach nobody is not launched.
  auto nobody = create(plan({"CA"}));
  EXPECT_TRUE(fails_with(checks->launch(secretariat(), nobody.id), ErrorCode::conflict));
  EXPECT_EQ(get(nobody.id).status, CheckStatus::draft);
}

TEST_P(Checks, AFutureStartIsScheduledAnnouncedAndStartedByAdvance) {
  poc("FR");
  poc("DE");
  auto later = plan({"FR", "DE"});
  later.announced = true;
  later.starts_at = format_utc(clock.now() + 48h);
  auto check = launched(later);
  EXPECT_EQ(check.status, CheckStatus::scheduled);
  EXPECT_TRUE(check.started_at.empty());
  EXPECT_EQ(mails(check.id, "check_announcement").size(), 2u);
  EXPECT_TRUE(mails(check.id, "check_invitation").empty());

  auto quiet = later;
  quiet.announced = false;
  quiet.title = "Unannounced";
  auto cancelled = launched(quiet);
  EXPECT_EQ(cancelled.status, CheckStatus::scheduled);
  EXPECT_TRUE(mails(cancelled.id, "check_announcement").empty());
  auto stopped = checks->cancel(secretariat(), cancelled.id);
  ASSERT_TRUE(stopped) << stopped.error().message;
  EXPECT_EQ(stopped->status, CheckStatus::cancelled);
  EXPECT_EQ(stopped->cancelled_at, format_utc(clock.now()));
  EXPECT_TRUE(fails_with(checks->launch(secretariat(), cancelled.id), ErrorCode::conflict));

  clock.advance(47h);
  EXPECT_EQ(advance(), 0);
  EXPECT_EQ(get(check.id).status, CheckStatus::scheduled);
  EXPECT_TRUE(mails(check.id, "check_invitation").empty());

  clock.advance(1h);
  EXPECT_EQ(advance(), 1);
  auto started = get(check.id);
  EXPECT_EQ(started.status, CheckStatus::running);
  EXPECT_EQ(started.started_at, format_utc(clock.now()));
  EXPECT_EQ(mails(check.id, "check_invitation").size(), 2u);
  EXPECT_EQ(results(check.id).deadline, format_utc(clock.now() + 24h));
  // The cancelled check sends nothing, ever.
  EXPECT_EQ(get(cancelled.id).status, CheckStatus::cancelled);
  EXPECT_EQ(count("SELECT COUNT(*) FROM check_mails m JOIN check_recipients r ON r.id = "
                  "m.recipient_id WHERE r.check_id = $1",
                  {cancelled.id}),
            0);
  // Nothing more to do until the reminder.
  EXPECT_EQ(advance(), 0);
  EXPECT_EQ(mails(check.id, "check_invitation").size(), 2u);
}

TEST_P(Checks, ACheckThatShouldHaveStartedWhileTheServerWasDownKeepsItsDeadline) {
  poc("FR");
  auto later = plan({"FR"});
  later.starts_at = format_utc(clock.now() + 2h);
  const auto planned = clock.now() + 2h;
  auto check = launched(later);
  clock.set(planned + 3h);
  EXPECT_EQ(advance(), 1);
  EXPECT_EQ(get(check.id).status, CheckStatus::running);
  EXPECT_EQ(mails(check.id, "check_invitation").size(), 1u);
  auto r = results(check.id);
  EXPECT_EQ(r.deadline, format_utc(planned + 24h));
  EXPECT_EQ(recipient(r, "poc@fr.example").deadline, format_utc(planned + 24h));

  // Down past the deadline too: it starts, and closes in the same step.
  auto missed = plan({"FR"});
  missed.title = "Missed";
  missed.starts_at = format_utc(clock.now() + 1h);
  auto late = launched(missed);
  clock.advance(30h);
  EXPECT_GE(advance(), 2);
  EXPECT_EQ(get(late.id).status, CheckStatus::closed);
  EXPECT_EQ(results(late.id).all.no_answer, 1);
}

TEST_P(Checks, AReplyToTheAnnouncementIsNotAnAnswerToTheCheck) {
  auto fr = poc("FR");
  auto later = plan({"FR"});
  later.announced = true;
  later.starts_at = format_utc(clock.now() + 24h);
  auto check = launched(later);
  auto announcement = invitation(check.id, "poc@fr.example", "check_announcement");
  clock.advance(1h);
  receive("reply", announcement, "poc@fr.example", "Thanks, we will be ready.");

  auto r = results(check.id);
  EXPECT_EQ(r.all.responded, 0);
  EXPECT_TRUE(recipient(r, "poc@fr.example").answered_at.empty());
  EXPECT_TRUE(verified_at(fr).empty());
}

// ---- answers ----

TEST_P(Checks, AnswersCountFromTheAddresseeOrItsStatesListedPocsOnly) {
  auto at_entry = poc("AT");
  poc("DE");
  auto fr_entry = poc("FR");
  auto fr_colleague = entry("FR", person("Policy FR", "policy@fr.example"), Level::policy);
  auto it_entry = poc("IT");
  poc("US");
  poc("CA");
  poc("ES");
  poc("NL");
  const auto started = clock.now();
  auto check = launched(plan({"AT", "DE", "FR", "IT", "US", "CA", "ES", "NL"}));

  clock.advance(1h);
  answer_by_link(invitation(check.id, "poc@at.example"));
  EXPECT_EQ(verified_at(at_entry), format_utc(clock.now()));
  clock.advance(1h);
  receive("reply", invitation(check.id, "poc@de.example"), "POC@de.example");
  clock.advance(1h);
  // A colleague listed for the same state answers for France.
  receive("reply", invitation(check.id, "poc@fr.example"), "policy@fr.example");
  // A stranger's answer for Italy is recorded but does not count.
  receive("reply", invitation(check.id, "poc@it.example"), "someone@elsewhere.example");
  // So is France's colleague answering for Italy.
  receive("reply", invitation(check.id, "poc@it.example"), "policy@fr.example");
  receive("auto_reply", invitation(check.id, "poc@us.example"), "poc@us.example");
  receive("bounce", invitation(check.id, "poc@ca.example"), "MAILER-DAEMON@mx.example");

  auto r = results(check.id);
  EXPECT_EQ(r.all.recipients, 8);
  EXPECT_EQ(r.all.responded, 3);
  EXPECT_EQ(r.all.completed, 3);
  EXPECT_EQ(r.all.bounced, 1);
  EXPECT_EQ(r.all.auto_replied, 1);
  EXPECT_EQ(r.all.pending, 4);  // IT, US, ES, NL
  EXPECT_EQ(r.all.no_answer, 0);
  EXPECT_EQ(r.all.late, 0);
  auto at = recipient(r, "poc@at.example");
  EXPECT_EQ(at.answer_channel, "link");
  EXPECT_EQ(at.answered_at, format_utc(started + 1h));
  auto fr = recipient(r, "poc@fr.example");
  EXPECT_EQ(fr.answer_channel, "mail");
  EXPECT_EQ(fr.answer_from, "policy@fr.example");
  // The answer proves the colleague's mailbox, not the addressee's.
  EXPECT_EQ(verified_at(fr_colleague), format_utc(started + 3h));
  EXPECT_TRUE(verified_at(fr_entry).empty());
  EXPECT_TRUE(recipient(r, "poc@it.example").answered_at.empty());
  EXPECT_TRUE(verified_at(it_entry).empty());
  // The secretariat's freshness dashboard shows when each state was last verified reachable.
  auto freshness = directory->freshness(secretariat(), osce);
  ASSERT_TRUE(freshness) << freshness.error().message;
  for (const auto& row : *freshness) {
    if (row.state == "AT") {
      EXPECT_EQ(row.verified_at, format_utc(started + 1h));
    }
    if (row.state == "IT") {
      EXPECT_TRUE(row.verified_at.empty());
    }
  }
  EXPECT_FALSE(recipient(r, "poc@us.example").auto_reply_at.empty());
  EXPECT_TRUE(recipient(r, "poc@us.example").answered_at.empty());
  EXPECT_FALSE(recipient(r, "poc@ca.example").bounced_at.empty());
  EXPECT_TRUE(contains(recipient(r, "poc@ca.example").bounce_detail, "5.1.1"));

  // Every response is kept as it came, counted or not.
  ASSERT_EQ(r.responses.size(), 7u);
  auto counted = std::count_if(r.responses.begin(), r.responses.end(),
                               [](const auto& response) { return response.counted; });
  EXPECT_EQ(counted, 3);
  auto stranger = std::find_if(r.responses.begin(), r.responses.end(), [](const auto& response) {
    return response.from_address == "someone@elsewhere.example";
  });
  ASSERT_NE(stranger, r.responses.end());
  EXPECT_FALSE(stranger->counted);
  EXPECT_EQ(stranger->kind, "answer");
  for (const auto& response : r.responses) {
    if (response.kind != "answer") {
      EXPECT_FALSE(response.counted) << response.kind;
    }
  }

  // After the deadline: NL answers late; the silent are no longer pending.
  clock.set(started + 30h);
  answer_by_link(invitation(check.id, "poc@nl.example"));
  r = results(check.id);
  EXPECT_EQ(r.all.responded, 4);
  EXPECT_EQ(r.all.late, 1);
  EXPECT_EQ(r.all.pending, 0);
  EXPECT_EQ(r.all.no_answer, 3);  // IT, US, ES
  EXPECT_EQ(r.all.bounced, 1);
  EXPECT_EQ(r.all.auto_replied, 1);
  ASSERT_TRUE(r.all.median_seconds && r.all.p90_seconds);
  EXPECT_EQ(*r.all.median_seconds, 7200.0);
  EXPECT_EQ(*r.all.p90_seconds, 30.0 * 3600);
  EXPECT_EQ(state_of(r, "AT").result, "answered");
  EXPECT_EQ(state_of(r, "NL").result, "late");
  EXPECT_EQ(state_of(r, "CA").result, "bounced");
  EXPECT_EQ(state_of(r, "ES").result, "no_answer");
  EXPECT_EQ(tally_of(r, "NL").late, 1);
  // The timeline starts at the start with nothing answered.
  ASSERT_EQ(r.timeline.size(), 5u);
  EXPECT_EQ(r.timeline.front().first, format_utc(started));
  EXPECT_EQ(r.timeline.front().second, 0);
  EXPECT_EQ(r.timeline.back().second, 4);
  EXPECT_EQ(r.timeline.back().first, format_utc(clock.now()));
  ASSERT_EQ(r.by_level.size(), 1u);
  EXPECT_EQ(r.by_level[0].first, "technical");
  EXPECT_EQ(r.by_level[0].second.responded, 4);

  // The list counts those who answered.
  auto listed = checks->list(secretariat(), osce);
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().recipients, 8);
  EXPECT_EQ(listed->front().responded, 4);
}

TEST_P(Checks, ResultsCsvHasAHeaderAndALinePerRecipient) {
  poc("FR");
  poc("DE");
  auto check = launched(plan({"FR", "DE"}));
  clock.advance(90s);
  answer_by_link(invitation(check.id, "poc@fr.example"), "Here, \"all\" fine");
  auto csv = checks->results_csv(observer(), check.id);
  ASSERT_TRUE(csv) << csv.error().message;
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < csv->size();) {
    auto end = csv->find("\r\n", at);
    ASSERT_NE(end, std::string::npos);
    lines.push_back(csv->substr(at, end - at));
    at = end + 2;
  }
  ASSERT_EQ(lines.size(), 3u) << *csv;
  EXPECT_TRUE(lines[0].starts_with("state,level,role,name,address,invited_at,deadline"));
  EXPECT_TRUE(lines[1].starts_with("DE,technical,primary,PoC DE,poc@de.example,")) << lines[1];
  EXPECT_TRUE(lines[2].starts_with("FR,technical,primary,PoC FR,poc@fr.example,")) << lines[2];
  EXPECT_TRUE(contains(lines[2], ",link,no,90,")) << lines[2];
  EXPECT_TRUE(fails_with(checks->results_csv(other_secretariat(), check.id), ErrorCode::not_found));
}

TEST_P(Checks, TheListCountsEachChecksRecipientsAndAnswers) {
  poc("FR");
  poc("DE");
  auto answered_one = launched(plan({"FR", "DE"}));
  answer_by_link(invitation(answered_one.id, "poc@fr.example"));
  auto draft = checks->create(secretariat(), osce, plan({"FR"}));
  ASSERT_TRUE(draft) << draft.error().message;
  auto list = checks->list(observer(), osce);
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 2u);
  for (const auto& summary : *list) {
    SCOPED_TRACE(summary.check.plan.title);
    bool is_draft = summary.check.id == draft->id;
    EXPECT_EQ(summary.recipients, is_draft ? 0 : 2);
    EXPECT_EQ(summary.responded, is_draft ? 0 : 1);
  }
  EXPECT_TRUE(fails_with(checks->list(other_secretariat(), osce), ErrorCode::forbidden));
}

// ---- running ----

TEST_P(Checks, TheReminderGoesOnceToThoseWhoNeitherAnsweredNorBounced) {
  poc("AT");
  poc("DE");
  poc("FR");
  auto check = launched(plan({"AT", "DE", "FR"}));
  clock.advance(1h);
  answer_by_link(invitation(check.id, "poc@at.example"));
  receive("bounce", invitation(check.id, "poc@de.example"), "MAILER-DAEMON@mx.example");

  clock.advance(10h);
  EXPECT_EQ(advance(), 0);
  EXPECT_TRUE(mails(check.id, "check_reminder").empty());

  clock.advance(1h);  // 50 % of 24 hours
  EXPECT_EQ(advance(), 1);
  auto reminders = mails(check.id, "check_reminder");
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_EQ(reminders[0].recipient, "poc@fr.example");
  EXPECT_TRUE(reminders[0].expects_answer);
  EXPECT_EQ(get(check.id).reminded_at, format_utc(clock.now()));
  EXPECT_EQ(recipient(results(check.id), "poc@fr.example").reminded_at, format_utc(clock.now()));

  clock.advance(1h);
  EXPECT_EQ(advance(), 0);
  EXPECT_EQ(mails(check.id, "check_reminder").size(), 1u);

  // Answering the reminder counts as answering the check.
  answer_by_link(reminders[0]);
  EXPECT_EQ(results(check.id).all.responded, 2);

  // Without escalation it closes at the deadline.
  clock.advance(12h);
  EXPECT_EQ(advance(), 1);
  EXPECT_EQ(get(check.id).status, CheckStatus::closed);
  EXPECT_EQ(advance(), 0);
}

TEST_P(Checks, AtTheDeadlineSilentStatesAreEscalatedThenTheCheckCloses) {
  auto fr_deputy = entry("FR", person("Deputy FR", "deputy@fr.example"), Level::policy);
  auto fr_main = person("PoC FR", "poc@fr.example");
  fr_main.deputy_id = fr_deputy.id;
  auto fr = entry("FR", fr_main);
  entry("FR", person("Policy FR", "policy@fr.example"), Level::policy);
  poc("DE");
  entry("DE", person("Policy DE", "policy@de.example"), Level::policy);
  const auto started = clock.now();
  auto escalating = plan({"FR", "DE"});
  escalating.escalate = true;
  escalating.reminder_percent = 0;
  auto check = launched(escalating);
  EXPECT_EQ(mails(check.id, "check_invitation").size(), 2u);

  clock.advance(2h);
  answer_by_link(invitation(check.id, "poc@de.example"));

  clock.set(started + 24h - 1s);
  EXPECT_EQ(advance(), 0);
  clock.set(started + 24h);
  EXPECT_EQ(advance(), 1);
  auto escalated = get(check.id);
  EXPECT_EQ(escalated.status, CheckStatus::running);
  EXPECT_EQ(escalated.escalated_at, format_utc(clock.now()));
  auto escalations = mails(check.id, "check_escalation");
  ASSERT_EQ(escalations.size(), 2u);
  EXPECT_EQ(escalations[0].recipient, "deputy@fr.example");
  EXPECT_EQ(escalations[1].recipient, "policy@fr.example");
  auto r = results(check.id);
  auto primary = recipient(r, "poc@fr.example");
  auto deputy = recipient(r, "deputy@fr.example");
  EXPECT_EQ(deputy.role, "escalation");
  EXPECT_EQ(deputy.escalated_from, primary.id);
  EXPECT_EQ(deputy.deadline, format_utc(started + 48h));
  EXPECT_EQ(recipient(r, "policy@fr.example").role, "escalation");
  EXPECT_TRUE(state_of(r, "FR").escalated);
  EXPECT_FALSE(state_of(r, "DE").escalated);
  EXPECT_EQ(count("SELECT COUNT(*) FROM check_recipients WHERE check_id = $1 AND state = 'DE'",
                  {check.id}),
            1);
  EXPECT_EQ(advance(), 0);
  EXPECT_EQ(mails(check.id, "check_escalation").size(), 2u);

  // The deputy answers for France within the escalation window.
  clock.advance(3h);
  answer_by_link(escalations[0]);
  r = results(check.id);
  EXPECT_FALSE(recipient(r, "deputy@fr.example").answered_at.empty());
  EXPECT_EQ(recipient(r, "deputy@fr.example").answered_at, format_utc(clock.now()));
  EXPECT_EQ(verified_at(fr_deputy), format_utc(clock.now()));

  clock.set(started + 48h);
  EXPECT_EQ(advance(), 1);
  auto closed = get(check.id);
  EXPECT_EQ(closed.status, CheckStatus::closed);
  EXPECT_EQ(closed.closed_at, format_utc(clock.now()));
  EXPECT_EQ(advance(), 0);

  // An answer after the close is still recorded, counted and late.
  clock.advance(2h);
  answer_by_link(invitation(check.id, "poc@fr.example"));
  r = results(check.id);
  EXPECT_EQ(recipient(r, "poc@fr.example").answered_at, format_utc(clock.now()));
  EXPECT_EQ(state_of(r, "FR").tally.late, 1);
  EXPECT_EQ(verified_at(fr), format_utc(clock.now()));
  EXPECT_EQ(get(check.id).status, CheckStatus::closed);
}

// ---- tasks ----

TEST_P(Checks, AnExpectedAnswerIsAcceptedAutomaticallyOthersAreJudged) {
  poc("AT");
  poc("DE");
  poc("IT");
  auto question = plan({"AT", "DE", "IT"});
  question.task = CheckTask::answer;
  question.question = "Did your national CERT confirm the exercise date?";
  question.expected_answer = "the CERT confirmed";
  auto check = launched(question);
  clock.advance(1h);
  answer_by_link(invitation(check.id, "poc@at.example"), "Yes, the cert confirmed it.");
  answer_by_link(invitation(check.id, "poc@de.example"), "We are still asking.");
  auto r = results(check.id);
  auto at = recipient(r, "poc@at.example");
  auto de = recipient(r, "poc@de.example");
  EXPECT_TRUE(
      fails_with(checks->judge(secretariat(), check.id, recipient(r, "poc@it.example").id, true),
                 ErrorCode::conflict));
  EXPECT_EQ(at.verdict, "accepted");
  EXPECT_EQ(at.completed_at, format_utc(clock.now()));
  EXPECT_EQ(de.verdict, "rejected");
  EXPECT_TRUE(de.completed_at.empty());
  EXPECT_EQ(r.all.responded, 2);
  EXPECT_EQ(r.all.completed, 1);

  ASSERT_TRUE(checks->judge(secretariat(), check.id, de.id, true));
  EXPECT_EQ(recipient(results(check.id), "poc@de.example").verdict, "accepted");
  EXPECT_EQ(results(check.id).all.completed, 2);
  ASSERT_TRUE(checks->judge(secretariat(), check.id, de.id, false));
  EXPECT_EQ(recipient(results(check.id), "poc@de.example").verdict, "rejected");
  EXPECT_EQ(results(check.id).all.completed, 1);
  EXPECT_TRUE(fails_with(checks->judge(observer(), check.id, de.id, true), ErrorCode::forbidden));
  EXPECT_TRUE(
      fails_with(checks->judge(secretariat(), check.id, "no-such", true), ErrorCode::not_found));

  // Only answers to a question are judged; a recipient of another check is not this one's.
  auto plain = launched(plan({"AT"}));
  auto plain_at = recipient(results(plain.id), "poc@at.example");
  EXPECT_TRUE(
      fails_with(checks->judge(secretariat(), plain.id, plain_at.id, true), ErrorCode::conflict));
  EXPECT_TRUE(
      fails_with(checks->judge(secretariat(), check.id, plain_at.id, true), ErrorCode::not_found));
}

TEST_P(Checks, BilateralPairsAreMutualAndALegNeedsThePartnersCode) {
  for (const auto* state : {"AT", "DE", "FR", "IT"})
    poc(state);
  auto bilateral = plan({"AT", "DE", "FR", "IT"});
  bilateral.task = CheckTask::bilateral;
  bilateral.pairing_seed = "2026-Q1";
  auto check = launched(bilateral);
  auto r = results(check.id);
  ASSERT_EQ(r.states.size(), 4u);
  std::map<std::string, std::string> partner;
  for (const auto& line : r.states)
    partner[line.state] = line.partner;
  for (const auto& [state, other] : partner) {
    EXPECT_NE(state, other);
    EXPECT_EQ(partner[other], state) << state << " and " << other;
  }
  auto codes_rows = database->transact(store::Access::read, [&](store::Connection& connection) {
    return store::CheckStore(connection).states(check.id);
  });
  ASSERT_TRUE(codes_rows) << codes_rows.error().message;
  std::map<std::string, std::string> code;
  for (const auto& state : *codes_rows) {
    EXPECT_EQ(domain::normalise_code(state.code).size(), 8u);
    code[state.state] = state.code;
  }
  // The invitation gives a state its own code to pass on.
  auto at_body = invitation(check.id, "poc@at.example").body;
  EXPECT_TRUE(contains(at_body, code["AT"])) << at_body;

  // The answer link tells the recipient whose code to obtain.
  auto task = checks->link_task(invitation(check.id, "poc@at.example").token);
  ASSERT_TRUE(task) << task.error().message;
  ASSERT_TRUE(*task);
  EXPECT_EQ((*task)->task, CheckTask::bilateral);
  EXPECT_EQ((*task)->state, "AT");
  EXPECT_EQ((*task)->partner, partner["AT"]);
  EXPECT_FALSE((*task)->late);

  clock.advance(5h);
  // Austria obtained its partner's code and replies with it, typed loosely.
  std::string typed = code[partner["AT"]];
  std::transform(typed.begin(), typed.end(), typed.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  typed.insert(4, " ");
  receive("reply", invitation(check.id, "poc@at.example"), "poc@at.example",
          "The code is " + typed + ".");
  // Germany replies with its own code, not its partner's.
  answer_by_link(invitation(check.id, "poc@de.example"), "Our code: " + code["DE"]);

  r = results(check.id);
  EXPECT_EQ(recipient(r, "poc@at.example").verdict, "accepted");
  EXPECT_EQ(state_of(r, "AT").leg_completed_at, format_utc(clock.now()));
  auto de = recipient(r, "poc@de.example");
  EXPECT_EQ(de.verdict, "rejected");
  EXPECT_FALSE(de.answered_at.empty());
  EXPECT_TRUE(state_of(r, "DE").leg_completed_at.empty());
  EXPECT_EQ(r.all.responded, 2);
  EXPECT_EQ(r.all.completed, 1);
  auto legs = database->transact(store::Access::read, [&](store::Connection& connection) {
    return store::CheckStore(connection).states(check.id);
  });
  ASSERT_TRUE(legs);
  for (const auto& state : *legs) {
    if (state.state == "AT") {
      EXPECT_EQ(state.leg_completed_at, format_utc(clock.now()));
      EXPECT_EQ(state.leg_recipient_id, recipient(r, "poc@at.example").id);
    } else {
      EXPECT_TRUE(state.leg_completed_at.empty()) << state.state;
    }
  }

  // Germany tries again with the right code.
  clock.advance(1h);
  receive("reply", invitation(check.id, "poc@de.example"), "poc@de.example",
          "Sorry: " + code[partner["DE"]]);
  r = results(check.id);
  EXPECT_EQ(recipient(r, "poc@de.example").verdict, "accepted");
  EXPECT_EQ(state_of(r, "DE").leg_completed_at, format_utc(clock.now()));
}

TEST_P(Checks, ACallWithTheRightCodeCompletesTheSecondChannel) {
  poc("AT");
  poc("DE");
  auto channel = plan({"AT", "DE"});
  channel.task = CheckTask::channel;
  auto draft = create(channel);
  auto r = results(draft.id);
  EXPECT_TRUE(r.recipients.empty());
  auto check = checks->launch(secretariat(), draft.id);
  ASSERT_TRUE(check) << check.error().message;
  r = results(check->id);
  auto at = recipient(r, "poc@at.example");
  auto de = recipient(r, "poc@de.example");
  EXPECT_EQ(domain::normalise_code(at.code).size(), 8u);
  EXPECT_NE(at.code, de.code);

  clock.advance(2h);
  ASSERT_TRUE(
      checks->record_call(secretariat(), check->id, at.id, spoken(at.code), "Duty officer"));
  ASSERT_TRUE(checks->record_call(secretariat(), check->id, de.id, "WRONG123", ""));
  EXPECT_TRUE(fails_with(checks->record_call(secretariat(), check->id, de.id, " - ", ""),
                         ErrorCode::invalid_argument));
  EXPECT_TRUE(fails_with(checks->record_call(observer(), check->id, de.id, de.code, ""),
                         ErrorCode::forbidden));

  r = results(check->id);
  at = recipient(r, "poc@at.example");
  de = recipient(r, "poc@de.example");
  EXPECT_EQ(at.verdict, "accepted");
  EXPECT_EQ(at.answer_channel, "call");
  EXPECT_EQ(at.completed_at, format_utc(clock.now()));
  EXPECT_EQ(at.call_recorded_by, "secretariat-osce");
  EXPECT_EQ(de.verdict, "rejected");
  EXPECT_FALSE(de.answered_at.empty());
  EXPECT_TRUE(de.completed_at.empty());
  EXPECT_EQ(r.all.responded, 2);
  EXPECT_EQ(r.all.completed, 1);

  // An e-mailed answer does not complete a check of the second channel.
  answer_by_link(invitation(check->id, "poc@de.example"), de.code);
  EXPECT_TRUE(recipient(results(check->id), "poc@de.example").completed_at.empty());

  // A call on a check that is not of the second channel, or before it starts, is refused.
  auto plain = launched(plan({"AT"}));
  auto plain_at = recipient(results(plain.id), "poc@at.example");
  EXPECT_TRUE(fails_with(checks->record_call(secretariat(), plain.id, plain_at.id, "X", ""),
                         ErrorCode::conflict));
  channel.starts_at = format_utc(clock.now() + 24h);
  auto scheduled = launched(channel);
  auto waiting = recipient(results(scheduled.id), "poc@at.example");
  EXPECT_TRUE(
      fails_with(checks->record_call(secretariat(), scheduled.id, waiting.id, waiting.code, ""),
                 ErrorCode::conflict));
}

// ---- a state's history ----

TEST_P(Checks, AFocalPointSeesItsOwnStatesHistoryOnly) {
  poc("FR");
  poc("DE");
  auto first = launched(plan({"FR", "DE"}));
  clock.advance(1h);
  answer_by_link(invitation(first.id, "poc@fr.example"));
  clock.advance(48h);
  auto second = launched(plan({"FR"}));
  create(plan({"FR"}));  // a draft is no history

  auto history = checks->state_history(focal("FR"), osce, "FR");
  ASSERT_TRUE(history) << history.error().message;
  ASSERT_EQ(history->checks.size(), 2u);
  EXPECT_EQ(history->checks[0].check.id, second.id);
  EXPECT_EQ(history->checks[0].result, "pending");
  EXPECT_EQ(history->checks[1].check.id, first.id);
  EXPECT_EQ(history->checks[1].recipients, 1);
  EXPECT_EQ(history->checks[1].responded, 1);
  EXPECT_EQ(history->checks[1].result, "answered");
  EXPECT_EQ(history->checks[1].first_answer_at, format_utc(clock.now() - 48h));

  EXPECT_TRUE(fails_with(checks->state_history(focal("DE"), osce, "FR"), ErrorCode::forbidden));
  EXPECT_TRUE(checks->state_history(observer(), osce, "FR"));
  EXPECT_TRUE(
      fails_with(checks->state_history(other_secretariat(), osce, "FR"), ErrorCode::forbidden));
  // A focal point reads its state's history, not the checks themselves.
  EXPECT_TRUE(fails_with(checks->get(focal("FR"), first.id), ErrorCode::not_found));
}

LIAISON_INSTANTIATE_STORE_TEST(Checks);

}  // namespace
}  // namespace liaison::testing
