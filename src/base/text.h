#pragma once

#include <string>
#include <string_view>

namespace liaison {

//! True when `text` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool is_valid_utf8(std::string_view text);

//! `text` with every ill-formed UTF-8 sequence replaced by U+FFFD, so that it can go into JSON
//! and logs whatever a client sent.
std::string to_valid_utf8(std::string_view text);

//! `text` for HTML text or a quoted attribute: & < > " ' as character references.
std::string escape_html(std::string_view text);

//! `text` without the spaces and tabs (HTTP's optional whitespace) at either end.
std::string_view trim_blanks(std::string_view text);

//! `text` with A-Z / a-z changed, and every other byte left alone (codes, tags, header tokens).
std::string ascii_upper(std::string_view text);
std::string ascii_lower(std::string_view text);

}  // namespace liaison
