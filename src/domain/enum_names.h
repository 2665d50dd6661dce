#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace liaison::domain {

//! The name of `value` in a table of (value, name) pairs: what the API, the store and the forms
//! say for an enumeration; "unknown" for a value the table lacks.
template <class T, std::size_t N>
std::string_view name_of(const std::array<std::pair<T, std::string_view>, N>& names, T value) {
  for (const auto& [each, name] : names)
    if (each == value) return name;
  return "unknown";
}

//! The value a name stands for in the same kind of table, exactly as written.
template <class T, std::size_t N>
std::optional<T> parse_name(const std::array<std::pair<T, std::string_view>, N>& names,
                            std::string_view text) {
  for (const auto& [value, name] : names)
    if (name == text) return value;
  return std::nullopt;
}

}  // namespace liaison::domain
