#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/directory.h"
#include "web/router.h"

namespace liaison::web {

//! A file to save: `body` with `type` and Content-Disposition attachment `filename`.
Response download(const RequestContext& context, std::string body, std::string_view type,
                  std::string_view filename);

//! 422 with every problem as {"field", "message"} in the problem's `errors`.
Response field_problems(const RequestContext& context,
                        const std::vector<domain::FieldProblem>& problems);

}  // namespace liaison::web
