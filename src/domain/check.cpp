#include "domain/check.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <tuple>
#include <utility>

#include "base/clock.h"
#include "base/text.h"
#include "base/time_zone.h"
#include "base/unicode.h"
#include "domain/enum_names.h"

namespace liaison::domain {
namespace {

constexpr std::array<std::pair<CheckTask, std::string_view>, 4> kTaskNames{{
    {CheckTask::acknowledge, "acknowledge"},
    {CheckTask::answer, "answer"},
    {CheckTask::bilateral, "bilateral"},
    {CheckTask::channel, "channel"},
}};
constexpr std::array<std::pair<CheckStatus, std::string_view>, 5> kStatusNames{{
    {CheckStatus::draft, "draft"},
    {CheckStatus::scheduled, "scheduled"},
    {CheckStatus::running, "running"},
    {CheckStatus::closed, "closed"},
    {CheckStatus::cancelled, "cancelled"},
}};

constexpr std::size_t kMaxTitle = 200;
constexpr std::size_t kMaxQuestion = 4000;
constexpr std::size_t kMaxExpectedAnswer = 500;
constexpr std::size_t kMaxSeed = 100;
constexpr int kMaxWindowHours = 720;  // 30 days: longer and a check no longer tests reachability
constexpr int kMaxReminderPercent = 90;

// Limits are what a reader sees, so they count characters, not the bytes of other scripts.
std::size_t code_points(std::string_view utf8) {
  return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0u) != 0x80u;
  }));
}

std::string with_thousands(std::size_t value) {
  auto digits = std::to_string(value);
  for (auto at = digits.size(); at > 3; at -= 3)
    digits.insert(at - 3, ",");
  return digits;
}

class Checker {
 public:
  void text(std::string_view field, std::string_view value, std::size_t limit, bool multiline) {
    if (!is_valid_utf8(value)) {
      add(field, "not_utf8", "is not valid UTF-8 text");
    } else if (code_points(value) > limit) {
      add(field, "too_long_characters", "is longer than " + with_thousands(limit) + " characters",
          {{"limit", std::to_string(limit)}});
    } else if (std::any_of(value.begin(), value.end(), [&](char c) {
                 auto byte = static_cast<unsigned char>(c);
                 auto allowed = multiline && (c == '\n' || c == '\t' || c == '\r');
                 return (byte < 0x20 && !allowed) || byte == 0x7F;
               })) {
      add(field, "control_characters", "contains control characters");
    }
  }
  void required(std::string_view field, std::string_view value, std::string_view key,
                std::string message) {
    if (trim_blanks(value).empty()) add(field, key, std::move(message));
  }
  void add(std::string_view field, std::string_view key, std::string message,
           std::vector<std::pair<std::string, std::string>> arguments = {}) {
    problems_.push_back(
        {std::string(field), std::move(message), std::string(key), std::move(arguments)});
  }
  std::vector<FieldProblem> take() { return std::move(problems_); }

 private:
  std::vector<FieldProblem> problems_;
};

bool is_alpha2(std::string_view code) {
  return code.size() == 2 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool is_m49(std::string_view code) {
  return code.size() == 3 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string indexed(std::string_view list, std::size_t index) {
  return std::string(list) + "[" + std::to_string(index) + "]";
}

// The pairing must give the same draw on every platform and standard library, so it uses no
// std::hash, no distribution and no std::shuffle (all implementation-defined): FNV-1a 64 turns
// the seed into a number and SplitMix64 expands it.
std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325u;
  for (auto c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3u;
  }
  return hash;
}

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    state_ += 0x9e3779b97f4a7c15u;
    auto z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
  }
  // Rejection sampling: a plain modulo would favour the low values.
  std::uint64_t below(std::uint64_t bound) {
    constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
    auto limit = kMax - kMax % bound;
    for (;;) {
      auto value = next();
      if (value < limit) return value % bound;
    }
  }

 private:
  std::uint64_t state_;
};

constexpr std::string_view kCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
constexpr std::size_t kCodeLength = 8;

}  // namespace

