#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/error.h"
#include "base/random.h"
#include "domain/check.h"
#include "domain/policy.h"
#include "services/actor.h"
#include "services/outbox.h"
#include "services/reference_service.h"
#include "store/check_store.h"
#include "store/database.h"

namespace liaison::services {

//! A check in a list: the record and how far its answers have come.
struct CheckSummary {
  store::CheckRecord check;
  std::int64_t recipients = 0;
  std::int64_t responded = 0;
};

//! Who a check would reach, and how: what the secretariat sees before launching.
struct CheckPreview {
  struct Line {
    std::string state;
    std::string entry_id;
    std::string name;
    std::string address;
    std::string level;
    std::string language;  //!< the mail's language (the recipient's working language)
    std::string time_zone;
    std::string partner;  //!< bilateral: whose code this state must obtain
  };
  std::vector<Line> lines;
  //! Targeted states with no published entry at the targeted levels: they would not be reached.
  std::vector<std::string> states_without_recipients;
};

//! Counts over a set of recipients (all, one level, one region, one state).
struct CheckTally {
  std::int64_t recipients = 0;
  std::int64_t responded = 0;     //!< answered in a way that counts (link, mail, call)
  std::int64_t completed = 0;     //!< did the task (accepted answer, right code, confirmed call)
  std::int64_t late = 0;          //!< first counted answer after its deadline
  std::int64_t bounced = 0;       //!< mail bounced and no answer came
  std::int64_t auto_replied = 0;  //!< an auto-reply came and no answer
  std::int64_t pending = 0;       //!< no answer and the deadline has not passed
  std::int64_t no_answer = 0;     //!< no answer, deadline passed, no bounce
  std::optional<double> median_seconds;  //!< from invitation to first counted answer
  std::optional<double> p90_seconds;
};

//! A check's results: the secretariat's evidence that the network works.
struct CheckResults {
  store::CheckRecord check;
  std::string deadline;  //!< of the first window; empty before start
  CheckTally all;
  std::vector<std::pair<std::string, CheckTally>> by_level;   //!< level name, tally
  std::vector<std::pair<std::string, CheckTally>> by_region;  //!< M49 region code, tally
  struct State {
    std::string state;
    std::string region;
    CheckTally tally;
    //! answered (on time), late, bounced, no_answer, pending: the state as a whole, by its
    //! best recipient
    std::string result;
    std::string partner;           //!< bilateral
    std::string leg_completed_at;  //!< bilateral: when it submitted the partner's code
    bool escalated = false;
  };
  std::vector<State> states;
  std::vector<store::CheckRecipientRecord> recipients;
  //! Cumulative counted answers: (start, 0), then (time, count) after each answer.
  std::vector<std::pair<std::string, std::int64_t>> timeline;
  std::vector<store::CheckResponseRecord> responses;
};

//! One state's reachability across checks, newest first.
struct StateReachability {
  struct Line {
    store::CheckRecord check;
    std::int64_t recipients = 0;
    std::int64_t responded = 0;
    std::int64_t completed = 0;
    std::string first_answer_at;
    std::string result;  //!< as in CheckResults::State
  };
  std::vector<Line> checks;
};

//! What an answer link of a check asks of the person who opens it.
struct CheckLinkTask {
  std::string check_title;
  std::string organisation_code;
  domain::CheckTask task = domain::CheckTask::acknowledge;
  std::string question;
  std::string state;
  std::string partner;   //!< bilateral: the state whose code to submit
  std::string deadline;  //!< RFC 3339 UTC
  bool late = false;     //!< the deadline has passed; an answer is still recorded, as late
};

//! What came back for a check's mail, told by the mail service inside its transaction.
struct CheckMailResponse {
  std::string outbox_id;
  std::string channel;  //!< link, mail
  std::string kind;     //!< answer, auto_reply, bounce
  std::string from_address;
  std::string text;
  std::string detail;  //!< bounce: the reason
};

//! Records `response` if `outbox_id` is a check's mail (nothing otherwise), in the caller's
//! transaction: the recipient's first counted answer and its time, the verdict where the task
//! allows one to be reached automatically (expected answer, bilateral code), the bounce or
//! auto-reply, and "last verified reachable" on the directory entry. An answer from an address
//! other than the addressee's counts only when the address is one of the same state's listed
//! entries in the organisation. Audited.
Result<void> record_check_response(store::Connection& connection, const Clock& clock,
                                   RandomSource& random, const CheckMailResponse& response);

//! Communication checks ("ping tests"): composed, previewed, launched and cancelled by the
//! secretariat; run by `advance` (start, reminders, escalation, close); answered by link, by
//! mail, or by a call the secretariat records; read as results.
class CheckService {
 public:
  CheckService(store::Database& database, const Clock& clock, RandomSource& random,
               ReferenceService& reference, MailIdentity identity);

