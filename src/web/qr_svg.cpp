#include "web/qr_svg.h"

#include <cerrno>
#include <cstddef>
#include <iterator>
#include <memory>
#include <new>
#include <qrencode.h>
#include <string>

#include <fmt/format.h>

#include "base/text.h"

namespace liaison::web {
namespace {

constexpr int kQuietZone = 4;        // modules of light margin the QR standard requires
constexpr int kPixelsPerModule = 4;  // the default rendered size; CSS may scale it
// The most any QR code holds (7,089 digits at level L); longer text needs no encoding attempt.
constexpr std::size_t kMaxCharacters = 7089;
constexpr const char* kTooLong = "the text is too long for a QR code";

struct QrCodeFree {
  void operator()(QRcode* code) const noexcept { QRcode_free(code); }
};
using QrCodePtr = std::unique_ptr<QRcode, QrCodeFree>;

//! `text` as XML attribute content: valid UTF-8, markup characters escaped, and the control
//! characters XML 1.0 forbids (and tabs and line breaks, which a label has no use for) as spaces.
std::string xml_attribute(std::string_view text) {
  std::string escaped;
  for (auto c : to_valid_utf8(text)) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      default:
        escaped += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
    }
  }
  return escaped;
}

}  // namespace

Result<std::string> qr_svg(std::string_view text, std::string_view label) {
  if (text.empty()) return Error::invalid_argument("a QR code needs some text");
  if (text.size() > kMaxCharacters) return Error::invalid_argument(kTooLong);
  // Without a NUL inside, QRcode_encodeString picks numeric and alphanumeric segments where they
  // make the code smaller; QRcode_encodeData takes any bytes, all in 8-bit mode.
  errno = 0;
  QrCodePtr code;
  if (text.find('\0') == std::string_view::npos) {
    std::string terminated(text);
    code.reset(QRcode_encodeString(terminated.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  } else {
    code.reset(QRcode_encodeData(static_cast<int>(text.size()),
                                 reinterpret_cast<const unsigned char*>(text.data()), 0,
                                 QR_ECLEVEL_M));
  }
  if (!code) {
    if (errno == ENOMEM) throw std::bad_alloc();
    if (errno == ERANGE) return Error::invalid_argument(kTooLong);
    return Error::invalid_argument("the text cannot be encoded as a QR code");
  }

  const int width = code->width;
  const int size = width + 2 * kQuietZone;
  std::string path;
  for (int y = 0; y < width; ++y) {
    const unsigned char* row = code->data + static_cast<std::ptrdiff_t>(y) * width;
    for (int x = 0; x < width;) {
      if ((row[x] & 1u) == 0) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < width && (row[x + run] & 1u) != 0)
        ++run;
      fmt::format_to(std::back_inserter(path), "M{} {}h{}v1h-{}z", x + kQuietZone, y + kQuietZone,
                     run, run);
      x += run;
    }
  }
  return fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" width="{}" height="{}" )"
      R"(viewBox="0 0 {} {}" shape-rendering="crispEdges">)"
      R"(<rect width="{}" height="{}" fill="#fff"/><path fill="#000" d="{}"/></svg>)",
      xml_attribute(label), size * kPixelsPerModule, size * kPixelsPerModule, size, size, size,
      size, path);
}

}  // namespace liaison::web
