#include "domain/formats/directory_csv.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <optional>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "base/text.h"
#include "domain/state.h"

// The reader is our own rather than libcsv's: an import must name the physical line each record
// starts on and go on after a malformed record so that the dry run shows every problem, while
// libcsv reports fields through callbacks without positions and, in its strict mode, stops for
// good at the first bad quote. RFC 4180 is small enough to read strictly in a page of code that
// the fuzzer covers (fuzz/directory_csv_fuzzer.cpp).

namespace liaison::domain {
namespace {

enum class Column {
  id,
  state,
  level,
  status,
  name,
  short_name,
  structure_type,
  institution,
  position,
  constituency,
  website,
  functional_email,
  personal_email,
  phones,
  languages,
  time_zone,
  around_the_clock,
  hours,
  openpgp_key,
  openpgp_fingerprint,
  channels,
  deputy_id,
  version,
  confirmed_at,
  verified_at,
};

// In the order of the export; the names are Contact's members where there is one.
constexpr std::array<std::pair<Column, std::string_view>, 25> kColumns{{
    {Column::id, "id"},
    {Column::state, "state"},
    {Column::level, "level"},
    {Column::status, "status"},
    {Column::name, "name"},
    {Column::short_name, "short_name"},
    {Column::structure_type, "structure_type"},
    {Column::institution, "institution"},
    {Column::position, "position"},
    {Column::constituency, "constituency"},
    {Column::website, "website"},
    {Column::functional_email, "functional_email"},
    {Column::personal_email, "personal_email"},
    {Column::phones, "phones"},
    {Column::languages, "languages"},
    {Column::time_zone, "time_zone"},
    {Column::around_the_clock, "around_the_clock"},
    {Column::hours, "hours"},
    {Column::openpgp_key, "openpgp_key"},
    {Column::openpgp_fingerprint, "openpgp_fingerprint"},
    {Column::channels, "channels"},
    {Column::deputy_id, "deputy_id"},
    {Column::version, "version"},
    {Column::confirmed_at, "confirmed_at"},
    {Column::verified_at, "verified_at"},
}};

// Without these a line cannot be an entry at all; every other column may be left out.
constexpr std::array<Column, 3> kRequiredColumns{Column::state, Column::level, Column::name};

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr std::string_view kAroundTheClockMark = "24/7";

std::string_view column_name(Column column) {
  return kColumns.at(static_cast<std::size_t>(column)).second;
}

std::optional<Column> column_named(std::string_view name) {
  for (const auto& [column, each] : kColumns)
    if (each == name) return column;
  return std::nullopt;
}

// --- list cells ------------------------------------------------------------------------------
//
// phones and channels hold one item per line, its parts separated by ';'; languages hold tags
// separated by blanks. Inside a part a backslash escapes what would otherwise separate or vanish:
// \\ \; \n \r \t, \s (a space) and \e (an empty language tag). The scheme is documented in
// docs/directory-formats.md for those who write such cells by hand.

// `text` with the characters that would separate items or parts, or vanish, escaped. Spaces are
// escaped everywhere in a language tag, where blanks separate the tags, and at either end of a
// phone's or channel's part, where the reader trims blanks.
std::string escape(std::string_view text, bool every_space) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' || c == ';') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == ' ' && (every_space || i == 0 || i + 1 == text.size())) {
      out += "\\s";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_part(std::string_view text) {
  return escape(text, false);
}

std::string escape_tag(std::string_view tag) {
  return tag.empty() ? "\\e" : escape(tag, true);
}

// An escaped part read back: its text, or why it cannot be read.
struct Unescaped {
  std::string text;
  std::string error;
};

Unescaped unescape(std::string_view escaped) {
  Unescaped out;
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '\\') {
      out.text += escaped[i];
      continue;
    }
    if (++i == escaped.size()) {
      out.error = "ends in a lone backslash (write \\\\ for one)";
      return out;
    }
    switch (escaped[i]) {
      case '\\':
        out.text += '\\';
        break;
      case ';':
        out.text += ';';
        break;
      case 'n':
        out.text += '\n';
        break;
      case 'r':
        out.text += '\r';
        break;
      case 't':
        out.text += '\t';
        break;
      case 's':
        out.text += ' ';
        break;
      case 'e':
        break;
      default:
        out.error = fmt::format("has an unknown escape \\{} (known: \\\\ \\; \\n \\r \\t \\s \\e)",
                                to_valid_utf8(escaped.substr(i, 1)));
        return out;
    }
  }
  return out;
}

