#include "store/migrations.h"

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/random.h"
#include "store/engines.h"

namespace liaison::testing {
namespace {

using MigrationsTest = StoreTest;

TEST_P(MigrationsTest, EmptyDatabaseNeedsMigratingAndServesNothing) {
  auto database = database_.open();
  auto status = store::schema_status(*database);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(status->current_version, 0);
  EXPECT_GE(status->latest_version, 1);
  EXPECT_FALSE(status->up_to_date());

  auto checked = store::check_schema(*database);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, ErrorCode::conflict);
  EXPECT_NE(checked.error().message.find("liaison migrate"), std::string::npos);
}

TEST_P(MigrationsTest, MigrateAppliesEverythingOnceAndSurvivesReopen) {
  SystemClock clock;
  SystemRandom random;
  {
    auto database = database_.open();
    auto first = store::migrate(*database, clock, random);
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_FALSE(first->applied.empty());
    EXPECT_EQ(first->applied.front(), "0001_reference_data");
    EXPECT_TRUE(first->reference_data_loaded);
    EXPECT_TRUE(store::check_schema(*database));
  }
  // Reopen, as after a restart: the schema is there and a second run changes nothing.
  auto database = database_.open();
  EXPECT_TRUE(store::check_schema(*database));
  auto second = store::migrate(*database, clock, random);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_TRUE(second->applied.empty());
  EXPECT_FALSE(second->reference_data_loaded);
}

TEST_P(MigrationsTest, RefusesASchemaNewerThanTheProgram) {
  auto database = database_.open_migrated();
  auto inserted = database->transact(store::Access::write, [](store::Connection& connection) {
    return connection.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) "
        "VALUES (9999, 'from_the_future', '2030-01-01T00:00:00.000000Z')");
  });
  ASSERT_TRUE(inserted) << inserted.error().message;

  auto checked = store::check_schema(*database);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, ErrorCode::conflict);
  EXPECT_NE(checked.error().message.find("newer"), std::string::npos) << checked.error().message;

  SystemClock clock;
  SystemRandom random;
  auto migrated = store::migrate(*database, clock, random);
  ASSERT_FALSE(migrated);
  EXPECT_NE(migrated.error().message.find("newer"), std::string::npos);
}

TEST_P(MigrationsTest, ChangedReferenceDataIsReloadedKeepingOrganisationIds) {
  auto database = database_.open_migrated();
  auto read_ids = [&] {
    return database->transact(store::Access::read, [](store::Connection& connection) {
      return connection.query("SELECT code, id FROM organisations ORDER BY code");
    });
  };
  auto before = read_ids();
  ASSERT_TRUE(before);

  // As if the program had been upgraded with new data/ files.
  auto outdated = database->transact(store::Access::write, [](store::Connection& connection) {
    return connection.execute("UPDATE reference_data SET checksum = 'older'");
  });
  ASSERT_TRUE(outdated);
  auto status = store::schema_status(*database);
  ASSERT_TRUE(status);
  EXPECT_FALSE(status->reference_data_current);
  EXPECT_FALSE(store::check_schema(*database));

  SystemClock clock;
  SystemRandom random;
  auto migrated = store::migrate(*database, clock, random);
  ASSERT_TRUE(migrated) << migrated.error().message;
  EXPECT_TRUE(migrated->reference_data_loaded);
  EXPECT_TRUE(store::check_schema(*database));

  auto after = read_ids();
  ASSERT_TRUE(after);
  ASSERT_EQ(before->size(), after->size());
  for (std::size_t i = 0; i < before->size(); ++i) {
    EXPECT_EQ((*before)[i].text(1), (*after)[i].text(1)) << (*before)[i].text(0);
  }
}

LIAISON_INSTANTIATE_STORE_TEST(MigrationsTest);

}  // namespace
}  // namespace liaison::testing
