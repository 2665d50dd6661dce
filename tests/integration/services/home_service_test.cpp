// Each role's home page over the real store, on both engines: what a secretariat watches
// (overdue and unreachable states, running checks, changes awaiting approval, recent changes),
// what a focal point's state owes (re-confirmation, open checks, its entries) and what a PoC has
// to answer (only the checks mailed to their own address).

#include "services/home_service.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/random.h"
#include "services/mail_service.h"
#include "store/engines.h"
#include "store/outbox_store.h"
#include "support/result_assertions.h"

namespace liaison::testing {
namespace {

using namespace std::chrono_literals;
using domain::Level;
using domain::Role;
using domain::RoleGrant;
using services::Actor;

domain::Contact person(std::string name, std::string email) {
  domain::Contact contact;
  contact.name = std::move(name);
  contact.institution = "National CERT";
  contact.functional_email = std::move(email);
  contact.time_zone = "Europe/Vienna";
  return contact;
}

class Home : public StoreTest {
 protected:
  void SetUp() override {
    database = database_.open_migrated();
    reference = std::make_unique<services::ReferenceService>(*database, clock, 0ms);
    directory = std::make_unique<services::DirectoryService>(*database, clock, random, *reference);
    mail = std::make_unique<services::MailService>(*database, clock, random, "sender-a",
                                                   "example.org");
    checks = std::make_unique<services::CheckService>(*database, clock, random, *reference,
                                                      services::MailIdentity{});
    home = std::make_unique<services::HomeService>(*database, *directory, *checks);
    auto members = reference->members("OSCE");
    ASSERT_TRUE(members) << members.error().message;
    osce = (*members)->organisation.id;
  }

  static Actor actor(std::string id, std::vector<RoleGrant> grants) {
    return {domain::Principal{std::move(id), std::move(grants), {}}, "192.0.2.10"};
  }
  Actor secretariat() const { return actor("secretariat", {{Role::secretariat, osce, {}}}); }
  Actor focal(const std::string& state) const {
    return actor("focal-" + state, {{Role::focal, osce, state}});
  }

  domain::DirectoryEntry add(const std::string& state, const std::string& name,
                             const std::string& email) {
    auto created =
        directory->create(focal(state), osce, state, Level::technical, person(name, email), {});
    EXPECT_TRUE(created) << created.error().message;
    return created ? *created : domain::DirectoryEntry{};
  }

  store::CheckRecord launch(std::vector<std::string> states, std::string title) {
    domain::CheckPlan plan;
    plan.title = std::move(title);
    plan.task = domain::CheckTask::acknowledge;
    plan.window_hours = 24;
    plan.reminder_percent = 50;
    plan.escalate = false;
    plan.target.states = std::move(states);
    plan.target.levels = {Level::technical};
    auto created = checks->create(secretariat(), osce, plan);
    EXPECT_TRUE(created) << created.error().message;
    auto launched = checks->launch(secretariat(), created ? created->id : "");
    EXPECT_TRUE(launched) << launched.error().message;
    return launched ? *launched : store::CheckRecord{};
  }

  void answer(const std::string& check_id, const std::string& address) {
    std::vector<store::Value> parameters = {check_id, address};
    auto rows = database->transact(store::Access::read, [&](store::Connection& connection) {
      return connection.query(
          "SELECT o.id FROM outbox o JOIN check_mails m ON m.outbox_id = o.id "
          "JOIN check_recipients r ON r.id = m.recipient_id "
          "WHERE r.check_id = $1 AND r.address = $2",
          parameters);
    });
    ASSERT_TRUE(rows && rows->size() == 1u);
    auto message = mail->message(rows->front().text(0));
    ASSERT_TRUE(message && *message);
    auto answered = mail->answer_by_link((*message)->token, "Received.", "198.51.100.7");
    ASSERT_TRUE(answered) << answered.error().message;
  }

  services::Home of(const Actor& who, const std::string& email = "someone@example.org") {
    domain::Account account;
    account.id = who.principal.account_id;
    account.email = email;
    account.grants = who.principal.grants;
    auto found = home->home(who, account);
    EXPECT_TRUE(found) << found.error().message;
    return found ? *found : services::Home{};
  }

