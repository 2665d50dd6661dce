#include "web/api/query_parameters.h"

#include <charconv>

#include <fmt/format.h>

namespace liaison::web {

Result<std::int64_t> integer_parameter(const RequestContext& context, std::string_view name,
                                       std::int64_t fallback, std::int64_t minimum,
                                       std::int64_t maximum) {
  auto text = context.query(name);
  if (!text) return fallback;
  std::int64_t value = 0;
  const char* end = text->data() + text->size();
  auto [stop, failed] = std::from_chars(text->data(), end, value);
  const bool bounded = minimum != std::numeric_limits<std::int64_t>::min() ||
                       maximum != std::numeric_limits<std::int64_t>::max();
  if (failed != std::errc() || stop != end || value < minimum || value > maximum) {
    if (!bounded) return Error::invalid_argument(fmt::format("{}: expected a whole number", name));
    return Error::invalid_argument(
        fmt::format("{}: expected a whole number from {} to {}", name, minimum, maximum));
  }
  return value;
}

Result<std::string> choice_parameter(const RequestContext& context, std::string_view name,
                                     std::initializer_list<std::string_view> allowed) {
  auto value = context.query(name).value_or("");
  if (value.empty()) return value;
  for (auto each : allowed)
    if (each == value) return value;
  std::string list;
  for (auto each : allowed)
    list += (list.empty() ? "" : ", ") + std::string(each);
  return Error::invalid_argument(fmt::format("{}: must be one of {}", name, list));
}

}  // namespace liaison::web
