#include "domain/directory.h"

#include <algorithm>
#include <array>
#include <utility>

#include "base/text.h"
#include "domain/account.h"
#include "domain/enum_names.h"

namespace liaison::domain {
namespace {

constexpr std::array<std::pair<EntryKind, std::string_view>, 2> kKindNames{{
    {EntryKind::poc, "poc"},
    {EntryKind::structure, "structure"},
}};
constexpr std::array<std::pair<Level, std::string_view>, 3> kLevelNames{{
    {Level::policy, "policy"},
    {Level::technical, "technical"},
    {Level::structure, "structure"},
}};
constexpr std::array<std::pair<StructureType, std::string_view>, 4> kStructureTypeNames{{
    {StructureType::csirt, "csirt"},
    {StructureType::cyber_agency, "cyber_agency"},
    {StructureType::mfa_desk, "mfa_desk"},
    {StructureType::other, "other"},
}};
constexpr std::array<std::pair<EntryStatus, std::string_view>, 2> kStatusNames{{
    {EntryStatus::active, "active"},
    {EntryStatus::retired, "retired"},
}};

// Generous enough for real names and institutions in any script, small enough that one entry
// cannot bloat every export.
constexpr std::size_t kMaxText = 500;
constexpr std::size_t kMaxLongText = 2000;
constexpr std::size_t kMaxPhones = 10;
constexpr std::size_t kMaxLanguages = 12;
constexpr std::size_t kMaxChannels = 10;

bool is_e164(std::string_view number) {
  if (number.size() < 4 || number.size() > 16 || number.front() != '+' || number[1] == '0')
    return false;
  return std::all_of(number.begin() + 1, number.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class Checker {
 public:
  void text(std::string_view field, std::string_view value, std::size_t limit = kMaxText) {
    if (!is_valid_utf8(value)) {
      add(field, "not_utf8", "is not valid UTF-8 text");
    } else if (value.size() > limit) {
      add(field, "too_long_bytes", "is longer than " + std::to_string(limit) + " bytes",
          {{"limit", std::to_string(limit)}});
    } else if (std::any_of(value.begin(), value.end(), [](char c) {
                 auto byte = static_cast<unsigned char>(c);
                 return (byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7F;
               })) {
      add(field, "control_characters", "contains control characters");
    }
  }
  void required(std::string_view field, std::string_view value) {
    if (trim_blanks(value).empty()) add(field, "required", "is required");
  }
  void absent(std::string_view field, std::string_view value, EntryKind kind) {
    if (value.empty()) return;
    if (kind == EntryKind::poc) {
      add(field, "not_for_poc", "does not apply to a point of contact");
    } else {
      add(field, "not_for_structure", "does not apply to a national structure");
    }
  }
  void email(std::string_view field, std::string_view value) {
    if (!value.empty() && !plausible_email(value))
      add(field, "not_email", "is not an e-mail address");
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

std::string indexed(std::string_view list, std::size_t index, std::string_view member) {
  return std::string(list) + "[" + std::to_string(index) + "]." + std::string(member);
}

}  // namespace

std::string_view entry_kind_name(EntryKind kind) {
  return name_of(kKindNames, kind);
}
std::optional<EntryKind> parse_entry_kind(std::string_view name) {
  return parse_name(kKindNames, name);
}
std::string_view level_name(Level level) {
  return name_of(kLevelNames, level);
}
std::optional<Level> parse_level(std::string_view name) {
  return parse_name(kLevelNames, name);
}
std::string_view structure_type_name(StructureType type) {
  return name_of(kStructureTypeNames, type);
}
std::optional<StructureType> parse_structure_type(std::string_view name) {
  return parse_name(kStructureTypeNames, name);
}
std::string_view entry_status_name(EntryStatus status) {
  return name_of(kStatusNames, status);
}
std::optional<EntryStatus> parse_entry_status(std::string_view name) {
  return parse_name(kStatusNames, name);
}

EntryKind kind_for(Level level) {
  return level == Level::structure ? EntryKind::structure : EntryKind::poc;
}

std::vector<FieldProblem> contact_problems(const Contact& contact, EntryKind kind) {
  Checker check;
  check.required("name", contact.name);
  check.text("name", contact.name);
  check.text("short_name", contact.short_name);
  check.text("institution", contact.institution);
  check.text("position", contact.position);
  check.text("constituency", contact.constituency, kMaxLongText);
  check.text("website", contact.website);
  check.text("hours", contact.hours);
  check.text("time_zone", contact.time_zone);
  check.text("deputy_id", contact.deputy_id);
  check.email("functional_email", contact.functional_email);
  check.email("personal_email", contact.personal_email);

  if (kind == EntryKind::poc) {
    check.absent("short_name", contact.short_name, kind);
    check.absent("constituency", contact.constituency, kind);
    check.absent("website", contact.website, kind);
    if (contact.structure_type != StructureType::other)
      check.add("structure_type", "not_for_poc", "does not apply to a point of contact");
    // Without any address the entry cannot serve its one purpose: being reached.
    if (contact.functional_email.empty() && contact.personal_email.empty())
      check.add("functional_email", "email_required",
                "a functional or personal e-mail address is required");
  } else {
    check.absent("institution", contact.institution, kind);
    check.absent("position", contact.position, kind);
    check.absent("personal_email", contact.personal_email, kind);
    check.absent("deputy_id", contact.deputy_id, kind);
    check.required("functional_email", contact.functional_email);
  }
  if (!contact.website.empty() && !contact.website.starts_with("https://"))
    check.add("website", "not_https", "must be an https:// address");
  if (contact.around_the_clock && !contact.hours.empty())
    check.add("hours", "hours_around_the_clock",
              "must be empty when the contact is reachable 24/7");

  if (contact.phones.size() > kMaxPhones)
    check.add("phones", "at_most_phones", "at most " + std::to_string(kMaxPhones) + " numbers",
              {{"limit", std::to_string(kMaxPhones)}});
  std::size_t around_the_clock = 0;
  for (std::size_t i = 0; i < contact.phones.size(); ++i) {
    const auto& phone = contact.phones[i];
    if (!is_e164(phone.number))
      check.add(indexed("phones", i, "number"), "not_phone", "is not an international number (+…)");
    check.text(indexed("phones", i, "label"), phone.label);
    if (phone.around_the_clock) ++around_the_clock;
  }
  if (around_the_clock > 1)
    check.add("phones", "one_around_the_clock", "at most one number can be the 24/7 number");

  if (contact.languages.size() > kMaxLanguages)
    check.add("languages", "at_most_languages",
              "at most " + std::to_string(kMaxLanguages) + " languages",
              {{"limit", std::to_string(kMaxLanguages)}});
  for (std::size_t i = 0; i < contact.languages.size(); ++i) {
    const auto& tag = contact.languages[i];
    if (tag.empty() || tag.size() > 35 || !std::all_of(tag.begin(), tag.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-';
        })) {
      check.add("languages[" + std::to_string(i) + "]", "not_language_tag",
                "is not a language tag");
    }
  }

  if (contact.channels.size() > kMaxChannels)
    check.add("channels", "at_most_channels",
              "at most " + std::to_string(kMaxChannels) + " channels",
              {{"limit", std::to_string(kMaxChannels)}});
  for (std::size_t i = 0; i < contact.channels.size(); ++i) {
    check.required(indexed("channels", i, "kind"), contact.channels[i].kind);
    check.text(indexed("channels", i, "kind"), contact.channels[i].kind);
    check.required(indexed("channels", i, "address"), contact.channels[i].address);
    check.text(indexed("channels", i, "address"), contact.channels[i].address);
  }
  if (contact.openpgp) {
    // The armored key is bounded by the key reader; the fingerprint comes from it.
    if (contact.openpgp->armored.empty()) check.add("openpgp_key", "empty", "is empty");
  }
  return check.take();
}

std::vector<FieldChange> contact_changes(const Contact& before, const Contact& after) {
  std::vector<FieldChange> changes;
  auto compare = [&](std::string field, const std::string& a, const std::string& b) {
    if (a != b) changes.push_back({std::move(field), a, b});
  };
  auto flag = [](bool value) { return std::string(value ? "yes" : "no"); };
  compare("name", before.name, after.name);
  compare("short_name", before.short_name, after.short_name);
  compare("structure_type", std::string(structure_type_name(before.structure_type)),
          std::string(structure_type_name(after.structure_type)));
  compare("institution", before.institution, after.institution);
  compare("position", before.position, after.position);
  compare("constituency", before.constituency, after.constituency);
  compare("website", before.website, after.website);
  compare("functional_email", before.functional_email, after.functional_email);
  compare("personal_email", before.personal_email, after.personal_email);
  for (std::size_t i = 0; i < std::max(before.phones.size(), after.phones.size()); ++i) {
    Phone none;
    const auto& a = i < before.phones.size() ? before.phones[i] : none;
    const auto& b = i < after.phones.size() ? after.phones[i] : none;
    compare(indexed("phones", i, "number"), a.number, b.number);
    compare(indexed("phones", i, "label"), a.label, b.label);
    if (a.around_the_clock != b.around_the_clock)
      changes.push_back({indexed("phones", i, "around_the_clock"), flag(a.around_the_clock),
                         flag(b.around_the_clock)});
  }
  auto joined = [](const std::vector<std::string>& list) {
    std::string text;
    for (const auto& each : list)
      text += (text.empty() ? "" : ", ") + each;
    return text;
  };
  compare("languages", joined(before.languages), joined(after.languages));
  compare("time_zone", before.time_zone, after.time_zone);
  if (before.around_the_clock != after.around_the_clock)
    changes.push_back(
        {"around_the_clock", flag(before.around_the_clock), flag(after.around_the_clock)});
  compare("hours", before.hours, after.hours);
  compare("openpgp_fingerprint", before.openpgp ? before.openpgp->fingerprint : std::string(),
          after.openpgp ? after.openpgp->fingerprint : std::string());
  for (std::size_t i = 0; i < std::max(before.channels.size(), after.channels.size()); ++i) {
    SecureChannel none;
    const auto& a = i < before.channels.size() ? before.channels[i] : none;
    const auto& b = i < after.channels.size() ? after.channels[i] : none;
    compare(indexed("channels", i, "kind"), a.kind, b.kind);
    compare(indexed("channels", i, "address"), a.address, b.address);
  }
  compare("deputy_id", before.deputy_id, after.deputy_id);
  return changes;
}

}  // namespace liaison::domain
