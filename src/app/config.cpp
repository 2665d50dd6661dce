#include "app/config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <map>
#include <thread>
#include <variant>

#include <boost/url/parse.hpp>
#include <fmt/format.h>
#include <toml++/toml.h>

#include "base/text.h"
#include "web/client_origin.h"

namespace liaison::app {
namespace {

// A value as found, before it is checked: TOML gives typed values, the environment only text.
struct RawValue {
  std::variant<std::string, std::int64_t, bool> value;
  std::string source;
};

constexpr SettingInfo kSettings[] = {
    {"database", "\"sqlite:liaison.db\"",
     "Store URL: `sqlite:///absolute/path.db`, `sqlite:relative/path.db`, or "
     "`postgresql://user:password@host:port/database` (any URL libpq accepts)."},
    {"listen", "\"127.0.0.1:8080\"",
     "Address and port the HTTP server listens on: `host:port`, `[::1]:8080` for IPv6. Port 0 "
     "picks a free port."},
    {"threads", "0", "Threads serving HTTP requests; 0 means one per processor core."},
    {"database_pool_size", "8", "Most database connections open at once (SQLite: readers)."},
    {"log_level", "\"info\"",
     "Least severe application log level written to standard error: `trace`, `debug`, `info`, "
     "`warn`, `error`, `critical`, `off`."},
    {"access_log", "true", "Write one JSON line per HTTP request to standard output."},
    {"max_header_bytes", "16384",
     "Largest request header block accepted; larger requests get 431."},
    {"max_body_bytes", "1048576", "Largest request body accepted; larger requests get 413."},
    {"idle_timeout_seconds", "30",
     "Seconds a connection may wait for a complete request, or a response take to send, "
     "before it is closed."},
    {"cache_milliseconds", "2000",
     "How long reference data read from the database (organisations, members, states) may be "
     "served from memory; changes made by other instances or `liaison migrate` show after at most "
     "this long. 0 turns the cache off."},
    {"tls_certificate", "\"\"",
     "PEM certificate chain for serving HTTPS directly; empty serves plain HTTP (behind a TLS "
     "proxy, or on loopback)."},
    {"tls_private_key", "\"\"", "PEM private key of `tls_certificate`; set both or neither."},
    {"trusted_proxies", "\"\"",
     "Comma-separated IP addresses or CIDR networks of reverse proxies whose `X-Forwarded-For` "
     "and `X-Forwarded-Proto` headers are believed; requests from anyone else are taken at face "
     "value."},
    {"shutdown_timeout_seconds", "10",
     "On SIGTERM, seconds to let in-flight requests finish before the process exits anyway."},
    {"public_url", "\"http://127.0.0.1:8080\"",
     "The address users reach this instance at (scheme, host and port, no path); invitation "
     "links and other links in mail start with it."},
    {"session_idle_minutes", "30",
     "Minutes without a request after which a signed-in session ends."},
    {"session_absolute_hours", "12",
     "Hours after sign-in at which a session ends however active it is."},
    {"invitation_hours", "72", "Hours an invitation link stays valid."},
    {"instance_name", "\"Liaison\"",
     "The name this instance goes by in mail and in authenticator apps."},
    {"mail_from", "\"liaison@localhost\"",
     "The address mail comes from. Its domain also receives the answers: replies go to "
     "`reply+TOKEN@` and bounces to `bounce+TOKEN@` that domain, so its MTA must hand them to the "
     "LMTP listener (`lmtp_listen`) or to `liaison mail ingest`."},
    {"smtp_url", "\"\"",
     "The SMTP relay mail is sent through: `smtp://host:port` (STARTTLS when the relay offers "
     "it) or `smtps://host:port` (TLS from the start). Empty: mail is written to `mail_spool` "
     "instead of being sent."},
    {"smtp_username", "\"\"", "User name for SMTP AUTH at the relay; empty: no AUTH."},
    {"smtp_password", "\"\"", "Password for SMTP AUTH (better set as LIAISON_SMTP_PASSWORD)."},
    {"smtp_require_tls", "false",
     "Refuse to send over `smtp://` unless the relay agrees to STARTTLS."},
    {"smtp_ca_file", "\"\"",
     "PEM file of the authorities the relay's certificate is checked against; empty: the "
     "system's."},
    {"mail_spool", "\"mail-spool\"",
     "Directory that receives each message as a `.eml` file when `smtp_url` is empty."},
    {"lmtp_listen", "\"\"",
     "Where the LMTP listener for replies and bounces listens: `127.0.0.1:2424`, `[::1]:2424` "
     "or `unix:/run/liaison/lmtp.sock`. Empty: no listener."},
    {"gnupg_home", "\"gnupg\"",
     "GnuPG home directory that holds this instance's own OpenPGP key (created on first start): "
     "outgoing mail is signed with it, and answers encrypted to it are read with it."},
    {"mail_sender_id", "\"\"",
     "Names this instance's hold on messages it is sending; instances sharing one database need "
     "different ones. Empty: the host name."},
    {"demo_mode", "false",
     "Demonstration instance: shows the mail spool as a mailbox page with a button that "
     "simulates a reply. Never on a real instance."},
};

std::string env_name(std::string_view key) {
  return "LIAISON_" + ascii_upper(key);
}

Error config_error(std::string_view key, const RawValue& raw, std::string_view problem) {
  return Error::invalid_argument(fmt::format("{} (from {}): {}", key, raw.source, problem));
}

std::string describe(const RawValue& raw) {
  return std::visit(
      [](const auto& value) -> std::string {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::string>)
          return fmt::format("\"{}\"", value);
        else if constexpr (std::is_same_v<T, bool>)
          return value ? "true" : "false";
        else
          return std::to_string(value);
      },
      raw.value);
}

Result<std::string> as_string(std::string_view key, const RawValue& raw) {
  if (const auto* text = std::get_if<std::string>(&raw.value)) return *text;
  return config_error(key, raw, fmt::format("expected a string, got {}", describe(raw)));
}

Result<std::int64_t> as_integer(std::string_view key, const RawValue& raw, std::int64_t minimum,
                                std::int64_t maximum) {
  std::int64_t number = 0;
  if (const auto* integer = std::get_if<std::int64_t>(&raw.value)) {
    number = *integer;
  } else if (const auto* text = std::get_if<std::string>(&raw.value)) {
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), number);
    if (ec != std::errc{} || end != text->data() + text->size() || text->empty()) {
      return config_error(key, raw, fmt::format("expected a whole number, got \"{}\"", *text));
    }
  } else {
    return config_error(key, raw, fmt::format("expected a whole number, got {}", describe(raw)));
  }
  if (number < minimum || number > maximum) {
    return config_error(key, raw,
                        fmt::format("must be between {} and {}, got {}", minimum, maximum, number));
  }
  return number;
}

