#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/directory.h"

namespace liaison::domain {

//! One line of the directory CSV (docs/directory-formats.md describes the columns).
struct DirectoryRow {
  std::string id;     //!< entry id; empty on import: a new entry
  std::string state;  //!< alpha-2 as exported; on import alpha-2 or alpha-3, upper-cased
  Level level = Level::technical;
  EntryStatus status = EntryStatus::active;
  Contact contact;
  //! Export-only columns: read back so that an export reads as it was written, ignored by the
  //! import. The same holds for the OpenPGP fingerprint, which the service recomputes.
  int version = 0;
  std::string confirmed_at;
  std::string verified_at;

  friend bool operator==(const DirectoryRow&, const DirectoryRow&) = default;
};

//! Something wrong with one record of a CSV file.
struct LineProblem {
  long line = 0;      //!< 1-based physical line where the record starts; 0: the file as a whole
  std::string field;  //!< the column ("phones", "level"); empty when no single column is at fault
  std::string message;

  friend bool operator==(const LineProblem&, const LineProblem&) = default;
};

//! What a CSV file held: the records that passed every check, and everything wrong with the
//! others. An import goes ahead only when `problems` is empty.
struct CsvReadResult {
  std::vector<DirectoryRow> rows;
  std::vector<long> row_lines;  //!< the line each of `rows` starts on, for later checks' reports
  std::vector<LineProblem> problems;
};

//! The input limits of `read_directory_csv`.
inline constexpr std::size_t kDirectoryCsvMaxBytes = std::size_t{10} * 1024 * 1024;
inline constexpr std::size_t kDirectoryCsvMaxRows = 100'000;
//! Problems kept beyond this are only counted (one closing problem says how many), so that a
//! wrong file of 10 MiB cannot turn into gigabytes of messages.
inline constexpr std::size_t kDirectoryCsvMaxProblems = 10'000;

//! The directory as CSV (RFC 4180, UTF-8 with a byte order mark, CRLF line ends), one header row
//! naming the columns, then one line per row. `read_directory_csv(write_directory_csv(rows))`
//! gives back `rows`, except for data no import accepts (docs/directory-formats.md lists it).
std::string write_directory_csv(std::span<const DirectoryRow> rows);

//! Reads a directory CSV: every line is read and every problem reported, each naming its line
//! and column, including those `contact_problems` finds. More than `kDirectoryCsvMaxBytes` or
//! `kDirectoryCsvMaxRows` is refused with a single problem.
CsvReadResult read_directory_csv(std::string_view text);

}  // namespace liaison::domain
