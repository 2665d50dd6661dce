#include "domain/formats/vcard.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "base/text.h"

namespace liaison::domain {
namespace {

std::vector<std::string> physical_lines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    auto end = text.find("\r\n");
    EXPECT_NE(end, std::string_view::npos) << "a line without CRLF: " << text;
    if (end == std::string_view::npos) break;
    lines.emplace_back(text.substr(0, end));
    text.remove_prefix(end + 2);
  }
  return lines;
}

// RFC 6350 §3.2: a CRLF followed by one space or tab is removed.
std::string unfold(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i, 3) == "\r\n " || text.substr(i, 3) == "\r\n\t") {
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

void expect_folded_well(std::string_view folded, std::string_view line) {
  auto lines = physical_lines(folded);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_LE(lines[i].size(), 75U) << "line " << i << ": " << lines[i];
    if (i > 0) {
      ASSERT_FALSE(lines[i].empty());
      EXPECT_EQ(lines[i][0], ' ');
    }
    // Each physical line is valid UTF-8 on its own: no sequence was split.
    EXPECT_TRUE(is_valid_utf8(lines[i])) << "line " << i;
  }
  EXPECT_EQ(unfold(folded), std::string(line) + "\r\n");
}

DirectoryEntry poc() {
  DirectoryEntry entry;
  entry.id = "0190a0b0-0000-7000-8000-000000000001";
  entry.state = "AT";
  entry.kind = EntryKind::poc;
  entry.level = Level::policy;
  entry.version.recorded_at = "2025-03-01T09:30:05.123456Z";
  auto& contact = entry.version.contact;
  contact.name = "Anna Müller";
  contact.institution = "Federal Ministry for European and International Affairs";
  contact.position = "Head of Cyber Diplomacy, Section IV.3";
  contact.functional_email = "cyber@bmeia.gv.at";
  contact.personal_email = "anna.mueller@bmeia.gv.at";
  contact.phones = {{"+4315011500", "office", false}, {"+436641234567", "duty; mobile", true}};
  contact.languages = {"de", "en"};
  contact.time_zone = "Europe/Vienna";
  contact.hours = "Mon–Fri 09:00–17:00";
  contact.openpgp = OpenPgpKey{"Man", "0123456789ABCDEF0123456789ABCDEF01234567"};
  contact.channels = {{"Signal", "+436641234567"}};
  contact.deputy_id = "0190a0b0-0000-7000-8000-000000000002";
  return entry;
}

DirectoryEntry structure() {
  DirectoryEntry entry;
  entry.id = "0190a0b0-0000-7000-8000-000000000003";
  entry.state = "AT";
  entry.kind = EntryKind::structure;
  entry.level = Level::structure;
  entry.version.recorded_at = "2025-03-01T09:30:05Z";
  auto& contact = entry.version.contact;
  contact.name = "CERT.at";
  contact.short_name = "CERT.at";
  contact.structure_type = StructureType::csirt;
  contact.constituency = "Austria, all sectors";
  contact.website = "https://cert.at/";
  contact.functional_email = "team@cert.at";
  contact.phones = {{"+43150564160", "", true}};
  contact.around_the_clock = true;
  return entry;
}

// --- escaping and folding --------------------------------------------------------------------

TEST(VcardText, EscapesBackslashCommaSemicolonAndLineBreaks) {
  EXPECT_EQ(vcard_text("a\\b,c;d\ne"), "a\\\\b\\,c\\;d\\ne");
  EXPECT_EQ(vcard_text("one\r\ntwo\rthree"), "one\\ntwo\\nthree");
  EXPECT_EQ(vcard_text("plain: text"), "plain: text");
}

TEST(VcardText, DropsControlCharactersButKeepsTabs) {
  EXPECT_EQ(vcard_text(std::string_view("a\x01\x1f\x7f"
                                        "b\tc\0d",
                                        9)),
            "ab\tcd");
}

TEST(VcardText, ReplacesIllFormedUtf8) {
  EXPECT_EQ(vcard_text("a\xC3"), "a\xEF\xBF\xBD");
}

TEST(FoldVcardLine, LeavesShortLinesAlone) {
  std::string line(75, 'x');
  EXPECT_EQ(fold_vcard_line(line), line + "\r\n");
}

