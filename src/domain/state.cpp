#include "domain/state.h"

#include <fmt/format.h>

namespace liaison::domain {

std::string_view participant_kind_name(ParticipantKind kind) {
  switch (kind) {
    case ParticipantKind::state:
      return "state";
    case ParticipantKind::organisation:
      return "organisation";
  }
  return "state";
}

const std::string& State::name(Language language) const {
  if (auto it = names.find(language); it != names.end() && !it->second.empty()) return it->second;
  static const std::string empty;
  auto english = names.find(Language::english);
  return english == names.end() ? empty : english->second;
}

Result<StateCode> parse_state_code(std::string_view text) {
  if (text.size() != 2 && text.size() != 3) {
    return Error::invalid_argument(
        "a state code is an ISO 3166-1 alpha-2 (\"FR\") or alpha-3 (\"FRA\") code");
  }
  std::string code;
  for (char c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') {
      return Error::invalid_argument(
          fmt::format("a state code has only the letters A to Z, got \"{}\"", text));
    }
    code.push_back(c);
  }
  if (code.size() == 2) return StateCode{Alpha2{std::move(code)}};
  return StateCode{Alpha3{std::move(code)}};
}

bool matches(const StateCode& code, const State& state) {
  if (const auto* alpha2 = std::get_if<Alpha2>(&code)) return state.alpha2 == alpha2->code;
  return state.alpha3 == std::get<Alpha3>(code).code;
}

}  // namespace liaison::domain
