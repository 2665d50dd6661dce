#include "domain/language.h"

#include <charconv>
#include <string>

#include "base/text.h"

namespace liaison::domain {
namespace {

// q-values have at most three decimals (RFC 9110 §12.4.2); kept in thousandths.
std::optional<int> parse_quality(std::string_view text) {
  text = trim_blanks(text);
  if (text.size() < 2 || (text[0] != 'q' && text[0] != 'Q') || text[1] != '=') return std::nullopt;
  text.remove_prefix(2);
  if (text.empty() || text.size() > 5) return std::nullopt;
  if (text[0] == '1') {
    for (std::size_t i = 1; i < text.size(); ++i) {
      if (text[i] != '.' && text[i] != '0') return std::nullopt;
      if (text[i] == '.' && i != 1) return std::nullopt;
    }
    return 1000;
  }
  if (text[0] != '0') return std::nullopt;
  if (text.size() == 1) return 0;
  if (text[1] != '.') return std::nullopt;
  int thousandths = 0;
  int scale = 100;
  for (std::size_t i = 2; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    thousandths += (text[i] - '0') * scale;
    scale /= 10;
  }
  return thousandths;
}

}  // namespace

std::string_view language_code(Language language) {
  switch (language) {
    case Language::arabic:
      return "ar";
    case Language::chinese:
      return "zh";
    case Language::english:
      return "en";
    case Language::french:
      return "fr";
    case Language::russian:
      return "ru";
    case Language::spanish:
      return "es";
  }
  return "en";
}

std::optional<Language> language_from_tag(std::string_view tag) {
  auto primary = ascii_lower(trim_blanks(tag.substr(0, tag.find_first_of("-_"))));
  for (auto language : kLanguages) {
    if (primary == language_code(language)) return language;
  }
  return std::nullopt;
}

Language negotiate_language(std::string_view accept_language) {
  std::optional<Language> best;
  int best_quality = 0;
  while (!accept_language.empty()) {
    auto comma = accept_language.find(',');
    auto item = accept_language.substr(0, comma);
    accept_language =
        comma == std::string_view::npos ? std::string_view{} : accept_language.substr(comma + 1);
    auto semicolon = item.find(';');
    auto tag = trim_blanks(item.substr(0, semicolon));
    int quality = 1000;
    if (semicolon != std::string_view::npos) {
      auto parsed = parse_quality(item.substr(semicolon + 1));
      if (!parsed) continue;
      quality = *parsed;
    }
    auto language = language_from_tag(tag);
    // Earlier entries win ties: browsers list preferences in order.
    if (language && quality > best_quality) {
      best = language;
      best_quality = quality;
    }
  }
  return best.value_or(Language::english);
}

}  // namespace liaison::domain
