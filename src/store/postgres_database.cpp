#include "store/postgres_database.h"

#include <memory>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <fmt/format.h>
#include <libpq-fe.h>

namespace liaison::store {
namespace {

// Type OIDs from PostgreSQL's catalog (pg_type.dat); results arrive as text and these columns
// are turned back into integers.
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kFloat8Oid = 701;

Error postgres_error(const PGresult* result, PGconn* handle, std::string_view doing) {
  std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(handle);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
    message.pop_back();
  auto text = fmt::format("postgresql: {}: {}", doing, message);
  if (PQstatus(handle) != CONNECTION_OK) return Error::unavailable(std::move(text));
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string_view sqlstate = state ? state : "";
  if (sqlstate.starts_with("23")) return Error::conflict(std::move(text));  // integrity violation
  if (sqlstate.starts_with("08") || sqlstate.starts_with("57P") || sqlstate == "40001" ||
      sqlstate == "40P01") {
    return Error::unavailable(std::move(text));
  }
  return Error::internal(std::move(text));
}

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// libpq wants $1-style parameters too, so queries pass through unchanged.
class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(PGconn* handle) : handle_(handle) {}
  ~PostgresConnection() override { PQfinish(handle_); }
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  // Connection
  Dialect dialect() const override { return Dialect::postgresql; }
  bool healthy() const override { return PQstatus(handle_) == CONNECTION_OK; }

  Result<Rows> query(std::string_view sql, std::span<const Value> parameters) override {
    auto result = run(sql, parameters);
    if (!result) return result.error();
    PGresult* pg = result->get();
    Rows rows;
    int row_count = PQntuples(pg);
    int column_count = PQnfields(pg);
    rows.reserve(static_cast<std::size_t>(row_count));
    for (int row = 0; row < row_count; ++row) {
      std::vector<Value> values;
      values.reserve(static_cast<std::size_t>(column_count));
      for (int column = 0; column < column_count; ++column) {
        if (PQgetisnull(pg, row, column)) {
          values.emplace_back(std::monostate{});
          continue;
        }
        std::string_view text(PQgetvalue(pg, row, column),
                              static_cast<std::size_t>(PQgetlength(pg, row, column)));
        switch (PQftype(pg, column)) {
          case kBoolOid:
            values.emplace_back(std::int64_t{text == "t" ? 1 : 0});
            break;
          case kInt2Oid:
          case kInt4Oid:
          case kInt8Oid:
            values.emplace_back(std::int64_t{std::stoll(std::string(text))});
            break;
          case kFloat8Oid:
            values.emplace_back(std::stod(std::string(text)));
            break;
          default:
            values.emplace_back(std::string(text));
        }
      }
      rows.emplace_back(std::move(values));
    }
    return rows;
  }

  Result<std::int64_t> execute(std::string_view sql, std::span<const Value> parameters) override {
    auto result = run(sql, parameters);
    if (!result) return result.error();
    std::string_view affected = PQcmdTuples(result->get());
    return affected.empty() ? std::int64_t{0} : std::stoll(std::string(affected));
  }

  Result<void> execute_script(std::string_view sql) override {
    ResultPtr result(PQexec(handle_, std::string(sql).c_str()));
    auto status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return postgres_error(result.get(), handle_, "script");
    }
    return {};
  }

 private:
  Result<ResultPtr> run(std::string_view sql, std::span<const Value> parameters) {
    std::vector<std::string> texts(parameters.size());
    std::vector<const char*> pointers(parameters.size(), nullptr);
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      const auto& value = parameters[i];
      if (std::holds_alternative<std::monostate>(value)) continue;
      if (const auto* integer = std::get_if<std::int64_t>(&value)) {
        texts[i] = std::to_string(*integer);
      } else if (const auto* real = std::get_if<double>(&value)) {
        texts[i] = fmt::format("{}", *real);
      } else {
        texts[i] = std::get<std::string>(value);
      }
      pointers[i] = texts[i].c_str();
    }
    ResultPtr result(PQexecParams(handle_, std::string(sql).c_str(),
                                  static_cast<int>(parameters.size()), nullptr, pointers.data(),
                                  nullptr, nullptr, 0));
    auto status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return postgres_error(result.get(), handle_, "query");
    }
    return result;
  }

  PGconn* handle_;
};

std::string without_password(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return "postgresql://…";
  boost::urls::url copy(*parsed);
  if (copy.has_password()) copy.set_password("***");
  for (auto param : copy.params()) {
    if (param.key == "password") {
      copy.params().set("password", "***");
      break;
    }
  }
  return std::string(copy.buffer());
}

Result<std::unique_ptr<Connection>> open_connection(const std::string& url) {
  PGconn* handle = PQconnectdb(url.c_str());
  if (PQstatus(handle) != CONNECTION_OK) {
    std::string message = PQerrorMessage(handle);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    PQfinish(handle);
    return Error::unavailable(
        fmt::format("postgresql: cannot connect to {}: {}", without_password(url), message));
  }
  auto connection = std::make_unique<PostgresConnection>(handle);
  // Times are stored as UTC text; keep the session from ever interpreting them locally.
  LIAISON_TRY(connection->execute_script("SET TIME ZONE 'UTC'; SET client_min_messages = warning"));
  return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace

PostgresDatabase::PostgresDatabase(std::string url, const DatabaseOptions& options)
    : url_(std::move(url)),
      display_url_(without_password(url_)),
      pool_([this] { return open_connection(url_); }, options.pool_size, options.acquire_timeout) {}

Result<std::unique_ptr<PostgresDatabase>> PostgresDatabase::open(std::string url,
                                                                 const DatabaseOptions& options) {
  std::unique_ptr<PostgresDatabase> database(new PostgresDatabase(std::move(url), options));
  auto first = database->pool_.acquire();  // fail now on a wrong URL, not at the first request
  if (!first) return first.error();
  return database;
}

Result<Database::Lease> PostgresDatabase::acquire(Access) {
  return pool_.acquire();
}

std::string_view PostgresDatabase::begin_statement(Access access) const {
  return access == Access::write ? "BEGIN" : "BEGIN READ ONLY";
}

}  // namespace liaison::store
