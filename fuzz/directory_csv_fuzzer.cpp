// domain::read_directory_csv on arbitrary bytes. Properties: every problem names a line inside
// the file (0 for the file as a whole) and says something; the rows read, which passed every
// check, come with their lines in order; and they write back to a file that reads without any
// problem as the same rows and writes the same bytes again.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "domain/formats/directory_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = liaison::domain::read_directory_csv(text);

  // CR LF, LF and CR each end a line; a problem can be on the line after the last break.
  long lines = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')))
      ++lines;
  }
  for (const auto& problem : result.problems) {
    if (problem.line < 0 || problem.line > lines) __builtin_trap();
    if (problem.message.empty()) __builtin_trap();
  }
  if (result.problems.size() > liaison::domain::kDirectoryCsvMaxProblems + 1) __builtin_trap();
  // Each row's line: after the header, inside the file, in order.
  if (result.row_lines.size() != result.rows.size()) __builtin_trap();
  if (std::adjacent_find(result.row_lines.begin(), result.row_lines.end(),
                         std::greater_equal<>()) != result.row_lines.end())
    __builtin_trap();
  for (auto line : result.row_lines)
    if (line < 2 || line > lines) __builtin_trap();

  auto written = liaison::domain::write_directory_csv(result.rows);
  auto again = liaison::domain::read_directory_csv(written);
  if (!again.problems.empty()) __builtin_trap();
  if (again.rows != result.rows) __builtin_trap();
  if (liaison::domain::write_directory_csv(again.rows) != written) __builtin_trap();
  return 0;
}
