#include "domain/state.h"

#include <string>
#include <string_view>
#include <variant>

#include <gtest/gtest.h>

namespace liaison::domain {
namespace {

std::string alpha2_of(const Result<StateCode>& result) {
  if (!result) return "<error: " + result.error().message + ">";
  const auto* alpha2 = std::get_if<Alpha2>(&*result);
  return alpha2 ? alpha2->code : "<not alpha-2>";
}

std::string alpha3_of(const Result<StateCode>& result) {
  if (!result) return "<error: " + result.error().message + ">";
  const auto* alpha3 = std::get_if<Alpha3>(&*result);
  return alpha3 ? alpha3->code : "<not alpha-3>";
}

// --- parse_state_code ------------------------------------------------------------------------

TEST(ParseStateCode, ReadsAnAlpha2Code) {
  EXPECT_EQ(alpha2_of(parse_state_code("FR")), "FR");
  EXPECT_EQ(alpha2_of(parse_state_code("EU")), "EU");
}

TEST(ParseStateCode, ReadsAnAlpha3Code) {
  EXPECT_EQ(alpha3_of(parse_state_code("FRA")), "FRA");
  EXPECT_EQ(alpha3_of(parse_state_code("USA")), "USA");
}

TEST(ParseStateCode, UpperCasesLowerAndMixedCase) {
  EXPECT_EQ(alpha2_of(parse_state_code("fr")), "FR");
  EXPECT_EQ(alpha2_of(parse_state_code("fR")), "FR");
  EXPECT_EQ(alpha3_of(parse_state_code("fra")), "FRA");
  EXPECT_EQ(alpha3_of(parse_state_code("gBr")), "GBR");
  EXPECT_EQ(alpha2_of(parse_state_code("az")), "AZ");
  EXPECT_EQ(alpha3_of(parse_state_code("zaf")), "ZAF");
}

TEST(ParseStateCode, TheKindOfCodeFollowsItsLength) {
  auto two = parse_state_code("de");
  ASSERT_TRUE(two);
  EXPECT_TRUE(std::holds_alternative<Alpha2>(*two));
  auto three = parse_state_code("deu");
  ASSERT_TRUE(three);
  EXPECT_TRUE(std::holds_alternative<Alpha3>(*three));
}

class ParseStateCodeRejects : public ::testing::TestWithParam<std::string_view> {};

TEST_P(ParseStateCodeRejects, WithInvalidArgument) {
  auto result = parse_state_code(GetParam());
  ASSERT_FALSE(result) << "accepted \"" << GetParam() << "\"";
  EXPECT_EQ(result.error().code, ErrorCode::invalid_argument);
  EXPECT_FALSE(result.error().message.empty());
}

INSTANTIATE_TEST_SUITE_P(WrongLength, ParseStateCodeRejects,
                         ::testing::Values(std::string_view(""), std::string_view("F"),
                                           std::string_view("FRAN"), std::string_view("FRANCE"),
                                           std::string_view(" FR"), std::string_view("FR ")));

INSTANTIATE_TEST_SUITE_P(NotLetters, ParseStateCodeRejects,
                         ::testing::Values(std::string_view("F1"), std::string_view("12"),
                                           std::string_view("250"), std::string_view("F-"),
                                           std::string_view("F R"), std::string_view("FR."),
                                           std::string_view("@@"), std::string_view("[]"),
                                           std::string_view("`a"), std::string_view("{}"),
                                           std::string_view("F\t"), std::string_view("F\0", 2),
                                           std::string_view("\0\0", 2)));

INSTANTIATE_TEST_SUITE_P(
    NonAscii, ParseStateCodeRejects,
    // "É" (2 bytes), "ÉF" (3 bytes), "ÅÖ" (4 bytes), a lone continuation byte, Latin-1 "é".
    ::testing::Values(std::string_view("\xc3\x89"),
                      std::string_view("\xc3\x89"
                                       "F"),
                      std::string_view("\xc3\x85\xc3\x96"), std::string_view("F\x80"),
                      std::string_view("\xe9"
                                       "F")));

TEST(ParseStateCode, TheErrorExplainsWhatIsExpected) {
  auto length = parse_state_code("FRAN");
  ASSERT_FALSE(length);
  EXPECT_NE(length.error().message.find("alpha-2"), std::string::npos) << length.error().message;
  auto letters = parse_state_code("F1");
  ASSERT_FALSE(letters);
  EXPECT_NE(letters.error().message.find("F1"), std::string::npos) << letters.error().message;
}

// --- State::name -----------------------------------------------------------------------------

State france() {
  State state;
  state.alpha2 = "FR";
  state.alpha3 = "FRA";
  state.numeric = "250";
  state.names = {{Language::english, "France"},
                 {Language::french, "France"},
                 {Language::russian, "Франция"},
                 {Language::chinese, "法国"}};
  return state;
}

TEST(StateName, ReturnsTheNameInTheRequestedLanguage) {
  auto state = france();
  EXPECT_EQ(state.name(Language::russian), "Франция");
  EXPECT_EQ(state.name(Language::chinese), "法国");
  EXPECT_EQ(state.name(Language::english), "France");
}

TEST(StateName, FallsBackToEnglishWhenATranslationIsMissing) {
  auto state = france();
  EXPECT_EQ(state.name(Language::arabic), "France");
  EXPECT_EQ(state.name(Language::spanish), "France");
}

TEST(StateName, FallsBackToEnglishWhenATranslationIsEmpty) {
  auto state = france();
  state.names[Language::spanish] = "";
  EXPECT_EQ(state.name(Language::spanish), "France");
}

TEST(StateName, IsEmptyWithoutAnyName) {
  State state;
  for (auto language : kLanguages)
    EXPECT_EQ(state.name(language), "");
}

TEST(StateName, IsEmptyWhenNeitherTheLanguageNorEnglishExists) {
  State state;
  state.names = {{Language::french, "Union européenne"}};
  EXPECT_EQ(state.name(Language::french), "Union européenne");
  EXPECT_EQ(state.name(Language::arabic), "");
}

TEST(ParticipantKindName, NamesBothKinds) {
  EXPECT_EQ(participant_kind_name(ParticipantKind::state), "state");
  EXPECT_EQ(participant_kind_name(ParticipantKind::organisation), "organisation");
}

}  // namespace
}  // namespace liaison::domain