Result<bool> as_boolean(std::string_view key, const RawValue& raw) {
  if (const auto* boolean = std::get_if<bool>(&raw.value)) return *boolean;
  if (const auto* text = std::get_if<std::string>(&raw.value)) {
    auto lower = ascii_lower(*text);
    if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return true;
    if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return false;
  }
  return config_error(key, raw, fmt::format("expected true or false, got {}", describe(raw)));
}

Result<RawValue> from_toml(std::string_view key, const toml::node& node,
                           const std::string& source) {
  if (auto text = node.value<std::string>(); text && node.is_string())
    return RawValue{*text, source};
  if (node.is_integer()) return RawValue{*node.value<std::int64_t>(), source};
  if (node.is_boolean()) return RawValue{*node.value<bool>(), source};
  return Error::invalid_argument(
      fmt::format("{} (from {}): expected a string, number or boolean", key, source));
}

Result<void> parse_listen(const RawValue& raw, Config& config) {
  auto text = as_string("listen", raw);
  if (!text) return text.error();
  auto colon = text->rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text->size()) {
    return config_error("listen", raw, fmt::format("expected host:port, got \"{}\"", *text));
  }
  auto host = text->substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') {
      return config_error("listen", raw, fmt::format("expected [ipv6]:port, got \"{}\"", *text));
    }
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return config_error(
        "listen", raw,
        fmt::format("write an IPv6 address in brackets, [addr]:port; got \"{}\"", *text));
  }
  RawValue port{text->substr(colon + 1), raw.source};
  auto number = as_integer("listen", port, 0, 65535);
  if (!number) {
    return config_error("listen", raw,
                        fmt::format("the port in \"{}\" must be a number from 0 to 65535", *text));
  }
  config.listen_host = host;
  config.listen_port = static_cast<std::uint16_t>(*number);
  return {};
}

