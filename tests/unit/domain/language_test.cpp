#include "domain/language.h"

#include <set>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace liaison::domain {
namespace {

// --- language_code ---------------------------------------------------------------------------

TEST(LanguageCode, IsTheIso6391CodeOfEachUnLanguage) {
  EXPECT_EQ(language_code(Language::arabic), "ar");
  EXPECT_EQ(language_code(Language::chinese), "zh");
  EXPECT_EQ(language_code(Language::english), "en");
  EXPECT_EQ(language_code(Language::french), "fr");
  EXPECT_EQ(language_code(Language::russian), "ru");
  EXPECT_EQ(language_code(Language::spanish), "es");
}

TEST(LanguageCode, IsDistinctForEveryLanguageAndRoundTripsThroughLanguageFromTag) {
  std::set<std::string_view> codes;
  for (auto language : kLanguages) {
    auto code = language_code(language);
    EXPECT_TRUE(codes.insert(code).second) << "duplicate code " << code;
    EXPECT_EQ(language_from_tag(code), language) << code;
  }
  EXPECT_EQ(codes.size(), 6u);
}

// --- language_from_tag -----------------------------------------------------------------------

TEST(LanguageFromTag, ReadsAPrimarySubtagAlone) {
  EXPECT_EQ(language_from_tag("fr"), Language::french);
  EXPECT_EQ(language_from_tag("ar"), Language::arabic);
  EXPECT_EQ(language_from_tag("es"), Language::spanish);
}

TEST(LanguageFromTag, IgnoresRegionScriptAndVariantSubtags) {
  EXPECT_EQ(language_from_tag("fr-CA"), Language::french);
  EXPECT_EQ(language_from_tag("zh-Hans-CN"), Language::chinese);
  EXPECT_EQ(language_from_tag("zh-Hant-TW"), Language::chinese);
  EXPECT_EQ(language_from_tag("es-419"), Language::spanish);
  EXPECT_EQ(language_from_tag("en-GB-oxendict"), Language::english);
  EXPECT_EQ(language_from_tag("ru-RU"), Language::russian);
}

TEST(LanguageFromTag, AcceptsAnUnderscoreSeparatorAsLocalesWriteIt) {
  EXPECT_EQ(language_from_tag("fr_CA"), Language::french);
  EXPECT_EQ(language_from_tag("zh_CN"), Language::chinese);
}

TEST(LanguageFromTag, IsCaseInsensitive) {
  EXPECT_EQ(language_from_tag("EN"), Language::english);
  EXPECT_EQ(language_from_tag("Fr-ca"), Language::french);
  EXPECT_EQ(language_from_tag("ZH-HANS-CN"), Language::chinese);
}

TEST(LanguageFromTag, RejectsLanguagesOutsideTheSix) {
  EXPECT_EQ(language_from_tag("de"), std::nullopt);
  EXPECT_EQ(language_from_tag("de-CH"), std::nullopt);
  EXPECT_EQ(language_from_tag("pt-BR"), std::nullopt);
}

TEST(LanguageFromTag, RejectsTagsWhosePrimarySubtagOnlyStartsLikeAUnLanguage) {
  // "fra"/"eng" are ISO 639-2 codes and "frr" is North Frisian: not a prefix match.
  EXPECT_EQ(language_from_tag("fra"), std::nullopt);
  EXPECT_EQ(language_from_tag("eng"), std::nullopt);
  EXPECT_EQ(language_from_tag("frr"), std::nullopt);
  EXPECT_EQ(language_from_tag("english"), std::nullopt);
  EXPECT_EQ(language_from_tag("e"), std::nullopt);
}

TEST(LanguageFromTag, RejectsEmptyWildcardAndGarbage) {
  EXPECT_EQ(language_from_tag(""), std::nullopt);
  EXPECT_EQ(language_from_tag("*"), std::nullopt);
  EXPECT_EQ(language_from_tag("-fr"), std::nullopt);
  EXPECT_EQ(language_from_tag("\xc3\xa9n"), std::nullopt);
}

// --- negotiate_language ----------------------------------------------------------------------

TEST(NegotiateLanguage, EmptyOrAbsentHeaderGivesEnglish) {
  EXPECT_EQ(negotiate_language(""), Language::english);
  EXPECT_EQ(negotiate_language("   "), Language::english);
}

TEST(NegotiateLanguage, SingleSupportedLanguage) {
  EXPECT_EQ(negotiate_language("fr"), Language::french);
  EXPECT_EQ(negotiate_language("ru"), Language::russian);
  EXPECT_EQ(negotiate_language("ar"), Language::arabic);
}

TEST(NegotiateLanguage, UnsupportedLanguagesOnlyGiveEnglish) {
  EXPECT_EQ(negotiate_language("de"), Language::english);
  EXPECT_EQ(negotiate_language("de-DE, it;q=0.8, pt;q=0.5"), Language::english);
}

TEST(NegotiateLanguage, SkipsUnsupportedLanguagesToTheFirstSupportedOne) {
  EXPECT_EQ(negotiate_language("de-DE,de;q=0.9,fr;q=0.8,en;q=0.7"), Language::french);
}

TEST(NegotiateLanguage, HighestQualityWinsWhateverTheOrder) {
  EXPECT_EQ(negotiate_language("en;q=0.5, es;q=0.9, fr;q=0.7"), Language::spanish);
  EXPECT_EQ(negotiate_language("ru;q=0.1, zh"), Language::chinese);
  EXPECT_EQ(negotiate_language("en;q=0.001, ar;q=0.002"), Language::arabic);
}

TEST(NegotiateLanguage, MissingQualityMeansOne) {
  EXPECT_EQ(negotiate_language("en;q=0.999, fr"), Language::french);
  EXPECT_EQ(negotiate_language("fr;q=1, en"), Language::french);  // tie: earlier wins
}

TEST(NegotiateLanguage, EarlierEntryWinsATie) {
  EXPECT_EQ(negotiate_language("fr, es"), Language::french);
  EXPECT_EQ(negotiate_language("es, fr"), Language::spanish);
  EXPECT_EQ(negotiate_language("es;q=0.8, fr;q=0.8"), Language::spanish);
  EXPECT_EQ(negotiate_language("fr;q=0.8, es;q=0.80"), Language::french);
  EXPECT_EQ(negotiate_language("ru;q=1.0, ar;q=1.000, zh"), Language::russian);
}

TEST(NegotiateLanguage, QZeroMeansNotAcceptable) {
  // RFC 9110 §12.4.2: a weight of 0 means "not acceptable", never a (poor) choice.
  EXPECT_EQ(negotiate_language("fr;q=0, es;q=0.1"), Language::spanish);
  EXPECT_EQ(negotiate_language("fr;q=0.0, es;q=0.001"), Language::spanish);
  EXPECT_EQ(negotiate_language("fr;q=0.000, ru;q=0.5"), Language::russian);
  EXPECT_EQ(negotiate_language("zh;q=0."), Language::english);
  EXPECT_EQ(negotiate_language("fr;q=0"), Language::english);
  EXPECT_EQ(negotiate_language("ar;q=0, zh;q=0, ru;q=0"), Language::english);
}

TEST(NegotiateLanguage, QZeroOnARegionDoesNotBlockTheLanguageListedElsewhere) {
  EXPECT_EQ(negotiate_language("fr-CA;q=0, fr;q=0.5, en;q=0.4"), Language::french);
}

TEST(NegotiateLanguage, RegionAndScriptSubtagsMapToTheirLanguage) {
  EXPECT_EQ(negotiate_language("zh-Hans-CN"), Language::chinese);
  EXPECT_EQ(negotiate_language("zh-Hant-TW,zh;q=0.9,en;q=0.8"), Language::chinese);
  EXPECT_EQ(negotiate_language("fr-CA, en-US;q=0.9"), Language::french);
  EXPECT_EQ(negotiate_language("es-419;q=0.9, en-GB;q=0.8"), Language::spanish);
}

TEST(NegotiateLanguage, TagsAndQAreCaseInsensitive) {
  EXPECT_EQ(negotiate_language("FR"), Language::french);
  EXPECT_EQ(negotiate_language("ZH-hans-cn"), Language::chinese);
  EXPECT_EQ(negotiate_language("en;q=0.1, ES;Q=0.9"), Language::spanish);
}

TEST(NegotiateLanguage, ToleratesOptionalWhitespace) {
  EXPECT_EQ(negotiate_language("  fr  "), Language::french);
  EXPECT_EQ(negotiate_language("en ; q=0.2 ,\tru\t;\tq=0.9"), Language::russian);
  EXPECT_EQ(negotiate_language("en;q=0.2,ru;q=0.9"), Language::russian);
  EXPECT_EQ(negotiate_language("\tes\t"), Language::spanish);
}

TEST(NegotiateLanguage, SkipsEmptyListElements) {
  // RFC 9110 §5.6.1: recipients accept and ignore empty list elements.
  EXPECT_EQ(negotiate_language(",,fr,,"), Language::french);
  EXPECT_EQ(negotiate_language(" , , es"), Language::spanish);
}

TEST(NegotiateLanguage, AnEntryWithAMalformedQualityIsIgnoredNotPromoted) {
  // A malformed weight must not count as q=1: the well-formed entries decide.
  EXPECT_EQ(negotiate_language("fr;q=abc, es;q=0.5"), Language::spanish);
  EXPECT_EQ(negotiate_language("fr;q=1.5, es;q=0.5"), Language::spanish);
  EXPECT_EQ(negotiate_language("fr;q=2, es;q=0.5"), Language::spanish);
  EXPECT_EQ(negotiate_language("fr;q=-1, es;q=0.5"), Language::spanish);
  EXPECT_EQ(negotiate_language("fr;q=0.1234, es;q=0.5"), Language::spanish);  // > 3 decimals
  EXPECT_EQ(negotiate_language("fr;q=.5, es;q=0.4"), Language::spanish);
  EXPECT_EQ(negotiate_language("fr;q=, es;q=0.4"), Language::spanish);
  EXPECT_EQ(negotiate_language("fr;q, es;q=0.4"), Language::spanish);
  EXPECT_EQ(negotiate_language("fr;, es;q=0.4"), Language::spanish);
  EXPECT_EQ(negotiate_language("fr;q=1.01, es;q=0.4"), Language::spanish);
  EXPECT_EQ(negotiate_language("fr;q=1.0.0, es;q=0.4"), Language::spanish);
  EXPECT_EQ(negotiate_language("fr;q=0.5x, es;q=0.4"), Language::spanish);
  EXPECT_EQ(negotiate_language("fr;q=0,5, es;q=0.4"), Language::spanish);
  EXPECT_EQ(negotiate_language("fr;q = 0.9, es;q=0.4"), Language::spanish);
}

TEST(NegotiateLanguage, AcceptsEveryWellFormedQValueShape) {
  // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
  EXPECT_EQ(negotiate_language("en;q=0.4, fr;q=1."), Language::french);
  EXPECT_EQ(negotiate_language("en;q=0.4, fr;q=1.0"), Language::french);
  EXPECT_EQ(negotiate_language("en;q=0.4, fr;q=1.00"), Language::french);
  EXPECT_EQ(negotiate_language("en;q=0.4, fr;q=1.000"), Language::french);
  EXPECT_EQ(negotiate_language("en;q=0.4, fr;q=0.5"), Language::french);
  EXPECT_EQ(negotiate_language("en;q=0.4, fr;q=0.41"), Language::french);
  EXPECT_EQ(negotiate_language("en;q=0.4, fr;q=0.401"), Language::french);
  EXPECT_EQ(negotiate_language("en;q=0.401, fr;q=0.4"), Language::english);
}

TEST(NegotiateLanguage, ComparesQValuesNumericallyNotAsText) {
  EXPECT_EQ(negotiate_language("fr;q=0.09, es;q=0.1"), Language::spanish);
  EXPECT_EQ(negotiate_language("fr;q=0.10, es;q=0.099"), Language::french);
}

TEST(NegotiateLanguage, WildcardAloneGivesEnglish) {
  EXPECT_EQ(negotiate_language("*"), Language::english);
  EXPECT_EQ(negotiate_language("de, *;q=0.5"), Language::english);
  EXPECT_EQ(negotiate_language("*, ru;q=0.5"), Language::russian);
}

TEST(NegotiateLanguage, GarbageGivesEnglish) {
  EXPECT_EQ(negotiate_language(";;;"), Language::english);
  EXPECT_EQ(negotiate_language(",,,"), Language::english);
  EXPECT_EQ(negotiate_language(";q=1"), Language::english);
  EXPECT_EQ(negotiate_language(std::string_view("\xff\xfe\0fr", 5)), Language::english);
  EXPECT_EQ(negotiate_language(std::string(10000, 'x')), Language::english);
  EXPECT_EQ(negotiate_language("q=1, ;q=0.5"), Language::english);
}

TEST(NegotiateLanguage, GarbageEntriesDoNotHideGoodOnes) {
  EXPECT_EQ(negotiate_language(";;;, ru"), Language::russian);
  EXPECT_EQ(negotiate_language("!!!, @@@;q=1, ar;q=0.3"), Language::arabic);
}

TEST(NegotiateLanguage, LongHeaderWithManyEntriesPicksTheBest) {
  std::string header;
  for (int i = 0; i < 500; ++i)
    header += "de;q=0.9, ";
  header += "zh;q=0.8, ar;q=0.7";
  EXPECT_EQ(negotiate_language(header), Language::chinese);
}

}  // namespace
}  // namespace liaison::domain
