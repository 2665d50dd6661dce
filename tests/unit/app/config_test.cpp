#include "app/config.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdlib.h>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

namespace liaison::app {
namespace {

namespace fs = std::filesystem;

//! A fake environment: only the variables a test sets exist; it remembers what was asked.
class FakeEnvironment {
 public:
  FakeEnvironment() = default;
  FakeEnvironment(std::initializer_list<std::pair<const std::string, std::string>> values)
      : values_(values) {}

  Environment get() {
    return [this](std::string_view name) -> std::optional<std::string> {
      asked_.emplace(name);
      auto it = values_.find(std::string(name));
      if (it == values_.end()) return std::nullopt;
      return it->second;
    };
  }
  void set(std::string name, std::string value) { values_[std::move(name)] = std::move(value); }
  const std::set<std::string>& asked() const { return asked_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> asked_;
};

Environment empty_environment() {
  return [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
}

//! A configuration value written back as the TOML text `settings()` uses for its default.
std::string as_toml(const Config& config, std::string_view key) {
  auto quoted = [](const std::string& text) { return "\"" + text + "\""; };
  if (key == "database") return quoted(config.database);
  if (key == "listen") {
    auto host = config.listen_host.find(':') == std::string::npos ? config.listen_host
                                                                  : "[" + config.listen_host + "]";
    return quoted(host + ":" + std::to_string(config.listen_port));
  }
  if (key == "threads") return std::to_string(config.threads);
  if (key == "database_pool_size") return std::to_string(config.database_pool_size);
  if (key == "log_level") return quoted(config.log_level);
  if (key == "access_log") return config.access_log ? "true" : "false";
  if (key == "max_header_bytes") return std::to_string(config.max_header_bytes);
  if (key == "max_body_bytes") return std::to_string(config.max_body_bytes);
  if (key == "idle_timeout_seconds") return std::to_string(config.idle_timeout.count());
  if (key == "shutdown_timeout_seconds") return std::to_string(config.shutdown_timeout.count());
  if (key == "cache_milliseconds") return std::to_string(config.cache_lifetime.count());
  if (key == "public_url") return "\"" + config.public_url + "\"";
  if (key == "session_idle_minutes") return std::to_string(config.session_idle.count());
  if (key == "session_absolute_hours") return std::to_string(config.session_absolute.count());
  if (key == "invitation_hours") return std::to_string(config.invitation_lifetime.count());
  if (key == "tls_certificate") return quoted(config.tls_certificate);
  if (key == "tls_private_key") return quoted(config.tls_private_key);
  if (key == "trusted_proxies") {
    std::string joined;
    for (const auto& proxy : config.trusted_proxies)
      joined += (joined.empty() ? "" : ",") + proxy;
    return quoted(joined);
  }
  if (key == "instance_name") return quoted(config.instance_name);
  if (key == "mail_from") return quoted(config.mail_from);
  if (key == "smtp_url") return quoted(config.smtp_url);
  if (key == "smtp_username") return quoted(config.smtp_username);
  if (key == "smtp_password") return quoted(config.smtp_password);
  if (key == "smtp_require_tls") return config.smtp_require_tls ? "true" : "false";
  if (key == "smtp_ca_file") return quoted(config.smtp_ca_file);
  if (key == "mail_spool") return quoted(config.mail_spool);
  if (key == "lmtp_listen") return quoted(config.lmtp_listen);
  if (key == "gnupg_home") return quoted(config.gnupg_home);
  if (key == "mail_sender_id") return quoted(config.mail_sender_id);
  if (key == "demo_mode") return config.demo_mode ? "true" : "false";
  return "<unknown key " + std::string(key) + ": teach config_test.cpp about it>";
}

std::string env_name(std::string_view key) {
  std::string name = "LIAISON_";
  for (char c : key)
    name.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  return name;
}

//! A directory of its own under the system temporary directory, removed with the test.
class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pattern = (fs::temp_directory_path() / "liaison-config-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr) << "cannot create a temporary directory";
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    if (!dir_.empty()) fs::remove_all(dir_, ignored);
  }

  fs::path write(std::string_view name, std::string_view content) {
    auto path = dir_ / name;
    std::ofstream out(path, std::ios::binary);
    out << content;
    return path;
  }

  Result<Config> load_toml(std::string_view content, const Environment& environment) {
    return load_config(write("liaison.toml", content), environment);
  }
  Result<Config> load_toml(std::string_view content) {
    return load_toml(content, empty_environment());
  }
  Result<Config> load_env(std::string name, std::string value) {
    FakeEnvironment environment{{std::move(name), std::move(value)}};
    return load_config(std::nullopt, environment.get());
  }
  Result<Config> load_env(std::initializer_list<std::pair<const std::string, std::string>> values) {
    FakeEnvironment environment(values);
    return load_config(std::nullopt, environment.get());
  }
  std::string toml_path() const { return (dir_ / "liaison.toml").string(); }

  fs::path dir_;
};

std::string message_of(const Result<Config>& result) {
  return result ? "<loaded without error>" : result.error().message;
}

#define EXPECT_CONFIG_ERROR(result, expected_prefix)                                          \
  do {                                                                                        \
    const auto& config_result_ = (result);                                                    \
    ASSERT_FALSE(config_result_) << "expected an error starting with: " << (expected_prefix); \
    EXPECT_EQ(config_result_.error().code, ErrorCode::invalid_argument);                      \
    EXPECT_TRUE(config_result_.error().message.starts_with(expected_prefix))                  \
        << "message: " << config_result_.error().message                                      \
        << "\nexpected to start with: " << (expected_prefix);                                 \
  } while (false)

// --- defaults --------------------------------------------------------------------------------

TEST_F(ConfigTest, TheSettingsTableListsEveryKnownSettingOnce) {
  std::vector<std::string> keys;
  for (const auto& setting : settings())
    keys.emplace_back(setting.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"database",
                                            "listen",
                                            "threads",
                                            "database_pool_size",
                                            "log_level",
                                            "access_log",
                                            "max_header_bytes",
                                            "max_body_bytes",
                                            "idle_timeout_seconds",
                                            "cache_milliseconds",
                                            "tls_certificate",
                                            "tls_private_key",
                                            "trusted_proxies",
                                            "shutdown_timeout_seconds",
                                            "public_url",
                                            "session_idle_minutes",
                                            "session_absolute_hours",
                                            "invitation_hours",
                                            "instance_name",
                                            "mail_from",
                                            "smtp_url",
                                            "smtp_username",
                                            "smtp_password",
                                            "smtp_require_tls",
                                            "smtp_ca_file",
                                            "mail_spool",
                                            "lmtp_listen",
                                            "gnupg_home",
                                            "mail_sender_id",
                                            "demo_mode"}));
  for (const auto& setting : settings()) {
    EXPECT_FALSE(setting.description.empty()) << setting.key;
    EXPECT_FALSE(setting.default_value.empty()) << setting.key;
  }
}

TEST_F(ConfigTest, WithoutFileOrEnvironmentEverySettingHasItsDocumentedDefault) {
  auto config = load_config(std::nullopt, empty_environment());
  ASSERT_TRUE(config) << message_of(config);
  for (const auto& setting : settings()) {
    EXPECT_EQ(as_toml(*config, setting.key), setting.default_value) << setting.key;
  }
}

TEST_F(ConfigTest, DefaultValues) {
  auto config = load_config(std::nullopt, empty_environment());
  ASSERT_TRUE(config) << message_of(config);
  EXPECT_EQ(config->database, "sqlite:liaison.db");
  EXPECT_EQ(config->listen_host, "127.0.0.1");
  EXPECT_EQ(config->listen_port, 8080);
  EXPECT_EQ(config->threads, 0u);
  EXPECT_EQ(config->database_pool_size, 8u);
  EXPECT_EQ(config->log_level, "info");
  EXPECT_TRUE(config->access_log);
  EXPECT_EQ(config->max_header_bytes, 16384u);
  EXPECT_EQ(config->max_body_bytes, 1048576u);
  EXPECT_EQ(config->idle_timeout, std::chrono::seconds(30));
  EXPECT_EQ(config->shutdown_timeout, std::chrono::seconds(10));
  EXPECT_EQ(config->cache_lifetime, std::chrono::milliseconds(2000));
}

TEST_F(ConfigTest, ReadsTheLiaisonVariableOfEverySetting) {
  FakeEnvironment environment;
  ASSERT_TRUE(load_config(std::nullopt, environment.get()));
  for (const auto& setting : settings()) {
    EXPECT_TRUE(environment.asked().count(env_name(setting.key))) << env_name(setting.key);
  }
  EXPECT_TRUE(environment.asked().count("LIAISON_DATABASE_POOL_SIZE"));
  EXPECT_TRUE(environment.asked().count("LIAISON_IDLE_TIMEOUT_SECONDS"));
}

TEST_F(ConfigTest, TheDefaultsTomlLoadsToTheDefaults) {
  auto from_file = load_config(write("defaults.toml", render_defaults_toml()), empty_environment());
  ASSERT_TRUE(from_file) << message_of(from_file);
  for (const auto& setting : settings()) {
    EXPECT_EQ(as_toml(*from_file, setting.key), setting.default_value) << setting.key;
    EXPECT_NE(render_defaults_toml().find(env_name(setting.key)), std::string::npos) << setting.key;
  }
}

// --- TLS and proxies -------------------------------------------------------------------------

TEST_F(ConfigTest, TlsNeedsBothFilesAndTheyMustExist) {
  auto certificate = dir_ / "certificate.pem";
  std::ofstream(certificate) << "not checked here";
  auto only_certificate = load_env({{"LIAISON_TLS_CERTIFICATE", certificate.string()}});
  ASSERT_FALSE(only_certificate);
  EXPECT_NE(message_of(only_certificate).find("tls_private_key"), std::string::npos);

  auto missing = load_env({{"LIAISON_TLS_CERTIFICATE", certificate.string()},
                           {"LIAISON_TLS_PRIVATE_KEY", (dir_ / "absent.pem").string()}});
  ASSERT_FALSE(missing);
  EXPECT_NE(message_of(missing).find("tls_private_key (from LIAISON_TLS_PRIVATE_KEY)"),
            std::string::npos)
      << message_of(missing);

  auto both = load_env({{"LIAISON_TLS_CERTIFICATE", certificate.string()},
                        {"LIAISON_TLS_PRIVATE_KEY", certificate.string()}});
  ASSERT_TRUE(both) << message_of(both);
  EXPECT_EQ(both->tls_certificate, certificate.string());
}

TEST_F(ConfigTest, TrustedProxiesAreAddressesOrNetworks) {
  auto config = load_env({{"LIAISON_TRUSTED_PROXIES", " 127.0.0.1, 10.0.0.0/8 ,fd00::/8,"}});
  ASSERT_TRUE(config) << message_of(config);
  EXPECT_EQ(config->trusted_proxies,
            (std::vector<std::string>{"127.0.0.1", "10.0.0.0/8", "fd00::/8"}));
  for (std::string bad : {"localhost", "10.0.0.0/33", "10.0.0.0/", "::1/129"}) {
    auto rejected = load_env({{"LIAISON_TRUSTED_PROXIES", bad}});
    ASSERT_FALSE(rejected) << bad;
    EXPECT_NE(message_of(rejected).find("trusted_proxies (from LIAISON_TRUSTED_PROXIES)"),
              std::string::npos)
        << message_of(rejected);
  }
}

// --- TOML file and environment ---------------------------------------------------------------

TEST_F(ConfigTest, TomlOverridesEveryDefault) {
  auto config = load_toml(R"(# a comment
database = "postgresql://liaison@db.example/liaison"
listen = "0.0.0.0:9090"
threads = 4
database_pool_size = 16
log_level = "debug"
access_log = false
max_header_bytes = 8192
max_body_bytes = 65536
idle_timeout_seconds = 5
shutdown_timeout_seconds = 20
cache_milliseconds = 0
)");
  ASSERT_TRUE(config) << message_of(config);
  EXPECT_EQ(config->database, "postgresql://liaison@db.example/liaison");
  EXPECT_EQ(config->listen_host, "0.0.0.0");
  EXPECT_EQ(config->listen_port, 9090);
  EXPECT_EQ(config->threads, 4u);
  EXPECT_EQ(config->database_pool_size, 16u);
  EXPECT_EQ(config->log_level, "debug");
  EXPECT_FALSE(config->access_log);
  EXPECT_EQ(config->max_header_bytes, 8192u);
  EXPECT_EQ(config->max_body_bytes, 65536u);
  EXPECT_EQ(config->idle_timeout, std::chrono::seconds(5));
  EXPECT_EQ(config->shutdown_timeout, std::chrono::seconds(20));
  EXPECT_EQ(config->cache_lifetime, std::chrono::milliseconds(0));
}

TEST_F(ConfigTest, APartialTomlFileKeepsTheOtherDefaults) {
  auto config = load_toml("threads = 2\n");
  ASSERT_TRUE(config) << message_of(config);
  EXPECT_EQ(config->threads, 2u);
  EXPECT_EQ(config->listen_port, 8080);
  EXPECT_EQ(config->database, "sqlite:liaison.db");
}

TEST_F(ConfigTest, AnEmptyTomlFileGivesTheDefaults) {
  auto config = load_toml("");
  ASSERT_TRUE(config) << message_of(config);
  EXPECT_EQ(config->listen_port, 8080);
}

TEST_F(ConfigTest, EnvironmentOverridesDefaults) {
  FakeEnvironment environment{{"LIAISON_DATABASE", "sqlite:///var/lib/liaison/liaison.db"},
                              {"LIAISON_LISTEN", "127.0.0.1:0"},
                              {"LIAISON_THREADS", "3"},
                              {"LIAISON_DATABASE_POOL_SIZE", "2"},
                              {"LIAISON_LOG_LEVEL", "warn"},
                              {"LIAISON_ACCESS_LOG", "false"},
                              {"LIAISON_MAX_HEADER_BYTES", "4096"},
                              {"LIAISON_MAX_BODY_BYTES", "0"},
                              {"LIAISON_IDLE_TIMEOUT_SECONDS", "60"},
                              {"LIAISON_SHUTDOWN_TIMEOUT_SECONDS", "1"},
                              {"LIAISON_CACHE_MILLISECONDS", "250"}};
  auto config = load_config(std::nullopt, environment.get());
  ASSERT_TRUE(config) << message_of(config);
  EXPECT_EQ(config->database, "sqlite:///var/lib/liaison/liaison.db");
  EXPECT_EQ(config->listen_port, 0);
  EXPECT_EQ(config->threads, 3u);
  EXPECT_EQ(config->database_pool_size, 2u);
  EXPECT_EQ(config->log_level, "warn");
  EXPECT_FALSE(config->access_log);
  EXPECT_EQ(config->max_header_bytes, 4096u);
  EXPECT_EQ(config->max_body_bytes, 0u);
  EXPECT_EQ(config->idle_timeout, std::chrono::seconds(60));
  EXPECT_EQ(config->shutdown_timeout, std::chrono::seconds(1));
  EXPECT_EQ(config->cache_lifetime, std::chrono::milliseconds(250));
}

TEST_F(ConfigTest, EnvironmentOverridesToml) {
  FakeEnvironment environment{{"LIAISON_LISTEN", "0.0.0.0:9001"}, {"LIAISON_THREADS", "7"}};
  auto config = load_toml("listen = \"127.0.0.1:9000\"\nthreads = 2\nlog_level = \"error\"\n",
                          environment.get());
  ASSERT_TRUE(config) << message_of(config);
  EXPECT_EQ(config->listen_host, "0.0.0.0");
  EXPECT_EQ(config->listen_port, 9001);
  EXPECT_EQ(config->threads, 7u);
  EXPECT_EQ(config->log_level, "error");  // not in the environment: the file's value
}

TEST_F(ConfigTest, AValidEnvironmentValueReplacesABadTomlValue) {
  FakeEnvironment environment{{"LIAISON_THREADS", "4"}};
  auto config = load_toml("threads = 100000\n", environment.get());
  ASSERT_TRUE(config) << message_of(config);
  EXPECT_EQ(config->threads, 4u);
}

TEST_F(ConfigTest, OtherEnvironmentVariablesAreIgnored) {
  FakeEnvironment environment{{"LISTEN", "x"}, {"liaison_listen", "x"}, {"LIAISON_PORT", "1"}};
  auto config = load_config(std::nullopt, environment.get());
  ASSERT_TRUE(config) << message_of(config);
  EXPECT_EQ(config->listen_port, 8080);
}

// --- errors name the key and where the value came from --------------------------------------

TEST_F(ConfigTest, EnvironmentErrorNamesKeyVariableAndValue) {
  auto result = load_env("LIAISON_LISTEN", "8080");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(result.error().message,
            "listen (from LIAISON_LISTEN): expected host:port, got \"8080\"");
}

TEST_F(ConfigTest, TomlErrorNamesKeyFileAndLine) {
  auto result = load_toml("# settings\n\nthreads = 999\n");
  EXPECT_CONFIG_ERROR(result, "threads (from " + toml_path() + ", line 3): ");
  EXPECT_NE(message_of(result).find("999"), std::string::npos) << message_of(result);
}

TEST_F(ConfigTest, TomlValueOfTheWrongTypeNamesKeyFileAndLine) {
  EXPECT_CONFIG_ERROR(load_toml("listen = 8080\n"), "listen (from " + toml_path() + ", line 1): ");
  EXPECT_CONFIG_ERROR(load_toml("\nthreads = 4.5\n"),
                      "threads (from " + toml_path() + ", line 2): ");
  EXPECT_CONFIG_ERROR(load_toml("threads = true\n"),
                      "threads (from " + toml_path() + ", line 1): ");
  EXPECT_CONFIG_ERROR(load_toml("access_log = 1\n"),
                      "access_log (from " + toml_path() + ", line 1): ");
  EXPECT_CONFIG_ERROR(load_toml("log_level = [\"info\"]\n"),
                      "log_level (from " + toml_path() + ", line 1): ");
  EXPECT_CONFIG_ERROR(load_toml("database = { url = \"sqlite:x.db\" }\n"),
                      "database (from " + toml_path() + ", line 1): ");
}

TEST_F(ConfigTest, UnknownTomlKeyIsRejectedNamingKeyFileAndLine) {
  auto result = load_toml("threads = 2\n\ncolour = \"blue\"\n");
  EXPECT_CONFIG_ERROR(result, "colour (in " + toml_path() + ", line 3): unknown setting");
}

TEST_F(ConfigTest, MisspelledTomlKeyIsRejected) {
  EXPECT_CONFIG_ERROR(load_toml("databse = \"sqlite:x.db\"\n"), "databse (in " + toml_path());
  EXPECT_CONFIG_ERROR(load_toml("LISTEN = \"127.0.0.1:1\"\n"), "LISTEN (in " + toml_path());
}

TEST_F(ConfigTest, TomlTablesAreUnknownSettings) {
  EXPECT_CONFIG_ERROR(load_toml("threads = 1\n[server]\nlisten = \"127.0.0.1:1\"\n"),
                      "server (in " + toml_path() + ", line 2)");
}

TEST_F(ConfigTest, TomlSyntaxErrorNamesFileLineAndColumn) {
  auto result = load_toml("threads = 2\nlisten = = \"x\"\n");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::invalid_argument);
  // The second "=" of `listen = = "x"`, line 2, column 10, then what toml++ says about it.
  auto message = result.error().message;
  EXPECT_TRUE(message.starts_with(toml_path() + ":2:10: ")) << message;
  EXPECT_GT(message.size(), (toml_path() + ":2:10: ").size()) << message;
}

