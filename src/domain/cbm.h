#pragma once

#include <string>

namespace liaison::domain {

//! A confidence-building measure from a catalogue: the 16 OSCE CBMs (PC.DEC/1202) or the
//! UN initial list of global CBMs (Annex B of the OEWG 2023 Annual Progress Report).
struct Cbm {
  std::string catalogue;  //!< "OSCE" or "UN"
  std::string number;     //!< as the catalogue numbers it: "8", "1(c)(i)"
  std::string title;
  std::string text;
};

}  // namespace liaison::domain
