#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>

#include "base/error.h"
#include "web/router.h"

namespace liaison::web {

//! A whole number from the query string, `fallback` when the parameter is absent;
//! invalid_argument naming the parameter when it is not a number in [minimum, maximum].
Result<std::int64_t> integer_parameter(
    const RequestContext& context, std::string_view name, std::int64_t fallback,
    std::int64_t minimum = std::numeric_limits<std::int64_t>::min(),
    std::int64_t maximum = std::numeric_limits<std::int64_t>::max());

//! One of `allowed` from the query string, empty when the parameter is absent;
//! invalid_argument listing the allowed values otherwise.
Result<std::string> choice_parameter(const RequestContext& context, std::string_view name,
                                     std::initializer_list<std::string_view> allowed);

}  // namespace liaison::web