Result<void> parse_database(const RawValue& raw, Config& config) {
  auto text = as_string("database", raw);
  if (!text) return text.error();
  if (!text->starts_with("sqlite:") && !text->starts_with("postgresql://") &&
      !text->starts_with("postgres://")) {
    return config_error(
        "database", raw,
        fmt::format("expected a URL starting with sqlite: or postgresql://, got \"{}\"", *text));
  }
  config.database = *text;
  return {};
}

Result<void> apply(std::string_view key, const RawValue& raw, Config& config) {
  if (key == "database") return parse_database(raw, config);
  if (key == "listen") return parse_listen(raw, config);
  if (key == "threads") {
    auto value = as_integer(key, raw, 0, 256);
    if (!value) return value.error();
    config.threads = static_cast<unsigned>(*value);
    return {};
  }
  if (key == "database_pool_size") {
    auto value = as_integer(key, raw, 1, 1024);
    if (!value) return value.error();
    config.database_pool_size = static_cast<std::size_t>(*value);
    return {};
  }
  if (key == "log_level") {
    auto value = as_string(key, raw);
    if (!value) return value.error();
    static constexpr std::string_view kLevels[] = {"trace", "debug",    "info", "warn",
                                                   "error", "critical", "off"};
    if (std::find(std::begin(kLevels), std::end(kLevels), *value) == std::end(kLevels)) {
      return config_error(key, raw,
                          fmt::format("expected one of trace, debug, info, warn, error, critical, "
                                      "off; got \"{}\"",
                                      *value));
    }
    config.log_level = *value;
    return {};
  }
  if (key == "access_log") {
    auto value = as_boolean(key, raw);
    if (!value) return value.error();
    config.access_log = *value;
    return {};
  }
  if (key == "max_header_bytes") {
    auto value = as_integer(key, raw, 1024, std::int64_t{1024} * 1024);
    if (!value) return value.error();
    config.max_header_bytes = static_cast<std::uint32_t>(*value);
    return {};
  }
  if (key == "max_body_bytes") {
    auto value = as_integer(key, raw, 0, std::int64_t{1} << 32);
    if (!value) return value.error();
    config.max_body_bytes = static_cast<std::uint64_t>(*value);
    return {};
  }
  if (key == "tls_certificate" || key == "tls_private_key") {
    auto value = as_string(key, raw);
    if (!value) return value.error();
    std::error_code ec;
    if (!value->empty() && !std::filesystem::is_regular_file(*value, ec)) {
      return config_error(key, raw,
                          fmt::format("no such file \"{}\"{}", *value,
                                      ec ? fmt::format(" ({})", ec.message()) : std::string()));
    }
    (key == "tls_certificate" ? config.tls_certificate : config.tls_private_key) = *value;
    return {};
  }
  if (key == "trusted_proxies") {
    auto value = as_string(key, raw);
    if (!value) return value.error();
    config.trusted_proxies.clear();
    std::string_view rest = *value;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      item = trim_blanks(item);
      if (item.empty()) continue;
      config.trusted_proxies.emplace_back(item);
    }
    if (auto parsed = web::TrustedProxies::parse(config.trusted_proxies); !parsed) {
      return config_error(key, raw, parsed.error().message);
    }
    return {};
  }
  if (key == "cache_milliseconds") {
    auto value = as_integer(key, raw, 0, 3'600'000);
    if (!value) return value.error();
    config.cache_lifetime = std::chrono::milliseconds(*value);
    return {};
  }
  if (key == "public_url") {
    auto value = as_string(key, raw);
    if (!value) return value.error();
    auto url = boost::urls::parse_absolute_uri(*value);
    if (!url || (url->scheme() != "http" && url->scheme() != "https") || url->host().empty() ||
        (!url->path().empty() && url->path() != "/") || url->has_query()) {
      return config_error(key, raw, "expected http(s)://host[:port] without a path");
    }
    config.public_url = *value;
    while (config.public_url.ends_with('/'))
      config.public_url.pop_back();
    return {};
  }
  if (key == "instance_name" || key == "smtp_username" || key == "smtp_password" ||
      key == "mail_spool" || key == "gnupg_home" || key == "mail_sender_id") {
    auto value = as_string(key, raw);
    if (!value) return value.error();
    if ((key == "instance_name" || key == "mail_spool" || key == "gnupg_home") &&
        trim_blanks(*value).empty())
      return config_error(key, raw, "must not be empty");
    std::string* targets[] = {&config.instance_name, &config.smtp_username, &config.smtp_password,
                              &config.mail_spool,    &config.gnupg_home,    &config.mail_sender_id};
    constexpr std::string_view kKeys[] = {"instance_name", "smtp_username", "smtp_password",
                                          "mail_spool",    "gnupg_home",    "mail_sender_id"};
    for (std::size_t i = 0; i < std::size(kKeys); ++i)
      if (kKeys[i] == key) *targets[i] = *value;
    return {};
  }
  if (key == "mail_from") {
    auto value = as_string(key, raw);
    if (!value) return value.error();
    auto at = value->find('@');
    if (at == std::string::npos || at == 0 || at + 1 == value->size() ||
        value->find_first_of(" \t<>\"\r\n", 0) != std::string::npos ||
        value->find('@', at + 1) != std::string::npos)
      return config_error(key, raw,
                          fmt::format("expected an address like liaison@example.org, "
                                      "got \"{}\"",
                                      *value));
    config.mail_from = *value;
    return {};
  }
  if (key == "smtp_url") {
    auto value = as_string(key, raw);
    if (!value) return value.error();
    if (!value->empty()) {
      auto url = boost::urls::parse_absolute_uri(*value);
      if (!url || (url->scheme() != "smtp" && url->scheme() != "smtps") || url->host().empty())
        return config_error(key, raw, "expected smtp://host:port or smtps://host:port");
    }
    config.smtp_url = *value;
    return {};
  }
  if (key == "smtp_ca_file") {
    auto value = as_string(key, raw);
    if (!value) return value.error();
    std::error_code ec;
    if (!value->empty() && !std::filesystem::is_regular_file(*value, ec))
      return config_error(key, raw, fmt::format("no such file \"{}\"", *value));
    config.smtp_ca_file = *value;
    return {};
  }
  if (key == "lmtp_listen") {
    auto value = as_string(key, raw);
    if (!value) return value.error();
    if (!value->empty() && !value->starts_with("unix:/")) {
      RawValue listen{*value, raw.source};
      Config scratch;
      if (auto parsed = parse_listen(listen, scratch); !parsed)
        return config_error(key, raw,
                            fmt::format("expected host:port or unix:/path, got \"{}\"", *value));
    }
    config.lmtp_listen = *value;
    return {};
  }
  if (key == "smtp_require_tls" || key == "demo_mode") {
    auto value = as_boolean(key, raw);
    if (!value) return value.error();
    (key == "demo_mode" ? config.demo_mode : config.smtp_require_tls) = *value;
    return {};
  }
  if (key == "session_idle_minutes") {
    auto value = as_integer(key, raw, 1, std::int64_t{24} * 60);
    if (!value) return value.error();
    config.session_idle = std::chrono::minutes(*value);
    return {};
  }
  if (key == "session_absolute_hours" || key == "invitation_hours") {
    auto value = as_integer(key, raw, 1, std::int64_t{24} * 30);
    if (!value) return value.error();
    (key == "session_absolute_hours" ? config.session_absolute : config.invitation_lifetime) =
        std::chrono::hours(*value);
    return {};
  }
  if (key == "idle_timeout_seconds" || key == "shutdown_timeout_seconds") {
    auto value = as_integer(key, raw, 1, 3600);
    if (!value) return value.error();
    auto& target = key == "idle_timeout_seconds" ? config.idle_timeout : config.shutdown_timeout;
    target = std::chrono::seconds(*value);
    return {};
  }
  return Error::internal(fmt::format("setting {} has no parser", key));
}

}  // namespace