  //! A draft. invalid_argument naming every problem of the plan.
  Result<store::CheckRecord> create(const Actor& actor, const std::string& organisation,
                                    const domain::CheckPlan& plan);
  //! Changes a draft's plan; conflict once launched.
  Result<store::CheckRecord> update(const Actor& actor, const std::string& id,
                                    const domain::CheckPlan& plan);
  Result<std::vector<CheckSummary>> list(const Actor& actor, const std::string& organisation);
  Result<store::CheckRecord> get(const Actor& actor, const std::string& id);
  Result<CheckPreview> preview(const Actor& actor, const std::string& id);
  //! Draft to scheduled (a start in the future; announced checks tell the recipients now) or
  //! running (the invitations are queued in this transaction). conflict for any other status
  //! or when the check would reach nobody.
  Result<store::CheckRecord> launch(const Actor& actor, const std::string& id);
  //! Draft or scheduled to cancelled; conflict once started.
  Result<store::CheckRecord> cancel(const Actor& actor, const std::string& id);

  //! The scheduler's step, for every organisation: starts scheduled checks whose time has
  //! come, reminds, escalates and closes. Each step is recorded with its effect in one
  //! transaction, so a restart or a second instance does not repeat it. Returns the steps done.
  Result<std::int64_t> advance();

  Result<CheckResults> results(const Actor& actor, const std::string& id);
  //! One line per recipient, for spreadsheets (RFC 4180, UTF-8).
  Result<std::string> results_csv(const Actor& actor, const std::string& id);
  //! The secretariat accepts or rejects an answer (task `answer`).
  Result<void> judge(const Actor& actor, const std::string& id, const std::string& recipient_id,
                     bool accepted);
  //! The secretariat called the recipient's 24/7 phone and heard `code` (task `channel`);
  //! the call counts as an answer and completes the task when the code is right.
  Result<void> record_call(const Actor& actor, const std::string& id,
                           const std::string& recipient_id, const std::string& code,
                           const std::string& note);
  Result<StateReachability> state_history(const Actor& actor, const std::string& organisation,
                                          const std::string& state);

  //! What the answer link `token` asks, when it belongs to a check's mail.
  Result<std::optional<CheckLinkTask>> link_task(const std::string& token);

 private:
  struct Loaded;
  Result<Loaded> load(store::Connection& connection, const std::string& id);
  //! not_found when the actor may not read the organisation's checks, forbidden when it may
  //! read but not do `action`.
  Result<Loaded> load_as(store::Connection& connection, const Actor& actor, const std::string& id,
                         domain::Action action);
  //! What a running check's steps read: its organisation, recipients and states.
  struct Run;
  Result<Run> run_of(store::Connection& connection, const store::CheckRecord& check);
  //! Queues mail `kind` to `recipient` and notes it as the check's (`purpose`).
  Result<std::string> send(store::Connection& connection, const store::CheckRecord& check,
                           const Run& run, const store::CheckRecipientRecord& recipient,
                           const std::string& kind, const std::string& purpose);
  Result<std::int64_t> start(store::Connection& connection, store::CheckRecord& check);
  Result<std::int64_t> remind(store::Connection& connection, store::CheckRecord& check);
  Result<std::int64_t> escalate(store::Connection& connection, store::CheckRecord& check);

  store::Database& database_;
  const Clock& clock_;
  RandomSource& random_;
  ReferenceService& reference_;
  MailIdentity identity_;
};

}  // namespace liaison::services
