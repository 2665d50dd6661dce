#include "web/i18n.h"

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <unicode/coll.h>
#include <unicode/datefmt.h>
#include <unicode/locid.h>
#include <unicode/msgfmt.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include "base/clock.h"
#include "web/embedded_locales.h"

namespace liaison::web {

using domain::Language;

// ICU's MessageFormat creates its plural rules and number formats lazily inside const
// format(), so one formatter must not run on two threads at once: each catalogue formats under
// its own lock. A page formats a few dozen messages of microseconds each; the lock is not felt.
struct Catalogues::Messages {
  icu::Locale locale;
  std::map<std::string, std::unique_ptr<icu::MessageFormat>, std::less<>> formats;
  mutable std::mutex mutex;
};

namespace {

// The locale numbers and dates are written in. Arabic pages use Western digits (ar-u-nu-latn),
// as the United Nations' Arabic pages do: the counts, codes and phone numbers that pages show
// as they are stored are in those digits too, and one page must not mix two sets.
icu::Locale formatting_locale(Language language) {
  if (language == Language::arabic) return icu::Locale("ar@numbers=latn");
  return icu::Locale(std::string(domain::language_code(language)).c_str());
}

std::string utf8(const icu::UnicodeString& text) {
  std::string out;
  text.toUTF8String(out);
  return out;
}

icu::UnicodeString unicode(std::string_view text) {
  return icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<std::int32_t>(text.size())));
}

// Adds one file's messages to its language's catalogue; a key that another file of the language
// already defined is refused, so two areas cannot silently override each other's text.
void load_messages(Catalogues::Messages& messages, std::string_view file, std::string_view json) {
  boost::system::error_code ec;
  auto value = boost::json::parse(json, ec);
  if (ec) throw std::runtime_error(fmt::format("locales/{}: not JSON: {}", file, ec.message()));
  const auto* object = value.if_object();
  if (!object)
    throw std::runtime_error(fmt::format("locales/{}: not a JSON object of messages", file));
  for (const auto& [key, pattern] : *object) {
    const auto* text = pattern.if_string();
    if (!text)
      throw std::runtime_error(
          fmt::format("locales/{}: {}: the message is not a string", file, std::string_view(key)));
    UErrorCode status = U_ZERO_ERROR;
    UParseError where{};
    auto format =
        std::make_unique<icu::MessageFormat>(unicode(*text), messages.locale, where, status);
    if (U_FAILURE(status))
      throw std::runtime_error(fmt::format("locales/{}: {}: the pattern does not parse ({} at {})",
                                           file, std::string_view(key), u_errorName(status),
                                           where.offset));
    if (!messages.formats.emplace(std::string(key), std::move(format)).second)
      throw std::runtime_error(fmt::format("locales/{}: {}: the key is defined in another file too",
                                           file, std::string_view(key)));
  }
}

std::vector<std::string> difference(const std::vector<std::string>& a,
                                    const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

}  // namespace

Catalogues::Catalogues(std::span<const EmbeddedFile> files) {
  for (auto language : domain::kLanguages) {
    auto directory = fmt::format("{}/", locale_of(language));
    auto messages = std::make_unique<Messages>();
    messages->locale = formatting_locale(language);
    bool found = false;
    for (const auto& file : files) {
      if (!file.path.starts_with(directory) || !file.path.ends_with(".json")) continue;
      load_messages(*messages, file.path, file.content);
      found = true;
    }
    if (!found) {
      if (language == Language::english)
        throw std::runtime_error("locales/en/: missing; English is every text's fallback");
      continue;
    }
    catalogues_.emplace(language, std::move(messages));
  }
}

Catalogues::~Catalogues() = default;
Catalogues::Catalogues(Catalogues&&) noexcept = default;
Catalogues& Catalogues::operator=(Catalogues&&) noexcept = default;

std::string Catalogues::translate(Language language, std::string_view key,
                                  MessageArguments arguments) const {
  return translate(language, key,
                   std::span<const MessageArgument>(arguments.begin(), arguments.size()));
}

std::string Catalogues::translate(Language language, std::string_view key,
                                  std::span<const MessageArgument> arguments) const {
  const Messages* messages = nullptr;
  const icu::MessageFormat* format = nullptr;
  for (auto candidate : {language, Language::english}) {
    auto catalogue = catalogues_.find(candidate);
    if (catalogue == catalogues_.end()) continue;
    auto found = catalogue->second->formats.find(key);
    if (found == catalogue->second->formats.end()) continue;
    messages = catalogue->second.get();
    format = found->second.get();
    break;
  }
  if (!format) return std::string(key);

  std::vector<icu::UnicodeString> names;
  std::vector<icu::Formattable> values;
  names.reserve(arguments.size());
  values.reserve(arguments.size());
  for (const auto& argument : arguments) {
    names.push_back(unicode(argument.name));
    std::visit(
        [&values](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::string_view>) {
            values.emplace_back(unicode(value));
          } else {
            values.emplace_back(value);
          }
        },
        argument.value);
  }
  icu::UnicodeString out;
  UErrorCode status = U_ZERO_ERROR;
  {
    std::lock_guard lock(messages->mutex);
    format->format(names.data(), values.data(), static_cast<std::int32_t>(names.size()), out,
                   status);
  }
  if (U_FAILURE(status)) return std::string(key);
  return utf8(out);
}

