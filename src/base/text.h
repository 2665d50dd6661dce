#pragma once

#include <string>
#include <string_view>

namespace liaison {

//! True when `text` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool is_valid_utf8(std::string_view text);

//! `text` with every ill-formed UTF-8 sequence replaced by U+FFFD, so that it can go into JSON
//! and logs whatever a client sent.
std::string to_valid_utf8(std::string_view text);

}  // namespace liaison
