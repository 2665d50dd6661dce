#pragma once

#include <map>
#include <string>
#include <string_view>
#include <variant>

#include "base/error.h"
#include "domain/language.h"

namespace liaison::domain {

//! Who can take part in an organisation: a state (ISO 3166-1 entry) or, as the European Union
//! in the ARF, an organisation participating in its own right.
enum class ParticipantKind { state, organisation };

std::string_view participant_kind_name(ParticipantKind kind);

//! A state or other participant, keyed by ISO 3166-1 codes; names come from Debian's iso-codes.
struct State {
  std::string alpha2;   //!< "FR"; "EU" for the European Union (ISO exceptional reservation)
  std::string alpha3;   //!< "FRA"; empty where ISO assigns none (the EU)
  std::string numeric;  //!< "250"; empty where ISO assigns none
  ParticipantKind kind = ParticipantKind::state;
  std::map<Language, std::string> names;

  //! The name in `language`, falling back to English where no translation exists.
  const std::string& name(Language language) const;
};

struct Alpha2 {
  std::string code;
};
struct Alpha3 {
  std::string code;
};
using StateCode = std::variant<Alpha2, Alpha3>;

//! Whether `code` names `state` (by alpha-2 or alpha-3, as parsed).
bool matches(const StateCode& code, const State& state);

//! Accepts an ISO 3166-1 alpha-2 or alpha-3 code in any case; rejects anything else.
Result<StateCode> parse_state_code(std::string_view text);

}  // namespace liaison::domain
