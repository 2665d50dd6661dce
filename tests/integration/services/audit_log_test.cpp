#include "services/audit_log.h"

#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/random.h"
#include "services/demo_service.h"
#include "store/engines.h"

namespace liaison::testing {
namespace {

domain::AuditEvent event(std::string action) {
  return {"tester", "192.0.2.1", std::move(action), "organisation:x", R"({"field":"value"})", ""};
}

class AuditLog : public StoreTest {
 protected:
  void SetUp() override { database = database_.open_migrated(); }

  domain::AuditEntry append(std::string action) {
    auto entry = database->transact(store::Access::write, [&](store::Connection& connection) {
      return services::append_audit(connection, clock, event(std::move(action)));
    });
    EXPECT_TRUE(entry) << entry.error().message;
    return entry.value();
  }

  services::AuditVerification verify() {
    auto verification = services::verify_audit_log(*database);
    EXPECT_TRUE(verification) << verification.error().message;
    return verification.value();
  }

  // What someone with direct access to the database could do: switch off the append-only guard.
  void tamper(const std::string& statement) {
    auto done = database->transact(
        store::Access::write, [&](store::Connection& connection) -> Result<void> {
          if (connection.dialect() == store::Dialect::sqlite) {
            LIAISON_TRY(connection.execute_script(
                "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"));
          } else {
            LIAISON_TRY(connection.execute_script("ALTER TABLE audit_log DISABLE TRIGGER ALL"));
          }
          return connection.execute_script(statement);
        });
    ASSERT_TRUE(done) << done.error().message;
  }

  ManualClock clock{std::chrono::system_clock::time_point{std::chrono::hours(24 * 20000)}};
  std::unique_ptr<store::Database> database;
};

TEST_P(AuditLog, AnEmptyLogIsIntact) {
  auto verification = verify();
  EXPECT_EQ(verification.entries, 0);
  EXPECT_FALSE(verification.broken_at);
  EXPECT_EQ(verification.head_hash, services::kAuditGenesisHash);
}

TEST_P(AuditLog, EntriesChainOneAfterTheOther) {
  auto first = append("organisation.created");
  clock.advance(std::chrono::seconds(1));
  auto second = append("organisation.renamed");
  auto third = append("organisation.deleted");
  EXPECT_EQ(first.sequence, 1);
  EXPECT_EQ(first.previous_hash, services::kAuditGenesisHash);
  EXPECT_EQ(second.previous_hash, first.hash);
  EXPECT_EQ(third.previous_hash, second.hash);
  EXPECT_EQ(third.sequence, 3);
  EXPECT_EQ(second.occurred_at, "2024-10-04T00:00:01.000000Z");

  auto verification = verify();
  EXPECT_FALSE(verification.broken_at) << verification.problem;
  EXPECT_EQ(verification.entries, 3);
  EXPECT_EQ(verification.head_hash, third.hash);
}

TEST_P(AuditLog, AnEntryRollsBackWithItsTransaction) {
  append("kept");
  auto failed =
      database->transact(store::Access::write, [&](store::Connection& connection) -> Result<void> {
        LIAISON_TRY(services::append_audit(connection, clock, event("lost")));
        return Error::invalid_argument("the change failed");
      });
  ASSERT_FALSE(failed);
  EXPECT_EQ(verify().entries, 1);
  EXPECT_EQ(append("next").sequence, 2);
}

TEST_P(AuditLog, TheDatabaseRefusesChangesAndDeletions) {
  append("organisation.created");
  auto update = database->transact(store::Access::write, [](store::Connection& connection) {
    return connection.execute("UPDATE audit_log SET actor = 'someone else'");
  });
  EXPECT_FALSE(update);
  auto remove = database->transact(store::Access::write, [](store::Connection& connection) {
    return connection.execute("DELETE FROM audit_log");
  });
  EXPECT_FALSE(remove);
  EXPECT_EQ(verify().entries, 1);
}

TEST_P(AuditLog, VerifyNamesAnEditedEntry) {
  append("one");
  append("two");
  append("three");
  tamper("UPDATE audit_log SET details = '{\"field\":\"forged\"}' WHERE sequence = 2");
  auto verification = verify();
  ASSERT_TRUE(verification.broken_at);
  EXPECT_EQ(*verification.broken_at, 2);
  EXPECT_NE(verification.problem.find("changed"), std::string::npos) << verification.problem;
  EXPECT_EQ(verification.entries, 1);
}

TEST_P(AuditLog, VerifyNamesADeletedEntry) {
  append("one");
  append("two");
  append("three");
  tamper("DELETE FROM audit_log WHERE sequence = 2");
  auto verification = verify();
  ASSERT_TRUE(verification.broken_at);
  EXPECT_EQ(*verification.broken_at, 2);
  EXPECT_NE(verification.problem.find("missing"), std::string::npos) << verification.problem;
}

TEST_P(AuditLog, VerifyNamesAnEntryWhoseHashWasRecomputed) {
  append("one");
  append("two");
  append("three");
  // Forge entry 2 with a hash that fits its new content: entry 3 no longer points at it.
  auto forged = database->transact(store::Access::read, [](store::Connection& connection) {
    return connection.query(
        "SELECT sequence, occurred_at, actor, source_address, action, subject, details, "
        "previous_hash, hash FROM audit_log WHERE sequence = 2");
  });
  ASSERT_TRUE(forged);
  const auto& row = forged->front();
  domain::AuditEntry entry{row.integer(0),
                           row.text(1),
                           {"intruder", row.text(3), row.text(4), row.text(5), row.text(6), ""},
                           row.text(7),
                           ""};
  auto hash = services::audit_hash(entry);
  tamper("UPDATE audit_log SET actor = 'intruder', hash = '" + hash + "' WHERE sequence = 2");
  auto verification = verify();
  ASSERT_TRUE(verification.broken_at);
  EXPECT_EQ(*verification.broken_at, 3);
  EXPECT_NE(verification.problem.find("does not point"), std::string::npos) << verification.problem;
}

TEST_P(AuditLog, ConcurrentAppendsKeepOneChain) {
  std::vector<std::thread> writers;
  for (int thread = 0; thread < 4; ++thread) {
    writers.emplace_back([&, thread] {
      for (int i = 0; i < 10; ++i)
        append(fmt::format("writer{}.{}", thread, i));
    });
  }
  for (auto& writer : writers)
    writer.join();
  auto verification = verify();
  EXPECT_FALSE(verification.broken_at) << verification.problem;
  EXPECT_EQ(verification.entries, 40);
}

TEST_P(AuditLog, CreatingTheDemoOrganisationIsAudited) {
  SystemRandom random;
  auto demo = services::ensure_demo_organisation(*database, clock, random);
  ASSERT_TRUE(demo);
  auto rows = database->transact(store::Access::read, [](store::Connection& connection) {
    return connection.query("SELECT action, subject, details FROM audit_log");
  });
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().text(0), "organisation.created");
  EXPECT_EQ(rows->front().text(1), "organisation:" + demo->organisation_id);
  EXPECT_NE(rows->front().text(2).find("\"code\":\"DEMO\""), std::string::npos);
  EXPECT_FALSE(verify().broken_at);
}

LIAISON_INSTANTIATE_STORE_TEST(AuditLog);

}  // namespace
}  // namespace liaison::testing
