#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace liaison::app {

//! Every setting of a Liaison instance, after defaults, the TOML file and LIAISON_* variables.
struct Config {
  std::string database;
  std::string listen_host;
  std::uint16_t listen_port = 0;
  unsigned threads = 0;  //!< 0: one per core
  std::size_t database_pool_size = 0;
  std::string log_level;
  bool access_log = true;
  std::uint32_t max_header_bytes = 0;
  std::uint64_t max_body_bytes = 0;
  std::chrono::seconds idle_timeout{0};
  std::chrono::seconds shutdown_timeout{0};
  std::chrono::milliseconds cache_lifetime{0};
  std::string tls_certificate;  //!< PEM file; empty: plain HTTP
  std::string tls_private_key;  //!< PEM file; set together with tls_certificate
  std::vector<std::string> trusted_proxies;
  std::string public_url;  //!< where users reach the instance; links in mail start with it
  std::chrono::minutes session_idle{0};
  std::chrono::hours session_absolute{0};
  std::chrono::hours invitation_lifetime{0};
  std::string instance_name;
  // Mail (docs/mail.md)
  std::string mail_from;  //!< addr-spec; its domain carries reply+TOKEN@ and bounce+TOKEN@
  std::string smtp_url;   //!< empty: mail goes to mail_spool
  std::string smtp_username;
  std::string smtp_password;
  bool smtp_require_tls = false;
  std::string smtp_ca_file;
  std::string mail_spool;
  std::string lmtp_listen;  //!< empty: no LMTP listener
  std::string gnupg_home;
  std::string mail_sender_id;  //!< names this instance's claims on the outbox
  bool demo_mode = false;
};

//! One documented setting: its TOML key (the environment variable is LIAISON_ + KEY in upper
//! case), its default as TOML text, and what it is for.
struct SettingInfo {
  std::string_view key;
  std::string_view default_value;
  std::string_view description;
};

//! The settings table: the single place where a setting, its default and its meaning live.
std::vector<SettingInfo> settings();

//! Reads the environment; injected so tests do not touch the real one.
using Environment = std::function<std::optional<std::string>(std::string_view name)>;
Environment process_environment();

//! Builds the configuration. Errors name the key, where the bad value came from, and what is
//! wrong with it: "listen (from LIAISON_LISTEN): expected host:port, got \"8080\"".
Result<Config> load_config(const std::optional<std::filesystem::path>& file,
                           const Environment& environment);

//! Every setting with its default and description, as a TOML file an operator can start from.
std::string render_defaults_toml();
//! The same as a Markdown page (docs/configuration.md is this output; a test keeps them equal).
std::string render_configuration_markdown();

}  // namespace liaison::app