std::vector<SettingInfo> settings() {
  return {std::begin(kSettings), std::end(kSettings)};
}

Environment process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

Result<Config> load_config(const std::optional<std::filesystem::path>& file,
                           const Environment& environment) {
  std::map<std::string, RawValue, std::less<>> raw;
  for (const auto& setting : kSettings) {
    auto parsed = toml::parse(fmt::format("value = {}", setting.default_value));
    auto value = from_toml(setting.key, *parsed.get("value"), "the default");
    if (!value) return value.error();
    raw.insert_or_assign(std::string(setting.key), *value);
  }

  if (file) {
    toml::table table;
    try {
      table = toml::parse_file(file->string());
    } catch (const toml::parse_error& error) {
      const auto& where = error.source().begin;
      return Error::invalid_argument(fmt::format("{}:{}:{}: {}", file->string(), where.line,
                                                 where.column, error.description()));
    }
    for (const auto& [key, node] : table) {
      std::string_view name = key.str();
      auto known = std::find_if(std::begin(kSettings), std::end(kSettings),
                                [&](const SettingInfo& setting) { return setting.key == name; });
      if (known == std::end(kSettings)) {
        return Error::invalid_argument(fmt::format(
            "{} (in {}, line {}): unknown setting; `liaison config --defaults` lists them all",
            name, file->string(), key.source().begin.line));
      }
      auto value = from_toml(name, node,
                             fmt::format("{}, line {}", file->string(), node.source().begin.line));
      if (!value) return value.error();
      raw.insert_or_assign(std::string(name), *value);
    }
  }

  for (const auto& setting : kSettings) {
    auto name = env_name(setting.key);
    if (auto value = environment(name))
      raw.insert_or_assign(std::string(setting.key), RawValue{*value, name});
  }

  Config config;
  for (const auto& setting : kSettings) {
    LIAISON_TRY(apply(setting.key, raw.at(std::string(setting.key)), config));
  }
  if (config.tls_certificate.empty() != config.tls_private_key.empty()) {
    const auto& missing = config.tls_certificate.empty() ? "tls_certificate" : "tls_private_key";
    return Error::invalid_argument(
        fmt::format("{}: set tls_certificate and tls_private_key together", missing));
  }
  return config;
}

