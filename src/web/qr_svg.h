#pragma once

#include <string>
#include <string_view>

#include "base/error.h"

namespace liaison::web {

//! The QR code of `text` (error correction level M) as a standalone <svg> element, to be placed
//! inline in an HTML page. It has no style attribute and no <style> (the pages'
//! Content-Security-Policy forbids inline styles): presentation is in attributes only, a white
//! background under black modules, a 4-module quiet zone, 4 px per module. It carries role="img"
//! and aria-label="`label`" (made valid UTF-8, XML-escaped) so that screen readers announce it.
//! invalid_argument Error when `text` is empty or too long for a QR code (2,331 bytes at most).
Result<std::string> qr_svg(std::string_view text, std::string_view label);

}  // namespace liaison::web
