#pragma once

#include <span>

#include "base/embedded_file.h"

namespace liaison::web::template_files {
//! templates/*.mustache, compiled in.
std::span<const EmbeddedFile> files();
}  // namespace liaison::web::template_files
