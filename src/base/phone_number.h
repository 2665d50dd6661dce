#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/error.h"

namespace liaison {

// Telephone numbers as the directory stores them: E.164, so that a reader in any state can dial
// them and two spellings of one number compare equal. The rules for each country come from
// libphonenumber's metadata.

//! The longest input to_e164 reads, in bytes. A number with all its spaces and dashes fits many
//! times over; longer text is not a telephone number.
inline constexpr std::size_t kMaxPhoneNumberInputBytes = 64;

//! The number `input` denotes, in E.164 ("+43153115"), as people type it: with spaces, dashes,
//! dots, slashes and parentheses ("+43 (0)1 53115-0", "(202) 555-0143"), full-width or
//! Arabic-Indic digits, and an international prefix written "+" or "00". Without either prefix
//! the number is read as dialled inside `default_region` (ISO 3166-1 alpha-2, "AT"; case
//! ignored), which is not needed otherwise.
//! invalid_argument Error, in words a person can act on, for empty or over-long input, invalid
//! UTF-8, letters or other symbols (so also vanity numbers such as "1-800-FLOWERS" and
//! extensions, which E.164 cannot carry), an unknown country code or region, and a number that
//! is not valid for its country ("'12' is not a valid phone number for AT").
Result<std::string> to_e164(std::string_view input, std::string_view default_region);

//! An E.164 number grouped for display as its country writes numbers internationally
//! ("+43 1 53115"); `e164` itself when it cannot be read as a number.
std::string format_international(std::string_view e164);

}  // namespace liaison