  ManualClock clock{at("2026-03-02T08:00:00Z")};
  SystemRandom random;
  std::unique_ptr<store::Database> database;
  std::unique_ptr<services::ReferenceService> reference;
  std::unique_ptr<services::DirectoryService> directory;
  std::unique_ptr<services::MailService> mail;
  std::unique_ptr<services::CheckService> checks;
  std::unique_ptr<services::HomeService> home;
  std::string osce;
};

TEST_P(Home, ASecretariatSeesOverdueAndUnreachableStatesRunningChecksAndChanges) {
  add("DE", "PoC Germany", "poc@de.example");
  add("FR", "PoC France", "poc@fr.example");
  add("AT", "PoC Austria", "poc@at.example");
  auto first = launch({"DE", "FR", "AT"}, "Spring check");
  answer(first.id, "poc@de.example");
  clock.advance(25h);
  ASSERT_TRUE(checks->advance());  // closes the first check
  auto second = launch({"DE", "FR"}, "Second check");
  answer(second.id, "poc@fr.example");

  auto part = of(secretariat());
  ASSERT_EQ(part.secretariat.size(), 1u);
  const auto& s = part.secretariat.front();
  // Members without any entry were never confirmed; DE, FR and AT just confirmed theirs.
  auto overdue = [&s](const std::string& state) {
    return std::any_of(s.overdue.begin(), s.overdue.end(),
                       [&state](const services::StateFreshness& l) { return l.state == state; });
  };
  EXPECT_TRUE(overdue("ES"));
  EXPECT_FALSE(overdue("DE"));
  EXPECT_FALSE(overdue("AT"));
  ASSERT_TRUE(s.last_closed.has_value());
  EXPECT_EQ(s.last_closed->id, first.id);
  EXPECT_EQ(s.unreachable, (std::vector<std::string>{"AT", "FR"}));
  ASSERT_EQ(s.running.size(), 1u);
  EXPECT_EQ(s.running.front().check.id, second.id);
  EXPECT_EQ(s.running.front().recipients, 2);
  EXPECT_EQ(s.running.front().responded, 1);
  EXPECT_TRUE(s.awaiting_approval.empty());
  ASSERT_EQ(s.recent_changes.size(), 3u);
  EXPECT_TRUE(part.focal.empty());
  EXPECT_TRUE(part.poc.empty());

  // With approval required, a new entry waits for the secretariat, and the home says so.
  domain::DirectoryRules rules;
  rules.approval_required = true;
  ASSERT_TRUE(directory->set_rules(secretariat(), osce, rules));
  clock.advance(1h);
  auto waiting = add("ES", "PoC Spain", "poc@es.example");
  auto again = of(secretariat()).secretariat.front();
  ASSERT_EQ(again.awaiting_approval.size(), 1u);
  EXPECT_EQ(again.awaiting_approval.front().id, waiting.id);
}

TEST_P(Home, AFocalPointSeesWhatItsStateOwesAndItsEntries) {
  auto entry = add("DE", "PoC Germany", "poc@de.example");
  add("DE", "Deputy Germany", "deputy@de.example");
  add("FR", "PoC France", "poc@fr.example");
  auto check = launch({"DE", "FR"}, "Spring check");

  auto part = of(focal("DE"));
  ASSERT_EQ(part.focal.size(), 1u);
  const auto& f = part.focal.front();
  EXPECT_EQ(f.state, "DE");
  auto all = directory->freshness(secretariat(), osce);
  ASSERT_TRUE(all);
  for (const auto& line : *all) {
    if (line.state == "DE") {
      EXPECT_EQ(f.freshness.freshness, line.freshness);
    }
  }
  EXPECT_FALSE(f.freshness.due_on.empty());
  ASSERT_EQ(f.open_checks.size(), 1u);
  EXPECT_EQ(f.open_checks.front().check.id, check.id);
  EXPECT_FALSE(f.open_checks.front().answered);
  EXPECT_EQ(f.open_checks.front().recipients.size(), 2u) << "both of DE's, none of FR's";
  EXPECT_EQ(f.entries.size(), 2u);
  EXPECT_TRUE(part.secretariat.empty());

  answer(check.id, "deputy@de.example");
  EXPECT_TRUE(of(focal("DE")).focal.front().open_checks.front().answered);
  // Another state's focal point sees its own state only.
  auto fr = of(focal("FR")).focal.front();
  EXPECT_EQ(fr.entries.size(), 1u);
  EXPECT_FALSE(fr.open_checks.front().answered);
  (void)entry;
}

TEST_P(Home, APointOfContactSeesOnlyTheChecksMailedToTheirOwnAddress) {
  add("DE", "PoC Germany", "poc@de.example");
  add("DE", "Deputy Germany", "deputy@de.example");
  auto check = launch({"DE"}, "Spring check");
  auto poc = actor("poc-de", {{Role::poc, osce, "DE"}});

  auto part = of(poc, "POC@de.example");  // the account's address, in another case
  ASSERT_EQ(part.poc.size(), 1u);
  ASSERT_EQ(part.poc.front().open_checks.size(), 1u);
  const auto& open = part.poc.front().open_checks.front();
  EXPECT_EQ(open.check.id, check.id);
  ASSERT_EQ(open.recipients.size(), 1u);
  EXPECT_EQ(open.recipients.front().address, "poc@de.example");
  EXPECT_FALSE(open.answered);

  // Someone of DE whose address the check did not mail has nothing to answer.
  EXPECT_TRUE(of(poc, "colleague@de.example").poc.front().open_checks.empty());
  // Once answered it says so; once closed it is gone.
  answer(check.id, "poc@de.example");
  EXPECT_TRUE(of(poc, "poc@de.example").poc.front().open_checks.front().answered);
  clock.advance(25h);
  ASSERT_TRUE(checks->advance());
  EXPECT_TRUE(of(poc, "poc@de.example").poc.front().open_checks.empty());
}

TEST_P(Home, ObserversAndOperatorsHaveNoPartsAndARefusedPartIsAnError) {
  auto observer = actor("observer", {{Role::observer, osce, {}}});
  auto part = of(observer);
  EXPECT_TRUE(part.secretariat.empty() && part.focal.empty() && part.poc.empty());
  // An account whose grant the principal does not carry is refused, not shown.
  domain::Account forged;
  forged.id = "x";
  forged.grants = {{Role::secretariat, osce, {}}};
  EXPECT_FALSE(home->home(observer, forged));
}

LIAISON_INSTANTIATE_STORE_TEST(Home);

}  // namespace
}  // namespace liaison::testing
