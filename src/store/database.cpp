#include "store/database.h"

#include <charconv>

#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include "store/postgres_database.h"
#include "store/sqlite_database.h"

namespace liaison::store {

bool Row::is_null(std::size_t column) const {
  return std::holds_alternative<std::monostate>(values_.at(column));
}

std::string Row::text(std::size_t column) const {
  const auto& value = values_.at(column);
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return std::to_string(*integer);
  if (const auto* real = std::get_if<double>(&value)) return fmt::format("{}", *real);
  return {};
}

std::int64_t Row::integer(std::size_t column) const {
  const auto& value = values_.at(column);
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return *integer;
  if (const auto* real = std::get_if<double>(&value)) return static_cast<std::int64_t>(*real);
  if (const auto* text = std::get_if<std::string>(&value)) {
    if (*text == "t" || *text == "true") return 1;
    std::int64_t parsed = 0;
    std::from_chars(text->data(), text->data() + text->size(), parsed);
    return parsed;
  }
  return 0;
}

Result<void> Database::ping() {
  return transact(Access::read, [](Connection& connection) -> Result<void> {
    auto rows = connection.query("SELECT 1");
    if (!rows) return rows.error();
    return {};
  });
}

Result<std::unique_ptr<Database>> open_database(std::string_view url,
                                                const DatabaseOptions& options) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    return Error::invalid_argument(
        fmt::format("\"{}\" is not a URL; expected sqlite:///path/to/file.db or "
                    "postgresql://user@host/database",
                    url));
  }
  auto scheme = parsed->scheme();
  if (scheme == "sqlite") {
    std::string path = parsed->path();
    if (path.empty()) return Error::invalid_argument("the sqlite URL names no file");
    auto database = SqliteDatabase::open(path, options);
    if (!database) return database.error();
    return std::unique_ptr<Database>(std::move(*database));
  }
  if (scheme == "postgresql" || scheme == "postgres") {
    auto database = PostgresDatabase::open(std::string(url), options);
    if (!database) return database.error();
    return std::unique_ptr<Database>(std::move(*database));
  }
  return Error::invalid_argument(
      fmt::format("unknown database scheme \"{}\"; expected \"sqlite\" or \"postgresql\"",
                  std::string(scheme)));
}

}  // namespace liaison::store
