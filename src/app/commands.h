#pragma once

#include <string>
#include <vector>

#include "app/config.h"

namespace liaison::app {

//! Process exit codes: what a script calling `liaison` can rely on.
enum ExitCode : int {
  exit_ok = 0,
  exit_failure = 1,  //!< the command could not do its work (database unreachable, port taken)
  exit_usage = 2,    //!< bad command line or configuration
};

//! Runs the HTTP server until SIGTERM or SIGINT, then drains in-flight requests.
int run_serve(const Config& config, bool migrate_first);
//! Applies migrations and reference data.
int run_migrate(const Config& config);
//! Migrates, then creates the demonstration organisation unless it exists.
int run_demo(const Config& config);

//! Walks the audit log's hash chain; exit 1 and the first broken entry when it is not intact.
int run_audit_verify(const Config& config);

//! `liaison admin create-operator|create-secretariat|invite`: bootstraps accounts from the shell.
struct AdminInvite {
  std::string role;
  std::string email;
  std::string name;
  std::string organisation;
  std::string state;
};
//! Invites as an operator would and prints the acceptance link on standard output.
int run_admin_invite(const Config& config, const AdminInvite& invite);

//! `liaison admin issue-token`: an API token for an existing, active account.
struct AdminToken {
  std::string email;
  std::vector<std::string>
      scopes;  //!< read_directory, write_directory, manage_state, read_audit, read_metrics
  int days = 30;
  std::string name = "issued from the command line";
};
//! Issues the token as its account would (scopes its roles can use, audited as token.issued)
//! and prints it once on standard output.
int run_admin_issue_token(const Config& config, const AdminToken& token);

struct MailIngest {
  std::string envelope_from;
  std::vector<std::string> recipients;
};
//! `liaison mail ingest`: records the mail on standard input, for an MTA that delivers by
//! pipe. Exits 0 when it is recorded (or was before, or its token is unknown: never a bounce
//! loop), 75 (EX_TEMPFAIL: the MTA keeps it and tries again) when the database cannot take it.
int run_mail_ingest(const Config& config, const MailIngest& ingest);

void configure_logging(const Config& config);

}  // namespace liaison::app
