#pragma once

#include <string>
#include <string_view>

namespace liaison {

//! The UN M49 region and sub-region a territory belongs to, as ICU's copy of CLDR's territory
//! containment gives them ("FR": region "150" Europe, sub-region "155" Western Europe). Empty
//! when ICU does not know the code (the EU, say).
struct M49Region {
  std::string region;
  std::string subregion;
};

M49Region m49_region_of(std::string_view alpha2);

//! The name of an M49 region code ("150") in a language ("fr": "Europe"), from CLDR; the code
//! itself when CLDR has no name.
std::string m49_region_name(std::string_view code, std::string_view language);

}  // namespace liaison
