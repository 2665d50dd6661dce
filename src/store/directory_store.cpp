#include "store/directory_store.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "base/text.h"
#include "domain/account.h"
#include "domain/formats/contact_json.h"

namespace liaison::store {
namespace {

using domain::DirectoryEntry;
using domain::EntryVersion;

constexpr std::string_view kVersionColumns =
    "v.version, v.status, v.contact, v.author_id, v.author_name, v.recorded_at, v.reason, "
    "v.effective_on, v.late";

constexpr std::string_view kEntryColumns =
    "n.entry_id, n.state, e.kind, n.organisation_id, n.level, n.published_version, "
    "n.pending_version, n.confirmed_at, n.verified_at";

Result<EntryVersion> version_from(const Row& row, std::size_t first) {
  EntryVersion version;
  version.number = static_cast<int>(row.integer(first));
  version.status =
      domain::parse_entry_status(row.text(first + 1)).value_or(domain::EntryStatus::active);
  boost::system::error_code parse_error;
  auto json = boost::json::parse(row.text(first + 2), parse_error);
  if (parse_error) return Error::internal("stored contact is not JSON: " + parse_error.message());
  std::vector<domain::FieldProblem> problems;
  version.contact = domain::contact_from_json(json, problems);
  if (!problems.empty())
    return Error::internal("stored contact does not read back: " + problems.front().field + " " +
                           problems.front().message);
  version.author_id = row.text(first + 3);
  version.author_name = row.text(first + 4);
  version.recorded_at = row.text(first + 5);
  version.reason = row.text(first + 6);
  version.effective_on = row.text(first + 7);
  version.late = row.boolean(first + 8);
  return version;
}

Result<DirectoryEntry> entry_from(const Row& row) {
  DirectoryEntry entry;
  entry.id = row.text(0);
  entry.state = row.text(1);
  entry.kind = domain::parse_entry_kind(row.text(2)).value_or(domain::EntryKind::poc);
  entry.organisation_id = row.text(3);
  entry.level = domain::parse_level(row.text(4)).value_or(domain::Level::technical);
  entry.published_version = static_cast<int>(row.integer(5));
  entry.pending_version = static_cast<int>(row.integer(6));
  entry.confirmed_at = row.text(7);
  entry.verified_at = row.text(8);
  auto version = version_from(row, 9);
  if (!version) return version.error();
  entry.version = std::move(*version);
  return entry;
}

Result<std::vector<DirectoryEntry>> entries_from(const Result<Rows>& rows) {
  if (!rows) return rows.error();
  std::vector<DirectoryEntry> entries;
  entries.reserve(rows->size());
  for (const auto& row : *rows) {
    auto entry = entry_from(row);
    if (!entry) return entry.error();
    entries.push_back(std::move(*entry));
  }
  return entries;
}

NominationRecord nomination_from(const Row& row) {
  return {row.text(0),
          row.text(1),
          row.text(2),
          domain::parse_level(row.text(3)).value_or(domain::Level::technical),
          static_cast<int>(row.integer(4)),
          static_cast<int>(row.integer(5)),
          row.boolean(6),
          row.text(7),
          row.text(8)};
}

constexpr std::string_view kNominationColumns =
    "organisation_id, entry_id, state, level, published_version, pending_version, retired, "
    "confirmed_at, verified_at";

// Appends the filter's conditions with numbered parameters after those already bound.
void add_filter(std::string& sql, std::vector<Value>& parameters, const EntryFilter& filter) {
  auto next = [&](Value value) {
    parameters.push_back(std::move(value));
    return "$" + std::to_string(parameters.size());
  };
  if (!filter.state.empty()) sql += " AND n.state = " + next(filter.state);
  if (filter.level) sql += " AND n.level = " + next(std::string(domain::level_name(*filter.level)));
  if (!filter.include_retired) sql += " AND n.retired = 0";
  if (filter.pending_only) sql += " AND n.pending_version > 0";
}

// ICU's words (base/unicode.h search_words) keep ".", "'" and "@" inside ("fr@ssi.gouv.fr",
// "d'information"), and each engine would split such a word its own way: FTS5 at every one of
// them, PostgreSQL's parser not at all in an e-mail address or a host name, so that "gouv" found
// the address on SQLite only. The store splits them at ASCII punctuation itself, in the words it
// indexes and in those it searches for, so that both engines see the same plain words.
std::vector<std::string> plain_words(std::string_view text) {
  std::vector<std::string> words(1);
  for (char c : text) {
    bool punctuation = static_cast<unsigned char>(c) < 0x80 && !(c >= '0' && c <= '9') &&
                       !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z');
    if (!punctuation) {
      words.back() += c;
    } else if (!words.back().empty()) {
      words.emplace_back();
    }
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

std::string plain_text(std::string_view text) {
  std::string joined;
  for (const auto& word : plain_words(text))
    joined += (joined.empty() ? "" : " ") + word;
  return joined;
}

// Each word must start a word of the entry. Words are plain_words, so they hold no spaces; quotes
// are escaped for each engine's query syntax all the same.
std::string fts5_query(const std::vector<std::string>& words) {
  std::string query;
  for (const auto& word : words) {
    if (!query.empty()) query += " AND ";
    query += '"';
    for (char c : word) {
      if (c == '"') query += '"';
      query += c;
    }
    query += "\"*";
  }
  return query;
}

// One whole word (not a prefix) in FTS5's query syntax.
std::string fts5_word(std::string_view word) {
  std::string quoted = "\"";
  for (char c : word) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

std::string tsquery(const std::vector<std::string>& words) {
  std::string query;
  for (const auto& word : words) {
    if (!query.empty()) query += " & ";
    query += '\'';
    for (char c : word) {
      if (c == '\'' || c == '\\') query += c == '\'' ? '\'' : '\\';
      query += c;
    }
    query += "':*";
  }
  return query;
}

}  // namespace

Result<domain::DirectoryRules> DirectoryStore::rules(const std::string& organisation_id) {
  Value parameters[] = {organisation_id};
  auto rows = connection_.query(
      "SELECT reconfirm_months, change_notice_days, approval_required, time_zone "
      "FROM directory_rules WHERE organisation_id = $1",
      parameters);
  if (!rows) return rows.error();
  domain::DirectoryRules rules;
  if (rows->empty()) return rules;
  const auto& row = rows->front();
  rules.reconfirm_months = static_cast<int>(row.integer(0));
  rules.change_notice_days = static_cast<int>(row.integer(1));
  rules.approval_required = row.boolean(2);
  rules.time_zone = row.text(3);
  return rules;
}

Result<void> DirectoryStore::set_rules(const std::string& organisation_id,
                                       const domain::DirectoryRules& rules) {
  Value parameters[] = {organisation_id, std::int64_t{rules.reconfirm_months},
                        std::int64_t{rules.change_notice_days},
                        std::int64_t{rules.approval_required ? 1 : 0}, rules.time_zone};
  auto done = connection_.execute(
      "INSERT INTO directory_rules "
      "(organisation_id, reconfirm_months, change_notice_days, approval_required, time_zone) "
      "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organisation_id) DO UPDATE SET "
      "reconfirm_months = excluded.reconfirm_months, "
      "change_notice_days = excluded.change_notice_days, "
      "approval_required = excluded.approval_required, time_zone = excluded.time_zone",
      parameters);
  if (!done) return done.error();
  return {};
}

Result<void> DirectoryStore::insert_entry(const EntryRecord& entry) {
  Value parameters[] = {entry.id, entry.state, std::string(domain::entry_kind_name(entry.kind)),
                        std::int64_t{entry.latest_version}, entry.created_at};
  auto done = connection_.execute(
      "INSERT INTO entries (id, state, kind, latest_version, created_at) "
      "VALUES ($1, $2, $3, $4, $5)",
      parameters);
  if (!done) return done.error();
  return {};
}

Result<std::optional<EntryRecord>> DirectoryStore::entry(const std::string& entry_id) {
  Value parameters[] = {entry_id};
  auto rows = connection_.query(
      "SELECT id, state, kind, latest_version, created_at FROM entries WHERE id = $1", parameters);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<EntryRecord>{};
  const auto& row = rows->front();
  return std::optional<EntryRecord>{
      EntryRecord{row.text(0), row.text(1),
                  domain::parse_entry_kind(row.text(2)).value_or(domain::EntryKind::poc),
                  static_cast<int>(row.integer(3)), row.text(4)}};
}

Result<void> DirectoryStore::insert_version(const std::string& entry_id,
                                            const EntryVersion& version) {
  Value parameters[] = {entry_id,
                        std::int64_t{version.number},
                        std::string(domain::entry_status_name(version.status)),
                        boost::json::serialize(domain::contact_to_json(version.contact)),
                        version.author_id,
                        version.author_name,
                        version.recorded_at,
                        version.reason,
                        text_or_null(version.effective_on),
                        std::int64_t{version.late ? 1 : 0}};
  auto inserted = connection_.execute(
      "INSERT INTO entry_versions (entry_id, version, status, contact, author_id, author_name, "
      "recorded_at, reason, effective_on, late) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
      parameters);
  if (!inserted) return inserted.error();
  Value latest[] = {entry_id, std::int64_t{version.number}};
  auto updated =
      connection_.execute("UPDATE entries SET latest_version = $2 WHERE id = $1", latest);
  if (!updated) return updated.error();
  // Mail to an address looks up its recipient's key and languages here (services/outbox.cpp).
  Value entry[] = {entry_id};
  auto cleared = connection_.execute("DELETE FROM contact_addresses WHERE entry_id = $1", entry);
  if (!cleared) return cleared.error();
  if (version.status != domain::EntryStatus::active) return {};
  for (const auto* email : {&version.contact.functional_email, &version.contact.personal_email}) {
    if (email->empty()) continue;
    Value address[] = {domain::email_key(*email), entry_id};
    auto listed = connection_.execute(
        "INSERT INTO contact_addresses (address_key, entry_id) VALUES ($1, $2) "
        "ON CONFLICT DO NOTHING",
        address);
    if (!listed) return listed.error();
  }
  return {};
}

Result<std::optional<EntryVersion>> DirectoryStore::version(const std::string& entry_id,
                                                            int number) {
  Value parameters[] = {entry_id, std::int64_t{number}};
  auto rows = connection_.query("SELECT " + std::string(kVersionColumns) +
                                    " FROM entry_versions v WHERE v.entry_id = $1 AND "
                                    "v.version = $2",
                                parameters);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<EntryVersion>{};
  auto version = version_from(rows->front(), 0);
  if (!version) return version.error();
  return std::optional<EntryVersion>{std::move(*version)};
}

Result<std::vector<EntryVersion>> DirectoryStore::versions(const std::string& entry_id) {
  Value parameters[] = {entry_id};
  auto rows = connection_.query("SELECT " + std::string(kVersionColumns) +
                                    " FROM entry_versions v WHERE v.entry_id = $1 "
                                    "ORDER BY v.version",
                                parameters);
  if (!rows) return rows.error();
  std::vector<EntryVersion> versions;
  for (const auto& row : *rows) {
    auto version = version_from(row, 0);
    if (!version) return version.error();
    versions.push_back(std::move(*version));
  }
  return versions;
}

Result<std::int64_t> DirectoryStore::next_search_id() {
  auto rows = connection_.query(connection_.dialect() == Dialect::postgresql
                                    ? "SELECT nextval('nomination_search_ids')"
                                    : "SELECT COALESCE(MAX(search_id), 0) + 1 FROM nominations");
  if (!rows) return rows.error();
  return rows->front().integer(0);
}

Result<void> DirectoryStore::insert_nomination(const NominationRecord& nomination,
                                               const std::string& search_words) {
  auto search_id = next_search_id();
  if (!search_id) return search_id.error();
  auto words = plain_text(search_words);
  Value parameters[] = {nomination.organisation_id,
                        nomination.entry_id,
                        nomination.state,
                        std::string(domain::level_name(nomination.level)),
                        std::int64_t{nomination.published_version},
                        std::int64_t{nomination.pending_version},
                        std::int64_t{nomination.retired ? 1 : 0},
                        text_or_null(nomination.confirmed_at),
                        text_or_null(nomination.verified_at),
                        *search_id,
                        words};
  auto inserted = connection_.execute(
      "INSERT INTO nominations (organisation_id, entry_id, state, level, published_version, "
      "pending_version, retired, confirmed_at, verified_at, search_id, search_words) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
      parameters);
  if (!inserted) return inserted.error();
  return reindex(*search_id, {}, words);
}

Result<void> DirectoryStore::reindex(std::int64_t search_id, const std::string& old_words,
                                     const std::string& new_words) {
  if (connection_.dialect() != Dialect::sqlite || old_words == new_words) return {};
  // An external-content FTS5 index forgets a row only when told the words it indexed.
  if (!old_words.empty()) {
    Value parameters[] = {search_id, old_words};
    auto removed = connection_.execute(
        "INSERT INTO nomination_search (nomination_search, rowid, search_words) "
        "VALUES ('delete', $1, $2)",
        parameters);
    if (!removed) return removed.error();
  }
  if (!new_words.empty()) {
    Value parameters[] = {search_id, new_words};
    auto added = connection_.execute(
        "INSERT INTO nomination_search (rowid, search_words) VALUES ($1, $2)", parameters);
    if (!added) return added.error();
  }
  return {};
}

Result<std::optional<NominationRecord>> DirectoryStore::nomination(
    const std::string& organisation_id, const std::string& entry_id) {
  Value parameters[] = {organisation_id, entry_id};
  auto rows = connection_.query("SELECT " + std::string(kNominationColumns) +
                                    " FROM nominations WHERE organisation_id = $1 AND "
                                    "entry_id = $2",
                                parameters);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<NominationRecord>{};
  return std::optional<NominationRecord>{nomination_from(rows->front())};
}

Result<std::vector<NominationRecord>> DirectoryStore::nominations_of(const std::string& entry_id) {
  Value parameters[] = {entry_id};
  auto rows = connection_.query("SELECT " + std::string(kNominationColumns) +
                                    " FROM nominations WHERE entry_id = $1 ORDER BY "
                                    "organisation_id",
                                parameters);
  if (!rows) return rows.error();
  std::vector<NominationRecord> nominations;
  for (const auto& row : *rows)
    nominations.push_back(nomination_from(row));
  return nominations;
}

Result<void> DirectoryStore::publish(const std::string& organisation_id,
                                     const std::string& entry_id, int version, bool retired,
                                     const std::string& search_words) {
  Value keys[] = {organisation_id, entry_id};
  auto indexed = connection_.query(
      "SELECT search_id, search_words FROM nominations WHERE organisation_id = $1 AND "
      "entry_id = $2",
      keys);
  if (!indexed) return indexed.error();
  if (indexed->empty()) return Error::not_found("no such nomination");
  // A retired entry leaves the search as it leaves the directory.
  auto words = retired ? std::string() : plain_text(search_words);
  Value parameters[] = {organisation_id, entry_id, std::int64_t{version},
                        std::int64_t{retired ? 1 : 0}, words};
  auto updated = connection_.execute(
      "UPDATE nominations SET published_version = $3, pending_version = 0, retired = $4, "
      "search_words = $5 WHERE organisation_id = $1 AND entry_id = $2",
      parameters);
  if (!updated) return updated.error();
  return reindex(indexed->front().integer(0), indexed->front().text(1), words);
}

Result<void> DirectoryStore::set_pending(const std::string& organisation_id,
                                         const std::string& entry_id, int version) {
  Value parameters[] = {organisation_id, entry_id, std::int64_t{version}};
  auto updated = connection_.execute(
      "UPDATE nominations SET pending_version = $3 WHERE organisation_id = $1 AND entry_id = $2",
      parameters);
  if (!updated) return updated.error();
  return {};
}

Result<void> DirectoryStore::set_level(const std::string& organisation_id,
                                       const std::string& entry_id, domain::Level level) {
  Value parameters[] = {organisation_id, entry_id, std::string(domain::level_name(level))};
  auto updated = connection_.execute(
      "UPDATE nominations SET level = $3 WHERE organisation_id = $1 AND entry_id = $2", parameters);
  if (!updated) return updated.error();
  return {};
}

Result<std::int64_t> DirectoryStore::confirm_state(const std::string& organisation_id,
                                                   const std::string& state,
                                                   const std::string& now) {
  Value parameters[] = {organisation_id, state, now};
  return connection_.execute(
      "UPDATE nominations SET confirmed_at = $3 WHERE organisation_id = $1 AND state = $2 "
      "AND retired = 0",
      parameters);
}

Result<void> DirectoryStore::confirm_entry(const std::string& organisation_id,
                                           const std::string& entry_id, const std::string& now) {
  Value parameters[] = {organisation_id, entry_id, now};
  auto updated = connection_.execute(
      "UPDATE nominations SET confirmed_at = $3 WHERE organisation_id = $1 AND entry_id = $2",
      parameters);
  if (!updated) return updated.error();
  return {};
}

Result<std::vector<domain::Contact>> DirectoryStore::contacts_by_address(
    const std::string& address) {
  Value parameters[] = {domain::email_key(address)};
  auto rows = connection_.query(
      std::string("SELECT ") + std::string(kVersionColumns) +
          " FROM contact_addresses a JOIN entries e ON e.id = a.entry_id "
          "JOIN entry_versions v ON v.entry_id = e.id AND v.version = e.latest_version "
          "WHERE a.address_key = $1 ORDER BY e.created_at, e.id",
      parameters);
  if (!rows) return rows.error();
  std::vector<domain::Contact> contacts;
  for (const auto& row : *rows) {
    auto version = version_from(row, 0);
    if (!version) return version.error();
    contacts.push_back(std::move(version->contact));
  }
  return contacts;
}

Result<void> DirectoryStore::mark_verified(const std::string& entry_id, const std::string& at) {
  Value parameters[] = {entry_id, at};
  auto updated = connection_.execute(
      "UPDATE nominations SET verified_at = $2 WHERE entry_id = $1 AND "
      "(verified_at IS NULL OR verified_at < $2)",
      parameters);
  if (!updated) return updated.error();
  return {};
}

Result<std::vector<DirectoryEntry>> DirectoryStore::list(const std::string& organisation_id,
                                                         EntryView view,
                                                         const EntryFilter& filter) {
  std::vector<Value> parameters{organisation_id};
  std::string sql = "SELECT " + std::string(kEntryColumns) + ", " + std::string(kVersionColumns) +
                    " FROM nominations n JOIN entries e ON e.id = n.entry_id "
                    "JOIN entry_versions v ON v.entry_id = n.entry_id AND v.version = ";
  sql += view == EntryView::published ? "n.published_version" : "e.latest_version";
  sql += " WHERE n.organisation_id = $1";
  add_filter(sql, parameters, filter);
  sql += " ORDER BY n.state, n.entry_id";
  return entries_from(connection_.query(sql, parameters));
}

Result<std::vector<DirectoryEntry>> DirectoryStore::search(const std::string& organisation_id,
                                                           const std::vector<std::string>& query,
                                                           const EntryFilter& filter,
                                                           std::int64_t limit) {
  std::vector<std::string> words;
  for (const auto& word : query)
    for (auto& part : plain_words(word))
      words.push_back(std::move(part));
  if (words.empty()) return std::vector<DirectoryEntry>{};
  bool sqlite = connection_.dialect() == Dialect::sqlite;
  auto match = sqlite ? fts5_query(words) : tsquery(words);
  // A state filter is asked of the FTS5 index too: an entry's search words always hold its
  // state's alpha-2 code (services::search_words_for), so the index yields the state's entries
  // (and the few others with that word, which n.state drops) rather than every match in the
  // directory for n.state to sift. A common prefix in a state without a match walked 600,000
  // rows (0.2-0.5 s) at 1,000,000 entries; now it is one look-up.
  if (sqlite && !filter.state.empty()) match += " AND " + fts5_word(ascii_lower(filter.state));
  std::vector<Value> parameters{organisation_id, std::move(match)};
  std::string sql = "SELECT " + std::string(kEntryColumns) + ", " + std::string(kVersionColumns);
  if (sqlite) {
    // CROSS JOIN keeps the FTS5 index as the outer loop (SQLite never reorders it): rows come
    // from the match one by one and LIMIT stops early. With a plain JOIN the planner preferred
    // to walk every nomination of the organisation and run the MATCH once per row, which took
    // seconds per search at 100,000 entries (bench/directory.sh).
    sql += " FROM nomination_search s CROSS JOIN nominations n ON n.search_id = s.rowid";
  } else {
    sql += " FROM nominations n";
  }
  sql +=
      " JOIN entries e ON e.id = n.entry_id "
      "JOIN entry_versions v ON v.entry_id = n.entry_id AND v.version = n.published_version "
      "WHERE n.organisation_id = $1 AND n.published_version > 0 AND ";
  sql += sqlite ? "nomination_search MATCH $2"
                : "to_tsvector('simple', n.search_words) @@ to_tsquery('simple', $2)";
  add_filter(sql, parameters, filter);
  parameters.emplace_back(limit);
  sql += " LIMIT $" + std::to_string(parameters.size());
  return entries_from(connection_.query(sql, parameters));
}

Result<std::vector<DirectoryStore::StateFreshnessRow>> DirectoryStore::freshness(
    const std::string& organisation_id) {
  Value parameters[] = {organisation_id};
  // An entry never confirmed makes its state never confirmed: MIN over '' finds it.
  auto rows = connection_.query(
      "SELECT state, COUNT(*), MIN(COALESCE(confirmed_at, '')), MAX(COALESCE(verified_at, '')) "
      "FROM nominations WHERE organisation_id = $1 AND published_version > 0 AND retired = 0 "
      "GROUP BY state ORDER BY state",
      parameters);
  if (!rows) return rows.error();
  std::vector<StateFreshnessRow> result;
  for (const auto& row : *rows)
    result.push_back({row.text(0), row.integer(1), row.text(2), row.text(3)});
  return result;
}

Result<std::vector<int>> DirectoryStore::reminders_sent(const std::string& organisation_id,
                                                        const std::string& state,
                                                        const std::string& due_on) {
  Value parameters[] = {organisation_id, state, due_on};
  auto rows = connection_.query(
      "SELECT days_before FROM freshness_reminders WHERE organisation_id = $1 AND state = $2 "
      "AND due_on = $3",
      parameters);
  if (!rows) return rows.error();
  std::vector<int> sent;
  for (const auto& row : *rows)
    sent.push_back(static_cast<int>(row.integer(0)));
  return sent;
}

Result<void> DirectoryStore::record_reminder(const std::string& organisation_id,
                                             const std::string& state, const std::string& due_on,
                                             int days_before, const std::string& now) {
  Value parameters[] = {organisation_id, state, due_on, std::int64_t{days_before}, now};
  auto inserted = connection_.execute(
      "INSERT INTO freshness_reminders (organisation_id, state, due_on, days_before, queued_at) "
      "VALUES ($1, $2, $3, $4, $5)",
      parameters);
  if (!inserted) return inserted.error();
  return {};
}

}  // namespace liaison::store
