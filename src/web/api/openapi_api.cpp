#include "web/api/openapi_api.h"

#include <memory>
#include <span>

#include "base/embedded_file.h"
#include "web/static_assets.h"

namespace liaison::web {

namespace openapi_files {
//! src/web/api/openapi.json, compiled in by cmake/embed_files.cmake.
std::span<const EmbeddedFile> files();
}  // namespace openapi_files

namespace {
constexpr std::string_view kDocument = "openapi.json";
}  // namespace

std::string_view openapi_document() {
  return find_embedded(openapi_files::files(), kDocument).value_or(std::string_view{});
}

void add_openapi_api(Router& router) {
  // Served like an asset: application/json (the extension's type), an ETag, revalidated.
  auto document = std::make_shared<const StaticAssets>(openapi_files::files());
  router.add(
      http::verb::get, "/api/v1/openapi.json", Access::anyone(),
      [document](const RequestContext& context) { return document->serve(context, kDocument); });
}

}  // namespace liaison::web
