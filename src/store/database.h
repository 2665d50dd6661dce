#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "base/error.h"

namespace liaison::store {

//! The two SQL engines Liaison runs on. Queries are written once in the SQL both understand
//! (parameters as $1, $2, …); where they differ, code asks the connection's dialect.
enum class Dialect { sqlite, postgresql };

//! Whether a transaction only reads. SQLite serialises writers on one connection; PostgreSQL
//! runs read-only transactions as such.
enum class Access { read, write };

//! A value bound to a statement or read from a result: NULL, an integer, a real or text.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

//! Empty text is stored as NULL (optional references, optional codes).
inline Value text_or_null(const std::string& text) {
  return text.empty() ? Value{} : Value{text};
}

//! One result row. Accessors convert between text and integer as the engines report them.
class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  std::size_t size() const { return values_.size(); }
  bool is_null(std::size_t column) const;
  //! The column as text; empty for NULL.
  std::string text(std::size_t column) const;
  //! The column as text; nullopt for NULL.
  std::optional<std::string> optional_text(std::size_t column) const {
    if (is_null(column)) return std::nullopt;
    return text(column);
  }
  std::int64_t integer(std::size_t column) const;
  bool boolean(std::size_t column) const { return integer(column) != 0; }

 private:
  std::vector<Value> values_;
};

using Rows = std::vector<Row>;

//! One session with the database, used by one thread at a time inside a transaction that
//! Database::transact opened.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  //! Runs one statement and returns its rows (none for statements that return nothing).
  virtual Result<Rows> query(std::string_view sql, std::span<const Value> parameters = {}) = 0;
  //! Runs one statement, returns the number of rows it changed.
  virtual Result<std::int64_t> execute(std::string_view sql,
                                       std::span<const Value> parameters = {}) = 0;
  //! Runs several statements separated by semicolons, without parameters (migrations).
  virtual Result<void> execute_script(std::string_view sql) = 0;
  //! False once the connection is broken and must not go back to the pool.
  virtual bool healthy() const = 0;
};

struct DatabaseOptions {
  //! Most connections open at once (readers for SQLite, all connections for PostgreSQL).
  std::size_t pool_size = 8;
  //! How long a caller waits for a free connection, and SQLite waits for a lock.
  std::chrono::milliseconds acquire_timeout{5000};
};

//! A database: a pool of connections and the transactions run on them. Thread-safe.
class Database {
 public:
  class Lease;

  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;
  //! The URL the database was opened with, with any password removed, for logs and messages.
  virtual std::string display_url() const = 0;

  //! Runs `work(Connection&)` in one transaction: committed when it returns a value, rolled
  //! back when it returns an error or throws. `work` returns a Result<T>.
  template <class Work>
  auto transact(Access access, Work&& work) -> std::invoke_result_t<Work, Connection&>;

  //! Checks that the database answers (used by /readyz).
  Result<void> ping();

 protected:
  virtual Result<Lease> acquire(Access access) = 0;
  virtual std::string_view begin_statement(Access access) const = 0;
};

//! A connection borrowed from a Database's pool; given back when destroyed.
class Database::Lease {
 public:
  using Release = std::function<void(std::unique_ptr<Connection>)>;
  Lease(std::unique_ptr<Connection> connection, Release release)
      : connection_(std::move(connection)), release_(std::move(release)) {}
  Lease(Lease&&) noexcept = default;
  Lease& operator=(Lease&&) noexcept = default;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease() {
    if (connection_ && release_) release_(std::move(connection_));
  }
  Connection& operator*() const { return *connection_; }

 private:
  std::unique_ptr<Connection> connection_;
  Release release_;
};

template <class Work>
auto Database::transact(Access access, Work&& work) -> std::invoke_result_t<Work, Connection&> {
  auto lease = acquire(access);
  if (!lease) return lease.error();
  Connection& connection = **lease;
  if (auto begun = connection.execute(begin_statement(access)); !begun) return begun.error();
  try {
    auto result = work(connection);
    if (!result) {
      (void)connection.execute("ROLLBACK");
      return result;
    }
    if (auto committed = connection.execute("COMMIT"); !committed) {
      (void)connection.execute("ROLLBACK");
      return committed.error();
    }
    return result;
  } catch (...) {
    (void)connection.execute("ROLLBACK");
    throw;
  }
}

//! Opens the database a store URL names: `sqlite:///absolute/path.db`, `sqlite:relative.db`,
//! `postgresql://user@host:port/name?…` (any URL libpq accepts).
Result<std::unique_ptr<Database>> open_database(std::string_view url,
                                                const DatabaseOptions& options = {});

}  // namespace liaison::store
