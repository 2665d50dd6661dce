#include "base/text.h"

#include <gtest/gtest.h>

namespace liaison {
namespace {

TEST(Utf8, AcceptsWellFormedTextInEveryScript) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("France"));
  EXPECT_TRUE(is_valid_utf8("فرنسا Франция 法国 \xf0\x9f\x8c\x8d"));
}

TEST(Utf8, RejectsIllFormedSequences) {
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xc3\x28"));          // bad continuation
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate U+D800
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe6\xb3"));          // truncated
}

TEST(Utf8, ReplacesEachBadByteAndKeepsTheRest) {
  EXPECT_EQ(to_valid_utf8("a\xff"
                          "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(to_valid_utf8("\xc3\x28"), "\xef\xbf\xbd(");
  EXPECT_EQ(to_valid_utf8("法国"), "法国");
}

TEST(EscapeHtml, TurnsEveryMarkupCharacterIntoAReference) {
  EXPECT_EQ(escape_html(R"(<a href="x">Tom & Jerry's</a>)"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  EXPECT_EQ(escape_html("Москва — 東京"), "Москва — 東京");
  EXPECT_EQ(escape_html(""), "");
}

}  // namespace
}  // namespace liaison
