#pragma once

#include <memory>
#include <string>

#include "store/connection_pool.h"
#include "store/database.h"

namespace liaison::store {

//! The embedded store: one SQLite file in WAL mode, foreign keys on, a busy timeout, one writer
//! connection (SQLite allows one writer at a time anyway) and a pool of read-only readers.
class SqliteDatabase final : public Database {
 public:
  static Result<std::unique_ptr<SqliteDatabase>> open(const std::string& path,
                                                      const DatabaseOptions& options);

  // Database
  Dialect dialect() const override { return Dialect::sqlite; }
  std::string display_url() const override { return "sqlite://" + path_; }

 protected:
  // Database
  Result<Lease> acquire(Access access) override;
  std::string_view begin_statement(Access access) const override;

 private:
  SqliteDatabase(std::string path, const DatabaseOptions& options);

  std::string path_;
  ConnectionPool writer_;
  ConnectionPool readers_;
};

}  // namespace liaison::store
