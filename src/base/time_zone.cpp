#include "base/time_zone.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <unicode/strenum.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>
#include <unicode/ures.h>

#include <fmt/format.h>

#include "base/text.h"

namespace liaison {
namespace {

//! ICU counts lengths in int32_t.
constexpr auto kMaxLength = static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max());

//! The name as ICU reads it; empty, which is no zone, when ICU could not read all of it (ICU's
//! look-up stops at a NUL: "Europe/Vienna\0x" would find Vienna).
icu::UnicodeString to_unicode(std::string_view utf8) {
  if (utf8.size() > kMaxLength || utf8.find('\0') != std::string_view::npos) return {};
  return icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size())));
}

std::string to_utf8(const icu::UnicodeString& text) {
  std::string utf8;
  text.toUTF8String(utf8);
  return utf8;
}

//! CLDR's identifier for the zone `id` names, when `id` is one of ICU's zone names. CLDR keeps
//! the oldest spelling for stability ("Asia/Calcutta", "Europe/Kiev"), which is why it is used
//! here only to tell zones apart, never as the name to store.
std::optional<icu::UnicodeString> cldr_id(const icu::UnicodeString& id) {
  icu::UnicodeString canonical;
  UBool system_id = false;
  UErrorCode status = U_ZERO_ERROR;
  icu::TimeZone::getCanonicalID(id, canonical, system_id, status);
  // Custom offsets ("GMT+05:00") are valid for ICU but are no zone of the database.
  if (U_FAILURE(status) || system_id == 0) return std::nullopt;
  return canonical;
}

//! The zone `id` is a link to in ICU's build of the IANA database, or `id` itself when it is a
//! zone. ICU 74 answers this with TimeZone::getIanaID; ICU 72 only has the data: resource
//! "zoneinfo64" lists every name, sorted, under "Names", and holds at the same index of "Zones"
//! either the zone's rules or, for a link, the index of its target.
std::optional<icu::UnicodeString> iana_target(const icu::UnicodeString& id) {
  UErrorCode status = U_ZERO_ERROR;
  icu::LocalUResourceBundlePointer top(ures_openDirect(nullptr, "zoneinfo64", &status));
  icu::LocalUResourceBundlePointer names(ures_getByKey(top.getAlias(), "Names", nullptr, &status));
  icu::LocalUResourceBundlePointer zones(ures_getByKey(top.getAlias(), "Zones", nullptr, &status));
  if (U_FAILURE(status)) return std::nullopt;
  auto name_at = [&](std::int32_t index) {
    std::int32_t length = 0;
    const UChar* name = ures_getStringByIndex(names.getAlias(), index, &length, &status);
    return U_SUCCESS(status) ? icu::UnicodeString(name, length) : icu::UnicodeString();
  };
  std::int32_t low = 0;
  std::int32_t high = ures_getSize(names.getAlias());
  while (low < high) {
    auto middle = low + (high - low) / 2;
    auto order = name_at(middle).compare(id);
    if (U_FAILURE(status)) return std::nullopt;
    if (order == 0) {
      icu::LocalUResourceBundlePointer zone(
          ures_getByIndex(zones.getAlias(), middle, nullptr, &status));
      if (U_FAILURE(status)) return std::nullopt;
      if (ures_getType(zone.getAlias()) != URES_INT) return id;
      auto target = name_at(ures_getInt(zone.getAlias(), &status));
      if (U_FAILURE(status) || target.isEmpty()) return std::nullopt;
      return target;
    }
    if (order < 0)
      low = middle + 1;
    else
      high = middle;
  }
  return std::nullopt;
}

// Shifting by the zone's offset makes the UTC calendar fields the zone's wall-clock fields. An
// unknown name gives ICU's "Etc/Unknown", which has the offset of UTC.
std::chrono::sys_seconds local_instant(std::chrono::sys_seconds instant,
                                       const icu::UnicodeString& id) {
  std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(id));
  std::int32_t raw_offset = 0;
  std::int32_t dst_offset = 0;
  if (zone) {
    UErrorCode status = U_ZERO_ERROR;
    auto milliseconds = static_cast<UDate>(instant.time_since_epoch().count()) * 1000.0;
    zone->getOffset(milliseconds, false, raw_offset, dst_offset, status);
    if (U_FAILURE(status)) raw_offset = dst_offset = 0;
  }
  return instant + std::chrono::floor<std::chrono::seconds>(std::chrono::milliseconds(raw_offset) +
                                                            std::chrono::milliseconds(dst_offset));
}

}  // namespace

Result<std::string> canonical_time_zone(std::string_view iana) {
  auto id = to_unicode(iana);
  auto zone = cldr_id(id);
  if (!zone) {
    constexpr std::size_t kShown = 64;
    return Error::invalid_argument("'" + to_valid_utf8(iana.substr(0, kShown)) +
                                   "' is not an IANA time zone");
  }
  auto target = iana_target(id);
  if (!target) return to_utf8(*zone);  // ICU's data is laid out differently: CLDR's name is valid
  // A link whose target CLDR counts as another zone is a merge of zones that only agree since
  // 1970 (Europe/Stockholm into Europe/Berlin): keep the name given.
  if (cldr_id(*target) != zone) return to_utf8(id);
  return to_utf8(*target);
}

std::chrono::year_month_day local_date(std::chrono::sys_seconds instant, std::string_view iana) {
  auto local = local_instant(instant, to_unicode(iana));
  return std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(local));
}

std::string local_time_text(std::chrono::sys_seconds instant, std::string_view iana) {
  auto id = to_unicode(iana);
  // ICU would read an unknown name as "Etc/Unknown" and a custom offset ("GMT+5") as a zone;
  // neither is a zone a recipient can have.
  if (!cldr_id(id)) return {};
  auto local = local_instant(instant, id);
  auto day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::year_month_day date(day);
  std::chrono::hh_mm_ss time(std::chrono::floor<std::chrono::minutes>(local - day));
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     time.hours().count(), time.minutes().count());
}

std::vector<std::string> time_zone_names() {
  std::vector<std::string> names;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::StringEnumeration> zones(icu::TimeZone::createTimeZoneIDEnumeration(
      UCAL_ZONE_TYPE_CANONICAL_LOCATION, nullptr, nullptr, status));
  if (U_FAILURE(status) || !zones) return names;
  while (const icu::UnicodeString* id = zones->snext(status)) {
    if (U_FAILURE(status)) break;
    if (auto canonical = canonical_time_zone(to_utf8(*id))) names.push_back(*canonical);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace liaison
