// Loads N synthetic but realistic Points of Contact into one organisation's directory, for
// bench/directory.sh. See bench/README.md.
//
//   liaison_bench_directory_load --database sqlite:///tmp/x.db [--entries 1000000]
//                                [--organisation UN] [--batch 10000] [--seed 1]
//                                [--reader bench-reader@example.org]
//
// The database must be migrated (`liaison migrate`). Entries are written with the store
// (store::DirectoryStore), as the service would write them, with their search words computed by
// services::search_words_for, inside transactions of --batch entries. The service itself is not
// used: it also checks permissions, normalises numbers and writes one audit event per entry,
// which would measure the audit log rather than the directory. With --reader, an observer
// account of the organisation is created the way people get one (invited, then accepted with a
// password and a TOTP code), so that `liaison admin issue-token` can give it a token.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <phonenumbers/phonenumberutil.h>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unicode/strenum.h>
#include <unicode/timezone.h>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "base/clock.h"
#include "base/random.h"
#include "base/totp.h"
#include "domain/directory.h"
#include "services/account_service.h"
#include "services/directory_search_words.h"
#include "services/identifiers.h"
#include "services/reference_service.h"
#include "store/database.h"
#include "store/directory_store.h"
#include "store/migrations.h"

namespace liaison::bench {
namespace {

using Steady = std::chrono::steady_clock;
using Random = std::mt19937_64;

double seconds_since(Steady::time_point start) {
  return std::chrono::duration<double>(Steady::now() - start).count();
}

// A name as it is written and as it goes into an e-mail address.
struct Spelling {
  std::string_view text;
  std::string_view ascii;
};

enum class Script { latin, cyrillic, arabic, chinese };

constexpr Spelling kLatinGiven[] = {
    {"Élodie", "elodie"},
    {"François", "francois"},
    {"José", "jose"},
    {"Zoë", "zoe"},
    {"Søren", "soren"},
    {"Łukasz", "lukasz"},
    {"Małgorzata", "malgorzata"},
    {"Jürgen", "jurgen"},
    {"Ingrid", "ingrid"},
    {"João", "joao"},
    {"Sébastien", "sebastien"},
    {"Ömer", "omer"},
    {"Çağla", "cagla"},
    {"Ana", "ana"},
    {"Thomas", "thomas"},
    {"Maria", "maria"},
    {"Peter", "peter"},
    {"Sofía", "sofia"},
    {"Björn", "bjorn"},
    {"Agnieszka", "agnieszka"},
    {"Ramón", "ramon"},
    {"Chloé", "chloe"},
    {"Nicolás", "nicolas"},
    {"Dóra", "dora"},
    {"Aurélie", "aurelie"},
    {"Håkon", "hakon"},
    {"Zsófia", "zsofia"},
    {"Jiří", "jiri"},
    {"Ioana", "ioana"},
    {"Kwame", "kwame"},
    {"Amara", "amara"},
    {"Mateus", "mateus"},
};

constexpr Spelling kLatinFamily[] = {
    {"Müller", "mueller"},      {"Dubois", "dubois"},
    {"García", "garcia"},       {"Novák", "novak"},
    {"Kowalski", "kowalski"},   {"Nørgaard", "norgaard"},
    {"Şahin", "sahin"},         {"Đorđević", "djordjevic"},
    {"Lefèvre", "lefevre"},     {"Rodríguez", "rodriguez"},
    {"Silva", "silva"},         {"Schmidt", "schmidt"},
    {"Rossi", "rossi"},         {"Nguyễn", "nguyen"},
    {"Horváth", "horvath"},     {"Jóhannsdóttir", "johannsdottir"},
    {"Smith", "smith"},         {"Martin", "martin"},
    {"Fernández", "fernandez"}, {"Papadopoulos", "papadopoulos"},
    {"Ødegaard", "odegaard"},   {"Brăteanu", "brateanu"},
    {"Krüger", "kruger"},       {"Mensah", "mensah"},
    {"Okonkwo", "okonkwo"},     {"Dvořák", "dvorak"},
    {"Gonçalves", "goncalves"}, {"Pérez", "perez"},
    {"Öztürk", "ozturk"},       {"Virtanen", "virtanen"},
};

// Family names built from syllables give the long tail real directories have: thousands of
// names that occur a handful of times each.
constexpr Spelling kLatinSyllables[] = {
    {"ka", "ka"},   {"lo", "lo"}, {"mi", "mi"}, {"ran", "ran"}, {"te", "te"},   {"vo", "vo"},
    {"sze", "sze"}, {"ćo", "co"}, {"né", "ne"}, {"ül", "ul"},   {"ber", "ber"}, {"dor", "dor"},
    {"gan", "gan"}, {"ha", "ha"}, {"jo", "jo"}, {"lé", "le"},   {"mar", "mar"}, {"nu", "nu"},
    {"pe", "pe"},   {"ri", "ri"}, {"sø", "so"}, {"tá", "ta"},   {"wi", "wi"},   {"zé", "ze"},
};

constexpr Spelling kCyrillicGiven[] = {
    {"Александр", "aleksandr"}, {"Ольга", "olga"},  {"Дмитрий", "dmitry"}, {"Наталья", "natalya"},
    {"Сергей", "sergey"},       {"Елена", "elena"}, {"Андрей", "andrey"},  {"Татьяна", "tatyana"},
    {"Алёна", "alyona"},        {"Юрий", "yuri"},   {"Ирина", "irina"},    {"Михаил", "mikhail"},
};

constexpr Spelling kCyrillicFamily[] = {
    {"Иванов", "ivanov"},        {"Петрова", "petrova"},     {"Смирнов", "smirnov"},
    {"Кузнецова", "kuznetsova"}, {"Шевченко", "shevchenko"}, {"Коваленко", "kovalenko"},
    {"Попов", "popov"},          {"Соколова", "sokolova"},   {"Лебедев", "lebedev"},
    {"Новикова", "novikova"},    {"Фёдоров", "fedorov"},     {"Морозова", "morozova"},
};

constexpr Spelling kArabicGiven[] = {
    {"محمد", "mohammed"}, {"فاطمة", "fatima"}, {"أحمد", "ahmed"},  {"ليلى", "layla"},
    {"يوسف", "youssef"},  {"مريم", "maryam"},  {"خالد", "khaled"}, {"نور", "nour"},
    {"عمر", "omar"},      {"سارة", "sara"},    {"حسن", "hassan"},  {"رانيا", "rania"},
};

constexpr Spelling kArabicFamily[] = {
    {"العلي", "alali"},       {"الحسن", "alhassan"},     {"منصور", "mansour"},
    {"حداد", "haddad"},       {"الخطيب", "alkhatib"},    {"السيد", "elsayed"},
    {"عبد الله", "abdallah"}, {"الزهراني", "alzahrani"}, {"بن علي", "benali"},
    {"الشامي", "alshami"},
};

constexpr Spelling kChineseFamily[] = {
    {"王", "wang"}, {"李", "li"},   {"张", "zhang"}, {"刘", "liu"},  {"陈", "chen"},
    {"杨", "yang"}, {"赵", "zhao"}, {"黄", "huang"}, {"周", "zhou"}, {"吴", "wu"},
};

constexpr Spelling kChineseGiven[] = {
    {"伟", "wei"},      {"芳", "fang"},       {"娜", "na"},         {"敏", "min"},
    {"静", "jing"},     {"磊", "lei"},        {"洋", "yang"},       {"艳", "yan"},
    {"勇", "yong"},     {"军", "jun"},        {"晓明", "xiaoming"}, {"建华", "jianhua"},
    {"海燕", "haiyan"}, {"志强", "zhiqiang"},
};

// An institution, its mail domain's first label and (for structures) nothing more.
struct Institution {
  std::string_view name;
  std::string_view host;
};

constexpr Institution kInstitutionsEnglish[] = {
    {"Ministry of Foreign Affairs", "mfa"},
    {"National Cyber Security Centre", "ncsc"},
    {"Ministry of Defence", "mod"},
    {"Ministry of the Interior", "interior"},
    {"National Security Council", "nsc"},
    {"Permanent Mission to the United Nations", "un-mission"},
    {"Office of the Prime Minister", "pmo"},
    {"Computer Emergency Response Team", "cert"},
};

constexpr Institution kInstitutionsLatin[] = {
    {"Ministère de l'Europe et des Affaires étrangères", "diplomatie"},
    {"Agence nationale de la sécurité des systèmes d'information", "anssi"},
    {"Bundesamt für Sicherheit in der Informationstechnik", "bsi"},
    {"Ministerio de Asuntos Exteriores, Unión Europea y Cooperación", "exteriores"},
    {"Ministério das Relações Exteriores", "itamaraty"},
    {"Národní úřad pro kybernetickou a informační bezpečnost", "nukib"},
};

constexpr Institution kInstitutionsCyrillic[] = {
    {"Министерство иностранных дел", "mid"},
    {"Национальный координационный центр по компьютерным инцидентам", "cert"},
    {"Государственная служба специальной связи", "cip"},
};

constexpr Institution kInstitutionsArabic[] = {
    {"وزارة الخارجية", "mofa"},
    {"الهيئة الوطنية للأمن السيبراني", "nca"},
    {"المركز الوطني للاستجابة لطوارئ الحاسب الآلي", "cert"},
};

constexpr Institution kInstitutionsChinese[] = {
    {"外交部网络事务办公室", "mfa"},
    {"国家互联网应急中心", "cert"},
    {"中央网络安全和信息化委员会办公室", "cac"},
};

constexpr std::string_view kPositionsEnglish[] = {
    "Head of Cyber Diplomacy", "Duty Officer",         "Senior Policy Adviser",
    "Director of Operations",  "Incident Coordinator", "Deputy Head of Division",
    "Cyber Attaché",           "Technical Lead",
};
constexpr std::string_view kPositionsLatin[] = {
    "Directrice adjointe", "Chef de bureau",          "Referatsleiter",
    "Jefa de Área",        "Encarregado de Negócios",
};
constexpr std::string_view kPositionsCyrillic[] = {"Начальник отдела", "Советник",
                                                   "Дежурный офицер"};
constexpr std::string_view kPositionsArabic[] = {"مدير إدارة", "مستشار", "ضابط مناوب"};
constexpr std::string_view kPositionsChinese[] = {"处长", "参赞", "值班员"};

// Names planted a known number of times (once per kPlantEvery entries), so that the search
// benchmark has rare queries with a known answer. Their words occur nowhere else.
struct Planted {
  std::string_view given;
  std::string_view family;
  std::string_view ascii;
  std::int64_t offset;  //!< planted at the entries i with i % kPlantEvery == offset
};
constexpr std::int64_t kPlantEvery = 250'000;
constexpr Planted kPlanted[] = {
    {"Grzegorz", "Brzęczyszczykiewicz", "grzegorz.brzeczyszczykiewicz", 1'234},
    {"Xóchitl", "Quetzalcóatl", "xochitl.quetzalcoatl", 77'777},
    {"Вячеслав", "Цзюйхуаев", "vyacheslav.tszyukhuaev", 150'001},
};

constexpr std::string_view kArabicStates[] = {"DZ", "BH", "KM", "DJ", "EG", "IQ", "JO", "KW",
                                              "LB", "LY", "MR", "MA", "OM", "QA", "SA", "SO",
                                              "SD", "SY", "TN", "AE", "YE", "PS"};
constexpr std::string_view kCyrillicStates[] = {"RU", "BY", "UA", "KZ", "KG",
                                                "TJ", "BG", "RS", "MK", "MN"};
constexpr std::string_view kChineseStates[] = {"CN", "SG"};

template <std::size_t N>
bool listed(const std::string_view (&codes)[N], std::string_view alpha2) {
  return std::find(std::begin(codes), std::end(codes), alpha2) != std::end(codes);
}

Script script_of(std::string_view alpha2) {
  if (listed(kArabicStates, alpha2)) return Script::arabic;
  if (listed(kCyrillicStates, alpha2)) return Script::cyrillic;
  if (listed(kChineseStates, alpha2)) return Script::chinese;
  return Script::latin;
}

std::string_view local_language(Script script) {
  switch (script) {
    case Script::cyrillic:
      return "ru";
    case Script::arabic:
      return "ar";
    case Script::chinese:
      return "zh-Hans";
    case Script::latin:
      break;
  }
  return "fr";
}

std::string ascii_lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return lower;
}

// The first canonical IANA zone ICU lists for a region, "Etc/UTC" when it lists none.
std::string time_zone_of(std::string_view alpha2) {
  UErrorCode status = U_ZERO_ERROR;
  std::string region(alpha2);
  std::unique_ptr<icu::StringEnumeration> zones(icu::TimeZone::createTimeZoneIDEnumeration(
      UCAL_ZONE_TYPE_CANONICAL_LOCATION, region.c_str(), nullptr, status));
  if (U_SUCCESS(status) && zones) {
    int32_t length = 0;
    if (const char* zone = zones->next(&length, status); U_SUCCESS(status) && zone != nullptr)
      return {zone, static_cast<std::size_t>(length)};
  }
  return "Etc/UTC";
}

// libphonenumber's example number for the region, in E.164, as the prefix all generated numbers
// share: the last four digits vary.
std::string phone_prefix_of(std::string_view alpha2,
                            i18n::phonenumbers::PhoneNumberUtil::PhoneNumberType type) {
  const auto* util = i18n::phonenumbers::PhoneNumberUtil::GetInstance();
  i18n::phonenumbers::PhoneNumber number;
  std::string e164;
  if (util->GetExampleNumberForType(std::string(alpha2), type, &number)) {
    util->Format(number, i18n::phonenumbers::PhoneNumberUtil::E164, &e164);
  }
  if (e164.size() < 8) e164 = "+999" + std::string(8, '0');
  return e164.substr(0, e164.size() - 4);
}

// What the generator knows of each state, computed once.
struct StateProfile {
  const domain::State* state = nullptr;
  Script script = Script::latin;
  std::string mail_domain;  //!< "gov.fr"
  std::string time_zone;
  std::string landline_prefix;
  std::string mobile_prefix;
};

template <class T, std::size_t N>
const T& pick(Random& random, const T (&pool)[N]) {
  return pool[std::uniform_int_distribution<std::size_t>(0, N - 1)(random)];
}

bool chance(Random& random, double probability) {
  return std::uniform_real_distribution<double>(0.0, 1.0)(random) < probability;
}

std::string digits(Random& random, int count) {
  std::string text;
  for (int i = 0; i < count; ++i)
    text += static_cast<char>('0' + std::uniform_int_distribution<int>(0, 9)(random));
  return text;
}

struct Person {
  std::string name;
  std::string mailbox;  //!< local part of the personal address
};

Person person(Random& random, Script script) {
  // A quarter of the entries of any state are written in Latin letters (transliterated, or
  // staff whose names are).
  if (script != Script::latin && chance(random, 0.25)) script = Script::latin;
  switch (script) {
    case Script::cyrillic: {
      const auto& given = pick(random, kCyrillicGiven);
      const auto& family = pick(random, kCyrillicFamily);
      return {std::string(given.text) + ' ' + std::string(family.text),
              std::string(given.ascii) + '.' + std::string(family.ascii)};
    }
    case Script::arabic: {
      const auto& given = pick(random, kArabicGiven);
      const auto& family = pick(random, kArabicFamily);
      return {std::string(given.text) + ' ' + std::string(family.text),
              std::string(given.ascii) + '.' + std::string(family.ascii)};
    }
    case Script::chinese: {
      const auto& family = pick(random, kChineseFamily);
      const auto& given = pick(random, kChineseGiven);
      return {std::string(family.text) + std::string(given.text),
              std::string(family.ascii) + '.' + std::string(given.ascii)};
    }
    case Script::latin:
      break;
  }
  const auto& given = pick(random, kLatinGiven);
  std::string family;
  std::string family_ascii;
  if (chance(random, 0.5)) {
    const auto& drawn = pick(random, kLatinFamily);
    family = drawn.text;
    family_ascii = drawn.ascii;
  } else {
    int syllables = std::uniform_int_distribution<int>(2, 3)(random);
    for (int i = 0; i < syllables; ++i) {
      const auto& syllable = pick(random, kLatinSyllables);
      family += syllable.text;
      family_ascii += syllable.ascii;
    }
    // Syllables start with an ASCII letter or a two-byte one; capitalise the ASCII ones.
    if (family[0] >= 'a' && family[0] <= 'z') family[0] = static_cast<char>(family[0] - 'a' + 'A');
  }
  return {std::string(given.text) + ' ' + family, std::string(given.ascii) + '.' + family_ascii};
}

const Institution& institution(Random& random, Script script) {
  if (chance(random, 0.5)) return pick(random, kInstitutionsEnglish);
  switch (script) {
    case Script::cyrillic:
      return pick(random, kInstitutionsCyrillic);
    case Script::arabic:
      return pick(random, kInstitutionsArabic);
    case Script::chinese:
      return pick(random, kInstitutionsChinese);
    case Script::latin:
      break;
  }
  return pick(random, kInstitutionsLatin);
}

std::string_view position(Random& random, Script script) {
  if (chance(random, 0.6)) return pick(random, kPositionsEnglish);
  switch (script) {
    case Script::cyrillic:
      return pick(random, kPositionsCyrillic);
    case Script::arabic:
      return pick(random, kPositionsArabic);
    case Script::chinese:
      return pick(random, kPositionsChinese);
    case Script::latin:
      break;
  }
  return pick(random, kPositionsLatin);
}

std::vector<std::string> languages(Random& random, Script script) {
  std::vector<std::string> tags{"en"};
  if (chance(random, 0.7)) tags.emplace_back(local_language(script));
  if (chance(random, 0.2)) tags.emplace_back(chance(random, 0.5) ? "es" : "fr");
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  return tags;
}

domain::Contact point_of_contact(Random& random, const StateProfile& profile, std::int64_t index) {
  domain::Contact contact;
  auto who = person(random, profile.script);
  for (const auto& planted : kPlanted) {
    if (index % kPlantEvery == planted.offset) {
      who = {std::string(planted.given) + ' ' + std::string(planted.family),
             std::string(planted.ascii)};
    }
  }
  const auto& where = institution(random, profile.script);
  auto domain_name = std::string(where.host) + '.' + profile.mail_domain;
  contact.name = who.name;
  contact.institution = where.name;
  contact.position = position(random, profile.script);
  contact.personal_email = who.mailbox + '@' + domain_name;
  if (chance(random, 0.6))
    contact.functional_email =
        std::string(chance(random, 0.5) ? "cyber" : "poc") + '@' + domain_name;
  contact.around_the_clock = chance(random, 0.2);
  contact.phones.push_back({profile.landline_prefix + digits(random, 4), "office", false});
  if (chance(random, 0.7))
    contact.phones.push_back(
        {profile.mobile_prefix + digits(random, 4), "mobile", contact.around_the_clock});
  if (!contact.around_the_clock) contact.hours = "Mon-Fri 09:00-17:00";
  contact.languages = languages(random, profile.script);
  contact.time_zone = profile.time_zone;
  if (chance(random, 0.3)) contact.channels.push_back({"Signal", contact.phones.back().number});
  return contact;
}

domain::Contact national_structure(Random& random, const StateProfile& profile) {
  domain::Contact contact;
  const auto& alpha2 = profile.state->alpha2;
  const auto& english = profile.state->name(domain::Language::english);
  auto lower = ascii_lower(alpha2);
  switch (std::uniform_int_distribution<int>(0, 2)(random)) {
    case 0:
      contact.name = "National Computer Security Incident Response Team of " + english;
      contact.short_name = "CERT-" + alpha2;
      contact.structure_type = domain::StructureType::csirt;
      contact.functional_email = "incident@cert.gov." + lower;
      contact.website = "https://cert.gov." + lower;
      break;
    case 1:
      contact.name = "National Cyber Security Agency of " + english;
      contact.short_name = "NCSA " + alpha2;
      contact.structure_type = domain::StructureType::cyber_agency;
      contact.functional_email = "contact@ncsa.gov." + lower;
      contact.website = "https://ncsa.gov." + lower;
      break;
    default:
      contact.name = "Cyber Desk, Ministry of Foreign Affairs of " + english;
      contact.structure_type = domain::StructureType::mfa_desk;
      contact.functional_email = "cyber@mfa.gov." + lower;
      break;
  }
  contact.constituency = "Government and operators of critical infrastructure";
  contact.around_the_clock = true;
  contact.phones.push_back({profile.landline_prefix + digits(random, 4), "duty officer", true});
  contact.languages = languages(random, profile.script);
  contact.time_zone = profile.time_zone;
  return contact;
}

// One generated entry with everything the store needs.
struct Generated {
  store::EntryRecord record;
  std::vector<domain::EntryVersion> versions;
  domain::Level level = domain::Level::technical;
  bool retired = false;
  bool also_in_second = false;  //!< also nominated to the second organisation
  std::string search_words;     //!< of the published version; empty when retired
  const domain::State* state = nullptr;
};

struct Options {
  std::string database;
  std::int64_t entries = 1'000'000;
  std::string organisation = "UN";
  std::string second_organisation = "OSCE";
  std::int64_t batch = 10'000;
  std::uint64_t seed = 1;
  std::string reader;
  std::string reader_role = "observer";
};

struct Totals {
  std::int64_t entries = 0;
  std::int64_t versions = 0;
  std::int64_t nominations = 0;
  std::int64_t retired = 0;
  std::int64_t second = 0;
  double generate_seconds = 0;  //!< names, numbers, ICU search words
  double write_seconds = 0;     //!< transactions, JSON serialisation, FTS5 updates
};

class Loader {
 public:
  Loader(const Options& options, store::Database& database,
         const services::OrganisationMembers& organisation,
         const services::OrganisationMembers* second)
      : options_(options),
        database_(database),
        organisation_(organisation),
        second_(second),
        random_(options.seed) {
    using Type = i18n::phonenumbers::PhoneNumberUtil::PhoneNumberType;
    for (const auto& state : organisation.members) {
      StateProfile profile;
      profile.state = &state;
      profile.script = script_of(state.alpha2);
      profile.mail_domain = "gov." + ascii_lower(state.alpha2);
      profile.time_zone = time_zone_of(state.alpha2);
      profile.landline_prefix = phone_prefix_of(state.alpha2, Type::FIXED_LINE);
      profile.mobile_prefix = phone_prefix_of(state.alpha2, Type::MOBILE);
      profiles_.push_back(std::move(profile));
    }
    if (second_ != nullptr) {
      for (const auto& state : second_->members)
        second_members_.insert(state.alpha2);
    }
  }

  Result<Totals> run() {
    Totals totals;
    auto start = Steady::now();
    auto last_report = start;
    std::vector<Generated> batch;
    for (std::int64_t done = 0; done < options_.entries;) {
      auto count = std::min(options_.batch, options_.entries - done);
      auto generating = Steady::now();
      batch.clear();
      for (std::int64_t i = 0; i < count; ++i)
        batch.push_back(generate(done + i));
      totals.generate_seconds += seconds_since(generating);
      auto writing = Steady::now();
      LIAISON_TRY(write(batch, totals));
      totals.write_seconds += seconds_since(writing);
      done += count;
      if (seconds_since(last_report) >= 10 || done == options_.entries) {
        auto elapsed = seconds_since(start);
        fmt::print(stderr, "  {:>9} entries  {:7.1f} s  {:8.0f} entries/s\n", done, elapsed,
                   static_cast<double>(done) / elapsed);
        last_report = Steady::now();
      }
    }
    return totals;
  }

 private:
  Generated generate(std::int64_t index) {
    const auto& profile =
        profiles_[std::uniform_int_distribution<std::size_t>(0, profiles_.size() - 1)(random_)];
    Generated generated;
    generated.state = profile.state;
    auto roll = std::uniform_int_distribution<int>(0, 99)(random_);
    generated.level = roll < 10   ? domain::Level::structure
                      : roll < 55 ? domain::Level::policy
                                  : domain::Level::technical;
    auto kind = domain::kind_for(generated.level);
    bool planted = std::any_of(std::begin(kPlanted), std::end(kPlanted), [&](const auto& each) {
      return index % kPlantEvery == each.offset;
    });
    if (planted) {
      generated.level = domain::Level::technical;
      kind = domain::EntryKind::poc;
    }
    auto contact = kind == domain::EntryKind::poc ? point_of_contact(random_, profile, index)
                                                  : national_structure(random_, profile);

    // Entries were recorded over the last three years, by the state's focal point.
    auto now = std::chrono::system_clock::now();
    auto age = std::chrono::hours(std::uniform_int_distribution<int>(24, 3 * 365 * 24)(random_));
    auto created = now - age;
    generated.record = {services::new_id(clock_, ids_), profile.state->alpha2, kind, 1,
                        format_utc(created)};
    auto author = "focal point of " + profile.state->alpha2;
    generated.versions.push_back({1,
                                  domain::EntryStatus::active,
                                  contact,
                                  "bench",
                                  author,
                                  format_utc(created),
                                  "nominated",
                                  {},
                                  false});
    // Some entries changed since (a new number), a few were withdrawn. Planted names stay.
    if (!planted && chance(random_, 0.06)) {
      auto changed = created + age / 2;
      auto version = generated.versions.back();
      version.number = 2;
      version.recorded_at = format_utc(changed);
      if (chance(random_, 1.0 / 6.0)) {
        version.status = domain::EntryStatus::retired;
        version.reason = "left the post";
        generated.retired = true;
      } else {
        version.contact.phones.front().number = profile.landline_prefix + digits(random_, 4);
        version.reason = "new number";
      }
      generated.versions.push_back(std::move(version));
      generated.record.latest_version = 2;
    }
    generated.also_in_second =
        !planted && second_members_.contains(profile.state->alpha2) && chance(random_, 0.05);
    if (!generated.retired) {
      generated.search_words = services::search_words_for(generated.versions.back().contact,
                                                          *profile.state, generated.level);
    }
    return generated;
  }

  Result<void> write(const std::vector<Generated>& batch, Totals& totals) {
    auto confirmed = format_utc(std::chrono::system_clock::now() - std::chrono::hours(24 * 90));
    return database_.transact(
        store::Access::write, [&](store::Connection& connection) -> Result<void> {
          store::DirectoryStore store(connection);
          Totals added;
          for (const auto& generated : batch) {
            auto record = generated.record;
            record.latest_version = 1;
            LIAISON_TRY(store.insert_entry(record));
            for (const auto& version : generated.versions) {
              LIAISON_TRY(store.insert_version(record.id, version));
              ++added.versions;
            }
            auto published = generated.record.latest_version;
            store::NominationRecord nomination{organisation_.organisation.id,
                                               record.id,
                                               record.state,
                                               generated.level,
                                               published,
                                               0,
                                               generated.retired,
                                               confirmed,
                                               {}};
            LIAISON_TRY(store.insert_nomination(nomination, generated.search_words));
            ++added.nominations;
            if (generated.also_in_second && second_ != nullptr) {
              nomination.organisation_id = second_->organisation.id;
              LIAISON_TRY(store.insert_nomination(nomination, generated.search_words));
              ++added.nominations;
              ++added.second;
            }
            ++added.entries;
            if (generated.retired) ++added.retired;
          }
          totals.entries += added.entries;
          totals.versions += added.versions;
          totals.nominations += added.nominations;
          totals.retired += added.retired;
          totals.second += added.second;
          return {};
        });
  }

  const Options& options_;
  store::Database& database_;
  const services::OrganisationMembers& organisation_;
  const services::OrganisationMembers* second_;
  std::vector<StateProfile> profiles_;
  std::set<std::string> second_members_;
  Random random_;
  SystemClock clock_;
  SystemRandom ids_;
};

// A reader of the organisation (an observer, or a secretariat user for bench/checks.sh), made as
// people get accounts: invited, then accepted with a password and a TOTP code computed from the
// enrolment secret.
Result<std::string> create_reader(store::Database& database, const std::string& email,
                                  const std::string& organisation, domain::Role role) {
  SystemClock clock;
  SystemRandom random;
  services::AccountService accounts(database, clock, random, services::SecuritySettings{});
  services::InvitationRequest request;
  request.email = email;
  request.display_name = "Directory benchmark reader";
  request.grant.role = role;
  request.organisation = organisation;
  auto outcome = accounts.invite(services::Actor::command_line(), request);
  if (!outcome) return outcome.error();
  if (!outcome->account_id.empty()) return outcome->account_id;  // it existed: role added
  auto secret = outcome->link.substr(outcome->link.rfind('/') + 1);
  auto view = accounts.open_invitation(secret);
  if (!view) return view.error();
  auto code = totp_code(view->totp_secret, clock.now());
  if (!code) return code.error();
  std::array<std::byte, 24> bytes{};
  random.fill(bytes);
  auto password = "bench " + to_hex(bytes);
  auto accepted = accounts.accept_invitation(secret, password, *code, "127.0.0.1");
  if (!accepted) return accepted.error();
  return accepted->account_id;
}

int run(const Options& options) {
  auto database = store::open_database(options.database);
  if (!database) {
    fmt::print(stderr, "directory_load: cannot open {}: {}\n", options.database,
               database.error().message);
    return 1;
  }
  if (auto checked = store::check_schema(**database); !checked) {
    fmt::print(stderr, "directory_load: {} (run `liaison migrate` first)\n",
               checked.error().message);
    return 1;
  }
  SystemClock clock;
  services::ReferenceService reference(**database, clock, std::chrono::minutes(10));
  auto organisation = reference.members(options.organisation);
  if (!organisation) {
    fmt::print(stderr, "directory_load: organisation {}: {}\n", options.organisation,
               organisation.error().message);
    return 1;
  }
  std::shared_ptr<const services::OrganisationMembers> second;
  if (!options.second_organisation.empty()) {
    auto found = reference.members(options.second_organisation);
    if (found) second = *found;
  }

  if (options.entries > 0) {
    fmt::print(stderr, "loading {} entries into {} ({} members{}), {} per transaction, seed {}\n",
               options.entries, (*organisation)->organisation.code, (*organisation)->members.size(),
               second ? fmt::format("; about 5% of those of {} members also nominated there",
                                    second->organisation.code)
                      : std::string(),
               options.batch, options.seed);
    Loader loader(options, **database, **organisation, second.get());
    auto start = Steady::now();
    auto totals = loader.run();
    if (!totals) {
      fmt::print(stderr, "directory_load: loading failed: {}\n", totals.error().message);
      return 1;
    }
    auto elapsed = seconds_since(start);
    std::error_code size_error;
    auto path = options.database.substr(options.database.find(':') + 1);
    while (path.starts_with("//"))
      path.erase(0, 1);
    auto bytes = std::filesystem::file_size(path, size_error);
    fmt::print(
        "loaded {} entries ({} versions, {} nominations: {} also in {}, {} retired) in {:.1f} s: "
        "{:.0f} entries/s (generating {:.1f} s, writing {:.1f} s){}\n",
        totals->entries, totals->versions, totals->nominations, totals->second,
        second ? second->organisation.code : "-", totals->retired, elapsed,
        static_cast<double>(totals->entries) / elapsed, totals->generate_seconds,
        totals->write_seconds,
        size_error ? std::string()
                   : fmt::format("; database file {:.0f} MiB",
                                 static_cast<double>(bytes) / (1024.0 * 1024.0)));
  }

  if (!options.reader.empty()) {
    auto account = create_reader(
        **database, options.reader, options.organisation,
        options.reader_role == "secretariat" ? domain::Role::secretariat : domain::Role::observer);
    if (!account) {
      fmt::print(stderr, "directory_load: cannot create the reader account: {}\n",
                 account.error().message);
      return 1;
    }
    fmt::print("reader account {} ({} of {}): {}\n", options.reader, options.reader_role,
               options.organisation, *account);
  }
  return 0;
}

}  // namespace
}  // namespace liaison::bench

int main(int argc, char** argv) {
  liaison::bench::Options options;
  CLI::App cli{"Loads synthetic Points of Contact into a migrated Liaison database."};
  cli.add_option("--database", options.database,
                 "Store URL, e.g. sqlite:///tmp/bench.db (default: $LIAISON_DATABASE)")
      ->envname("LIAISON_DATABASE")
      ->required();
  cli.add_option("--entries", options.entries, "Entries to create")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cli.add_option("--organisation", options.organisation, "Organisation code")
      ->capture_default_str();
  cli.add_option("--second-organisation", options.second_organisation,
                 "Organisation some entries are also nominated to (empty: none)")
      ->capture_default_str();
  cli.add_option("--batch", options.batch, "Entries per transaction")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cli.add_option("--seed", options.seed, "Seed of the generator")->capture_default_str();
  cli.add_option("--reader", options.reader,
                 "Also create an observer account of the organisation with this e-mail address");
  cli.add_option("--reader-role", options.reader_role,
                 "The reader's role: observer, or secretariat (bench/checks.sh runs checks)")
      ->capture_default_str()
      ->check(CLI::IsMember({"observer", "secretariat"}));
  CLI11_PARSE(cli, argc, argv);
  return liaison::bench::run(options);
}