TEST_F(ConfigTest, DuplicateTomlKeyIsASyntaxError) {
  auto result = load_toml("threads = 2\nthreads = 3\n");
  ASSERT_FALSE(result);
  EXPECT_TRUE(result.error().message.starts_with(toml_path() + ":2:")) << message_of(result);
}

TEST_F(ConfigTest, MissingTomlFileIsAnErrorNamingIt) {
  auto missing = dir_ / "no-such-file.toml";
  auto result = load_config(missing, empty_environment());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(result.error().message.find(missing.string()), std::string::npos)
      << result.error().message;
}

// --- listen ----------------------------------------------------------------------------------

TEST_F(ConfigTest, ListenAcceptsIpv4AndPortsAtTheEdges) {
  for (auto [text, host, port] :
       {std::tuple{"127.0.0.1:0", "127.0.0.1", 0}, std::tuple{"0.0.0.0:1", "0.0.0.0", 1},
        std::tuple{"192.0.2.1:65535", "192.0.2.1", 65535}}) {
    auto config = load_env("LIAISON_LISTEN", text);
    ASSERT_TRUE(config) << text << ": " << message_of(config);
    EXPECT_EQ(config->listen_host, host);
    EXPECT_EQ(config->listen_port, port);
  }
}

TEST_F(ConfigTest, ListenAcceptsBracketedIpv6) {
  auto loopback = load_env("LIAISON_LISTEN", "[::1]:8080");
  ASSERT_TRUE(loopback) << message_of(loopback);
  EXPECT_EQ(loopback->listen_host, "::1");
  EXPECT_EQ(loopback->listen_port, 8080);

  auto any = load_toml("listen = \"[::]:443\"\n");
  ASSERT_TRUE(any) << message_of(any);
  EXPECT_EQ(any->listen_host, "::");
  EXPECT_EQ(any->listen_port, 443);

  auto documentation = load_env("LIAISON_LISTEN", "[2001:db8::10]:8443");
  ASSERT_TRUE(documentation) << message_of(documentation);
  EXPECT_EQ(documentation->listen_host, "2001:db8::10");
  EXPECT_EQ(documentation->listen_port, 8443);
}

