// app::load_config on arbitrary bytes, twice over:
//  1. as the TOML configuration file (written to one temporary path per process, since
//     load_config takes a path), with an empty environment;
//  2. as the value of each LIAISON_* variable in turn, through the injected Environment, with
//     no file.
// Either call must return a Config or an Error — never throw, crash or leak. A Config that comes
// back must keep every setting inside the range config.cpp documents.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unistd.h>

#include "app/config.h"

namespace {

namespace fs = std::filesystem;
using liaison::app::Config;

const fs::path& config_path() {
  static const fs::path path = [] {
    // $LIAISON_FUZZ_TMPDIR (scripts/fuzz.sh points it at a directory it removes afterwards, so
    // the file of a process that crashed does not stay behind), else tmpfs when there is one:
    // rewriting a file on a disk-backed /tmp (ext4 mounted with `discard`) blocks on every
    // truncation and cut this target to a few hundred runs a second.
    std::error_code ec;
    auto usable = [&](const fs::path& directory) {
      return !directory.empty() && fs::is_directory(directory, ec) &&
             ::access(directory.c_str(), W_OK) == 0;
    };
    const char* configured = std::getenv("LIAISON_FUZZ_TMPDIR");
    fs::path directory = configured ? configured : "";
    if (!usable(directory)) directory = "/dev/shm";
    if (!usable(directory)) {
      directory = fs::temp_directory_path(ec);
      if (ec) directory = "/tmp";
    }
    auto file = directory / ("liaison-config-fuzzer-" + std::to_string(::getpid()) + ".toml");
    std::atexit([] {
      std::error_code ignored;
      fs::remove(config_path(), ignored);
    });
    return file;
  }();
  return path;
}

std::string env_name(std::string_view key) {
  std::string name = "LIAISON_";
  for (char c : key)
    name.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  return name;
}

void check(const liaison::Result<Config>& result) {
  if (!result) {
    if (result.error().message.empty()) __builtin_trap();
    return;
  }
  const Config& config = *result;
  bool database_ok = config.database.starts_with("sqlite:") ||
                     config.database.starts_with("postgresql://") ||
                     config.database.starts_with("postgres://");
  if (!database_ok) __builtin_trap();
  if (config.threads > 256) __builtin_trap();
  if (config.database_pool_size < 1 || config.database_pool_size > 1024) __builtin_trap();
  if (config.max_header_bytes < 1024 || config.max_header_bytes > 1024 * 1024) __builtin_trap();
  if (config.max_body_bytes > (std::uint64_t{1} << 32)) __builtin_trap();
  if (config.idle_timeout.count() < 1 || config.idle_timeout.count() > 3600) __builtin_trap();
  if (config.shutdown_timeout.count() < 1 || config.shutdown_timeout.count() > 3600)
    __builtin_trap();
  if (config.cache_lifetime.count() < 0 || config.cache_lifetime.count() > 3'600'000)
    __builtin_trap();
  static constexpr std::string_view kLevels[] = {"trace", "debug",    "info", "warn",
                                                 "error", "critical", "off"};
  bool level_ok = false;
  for (auto level : kLevels)
    level_ok = level_ok || config.log_level == level;
  if (!level_ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  const liaison::app::Environment empty = [](std::string_view) -> std::optional<std::string> {
    return std::nullopt;
  };

  {
    std::ofstream out(config_path(), std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) std::abort();  // the temporary directory is unusable: not a finding
  }
  check(liaison::app::load_config(config_path(), empty));

  for (const auto& setting : liaison::app::settings()) {
    const std::string name = env_name(setting.key);
    const liaison::app::Environment one =
        [&](std::string_view asked) -> std::optional<std::string> {
      if (asked == name) return text;
      return std::nullopt;
    };
    check(liaison::app::load_config(std::nullopt, one));
  }
  return 0;
}
