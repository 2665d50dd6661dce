#include "app/commands.h"

#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "app/application.h"
#include "app/version.h"
#include "base/clock.h"
#include "base/random.h"
#include "jobs/periodic_job.h"
#include "services/account_service.h"
#include "services/audit_log.h"
#include "services/demo_service.h"
#include "services/session_service.h"
#include "store/account_store.h"
#include "store/migrations.h"
#include "web/server.h"

namespace liaison::app {
namespace {

int fail(std::string_view what, const Error& error) {
  spdlog::error("{}: {}", what, error.message);
  return ExitCode::exit_failure;
}

Result<void> migrate(store::Database& database) {
  SystemClock clock;
  SystemRandom random;
  auto report = store::migrate(database, clock, random);
  if (!report) return report.error();
  for (const auto& name : report->applied)
    spdlog::info("applied migration {}", name);
  if (report->reference_data_loaded) spdlog::info("loaded reference data");
  if (report->applied.empty() && !report->reference_data_loaded) {
    spdlog::info("{} is up to date", database.display_url());
  }
  return {};
}

}  // namespace

void configure_logging(const Config& config) {
  auto logger = spdlog::stderr_logger_mt("liaison");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(config.log_level));
  spdlog::set_default_logger(logger);
}

int run_migrate(const Config& config) {
  auto database = open_store(config);
  if (!database) return fail("cannot open the database", database.error());
  if (auto done = migrate(**database); !done) return fail("migration failed", done.error());
  return ExitCode::exit_ok;
}

int run_demo(const Config& config) {
  auto database = open_store(config);
  if (!database) return fail("cannot open the database", database.error());
  if (auto done = migrate(**database); !done) return fail("migration failed", done.error());
  SystemClock clock;
  SystemRandom random;
  auto demo = services::ensure_demo_organisation(**database, clock, random);
  if (!demo) return fail("cannot create the demo organisation", demo.error());
  spdlog::info("demo organisation {} ({})", services::kDemoOrganisationCode,
               demo->created ? "created" : "already present");
  Application application(std::move(*database), config.cache_lifetime, security_settings(config));
  auto entries = services::ensure_demo_directory(application.directory(), demo->organisation_id);
  if (!entries) return fail("cannot fill the demo directory", entries.error());
  if (*entries > 0) spdlog::info("demo directory: {} entries created", *entries);
  return ExitCode::exit_ok;
}

int run_audit_verify(const Config& config) {
  auto database = open_store(config);
  if (!database) return fail("cannot open the database", database.error());
  if (auto checked = store::check_schema(**database); !checked) {
    return fail("cannot verify this database", checked.error());
  }
  auto verification = services::verify_audit_log(**database);
  if (!verification) return fail("cannot read the audit log", verification.error());
  if (verification->broken_at) {
    fmt::print("audit log BROKEN at entry {}: {}\n", *verification->broken_at,
               verification->problem);
    fmt::print("the {} entries before it are intact; their head hash is {}\n",
               verification->entries, verification->head_hash);
    return ExitCode::exit_failure;
  }
  fmt::print("audit log intact: {} entries, head hash {}\n", verification->entries,
             verification->head_hash);
  return ExitCode::exit_ok;
}

int run_admin_invite(const Config& config, const AdminInvite& invite) {
  auto database = open_store(config);
  if (!database) return fail("cannot open the database", database.error());
  if (auto checked = store::check_schema(**database); !checked) {
    return fail("cannot use this database", checked.error());
  }
  SystemClock clock;
  SystemRandom random;
  services::AccountService accounts(**database, clock, random, security_settings(config));
  auto role = domain::parse_role(invite.role);
  if (!role) {
    fmt::print(stderr, "liaison admin: unknown role \"{}\"\n", invite.role);
    return ExitCode::exit_usage;
  }
  services::InvitationRequest request;
  request.email = invite.email;
  request.display_name = invite.name;
  request.grant.role = *role;
  request.grant.state = invite.state;
  request.organisation = invite.organisation;
  auto outcome = accounts.invite(services::Actor::command_line(), std::move(request));
  if (!outcome) {
    if (outcome.error().code == ErrorCode::invalid_argument ||
        outcome.error().code == ErrorCode::conflict) {
      fmt::print(stderr, "liaison admin: {}\n", outcome.error().message);
      return ExitCode::exit_usage;
    }
    return fail("cannot invite", outcome.error());
  }
  if (!outcome->account_id.empty()) {
    fmt::print("{} already has an account; the role was added to it.\n", invite.email);
    return ExitCode::exit_ok;
  }
  // The shell is trusted with the link: on a fresh instance no mail may be set up yet.
  fmt::print("{}\n", outcome->link);
  fmt::print(stderr,
             "Invitation for {} created; it was also queued as mail. Open the link above to set "
             "a password and enrol the second factor. It expires at {} UTC.\n",
             invite.email, outcome->expires_at.substr(0, 16));
  return ExitCode::exit_ok;
}