TEST_F(ConfigTest, ListenRejectsBadPorts) {
  for (std::string text : {"127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:http", "127.0.0.1:",
                           "127.0.0.1:80 ", "127.0.0.1: 80", "127.0.0.1:+80", "127.0.0.1:8o",
                           "127.0.0.1:99999999999999999999", "[::1]:70000", "[::1]:"}) {
    SCOPED_TRACE(text);
    EXPECT_CONFIG_ERROR(load_env("LIAISON_LISTEN", text), "listen (from LIAISON_LISTEN): ");
    EXPECT_NE(message_of(load_env("LIAISON_LISTEN", text)).find(text), std::string::npos);
  }
}

TEST_F(ConfigTest, ListenRejectsAMissingHostOrPort) {
  for (std::string text : {"", "8080", ":8080", "127.0.0.1", "[::1]", "[::1:8080", "[:8080"}) {
    SCOPED_TRACE(text);
    EXPECT_CONFIG_ERROR(load_env("LIAISON_LISTEN", text), "listen (from LIAISON_LISTEN): ");
  }
}

TEST_F(ConfigTest, ListenRejectsAnEmptyBracketedHost) {
  EXPECT_CONFIG_ERROR(load_env("LIAISON_LISTEN", "[]:8080"), "listen (from LIAISON_LISTEN): ");
}

