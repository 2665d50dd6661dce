#include "store/migrations.h"

#include <algorithm>
#include <charconv>
#include <map>

#include <fmt/format.h>

#include "store/embedded_migrations.h"
#include "store/reference_data.h"

namespace liaison::store {
namespace {

struct Migration {
  int version = 0;
  std::string name;
  std::string sql;
};

// Files are NNNN_name.sql, run on both engines, plus NNNN_name.sqlite.sql or
// NNNN_name.postgresql.sql for what only one engine needs (triggers, say): a version runs its
// shared part first, then its part for the engine at hand, in one transaction.
std::vector<Migration> known_migrations(Dialect dialect) {
  std::string_view own_suffix = dialect == Dialect::sqlite ? ".sqlite.sql" : ".postgresql.sql";
  std::string_view other_suffix = dialect == Dialect::sqlite ? ".postgresql.sql" : ".sqlite.sql";
  struct Parts {
    std::string name;
    std::string_view shared;
    std::string_view own;
  };
  std::map<int, Parts> by_version;
  for (const auto& file : migration_files::files()) {
    std::string_view path = file.path;
    if (path.ends_with(other_suffix)) continue;
    bool own = path.ends_with(own_suffix);
    int version = 0;
    std::from_chars(path.data(), path.data() + path.size(), version);
    auto stem = path.substr(0, path.size() - (own ? own_suffix.size() : 4));
    auto& parts = by_version[version];
    parts.name = std::string(stem.substr(stem.find('_') + 1));
    (own ? parts.own : parts.shared) = file.content;
  }
  std::vector<Migration> migrations;
  migrations.reserve(by_version.size());
  for (const auto& [version, parts] : by_version) {
    migrations.push_back(
        {version, parts.name, std::string(parts.shared) + "\n" + std::string(parts.own)});
  }
  return migrations;
}

constexpr std::string_view kCreateMigrationTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

Result<bool> table_exists(Connection& connection, std::string_view table) {
  auto sql = connection.dialect() == Dialect::sqlite
                 ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1"
                 : "SELECT count(*) FROM information_schema.tables "
                   "WHERE table_schema = current_schema() AND table_name = $1";
  Value parameters[] = {std::string(table)};
  auto rows = connection.query(sql, parameters);
  if (!rows) return rows.error();
  return rows->front().integer(0) > 0;
}

Result<int> current_version(Connection& connection) {
  auto exists = table_exists(connection, "schema_migrations");
  if (!exists) return exists.error();
  if (!*exists) return 0;
  auto rows = connection.query("SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!rows) return rows.error();
  return static_cast<int>(rows->front().integer(0));
}

Result<bool> reference_data_current(Connection& connection) {
  auto exists = table_exists(connection, "reference_data");
  if (!exists) return exists.error();
  if (!*exists) return false;
  auto rows = connection.query("SELECT checksum FROM reference_data WHERE id = 1");
  if (!rows) return rows.error();
  return !rows->empty() && rows->front().text(0) == reference_data_checksum();
}

Result<SchemaStatus> status_on(Connection& connection) {
  SchemaStatus status;
  auto migrations = known_migrations(connection.dialect());
  status.latest_version = migrations.empty() ? 0 : migrations.back().version;
  auto current = current_version(connection);
  if (!current) return current.error();
  status.current_version = *current;
  auto reference = reference_data_current(connection);
  if (!reference) return reference.error();
  status.reference_data_current = *reference;
  return status;
}

Error newer_schema(const SchemaStatus& status) {
  return Error::conflict(
      fmt::format("the database schema is at version {}, newer than this program knows ({}); "
                  "run the newer liaison that migrated it, or restore a backup",
                  status.current_version, status.latest_version));
}

// Serialises concurrent `migrate` runs; SQLite's single writer already does so.
Result<void> lock_migrations(Connection& connection) {
  if (connection.dialect() != Dialect::postgresql) return {};
  auto locked = connection.query("SELECT pg_advisory_xact_lock(7369026)");
  if (!locked) return locked.error();
  return {};
}

}  // namespace

Result<SchemaStatus> schema_status(Database& database) {
  return database.transact(Access::read,
                           [](Connection& connection) { return status_on(connection); });
}

Result<MigrationReport> migrate(Database& database, const Clock& clock, RandomSource& random) {
  MigrationReport report;
  auto migrations = known_migrations(database.dialect());
  for (const auto& migration : migrations) {
    auto applied = database.transact(Access::write, [&](Connection& connection) -> Result<bool> {
      LIAISON_TRY(lock_migrations(connection));
      if (auto created = connection.execute(kCreateMigrationTable); !created)
        return created.error();
      auto status = status_on(connection);
      if (!status) return status.error();
      if (status->current_version > status->latest_version) return newer_schema(*status);
      if (status->current_version >= migration.version) return false;
      if (status->current_version != migration.version - 1) {
        return Error::internal(fmt::format("migration {} is missing before {}",
                                           migration.version - 1, migration.name));
      }
      if (auto done = connection.execute_script(migration.sql); !done) {
        return Error{done.error().code, fmt::format("migration {:04d}_{}: {}", migration.version,
                                                    migration.name, done.error().message)};
      }
      Value parameters[] = {std::int64_t{migration.version}, migration.name,
                            format_utc(clock.now())};
      auto recorded = connection.execute(
          "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
          parameters);
      if (!recorded) return recorded.error();
      return true;
    });
    if (!applied) return applied.error();
    if (*applied)
      report.applied.push_back(fmt::format("{:04d}_{}", migration.version, migration.name));
  }

  auto loaded = database.transact(Access::write, [&](Connection& connection) -> Result<bool> {
    LIAISON_TRY(lock_migrations(connection));
    auto status = status_on(connection);
    if (!status) return status.error();
    if (status->current_version > status->latest_version) return newer_schema(*status);
    if (status->reference_data_current) return false;
    LIAISON_TRY(load_reference_data(connection, clock, random));
    return true;
  });
  if (!loaded) return loaded.error();
  report.reference_data_loaded = *loaded;
  return report;
}

Result<void> check_schema(Database& database) {
  auto status = schema_status(database);
  if (!status) return status.error();
  if (status->current_version > status->latest_version) return newer_schema(*status);
  if (!status->up_to_date()) {
    return Error::conflict(fmt::format(
        "the database needs migrating (schema version {} of {}{}); run `liaison migrate`",
        status->current_version, status->latest_version,
        status->reference_data_current ? "" : ", reference data out of date"));
  }
  return {};
}

}  // namespace liaison::store
