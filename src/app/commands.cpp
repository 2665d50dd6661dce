#include "app/commands.h"

#include <iostream>
#include <iterator>
#include <optional>
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
#include "jobs/outbox_sender.h"
#include "jobs/periodic_job.h"
#include "mail/inbound_pipeline.h"
#include "mail/lmtp_server.h"
#include "mail/openpgp_mime.h"
#include "mail/transport.h"
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

std::unique_ptr<mail::Transport> mail_transport(const Config& config) {
  if (config.smtp_url.empty()) return std::make_unique<mail::SpoolTransport>(config.mail_spool);
  mail::SmtpSettings settings;
  settings.url = config.smtp_url;
  settings.require_tls = config.smtp_require_tls;
  settings.username = config.smtp_username;
  settings.password = config.smtp_password;
  settings.ca_file = config.smtp_ca_file;
  return std::make_unique<mail::SmtpTransport>(std::move(settings));
}

Result<mail::InstanceKeyring> open_keyring(const Config& config) {
  return mail::InstanceKeyring::open(
      config.gnupg_home, fmt::format("{} <{}>", config.instance_name, config.mail_from));
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
  auto check = services::ensure_demo_check(application.checks(), demo->organisation_id);
  if (!check) return fail("cannot launch the demo check", check.error());
  if (*check) spdlog::info("demo check launched: its mail is in the demo mailbox");
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
  auto mail = mail_options(config);
  Application application(std::move(*database), config.cache_lifetime, security_settings(config),
                          mail);
  auto keyring = open_keyring(config);
  if (!keyring) return fail("cannot open the instance's OpenPGP key", keyring.error());
  spdlog::info("instance OpenPGP key {} in {}", keyring->fingerprint(), keyring->home());
  jobs::OutboxSender sender(application.mail(), mail_transport(config), mail.sender, &*keyring, {});
  sender.start();
  spdlog::info("mail: {} as {}",
               config.smtp_url.empty() ? "spool " + config.mail_spool : "relay " + config.smtp_url,
               config.mail_from);

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
    return application.directory().queue_reminders({config.instance_name, config.public_url});
  });
  reminders.start();

  // Checks start, remind, escalate and close on the minute they are due: half a minute's
  // polling keeps a 24-hour window's deadline within that of what the mail said.
  jobs::PeriodicJob checks(io, "communication checks", std::chrono::seconds(30),
                           [&] { return application.checks().advance(); });
  checks.start();

  // Replies and bounces from the MTA. A database failure answers 451, so the MTA keeps the mail
  // and tries again; anything else (unknown tokens included) is taken.
  std::optional<mail::LmtpServer> lmtp;
  if (!config.lmtp_listen.empty()) {
    mail::LmtpSettings lmtp_settings;
    lmtp_settings.listen = config.lmtp_listen;
    lmtp_settings.server_name = config.instance_name;
    lmtp.emplace(
        io, lmtp_settings, [&](const mail::LmtpEnvelope& envelope, std::string_view message) {
          auto received = mail::receive_mail(message, {envelope.mail_from, envelope.recipients},
                                             application.mail(), &*keyring);
          mail::LmtpReply reply;
          if (!received) {
            spdlog::error("lmtp: cannot record a mail: {}", received.error().message);
            reply = {451, "4.3.0 cannot record the message now, try again later"};
          }
          return std::vector<mail::LmtpReply>(envelope.recipients.size(), reply);
        });
    if (auto started = lmtp->start(); !started)
      return fail("cannot start the LMTP listener", started.error());
    spdlog::info("LMTP listener on {}", config.lmtp_listen);
  }

  boost::asio::steady_timer deadline(io);
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("received signal {}, finishing {} open connection(s)", signal,
                 server.open_connections());
    reminders.stop();
    checks.stop();
    if (lmtp) lmtp->stop();
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
  sender.stop();
  keyring->stop_agent();
  spdlog::info("stopped");
  return ExitCode::exit_ok;
}

int run_mail_ingest(const Config& config, const MailIngest& ingest) {
  // sysexits.h's EX_TEMPFAIL: MTAs that deliver by pipe keep the mail and try again later.
  constexpr int kTemporaryFailure = 75;
  std::string raw{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  auto database = open_store(config);
  if (!database) {
    spdlog::error("cannot open the database: {}", database.error().message);
    return kTemporaryFailure;
  }
  if (auto checked = store::check_schema(**database); !checked)
    return fail("cannot use this database", checked.error());
  Application application(std::move(*database), config.cache_lifetime, security_settings(config),
                          mail_options(config));
  auto keyring = open_keyring(config);
  if (!keyring) spdlog::warn("no instance OpenPGP key: {}", keyring.error().message);
  auto received = mail::receive_mail(raw, {ingest.envelope_from, ingest.recipients},
                                     application.mail(), keyring ? &*keyring : nullptr);
  if (keyring) keyring->stop_agent();
  if (!received) {
    spdlog::error("cannot record the mail: {}", received.error().message);
    return kTemporaryFailure;
  }
  fmt::print("{} {}\n", received->recorded ? "recorded" : "already recorded",
             received->token_status);
  return ExitCode::exit_ok;
}

}  // namespace liaison::app