TEST_F(ConfigTest, ListenRejectsIpv6WithoutBrackets) {
  // "::1" would otherwise read as host ":" and port 1, "fe80::1" as host "fe80:" and port 1.
  for (std::string text : {"::1", "fe80::1", "::1:8080", "2001:db8::1:443"}) {
    SCOPED_TRACE(text);
    auto result = load_env("LIAISON_LISTEN", text);
    if (result) {
      ADD_FAILURE() << "accepted as host \"" << result->listen_host << "\" port "
                    << result->listen_port;
    } else {
      EXPECT_TRUE(result.error().message.starts_with("listen (from LIAISON_LISTEN): "))
          << result.error().message;
    }
  }
}

// --- database, log level ---------------------------------------------------------------------

TEST_F(ConfigTest, DatabaseAcceptsSqliteAndPostgresqlUrls) {
  for (std::string url : {"sqlite:liaison.db", "sqlite:///var/lib/liaison/liaison.db",
                          "postgresql://liaison:secret@localhost:5432/liaison",
                          "postgres://localhost/liaison", "postgresql:///liaison?host=/run/pg"}) {
    auto config = load_env("LIAISON_DATABASE", url);
    ASSERT_TRUE(config) << url << ": " << message_of(config);
    EXPECT_EQ(config->database, url);
  }
}