// Splits at each ';' that no backslash escapes.
std::vector<std::string_view> split_parts(std::string_view line) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
    } else if (line[i] == ';') {
      parts.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(line.substr(start));
  return parts;
}

// The item lines of a phones or channels cell. A raw CR can only come from an editor that turned
// the file's line ends into CR LF (the writer escapes CR), so it is dropped before an LF.
std::vector<std::string_view> item_lines(std::string_view cell) {
  std::vector<std::string_view> lines;
  while (true) {
    auto end = cell.find('\n');
    auto line = cell.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!trim_blanks(line).empty()) lines.push_back(line);
    if (end == std::string_view::npos) break;
    cell.remove_prefix(end + 1);
  }
  return lines;
}

std::string write_phones(const std::vector<Phone>& phones) {
  std::string cell;
  for (const auto& phone : phones) {
    if (!cell.empty()) cell += '\n';
    // The ';' is written even without a label so that no item line is blank.
    cell += escape_part(phone.number) + ";" + escape_part(phone.label);
    if (phone.around_the_clock) cell += ";" + std::string(kAroundTheClockMark);
  }
  return cell;
}

std::string write_channels(const std::vector<SecureChannel>& channels) {
  std::string cell;
  for (const auto& channel : channels) {
    if (!cell.empty()) cell += '\n';
    cell += escape_part(channel.kind) + ";" + escape_part(channel.address);
  }
  return cell;
}

std::string write_languages(const std::vector<std::string>& languages) {
  std::string cell;
  for (const auto& tag : languages) {
    if (!cell.empty()) cell += ' ';
    cell += escape_tag(tag);
  }
  return cell;
}

// --- CSV cells -------------------------------------------------------------------------------

bool starts_formula(std::string_view text) {
  return !text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos;
}

// Spreadsheets run a cell that begins with = + - @ (some after a TAB or CR) as a formula, and a
// directory holds text states typed in ("CSV injection", OWASP); services/audit_query.cpp guards
// its export the same way. Unlike the audit export this file is read back, and E.164 numbers all
// begin with '+', so the guard must be undone exactly: the writer puts one apostrophe before a
// value that is some apostrophes (maybe none) and then such a character, and the reader removes
// one apostrophe from a cell that is one or more apostrophes and then such a character. A value
// that merely begins with an apostrophe is left alone both ways.
bool needs_guard(std::string_view text) {
  auto first = text.find_first_not_of('\'');
  return first != std::string_view::npos && starts_formula(text.substr(first));
}

std::string_view without_guard(std::string_view cell) {
  if (!cell.empty() && cell.front() == '\'' && needs_guard(cell)) cell.remove_prefix(1);
  return cell;
}

