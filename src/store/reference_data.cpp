#include "store/reference_data.h"

#include <array>
#include <chrono>
#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <sodium.h>

#include "domain/language.h"
#include "store/embedded_migrations.h"

namespace liaison::store {
namespace json = boost::json;

namespace {

Result<json::array> parse_array(std::string_view file) {
  auto content = find_embedded(reference_files::files(), file);
  if (!content) return Error::internal(fmt::format("data/{} is not compiled in", file));
  boost::system::error_code ec;
  auto value = json::parse(*content, ec);
  if (ec || !value.is_array()) {
    return Error::internal(fmt::format("data/{} is not a JSON array: {}", file, ec.message()));
  }
  return std::move(value.as_array());
}

std::string string_at(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (!value || !value->is_string()) return {};
  return std::string(value->as_string());
}

Result<void> run(Connection& connection, std::string_view sql, std::span<const Value> parameters) {
  auto done = connection.execute(sql, parameters);
  if (!done) return done.error();
  return {};
}

Result<void> upsert_state(Connection& connection, const std::string& alpha2,
                          const std::string& alpha3, const std::string& numeric,
                          std::string_view kind, const std::map<std::string, std::string>& names) {
  Value state[] = {alpha2, text_or_null(alpha3), text_or_null(numeric), std::string(kind)};
  LIAISON_TRY(run(connection,
                  "INSERT INTO states (alpha2, alpha3, numeric_code, kind) VALUES ($1, $2, $3, $4) "
                  "ON CONFLICT (alpha2) DO UPDATE SET alpha3 = excluded.alpha3, "
                  "numeric_code = excluded.numeric_code, kind = excluded.kind",
                  state));
  for (const auto& [language, name] : names) {
    Value row[] = {alpha2, language, name};
    LIAISON_TRY(run(connection,
                    "INSERT INTO state_names (alpha2, language, name) VALUES ($1, $2, $3) "
                    "ON CONFLICT (alpha2, language) DO UPDATE SET name = excluded.name",
                    row));
  }
  return {};
}

Result<std::map<std::string, std::string>> load_states(Connection& connection) {
  auto states = parse_array("states.json");
  if (!states) return states.error();
  std::map<std::string, std::string> alpha2_by_alpha3;
  for (const auto& entry : *states) {
    const auto& object = entry.as_object();
    auto alpha2 = string_at(object, "alpha2");
    auto alpha3 = string_at(object, "alpha3");
    std::map<std::string, std::string> names;
    if (const auto* translations = object.if_contains("names");
        translations && translations->is_object()) {
      for (auto language : domain::kLanguages) {
        auto name = string_at(translations->as_object(), domain::language_code(language));
        if (!name.empty()) names.emplace(std::string(domain::language_code(language)), name);
      }
    }
    if (alpha2.size() != 2 || alpha3.size() != 3 || !names.contains("en")) {
      return Error::internal(
          fmt::format("data/states.json: incomplete entry {}", json::serialize(object)));
    }
    LIAISON_TRY(
        upsert_state(connection, alpha2, alpha3, string_at(object, "numeric"), "state", names));
    alpha2_by_alpha3.emplace(alpha3, alpha2);
  }
  return alpha2_by_alpha3;
}

Result<void> load_organisations(Connection& connection,
                                const std::map<std::string, std::string>& alpha2_by_alpha3,
                                const Clock& clock, RandomSource& random) {
  auto organisations = parse_array("organisations.json");
  if (!organisations) return organisations.error();
  std::int64_t position = 0;
  for (const auto& entry : *organisations) {
    const auto& object = entry.as_object();
    auto code = string_at(object, "code");
    auto now = clock.now();
    auto milliseconds =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
    Value organisation[] = {make_uuid_v7(random, static_cast<std::uint64_t>(milliseconds.count())),
                            code,
                            string_at(object, "name"),
                            string_at(object, "member_term"),
                            position++,
                            format_utc(now)};
    LIAISON_TRY(run(connection,
                    "INSERT INTO organisations (id, code, name, member_term, is_reference, "
                    "position, created_at) "
                    "VALUES ($1, $2, $3, $4, 1, $5, $6) ON CONFLICT (code) DO UPDATE SET "
                    "name = excluded.name, member_term = excluded.member_term, is_reference = 1, "
                    "position = excluded.position",
                    organisation));
    Value by_code[] = {code};
    auto id_rows = connection.query("SELECT id FROM organisations WHERE code = $1", by_code);
    if (!id_rows) return id_rows.error();
    auto id = id_rows->front().text(0);

    std::vector<std::string> members;
    if (const auto* listed = object.if_contains("members"); listed && listed->is_array()) {
      for (const auto& alpha3 : listed->as_array()) {
        auto it = alpha2_by_alpha3.find(std::string(alpha3.as_string()));
        if (it == alpha2_by_alpha3.end()) {
          return Error::internal(fmt::format("data/organisations.json: {} lists unknown state {}",
                                             code, json::serialize(alpha3)));
        }
        members.push_back(it->second);
      }
    }
    if (const auto* others = object.if_contains("other_participants");
        others && others->is_array()) {
      for (const auto& other : others->as_array()) {
        auto alpha2 = string_at(other.as_object(), "code");
        std::map<std::string, std::string> names{{"en", string_at(other.as_object(), "name")}};
        LIAISON_TRY(upsert_state(connection, alpha2, "", "", "organisation", names));
        members.push_back(alpha2);
      }
    }
    Value organisation_id[] = {id};
    LIAISON_TRY(
        run(connection, "DELETE FROM memberships WHERE organisation_id = $1", organisation_id));
    for (const auto& alpha2 : members) {
      Value membership[] = {id, alpha2};
      LIAISON_TRY(run(connection,
                      "INSERT INTO memberships (organisation_id, alpha2) VALUES ($1, $2)",
                      membership));
    }
  }
  return {};
}

Result<void> load_cbms(Connection& connection) {
  auto cbms = parse_array("cbms.json");
  if (!cbms) return cbms.error();
  LIAISON_TRY(run(connection, "DELETE FROM cbms", {}));
  std::int64_t position = 0;
  for (const auto& entry : *cbms) {
    const auto& object = entry.as_object();
    Value cbm[] = {string_at(object, "catalogue"), string_at(object, "number"), position++,
                   string_at(object, "title"), string_at(object, "text")};
    LIAISON_TRY(run(
        connection,
        "INSERT INTO cbms (catalogue, number, position, title, text) VALUES ($1, $2, $3, $4, $5)",
        cbm));
  }
  return {};
}

}  // namespace

std::string reference_data_checksum() {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, crypto_generichash_BYTES);
  for (const auto& file : reference_files::files()) {
    for (auto part : {file.path, file.content}) {
      auto size = static_cast<std::uint64_t>(part.size());
      crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(&size), sizeof size);
      crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(part.data()),
                                part.size());
    }
  }
  std::array<std::byte, crypto_generichash_BYTES> digest{};
  crypto_generichash_final(&state, reinterpret_cast<unsigned char*>(digest.data()), digest.size());
  return to_hex(digest);
}

Result<void> load_reference_data(Connection& connection, const Clock& clock, RandomSource& random) {
  auto alpha2_by_alpha3 = load_states(connection);
  if (!alpha2_by_alpha3) return alpha2_by_alpha3.error();
  LIAISON_TRY(load_organisations(connection, *alpha2_by_alpha3, clock, random));
  LIAISON_TRY(load_cbms(connection));
  Value loaded[] = {reference_data_checksum(), format_utc(clock.now())};
  return run(
      connection,
      "INSERT INTO reference_data (id, checksum, loaded_at) VALUES (1, $1, $2) "
      "ON CONFLICT (id) DO UPDATE SET checksum = excluded.checksum, loaded_at = excluded.loaded_at",
      loaded);
}

}  // namespace liaison::store
