#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace liaison {

//! A file compiled into the binary by cmake/embed_files.cmake; `path` is relative to its base.
struct EmbeddedFile {
  std::string_view path;
  std::string_view content;
};

inline std::optional<std::string_view> find_embedded(std::span<const EmbeddedFile> files,
                                                     std::string_view path) {
  for (const auto& file : files) {
    if (file.path == path) return file.content;
  }
  return std::nullopt;
}

}  // namespace liaison