TEST_F(ConfigTest, DatabaseRejectsOtherSchemes) {
  for (std::string url : {"mysql://localhost/liaison", "liaison.db", "/var/lib/liaison.db", "",
                          "postgresql:liaison", "file:liaison.db", "sqlite3:liaison.db"}) {
    SCOPED_TRACE(url);
    auto result = load_env("LIAISON_DATABASE", url);
    EXPECT_CONFIG_ERROR(result, "database (from LIAISON_DATABASE): ");
    EXPECT_NE(message_of(result).find("\"" + url + "\""), std::string::npos) << message_of(result);
  }
  EXPECT_CONFIG_ERROR(load_toml("database = \"mysql://x\"\n"),
                      "database (from " + toml_path() + ", line 1): ");
}

TEST_F(ConfigTest, LogLevelAcceptsEachLevel) {
  for (std::string level : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    auto config = load_env("LIAISON_LOG_LEVEL", level);
    ASSERT_TRUE(config) << level << ": " << message_of(config);
    EXPECT_EQ(config->log_level, level);
  }
}

TEST_F(ConfigTest, LogLevelRejectsOthersListingTheChoices) {
  for (std::string level : {"verbose", "warning", "", "information"}) {
    SCOPED_TRACE(level);
    auto result = load_env("LIAISON_LOG_LEVEL", level);
    EXPECT_CONFIG_ERROR(result, "log_level (from LIAISON_LOG_LEVEL): ");
    EXPECT_NE(message_of(result).find("trace, debug, info, warn, error, critical"),
              std::string::npos)
        << message_of(result);
  }
}

