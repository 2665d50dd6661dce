#include "base/unicode.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/text.h"

namespace liaison {
namespace {

using Words = std::vector<std::string>;

TEST(FoldForSearch, IgnoresCaseAndDiacritics) {
  EXPECT_EQ(fold_for_search("Élodie"), "elodie");
  EXPECT_EQ(fold_for_search("ELODIE"), "elodie");
  EXPECT_EQ(fold_for_search("élodie"), "elodie");
  EXPECT_EQ(fold_for_search("E\xcc\x81lodie"), "elodie");  // decomposed: E + U+0301
  EXPECT_EQ(fold_for_search("Ångström Łódź Dvořák"), "angstrom łodz dvorak");
  EXPECT_EQ(fold_for_search("Ελλάδα"), "ελλαδα");
  EXPECT_EQ(fold_for_search("Việt Nam"), "viet nam");
  EXPECT_EQ(fold_for_search("İstanbul"), "istanbul");
}

TEST(FoldForSearch, FoldsSharpSAndFinalSigmaFully) {
  EXPECT_EQ(fold_for_search("Straße"), "strasse");
  EXPECT_EQ(fold_for_search("STRASSE"), "strasse");
  EXPECT_EQ(fold_for_search("ẞ"), "ss");
  EXPECT_EQ(fold_for_search("ΟΔΟΣ"), fold_for_search("οδος"));
}

TEST(FoldForSearch, RemovesArabicHarakatAndCyrillicDiaeresis) {
  EXPECT_EQ(fold_for_search("كَتَبَ"), "كتب");
  EXPECT_EQ(fold_for_search("Ёлка"), "елка");
  EXPECT_EQ(fold_for_search("ЁЛКА"), "елка");
  EXPECT_EQ(fold_for_search("Россия"), "россия");
}

TEST(FoldForSearch, NormalisesCompatibilityForms) {
  EXPECT_EQ(fold_for_search("ＣＥＲＴ"), "cert");   // fullwidth
  EXPECT_EQ(fold_for_search("ﬁnance"), "finance");  // ligature
  EXPECT_EQ(fold_for_search("ﻛﺘﺐ"), "كتب");         // Arabic presentation forms
  EXPECT_EQ(fold_for_search("ǅemal"), "dzemal");
  EXPECT_EQ(fold_for_search("soft\xc2\xad"
                            "hyphen"),
            "softhyphen");  // U+00AD is ignorable
}

TEST(FoldForSearch, LeavesHanAndPlainTextAlone) {
  EXPECT_EQ(fold_for_search("外交部"), "外交部");
  EXPECT_EQ(fold_for_search("中华人民共和国"), "中华人民共和国");
  EXPECT_EQ(fold_for_search("cert@example.org 24/7"), "cert@example.org 24/7");
  EXPECT_EQ(fold_for_search(""), "");
}

TEST(FoldForSearch, SurvivesIllFormedUtf8) {
  EXPECT_EQ(fold_for_search("A\xff"
                            "B"),
            "a\xef\xbf\xbd"
            "b");
  for (auto bad : {"\xc3", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe6\xb3", "\xc0\xaf"})
    EXPECT_TRUE(is_valid_utf8(fold_for_search(bad))) << bad;
  EXPECT_EQ(fold_for_search(std::string("a\0b", 3)), std::string("a\0b", 3));
}

TEST(SearchWords, SplitsAtSpacesAndPunctuationAndFolds) {
  EXPECT_EQ(search_words("Federal Ministry for European and International Affairs"),
            (Words{"federal", "ministry", "for", "european", "and", "international", "affairs"}));
  EXPECT_EQ(search_words("Élodie O'Brien-Smith, Head of Cyber-Diplomacy!"),
            (Words{"elodie", "o'brien", "smith", "head", "of", "cyber", "diplomacy"}));
  EXPECT_EQ(search_words("l'Agence nationale de la sécurité"),
            (Words{"l'agence", "nationale", "de", "la", "securite"}));
  EXPECT_EQ(search_words("Straße ＣＥＲＴ Ёлка كَتَبَ"), (Words{"strasse", "cert", "елка", "كتب"}));
}

TEST(SearchWords, KeepsNumbersAndRepetitions) {
  EXPECT_EQ(search_words("24/7, +43 1 234 and v2.0 3.14"),
            (Words{"24", "7", "43", "1", "234", "and", "v2.0", "3.14"}));
  EXPECT_EQ(search_words("CERT cert Cert"), (Words{"cert", "cert", "cert"}));
}

TEST(SearchWords, NoWordsInBlankOrPunctuation) {
  EXPECT_TRUE(search_words("").empty());
  EXPECT_TRUE(search_words("  \t\n").empty());
  EXPECT_TRUE(search_words("— … !? ()").empty());
}

TEST(SearchWords, EmailsAndDomainsAreOneWordEach) {
  // ICU's word rules keep an address together, and "." between letters inside a word: a search
  // finds the whole address, or a word of it only by prefix.
  EXPECT_EQ(search_words("cert@example.org"), (Words{"cert@example.org"}));
  EXPECT_EQ(search_words("Write to CERT@Example.org."), (Words{"write", "to", "cert@example.org"}));
  EXPECT_EQ(search_words("CERT.at"), (Words{"cert.at"}));
}

TEST(SearchWords, SegmentsScriptsWrittenWithoutSpaces) {
  EXPECT_EQ(search_words("中华人民共和国外交部"), (Words{"中华", "人民", "共和国", "外交部"}));
  auto words = search_words("外交部网络安全办公室");
  EXPECT_GT(words.size(), 1U);
  EXPECT_EQ(words.front(), "外交部");
  EXPECT_EQ(search_words("日本の外務省").front(), "日本");
  // Thai: segmented by ICU's dictionary, then its tone marks go with the other marks.
  words = search_words("กระทรวงการต่างประเทศ");
  EXPECT_EQ(words.size(), 4U);
  EXPECT_EQ(words.front(), "กระทรวง");
}

TEST(SearchWords, TheSameWordsForTextAndQuery) {
  auto indexed = search_words("Centre national de la cybersécurité (CNCS), Élodie MÜLLER");
  for (auto query : {"cybersecurite", "CYBERSÉCURITÉ", "elodie", "muller", "Müller", "cncs"}) {
    auto words = search_words(query);
    ASSERT_EQ(words.size(), 1U) << query;
    EXPECT_NE(std::find(indexed.begin(), indexed.end(), words.front()), indexed.end()) << query;
  }
}

TEST(SearchWords, WordsNeverContainWhiteSpace) {
  // U+FDFA, one Arabic ligature, is four words after compatibility normalisation.
  EXPECT_EQ(search_words("\xef\xb7\xba"), (Words{"صلى", "الله", "عليه", "وسلم"}));
}

TEST(SearchWords, SurvivesIllFormedUtf8) {
  EXPECT_EQ(search_words("abc\xff"
                         "def"),
            (Words{"abc", "def"}));
  for (const auto& word : search_words("\xc3\x28 \xed\xa0\x80x \xe6\xb3"))
    EXPECT_TRUE(is_valid_utf8(word)) << word;
}

//! Whether `locale` orders `expected` as given, by less() and by sort_key(), from any start.
void expect_order(std::string_view locale, std::vector<std::string> expected) {
  Collator collator(locale);
  for (std::size_t i = 0; i + 1 < expected.size(); ++i) {
    EXPECT_TRUE(collator.less(expected[i], expected[i + 1]))
        << locale << ": " << expected[i] << " < " << expected[i + 1];
    EXPECT_FALSE(collator.less(expected[i + 1], expected[i]))
        << locale << ": " << expected[i + 1] << " < " << expected[i];
    EXPECT_LT(collator.sort_key(expected[i]), collator.sort_key(expected[i + 1]))
        << locale << ": keys of " << expected[i] << " and " << expected[i + 1];
  }
  auto shuffled = expected;
  std::reverse(shuffled.begin(), shuffled.end());
  std::sort(shuffled.begin(), shuffled.end(),
            [&](const std::string& a, const std::string& b) { return collator.less(a, b); });
  EXPECT_EQ(shuffled, expected) << locale;
}

TEST(Collator, FrenchSortsAccentedLettersWithTheirBase) {
  expect_order("fr", {"e", "é", "f"});
  expect_order("fr", {"cote", "côte", "Côte d'Ivoire", "croatie", "Égypte", "Estonie", "France"});
}

TEST(Collator, SpanishSortsEnyeAfterN) {
  expect_order("es", {"n", "nz", "ñ", "ña", "o"});
  expect_order("es", {"Nueva Zelandia", "Ñandú", "Omán"});
  // Without Spanish rules ñ is an n with a mark.
  expect_order("und", {"n", "ña", "nz"});
}

TEST(Collator, RussianOrdersCyrillicAndPutsItFirst) {
  expect_order("ru", {"Австрия", "Бельгия", "Ёлка", "Жираф", "Россия", "Япония", "Austria"});
  expect_order("en", {"Austria", "Австрия"});
}

TEST(Collator, SwedishSortsOAfterZ) {
  expect_order("sv", {"a", "z", "å", "ä", "ö"});
  expect_order("sv", {"Zambia", "Österrike"});
  expect_order("de", {"a", "ä", "o", "ö", "z"});
}

TEST(Collator, UnknownOrMalformedLocalesUseTheRootOrder) {
  for (auto locale : {"xx", "en_US??", "", "123", "zz-ZZ"})
    expect_order(locale, {"a", "ä", "Österreich", "ozean", "z", "Австрия"});
}

TEST(Collator, EquivalentTextsAreEqual) {
  Collator collator("fr");
  std::string composed = "\xc3\xa9";     // é
  std::string decomposed = "e\xcc\x81";  // e + U+0301
  EXPECT_FALSE(collator.less(composed, decomposed));
  EXPECT_FALSE(collator.less(decomposed, composed));
  EXPECT_EQ(collator.sort_key(composed), collator.sort_key(decomposed));
  EXPECT_FALSE(collator.less("France", "France"));
  EXPECT_TRUE(collator.less("", "a"));
  EXPECT_LT(collator.sort_key(""), collator.sort_key("a"));
}

TEST(Collator, SortKeysHaveNoTerminatorAndSurviveBadInput) {
  Collator collator("en");
  auto key = collator.sort_key("Liaison");
  ASSERT_FALSE(key.empty());
  EXPECT_EQ(key.find('\0'), std::string::npos);
  EXPECT_FALSE(collator.sort_key("a\xff").empty());
  EXPECT_TRUE(collator.less("a\xff", "b"));
  // A long text needs more than the first buffer.
  std::string long_text(1000, 'x');
  EXPECT_LT(collator.sort_key(long_text), collator.sort_key(long_text + "x"));
}

TEST(Collator, CanBeMoved) {
  Collator swedish("sv");
  Collator moved(std::move(swedish));
  EXPECT_TRUE(moved.less("z", "ö"));
  Collator assigned("en");
  assigned = std::move(moved);
  EXPECT_TRUE(assigned.less("z", "ö"));
}

TEST(CanonicalLanguageTag, ReturnsTheCanonicalForm) {
  EXPECT_EQ(canonical_language_tag("EN").value(), "en");
  EXPECT_EQ(canonical_language_tag("en").value(), "en");
  EXPECT_EQ(canonical_language_tag("zh-hans-cn").value(), "zh-Hans-CN");
  EXPECT_EQ(canonical_language_tag("ZH-HANS").value(), "zh-Hans");
  EXPECT_EQ(canonical_language_tag("fr-ca").value(), "fr-CA");
  EXPECT_EQ(canonical_language_tag("es-419").value(), "es-419");
  EXPECT_EQ(canonical_language_tag("sr-latn-rs").value(), "sr-Latn-RS");
  EXPECT_EQ(canonical_language_tag("ar").value(), "ar");
  EXPECT_EQ(canonical_language_tag("de-DE-u-co-phonebk").value(), "de-DE-u-co-phonebk");
}

TEST(CanonicalLanguageTag, ReplacesDeprecatedCodes) {
  EXPECT_EQ(canonical_language_tag("iw").value(), "he");
  EXPECT_EQ(canonical_language_tag("i-klingon").value(), "tlh");
}

TEST(CanonicalLanguageTag, RefusesWhatIsNoTag) {
  for (auto tag : {"", "x", "en_US", "123", "xx-", "-en", "en--US", "en US", " en", "en ",
                   "abcdefghi", "english!", "\xff", "fr-\xc3\xa9"}) {
    auto canonical = canonical_language_tag(tag);
    ASSERT_FALSE(canonical) << tag;
    EXPECT_EQ(canonical.error().code, ErrorCode::invalid_argument);
  }
  EXPECT_FALSE(canonical_language_tag(std::string("en\0US", 5)));
  EXPECT_EQ(canonical_language_tag("xx-").error().message, "'xx-' is not a BCP 47 language tag");
}

}  // namespace
}  // namespace liaison