// Quoted when RFC 4180 needs it, and also for ';' and TAB so that a spreadsheet guessing another
// delimiter cannot split a cell and bring a formula to the start of the next one.
void append_cell(std::string& out, std::string_view value) {
  auto text = to_valid_utf8(value);
  if (needs_guard(text)) text.insert(0, 1, '\'');
  if (text.find_first_of(",\"\r\n;\t") == std::string::npos) {
    out += text;
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string cell_of(const DirectoryRow& row, Column column) {
  const auto& contact = row.contact;
  switch (column) {
    case Column::id:
      return row.id;
    case Column::state:
      return row.state;
    case Column::level:
      return std::string(level_name(row.level));
    case Column::status:
      return std::string(entry_status_name(row.status));
    case Column::name:
      return contact.name;
    case Column::short_name:
      return contact.short_name;
    case Column::structure_type:
      // A point of contact has no structure type; "other" there would only be noise.
      if (row.level != Level::structure && contact.structure_type == StructureType::other)
        return {};
      return std::string(structure_type_name(contact.structure_type));
    case Column::institution:
      return contact.institution;
    case Column::position:
      return contact.position;
    case Column::constituency:
      return contact.constituency;
    case Column::website:
      return contact.website;
    case Column::functional_email:
      return contact.functional_email;
    case Column::personal_email:
      return contact.personal_email;
    case Column::phones:
      return write_phones(contact.phones);
    case Column::languages:
      return write_languages(contact.languages);
    case Column::time_zone:
      return contact.time_zone;
    case Column::around_the_clock:
      return contact.around_the_clock ? "true" : "false";
    case Column::hours:
      return contact.hours;
    case Column::openpgp_key:
      return contact.openpgp ? contact.openpgp->armored : std::string();
    case Column::openpgp_fingerprint:
      return contact.openpgp ? contact.openpgp->fingerprint : std::string();
    case Column::channels:
      return write_channels(contact.channels);
    case Column::deputy_id:
      return contact.deputy_id;
    case Column::version:
      return row.version == 0 ? std::string() : std::to_string(row.version);
    case Column::confirmed_at:
      return row.confirmed_at;
    case Column::verified_at:
      return row.verified_at;
  }
  return {};
}

// --- reading CSV -----------------------------------------------------------------------------

struct Record {
  long line = 0;
  std::vector<std::string> fields;
  std::string error;  // not empty: malformed, skipped to the end of the physical line
};

// RFC 4180 records, strictly: a quote inside an unquoted field, text after a closing quote or a
// quoted field that never closes makes the record malformed. Records end at CR LF, LF or CR. A
// line break inside a quoted field is kept, CR LF read as LF (what the writer writes, and what
// an editor converting line ends leaves of it).
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  bool done() const { return at_ >= text_.size(); }

  Record next() {
    Record record;
    record.line = line_;
    while (true) {
      std::string field;
      std::string error = at(0) == '"' ? quoted(field) : unquoted(field);
      if (!error.empty()) {
        record.error = std::move(error);
        skip_line();
        return record;
      }
      record.fields.push_back(std::move(field));
      if (at(0) == ',') {
        ++at_;
        continue;
      }
      line_break();
      return record;
    }
  }

 private:
  // The byte `ahead` past the current one, or 0 past the end (NUL needs no special meaning).
  char at(std::size_t ahead) const {
    return at_ + ahead < text_.size() ? text_[at_ + ahead] : '\0';
  }
  bool at_end_of_field() const { return done() || at(0) == ',' || at(0) == '\r' || at(0) == '\n'; }

  // Consumes one CR LF, LF or CR, if there is one.
  void line_break() {
    if (at(0) == '\r' && at(1) == '\n') {
      at_ += 2;
    } else if (!done() && (at(0) == '\r' || at(0) == '\n')) {
      ++at_;
    } else {
      return;
    }
    ++line_;
  }

  void skip_line() {
    while (!done() && at(0) != '\r' && at(0) != '\n')
      ++at_;
    line_break();
  }

  std::string unquoted(std::string& field) {
    auto start = at_;
    while (!at_end_of_field()) {
      if (at(0) == '"')
        return "a quote inside a field that does not begin with one (quote the whole field and "
               "double the quote: \"5\"\" screen\")";
      ++at_;
    }
    field.assign(text_.substr(start, at_ - start));
    return {};
  }

  std::string quoted(std::string& field) {
    auto opened = line_;
    ++at_;
    while (!done()) {
      if (at(0) == '"') {
        if (at(1) == '"') {
          field += '"';
          at_ += 2;
          continue;
        }
        ++at_;
        if (!at_end_of_field())
          return "text after the closing quote of a quoted field (double a quote inside one: "
                 "\"\")";
        return {};
      }
      if (at(0) == '\r' && at(1) == '\n') {
        field += '\n';
        at_ += 2;
        ++line_;
      } else {
        if (at(0) == '\n' || at(0) == '\r') ++line_;
        field += at(0);
        ++at_;
      }
    }
    return fmt::format("the quoted field that begins on line {} is never closed", opened);
  }

  std::string_view text_;
  std::size_t at_ = 0;
  long line_ = 1;
};

// A value quoted in a message: readable whatever it holds, and short.
std::string quote_value(std::string_view value) {
  constexpr std::size_t kShown = 40;
  auto text = to_valid_utf8(value);
  if (text.size() > kShown) {
    auto cut = kShown;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
      --cut;
    text = text.substr(0, cut) + "…";
  }
  std::string shown;
  for (char c : text) {
    if (c == '\n') {
      shown += "\\n";
    } else if (c == '\r') {
      shown += "\\r";
    } else {
      shown += c;
    }
  }
  return "'" + shown + "'";
}

class Problems {
 public:
  explicit Problems(std::vector<LineProblem>& problems) : problems_(problems) {}

  void add(long line, std::string_view field, std::string message) {
    ++count_;
    if (problems_.size() < kDirectoryCsvMaxProblems)
      problems_.push_back({line, std::string(field), std::move(message)});
  }
  std::size_t count() const { return count_; }

  void close() {
    if (count_ > problems_.size()) {
      problems_.push_back({0, "",
                           fmt::format("{} further problems are not listed; correct the ones above "
                                       "and read the file again",
                                       count_ - problems_.size())});
    }
  }

 private:
  std::vector<LineProblem>& problems_;
  std::size_t count_ = 0;
};

// The column a field of `contact_problems` lives in: "phones[1].number" is in "phones".
std::string column_of_field(std::string_view field) {
  auto name = field.substr(0, field.find_first_of("[."));
  if (name == "openpgp") return std::string(column_name(Column::openpgp_key));
  return std::string(name);
}

template <class T>
std::string names_of(std::initializer_list<T> values, std::string_view (*name_of)(T)) {
  std::string names;
  for (auto value : values)
    names += (names.empty() ? "" : ", ") + std::string(name_of(value));
  return names;
}

std::string level_names() {
  return names_of({Level::policy, Level::technical, Level::structure}, level_name);
}
std::string status_names() {
  return names_of({EntryStatus::active, EntryStatus::retired}, entry_status_name);
}
std::string structure_type_names() {
  return names_of({StructureType::csirt, StructureType::cyber_agency, StructureType::mfa_desk,
                   StructureType::other},
                  structure_type_name);
}

class RowReader {
 public:
  RowReader(long line, Problems& problems) : line_(line), problems_(problems) {}

  void read(Column column, std::string_view cell) {
    auto value = without_guard(cell);
    std::string text(value);
    if (!is_valid_utf8(text)) {
      problem(column, "is not valid UTF-8 text (save the file as UTF-8)");
      text = to_valid_utf8(text);
    }
    auto& contact = row_.contact;
    switch (column) {
      case Column::id:
        row_.id = std::move(text);
        break;
      case Column::state:
        read_state(text);
        break;
      case Column::level:
        read_level(text);
        break;
      case Column::status:
        read_status(text);
        break;
      case Column::name:
        contact.name = std::move(text);
        break;
      case Column::short_name:
        contact.short_name = std::move(text);
        break;
      case Column::structure_type:
        read_structure_type(text);
        break;
      case Column::institution:
        contact.institution = std::move(text);
        break;
      case Column::position:
        contact.position = std::move(text);
        break;
      case Column::constituency:
        contact.constituency = std::move(text);
        break;
      case Column::website:
        contact.website = std::move(text);
        break;
      case Column::functional_email:
        contact.functional_email = std::move(text);
        break;
      case Column::personal_email:
        contact.personal_email = std::move(text);
        break;
      case Column::phones:
        read_phones(text);
        break;
      case Column::languages:
        read_languages(text);
        break;
      case Column::time_zone:
        contact.time_zone = std::move(text);
        break;
      case Column::around_the_clock:
        read_around_the_clock(text);
        break;
      case Column::hours:
        contact.hours = std::move(text);
        break;
      case Column::openpgp_key:
        key_ = std::move(text);
        break;
      case Column::openpgp_fingerprint:
        fingerprint_ = std::move(text);
        break;
      case Column::channels:
        read_channels(text);
        break;
      case Column::deputy_id:
        contact.deputy_id = std::move(text);
        break;
      case Column::version:
        read_version(text);
        break;
      case Column::confirmed_at:
        row_.confirmed_at = std::move(text);
        break;
      case Column::verified_at:
        row_.verified_at = std::move(text);
        break;
    }
  }

  // The row, checked as a whole, or nothing when anything was wrong with it.
  std::optional<DirectoryRow> finish() {
    if (!key_.empty() || !fingerprint_.empty())
      row_.contact.openpgp = OpenPgpKey{std::move(key_), std::move(fingerprint_)};
    // With the level unknown, the contact would be checked against the wrong kind of entry.
    if (level_known_) {
      for (auto& each : contact_problems(row_.contact, kind_for(row_.level))) {
        auto column = column_of_field(each.field);
        problems_.add(
            line_, column,
            column == each.field ? std::move(each.message) : each.field + " " + each.message);
      }
    }
    if (problems_.count() != problems_before_) return std::nullopt;
    return std::move(row_);
  }

 private:
  void problem(Column column, std::string message) {
    problems_.add(line_, column_name(column), std::move(message));
  }

  void read_state(std::string_view text) {
    auto code = trim_blanks(text);
    if (code.empty()) return problem(Column::state, "is required");
    auto parsed = parse_state_code(code);
    if (!parsed) {
      return problem(Column::state, fmt::format("{} is not an ISO 3166-1 alpha-2 (\"FR\") or "
                                                "alpha-3 (\"FRA\") code",
                                                quote_value(code)));
    }
    std::visit([&](const auto& each) { row_.state = each.code; }, *parsed);
  }

  void read_level(std::string_view text) {
    auto name = trim_blanks(text);
    if (name.empty()) return problem(Column::level, "is required: one of " + level_names());
    auto level = parse_level(name);
    if (!level) {
      return problem(Column::level,
                     fmt::format("{} is not one of {}", quote_value(name), level_names()));
    }
    row_.level = *level;
    level_known_ = true;
  }

  void read_status(std::string_view text) {
    auto name = trim_blanks(text);
    if (name.empty()) return;
    auto status = parse_entry_status(name);
    if (!status) {
      return problem(Column::status,
                     fmt::format("{} is not one of {}", quote_value(name), status_names()));
    }
    row_.status = *status;
  }

  void read_structure_type(std::string_view text) {
    auto name = trim_blanks(text);
    if (name.empty()) return;
    auto type = parse_structure_type(name);
    if (!type) {
      return problem(Column::structure_type,
                     fmt::format("{} is not one of {}", quote_value(name), structure_type_names()));
    }
    row_.contact.structure_type = *type;
  }

  void read_around_the_clock(std::string_view text) {
    auto value = ascii_lower(trim_blanks(text));
    if (value.empty() || value == "false" || value == "no" || value == "0") {
      row_.contact.around_the_clock = false;
    } else if (value == "true" || value == "yes" || value == "1") {
      row_.contact.around_the_clock = true;
    } else {
      problem(Column::around_the_clock,
              fmt::format("{} is neither true nor false", quote_value(trim_blanks(text))));
    }
  }

  void read_version(std::string_view text) {
    auto digits = trim_blanks(text);
    if (digits.empty()) return;
    // Nine digits cannot overflow an int.
    if (digits.size() > 9 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return problem(Column::version,
                     fmt::format("{} is not a version number", quote_value(digits)));
    }
    int version = 0;
    for (char c : digits)
      version = version * 10 + (c - '0');
    row_.version = version;
  }

  // The parts of each item line, unescaped; a problem for the first that cannot be read.
  std::optional<std::vector<std::vector<std::string>>> items(Column column, std::string_view cell,
                                                             std::size_t max_parts,
                                                             std::string_view layout) {
    std::vector<std::vector<std::string>> items;
    for (auto line : item_lines(cell)) {
      auto index = items.size();
      auto parts = split_parts(line);
      if (parts.size() > max_parts) {
        problem(column, fmt::format("{}[{}] has {} parts separated by ';', at most {} ({}); write "
                                    "\\; for a ';' inside a part",
                                    column_name(column), index, parts.size(), max_parts, layout));
        return std::nullopt;
      }
      std::vector<std::string> texts;
      for (auto part : parts) {
        auto text = unescape(trim_blanks(part));
        if (!text.error.empty()) {
          problem(column, fmt::format("{}[{}] {}", column_name(column), index, text.error));
          return std::nullopt;
        }
        texts.push_back(std::move(text.text));
      }
      texts.resize(max_parts);
      items.push_back(std::move(texts));
    }
    return items;
  }

  void read_phones(std::string_view cell) {
    auto lines = items(Column::phones, cell, 3, "number;label;24/7");
    if (!lines) return;
    for (auto& parts : *lines) {
      Phone phone{std::move(parts[0]), std::move(parts[1]), false};
      if (parts[2] == kAroundTheClockMark) {
        phone.around_the_clock = true;
      } else if (!parts[2].empty()) {
        return problem(Column::phones,
                       fmt::format("phones[{}] has {} where only 24/7 (or nothing) may stand",
                                   row_.contact.phones.size(), quote_value(parts[2])));
      }
      row_.contact.phones.push_back(std::move(phone));
    }
  }

  void read_channels(std::string_view cell) {
    auto lines = items(Column::channels, cell, 2, "kind;address");
    if (!lines) return;
    for (auto& parts : *lines)
      row_.contact.channels.push_back({std::move(parts[0]), std::move(parts[1])});
  }

  void read_languages(std::string_view cell) {
    std::size_t at = 0;
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (at < cell.size()) {
      if (blank(cell[at])) {
        ++at;
        continue;
      }
      auto end = at;
      while (end < cell.size() && !blank(cell[end]))
        ++end;
      auto tag = unescape(cell.substr(at, end - at));
      if (!tag.error.empty()) {
        return problem(Column::languages,
                       fmt::format("languages[{}] {}", row_.contact.languages.size(), tag.error));
      }
      row_.contact.languages.push_back(std::move(tag.text));
      at = end;
    }
  }

  long line_;
  Problems& problems_;
  std::size_t problems_before_ = problems_.count();
  DirectoryRow row_;
  bool level_known_ = false;
  std::string key_;
  std::string fingerprint_;
};

bool all_empty(const std::vector<std::string>& fields) {
  return std::all_of(fields.begin(), fields.end(), [](const auto& f) { return f.empty(); });
}

// The columns of the header row, by position (nothing for an unknown one), or nothing when the
// file cannot be read on.
std::optional<std::vector<std::optional<Column>>> read_header(const Record& header,
                                                              Problems& problems) {
  if (!header.error.empty()) {
    problems.add(header.line, "", header.error);
    return std::nullopt;
  }
  std::vector<std::optional<Column>> columns;
  std::array<bool, kColumns.size()> seen{};
  bool usable = true;
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    auto name = ascii_lower(trim_blanks(to_valid_utf8(header.fields[i])));
    auto column = column_named(name);
    columns.emplace_back();
    if (name.empty()) {
      problems.add(header.line, "", fmt::format("column {} of the header has no name", i + 1));
    } else if (!column) {
      std::string known;
      for (const auto& each : kColumns)
        known += (known.empty() ? "" : ", ") + std::string(each.second);
      problems.add(header.line, name,
                   fmt::format("{} is not a column of the directory; the columns are {}",
                               quote_value(name), known));
    } else if (seen.at(static_cast<std::size_t>(*column))) {
      problems.add(header.line, name, "is named twice in the header");
      usable = false;
    } else {
      seen.at(static_cast<std::size_t>(*column)) = true;
      columns.back() = column;
    }
  }
  for (auto required : kRequiredColumns) {
    if (!seen.at(static_cast<std::size_t>(required))) {
      problems.add(header.line, column_name(required),
                   "is missing; the header row must name the columns state, level and name");
      usable = false;
    }
  }
  if (!usable) return std::nullopt;
  return columns;
}

}  // namespace

