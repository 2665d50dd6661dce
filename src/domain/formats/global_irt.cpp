#include "domain/formats/global_irt.h"

#include <array>
#include <chrono>
#include <string>

#include <boost/json/array.hpp>
#include <fmt/format.h>

#include "base/text.h"

namespace liaison::domain {
namespace {

namespace json = boost::json;

// Boost.JSON writes ill-formed UTF-8 as it is, which would make the document unreadable.
json::string text(std::string_view value) {
  return json::string(to_valid_utf8(value));
}

void put(json::object& object, std::string_view key, std::string_view value) {
  if (!value.empty()) object[key] = text(value);
}

struct Utc {
  int year, month, day, hour, minute, second;
};

int digits(std::string_view text, std::size_t from, std::size_t length) {
  int value = 0;
  for (auto c : text.substr(from, length)) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

// RFC 3339 in UTC as the store writes it ("2025-03-01T09:30:00.123456Z"), or nothing.
std::optional<Utc> parse_utc(std::string_view rfc3339) {
  if (rfc3339.size() < 20 || rfc3339[4] != '-' || rfc3339[7] != '-' || rfc3339[10] != 'T' ||
      rfc3339[13] != ':' || rfc3339[16] != ':') {
    return std::nullopt;
  }
  auto zone = rfc3339.substr(19);
  if (zone.front() == '.') {
    auto end = zone.find_first_not_of("0123456789", 1);
    if (end == 1 || end == std::string_view::npos) return std::nullopt;
    zone.remove_prefix(end);
  }
  if (zone != "Z" && zone != "+00:00") return std::nullopt;
  Utc utc{digits(rfc3339, 0, 4),  digits(rfc3339, 5, 2),  digits(rfc3339, 8, 2),
          digits(rfc3339, 11, 2), digits(rfc3339, 14, 2), digits(rfc3339, 17, 2)};
  std::chrono::year_month_day date{std::chrono::year(utc.year),
                                   std::chrono::month(static_cast<unsigned>(utc.month)),
                                   std::chrono::day(static_cast<unsigned>(utc.day))};
  if (utc.year < 0 || !date.ok() || utc.hour < 0 || utc.hour > 23 || utc.minute < 0 ||
      utc.minute > 59 || utc.second < 0 || utc.second > 60) {
    return std::nullopt;
  }
  return utc;
}

// The specification's example writes a team's date as "2015-06-03T14:05:27+00:00".
std::string iso_8601(std::string_view rfc3339) {
  auto utc = parse_utc(rfc3339);
  if (!utc) return to_valid_utf8(rfc3339);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00", utc->year, utc->month, utc->day,
                     utc->hour, utc->minute, utc->second);
}

// ...and the envelope's as "Wed, 13 May 2015 01:56:15 +0000", as in a Last-Modified header.
std::string rfc_5322(std::string_view rfc3339) {
  static constexpr std::array<std::string_view, 7> kDays{"Sun", "Mon", "Tue", "Wed",
                                                         "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> kMonths{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto utc = parse_utc(rfc3339);
  if (!utc) return {};
  std::chrono::year_month_day date{std::chrono::year(utc->year),
                                   std::chrono::month(static_cast<unsigned>(utc->month)),
                                   std::chrono::day(static_cast<unsigned>(utc->day))};
  std::chrono::weekday weekday{std::chrono::sys_days(date)};
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", kDays.at(weekday.c_encoding()),
                     utc->day, kMonths.at(static_cast<std::size_t>(utc->month - 1)), utc->year,
                     utc->hour, utc->minute, utc->second);
}

// "Date the entity was last updated or verified": the newest of the three. The store writes all
// of them in one RFC 3339 form, which sorts as text.
std::string_view last_modified(const DirectoryEntry& entry) {
  std::string_view newest = entry.version.recorded_at;
  for (std::string_view each :
       {std::string_view(entry.confirmed_at), std::string_view(entry.verified_at)})
    if (each > newest) newest = each;
  return newest;
}

// FIRST's CSIRT typology (global-irt, cert-types/latest.txt). A ministry's desk or another
// structure is not a CSIRT, so it gets no type rather than a wrong one.
json::array cert_types(StructureType type) {
  switch (type) {
    case StructureType::csirt:
      return {"national"};
    case StructureType::cyber_agency:
      return {"national", "government"};
    case StructureType::mfa_desk:
    case StructureType::other:
      return {};
  }
  return {};
}

bool listed(const DirectoryEntry& entry) {
  return entry.kind == EntryKind::structure && entry.version.status == EntryStatus::active;
}

}  // namespace

json::object global_irt_team(const DirectoryEntry& structure, const State& state,
                             std::string_view source_name) {
  const auto& contact = structure.version.contact;
  json::object team;
  put(team, "short-team-name", contact.short_name.empty() ? contact.name : contact.short_name);
  put(team, "official-team-name", contact.name);
  put(team, "country-code", state.alpha2);
  put(team, "country", state.name(Language::english));
  if (!contact.website.empty()) team["website"] = json::array{text(contact.website)};
  put(team, "email", contact.functional_email);

  json::array numbers;
  json::array phones;
  std::string emergency;
  for (const auto& phone : contact.phones) {
    numbers.push_back(text(phone.number));
    json::object each;
    each["number"] = text(phone.number);
    if (!phone.label.empty()) each["label"] = text(phone.label);
    each["around-the-clock"] = phone.around_the_clock;
    phones.push_back(std::move(each));
    if (phone.around_the_clock && emergency.empty()) emergency = phone.number;
  }
  if (!numbers.empty()) team["phone-numbers"] = std::move(numbers);

  if (contact.openpgp && !contact.openpgp->fingerprint.empty())
    team["enckeys"] = json::array{text("0x" + contact.openpgp->fingerprint)};

  // The specification has no time zone; a reader of operating-hours needs one to use them.
  if (contact.around_the_clock) {
    team["operating-hours"] = "24/7";
  } else if (!contact.hours.empty()) {
    put(team, "operating-hours",
        contact.time_zone.empty() ? contact.hours : contact.hours + " (" + contact.time_zone + ")");
  }
  // "constituency" asks for a controlled vocabulary; states describe theirs in their own words.
  put(team, "constituency-description", contact.constituency);
  if (auto types = cert_types(contact.structure_type); !types.empty())
    team["cert-type"] = std::move(types);
  put(team, "source-name", source_name);
  put(team, "last-modified", iso_8601(last_modified(structure)));

  put(team, "-liaison-id", structure.id);
  team["-liaison-structure-type"] = text(structure_type_name(contact.structure_type));
  put(team, "-liaison-emergency-phone", emergency);
  if (!phones.empty()) team["-liaison-phones"] = std::move(phones);
  team["-liaison-around-the-clock"] = contact.around_the_clock;
  put(team, "-liaison-time-zone", contact.time_zone);
  if (!contact.languages.empty()) {
    json::array languages;
    for (const auto& tag : contact.languages)
      languages.push_back(text(tag));
    team["-liaison-languages"] = std::move(languages);
  }
  if (!contact.channels.empty()) {
    json::array channels;
    for (const auto& channel : contact.channels)
      channels.push_back(
          json::object{{"kind", text(channel.kind)}, {"address", text(channel.address)}});
    team["-liaison-secure-channels"] = std::move(channels);
  }
  if (contact.openpgp) {
    put(team, "-liaison-openpgp-fingerprint", contact.openpgp->fingerprint);
    put(team, "-liaison-openpgp-key", contact.openpgp->armored);
  }
  put(team, "-liaison-confirmed-at", structure.confirmed_at);
  put(team, "-liaison-verified-at", structure.verified_at);
  return team;
}

json::value global_irt_document(std::span<const GlobalIrtTeam> teams, const GlobalIrtPage& page,
                                std::string_view source_name) {
  json::array data;
  std::string_view newest;
  for (const auto& each : teams) {
    if (!listed(each.structure)) continue;
    data.push_back(global_irt_team(each.structure, each.state, source_name));
    if (auto modified = last_modified(each.structure); modified > newest) newest = modified;
  }
  json::object document;
  document["status"] = "OK";
  document["status_code"] = 200;
  document["version"] = "1.0";
  document["total"] = page.total;
  if (auto modified = rfc_5322(newest); !modified.empty()) document["last-modified"] = modified;
  document["limit"] = page.limit;
  document["offset"] = page.offset;
  document["data"] = std::move(data);
  return document;
}

json::value global_irt_document(std::span<const GlobalIrtTeam> teams,
                                std::string_view source_name) {
  long count = 0;
  for (const auto& each : teams)
    count += listed(each.structure) ? 1 : 0;
  return global_irt_document(teams, GlobalIrtPage{count, 0, count}, source_name);
}

}  // namespace liaison::domain
