#include "web/static_assets.h"

#include <array>

#include <fmt/format.h>
#include <sodium.h>

#include "base/random.h"

namespace liaison::web {
namespace {

std::string content_type_for(std::string_view name) {
  auto dot = name.rfind('.');
  auto extension = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
  if (extension == "html") return "text/html; charset=utf-8";
  if (extension == "css") return "text/css; charset=utf-8";
  if (extension == "js") return "text/javascript; charset=utf-8";
  if (extension == "json") return "application/json";
  if (extension == "svg") return "image/svg+xml";
  if (extension == "png") return "image/png";
  if (extension == "ico") return "image/x-icon";
  if (extension == "txt") return "text/plain; charset=utf-8";
  if (extension == "woff2") return "font/woff2";
  return "application/octet-stream";
}

}  // namespace

StaticAssets::StaticAssets(std::span<const EmbeddedFile> files) {
  for (const auto& file : files) {
    std::array<std::byte, 16> digest{};
    crypto_generichash(reinterpret_cast<unsigned char*>(digest.data()), digest.size(),
                       reinterpret_cast<const unsigned char*>(file.content.data()),
                       file.content.size(), nullptr, 0);
    assets_.emplace(std::string(file.path), Asset{file.content, content_type_for(file.path),
                                                  fmt::format("\"{}\"", to_hex(digest))});
  }
}

Response StaticAssets::serve(const RequestContext& context, std::string_view name) const {
  auto it = assets_.find(name);
  if (it == assets_.end()) {
    return context.problem({http::status::not_found, fmt::format("no asset named \"{}\"", name)});
  }
  const auto& asset = it->second;
  const auto& request = context.request();
  if (request[http::field::if_none_match] == asset.etag) {
    Response response{http::status::not_modified, request.version()};
    response.keep_alive(request.keep_alive());
    response.set(http::field::etag, asset.etag);
    response.set(http::field::cache_control, "no-cache");
    return response;
  }
  auto response = context.text(std::string(asset.content), asset.content_type);
  response.set(http::field::etag, asset.etag);
  response.set(http::field::cache_control, "no-cache");
  return response;
}

}  // namespace liaison::web

namespace liaison::web {

void add_asset_routes(Router& router, const StaticAssets& assets) {
  router.add(http::verb::get, "/assets/{name}", Access::anyone(),
             [&assets](const RequestContext& context) {
               return assets.serve(context, context.parameter("name"));
             });
}

}  // namespace liaison::web
