#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "domain/check.h"
#include "store/database.h"

namespace liaison::store {

//! A communication check as stored (migration 0006): the plan and the steps taken.
struct CheckRecord {
  std::string id;
  std::string organisation_id;
  domain::CheckPlan plan;
  domain::CheckStatus status = domain::CheckStatus::draft;
  std::string created_by;
  std::string created_at;
  std::string launched_at;
  std::string started_at;
  std::string reminded_at;
  std::string escalated_at;
  std::string closed_at;
  std::string cancelled_at;
};

//! A state in a check: its code for a bilateral task, whose code it must obtain, and when one
//! of its PoCs submitted that code.
struct CheckStateRecord {
  std::string check_id;
  std::string state;
  std::string region;
  std::string code;
  std::string partner;
  std::string leg_completed_at;
  std::string leg_recipient_id;
};

//! A point of contact a check went to, and how it ended for it.
struct CheckRecipientRecord {
  std::string id;
  std::string check_id;
  std::string state;
  std::string entry_id;
  std::string level;
  std::string name;
  std::string address;
  std::string time_zone;
  std::string role = "primary";  //!< primary, escalation
  std::string escalated_from;    //!< escalation: the recipient it stands in for
  std::string code;              //!< channel: the code read back over the phone
  std::string invited_at;
  std::string deadline;
  std::string reminded_at;
  std::string outbox_id;
  std::string answered_at;  //!< the first answer that counts
  std::string answer_channel;
  std::string answer_text;
  std::string answer_from;
  std::string verdict;  //!< "", accepted, rejected
  std::string completed_at;
  std::string call_recorded_by;
  std::string call_note;
  std::string bounced_at;
  std::string bounce_detail;
  std::string auto_reply_at;
};

//! One thing that came back for a recipient, as it came.
struct CheckResponseRecord {
  std::string id;
  std::string check_id;
  std::string recipient_id;
  std::string received_at;
  std::string channel;  //!< link, mail, call
  std::string kind;     //!< answer, auto_reply, bounce
  std::string from_address;
  std::string text;
  bool counted = false;
  std::string note;
};

//! The tables of communication checks. Each call runs in the caller's transaction.
class CheckStore {
 public:
  explicit CheckStore(Connection& connection) : connection_(connection) {}

  Result<void> insert(const CheckRecord& check);
  //! Saves plan and status and every step's time.
  Result<void> update(const CheckRecord& check);
  //! `for_update`: on PostgreSQL, holds the row until the transaction ends, so that two
  //! instances advancing one check take turns (SQLite has one writer anyway).
  Result<std::optional<CheckRecord>> find(const std::string& id, bool for_update = false);
  //! Newest first.
  Result<std::vector<CheckRecord>> list(const std::string& organisation_id, std::int64_t limit);
  //! Checks a scheduler has work on: scheduled or running, of every organisation.
  Result<std::vector<CheckRecord>> active();

  Result<void> insert_state(const CheckStateRecord& state);
  Result<std::vector<CheckStateRecord>> states(const std::string& check_id);
  Result<void> complete_leg(const std::string& check_id, const std::string& state,
                            const std::string& at, const std::string& recipient_id);

  Result<void> insert_recipient(const CheckRecipientRecord& recipient);
  //! Saves what may change after launch: when the invitation went out (response times count
  //! from it), reminders, answers, verdicts, calls, bounces.
  Result<void> update_recipient(const CheckRecipientRecord& recipient);
  Result<std::optional<CheckRecipientRecord>> recipient(const std::string& id);
  //! Per check of the organisation: its recipients and those who answered, counted by the
  //! database (a list of checks must not read every recipient of every check).
  Result<std::map<std::string, std::pair<std::int64_t, std::int64_t>>> recipient_counts(
      const std::string& organisation_id);
  //! Sorted by state, then primary before escalation, then name.
  Result<std::vector<CheckRecipientRecord>> recipients(const std::string& check_id);
  //! The recipients of `state` in every check of the organisation, newest check first, with the
  //! check each belongs to.
  Result<std::vector<std::pair<CheckRecord, CheckRecipientRecord>>> state_history(
      const std::string& organisation_id, const std::string& state, std::int64_t limit);

  //! The recipients of `state` in the organisation's running checks, with their check, soonest
  //! deadline first; only those mailed at `address` (compared without case) when it is not
  //! empty: what a focal point's or a PoC's home page lists as open.
  Result<std::vector<std::pair<CheckRecord, CheckRecipientRecord>>> running_for_state(
      const std::string& organisation_id, const std::string& state, const std::string& address);
  //! The states of a check none of whose recipients answered, sorted.
  Result<std::vector<std::string>> silent_states(const std::string& check_id);

  Result<void> insert_mail(const std::string& outbox_id, const std::string& recipient_id,
                           const std::string& purpose);
  //! The recipient a check's mail went to, and the mail's purpose.
  Result<std::optional<std::pair<CheckRecipientRecord, std::string>>> recipient_by_mail(
      const std::string& outbox_id);

  //! The entries of `state` published in the organisation that list `address`: whose answers
  //! count for that state besides the addressee's.
  Result<std::vector<std::string>> listed_entries(const std::string& organisation_id,
                                                  const std::string& state,
                                                  const std::string& address);

  Result<void> insert_response(const CheckResponseRecord& response);
  //! Oldest first.
  Result<std::vector<CheckResponseRecord>> responses(const std::string& check_id);

 private:
  Connection& connection_;
};

//! The target as stored: {"states": [...], "regions": [...], "levels": [...]}.
std::string target_json(const domain::CheckTarget& target);
Result<domain::CheckTarget> parse_target_json(std::string_view text);

}  // namespace liaison::store