bool Catalogues::has(Language language, std::string_view key) const {
  auto catalogue = catalogues_.find(language);
  return catalogue != catalogues_.end() && catalogue->second->formats.contains(key);
}

std::vector<std::string> Catalogues::keys(Language language) const {
  std::vector<std::string> out;
  auto catalogue = catalogues_.find(language);
  if (catalogue == catalogues_.end()) return out;
  for (const auto& [key, format] : catalogue->second->formats)
    out.push_back(key);
  return out;  // a std::map's keys: sorted
}

std::vector<std::string> Catalogues::missing_keys(Language language) const {
  return difference(keys(Language::english), keys(language));
}

std::vector<std::string> Catalogues::extra_keys(Language language) const {
  return difference(keys(language), keys(Language::english));
}

const Catalogues& catalogues() {
  static const Catalogues loaded(locale_files::files());
  return loaded;
}

std::string translate(Language language, std::string_view key, MessageArguments arguments) {
  return catalogues().translate(language, key, arguments);
}

std::string_view locale_of(Language language) {
  return domain::language_code(language);
}

std::string_view text_direction(Language language) {
  return language == Language::arabic ? "rtl" : "ltr";
}

std::string_view language_endonym(Language language) {
  switch (language) {
    case Language::arabic:
      return "العربية";
    case Language::chinese:
      return "中文";
    case Language::english:
      return "English";
    case Language::french:
      return "Français";
    case Language::russian:
      return "Русский";
    case Language::spanish:
      return "Español";
  }
  return "English";
}

std::optional<Language> language_from_code(std::string_view code) {
  for (auto language : domain::kLanguages) {
    if (code == domain::language_code(language)) return language;
  }
  return std::nullopt;
}

std::string format_date_time(Language language, std::chrono::sys_seconds instant,
                             std::string_view iana) {
  icu::Locale locale = formatting_locale(language);
  // The locale's own order for day, month in words, year, hours and minutes in its usual hour
  // cycle, and the zone as an offset ("UTC+5:30"): a time without its zone misleads someone
  // who reads it in another.
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::DateFormat> format(
      icu::DateFormat::createInstanceForSkeleton("yMMMMdjmO", locale, status));
  if (U_FAILURE(status) || !format) return {};
  std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(unicode(iana)));
  if (*zone == icu::TimeZone::getUnknown()) zone.reset(icu::TimeZone::createTimeZone("UTC"));
  format->adoptTimeZone(zone.release());
  icu::UnicodeString out;
  format->format(static_cast<UDate>(instant.time_since_epoch().count()) * 1000.0, out);
  return utf8(out);
}

}  // namespace liaison::web

namespace liaison::web {

std::string format_date_time(Language language, std::string_view utc_text, std::string_view iana) {
  if (utc_text.empty()) return {};
  if (auto instant = parse_utc_seconds(utc_text)) return format_date_time(language, *instant, iana);
  return std::string(utc_text.substr(0, std::min<std::size_t>(utc_text.size(), 16)));
}

std::string format_date(Language language, std::string_view iso_date) {
  auto instant = parse_utc_seconds(std::string(iso_date) + "T00:00:00Z");
  if (iso_date.size() != 10 || !instant) return std::string(iso_date);
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::DateFormat> format(
      icu::DateFormat::createInstanceForSkeleton("yMMMMd", formatting_locale(language), status));
  if (U_FAILURE(status) || !format) return std::string(iso_date);
  // A date names a day, not an instant: formatted in UTC, where it was made, it stays that day.
  format->adoptTimeZone(icu::TimeZone::createTimeZone("UTC"));
  icu::UnicodeString out;
  format->format(static_cast<UDate>(instant->time_since_epoch().count()) * 1000.0, out);
  return utf8(out);
}

namespace {

// One collator per language, made once; compare and sort keys are const, but ICU documents
// only clones as safe across threads, so each use holds the language's lock.
struct LanguageCollator {
  std::unique_ptr<icu::Collator> collator;
  std::mutex mutex;
};

LanguageCollator& collator_for(Language language) {
  static std::map<Language, LanguageCollator> collators = [] {
    std::map<Language, LanguageCollator> made;
    for (auto each : domain::kLanguages) {
      UErrorCode status = U_ZERO_ERROR;
      made[each].collator.reset(
          icu::Collator::createInstance(icu::Locale(std::string(locale_of(each)).c_str()), status));
      if (U_FAILURE(status)) made[each].collator.reset();
    }
    return made;
  }();
  return collators[language];
}

}  // namespace

std::string collation_key(Language language, std::string_view text) {
  auto& entry = collator_for(language);
  if (!entry.collator) return std::string(text);
  auto unicode_text = unicode(text);
  std::lock_guard lock(entry.mutex);
  auto length = entry.collator->getSortKey(unicode_text, nullptr, 0);
  std::string key(static_cast<std::size_t>(length), '\0');
  entry.collator->getSortKey(unicode_text, reinterpret_cast<std::uint8_t*>(key.data()), length);
  // The key ends with a NUL byte, which std::string's < would compare too; drop it.
  if (!key.empty() && key.back() == '\0') key.pop_back();
  return key;
}

}  // namespace liaison::web
