#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/error.h"
#include "base/random.h"
#include "domain/directory.h"
#include "domain/freshness.h"
#include "domain/organisation.h"
#include "services/actor.h"
#include "services/outbox.h"
#include "services/reference_service.h"
#include "store/database.h"
#include "store/directory_store.h"

namespace liaison::services {

//! What the author of a change says about it: why, and since when it holds ("YYYY-MM-DD";
//! CBM 8 asks for changes within 30 days of taking effect).
struct ChangeNote {
  std::string reason;
  std::string effective_on;
};

//! An entry as a reader sees it, with the versions the reader may see and what each changed.
struct EntryHistory {
  domain::DirectoryEntry entry;
  struct Step {
    domain::EntryVersion version;
    std::vector<domain::FieldChange> changes;  //!< against the version before it
    bool published = false;  //!< readers of the organisation saw (or see) this version
  };
  std::vector<Step> steps;  //!< oldest first
};

//! One member state's freshness, for the secretariat's dashboard.
struct StateFreshness {
  std::string state;      //!< alpha-2
  std::string region;     //!< UN M49 region code, "150"
  std::string subregion;  //!< UN M49 sub-region code, "155"
  std::int64_t entries = 0;
  std::string confirmed_on;  //!< "YYYY-MM-DD" in the organisation's zone; empty: never
  std::string due_on;        //!< empty when never confirmed
  domain::Freshness freshness = domain::Freshness::never_confirmed;
  std::string verified_at;  //!< newest verified reachable among its entries, or empty
};

//! One line of an import: a new entry (empty id) or a change to an existing one.
struct ImportLine {
  long line = 0;
  std::string id;
  std::string state;
  domain::Level level = domain::Level::technical;
  domain::EntryStatus status = domain::EntryStatus::active;
  domain::Contact contact;
};

struct ImportProblem {
  long line = 0;
  std::string field;
  std::string message;
};

//! What an import did or, in a dry run, would do.
struct ImportReport {
  bool dry_run = true;
  bool committed = false;
  std::int64_t created = 0;
  std::int64_t changed = 0;
  std::int64_t retired = 0;
  std::int64_t unchanged = 0;
  std::vector<ImportProblem> problems;  //!< every bad line and field; nothing is written then
};

//! The Points of Contact directory (CBM 8): nominations, versions, approval, re-confirmation,
//! freshness, search and imports. Every method checks the policy itself, since whether a state's
//! entry may be seen or changed is known only once the entry is loaded.
class DirectoryService {
 public:
  DirectoryService(store::Database& database, const Clock& clock, RandomSource& random,
                   ReferenceService& reference);

  //! Brings a contact into its stored form and reports everything wrong with it: phone numbers
  //! to E.164 (dialled as in `state`), language tags and the time zone to their canonical form,
  //! the OpenPGP key read by GnuPG (its fingerprint checked against one given), then the rules
  //! of domain::contact_problems.
  std::vector<domain::FieldProblem> normalise(domain::Contact& contact, domain::EntryKind kind,
                                              std::string_view state) const;

  Result<domain::DirectoryRules> rules(const Actor& actor, const std::string& organisation);
  Result<domain::DirectoryRules> set_rules(const Actor& actor, const std::string& organisation,
                                           domain::DirectoryRules rules);

  //! The organisation's entries. `view` newest (drafts) needs read_drafts over the filter's
  //! state, or over the organisation without one.
  Result<std::vector<domain::DirectoryEntry>> entries(const Actor& actor,
                                                      const std::string& organisation,
                                                      const store::EntryFilter& filter,
                                                      store::EntryView view);
  //! An entry with its history. Readers see published versions only; those who may read the
  //! state's drafts see every version. Not found when the reader may not see it at all.
  Result<EntryHistory> entry(const Actor& actor, const std::string& organisation,
                             const std::string& entry_id);
  //! Published entries matching every word of `query` (folded: case, accents, any script).
  Result<std::vector<domain::DirectoryEntry>> search(const Actor& actor,
                                                     const std::string& organisation,
                                                     std::string_view query,
                                                     const store::EntryFilter& filter,
                                                     std::int64_t limit);
  Result<std::vector<StateFreshness>> freshness(const Actor& actor,
                                                const std::string& organisation);
  //! One state's line of the freshness dashboard, for whoever may see the dashboard or keep the
  //! state's entries (its focal point: what its state owes).
  Result<StateFreshness> state_freshness(const Actor& actor, const std::string& organisation,
                                         const std::string& state);

  Result<domain::DirectoryEntry> create(const Actor& actor, const std::string& organisation,
                                        const std::string& state, domain::Level level,
                                        domain::Contact contact, const ChangeNote& note);
  //! Records a new version. `based_on` is the version the author edited: a change made
  //! meanwhile by someone else is a conflict, not silently overwritten.
  Result<domain::DirectoryEntry> update(const Actor& actor, const std::string& organisation,
                                        const std::string& entry_id, domain::Level level,
                                        domain::Contact contact, const ChangeNote& note,
                                        int based_on);
  Result<domain::DirectoryEntry> retire(const Actor& actor, const std::string& organisation,
                                        const std::string& entry_id, const ChangeNote& note);
  //! Publishes the pending version `version` in the organisation.
  Result<domain::DirectoryEntry> approve(const Actor& actor, const std::string& organisation,
                                         const std::string& entry_id, int version);
  //! Nominates an existing entry of a state to another organisation it belongs to.
  Result<domain::DirectoryEntry> nominate(const Actor& actor, const std::string& entry_id,
                                          const std::string& to_organisation, domain::Level level);
  //! The state confirms all its entries in the organisation are current; returns how many.
  Result<std::int64_t> reconfirm(const Actor& actor, const std::string& organisation,
                                 const std::string& state);
  //! All or nothing: every line is checked first; with problems, or in a dry run, nothing is
  //! written. Lines identical to the published entry change nothing.
  Result<ImportReport> import(const Actor& actor, const std::string& organisation,
                              std::vector<ImportLine> lines, bool dry_run);

  //! Queues the freshness reminders due now (30, 7 and 0 days before a state falls due) to the
  //! state's focal points; returns how many mails were queued.
  Result<std::int64_t> queue_reminders(const MailIdentity& identity);
  //! A communication check reached the entry at `at`.
  Result<void> mark_verified(const std::string& entry_id, const std::string& at);

 private:
  struct Context;
  //! Every member's freshness, without asking the policy (callers have).
  Result<std::vector<StateFreshness>> freshness_of(const Context& found);
  Result<Context> context(const std::string& organisation);
  Result<domain::DirectoryEntry> record(const Actor& actor, const Context& context,
                                        const std::string& entry_id,
                                        std::optional<domain::Level> level,
                                        domain::EntryVersion version, int based_on);

  store::Database& database_;
  const Clock& clock_;
  RandomSource& random_;
  ReferenceService& reference_;
};

}  // namespace liaison::services