TEST(FoldVcardLine, FoldsAt75OctetsWithALeadingSpace) {
  std::string line(200, 'x');
  auto folded = fold_vcard_line(line);
  auto lines = physical_lines(folded);
  ASSERT_EQ(lines.size(), 3U);
  EXPECT_EQ(lines[0].size(), 75U);
  EXPECT_EQ(lines[1].size(), 75U);
  EXPECT_EQ(lines[2], " " + std::string(200 - 75 - 74, 'x'));
  expect_folded_well(folded, line);
}

TEST(FoldVcardLine, NeverSplitsAMultiByteCharacter) {
  // Arabic (2 octets), Chinese (3), an emoji (4): every alignment against the fold point.
  // The emoji are written as escapes: clang-format cannot measure their width.
  constexpr std::string_view kArabic = "مركز الاستجابة لطوارئ الحاسب الآلي في وزارة الاتصالات";
  constexpr std::string_view kChinese =
      "国家计算机网络应急技术处理协调中心负责协调处理全国范围内的网络安全事件";
  std::string emoji;
  for (int i = 0; i < 12; ++i)
    emoji += "\U0001F510\U0001F4DE";
  for (std::string_view text : {kArabic, kChinese, std::string_view(emoji)}) {
    for (std::size_t prefix = 0; prefix < 8; ++prefix) {
      auto line = "NOTE:" + std::string(prefix, 'x') + std::string(text) + std::string(text);
      SCOPED_TRACE(line);
      expect_folded_well(fold_vcard_line(line), line);
    }
  }
}

// --- the mapping -----------------------------------------------------------------------------

TEST(Vcard, MapsAPointOfContact) {
  auto card = vcard(poc(), "Austria", "OSCE");
  EXPECT_EQ(unfold(card),
            "BEGIN:VCARD\r\n"
            "VERSION:4.0\r\n"
            "UID:urn:uuid:0190a0b0-0000-7000-8000-000000000001\r\n"
            "KIND:individual\r\n"
            "FN:Anna Müller\r\n"
            "ORG:Federal Ministry for European and International Affairs\r\n"
            "TITLE:Head of Cyber Diplomacy\\, Section IV.3\r\n"
            "ROLE:policy\r\n"
            "EMAIL;TYPE=work;PREF=1:cyber@bmeia.gv.at\r\n"
            "EMAIL:anna.mueller@bmeia.gv.at\r\n"
            "tel1.TEL;VALUE=uri;TYPE=voice:tel:+4315011500\r\n"
            "tel1.X-ABLabel:office\r\n"
            "tel2.TEL;VALUE=uri;TYPE=\"voice,x-24-7\";PREF=1:tel:+436641234567\r\n"
            "tel2.X-ABLabel:duty\\; mobile\r\n"
            "LANG;PREF=1:de\r\n"
            "LANG;PREF=2:en\r\n"
            "TZ;VALUE=text:Europe/Vienna\r\n"
            "KEY:data:application/pgp-keys;base64,TWFu\r\n"
            "NOTE:24/7 number: +436641234567\\nHours: Mon–Fri 09:00–17:00 (Europe/Vienna)\\n"
            "Secure channels:\\nSignal: +436641234567\\nOpenPGP fingerprint: "
            "0123456789ABCDEF0123456789ABCDEF01234567\r\n"
            "ADR;TYPE=work:;;;;;;Austria\r\n"
            "RELATED;TYPE=colleague:urn:uuid:0190a0b0-0000-7000-8000-000000000002\r\n"
            "REV:20250301T093005Z\r\n"
            "CATEGORIES:OSCE\r\n"
            "X-LIAISON-STATE:AT\r\n"
            "END:VCARD\r\n");
  for (const auto& line : physical_lines(card))
    EXPECT_LE(line.size(), 75U) << line;
}

