#include "support/test_database.h"

#include <array>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include "base/clock.h"
#include "base/random.h"
#include "store/migrations.h"

namespace liaison::testing {
namespace {

std::string random_suffix() {
  SystemRandom random;
  std::array<std::byte, 6> bytes{};
  random.fill(bytes);
  return to_hex(bytes);
}

void admin_execute(const std::string& sql) {
  auto url = postgres_admin_url();
  PGconn* connection = PQconnectdb(url.c_str());
  if (PQstatus(connection) != CONNECTION_OK) {
    std::string message = PQerrorMessage(connection);
    PQfinish(connection);
    throw std::runtime_error("cannot reach the PostgreSQL test cluster: " + message);
  }
  PGresult* result = PQexec(connection, sql.c_str());
  auto status = PQresultStatus(result);
  std::string message = PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(connection);
  if (status != PGRES_COMMAND_OK) throw std::runtime_error(sql + ": " + message);
}

}  // namespace

std::filesystem::path make_temp_directory(std::string_view prefix) {
  auto path =
      std::filesystem::temp_directory_path() / fmt::format("{}-{}", prefix, random_suffix());
  std::filesystem::create_directories(path);
  return path;
}

std::string postgres_admin_url() {
  if (const char* url = std::getenv("LIAISON_TEST_POSTGRES_URL"); url && *url) return url;
  std::ifstream file(LIAISON_POSTGRES_URL_FILE);
  std::string url;
  std::getline(file, url);
  return url;
}

TestDatabase::TestDatabase(Engine engine) : engine_(engine) {
  if (engine == Engine::sqlite) {
    directory_ = make_temp_directory("liaison-test");
    url_ = "sqlite://" + (directory_ / "liaison.db").string();
    return;
  }
  auto admin = postgres_admin_url();
  if (admin.empty()) {
    throw std::runtime_error(
        "no PostgreSQL test cluster: run the tests through ctest (fixture \"postgresql\") or set "
        "LIAISON_TEST_POSTGRES_URL");
  }
  name_ = "liaison_test_" + random_suffix();
  admin_execute(fmt::format("CREATE DATABASE {}", name_));
  auto slash = admin.rfind('/');
  url_ = admin.substr(0, slash + 1) + name_;
}

TestDatabase::~TestDatabase() {
  if (engine_ == Engine::sqlite) {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  } else if (!dropped_) {
    try {
      drop();
    } catch (const std::exception& error) {
      ADD_FAILURE() << error.what();
    }
  }
}

void TestDatabase::drop() {
  admin_execute(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name_));
  dropped_ = true;
}

std::unique_ptr<store::Database> TestDatabase::open() const {
  auto database = store::open_database(url_);
  if (!database) throw std::runtime_error("cannot open " + url_ + ": " + database.error().message);
  return std::move(*database);
}

std::unique_ptr<store::Database> TestDatabase::open_migrated() const {
  auto database = open();
  SystemClock clock;
  SystemRandom random;
  auto migrated = store::migrate(*database, clock, random);
  if (!migrated) throw std::runtime_error("migration failed: " + migrated.error().message);
  return database;
}

}  // namespace liaison::testing
