#include "domain/check.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace liaison::domain {
namespace {

using namespace std::chrono_literals;

CheckTime utc(int y, unsigned m, unsigned d, int hours, int minutes, int seconds = 0) {
  using namespace std::chrono;
  return sys_days(year(y) / month(m) / day(d)) + std::chrono::hours(hours) +
         std::chrono::minutes(minutes) + std::chrono::seconds(seconds);
}

//! A plan with no problems, for tests to spoil one field at a time.
CheckPlan valid_plan() {
  CheckPlan plan;
  plan.title = "Quarterly communication check";
  plan.target.levels = {Level::policy, Level::technical};
  return plan;
}

//! The fields a plan's problems name, in order.
std::vector<std::string> fields(const CheckPlan& plan) {
  std::vector<std::string> names;
  for (const auto& problem : check_plan_problems(plan))
    names.push_back(problem.field);
  return names;
}

using Fields = std::vector<std::string>;

//! Hands out a fixed byte sequence, repeated as needed.
class FixedRandom final : public RandomSource {
 public:
  explicit FixedRandom(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}
  void fill(std::span<std::byte> out) override {
    for (auto& byte : out) {
      byte = static_cast<std::byte>(bytes_[next_ % bytes_.size()]);
      ++next_;
    }
  }

 private:
  std::vector<std::uint8_t> bytes_;
  std::size_t next_ = 0;
};

//! A deterministic stream of varied bytes (a linear congruential generator), so that many codes
//! can be drawn without a system source.
class CountingRandom final : public RandomSource {
 public:
  void fill(std::span<std::byte> out) override {
    for (auto& byte : out) {
      state_ = state_ * 6364136223846793005u + 1442695040888963407u;
      byte = static_cast<std::byte>(state_ >> 56);
    }
  }

