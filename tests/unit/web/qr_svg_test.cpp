#include "web/qr_svg.h"

#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace liaison::web {
namespace {

constexpr std::string_view kUri =
    "otpauth://totp/OSCE%3A%20Liaison:poc%2Bcyber%40example.org"
    "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=OSCE%3A%20Liaison"
    "&algorithm=SHA1&digits=6&period=30";

std::string attribute(const std::string& svg, const std::string& name) {
  auto start = svg.find(' ' + name + "=\"");
  if (start == std::string::npos) return {};
  start += name.size() + 3;
  return svg.substr(start, svg.find('"', start) - start);
}

int side_of(const std::string& svg) {
  std::smatch match;
  std::regex view_box(R"(^0 0 (\d+) (\d+)$)");
  auto box = attribute(svg, "viewBox");
  if (!std::regex_match(box, match, view_box) || match[1] != match[2]) return -1;
  return std::stoi(match[1]);
}

//! The dark modules the path draws, as (x, y), checking that it has the documented form.
std::set<std::pair<int, int>> dark_modules(const std::string& svg) {
  auto d = attribute(svg, "d");
  std::regex run(R"(M(\d+) (\d+)h(\d+)v1h-(\d+)z)");
  std::set<std::pair<int, int>> modules;
  std::size_t covered = 0;
  for (std::sregex_iterator it(d.begin(), d.end(), run), end; it != end; ++it) {
    EXPECT_EQ(it->position(), static_cast<std::ptrdiff_t>(covered));
    covered += static_cast<std::size_t>(it->length());
    EXPECT_EQ((*it)[3], (*it)[4]);
    int x = std::stoi((*it)[1]), y = std::stoi((*it)[2]), n = std::stoi((*it)[3]);
    EXPECT_GT(n, 0);
    for (int i = 0; i < n; ++i)
      modules.emplace(x + i, y);
  }
  EXPECT_EQ(covered, d.size());
  return modules;
}

TEST(QrSvg, IsOneSvgElementWithPresentationInAttributes) {
  auto svg = qr_svg(kUri, "TOTP secret").value();
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" ", 0), 0u) << svg;
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
  EXPECT_EQ(svg.find("<svg", 1), std::string::npos);
  EXPECT_EQ(svg.find("style"), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(attribute(svg, "shape-rendering"), "crispEdges");
  EXPECT_EQ(attribute(svg, "role"), "img");
  EXPECT_EQ(attribute(svg, "aria-label"), "TOTP secret");
  // Every element is closed: <svg>...</svg> holding self-closing <rect/> and <path/>, nothing
  // between the tags. (Walked by hand: std::regex recurses per character and overflows the
  // stack on the path's few kilobytes under AddressSanitizer.)
  std::vector<std::string> tags;
  std::size_t at = 0;
  while (at < svg.size()) {
    ASSERT_EQ(svg[at], '<') << "text between tags at " << at;
    auto close = svg.find('>', at);
    ASSERT_NE(close, std::string::npos);
    auto tag = svg.substr(at + 1, close - at - 1);
    ASSERT_EQ(tag.find('<'), std::string::npos);
    tags.push_back(tag.substr(0, tag.find(' ')) + (tag.ends_with("/") ? "/" : ""));
    at = close + 1;
  }
  EXPECT_EQ(tags, (std::vector<std::string>{"svg", "rect/", "path/", "/svg"}));
  EXPECT_NE(svg.find(R"(fill="#fff")"), std::string::npos);
  EXPECT_NE(svg.find(R"(fill="#000")"), std::string::npos);
}

TEST(QrSvg, HasAQuietZoneAndFourPixelsPerModule) {
  auto svg = qr_svg(kUri, "code").value();
  auto side = side_of(svg);
  ASSERT_GT(side, 21 + 8);
  EXPECT_EQ((side - 8 - 17) % 4, 0) << "a QR code is 17 + 4 * version modules wide";
  EXPECT_EQ(attribute(svg, "width"), std::to_string(side * 4));
  EXPECT_EQ(attribute(svg, "height"), std::to_string(side * 4));
  auto modules = dark_modules(svg);
  ASSERT_FALSE(modules.empty());
  for (auto [x, y] : modules) {
    EXPECT_GE(x, 4);
    EXPECT_GE(y, 4);
    EXPECT_LT(x, side - 4);
    EXPECT_LT(y, side - 4);
  }
}

TEST(QrSvg, DrawsTheThreeFinderPatterns) {
  auto svg = qr_svg("hello", "code").value();
  auto side = side_of(svg);
  EXPECT_EQ(side, 21 + 8);  // version 1
  auto modules = dark_modules(svg);
  auto width = side - 8;
  for (auto [left, top] : {std::pair{0, 0}, std::pair{width - 7, 0}, std::pair{0, width - 7}}) {
    for (int y = 0; y < 7; ++y) {
      for (int x = 0; x < 7; ++x) {
        // Dark ring, light ring, dark 3x3 centre.
        bool ring = x == 0 || y == 0 || x == 6 || y == 6;
        bool centre = x >= 2 && x <= 4 && y >= 2 && y <= 4;
        EXPECT_EQ(modules.count({left + x + 4, top + y + 4}) == 1, ring || centre)
            << left << ',' << top << ": " << x << ',' << y;
      }
    }
  }
}

TEST(QrSvg, EscapesTheLabel) {
  auto svg = qr_svg("x", "Scan <this> & \"that\" 'one'\n").value();
  EXPECT_EQ(attribute(svg, "aria-label"),
            "Scan &lt;this&gt; &amp; &quot;that&quot; &#39;one&#39; ");
  // Ill-formed UTF-8 becomes U+FFFD; well-formed text stays.
  svg = qr_svg("x", "Code QR \xc3\xa9 \xff").value();
  EXPECT_EQ(attribute(svg, "aria-label"), "Code QR \xc3\xa9 \xef\xbf\xbd");
}

TEST(QrSvg, GrowsWithTheText) {
  auto small = side_of(qr_svg("a", "code").value());
  auto medium = side_of(qr_svg(kUri, "code").value());
  auto large = side_of(qr_svg(std::string(1000, 'x'), "code").value());
  EXPECT_EQ(small, 21 + 8);
  EXPECT_LT(small, medium);
  EXPECT_LT(medium, large);
  EXPECT_EQ(side_of(qr_svg(std::string(2331, 'x'), "code").value()), 177 + 8);  // version 40
}

TEST(QrSvg, EncodesAnyBytes) {
  auto svg = qr_svg(std::string_view("a\0b\xff", 4), "code");
  ASSERT_TRUE(svg);
  EXPECT_EQ(side_of(*svg), 21 + 8);
}

TEST(QrSvg, RejectsTextTooLongOrEmpty) {
  for (std::size_t size : {2332u, 7089u, 7090u, 100000u}) {
    auto svg = qr_svg(std::string(size, 'x'), "code");
    ASSERT_FALSE(svg) << size;
    EXPECT_EQ(svg.error().code, ErrorCode::invalid_argument);
  }
  auto svg = qr_svg(std::string(3000, '\0'), "code");
  ASSERT_FALSE(svg);
  EXPECT_EQ(svg.error().code, ErrorCode::invalid_argument);
  svg = qr_svg("", "code");
  ASSERT_FALSE(svg);
  EXPECT_EQ(svg.error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace liaison::web
