#include "store/sqlite_database.h"

#include <unordered_map>

#include <fmt/format.h>
#include <sqlite3.h>

namespace liaison::store {
namespace {

enum class Mode { read_write, read_only };

Error sqlite_error(sqlite3* handle, int code, std::string_view doing) {
  auto message =
      fmt::format("sqlite: {}: {}", doing, handle ? sqlite3_errmsg(handle) : sqlite3_errstr(code));
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error::unavailable(std::move(message));
    case SQLITE_CONSTRAINT:
      return Error::conflict(std::move(message));
    default:
      return Error::internal(std::move(message));
  }
}

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(sqlite3* handle) : handle_(handle) {}
  ~SqliteConnection() override {
    for (auto& [sql, statement] : statements_)
      sqlite3_finalize(statement);
    sqlite3_close_v2(handle_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // Connection
  Dialect dialect() const override { return Dialect::sqlite; }
  bool healthy() const override { return true; }

  Result<Rows> query(std::string_view sql, std::span<const Value> parameters) override {
    Rows rows;
    auto done = run(sql, parameters, &rows);
    if (!done) return done.error();
    return rows;
  }

  Result<std::int64_t> execute(std::string_view sql, std::span<const Value> parameters) override {
    auto done = run(sql, parameters, nullptr);
    if (!done) return done.error();
    return static_cast<std::int64_t>(sqlite3_changes64(handle_));
  }

  Result<void> execute_script(std::string_view sql) override {
    std::string script(sql);
    char* message = nullptr;
    int code = sqlite3_exec(handle_, script.c_str(), nullptr, nullptr, &message);
    if (code != SQLITE_OK) {
      std::string text = message ? message : sqlite3_errstr(code);
      sqlite3_free(message);
      auto error = sqlite_error(nullptr, code, "script");
      error.message = "sqlite: script: " + text;
      return error;
    }
    return {};
  }

 private:
  // Statements are prepared once per connection and kept: the directory is read far more often
  // than it changes, and preparing costs more than running a small query.
  Result<sqlite3_stmt*> prepare(std::string_view sql) {
    std::string key(sql);
    if (auto it = statements_.find(key); it != statements_.end()) return it->second;
    sqlite3_stmt* statement = nullptr;
    int code = sqlite3_prepare_v3(handle_, key.data(), static_cast<int>(key.size()),
                                  SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (code != SQLITE_OK) return sqlite_error(handle_, code, "prepare");
    statements_.emplace(std::move(key), statement);
    return statement;
  }

  Result<void> bind(sqlite3_stmt* statement, std::span<const Value> parameters) {
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      auto name = fmt::format("${}", i + 1);
      int index = sqlite3_bind_parameter_index(statement, name.c_str());
      if (index == 0) continue;  // parameter not used by this statement
      const auto& value = parameters[i];
      int code = SQLITE_OK;
      if (std::holds_alternative<std::monostate>(value)) {
        code = sqlite3_bind_null(statement, index);
      } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
        code = sqlite3_bind_int64(statement, index, *integer);
      } else if (const auto* real = std::get_if<double>(&value)) {
        code = sqlite3_bind_double(statement, index, *real);
      } else {
        const auto& text = std::get<std::string>(value);
        code = sqlite3_bind_text64(statement, index, text.data(), text.size(), SQLITE_TRANSIENT,
                                   SQLITE_UTF8);
      }
      if (code != SQLITE_OK) return sqlite_error(handle_, code, "bind");
    }
    return {};
  }

  Result<void> run(std::string_view sql, std::span<const Value> parameters, Rows* rows) {
    auto prepared = prepare(sql);
    if (!prepared) return prepared.error();
    sqlite3_stmt* statement = *prepared;
    struct Reset {
      sqlite3_stmt* statement;
      ~Reset() {
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement);
      }
    } reset{statement};
    LIAISON_TRY(bind(statement, parameters));
    for (;;) {
      int code = sqlite3_step(statement);
      if (code == SQLITE_DONE) return {};
      if (code != SQLITE_ROW) return sqlite_error(handle_, code, "step");
      if (!rows) continue;
      int columns = sqlite3_column_count(statement);
      std::vector<Value> values;
      values.reserve(static_cast<std::size_t>(columns));
      for (int column = 0; column < columns; ++column) {
        switch (sqlite3_column_type(statement, column)) {
          case SQLITE_NULL:
            values.emplace_back(std::monostate{});
            break;
          case SQLITE_INTEGER:
            values.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(statement, column)));
            break;
          case SQLITE_FLOAT:
            values.emplace_back(sqlite3_column_double(statement, column));
            break;
          default: {
            const auto* text =
                reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
            auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement, column));
            values.emplace_back(std::string(text ? text : "", size));
          }
        }
      }
      rows->emplace_back(std::move(values));
    }
  }

  sqlite3* handle_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

Result<std::unique_ptr<Connection>> open_connection(const std::string& path, Mode mode,
                                                    std::chrono::milliseconds busy_timeout) {
  sqlite3* handle = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (mode == Mode::read_write) flags |= SQLITE_OPEN_CREATE;
  int code = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  if (code != SQLITE_OK) {
    auto error =
        Error::unavailable(fmt::format("sqlite: cannot open \"{}\": {}", path,
                                       handle ? sqlite3_errmsg(handle) : sqlite3_errstr(code)));
    sqlite3_close_v2(handle);
    return error;
  }
  auto connection = std::make_unique<SqliteConnection>(handle);
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, static_cast<int>(busy_timeout.count()));
  // WAL lets readers run beside the writer; FULL makes every commit durable across power loss,
  // which the contract "a crash loses no committed data" needs.
  std::string pragmas =
      "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA trusted_schema = OFF;";
  if (mode == Mode::read_write) {
    pragmas = "PRAGMA journal_mode = WAL; " + pragmas;
  } else {
    pragmas += " PRAGMA query_only = ON;";
  }
  LIAISON_TRY(connection->execute_script(pragmas));
  return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace

SqliteDatabase::SqliteDatabase(std::string path, const DatabaseOptions& options)
    : path_(std::move(path)),
      writer_(
          [this, timeout = options.acquire_timeout] {
            return open_connection(path_, Mode::read_write, timeout);
          },
          1, options.acquire_timeout),
      readers_(
          [this, timeout = options.acquire_timeout] {
            return open_connection(path_, Mode::read_only, timeout);
          },
          options.pool_size, options.acquire_timeout) {}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open(const std::string& path,
                                                             const DatabaseOptions& options) {
  std::unique_ptr<SqliteDatabase> database(new SqliteDatabase(path, options));
  // Open the writer now: it creates the file and switches it to WAL before any reader opens it,
  // and a wrong path fails here rather than at the first request.
  auto writer = database->writer_.acquire();
  if (!writer) return writer.error();
  return database;
}

Result<Database::Lease> SqliteDatabase::acquire(Access access) {
  return access == Access::write ? writer_.acquire() : readers_.acquire();
}

std::string_view SqliteDatabase::begin_statement(Access access) const {
  // IMMEDIATE takes the write lock at BEGIN, so a writer never fails half-way on a lock upgrade.
  return access == Access::write ? "BEGIN IMMEDIATE" : "BEGIN";
}

}  // namespace liaison::store
