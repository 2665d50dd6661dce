#pragma once

#include <span>

#include "base/embedded_file.h"

namespace liaison::web::asset_files {
//! assets/*, compiled in.
std::span<const EmbeddedFile> files();
}  // namespace liaison::web::asset_files