std::string_view check_task_name(CheckTask task) {
  return name_of(kTaskNames, task);
}
std::optional<CheckTask> parse_check_task(std::string_view name) {
  return parse_name(kTaskNames, name);
}
std::string_view check_status_name(CheckStatus status) {
  return name_of(kStatusNames, status);
}
std::optional<CheckStatus> parse_check_status(std::string_view name) {
  return parse_name(kStatusNames, name);
}

std::vector<FieldProblem> check_plan_problems(const CheckPlan& plan) {
  Checker check;
  check.required("title", plan.title, "required", "is required");
  check.text("title", plan.title, kMaxTitle, false);
  if (plan.task == CheckTask::answer)
    check.required("question", plan.question, "question_required",
                   "is required for a check that asks a question");
  check.text("question", plan.question, kMaxQuestion, true);
  check.text("expected_answer", plan.expected_answer, kMaxExpectedAnswer, true);
  if (!plan.starts_at.empty() && !parse_utc_seconds(plan.starts_at))
    check.add("starts_at", "not_utc_time", "is not a UTC time of the form 2026-12-08T14:00:00Z");
  if (plan.window_hours < 1 || plan.window_hours > kMaxWindowHours)
    check.add("window_hours", "between", "must be between 1 and " + std::to_string(kMaxWindowHours),
              {{"min", "1"}, {"max", std::to_string(kMaxWindowHours)}});
  if (plan.reminder_percent < 0 || plan.reminder_percent > kMaxReminderPercent)
    check.add("reminder_percent", "reminder_range",
              "must be between 0 (no reminder) and " + std::to_string(kMaxReminderPercent),
              {{"max", std::to_string(kMaxReminderPercent)}});
  check.text("pairing_seed", plan.pairing_seed, kMaxSeed, false);

  const auto& target = plan.target;
  for (std::size_t i = 0; i < target.states.size(); ++i) {
    if (!is_alpha2(target.states[i]))
      check.add(indexed("target.states", i), "not_alpha2",
                "is not an ISO 3166-1 alpha-2 code such as \"FR\"");
  }
  for (std::size_t i = 0; i < target.regions.size(); ++i) {
    if (!is_m49(target.regions[i]))
      check.add(indexed("target.regions", i), "not_m49",
                "is not a UN M49 region code such as \"150\"");
  }
  const auto& levels = target.levels;
  if (levels.empty())
    check.add("target.levels", "level_required", "at least one level is required");
  for (auto level : {Level::policy, Level::technical, Level::structure}) {
    if (std::count(levels.begin(), levels.end(), level) > 1)
      check.add("target.levels", "level_repeated",
                "lists \"" + std::string(level_name(level)) + "\" more than once",
                {{"level", std::string(level_name(level))}});
  }
  if (plan.task == CheckTask::bilateral && !levels.empty() &&
      std::none_of(levels.begin(), levels.end(),
                   [](Level level) { return level != Level::structure; })) {
    check.add("target.levels", "bilateral_levels",
              "a bilateral check is between points of contact: add the policy or technical level");
  }
  return check.take();
}

CheckTime check_deadline(CheckTime start, int window_hours) {
  return start + std::chrono::hours(window_hours);
}

std::optional<CheckTime> check_reminder_time(CheckTime start, int window_hours,
                                             int reminder_percent) {
  if (reminder_percent == 0) return std::nullopt;
  auto window = std::chrono::seconds(std::chrono::hours(window_hours)).count();
  // Floor division keeps the reminder inside the window for any percentage below 100.
  auto offset = window * reminder_percent / 100;
  return start + std::chrono::seconds(offset);
}

bool is_late(CheckTime answered_at, CheckTime deadline) {
  return answered_at > deadline;
}

CheckSchedule check_schedule(CheckTime start, const CheckPlan& plan) {
  CheckSchedule schedule;
  schedule.start = start;
  schedule.deadline = check_deadline(start, plan.window_hours);
  schedule.reminder = check_reminder_time(start, plan.window_hours, plan.reminder_percent);
  if (plan.escalate)
    schedule.escalation_deadline = check_deadline(schedule.deadline, plan.window_hours);
  schedule.closes = schedule.escalation_deadline.value_or(schedule.deadline);
  return schedule;
}

