#include "store/reference_store.h"

#include <fmt/format.h>

#include "base/text.h"

namespace liaison::store {
namespace {

constexpr std::string_view kOrganisationColumns = "o.id, o.code, o.name, o.member_term, o.is_demo";

domain::Organisation organisation_from(const Row& row) {
  return {row.text(0), row.text(1), row.text(2), row.text(3), row.boolean(4)};
}

}  // namespace

Result<std::vector<domain::OrganisationSummary>> ReferenceStore::organisations() {
  auto rows = connection_.query(
      fmt::format("SELECT {}, (SELECT count(*) FROM memberships m WHERE m.organisation_id = o.id) "
                  "FROM organisations o ORDER BY o.position, o.code",
                  kOrganisationColumns));
  if (!rows) return rows.error();
  std::vector<domain::OrganisationSummary> organisations;
  organisations.reserve(rows->size());
  for (const auto& row : *rows)
    organisations.push_back({organisation_from(row), row.integer(5)});
  return organisations;
}

Result<std::optional<domain::Organisation>> ReferenceStore::find_organisation(
    std::string_view id_or_code) {
  Value parameters[] = {std::string(id_or_code), ascii_upper(id_or_code)};
  auto rows =
      connection_.query(fmt::format("SELECT {} FROM organisations o WHERE o.id = $1 OR o.code = $2",
                                    kOrganisationColumns),
                        parameters);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<domain::Organisation>{};
  return std::optional<domain::Organisation>{organisation_from(rows->front())};
}

Result<std::vector<domain::State>> ReferenceStore::states_where(std::string_view condition,
                                                                std::span<const Value> parameters) {
  // One row per state and language; folded into one State each, in alpha-2 order.
  auto rows = connection_.query(
      fmt::format("SELECT s.alpha2, s.alpha3, s.numeric_code, s.kind, n.language, n.name "
                  "FROM states s JOIN state_names n ON n.alpha2 = s.alpha2 WHERE {} "
                  "ORDER BY s.alpha2, n.language",
                  condition),
      parameters);
  if (!rows) return rows.error();
  std::vector<domain::State> states;
  for (const auto& row : *rows) {
    auto alpha2 = row.text(0);
    if (states.empty() || states.back().alpha2 != alpha2) {
      domain::State state;
      state.alpha2 = alpha2;
      state.alpha3 = row.text(1);
      state.numeric = row.text(2);
      state.kind = row.text(3) == "organisation" ? domain::ParticipantKind::organisation
                                                 : domain::ParticipantKind::state;
      states.push_back(std::move(state));
    }
    if (auto language = domain::language_from_tag(row.text(4))) {
      states.back().names[*language] = row.text(5);
    }
  }
  return states;
}

Result<std::vector<domain::State>> ReferenceStore::members(const std::string& organisation_id) {
  Value parameters[] = {organisation_id};
  return states_where("s.alpha2 IN (SELECT alpha2 FROM memberships WHERE organisation_id = $1)",
                      parameters);
}

Result<std::optional<domain::State>> ReferenceStore::find_state(const domain::StateCode& code) {
  bool alpha2 = std::holds_alternative<domain::Alpha2>(code);
  Value parameters[] = {alpha2 ? std::get<domain::Alpha2>(code).code
                               : std::get<domain::Alpha3>(code).code};
  auto states = states_where(alpha2 ? "s.alpha2 = $1" : "s.alpha3 = $1", parameters);
  if (!states) return states.error();
  if (states->empty()) return std::optional<domain::State>{};
  return std::optional<domain::State>{std::move(states->front())};
}

Result<std::vector<domain::Organisation>> ReferenceStore::organisations_of(
    const std::string& alpha2) {
  Value parameters[] = {alpha2};
  auto rows = connection_.query(
      fmt::format("SELECT {} FROM organisations o JOIN memberships m ON m.organisation_id = o.id "
                  "WHERE m.alpha2 = $1 ORDER BY o.position, o.code",
                  kOrganisationColumns),
      parameters);
  if (!rows) return rows.error();
  std::vector<domain::Organisation> organisations;
  for (const auto& row : *rows)
    organisations.push_back(organisation_from(row));
  return organisations;
}

Result<std::vector<domain::Cbm>> ReferenceStore::cbms(std::string_view catalogue) {
  Value parameters[] = {std::string(catalogue)};
  auto rows = connection_.query(
      "SELECT catalogue, number, title, text FROM cbms WHERE catalogue = $1 ORDER BY position",
      parameters);
  if (!rows) return rows.error();
  std::vector<domain::Cbm> cbms;
  for (const auto& row : *rows)
    cbms.push_back({row.text(0), row.text(1), row.text(2), row.text(3)});
  return cbms;
}

Result<void> ReferenceStore::insert_organisation(const domain::Organisation& organisation,
                                                 const std::string& created_at) {
  Value parameters[] = {organisation.id,
                        organisation.code,
                        organisation.name,
                        organisation.member_term,
                        std::int64_t{organisation.demo ? 1 : 0},
                        created_at};
  auto inserted = connection_.execute(
      "INSERT INTO organisations (id, code, name, member_term, is_demo, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6)",
      parameters);
  if (!inserted) return inserted.error();
  return {};
}

Result<void> ReferenceStore::add_member(const std::string& organisation_id,
                                        const std::string& alpha2) {
  Value parameters[] = {organisation_id, alpha2};
  auto inserted = connection_.execute(
      "INSERT INTO memberships (organisation_id, alpha2) VALUES ($1, $2) ON CONFLICT DO NOTHING",
      parameters);
  if (!inserted) return inserted.error();
  return {};
}

}  // namespace liaison::store
