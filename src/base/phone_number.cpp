#include "base/phone_number.h"

#include <optional>
#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <string>
#include <utility>

#include "base/text.h"

namespace liaison {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

//! The library's singleton, silenced: by default it writes parse failures to standard output,
//! which would put what users typed into the server's output next to the access log.
const PhoneNumberUtil& phone_util() {
  static PhoneNumberUtil* const util = [] {
    auto* instance = PhoneNumberUtil::GetInstance();
    instance->SetLogger(new i18n::phonenumbers::NullLogger());  // the library takes ownership
    return instance;
  }();
  return *util;
}

//! The code point at the start of well-formed UTF-8 `text`, and the bytes it takes.
std::pair<char32_t, std::size_t> decode_utf8(std::string_view text) {
  auto byte = [&](std::size_t i) {
    return static_cast<char32_t>(static_cast<unsigned char>(text[i]));
  };
  auto lead = byte(0);
  if (lead < 0x80) return {lead, 1};
  if (lead < 0xE0) return {((lead & 0x1F) << 6) | (byte(1) & 0x3F), 2};
  if (lead < 0xF0) return {((lead & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F), 3};
  return {
      ((lead & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) | (byte(3) & 0x3F),
      4};
}

//! The value of a decimal digit in the scripts people type numbers in (ASCII, full-width as CJK
//! input methods produce them, Arabic-Indic and its Persian/Urdu form), or -1.
int digit_value(char32_t c) {
  for (char32_t zero : {U'0', U'\uFF10', U'\u0660', U'\u06F0'}) {
    if (c >= zero && c <= zero + 9) return static_cast<int>(c - zero);
  }
  return -1;
}

//! Punctuation that groups digits and carries no meaning for the number.
bool is_separator(char32_t c) {
  switch (c) {
    case U' ':
    case U'\t':
    case U'\u00A0':  // no-break space
    case U'\u2007':  // figure space
    case U'\u2009':  // thin space
    case U'\u202F':  // narrow no-break space
    case U'\u3000':  // ideographic space
    case U'-':
    case U'\u2010':  // hyphen
    case U'\u2011':  // non-breaking hyphen
    case U'\u2012':  // figure dash
    case U'\u2013':  // en dash
    case U'\u2212':  // minus sign
    case U'\uFF0D':  // full-width hyphen-minus
    case U'.':
    case U'/':
    case U'(':
    case U')':
    case U'\uFF08':  // full-width parentheses
    case U'\uFF09':
      return true;
    default:
      return false;
  }
}

bool is_ascii_letter(char32_t c) {
  return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z');
}

std::string quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

//! What is left of a typed number once its punctuation is gone.
struct Digits {
  bool international = false;  //!< written with "+" or "00": carries its own country code
  std::string digits;          //!< ASCII, after the "+" or "00"
};

//! Reduces `text` (well-formed UTF-8) to its digits, or says which character does not belong.
Result<Digits> reduce(std::string_view text) {
  Digits result;
  bool plus = false;
  for (std::size_t i = 0; i < text.size();) {
    auto [c, length] = decode_utf8(text.substr(i));
    auto character = text.substr(i, length);
    i += length;
    if (auto value = digit_value(c); value >= 0) {
      result.digits += static_cast<char>('0' + value);
    } else if (c == U'+' || c == U'\uFF0B') {
      if (plus || !result.digits.empty())
        return Error::invalid_argument(quoted(text) + " has a '+' that does not start it");
      plus = true;
    } else if (is_ascii_letter(c)) {
      return Error::invalid_argument(
          quoted(text) + " contains letters; write the number in digits, without an extension");
    } else if (is_separator(c)) {
      continue;
    } else if (c < U' ' || c == U'\x7F') {
      return Error::invalid_argument("the phone number contains a control character");
    } else {
      return Error::invalid_argument(quoted(text) + " contains " + quoted(character) +
                                     ", which is not part of a phone number");
    }
  }
  if (result.digits.empty())
    return Error::invalid_argument(quoted(text) + " is not a phone number");
  // "00" is the international prefix almost everywhere, and the one people write in documents;
  // libphonenumber would take it as such only for regions that dial it.
  if (!plus && result.digits.starts_with("00")) {
    plus = true;
    result.digits.erase(0, 2);
  }
  result.international = plus;
  return result;
}

//! `region` in upper case if libphonenumber has rules for it.
std::optional<std::string> known_region(std::string_view region) {
  if (region.size() != 2) return std::nullopt;
  auto upper = ascii_upper(region);
  if (phone_util().GetCountryCodeForRegion(upper) == 0) return std::nullopt;
  return upper;
}

}  // namespace

Result<std::string> to_e164(std::string_view input, std::string_view default_region) {
  if (input.size() > kMaxPhoneNumberInputBytes)
    return Error::invalid_argument("the phone number is too long");
  if (!is_valid_utf8(input))
    return Error::invalid_argument("the phone number is not valid UTF-8 text");
  auto text = trim_blanks(input);
  if (text.empty()) return Error::invalid_argument("the phone number is empty");
  auto reduced = reduce(text);
  if (!reduced) return reduced.error();

  std::string region;
  if (!reduced->international) {
    auto known = known_region(default_region);
    if (!known) {
      if (default_region.empty())
        return Error::invalid_argument(
            quoted(text) + " has no country code; write it with + and the country code");
      return Error::invalid_argument(quoted(default_region) + " is not a known region code");
    }
    region = *known;
  }

  const auto& util = phone_util();
  PhoneNumber number;
  auto to_parse = reduced->international ? "+" + reduced->digits : reduced->digits;
  auto parsed = util.Parse(to_parse, region.empty() ? "ZZ" : region, &number);
  if (parsed == PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR)
    return Error::invalid_argument(quoted(text) + " does not start with a known country code");
  if (region.empty() && parsed == PhoneNumberUtil::NO_PARSING_ERROR)
    util.GetRegionCodeForCountryCode(number.country_code(), &region);
  if (parsed != PhoneNumberUtil::NO_PARSING_ERROR || number.has_extension() ||
      !util.IsValidNumber(number)) {
    // "001" stands for the non-geographic codes (+800, +882, ...): no region to name.
    auto where = region.size() == 2 ? " for " + region : std::string();
    return Error::invalid_argument(quoted(text) + " is not a valid phone number" + where);
  }
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  return e164;
}

std::string format_international(std::string_view e164) {
  // Only E.164 itself: Parse would also read letters, extensions and other spellings.
  if (e164.size() < 2 || e164.size() > 16 || e164[0] != '+' ||
      e164.find_first_not_of("0123456789", 1) != std::string_view::npos)
    return std::string(e164);
  const auto& util = phone_util();
  PhoneNumber number;
  if (util.Parse(std::string(e164), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR)
    return std::string(e164);
  std::string formatted;
  util.Format(number, PhoneNumberUtil::INTERNATIONAL, &formatted);
  return formatted;
}

}  // namespace liaison
