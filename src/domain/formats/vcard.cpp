#include "domain/formats/vcard.h"

#include <array>
#include <cstdint>
#include <utility>

#include "base/text.h"

namespace liaison::domain {
namespace {

constexpr std::size_t kMaxLineOctets = 75;

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

std::string base64(std::string_view bytes) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    auto group = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int shift = 18; shift >= 0; shift -= 6)
      out += kAlphabet[group >> shift & 0x3F];
  }
  if (auto left = bytes.size() - i; left > 0) {
    auto group = byte(i) << 16 | (left == 2 ? byte(i + 1) << 8 : 0);
    out += kAlphabet[group >> 18 & 0x3F];
    out += kAlphabet[group >> 12 & 0x3F];
    out += left == 2 ? kAlphabet[group >> 6 & 0x3F] : '=';
    out += '=';
  }
  return out;
}

// A URI as a vCard URI value: what RFC 3986 allows stays, everything else (blanks, quotes,
// backslashes, control characters, non-ASCII) is percent-encoded, so that no value can break
// the content line or be read as a vCard escape.
std::string uri_value(std::string_view uri) {
  static constexpr std::string_view kAllowed =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%";
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  for (char c : uri) {
    if (kAllowed.find(c) != std::string_view::npos) {
      out += c;
    } else {
      auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

// RFC 3339 UTC ("2025-03-01T09:30:00.123456Z") as a vCard timestamp ("20250301T093000Z"), or
// nothing when the text has another shape.
std::string timestamp(std::string_view rfc3339) {
  if (rfc3339.size() < 20 || rfc3339[4] != '-' || rfc3339[7] != '-' ||
      (rfc3339[10] != 'T' && rfc3339[10] != 't') || rfc3339[13] != ':' || rfc3339[16] != ':') {
    return {};
  }
  auto zone = rfc3339.substr(19);
  if (!zone.empty() && zone.front() == '.') {
    auto digits = zone.find_first_not_of("0123456789", 1);
    if (digits == 1 || digits == std::string_view::npos) return {};
    zone.remove_prefix(digits);
  }
  if (zone != "Z" && zone != "z" && zone != "+00:00") return {};
  std::string out;
  for (auto [from, length] : std::array<std::pair<std::size_t, std::size_t>, 6>{
           {{0, 4}, {5, 2}, {8, 2}, {11, 2}, {14, 2}, {17, 2}}}) {
    for (auto c : rfc3339.substr(from, length)) {
      if (c < '0' || c > '9') return {};
      out += c;
    }
    if (from == 8) out += 'T';
  }
  return out + "Z";
}

class Card {
 public:
  // A property whose value is already in vCard form (URIs, fixed tokens, escaped text).
  void raw(std::string_view name_and_parameters, std::string_view value) {
    std::string line(name_and_parameters);
    line += ':';
    line += value;
    out_ += fold_vcard_line(line);
  }
  void text(std::string_view name_and_parameters, std::string_view value) {
    if (!value.empty()) raw(name_and_parameters, vcard_text(value));
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string note_of(const Contact& contact, EntryKind kind) {
  std::string note;
  auto line = [&](std::string_view text) {
    if (!note.empty()) note += '\n';
    note += text;
  };
  if (contact.around_the_clock) line("Reachable 24/7.");
  for (const auto& phone : contact.phones) {
    if (phone.around_the_clock) line("24/7 number: " + phone.number);
  }
  if (!contact.hours.empty()) {
    line("Hours: " + contact.hours +
         (contact.time_zone.empty() ? std::string() : " (" + contact.time_zone + ")"));
  }
  if (kind == EntryKind::structure && !contact.constituency.empty())
    line("Constituency: " + contact.constituency);
  if (!contact.channels.empty()) {
    line("Secure channels:");
    for (const auto& channel : contact.channels)
      line(channel.kind + ": " + channel.address);
  }
  if (contact.openpgp && !contact.openpgp->fingerprint.empty())
    line("OpenPGP fingerprint: " + contact.openpgp->fingerprint);
  return note;
}

}  // namespace

std::string vcard_text(std::string_view text) {
  auto valid = to_valid_utf8(text);
  std::string out;
  out.reserve(valid.size());
  for (std::size_t i = 0; i < valid.size(); ++i) {
    char c = valid[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ',':
        out += "\\,";
        break;
      case ';':
        out += "\\;";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\n";
        if (i + 1 < valid.size() && valid[i + 1] == '\n') ++i;
        break;
      default:
        if ((static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) || c == '\t') out += c;
    }
  }
  return out;
}

std::string fold_vcard_line(std::string_view line) {
  std::string out;
  out.reserve(line.size() + line.size() / 64 * 3 + 2);
  // The first line holds 75 octets; a continuation line holds its leading space and 74 more.
  auto room = kMaxLineOctets;
  while (line.size() > room) {
    auto cut = room;
    while (cut > 0 && is_continuation_byte(line[cut]))
      --cut;
    // Only ill-formed UTF-8 has more than three continuation bytes in a row; cut it anywhere.
    if (cut == 0) cut = room;
    out.append(line.substr(0, cut));
    out += "\r\n ";
    line.remove_prefix(cut);
    room = kMaxLineOctets - 1;
  }
  out.append(line);
  out += "\r\n";
  return out;
}

std::string vcard(const DirectoryEntry& entry, std::string_view state_name,
                  std::string_view organisation_name) {
  const auto& contact = entry.version.contact;
  Card card;
  card.raw("BEGIN", "VCARD");
  card.raw("VERSION", "4.0");
  card.raw("UID", "urn:uuid:" + uri_value(entry.id));
  card.raw("KIND", entry.kind == EntryKind::structure ? "org" : "individual");
  // FN is the one property every vCard must have, even with an empty name.
  card.raw("FN", vcard_text(contact.name));
  if (entry.kind == EntryKind::structure) {
    card.text("NICKNAME", contact.short_name);
    card.text("ORG", contact.name);
  } else {
    card.text("ORG", contact.institution);
    card.text("TITLE", contact.position);
    if (entry.level != Level::structure) card.raw("ROLE", level_name(entry.level));
  }
  card.text("EMAIL;TYPE=work;PREF=1", contact.functional_email);
  card.text("EMAIL", contact.personal_email);

  // A phone's label has no place in RFC 6350's TEL; the group and X-ABLabel carry it the way
  // Apple's and Google's address books read and write it, and other readers ignore them.
  int group = 0;
  for (const auto& phone : contact.phones) {
    auto prefix = "tel" + std::to_string(++group) + ".";
    card.raw(prefix + (phone.around_the_clock ? "TEL;VALUE=uri;TYPE=\"voice,x-24-7\";PREF=1"
                                              : "TEL;VALUE=uri;TYPE=voice"),
             "tel:" + uri_value(phone.number));
    card.text(prefix + "X-ABLabel", phone.label);
  }
  int preference = 0;
  for (const auto& language : contact.languages) {
    if (!language.empty())
      card.raw("LANG;PREF=" + std::to_string(++preference), vcard_text(language));
  }
  card.text("TZ;VALUE=text", contact.time_zone);
  if (!contact.website.empty()) card.raw("URL", uri_value(contact.website));
  if (contact.openpgp && !contact.openpgp->armored.empty())
    card.raw("KEY", "data:application/pgp-keys;base64," + base64(contact.openpgp->armored));
  card.text("NOTE", note_of(contact, entry.kind));
  // Post office box, extended address, street, locality, region, postal code, country.
  if (!state_name.empty()) card.raw("ADR;TYPE=work", ";;;;;;" + vcard_text(state_name));
  if (!contact.deputy_id.empty())
    card.raw("RELATED;TYPE=colleague", "urn:uuid:" + uri_value(contact.deputy_id));
  if (auto revision = timestamp(entry.version.recorded_at); !revision.empty())
    card.raw("REV", revision);
  card.text("CATEGORIES", organisation_name);
  card.text("X-LIAISON-STATE", entry.state);
  card.raw("END", "VCARD");
  return card.take();
}

std::string vcards(std::span<const VcardInput> entries) {
  std::string out;
  for (const auto& each : entries)
    out += vcard(each.entry, each.state_name, each.organisation_name);
  return out;
}

}  // namespace liaison::domain