// --- booleans --------------------------------------------------------------------------------

TEST_F(ConfigTest, BooleansFromTheEnvironment) {
  for (std::string text : {"true", "TRUE", "True", "1", "yes", "on"}) {
    auto config = load_env("LIAISON_ACCESS_LOG", text);
    ASSERT_TRUE(config) << text << ": " << message_of(config);
    EXPECT_TRUE(config->access_log) << text;
  }
  for (std::string text : {"false", "FALSE", "0", "no", "off", "Off"}) {
    auto config = load_env("LIAISON_ACCESS_LOG", text);
    ASSERT_TRUE(config) << text << ": " << message_of(config);
    EXPECT_FALSE(config->access_log) << text;
  }
}

TEST_F(ConfigTest, BooleansRejectAnythingElse) {
  EXPECT_EQ(message_of(load_env("LIAISON_ACCESS_LOG", "maybe")),
            "access_log (from LIAISON_ACCESS_LOG): expected true or false, got \"maybe\"");
  for (std::string text : {"", "2", "-1", " true", "y", "enabled", "truee"}) {
    SCOPED_TRACE(text);
    EXPECT_CONFIG_ERROR(load_env("LIAISON_ACCESS_LOG", text),
                        "access_log (from LIAISON_ACCESS_LOG): expected true or false");
  }
}