std::string write_directory_csv(std::span<const DirectoryRow> rows) {
  // The byte order mark is what makes Excel read the file as UTF-8 rather than the local code
  // page, which would garble every name in Arabic, Chinese or Russian.
  std::string out(kByteOrderMark);
  for (const auto& [column, name] : kColumns) {
    if (column != Column::id) out += ',';
    out += name;
  }
  out += "\r\n";
  for (const auto& row : rows) {
    for (const auto& [column, name] : kColumns) {
      if (column != Column::id) out += ',';
      append_cell(out, cell_of(row, column));
    }
    out += "\r\n";
  }
  return out;
}

CsvReadResult read_directory_csv(std::string_view text) {
  CsvReadResult result;
  Problems problems(result.problems);
  if (text.size() > kDirectoryCsvMaxBytes) {
    problems.add(0, "",
                 fmt::format("the file has {} bytes; at most {} (10 MiB) can be read at once",
                             text.size(), kDirectoryCsvMaxBytes));
    return result;
  }
  if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
  if (text.empty()) {
    problems.add(1, "", "the file is empty; its first line must name the columns");
    return result;
  }

  Lexer lexer(text);
  auto columns = read_header(lexer.next(), problems);
  if (!columns) return result;

  std::size_t records = 0;
  while (!lexer.done()) {
    auto record = lexer.next();
    if (!record.error.empty()) {
      problems.add(record.line, "", std::move(record.error));
      continue;
    }
    // Blank lines, and the ",,,," lines spreadsheets leave where a row was emptied.
    if (all_empty(record.fields)) continue;
    if (++records > kDirectoryCsvMaxRows) {
      result.rows.clear();
      result.row_lines.clear();
      result.problems.clear();
      result.problems.push_back(
          {record.line, "",
           fmt::format("the file has more than {} rows; split it", kDirectoryCsvMaxRows)});
      return result;
    }
    if (record.fields.size() != columns->size()) {
      problems.add(record.line, "",
                   fmt::format("has {} fields where the header names {} columns (a field with a "
                               "comma or a line break must be in quotes)",
                               record.fields.size(), columns->size()));
      continue;
    }
    RowReader reader(record.line, problems);
    for (std::size_t i = 0; i < columns->size(); ++i) {
      if (const auto& column = (*columns)[i]) reader.read(*column, record.fields[i]);
    }
    if (auto row = reader.finish()) {
      result.rows.push_back(std::move(*row));
      result.row_lines.push_back(record.line);
    }
  }
  problems.close();
  return result;
}

}  // namespace liaison::domain