std::string render_defaults_toml() {
  std::string out =
      "# Liaison configuration: every setting with its default.\n"
      "# Each one can also be set by the environment variable LIAISON_<KEY>, which wins.\n";
  for (const auto& setting : kSettings) {
    out += fmt::format("\n# {} (env {})\n{} = {}\n", setting.description, env_name(setting.key),
                       setting.key, setting.default_value);
  }
  return out;
}

std::string render_configuration_markdown() {
  std::string out =
      "# Configuration\n\n"
      "Liaison reads its settings, from lowest to highest precedence, from the defaults below, "
      "from\n"
      "the TOML file given with `liaison --config FILE`, and from environment variables named\n"
      "`LIAISON_<KEY>` (for example `LIAISON_DATABASE`). An unknown key or a bad value stops the\n"
      "program with a message naming the key and exit code 2.\n\n"
      "`liaison config --defaults` prints the same table as a TOML file to start from.\n"
      "This page is generated by `liaison config --markdown`; a test keeps it in step.\n\n"
      "| key | environment | default | meaning |\n|---|---|---|---|\n";
  for (const auto& setting : kSettings) {
    out += fmt::format("| `{}` | `{}` | `{}` | {} |\n", setting.key, env_name(setting.key),
                       setting.default_value, setting.description);
  }
  return out;
}

}  // namespace liaison::app