int run_admin_issue_token(const Config& config, const AdminToken& token) {
  std::vector<domain::TokenScope> scopes;
  for (const auto& name : token.scopes) {
    auto scope = domain::parse_token_scope(name);
    if (!scope) {
      std::string known;
      for (auto each : domain::kTokenScopes)
        known += (known.empty() ? "" : ", ") + std::string(domain::token_scope_name(each));
      fmt::print(stderr, "liaison admin: unknown scope \"{}\" (one of {})\n", name, known);
      return ExitCode::exit_usage;
    }
    scopes.push_back(*scope);
  }
  auto database = open_store(config);
  if (!database) return fail("cannot open the database", database.error());
  if (auto checked = store::check_schema(**database); !checked) {
    return fail("cannot use this database", checked.error());
  }
  auto found = (*database)->transact(store::Access::read, [&](store::Connection& connection) {
    return store::AccountStore(connection).find_by_email(token.email);
  });
  if (!found) return fail("cannot read the account", found.error());
  if (!*found || (*found)->account.status != domain::AccountStatus::active) {
    fmt::print(stderr, "liaison admin: no active account has the address {}\n", token.email);
    return ExitCode::exit_usage;
  }
  const auto& account = (*found)->account;
  SystemClock clock;
  SystemRandom random;
  services::SessionService sessions(**database, clock, random, security_settings(config),
                                    std::chrono::milliseconds(0));
  // The token acts for its account, so the account asks for it: the service checks the scopes
  // against its roles and records token.issued with the token's name.
  services::Actor actor{domain::Principal{account.id, account.grants, std::nullopt}, {}};
  auto issued = sessions.issue_token(actor, token.name, std::move(scopes),
                                     std::chrono::hours(24) * token.days);
  if (!issued) {
    if (issued.error().code == ErrorCode::invalid_argument ||
        issued.error().code == ErrorCode::forbidden) {
      fmt::print(stderr, "liaison admin: {}\n", issued.error().message);
      return ExitCode::exit_usage;
    }
    return fail("cannot issue the token", issued.error());
  }
  fmt::print("{}\n", issued->secret);
  fmt::print(stderr,
             "Token \"{}\" for {} created with scopes {}; it expires at {} UTC. It is shown only "
             "this once; send it as \"Authorization: Bearer <token>\".\n",
             issued->record.name, account.email, issued->record.scopes,
             issued->record.expires_at.substr(0, 16));
  return ExitCode::exit_ok;
}

int run_serve(const Config& config, bool migrate_first) {
  auto database = open_store(config);
  if (!database) return fail("cannot open the database", database.error());
  if (migrate_first) {
    if (auto done = migrate(**database); !done) return fail("migration failed", done.error());
  }
  if (auto checked = store::check_schema(**database); !checked) {
    return fail("cannot serve this database", checked.error());
  }

  auto display_url = (*database)->display_url();
  Application application(std::move(*database), config.cache_lifetime, security_settings(config));

  web::AccessLogSink access_log;
  if (config.access_log) {
    auto sink = spdlog::stdout_logger_mt("access");
    sink->set_pattern("%v");
    access_log = [sink](std::string_view line) { sink->info(line); };
  }

  unsigned threads =
      config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  boost::asio::io_context io(static_cast<int>(threads));
  web::Server server(io, server_options(config), application.router(), application.metrics(),
                     access_log);
  auto endpoint = server.listen();
  if (!endpoint) return fail("cannot start the HTTP server", endpoint.error());
  server.start();

  // Reminders go out 30, 7 and 0 days before a state's entries fall due; checking hourly keeps
  // them within the hour of the organisation's day turning.
  jobs::PeriodicJob reminders(io, "freshness reminders", std::chrono::hours(1), [&] {
    return application.directory().queue_reminders(config.public_url);
  });
  reminders.start();

  boost::asio::steady_timer deadline(io);
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("received signal {}, finishing {} open connection(s)", signal,
                 server.open_connections());
    reminders.stop();
    deadline.expires_after(config.shutdown_timeout);
    deadline.async_wait([&](const boost::system::error_code& timer_ec) {
      if (timer_ec) return;
      spdlog::warn("shutdown timeout reached with {} connection(s) open; stopping",
                   server.open_connections());
      io.stop();
    });
    server.shutdown([&] { boost::asio::post(io, [&] { deadline.cancel(); }); });
  });

  auto host = endpoint->address().is_v6() ? fmt::format("[{}]", endpoint->address().to_string())
                                          : endpoint->address().to_string();
  spdlog::info("Liaison {} serving {} on {}://{}:{}/ with {} thread(s)", kVersion, display_url,
               config.tls_certificate.empty() ? "http" : "https", host, endpoint->port(), threads);

  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i)
    workers.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& worker : workers)
    worker.join();
  spdlog::info("stopped");
  return ExitCode::exit_ok;
}

}  // namespace liaison::app
