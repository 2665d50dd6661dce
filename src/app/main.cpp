#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/commands.h"
#include "app/config.h"
#include "app/version.h"
#include "domain/policy.h"

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
  auto* admin = cli.add_subcommand("admin", "Bootstrap accounts and tokens from the shell");
  admin->require_subcommand(1);
  liaison::app::AdminInvite invite;
  auto* create_operator = admin->add_subcommand(
      "create-operator", "Invite an operator of this instance; prints the invitation link");
  auto* create_secretariat = admin->add_subcommand(
      "create-secretariat",
      "Invite a secretariat user of an organisation; prints the invitation link");
  auto* invite_any =
      admin->add_subcommand("invite", "Invite anyone with any role; prints the invitation link");
  for (auto* command : {create_operator, create_secretariat, invite_any}) {
    command->add_option("--email", invite.email, "The person's e-mail address")->required();
    command->add_option("--name", invite.name, "The person's name as others will see it")
        ->required();
  }
  create_secretariat->add_option("--org", invite.organisation, "Organisation code, e.g. OSCE")
      ->required();
  invite_any->add_option("--role", invite.role, "operator, secretariat, focal, poc or observer")
      ->required();
  invite_any->add_option("--org", invite.organisation, "Organisation code, e.g. OSCE");
  invite_any->add_option("--state", invite.state, "State code (focal, poc), e.g. FR");
  liaison::app::AdminToken token;
  auto* issue_token = admin->add_subcommand(
      "issue-token", "Issue an API token for an existing account; prints the token once");
  issue_token->add_option("--email", token.email, "The account's e-mail address")->required();
  issue_token
      ->add_option("--scope", token.scopes,
                   "read_directory, write_directory, manage_state, read_audit or read_metrics; "
                   "repeat for more")
      ->required();
  issue_token->add_option("--days", token.days, "Days until the token expires")
      ->capture_default_str()
      ->check(CLI::Range(1, 366));
  issue_token->add_option("--name", token.name, "What the token is for, as its owner sees it")
      ->capture_default_str();
  auto* mail = cli.add_subcommand("mail", "Work with mail");
  mail->require_subcommand(1);
  liaison::app::MailIngest ingest;
  auto* mail_ingest = mail->add_subcommand(
      "ingest", "Record one mail read from standard input (a reply, bounce or auto-reply)");
  mail_ingest->add_option("--from", ingest.envelope_from, "The envelope sender (MAIL FROM)");
  mail_ingest->add_option("--to", ingest.recipients,
                          "An envelope recipient (RCPT TO), e.g. reply+TOKEN@…; repeat for more");
  auto* policy = cli.add_subcommand("policy", "Show the authorization policy");
  bool policy_markdown = false;
  policy->add_flag("--markdown", policy_markdown, "Print the policy table as Markdown")->required();
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
  if (*policy) {
    fmt::print("{}", liaison::domain::policy_markdown());
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
  if (*issue_token) return liaison::app::run_admin_issue_token(*loaded, token);
  if (*mail_ingest) return liaison::app::run_mail_ingest(*loaded, ingest);
  if (*create_operator) invite.role = "operator";
  if (*create_secretariat) invite.role = "secretariat";
  if (*admin) return liaison::app::run_admin_invite(*loaded, invite);
  return ExitCode::exit_usage;
}
