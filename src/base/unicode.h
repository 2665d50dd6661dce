#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace liaison {

// Text in every script the directory's users write, handled by ICU so that no Unicode data is
// kept by hand. Inputs are UTF-8; ill-formed sequences are read as U+FFFD, never a crash.
// These functions throw only when ICU itself fails (its data missing, memory exhausted), which
// is a broken installation, not a bad input.

//! The form a text is searched in: compatibility-normalised, case-folded (full folding, so "ß"
//! gives "ss") and without nonspacing marks (NFKC_Casefold, then NFD, then every [:Mn:] removed,
//! then NFC). "Élodie", "ELODIE" and "élodie" give "elodie"; "كَتَبَ" gives "كتب", "Ёлка"
//! "елка", fullwidth "ＣＥＲＴ" "cert"; Han characters are unchanged. Since marks go, so do
//! distinctions some scripts make with them (Japanese "が" and "か" fold alike); that is the
//! price of accent-insensitive search.
std::string fold_for_search(std::string_view utf8);

//! The words of a text as they are indexed and as a query is split: the segments of ICU's word
//! break iterator (root locale) that hold letters, numbers, kana or ideographs, each passed
//! through fold_for_search, in text order and with repetitions. Punctuation and spaces are no
//! words. Chinese, Japanese, Thai and other scripts written without spaces are split with ICU's
//! dictionaries ("中华人民共和国外交部" gives "中华", "人民", "共和国", "外交部"). ICU keeps an
//! e-mail address whole ("cert@example.org" is one word) and "." or "'" between letters
//! ("CERT.at" gives "cert.at", "l'Agence" "l'agence"); "-" and "/" separate words. Finding such a
//! word by one of its parts ("example.org") takes matching inside words, not only whole words.
//! A folded word never contains white space.
std::vector<std::string> search_words(std::string_view utf8);

//! Orders text as the readers of one language expect ("é" between "e" and "f" in French, "ö"
//! after "z" in Swedish). Creating one is cheap (ICU caches the rules per locale), so make one
//! per request; an instance is not safe to use from several threads at once.
class Collator {
 public:
  //! The collation of `bcp47_locale` ("fr", "sv-SE", "zh-Hans"); the root collation (the
  //! Unicode default order) when the tag is malformed or ICU has no rules for it.
  explicit Collator(std::string_view bcp47_locale);
  ~Collator();
  Collator(Collator&&) noexcept;
  Collator& operator=(Collator&&) noexcept;
  Collator(const Collator&) = delete;
  Collator& operator=(const Collator&) = delete;

  //! True when `a` sorts before `b`.
  bool less(std::string_view a, std::string_view b) const;

  //! Bytes (not text) that compare with memcmp, or std::string's operator<, as the texts compare
  //! with less(). Keys depend on the locale and on the ICU version: store them only together
  //! with a way to recompute them (a BLOB column rebuilt on upgrade, say).
  std::string sort_key(std::string_view text) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

//! The canonical form of a well-formed BCP 47 language tag: "EN" gives "en", "zh-hans-cn"
//! "zh-Hans-CN", "fr-ca" "fr-CA"; deprecated codes take their replacement ("iw" gives "he").
//! invalid_argument Error naming the input when it is not a BCP 47 tag as a whole ("", "x",
//! "en_US", "123", "xx-").
Result<std::string> canonical_language_tag(std::string_view tag);

}  // namespace liaison
