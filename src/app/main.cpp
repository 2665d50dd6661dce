#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/commands.h"
#include "app/config.h"
#include "app/version.h"

namespace {

using liaison::app::ExitCode;

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "Liaison: the directory, communication checks and protected channel of a network "
      "of cyber Points of Contact."};
  cli.require_subcommand(1);
  std::string config_file;
  cli.add_option("--config", config_file, "TOML configuration file (see docs/configuration.md)")
      ->check(CLI::ExistingFile);

  auto* serve = cli.add_subcommand("serve", "Run the HTTP server");
  bool migrate_first = false;
  serve->add_flag("--migrate", migrate_first, "Apply pending migrations before serving");
  auto* migrate = cli.add_subcommand("migrate", "Apply database migrations and reference data");
  auto* demo = cli.add_subcommand("demo", "Migrate and create the demonstration organisation");
  auto* audit = cli.add_subcommand("audit", "Work with the audit log");
  audit->require_subcommand(1);
  auto* audit_verify = audit->add_subcommand(
      "verify", "Check the audit log's hash chain; name the first broken entry");
  auto* version = cli.add_subcommand("version", "Print the version");
  auto* config = cli.add_subcommand("config", "Show configuration");
  bool defaults = false;
  bool markdown = false;
  config->add_flag("--defaults", defaults, "Print every setting with its default, as TOML");
  config->add_flag("--markdown", markdown, "Print the settings table as Markdown");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = cli.exit(error);
    return code == 0 ? ExitCode::exit_ok : ExitCode::exit_usage;
  }

  if (*version) {
    fmt::print("liaison {}\n", liaison::app::kVersion);
    return ExitCode::exit_ok;
  }
  if (*config && (defaults || markdown)) {
    fmt::print("{}", markdown ? liaison::app::render_configuration_markdown()
                              : liaison::app::render_defaults_toml());
    return ExitCode::exit_ok;
  }

  std::optional<std::filesystem::path> file;
  if (!config_file.empty()) file = config_file;
  auto loaded = liaison::app::load_config(file, liaison::app::process_environment());
  if (!loaded) {
    fmt::print(stderr, "liaison: configuration error: {}\n", loaded.error().message);
    return ExitCode::exit_usage;
  }
  liaison::app::configure_logging(*loaded);

  if (*config) {
    fmt::print(stderr, "liaison config: give --defaults or --markdown\n");
    return ExitCode::exit_usage;
  }
  if (*serve) return liaison::app::run_serve(*loaded, migrate_first);
  if (*migrate) return liaison::app::run_migrate(*loaded);
  if (*demo) return liaison::app::run_demo(*loaded);
  if (*audit_verify) return liaison::app::run_audit_verify(*loaded);
  return ExitCode::exit_usage;
}
