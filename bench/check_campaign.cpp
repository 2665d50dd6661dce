// Composes and launches a communication check to every published entry of an organisation, and
// reads its results, through services::CheckService, for bench/checks.sh. See bench/README.md.
//
//   liaison_bench_check_campaign --database sqlite:///tmp/x.db launch [--organisation UN]
//   liaison_bench_check_campaign --database sqlite:///tmp/x.db results --check ID
//
// `launch` prints one line: the check's id, its recipients and the seconds the launch took (one
// transaction that copies the recipients and queues one mail each through the outbox).
// `results` prints the seconds CheckService::results and results_csv take, and their tallies.

#include <chrono>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "base/clock.h"
#include "base/random.h"
#include "services/check_service.h"
#include "services/reference_service.h"
#include "store/database.h"

namespace liaison::bench {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Options {
  std::string database;
  std::string organisation = "UN";
  std::string check;
  int window_hours = 72;
};

int run(const Options& options, bool launch) {
  auto database = store::open_database(options.database);
  if (!database) {
    fmt::print(stderr, "check_campaign: cannot open {}: {}\n", options.database,
               database.error().message);
    return 1;
  }
  SystemClock clock;
  SystemRandom random;
  services::ReferenceService reference(**database, clock, std::chrono::milliseconds(60'000));
  services::CheckService checks(**database, clock, random, reference,
                                {"Liaison benchmark", "http://127.0.0.1:8080"});
  auto members = reference.members(options.organisation);
  if (!members) {
    fmt::print(stderr, "check_campaign: {}\n", members.error().message);
    return 1;
  }
  // The organisation's secretariat, without an account: the service asks only the policy.
  services::Actor secretariat{
      domain::Principal{
          "bench",
          {domain::RoleGrant{domain::Role::secretariat, (*members)->organisation.id, {}}},
          {}},
      "127.0.0.1"};

  if (launch) {
    domain::CheckPlan plan;
    plan.title = "Benchmark check";
    plan.task = domain::CheckTask::acknowledge;
    plan.window_hours = options.window_hours;
    plan.escalate = false;
    plan.target.levels = {domain::Level::policy, domain::Level::technical,
                          domain::Level::structure};
    auto created = checks.create(secretariat, options.organisation, plan);
    if (!created) {
      fmt::print(stderr, "check_campaign: create: {}\n", created.error().message);
      return 1;
    }
    auto start = std::chrono::steady_clock::now();
    auto launched = checks.launch(secretariat, created->id);
    auto took = seconds_since(start);
    if (!launched) {
      fmt::print(stderr, "check_campaign: launch: {}\n", launched.error().message);
      return 1;
    }
    auto results = checks.results(secretariat, created->id);
    if (!results) {
      fmt::print(stderr, "check_campaign: results: {}\n", results.error().message);
      return 1;
    }
    fmt::print("{} {} {:.3f}\n", created->id, results->all.recipients, took);
    return 0;
  }

  auto start = std::chrono::steady_clock::now();
  auto results = checks.results(secretariat, options.check);
  auto results_took = seconds_since(start);
  start = std::chrono::steady_clock::now();
  auto csv = checks.results_csv(secretariat, options.check);
  auto csv_took = seconds_since(start);
  if (!results || !csv) {
    fmt::print(stderr, "check_campaign: results: {}\n",
               (!results ? results.error() : csv.error()).message);
    return 1;
  }
  fmt::print("{:.3f} {:.3f} {} {} {} {}\n", results_took, csv_took, results->all.recipients,
             results->all.responded, results->all.pending, csv->size());
  return 0;
}

}  // namespace
}  // namespace liaison::bench

int main(int argc, char** argv) {
  liaison::bench::Options options;
  CLI::App cli{"Launches a communication check to a whole organisation and reads its results."};
  cli.add_option("--database", options.database, "Store URL (default: $LIAISON_DATABASE)")
      ->envname("LIAISON_DATABASE")
      ->required();
  auto* launch = cli.add_subcommand("launch", "Compose and launch an acknowledge check");
  launch->add_option("--organisation", options.organisation, "Organisation code")
      ->capture_default_str();
  launch->add_option("--window", options.window_hours, "Window in hours")->capture_default_str();
  auto* results = cli.add_subcommand("results", "Time the results of a check");
  results->add_option("--check", options.check, "The check's id")->required();
  cli.require_subcommand(1);
  CLI11_PARSE(cli, argc, argv);
  return liaison::bench::run(options, cli.got_subcommand(launch));
}
