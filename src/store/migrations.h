#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/error.h"
#include "base/random.h"
#include "store/database.h"

namespace liaison::store {

//! Where a database stands against the schema this program was built with.
struct SchemaStatus {
  int current_version = 0;              //!< highest migration applied (0: empty database)
  int latest_version = 0;               //!< highest migration this program knows
  bool reference_data_current = false;  //!< data/ as compiled in is what the database holds

  bool up_to_date() const { return current_version == latest_version && reference_data_current; }
};

struct MigrationReport {
  std::vector<std::string> applied;  //!< names of the migrations applied, in order
  bool reference_data_loaded = false;
};

Result<SchemaStatus> schema_status(Database& database);

//! Applies every pending migration, each in its own transaction, then brings the reference data
//! in step with data/. Refuses a database whose schema is newer than this program. Safe to run
//! from several instances at once (PostgreSQL: advisory lock; SQLite: one writer).
Result<MigrationReport> migrate(Database& database, const Clock& clock, RandomSource& random);

//! Succeeds only when the database is exactly at this program's schema and reference data;
//! otherwise says whether to run `liaison migrate` or to upgrade the program.
Result<void> check_schema(Database& database);

}  // namespace liaison::store
