#include "base/regions.h"

#include <unicode/locid.h>
#include <unicode/region.h>
#include <unicode/unistr.h>

namespace liaison {

M49Region m49_region_of(std::string_view alpha2) {
  UErrorCode status = U_ZERO_ERROR;
  std::string code(alpha2);
  const icu::Region* territory = icu::Region::getInstance(code.c_str(), status);
  if (U_FAILURE(status) || territory == nullptr) return {};
  M49Region result;
  if (const auto* continent = territory->getContainingRegion(URGN_CONTINENT))
    result.region = continent->getRegionCode();
  if (const auto* subcontinent = territory->getContainingRegion(URGN_SUBCONTINENT))
    result.subregion = subcontinent->getRegionCode();
  return result;
}

std::string m49_region_name(std::string_view code, std::string_view language) {
  icu::Locale region("und", std::string(code).c_str());
  icu::UnicodeString name;
  region.getDisplayCountry(icu::Locale(std::string(language).c_str()), name);
  std::string text;
  name.toUTF8String(text);
  return text.empty() ? std::string(code) : text;
}

}  // namespace liaison