 private:
  std::uint64_t state_ = 42;
};

//! Pairs as "AT>FR FR>AT", for comparing draws and pinning one.
std::string spelled(const std::vector<Pairing>& pairs) {
  std::string text;
  for (const auto& pair : pairs)
    text += (text.empty() ? "" : " ") + pair.state + ">" + pair.partner;
  return text;
}

std::vector<PairingCandidate> candidates(int count, int regions = 1) {
  std::vector<PairingCandidate> list;
  for (int i = 0; i < count; ++i) {
    std::string state{static_cast<char>('A' + i / 26), static_cast<char>('A' + i % 26)};
    list.push_back({state, std::to_string(100 + i % regions)});
  }
  return list;
}

//! Checks what every pairing must be, whatever the draw.
void expect_well_formed(const std::vector<Pairing>& pairs,
                        const std::vector<PairingCandidate>& from) {
  std::set<std::string> states;
  for (const auto& candidate : from)
    states.insert(candidate.state);
  ASSERT_EQ(pairs.size(), states.size());
  std::map<std::string, std::string> partner_of;
  std::map<std::string, int> asked;
  for (const auto& pair : pairs) {
    EXPECT_NE(pair.state, pair.partner);
    EXPECT_TRUE(states.contains(pair.state)) << pair.state;
    EXPECT_TRUE(states.contains(pair.partner)) << pair.partner;
    EXPECT_TRUE(partner_of.emplace(pair.state, pair.partner).second) << pair.state << " twice";
    ++asked[pair.partner];
  }
  EXPECT_TRUE(std::is_sorted(pairs.begin(), pairs.end(),
                             [](const auto& a, const auto& b) { return a.state < b.state; }));
  // Every state's code is asked for exactly once; all pairs are mutual but for one ring of three
  // when the count is odd.
  std::size_t in_ring = 0;
  for (const auto& [state, partner] : partner_of) {
    EXPECT_EQ(asked[state], 1) << state;
    if (partner_of[partner] == state) continue;
    ++in_ring;
    EXPECT_EQ(partner_of[partner_of[partner]], state) << state << " is in no ring of three";
  }
  EXPECT_EQ(in_ring, states.size() % 2 == 1 ? 3u : 0u);
}

TEST(CheckNames, RoundTrip) {
  for (auto task :
       {CheckTask::acknowledge, CheckTask::answer, CheckTask::bilateral, CheckTask::channel})
    EXPECT_EQ(parse_check_task(check_task_name(task)), task);
  for (auto status : {CheckStatus::draft, CheckStatus::scheduled, CheckStatus::running,
                      CheckStatus::closed, CheckStatus::cancelled})
    EXPECT_EQ(parse_check_status(check_status_name(status)), status);
  EXPECT_EQ(check_task_name(CheckTask::bilateral), "bilateral");
  EXPECT_EQ(check_status_name(CheckStatus::cancelled), "cancelled");
  EXPECT_FALSE(parse_check_task("Answer"));
  EXPECT_FALSE(parse_check_task(""));
  EXPECT_FALSE(parse_check_status("canceled"));
  EXPECT_FALSE(parse_check_status("open"));
}

TEST(CheckPlanProblems, AValidPlanHasNone) {
  EXPECT_TRUE(check_plan_problems(valid_plan()).empty());
  auto plan = valid_plan();
  plan.task = CheckTask::answer;
  plan.question = "Which authority handles ransomware incidents at national level?";
  plan.expected_answer = "National Cyber Security Centre";
  plan.starts_at = "2026-12-08T14:00:00Z";
  plan.window_hours = 720;
  plan.reminder_percent = 90;
  plan.pairing_seed = "ARF 2026";
  plan.target.states = {"FR", "AT", "EU"};
  plan.target.regions = {"150", "002"};
  plan.target.levels = {Level::structure, Level::policy, Level::technical};
  EXPECT_EQ(check_plan_problems(plan), std::vector<FieldProblem>{});
  plan.starts_at = "2026-12-08T14:00:00.123456Z";
  plan.window_hours = 1;
  plan.reminder_percent = 0;
  EXPECT_EQ(check_plan_problems(plan), std::vector<FieldProblem>{});
}

TEST(CheckPlanProblems, Title) {
  auto plan = valid_plan();
  plan.title = "";
  EXPECT_EQ(check_plan_problems(plan),
            (std::vector<FieldProblem>{{"title", "is required", "required"}}));
  plan.title = "   ";
  EXPECT_EQ(fields(plan), Fields{"title"});
  plan.title = std::string(200, 'x');
  EXPECT_EQ(fields(plan), Fields{});
  plan.title = std::string(201, 'x');
  EXPECT_EQ(
      check_plan_problems(plan),
      (std::vector<FieldProblem>{
          {"title", "is longer than 200 characters", "too_long_characters", {{"limit", "200"}}}}));
  // Characters, not bytes: 200 Cyrillic letters take 400 bytes.
  plan.title.clear();
  for (int i = 0; i < 200; ++i)
    plan.title += "Ж";
  EXPECT_EQ(fields(plan), Fields{});
  plan.title += "Ж";
  EXPECT_EQ(fields(plan), Fields{"title"});
  plan.title = "Check \xff";
  EXPECT_EQ(check_plan_problems(plan),
            (std::vector<FieldProblem>{{"title", "is not valid UTF-8 text", "not_utf8"}}));
  plan.title = "Two\nlines";
  EXPECT_EQ(
      check_plan_problems(plan),
      (std::vector<FieldProblem>{{"title", "contains control characters", "control_characters"}}));
}

TEST(CheckPlanProblems, QuestionIsRequiredOnlyToAnswer) {
  auto plan = valid_plan();
  plan.task = CheckTask::answer;
  EXPECT_EQ(check_plan_problems(plan),
            (std::vector<FieldProblem>{{"question", "is required for a check that asks a question",
                                        "question_required"}}));
  plan.question = " ";
  EXPECT_EQ(fields(plan), Fields{"question"});
  plan.question = "Who is\non duty?";
  EXPECT_EQ(fields(plan), Fields{});
  for (auto task : {CheckTask::acknowledge, CheckTask::bilateral, CheckTask::channel}) {
    plan.task = task;
    plan.question.clear();
    EXPECT_EQ(fields(plan), Fields{}) << check_task_name(task);
  }
}

TEST(CheckPlanProblems, TextLengths) {
  auto plan = valid_plan();
  plan.question = std::string(4000, 'q');
  plan.expected_answer = std::string(500, 'a');
  plan.pairing_seed = std::string(100, 's');
  EXPECT_EQ(fields(plan), Fields{});
  plan.question += "q";
  plan.expected_answer += "a";
  plan.pairing_seed += "s";
  EXPECT_EQ(check_plan_problems(plan),
            (std::vector<FieldProblem>{{"question",
                                        "is longer than 4,000 characters",
                                        "too_long_characters",
                                        {{"limit", "4000"}}},
                                       {"expected_answer",
                                        "is longer than 500 characters",
                                        "too_long_characters",
                                        {{"limit", "500"}}},
                                       {"pairing_seed",
                                        "is longer than 100 characters",
                                        "too_long_characters",
                                        {{"limit", "100"}}}}));
  plan = valid_plan();
  plan.expected_answer = "\xc3\x28";
  plan.pairing_seed = "seed\x01";
  EXPECT_EQ(fields(plan), (Fields{"expected_answer", "pairing_seed"}));
}

TEST(CheckPlanProblems, StartsAt) {
  auto plan = valid_plan();
  for (auto text : {"2026-12-08T14:00:00Z", "2026-12-08T14:00:00.5Z", ""}) {
    plan.starts_at = text;
    EXPECT_EQ(fields(plan), Fields{}) << text;
  }
  for (auto text : {"2026-12-08", "2026-12-08T14:00:00", "2026-12-08T14:00:00+01:00",
                    "2026-12-08 14:00:00Z", "tomorrow", "2026-13-08T14:00:00Z"}) {
    plan.starts_at = text;
    EXPECT_EQ(fields(plan), Fields{"starts_at"}) << text;
  }
  EXPECT_EQ(check_plan_problems(plan).front().message,
            "is not a UTC time of the form 2026-12-08T14:00:00Z");
}

TEST(CheckPlanProblems, WindowAndReminder) {
  auto plan = valid_plan();
  for (int hours : {0, -1, 721, 100000}) {
    plan.window_hours = hours;
    EXPECT_EQ(fields(plan), Fields{"window_hours"}) << hours;
  }
  EXPECT_EQ(check_plan_problems(plan).front().message, "must be between 1 and 720");
  plan = valid_plan();
  for (int percent : {-1, 91, 100}) {
    plan.reminder_percent = percent;
    EXPECT_EQ(fields(plan), Fields{"reminder_percent"}) << percent;
  }
  EXPECT_EQ(check_plan_problems(plan).front().message, "must be between 0 (no reminder) and 90");
}

TEST(CheckPlanProblems, TargetStatesAndRegions) {
  auto plan = valid_plan();
  plan.target.states = {"FR", "fr", "FRA", "F", "", "F1", "ÉU"};
  plan.target.regions = {"150", "15", "1500", "EU"};
  EXPECT_EQ(fields(plan), (Fields{"target.states[1]", "target.states[2]", "target.states[3]",
                                  "target.states[4]", "target.states[5]", "target.states[6]",
                                  "target.regions[1]", "target.regions[2]", "target.regions[3]"}));
  EXPECT_EQ(check_plan_problems(plan).front().message,
            "is not an ISO 3166-1 alpha-2 code such as \"FR\"");
}

TEST(CheckPlanProblems, Levels) {
  auto plan = valid_plan();
  plan.target.levels.clear();
  EXPECT_EQ(check_plan_problems(plan),
            (std::vector<FieldProblem>{
                {"target.levels", "at least one level is required", "level_required"}}));
  plan.target.levels = {Level::technical, Level::policy, Level::technical, Level::technical};
  EXPECT_EQ(check_plan_problems(plan),
            (std::vector<FieldProblem>{{"target.levels",
                                        "lists \"technical\" more than once",
                                        "level_repeated",
                                        {{"level", "technical"}}}}));
  plan.target.levels = {Level::structure};
  EXPECT_EQ(fields(plan), Fields{});
}

TEST(CheckPlanProblems, BilateralChecksAreBetweenPointsOfContact) {
  auto plan = valid_plan();
  plan.task = CheckTask::bilateral;
  plan.target.levels = {Level::structure};
  EXPECT_EQ(fields(plan), Fields{"target.levels"});
  plan.target.levels = {Level::structure, Level::technical};
  EXPECT_EQ(fields(plan), Fields{});
  plan.target.levels = {Level::policy};
  EXPECT_EQ(fields(plan), Fields{});
  // No levels at all is said once.
  plan.target.levels.clear();
  EXPECT_EQ(fields(plan), Fields{"target.levels"});
}

TEST(CheckPlanProblems, ReportsEveryProblemAtOnce) {
  CheckPlan plan;
  plan.task = CheckTask::answer;
  plan.window_hours = 0;
  plan.reminder_percent = 95;
  plan.starts_at = "now";
  plan.target.states = {"xx"};
  EXPECT_EQ(fields(plan), (Fields{"title", "question", "starts_at", "window_hours",
                                  "reminder_percent", "target.states[0]", "target.levels"}));
}

TEST(CheckDeadline, AddsTheWindow) {
  auto start = utc(2026, 12, 7, 14, 0);
  EXPECT_EQ(check_deadline(start, 24), utc(2026, 12, 8, 14, 0));
  EXPECT_EQ(check_deadline(start, 1), utc(2026, 12, 7, 15, 0));
  EXPECT_EQ(check_deadline(start, 720), utc(2027, 1, 6, 14, 0));
  // Across the change to summer time in Europe (2026-03-29 01:00 UTC) a day is still 24 hours
  // of UTC; only the local rendering moves.
  EXPECT_EQ(check_deadline(utc(2026, 3, 28, 12, 0), 24), utc(2026, 3, 29, 12, 0));
  EXPECT_EQ(deadline_text(utc(2026, 3, 28, 12, 0), "Europe/Vienna"),
            "2026-03-28 13:00 Europe/Vienna (12:00 UTC)");
  EXPECT_EQ(deadline_text(check_deadline(utc(2026, 3, 28, 12, 0), 24), "Europe/Vienna"),
            "2026-03-29 14:00 Europe/Vienna (12:00 UTC)");
}

TEST(CheckReminder, IsAShareOfTheWindowRoundedDown) {
  auto start = utc(2026, 12, 7, 14, 0);
  EXPECT_EQ(check_reminder_time(start, 24, 50), utc(2026, 12, 8, 2, 0));
  EXPECT_EQ(check_reminder_time(start, 24, 90), start + 77760s);
  EXPECT_EQ(check_reminder_time(start, 1, 1), start + 36s);
  // 7 % of an hour is 252 seconds; 33 % of 7 hours is 8316 seconds.
  EXPECT_EQ(check_reminder_time(start, 1, 7), start + 252s);
  EXPECT_EQ(check_reminder_time(start, 7, 33), start + 8316s);
  // 33 % of 1 hour is 1188 seconds, 17 % of 3 hours 1836, 1 % of 7 hours 252: whole seconds;
  // 1 % of 720 hours is 25920; 3 % of 1 hour is 108.
  EXPECT_EQ(check_reminder_time(start, 1, 33), start + 1188s);
  EXPECT_EQ(check_reminder_time(start, 720, 1), start + 25920s);
  EXPECT_EQ(check_reminder_time(start, 720, 50), utc(2026, 12, 22, 14, 0));
  EXPECT_EQ(check_reminder_time(start, 24, 0), std::nullopt);
  EXPECT_EQ(check_reminder_time(start, 720, 0), std::nullopt);
}

TEST(IsLate, TheDeadlineItselfIsOnTime) {
  auto deadline = utc(2026, 12, 8, 14, 0);
  EXPECT_FALSE(is_late(deadline - 3600s, deadline));
  EXPECT_FALSE(is_late(deadline, deadline));
  EXPECT_TRUE(is_late(deadline + 1s, deadline));
  EXPECT_TRUE(is_late(deadline + 24h, deadline));
}

TEST(CheckSchedule, WithEscalation) {
  auto plan = valid_plan();
  plan.window_hours = 48;
  plan.reminder_percent = 75;
  plan.escalate = true;
  auto start = utc(2026, 12, 7, 9, 30);
  auto schedule = check_schedule(start, plan);
  EXPECT_EQ(schedule.start, start);
  EXPECT_EQ(schedule.deadline, utc(2026, 12, 9, 9, 30));
  EXPECT_EQ(schedule.reminder, utc(2026, 12, 8, 21, 30));
  EXPECT_EQ(schedule.escalation_deadline, utc(2026, 12, 11, 9, 30));
  EXPECT_EQ(schedule.closes, utc(2026, 12, 11, 9, 30));
}

TEST(CheckSchedule, WithoutEscalationOrReminder) {
  auto plan = valid_plan();
  plan.window_hours = 24;
  plan.reminder_percent = 0;
  plan.escalate = false;
  auto start = utc(2026, 12, 31, 12, 0);
  auto schedule = check_schedule(start, plan);
  EXPECT_EQ(schedule.start, start);
  EXPECT_EQ(schedule.deadline, utc(2027, 1, 1, 12, 0));
  EXPECT_EQ(schedule.reminder, std::nullopt);
  EXPECT_EQ(schedule.escalation_deadline, std::nullopt);
  EXPECT_EQ(schedule.closes, schedule.deadline);
}

TEST(CheckSchedule, ALateStartKeepsThePlannedDeadline) {
  // The server was down at the planned start: the caller passes the planned start, not now.
  auto plan = valid_plan();
  auto planned = utc(2026, 12, 7, 8, 0);
  EXPECT_EQ(check_schedule(planned, plan).deadline, utc(2026, 12, 8, 8, 0));
}

TEST(DeadlineText, ShowsTheRecipientsZoneAndUtc) {
  auto deadline = utc(2026, 12, 8, 14, 0);
  EXPECT_EQ(deadline_text(deadline, "Europe/Vienna"), "2026-12-08 15:00 Europe/Vienna (14:00 UTC)");
  EXPECT_EQ(deadline_text(deadline, "America/New_York"),
            "2026-12-08 09:00 America/New_York (14:00 UTC)");
  EXPECT_EQ(deadline_text(deadline, "Asia/Kolkata"), "2026-12-08 19:30 Asia/Kolkata (14:00 UTC)");
  EXPECT_EQ(deadline_text(deadline, "Asia/Tokyo"), "2026-12-08 23:00 Asia/Tokyo (14:00 UTC)");
  // The local date may differ from UTC's.
  EXPECT_EQ(deadline_text(deadline, "Pacific/Kiritimati"),
            "2026-12-09 04:00 Pacific/Kiritimati (14:00 UTC)");
  EXPECT_EQ(deadline_text(utc(2026, 12, 8, 2, 0), "America/Los_Angeles"),
            "2026-12-07 18:00 America/Los_Angeles (02:00 UTC)");
}

TEST(DeadlineText, FollowsDaylightSavingTime) {
  // Vienna springs forward on 2026-03-29 at 01:00 UTC.
  EXPECT_EQ(deadline_text(utc(2026, 3, 29, 0, 59), "Europe/Vienna"),
            "2026-03-29 01:59 Europe/Vienna (00:59 UTC)");
  EXPECT_EQ(deadline_text(utc(2026, 3, 29, 1, 0), "Europe/Vienna"),
            "2026-03-29 03:00 Europe/Vienna (01:00 UTC)");
  // New York springs forward on 2026-03-08 at 07:00 UTC and falls back on 2026-11-01 at 06:00.
  EXPECT_EQ(deadline_text(utc(2026, 3, 7, 15, 0), "America/New_York"),
            "2026-03-07 10:00 America/New_York (15:00 UTC)");
  EXPECT_EQ(deadline_text(utc(2026, 3, 9, 15, 0), "America/New_York"),
            "2026-03-09 11:00 America/New_York (15:00 UTC)");
  EXPECT_EQ(deadline_text(utc(2026, 11, 1, 5, 30), "America/New_York"),
            "2026-11-01 01:30 America/New_York (05:30 UTC)");
  EXPECT_EQ(deadline_text(utc(2026, 11, 1, 6, 30), "America/New_York"),
            "2026-11-01 01:30 America/New_York (06:30 UTC)");
  // India has no summer time.
  EXPECT_EQ(deadline_text(utc(2026, 7, 1, 14, 0), "Asia/Kolkata"),
            "2026-07-01 19:30 Asia/Kolkata (14:00 UTC)");
}

TEST(DeadlineText, UtcOnlyForUtcAndUnknownZones) {
  auto deadline = utc(2026, 12, 8, 14, 0);
  for (auto zone : {"", "UTC", "Etc/UTC", "Etc/GMT", "Mars/Base", "europe/vienna", "GMT+5"})
    EXPECT_EQ(deadline_text(deadline, zone), "2026-12-08 14:00 UTC") << zone;
  // Seconds are not shown.
  EXPECT_EQ(deadline_text(deadline + 59s, ""), "2026-12-08 14:00 UTC");
  // A zone at UTC+0 that is a place keeps its name.
  EXPECT_EQ(deadline_text(deadline, "Europe/London"), "2026-12-08 14:00 Europe/London (14:00 UTC)");
}

TEST(PairStates, FewerThanTwoStatesGiveNoPairs) {
  EXPECT_TRUE(pair_states({}, "seed", false).empty());
  EXPECT_TRUE(pair_states({{"AT", "150"}}, "seed", false).empty());
  EXPECT_TRUE(pair_states({{"AT", "150"}}, "seed", true).empty());
  // Duplicates count once.
  EXPECT_TRUE(pair_states({{"AT", "150"}, {"AT", "150"}}, "seed", false).empty());
}

TEST(PairStates, TwoStatesAskEachOther) {
  auto pairs = pair_states({{"FR", "150"}, {"AT", "150"}}, "x", false);
  EXPECT_EQ(pairs, (std::vector<Pairing>{{"AT", "FR"}, {"FR", "AT"}}));
}

TEST(PairStates, ThreeStatesFormARing) {
  auto list = candidates(3);
  auto pairs = pair_states(list, "ring", false);
  expect_well_formed(pairs, list);
}

TEST(PairStates, EveryCountIsWellFormed) {
  for (int count = 2; count <= 41; ++count) {
    for (auto across : {false, true}) {
      auto list = candidates(count, 3);
      SCOPED_TRACE(std::to_string(count) + (across ? " across regions" : ""));
      expect_well_formed(pair_states(list, "seed " + std::to_string(count), across), list);
    }
  }
}

TEST(PairStates, DuplicatesAreDropped) {
  std::vector<PairingCandidate> list{{"AT", "150"}, {"FR", "150"}, {"AT", "150"},
                                     {"DE", "150"}, {"FR", "150"}, {"PL", "150"}};
  auto pairs = pair_states(list, "seed", false);
  expect_well_formed(pairs, list);
  EXPECT_EQ(pairs.size(), 4u);
}

TEST(PairStates, TheSameSeedGivesTheSamePairsWhateverTheOrder) {
  auto list = candidates(20, 4);
  auto pairs = pair_states(list, "OSCE 2026-Q4", false);
  std::reverse(list.begin(), list.end());
  EXPECT_EQ(pair_states(list, "OSCE 2026-Q4", false), pairs);
  std::rotate(list.begin(), list.begin() + 7, list.end());
  EXPECT_EQ(pair_states(list, "OSCE 2026-Q4", false), pairs);
  EXPECT_EQ(pair_states(list, "OSCE 2026-Q4", true), pair_states(list, "OSCE 2026-Q4", true));
}

TEST(PairStates, DifferentSeedsGiveDifferentPairs) {
  auto list = candidates(20);
  std::set<std::string> draws;
  for (auto seed : {"", "a", "b", "OSCE 2026-Q4", "OSCE 2026-Q3", "ARF"})
    draws.insert(spelled(pair_states(list, seed, false)));
  EXPECT_EQ(draws.size(), 6u);
}

TEST(PairStates, AcrossRegionsPairsDifferentRegionsWhenPossible) {
  auto list = candidates(10, 2);  // regions 100 and 101, five states each
  std::map<std::string, std::string> region_of;
  for (const auto& candidate : list)
    region_of[candidate.state] = candidate.region;
  for (auto seed : {"a", "b", "c", "d", "e", "f", "g", "h"}) {
    auto pairs = pair_states(list, seed, true);
    expect_well_formed(pairs, list);
    for (const auto& pair : pairs)
      EXPECT_NE(region_of[pair.state], region_of[pair.partner])
          << seed << ": " << pair.state << " " << pair.partner;
  }
  // Without the flag some draw pairs states of one region.
  auto same_region = 0;
  for (auto seed : {"a", "b", "c", "d", "e", "f", "g", "h"}) {
    for (const auto& pair : pair_states(list, seed, false))
      if (region_of[pair.state] == region_of[pair.partner]) ++same_region;
  }
  EXPECT_GT(same_region, 0);
}

TEST(PairStates, AcrossRegionsFallsBackToTheSameRegion) {
  // One region only: the flag cannot be honoured, and the states are still paired.
  auto list = candidates(6, 1);
  EXPECT_EQ(pair_states(list, "seed", true), pair_states(list, "seed", false));
  // Two states of one region and six of another: at least the two are paired outside.
  list = candidates(8, 4);
  for (auto& candidate : list)
    if (candidate.region != "100") candidate.region = "101";
  expect_well_formed(pair_states(list, "seed", true), list);
}

TEST(PairStates, APinnedDrawIsReproducedOnEveryPlatform) {
  // FNV-1a 64 of the seed, SplitMix64 and a Fisher-Yates shuffle: pure integer arithmetic, so
  // this draw must never change. If it does, a stored seed no longer reproduces its pairs. (The
  // values were checked against an independent implementation of the same steps.)
  std::vector<PairingCandidate> list{{"AT", "150"}, {"DE", "150"}, {"FR", "150"}, {"JP", "142"},
                                     {"KR", "142"}, {"US", "019"}, {"BR", "019"}};
  EXPECT_EQ(spelled(pair_states(list, "pinned", false)),
            "AT>DE BR>US DE>JP FR>KR JP>AT KR>FR US>BR");
  EXPECT_EQ(spelled(pair_states(list, "pinned", true)),
            "AT>BR BR>AT DE>JP FR>KR JP>US KR>FR US>DE");
}

TEST(CheckCode, HasTwoGroupsOfFourFromTheAlphabet) {
  CountingRandom random;
  const std::string alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  std::set<char> seen;
  std::set<std::string> codes;
  for (int i = 0; i < 500; ++i) {
    auto code = new_check_code(random);
    ASSERT_EQ(code.size(), 9u) << code;
    EXPECT_EQ(code[4], '-') << code;
    for (std::size_t at = 0; at < code.size(); ++at) {
      if (at == 4) continue;
      EXPECT_NE(alphabet.find(code[at]), std::string::npos) << code;
      seen.insert(code[at]);
    }
    codes.insert(code);
  }
  EXPECT_EQ(seen.size(), alphabet.size());  // every character occurs, no look-alike does
  EXPECT_EQ(codes.size(), 500u);
}

TEST(CheckCode, MapsBytesUniformlyAndSkipsTheRemainder) {
  // 248 = 8 × 31 is the first byte that would favour the start of the alphabet.
  FixedRandom low({0, 1, 2, 30, 31, 32, 61, 247});
  EXPECT_EQ(new_check_code(low), "234Z-23ZZ");
  FixedRandom skipped({255, 248, 0, 249, 9, 10, 11, 12, 13, 14, 15});
  EXPECT_EQ(new_check_code(skipped), "2BCD-EFGH");
}

TEST(NormaliseCode, DropsSpacesAndHyphensAndUpperCases) {
  EXPECT_EQ(normalise_code("k7px 3qm9"), "K7PX3QM9");
  EXPECT_EQ(normalise_code("K7PX-3QM9"), "K7PX3QM9");
  EXPECT_EQ(normalise_code(" k7-px\t3q m9 "), "K7PX3QM9");
  EXPECT_EQ(normalise_code(""), "");
  EXPECT_EQ(normalise_code("- -"), "");
}

TEST(TextContainsCode, FindsTheCodeHoweverItIsTyped) {
  EXPECT_TRUE(text_contains_code("Our code is K7PX-3QM9, regards", "K7PX-3QM9"));
  EXPECT_TRUE(text_contains_code("our code is k7px 3qm9.", "K7PX-3QM9"));
  EXPECT_TRUE(text_contains_code("K7PX3QM9", "k7px-3qm9"));
  EXPECT_TRUE(text_contains_code("code: K7 PX-3Q M9", "K7PX3QM9"));
  EXPECT_TRUE(text_contains_code("Grüße — k7px-3qm9", "K7PX-3QM9"));
}

TEST(TextContainsCode, AWrongOrEmptyCodeNeverMatches) {
  EXPECT_FALSE(text_contains_code("Our code is K7PX-3QM8", "K7PX-3QM9"));
  EXPECT_FALSE(text_contains_code("Our code is K7PX", "K7PX-3QM9"));
  EXPECT_FALSE(text_contains_code("", "K7PX-3QM9"));
  EXPECT_FALSE(text_contains_code("anything", ""));
  EXPECT_FALSE(text_contains_code("anything", " - "));
}

TEST(AnswerMatches, FoldsCaseAndDiacritics) {
  EXPECT_TRUE(answer_matches("Yes, the CERT confirmed", "the cert confirmed"));
  EXPECT_TRUE(answer_matches("The Élysée Palace", "elysee"));
  EXPECT_TRUE(answer_matches("ÉLYSÉE PALACE", "élysée palace"));
  // ICU keeps an apostrophe between letters inside the word: "l'Élysée" is one word.
  EXPECT_TRUE(answer_matches("Palais de l'Élysée", "l'elysee"));
  EXPECT_FALSE(answer_matches("Palais de l'Élysée", "elysee"));
  EXPECT_TRUE(answer_matches("elysee", "Élysée"));
  EXPECT_TRUE(answer_matches("ＣＥＲＴ", "cert"));
  EXPECT_TRUE(answer_matches("The national CSIRT.", "national csirt"));
}

TEST(AnswerMatches, WordsMustBeConsecutiveAndWhole) {
  EXPECT_FALSE(answer_matches("the cert has confirmed", "cert confirmed"));
  EXPECT_FALSE(answer_matches("confirmed the cert", "cert confirmed"));
  EXPECT_FALSE(answer_matches("concert", "cert"));
  EXPECT_FALSE(answer_matches("", "cert"));
}

TEST(AnswerMatches, AnEmptyExpectedAnswerMatchesNothing) {
  EXPECT_FALSE(answer_matches("anything", ""));
  EXPECT_FALSE(answer_matches("anything", " , . "));
  EXPECT_FALSE(answer_matches("", ""));
}

TEST(NearestRank, Examples) {
  const std::vector<double> four{1, 2, 3, 4};
  EXPECT_EQ(nearest_rank(four, 0.5), 2.0);
  EXPECT_EQ(nearest_rank(four, 0.25), 1.0);
  EXPECT_EQ(nearest_rank(four, 0.26), 2.0);
  EXPECT_EQ(nearest_rank(four, 0.75), 3.0);
  EXPECT_EQ(nearest_rank(four, 1.0), 4.0);
  EXPECT_EQ(nearest_rank(four, 0.0), 1.0);
  const std::vector<double> five{15, 20, 35, 40, 50};
  EXPECT_EQ(nearest_rank(five, 0.05), 15.0);
  EXPECT_EQ(nearest_rank(five, 0.3), 20.0);
  EXPECT_EQ(nearest_rank(five, 0.4), 20.0);
  EXPECT_EQ(nearest_rank(five, 0.5), 35.0);
  EXPECT_EQ(nearest_rank(five, 0.95), 50.0);
  EXPECT_EQ(nearest_rank({7.5}, 0.9), 7.5);
  EXPECT_EQ(nearest_rank({}, 0.5), std::nullopt);
}

TEST(NearestRank, IsNotFooledByBinaryFractions) {
  std::vector<double> thirty;
  for (int i = 1; i <= 30; ++i)
    thirty.push_back(i);
  EXPECT_EQ(nearest_rank(thirty, 0.1), 3.0);  // 0.1 × 30 is 3.0000000000000004 in binary
  EXPECT_EQ(nearest_rank(thirty, 0.9), 27.0);
}

}  // namespace
}  // namespace liaison::domain