TEST_F(ConfigTest, BooleansFromToml) {
  auto off = load_toml("access_log = false\n");
  ASSERT_TRUE(off) << message_of(off);
  EXPECT_FALSE(off->access_log);
  auto on = load_toml("access_log = true\n");
  ASSERT_TRUE(on) << message_of(on);
  EXPECT_TRUE(on->access_log);
}

// --- integers --------------------------------------------------------------------------------

struct IntegerRange {
  std::string key;
  std::int64_t minimum;
  std::int64_t maximum;
};

class ConfigIntegerTest : public ConfigTest, public ::testing::WithParamInterface<IntegerRange> {};

TEST_P(ConfigIntegerTest, AcceptsBothEndsOfTheRange) {
  const auto& range = GetParam();
  for (auto value : {range.minimum, range.maximum}) {
    auto from_env = load_env(env_name(range.key), std::to_string(value));
    ASSERT_TRUE(from_env) << message_of(from_env);
    EXPECT_EQ(as_toml(*from_env, range.key), std::to_string(value));
    auto from_toml = load_toml(range.key + " = " + std::to_string(value) + "\n");
    ASSERT_TRUE(from_toml) << message_of(from_toml);
    EXPECT_EQ(as_toml(*from_toml, range.key), std::to_string(value));
  }
}

