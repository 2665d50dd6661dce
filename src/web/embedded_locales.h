#pragma once

#include <span>

#include "base/embedded_file.h"

namespace liaison::web::locale_files {
//! locales/*.json, the message catalogues, compiled in.
std::span<const EmbeddedFile> files();
}  // namespace liaison::web::locale_files
