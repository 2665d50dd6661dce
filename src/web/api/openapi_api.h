#pragma once

#include <string_view>

#include "web/router.h"

namespace liaison::web {

//! The OpenAPI 3.1 description of the JSON API: src/web/api/openapi.json, compiled in.
std::string_view openapi_document();

//! GET /api/v1/openapi.json: the document, to anyone (it describes the API and lists no data).
void add_openapi_api(Router& router);

}  // namespace liaison::web