TEST(Vcard, MapsANationalStructure) {
  auto card = vcard(structure(), "Autriche", "OSCE, Vienna");
  EXPECT_EQ(unfold(card),
            "BEGIN:VCARD\r\n"
            "VERSION:4.0\r\n"
            "UID:urn:uuid:0190a0b0-0000-7000-8000-000000000003\r\n"
            "KIND:org\r\n"
            "FN:CERT.at\r\n"
            "NICKNAME:CERT.at\r\n"
            "ORG:CERT.at\r\n"
            "EMAIL;TYPE=work;PREF=1:team@cert.at\r\n"
            "tel1.TEL;VALUE=uri;TYPE=\"voice,x-24-7\";PREF=1:tel:+43150564160\r\n"
            "URL:https://cert.at/\r\n"
            "NOTE:Reachable 24/7.\\n24/7 number: +43150564160\\nConstituency: Austria\\, all "
            "sectors\r\n"
            "ADR;TYPE=work:;;;;;;Autriche\r\n"
            "REV:20250301T093005Z\r\n"
            "CATEGORIES:OSCE\\, Vienna\r\n"
            "X-LIAISON-STATE:AT\r\n"
            "END:VCARD\r\n");
}

TEST(Vcard, EncodesTheKeyInBase64) {
  auto entry = poc();
  for (auto [armored, encoded] :
       std::vector<std::pair<std::string, std::string>>{{"M", "TQ=="},
                                                        {"Ma", "TWE="},
                                                        {"Man", "TWFu"},
                                                        {"Many", "TWFueQ=="},
                                                        {std::string("\xff\x00\x10", 3), "/wAQ"}}) {
    entry.version.contact.openpgp = OpenPgpKey{armored, ""};
    auto card = unfold(vcard(entry, "", ""));
    EXPECT_NE(card.find("\r\nKEY:data:application/pgp-keys;base64," + encoded + "\r\n"),
              std::string::npos)
        << card;
  }
}

TEST(Vcard, LeavesOutWhatIsEmpty) {
  DirectoryEntry entry;
  entry.id = "id";
  entry.version.contact.name = "Duty officer";
  auto card = vcard(entry, "", "");
  EXPECT_EQ(card,
            "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:id\r\nKIND:individual\r\nFN:Duty "
            "officer\r\nROLE:technical\r\nEND:VCARD\r\n");
}

TEST(Vcard, KeepsUrisFromBreakingTheLine) {
  auto entry = structure();
  entry.version.contact.website = "https://example.org/a b\\c\"d\r\né";
  entry.version.contact.phones = {{"+43 1\n", "", false}};
  auto card = unfold(vcard(entry, "", ""));
  EXPECT_NE(card.find("\r\nURL:https://example.org/a%20b%5Cc%22d%0D%0A%C3%A9\r\n"),
            std::string::npos)
      << card;
  EXPECT_NE(card.find(":tel:+43%201%0A\r\n"), std::string::npos) << card;
}

TEST(Vcard, WritesNoRevisionForAnUnreadableTime) {
  auto entry = poc();
  for (std::string_view time : {"", "2025-03-01", "2025-03-01T09:30:05+01:00",
                                "2025-03-01T09:30:05.Z", "2025-03-01T09:3x:05Z"}) {
    entry.version.recorded_at = std::string(time);
    EXPECT_EQ(unfold(vcard(entry, "", "")).find("REV:"), std::string::npos) << time;
  }
}

TEST(Vcard, FoldsLongValues) {
  auto entry = structure();
  entry.version.contact.constituency =
      "国家计算机网络应急技术处理协调中心负责协调处理全国范围内的网络安全事件，"
      "并为政府部门、关键信息基础设施运营者提供支持";
  entry.version.contact.name =
      "المركز الوطني للاستجابة لطوارئ الحاسب الآلي التابع لوزارة الاتصالات";
  auto card = vcard(entry, "مصر", "OSCE");
  auto lines = physical_lines(card);
  EXPECT_GT(lines.size(), unfold(card).size() / 75);
  for (const auto& line : lines) {
    EXPECT_LE(line.size(), 75U) << line;
    EXPECT_TRUE(is_valid_utf8(line)) << line;
  }
  EXPECT_NE(unfold(card).find("\r\nFN:" + entry.version.contact.name + "\r\n"), std::string::npos);
}

TEST(Vcards, WritesOneCardAfterTheOther) {
  auto first = poc();
  auto second = structure();
  std::vector<VcardInput> inputs{{first, "Austria", "OSCE"}, {second, "Austria", "OSCE"}};
  EXPECT_EQ(vcards(inputs), vcard(first, "Austria", "OSCE") + vcard(second, "Austria", "OSCE"));
  EXPECT_EQ(vcards({}), "");
}

}  // namespace
}  // namespace liaison::domain