std::string deadline_text(CheckTime deadline, std::string_view time_zone) {
  auto utc = local_time_text(deadline, "Etc/UTC");
  auto local = local_time_text(deadline, time_zone);
  // Etc/GMT is UTC under another name: "14:00 Etc/GMT (14:00 UTC)" would only confuse.
  auto canonical = canonical_time_zone(time_zone);
  auto is_utc = canonical && (*canonical == "Etc/UTC" || *canonical == "Etc/GMT");
  if (local.empty() || is_utc) return utc + " UTC";
  return local + " " + std::string(time_zone) + " (" + utc.substr(utc.size() - 5) + " UTC)";
}

std::vector<Pairing> pair_states(std::vector<PairingCandidate> candidates, std::string_view seed,
                                 bool across_regions) {
  // Sorting first makes the draw independent of the order the caller read the states in.
  std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
    return std::tie(a.state, a.region) < std::tie(b.state, b.region);
  });
  candidates.erase(std::unique(candidates.begin(), candidates.end(),
                               [](const auto& a, const auto& b) { return a.state == b.state; }),
                   candidates.end());
  std::vector<Pairing> pairs;
  if (candidates.size() < 2) return pairs;

  SplitMix64 random(fnv1a64(seed));
  for (auto i = candidates.size() - 1; i > 0; --i) {
    auto j = static_cast<std::size_t>(random.below(i + 1));
    std::swap(candidates[i], candidates[j]);
  }

  // With an odd count the greedy pass stops at three, which form the ring.
  auto open = std::move(candidates);
  auto leave = open.size() % 2 == 1 ? std::size_t{3} : std::size_t{0};
  while (open.size() > leave) {
    std::size_t partner = 1;
    if (across_regions) {
      for (std::size_t k = 1; k < open.size(); ++k) {
        if (open[k].region != open[0].region) {
          partner = k;
          break;
        }
      }
    }
    pairs.push_back({open[0].state, open[partner].state});
    pairs.push_back({open[partner].state, open[0].state});
    open.erase(open.begin() + static_cast<std::ptrdiff_t>(partner));
    open.erase(open.begin());
  }
  if (open.size() == 3) {
    pairs.push_back({open[0].state, open[1].state});
    pairs.push_back({open[1].state, open[2].state});
    pairs.push_back({open[2].state, open[0].state});
  }
  std::sort(pairs.begin(), pairs.end(),
            [](const Pairing& a, const Pairing& b) { return a.state < b.state; });
  return pairs;
}

std::string new_check_code(RandomSource& random) {
  // The largest multiple of the alphabet's size that fits a byte: bytes above it are drawn
  // again so that every character is equally likely.
  constexpr auto kLimit = 256 - 256 % kCodeAlphabet.size();
  std::string code;
  std::array<std::byte, 16> bytes{};
  while (code.size() < kCodeLength) {
    random.fill(bytes);
    for (auto byte : bytes) {
      auto value = std::to_integer<std::size_t>(byte);
      if (value >= kLimit) continue;
      code.push_back(kCodeAlphabet[value % kCodeAlphabet.size()]);
      if (code.size() == kCodeLength) break;
    }
  }
  return code.substr(0, 4) + "-" + code.substr(4);
}

std::string normalise_code(std::string_view typed) {
  std::string code;
  for (auto c : typed) {
    if (c != ' ' && c != '\t' && c != '-') code.push_back(c);
  }
  return ascii_upper(code);
}

bool text_contains_code(std::string_view text, std::string_view code) {
  auto wanted = normalise_code(code);
  if (wanted.empty()) return false;
  return normalise_code(text).find(wanted) != std::string::npos;
}

bool answer_matches(std::string_view answer, std::string_view expected) {
  auto wanted = search_words(expected);
  if (wanted.empty()) return false;
  auto words = search_words(answer);
  return std::search(words.begin(), words.end(), wanted.begin(), wanted.end()) != words.end();
}

std::optional<double> nearest_rank(const std::vector<double>& sorted, double share) {
  if (sorted.empty()) return std::nullopt;
  auto count = static_cast<double>(sorted.size());
  // 0.1 * 30 is 3.0000000000000004 in binary: without the tolerance the rank would be 4.
  auto rank = std::ceil(std::clamp(share, 0.0, 1.0) * count - 1e-9);
  auto index = static_cast<std::size_t>(std::clamp(rank, 1.0, count)) - 1;
  return sorted[index];
}

}  // namespace liaison::domain
