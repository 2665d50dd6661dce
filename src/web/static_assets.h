#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>

#include "base/embedded_file.h"
#include "web/router.h"

namespace liaison::web {

//! The stylesheets, scripts and images under assets/, compiled in, each with its content type
//! and an ETag so browsers revalidate instead of downloading again.
class StaticAssets {
 public:
  explicit StaticAssets(std::span<const EmbeddedFile> files);
  //! Answers GET /assets/{name} (and `/` with index.html): 200, 304 on a matching
  //! If-None-Match, 404 for a name that is not an asset.
  Response serve(const RequestContext& context, std::string_view name) const;

 private:
  struct Asset {
    std::string_view content;
    std::string content_type;
    std::string etag;
  };
  std::map<std::string, Asset, std::less<>> assets_;
};

}  // namespace liaison::web

namespace liaison::web {
//! GET / (index.html) and GET /assets/{name}.
void add_asset_routes(Router& router, const StaticAssets& assets);
}  // namespace liaison::web
