#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/embedded_file.h"
#include "domain/language.h"

namespace liaison::web {

//! One named argument of a message: `{name}` in the pattern. Numbers choose plural forms
//! (`{count, plural, one {# entry} other {# entries}}`) and are formatted in the locale.
struct MessageArgument {
  std::string_view name;
  std::variant<std::string_view, std::int64_t, double> value;
};
using MessageArguments = std::initializer_list<MessageArgument>;

//! The message catalogues of the six languages: for each, a flat JSON object from key to an
//! ICU MessageFormat pattern (locales/<code>/<area>.json, merged per language and compiled into
//! the binary; a key defined by two files of a language is refused). Every pattern is
//! parsed once, when the catalogues load, so a bad one stops the program at start, not a page.
class Catalogues {
 public:
  //! Reads `<code>/*.json` for each language from `files`. Throws std::runtime_error naming the
  //! file and key of a pattern ICU cannot parse, or a file that is missing or not a flat object
  //! of strings. English must exist; other languages may lack keys (English stands in).
  explicit Catalogues(std::span<const EmbeddedFile> files);
  ~Catalogues();
  Catalogues(Catalogues&&) noexcept;
  Catalogues& operator=(Catalogues&&) noexcept;

  //! The message `key` in `language` with `arguments` put in; the English message when the
  //! language lacks the key, and the key itself when English lacks it too (a visible bug, which
  //! the catalogue tests catch first).
  std::string translate(domain::Language language, std::string_view key,
                        MessageArguments arguments = {}) const;
  //! The same with arguments gathered at run time.
  std::string translate(domain::Language language, std::string_view key,
                        std::span<const MessageArgument> arguments) const;
  bool has(domain::Language language, std::string_view key) const;
  //! Every key of a language's catalogue, sorted.
  std::vector<std::string> keys(domain::Language language) const;
  //! Keys English has that `language` lacks, sorted (empty when the catalogue is complete).
  std::vector<std::string> missing_keys(domain::Language language) const;
  //! Keys `language` has that English lacks, sorted (left over from a removed text, or a typo).
  std::vector<std::string> extra_keys(domain::Language language) const;

  //! One language's compiled patterns (defined in i18n.cpp).
  struct Messages;

 private:
  std::map<domain::Language, std::unique_ptr<Messages>> catalogues_;
};

//! The catalogues compiled into the binary (locales/*/*.json), loaded and checked on first use.
const Catalogues& catalogues();

//! `catalogues().translate(...)`.
std::string translate(domain::Language language, std::string_view key,
                      MessageArguments arguments = {});

//! The ICU locale and HTML `lang` of a language: "ar", "zh", "en", "fr", "ru", "es".
std::string_view locale_of(domain::Language language);
//! "rtl" for Arabic, "ltr" for the others: the HTML `dir` attribute.
std::string_view text_direction(domain::Language language);
//! The language's name in itself (العربية, 中文, English, Français, Русский, Español), for a
//! switcher that a reader finds their language in whatever the page's language is.
std::string_view language_endonym(domain::Language language);
//! One of the six language codes, exactly ("fr", not "fr-CA"): for `?lang=` and the cookie.
std::optional<domain::Language> language_from_code(std::string_view code);

//! A date and time as `language` writes it (the day, the month in words, the year, hours and
//! minutes, and the zone as an offset: "7 December 2026 at 14:08 GMT+5:30"), in the IANA time zone
//! `iana` ("UTC", "Europe/Vienna"); UTC when the zone is unknown.
std::string format_date_time(domain::Language language, std::chrono::sys_seconds instant,
                             std::string_view iana);
//! The same for a stored UTC time ("2026-12-07T09:30:00Z", or with fractional seconds); a text
//! that is not one comes back as it is (cut to minutes), so a page never loses a date it cannot
//! read. Empty stays empty.
std::string format_date_time(domain::Language language, std::string_view utc_text,
                             std::string_view iana);

//! A calendar date ("2026-12-07") as `language` writes it, with the month in words ("7 December
//! 2026", "7 décembre 2026", "2026年12月7日"); a text that is not one comes back as it is.
std::string format_date(domain::Language language, std::string_view iso_date);

//! The key ICU's collator for `language` sorts `text` by (compare with <): lists of names sort
//! as readers of the language expect (Å after Z in Swedish rules, not here; accents after the
//! plain letter; Cyrillic and Arabic in their own order).
std::string collation_key(domain::Language language, std::string_view text);

//! Sorts `items` by `name_of(item)` in the collation of `language`, stably.
template <class T, class NameOf>
void sort_by_collation(domain::Language language, std::vector<T>& items, NameOf name_of) {
  std::vector<std::pair<std::string, std::size_t>> keys;
  keys.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i)
    keys.emplace_back(collation_key(language, name_of(items[i])), i);
  std::stable_sort(keys.begin(), keys.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<T> sorted;
  sorted.reserve(items.size());
  for (const auto& key : keys)
    sorted.push_back(std::move(items[key.second]));
  items = std::move(sorted);
}

}  // namespace liaison::web
