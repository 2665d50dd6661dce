#include "base/unicode.h"

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <unicode/brkiter.h>
#include <unicode/coll.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <utility>

#include "base/text.h"

namespace liaison {
namespace {

//! ICU counts lengths in int32_t.
constexpr auto kMaxLength = static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max());

//! ICU failing on valid arguments means its data is missing: the installation is broken.
void check(UErrorCode status, const char* what) {
  if (U_FAILURE(status)) throw std::runtime_error(std::string(what) + ": " + u_errorName(status));
}

icu::StringPiece piece(std::string_view utf8) {
  if (utf8.size() > kMaxLength) throw std::length_error("text too long for ICU");
  return {utf8.data(), static_cast<std::int32_t>(utf8.size())};
}

//! fromUTF8 reads each ill-formed sequence as U+FFFD.
icu::UnicodeString to_unicode(std::string_view utf8) {
  return icu::UnicodeString::fromUTF8(piece(utf8));
}

std::string to_utf8(const icu::UnicodeString& text) {
  std::string utf8;
  text.toUTF8String(utf8);
  return utf8;
}

icu::UnicodeString fold(const icu::UnicodeString& text) {
  UErrorCode status = U_ZERO_ERROR;
  const auto* casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  const auto* nfd = icu::Normalizer2::getNFDInstance(status);
  const auto* nfc = icu::Normalizer2::getNFCInstance(status);
  check(status, "ICU normalizer");
  // Folding first: it can itself produce marks (U+0130 "İ" becomes "i" + U+0307).
  auto decomposed = nfd->normalize(casefold->normalize(text, status), status);
  check(status, "ICU normalization");
  icu::UnicodeString bare;
  for (std::int32_t i = 0; i < decomposed.length();) {
    auto c = decomposed.char32At(i);
    if (u_charType(c) != U_NON_SPACING_MARK) bare.append(c);
    i += U16_LENGTH(c);
  }
  auto composed = nfc->normalize(bare, status);
  check(status, "ICU normalization");
  return composed;
}

//! A new word break iterator: ICU caches the rules and dictionaries, so this takes a few
//! microseconds, and instances are not safe to share between threads.
std::unique_ptr<icu::BreakIterator> word_iterator() {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> iterator(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  check(status, "ICU word break iterator");
  return iterator;
}

//! Appends the white-space separated parts of `text`. Compatibility folding can put spaces
//! inside a word: U+FDFA, one Arabic ligature, spells a phrase of four words.
void append_split(const icu::UnicodeString& text, std::vector<std::string>& words) {
  std::int32_t start = 0;
  for (std::int32_t i = 0; i < text.length();) {
    auto c = text.char32At(i);
    auto next = i + U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) {
      if (i > start) words.push_back(to_utf8(text.tempSubStringBetween(start, i)));
      start = next;
    }
    i = next;
  }
  if (text.length() > start) words.push_back(to_utf8(text.tempSubString(start)));
}

//! The input for an error message: valid UTF-8, and not the whole of a huge input.
std::string quoted(std::string_view text) {
  constexpr std::size_t kShown = 64;
  if (text.size() <= kShown) return "'" + to_valid_utf8(text) + "'";
  return "'" + to_valid_utf8(text.substr(0, kShown)) + "…'";
}

}  // namespace

std::string fold_for_search(std::string_view utf8) {
  return to_utf8(fold(to_unicode(utf8)));
}

std::vector<std::string> search_words(std::string_view utf8) {
  // Segmenting before folding: the dictionaries of Thai, Lao, Khmer and Burmese know words with
  // their marks, and folding removes those.
  auto text = to_unicode(utf8);
  auto iterator = word_iterator();
  iterator->setText(text);
  std::vector<std::string> words;
  auto start = iterator->first();
  for (auto end = iterator->next(); end != icu::BreakIterator::DONE;
       start = end, end = iterator->next()) {
    if (iterator->getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;  // spaces, punctuation
    append_split(fold(text.tempSubStringBetween(start, end)), words);
  }
  return words;
}

struct Collator::Impl {
  std::unique_ptr<icu::Collator> collator;
};

Collator::Collator(std::string_view bcp47_locale) : impl_(std::make_unique<Impl>()) {
  UErrorCode status = U_ZERO_ERROR;
  auto locale = icu::Locale::forLanguageTag(piece(bcp47_locale), status);
  if (U_FAILURE(status) || locale.isBogus()) locale = icu::Locale::getRoot();
  status = U_ZERO_ERROR;
  // Locales ICU has no rules for get the root rules (status U_USING_DEFAULT_WARNING).
  impl_->collator.reset(icu::Collator::createInstance(locale, status));
  check(status, "ICU collator");
  // Text from forms and imports may arrive decomposed; without normalisation ICU orders only
  // FCD text correctly.
  impl_->collator->setAttribute(UCOL_NORMALIZATION_MODE, UCOL_ON, status);
  check(status, "ICU collator attribute");
}

Collator::~Collator() = default;
Collator::Collator(Collator&&) noexcept = default;
Collator& Collator::operator=(Collator&&) noexcept = default;

bool Collator::less(std::string_view a, std::string_view b) const {
  UErrorCode status = U_ZERO_ERROR;
  auto order = impl_->collator->compareUTF8(piece(a), piece(b), status);
  check(status, "ICU collation");
  return order == UCOL_LESS;
}

std::string Collator::sort_key(std::string_view text) const {
  auto unicode = to_unicode(text);
  std::string key(64, '\0');
  for (;;) {
    // The length ICU reports includes a terminating zero byte.
    auto needed = impl_->collator->getSortKey(unicode, reinterpret_cast<std::uint8_t*>(key.data()),
                                              static_cast<std::int32_t>(key.size()));
    if (needed <= 0) throw std::runtime_error("ICU could not compute a sort key");
    auto length = static_cast<std::size_t>(needed);
    if (length <= key.size()) {
      key.resize(length - 1);
      return key;
    }
    key.resize(length);
  }
}

Result<std::string> canonical_language_tag(std::string_view tag) {
  auto refused = [&] {
    return Error::invalid_argument(quoted(tag) + " is not a BCP 47 language tag");
  };
  if (tag.empty() || tag.size() > kMaxLength) return refused();
  // forLanguageTag fails unless the whole input is one well-formed tag (uloc_forLanguageTag
  // alone would stop quietly at the first bad subtag: "xx-" would read as "xx").
  UErrorCode status = U_ZERO_ERROR;
  auto locale = icu::Locale::forLanguageTag(piece(tag), status);
  if (U_FAILURE(status) || locale.isBogus()) return refused();
  auto canonical = locale.toLanguageTag<std::string>(status);
  if (U_FAILURE(status) || canonical.empty()) return refused();
  return canonical;
}

}  // namespace liaison
