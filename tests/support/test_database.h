#pragma once

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

#include "store/database.h"

namespace liaison::testing {

enum class Engine { sqlite, postgresql };

inline std::ostream& operator<<(std::ostream& out, Engine engine) {
  return out << (engine == Engine::sqlite ? "sqlite" : "postgresql");
}

//! A fresh, empty database for one test: a file in a temporary directory for SQLite, a new
//! database in the suite's throw-away cluster for PostgreSQL. Removed when destroyed.
//! A PostgreSQL test without a cluster fails; it never skips silently.
class TestDatabase {
 public:
  explicit TestDatabase(Engine engine);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  Engine engine() const { return engine_; }
  const std::string& url() const { return url_; }
  //! Opens a new Database on it; may be called again to simulate a restart.
  std::unique_ptr<store::Database> open() const;
  //! Opens and migrates (reference data included).
  std::unique_ptr<store::Database> open_migrated() const;
  //! PostgreSQL only: terminates every connection to it and drops it, as an outage would.
  void drop();

 private:
  Engine engine_;
  std::string url_;
  std::string name_;
  std::filesystem::path directory_;
  bool dropped_ = false;
};

//! The URL of the suite's PostgreSQL cluster: LIAISON_TEST_POSTGRES_URL, else the file the
//! CTest fixture wrote. Empty when neither exists.
std::string postgres_admin_url();

//! A unique directory under the system temporary directory.
std::filesystem::path make_temp_directory(std::string_view prefix);

}  // namespace liaison::testing
