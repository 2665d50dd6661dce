#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/random.h"
#include "domain/directory.h"

namespace liaison::domain {

// Communication checks ("ping tests"): the secretariat asks the points of contact of its member
// states to show, within a window, that they can be reached and can act. The rules here are pure:
// callers pass the times in, so windows, reminders and escalation are tested in simulated time.

using CheckTime = std::chrono::sys_seconds;

//! What a recipient must do, from simple to complex (OSCE communication checks, OAS and ASEAN
//! ping tests).
enum class CheckTask {
  acknowledge,  //!< click the personal link or reply to the mail
  answer,       //!< answer a question that needs national co-ordination
  bilateral,    //!< obtain the partner state's code from its PoCs and submit it
  channel,      //!< confirm a code over the 24/7 phone; the secretariat records the call
};

enum class CheckStatus {
  draft,      //!< composed; can be previewed, changed, launched or cancelled
  scheduled,  //!< launched with a start in the future; can still be cancelled
  running,    //!< mail sent; the window (and any escalation window) is open
  closed,     //!< every window has ended; late answers are still recorded
  cancelled,  //!< stopped before it started; nothing was sent
};

std::string_view check_task_name(CheckTask task);
std::optional<CheckTask> parse_check_task(std::string_view name);
std::string_view check_status_name(CheckStatus status);
std::optional<CheckStatus> parse_check_status(std::string_view name);

//! Which nominations a check goes to. Empty `states` and `regions`: every member state. Both
//! given: the union. `levels` must not be empty.
struct CheckTarget {
  std::vector<std::string> states;   //!< alpha-2
  std::vector<std::string> regions;  //!< UN M49 region or sub-region codes ("150", "155")
  std::vector<Level> levels;
  friend bool operator==(const CheckTarget&, const CheckTarget&) = default;
};

//! What the secretariat composes.
struct CheckPlan {
  std::string title;
  CheckTask task = CheckTask::acknowledge;
  std::string question;              //!< answer: the question; other tasks: an optional message
  std::string expected_answer;       //!< answer: when given, answers that match it are accepted
  bool announced = false;            //!< recipients are told of the start beforehand
  std::string starts_at;             //!< RFC 3339 UTC; empty: when it is launched
  int window_hours = 24;             //!< 1 to 720
  int reminder_percent = 50;         //!< remind at this share of the window; 0: no reminder
  bool escalate = true;              //!< at the deadline, mail deputies and the other level
  std::string pairing_seed;          //!< bilateral: the same seed gives the same pairs
  bool pair_across_regions = false;  //!< bilateral: pair states of different regions if possible
  CheckTarget target;
  friend bool operator==(const CheckPlan&, const CheckPlan&) = default;
};

//! Every problem of a plan, naming its field ("title", "window_hours", "target.levels",
//! "question", "starts_at"): title 1 to 200 characters, question up to 4,000 (required for
//! `answer`), expected answer up to 500, window 1 to 720 hours, reminder 0 to 90 %, levels not
//! empty and without repeats, states as alpha-2, starts_at empty or RFC 3339 UTC, seed up to 100.
//! Bilateral checks are between PoCs: they may not target national structures only.
std::vector<FieldProblem> check_plan_problems(const CheckPlan& plan);

//! The end of a window opened at `start`.
CheckTime check_deadline(CheckTime start, int window_hours);

//! When recipients who have not answered are reminded: `reminder_percent` of the window after
//! `start`, to the second (rounded down). Nothing when the percentage is 0.
std::optional<CheckTime> check_reminder_time(CheckTime start, int window_hours,
                                             int reminder_percent);

//! An answer at `answered_at` is late when it comes after the deadline (the deadline itself is
//! on time).
bool is_late(CheckTime answered_at, CheckTime deadline);

//! What happens to a check at `now`, in order; a scheduler applies every step whose time has
//! come. A check that should have started while the server was down still starts (late), its
//! window counted from its planned start, so that a restart never extends a deadline.
struct CheckSchedule {
  CheckTime start;
  CheckTime deadline;                            //!< start + window
  std::optional<CheckTime> reminder;             //!< when not answered by then
  std::optional<CheckTime> escalation_deadline;  //!< deadline + window, when escalating
  CheckTime closes;  //!< the last deadline: escalation's, or the window's
};
CheckSchedule check_schedule(CheckTime start, const CheckPlan& plan);

//! The deadline, said in the recipient's zone and language-neutral form for a mail:
//! "2026-12-08 15:00 Europe/Vienna (14:00 UTC)". An unknown zone gives the UTC form only.
std::string deadline_text(CheckTime deadline, std::string_view time_zone);

//! A state as the pairing sees it.
struct PairingCandidate {
  std::string state;   //!< alpha-2
  std::string region;  //!< M49 region code
};

//! Who must obtain whose code in a bilateral check: for each state, its partner (the state whose
//! code it must submit). Pairs are mutual; with an odd number of states, three of them form a
//! ring (A asks B, B asks C, C asks A). Never a state with itself; fewer than two states give
//! no pairs. The result depends only on the candidates (as a set), the seed and the flag, on
//! every platform: a seed reproduces the draw. With `across_regions`, pairs join different
//! regions wherever the draw allows.
struct Pairing {
  std::string state;
  std::string partner;
  friend bool operator==(const Pairing&, const Pairing&) = default;
};
std::vector<Pairing> pair_states(std::vector<PairingCandidate> candidates, std::string_view seed,
                                 bool across_regions);

//! A code to be read over the phone or passed between states: 8 characters from an alphabet
//! without look-alikes (no 0/O, 1/I/L), shown as two groups "K7PX-3QM9".
std::string new_check_code(RandomSource& random);

//! A code as typed: spaces and hyphens dropped, upper case ("k7px 3qm9" gives "K7PX3QM9").
std::string normalise_code(std::string_view typed);

//! True when `text` (an answer, a mail reply) contains `code` in any typing normalise_code
//! accepts.
bool text_contains_code(std::string_view text, std::string_view code);

//! True when an answer matches the expected one: after search folding (case, diacritics,
//! width), the expected answer's words appear in the answer consecutively ("Yes, the CERT
//! confirmed" matches "the cert confirmed").
bool answer_matches(std::string_view answer, std::string_view expected);

//! The value below which `share` (0 to 1) of the sorted samples lie, by the nearest-rank
//! method (the median of 1, 2, 3, 4 is 2); nothing for no samples.
std::optional<double> nearest_rank(const std::vector<double>& sorted, double share);

}  // namespace liaison::domain