TEST_P(ConfigIntegerTest, RejectsJustOutsideTheRangeSayingWhatIsAllowed) {
  const auto& range = GetParam();
  auto expected =
      "must be between " + std::to_string(range.minimum) + " and " + std::to_string(range.maximum);
  for (auto value : {range.minimum - 1, range.maximum + 1}) {
    auto variable = env_name(range.key);
    auto from_env = load_env(variable, std::to_string(value));
    EXPECT_CONFIG_ERROR(from_env, range.key + " (from " + variable + "): " + expected);
    EXPECT_NE(message_of(from_env).find(std::to_string(value)), std::string::npos);
    auto from_toml = load_toml(range.key + " = " + std::to_string(value) + "\n");
    EXPECT_CONFIG_ERROR(from_toml, range.key + " (from " + toml_path() + ", line 1): " + expected);
  }
}

TEST_P(ConfigIntegerTest, RejectsTextThatIsNotAWholeNumber) {
  const auto& range = GetParam();
  auto variable = env_name(range.key);
  for (std::string text :
       {"", "abc", "4.0", "1e3", " 4", "4 ", "0x10", "4k", "+4", "99999999999999999999"}) {
    SCOPED_TRACE(text);
    EXPECT_CONFIG_ERROR(load_env(variable, text),
                        range.key + " (from " + variable + "): expected a whole number");
  }
}

INSTANTIATE_TEST_SUITE_P(EverySetting, ConfigIntegerTest,
                         ::testing::Values(IntegerRange{"threads", 0, 256},
                                           IntegerRange{"database_pool_size", 1, 1024},
                                           IntegerRange{"max_header_bytes", 1024, 1024 * 1024},
                                           IntegerRange{"max_body_bytes", 0, std::int64_t{1} << 32},
                                           IntegerRange{"idle_timeout_seconds", 1, 3600},
                                           IntegerRange{"shutdown_timeout_seconds", 1, 3600},
                                           IntegerRange{"cache_milliseconds", 0, 3'600'000}),
                         [](const ::testing::TestParamInfo<IntegerRange>& param_info) {
                           return param_info.param.key;
                         });

// --- generated documentation -----------------------------------------------------------------

TEST(ConfigurationMarkdown, HasARowForEverySetting) {
  auto markdown = render_configuration_markdown();
  EXPECT_TRUE(markdown.starts_with("# Configuration\n")) << markdown;
  for (const auto& setting : settings()) {
    auto row = "| `" + std::string(setting.key) + "` | `" + env_name(setting.key) + "` | `" +
               std::string(setting.default_value) + "` | ";
    EXPECT_NE(markdown.find(row), std::string::npos) << row;
  }
}

TEST(ConfigurationMarkdown, DocsConfigurationMdIsTheGeneratedPage) {
  const fs::path path = fs::path(LIAISON_SOURCE_DIR) / "docs" / "configuration.md";
  const std::string regenerate =
      "\nRegenerate it from the repository root with:\n"
      "  build/dev/src/app/liaison config --markdown > docs/configuration.md";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path.string() << " does not exist." << regenerate;
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_TRUE(content.str() == render_configuration_markdown())
      << path.string() << " differs from `liaison config --markdown`." << regenerate;
}

}  // namespace
}  // namespace liaison::app
