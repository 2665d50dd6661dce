#pragma once

#include <span>

#include "base/embedded_file.h"

namespace liaison::store {
//! src/store/migrations/*.sql, compiled in.
namespace migration_files {
std::span<const EmbeddedFile> files();
}
//! data/*.json, compiled in.
namespace reference_files {
std::span<const EmbeddedFile> files();
}
}  // namespace liaison::store
