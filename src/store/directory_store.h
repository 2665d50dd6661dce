#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "domain/directory.h"
#include "domain/organisation.h"
#include "store/database.h"

namespace liaison::store {

//! An entry's identity: the state that owns it, its kind and its newest version number.
struct EntryRecord {
  std::string id;
  std::string state;
  domain::EntryKind kind = domain::EntryKind::poc;
  int latest_version = 0;
  std::string created_at;
};

//! An entry's place in one organisation's directory.
struct NominationRecord {
  std::string organisation_id;
  std::string entry_id;
  std::string state;
  domain::Level level = domain::Level::technical;
  int published_version = 0;
  int pending_version = 0;
  bool retired = false;
  std::string confirmed_at;
  std::string verified_at;
};

//! Which version a listing shows: what the organisation's readers see, or the newest one
//! (drafts included) for the state's focal points and the secretariat.
enum class EntryView { published, newest };

struct EntryFilter {
  std::string state;                   //!< alpha-2; empty: every state
  std::optional<domain::Level> level;  //!< empty: every level
  bool include_retired = false;
  bool pending_only = false;  //!< only entries with a change awaiting approval
};

//! The directory's tables (migration 0004). Each call runs in the caller's transaction.
class DirectoryStore {
 public:
  explicit DirectoryStore(Connection& connection) : connection_(connection) {}

  //! The organisation's rules, or the defaults when it never set any.
  Result<domain::DirectoryRules> rules(const std::string& organisation_id);
  Result<void> set_rules(const std::string& organisation_id, const domain::DirectoryRules& rules);

  Result<void> insert_entry(const EntryRecord& entry);
  Result<std::optional<EntryRecord>> entry(const std::string& entry_id);
  //! Stores a new version and makes it the entry's latest.
  Result<void> insert_version(const std::string& entry_id, const domain::EntryVersion& version);
  Result<std::optional<domain::EntryVersion>> version(const std::string& entry_id, int number);
  //! Every version, oldest first.
  Result<std::vector<domain::EntryVersion>> versions(const std::string& entry_id);

  Result<void> insert_nomination(const NominationRecord& nomination,
                                 const std::string& search_words);
  Result<std::optional<NominationRecord>> nomination(const std::string& organisation_id,
                                                     const std::string& entry_id);
  Result<std::vector<NominationRecord>> nominations_of(const std::string& entry_id);
  //! Readers of the organisation now see `version`; any pending change is settled.
  Result<void> publish(const std::string& organisation_id, const std::string& entry_id, int version,
                       bool retired, const std::string& search_words);
  Result<void> set_pending(const std::string& organisation_id, const std::string& entry_id,
                           int version);
  Result<void> set_level(const std::string& organisation_id, const std::string& entry_id,
                         domain::Level level);
  //! Marks every active entry of a state in an organisation confirmed at `now`; returns how many.
  Result<std::int64_t> confirm_state(const std::string& organisation_id, const std::string& state,
                                     const std::string& now);
  Result<void> confirm_entry(const std::string& organisation_id, const std::string& entry_id,
                             const std::string& now);
  //! Records that a communication check reached the entry (all its nominations).
  //! The latest versions of the active entries that list `address` (either e-mail, any case):
  //! what mail to that address needs to know (the recipient's key and working languages).
  Result<std::vector<domain::Contact>> contacts_by_address(const std::string& address);
  Result<void> mark_verified(const std::string& entry_id, const std::string& at);

  //! Entries of an organisation with the version `view` asks for, sorted by state then id
  //! (callers sort by the reader's collation).
  Result<std::vector<domain::DirectoryEntry>> list(const std::string& organisation_id,
                                                   EntryView view, const EntryFilter& filter);
  //! Published entries whose words start with each of `words`, at most `limit`.
  Result<std::vector<domain::DirectoryEntry>> search(const std::string& organisation_id,
                                                     const std::vector<std::string>& words,
                                                     const EntryFilter& filter, std::int64_t limit);

  //! Per state of the organisation: its active published entries' oldest confirmation, newest
  //! verification and count.
  struct StateFreshnessRow {
    std::string state;
    std::int64_t entries = 0;
    std::string oldest_confirmed_at;
    std::string newest_verified_at;
  };
  Result<std::vector<StateFreshnessRow>> freshness(const std::string& organisation_id);

  Result<std::vector<int>> reminders_sent(const std::string& organisation_id,
                                          const std::string& state, const std::string& due_on);
  Result<void> record_reminder(const std::string& organisation_id, const std::string& state,
                               const std::string& due_on, int days_before, const std::string& now);

 private:
  Result<std::int64_t> next_search_id();
  //! SQLite's FTS5 index follows nominations.search_words (PostgreSQL's GIN index does itself).
  Result<void> reindex(std::int64_t search_id, const std::string& old_words,
                       const std::string& new_words);

  Connection& connection_;
};

}  // namespace liaison::store
