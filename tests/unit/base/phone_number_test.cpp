#include "base/phone_number.h"

#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace liaison {
namespace {

std::string e164(std::string_view input, std::string_view region) {
  auto number = to_e164(input, region);
  EXPECT_TRUE(number) << input << " [" << region << "]: " << number.error().message;
  return number ? *number : std::string();
}

std::string refusal(std::string_view input, std::string_view region) {
  auto number = to_e164(input, region);
  EXPECT_FALSE(number) << input << " [" << region << "] gave " << number.value();
  if (number) return {};
  EXPECT_EQ(number.error().code, ErrorCode::invalid_argument);
  return number.error().message;
}

// --- to_e164 ---------------------------------------------------------------------------------

TEST(ToE164, ReadsNumbersAsPeopleWriteThemInternationally) {
  EXPECT_EQ(e164("+43 1 53115-0", "AT"), "+431531150");
  EXPECT_EQ(e164("+43 1 53115-0", ""), "+431531150");
  // The national prefix people add in parentheses is dropped.
  EXPECT_EQ(e164("+43 (0)1 53115-0", "AT"), "+431531150");
  EXPECT_EQ(e164("+49 30 18 272-0", "FR"), "+4930182720");
  EXPECT_EQ(e164("+1.202.555.0143", "AT"), "+12025550143");
  EXPECT_EQ(e164("+44/20/7946/0958", ""), "+442079460958");
}

TEST(ToE164, ReadsDoubleZeroAsTheInternationalPrefixEverywhere) {
  EXPECT_EQ(e164("00 33 1 23 45 67 89", "AT"), "+33123456789");
  // The United States dial 011, but a number written "00 33 …" means France there too.
  EXPECT_EQ(e164("00 33 1 23 45 67 89", "US"), "+33123456789");
  EXPECT_EQ(e164("0033123456789", ""), "+33123456789");
  // A region's own international prefix works as well.
  EXPECT_EQ(e164("011 44 20 7946 0958", "US"), "+442079460958");
}

TEST(ToE164, ReadsNationalNumbersInTheDefaultRegion) {
  EXPECT_EQ(e164("01 53 11 50", "AT"), "+431531150");
  EXPECT_EQ(e164("(202) 555-0143", "US"), "+12025550143");
  EXPECT_EQ(e164("01 23 45 67 89", "FR"), "+33123456789");
  EXPECT_EQ(e164("020 7946 0958", "GB"), "+442079460958");
  EXPECT_EQ(e164("030 18 272-0", "DE"), "+4930182720");
  // States whose official languages are not written in Latin script, with their trunk prefixes.
  EXPECT_EQ(e164("8 (495) 123-45-67", "RU"), "+74951234567");
  EXPECT_EQ(e164("010 1234 5678", "CN"), "+861012345678");
  EXPECT_EQ(e164("011 465 1234", "SA"), "+966114651234");
  EXPECT_EQ(e164("050 123 4567", "SA"), "+966501234567");
}

TEST(ToE164, IgnoresTheCaseOfTheRegion) {
  EXPECT_EQ(e164("01 53 11 50", "at"), "+431531150");
}

TEST(ToE164, ReadsDigitsOfOtherScripts) {
  // Arabic-Indic digits, as typed on an Arabic keyboard.
  EXPECT_EQ(e164("\u0660\u0661\u0661 \u0664\u0666\u0665 \u0661\u0662\u0663\u0664", "SA"),
            "+966114651234");
  // Extended Arabic-Indic (Persian) digits.
  EXPECT_EQ(e164("\u06F0\u06F2\u06F1 \u06F8\u06F8\u06F7\u06F6 \u06F5\u06F4\u06F3\u06F2", "IR"),
            "+982188765432");
  // Full-width digits and plus, as CJK input methods produce them.
  EXPECT_EQ(e164("\uFF0B\uFF18\uFF16 10 1234 5678", ""), "+861012345678");
  // Non-breaking spaces and typographic dashes from word processors.
  EXPECT_EQ(e164("+43\u00A01\u202F53115\u20130", ""), "+431531150");
}

TEST(ToE164, TrimsSpacesAndTabs) {
  EXPECT_EQ(e164("  +43 1 53115-0\t", ""), "+431531150");
}

TEST(ToE164, AcceptsNonGeographicNumbers) {
  EXPECT_EQ(e164("+800 1234 5678", ""), "+80012345678");
}

TEST(ToE164, IsIdempotent) {
  for (auto [input, region] : std::initializer_list<std::pair<std::string_view, std::string_view>>{
           {"+43 1 53115-0", "AT"},
           {"(202) 555-0143", "US"},
           {"00 33 1 23 45 67 89", "AT"},
           {"8 (495) 123-45-67", "RU"},
           {"010 1234 5678", "CN"},
           {"011 465 1234", "SA"}}) {
    auto once = e164(input, region);
    EXPECT_EQ(e164(once, region), once) << input;
    // Once in E.164, the region no longer matters.
    EXPECT_EQ(e164(once, "JP"), once) << input;
    EXPECT_EQ(e164(once, ""), once) << input;
  }
}

TEST(ToE164, RefusesNumbersThatAreNotValidForTheirRegion) {
  EXPECT_EQ(refusal("12", "AT"), "'12' is not a valid phone number for AT");
  EXPECT_EQ(refusal("+43 12", ""), "'+43 12' is not a valid phone number for AT");
  EXPECT_EQ(refusal("(202) 555-014", "US"), "'(202) 555-014' is not a valid phone number for US");
  EXPECT_EQ(refusal("01 53 11 50", "FR"), "'01 53 11 50' is not a valid phone number for FR");
  EXPECT_EQ(refusal("+7 495 123-45-67-89-01", "RU"),
            "'+7 495 123-45-67-89-01' is not a valid phone number for RU");
  EXPECT_EQ(refusal("0", "AT"), "'0' is not a valid phone number for AT");
  EXPECT_EQ(refusal("00", "AT"), "'00' is not a valid phone number");
}

TEST(ToE164, RefusesUnknownCountryCodes) {
  EXPECT_EQ(refusal("+999 1234 5678", "AT"),
            "'+999 1234 5678' does not start with a known country code");
  EXPECT_EQ(refusal("00 999 1234 5678", ""),
            "'00 999 1234 5678' does not start with a known country code");
}

TEST(ToE164, NeedsACountryCodeOrAKnownRegion) {
  EXPECT_EQ(refusal("01 53 11 50", ""),
            "'01 53 11 50' has no country code; write it with + and the country code");
  EXPECT_EQ(refusal("01 53 11 50", "XX"), "'XX' is not a known region code");
  EXPECT_EQ(refusal("01 53 11 50", "AUT"), "'AUT' is not a known region code");
}

TEST(ToE164, RefusesLettersAndExtensions) {
  // E.164 has no extensions, and the directory stores only E.164.
  auto letters = [](std::string_view input) {
    return "'" + std::string(input) +
           "' contains letters; write the number in digits, without an extension";
  };
  for (std::string_view input : {"+43 1 53115 ext. 12", "+43 1 53115 x12", "+1 800 FLOWERS",
                                 "1-800-FLOWERS", "phone", "+43 1 53115 O"}) {
    EXPECT_EQ(refusal(input, "US"), letters(input));
  }
  EXPECT_EQ(refusal("+43 1 53115 #12", "AT"),
            "'+43 1 53115 #12' contains '#', which is not part of a phone number");
  EXPECT_EQ(refusal("tel:+43-1-53115", "AT"), letters("tel:+43-1-53115"));
  EXPECT_EQ(refusal("+43 1 53115;ext=12", "AT"),
            "'+43 1 53115;ext=12' contains ';', which is not part of a phone number");
  EXPECT_EQ(refusal("+7 495 123 45 67 \u0434\u043E\u0431", "RU"),
            "'+7 495 123 45 67 \u0434\u043E\u0431' contains '\u0434', which is not part of a phone "
            "number");
  // Control characters are not quoted: they would garble the message wherever it is shown.
  for (auto input : {std::string_view("+43 1 53115\n0"), std::string_view("+43 1\r53115"),
                     std::string_view("+43 1 53115\x7F"), std::string_view("+43 1 \x1B[2J53115"),
                     std::string_view("+43 1 53115\0", 12)})
    EXPECT_EQ(refusal(input, "AT"), "the phone number contains a control character");
}

TEST(ToE164, RefusesAPlusInsideTheNumber) {
  EXPECT_EQ(refusal("43+1 53115", "AT"), "'43+1 53115' has a '+' that does not start it");
  EXPECT_EQ(refusal("++43 1 53115", "AT"), "'++43 1 53115' has a '+' that does not start it");
}

TEST(ToE164, RefusesEmptyInput) {
  EXPECT_EQ(refusal("", "AT"), "the phone number is empty");
  EXPECT_EQ(refusal(" \t ", "AT"), "the phone number is empty");
  EXPECT_EQ(refusal("+", "AT"), "'+' is not a phone number");
  EXPECT_EQ(refusal("( ) -", "AT"), "'( ) -' is not a phone number");
}

TEST(ToE164, RefusesOverLongInputWithoutQuotingIt) {
  std::string spaced = "+43 1 53115 0";
  spaced.append(kMaxPhoneNumberInputBytes - spaced.size(), ' ');
  EXPECT_EQ(e164(spaced, "AT"), "+431531150");
  spaced += ' ';
  EXPECT_EQ(refusal(spaced, "AT"), "the phone number is too long");
}

TEST(ToE164, RefusesInvalidUtf8WithoutQuotingIt) {
  for (std::string_view input :
       {"+43 1 53115\xff", "+43 1 \xc0\xaf 53115", "\xed\xa0\x80 1", "+43 1 53115\xe2\x80"}) {
    EXPECT_EQ(refusal(input, "AT"), "the phone number is not valid UTF-8 text");
  }
}

// --- format_international --------------------------------------------------------------------

TEST(FormatInternational, GroupsDigitsAsTheCountryDoes) {
  EXPECT_EQ(format_international("+431531150"), "+43 1 531150");
  EXPECT_EQ(format_international("+12025550143"), "+1 202-555-0143");
  EXPECT_EQ(format_international("+33123456789"), "+33 1 23 45 67 89");
  EXPECT_EQ(format_international("+74951234567"), "+7 495 123-45-67");
  EXPECT_EQ(format_international("+861012345678"), "+86 10 1234 5678");
  EXPECT_EQ(format_international("+966114651234"), "+966 11 465 1234");
}

TEST(FormatInternational, ReadsBackAsTheSameNumber) {
  for (std::string_view number : {"+431531150", "+12025550143", "+966114651234"})
    EXPECT_EQ(e164(format_international(number), ""), number);
}

TEST(FormatInternational, LeavesWhatIsNotE164Alone) {
  for (std::string_view text : {"", "+", "431531150", "+43 1 531150", "+1 800 FLOWERS", "+999123",
                                "+4315311501234567", "phone", "\xff"}) {
    EXPECT_EQ(format_international(text), text);
  }
}

}  // namespace
}  // namespace liaison
