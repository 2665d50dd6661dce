#pragma once

#include <memory>
#include <string>

#include "store/connection_pool.h"
#include "store/database.h"

namespace liaison::store {

//! The production store: PostgreSQL through libpq, a pool of connections shared by all threads.
class PostgresDatabase final : public Database {
 public:
  static Result<std::unique_ptr<PostgresDatabase>> open(std::string url,
                                                        const DatabaseOptions& options);

  // Database
  Dialect dialect() const override { return Dialect::postgresql; }
  std::string display_url() const override { return display_url_; }

 protected:
  // Database
  Result<Lease> acquire(Access access) override;
  std::string_view begin_statement(Access access) const override;

 private:
  PostgresDatabase(std::string url, const DatabaseOptions& options);

  std::string url_;
  std::string display_url_;
  ConnectionPool pool_;
};

}  // namespace liaison::store
