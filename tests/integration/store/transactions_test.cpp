#include <atomic>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "store/engines.h"
#include "store/reference_store.h"

namespace liaison::testing {
namespace {

using TransactionsTest = StoreTest;

domain::Organisation organisation(std::string id, std::string code) {
  return {std::move(id), std::move(code), "Test organisation", "member", false};
}

Result<long> organisation_count(store::Database& database) {
  return database.transact(store::Access::read, [](store::Connection& connection) -> Result<long> {
    auto rows = connection.query("SELECT count(*) FROM organisations");
    if (!rows) return rows.error();
    return static_cast<long>(rows->front().integer(0));
  });
}

TEST_P(TransactionsTest, CommitsWhenTheWorkSucceeds) {
  {
    auto database = database_.open_migrated();
    auto done = database->transact(store::Access::write, [](store::Connection& connection) {
      return store::ReferenceStore(connection)
          .insert_organisation(organisation("00000000-0000-7000-8000-000000000001", "TEST"),
                               "2026-01-01T00:00:00.000000Z");
    });
    ASSERT_TRUE(done) << done.error().message;
  }
  auto reopened = database_.open();
  auto found = reopened->transact(store::Access::read, [](store::Connection& connection) {
    return store::ReferenceStore(connection).find_organisation("test");
  });
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id, "00000000-0000-7000-8000-000000000001");
}

TEST_P(TransactionsTest, RollsBackWhenTheWorkFails) {
  auto database = database_.open_migrated();
  auto before = organisation_count(*database);
  ASSERT_TRUE(before);
  auto failed =
      database->transact(store::Access::write, [](store::Connection& connection) -> Result<void> {
        LIAISON_TRY(
            store::ReferenceStore(connection)
                .insert_organisation(organisation("00000000-0000-7000-8000-000000000002", "GONE"),
                                     "2026-01-01T00:00:00.000000Z"));
        return Error::invalid_argument("changed my mind");
      });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "changed my mind");
  EXPECT_EQ(organisation_count(*database).value(), *before);
}

TEST_P(TransactionsTest, RollsBackWhenTheWorkThrows) {
  auto database = database_.open_migrated();
  auto before = organisation_count(*database).value();
  EXPECT_THROW(
      database->transact(store::Access::write,
                         [](store::Connection& connection) -> Result<void> {
                           LIAISON_TRY(
                               store::ReferenceStore(connection)
                                   .insert_organisation(
                                       organisation("00000000-0000-7000-8000-000000000003", "BOOM"),
                                       "2026-01-01T00:00:00.000000Z"));
                           throw std::runtime_error("bug");
                         }),
      std::runtime_error);
  EXPECT_EQ(organisation_count(*database).value(), before);
  // The connection went back to the pool usable.
  EXPECT_TRUE(database->ping());
}

TEST_P(TransactionsTest, ConstraintViolationIsAConflict) {
  auto database = database_.open_migrated();
  auto duplicate = database->transact(store::Access::write, [](store::Connection& connection) {
    return store::ReferenceStore(connection)
        .insert_organisation(organisation("00000000-0000-7000-8000-000000000004", "OSCE"),
                             "2026-01-01T00:00:00.000000Z");
  });
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, ErrorCode::conflict) << duplicate.error().message;
}

TEST_P(TransactionsTest, ForeignKeysAreEnforced) {
  auto database = database_.open_migrated();
  auto dangling = database->transact(store::Access::write, [](store::Connection& connection) {
    return store::ReferenceStore(connection)
        .add_member("00000000-0000-7000-8000-00000000ffff", "FR");
  });
  ASSERT_FALSE(dangling);
  EXPECT_EQ(dangling.error().code, ErrorCode::conflict) << dangling.error().message;
}

TEST_P(TransactionsTest, ReadTransactionsCannotWrite) {
  auto database = database_.open_migrated();
  auto written = database->transact(store::Access::read, [](store::Connection& connection) {
    return connection.execute("DELETE FROM memberships");
  });
  EXPECT_FALSE(written);
  EXPECT_EQ(organisation_count(*database).value() > 0, true);
}

TEST_P(TransactionsTest, ReadersRunBesideAWriter) {
  auto database = database_.open_migrated();
  std::atomic<bool> failed{false};
  std::vector<std::thread> readers;
  for (int thread = 0; thread < 4; ++thread) {
    readers.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto count = organisation_count(*database);
        if (!count || *count < 6) failed = true;
      }
    });
  }
  for (int i = 0; i < 20; ++i) {
    auto id = fmt::format("00000000-0000-7000-8000-{:012d}", 100 + i);
    auto done = database->transact(store::Access::write, [&](store::Connection& connection) {
      return store::ReferenceStore(connection)
          .insert_organisation(organisation(id, fmt::format("T{}", i)),
                               "2026-01-01T00:00:00.000000Z");
    });
    EXPECT_TRUE(done) << done.error().message;
  }
  for (auto& reader : readers)
    reader.join();
  EXPECT_FALSE(failed);
  EXPECT_EQ(organisation_count(*database).value(), 26);
}

LIAISON_INSTANTIATE_STORE_TEST(TransactionsTest);

TEST(OpenDatabase, RejectsUnknownSchemesAndBadUrls) {
  auto unknown = store::open_database("mysql://localhost/x");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(unknown.error().message.find("mysql"), std::string::npos);
  EXPECT_FALSE(store::open_database("not a url"));
}

TEST(OpenDatabase, UnreachablePostgresIsUnavailableAndHidesThePassword) {
  auto database =
      store::open_database("postgresql://someone:secret@127.0.0.1:1/nothing?connect_timeout=2");
  ASSERT_FALSE(database);
  EXPECT_EQ(database.error().code, ErrorCode::unavailable);
  EXPECT_EQ(database.error().message.find("secret"), std::string::npos) << database.error().message;
}

TEST(OpenDatabase, SqliteInAMissingDirectoryFails) {
  auto database = store::open_database("sqlite:///nonexistent-directory/liaison.db");
  ASSERT_FALSE(database);
  EXPECT_EQ(database.error().code, ErrorCode::unavailable);
}

}  // namespace
}  // namespace liaison::testing
