// Search latency over a loaded directory (bench/directory_load.cpp), for bench/directory.sh. See
// bench/README.md.
//
//   liaison_bench_directory_search --database sqlite:///tmp/x.db [--organisation UN]
//                                  [--repeat 50] [--limit 50] [--seed 1]
//   liaison_bench_directory_search --print-queries   # "q=…[&state=XX]" lines, for wrk
//
// Runs a fixed set of queries through services::DirectoryService::search, as the API does, with
// an observer of the organisation: one discarded warm-up round, then --repeat rounds, each in a
// seeded random order. Prints per query and over all queries the latency percentiles in
// milliseconds, the results returned and (unless --no-verify) the number of entries that match.
// The check reads every published search text of the organisation once and fails (exit 1) when a
// result is not one of the organisation's published, non-retired entries, does not contain every
// query word as a word prefix, or when results are missing.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "base/clock.h"
#include "base/random.h"
#include "base/unicode.h"
#include "domain/policy.h"
#include "services/directory_search_words.h"
#include "services/directory_service.h"
#include "services/reference_service.h"
#include "store/database.h"
#include "store/directory_store.h"
#include "store/migrations.h"

namespace liaison::bench {
namespace {

using Steady = std::chrono::steady_clock;

struct Query {
  std::string_view kind;
  std::string_view text;
  std::string_view state = {};  //!< the API's &state= filter; empty for none
};

// What people type: the start of a common name (the type-ahead case, down to one letter), rare
// names (planted by directory_load a known number of times), two words, state names in the
// other UN languages, Chinese without spaces, institutions and mail domains, no match, and
// searches within one state (the state's own page), including a state without a match.
constexpr Query kQueries[] = {
    {"prefix", "m"},
    {"prefix", "mü"},
    {"prefix", "mar"},
    {"prefix", "ser"},
    {"prefix", "min"},
    {"prefix", "cert"},
    {"prefix", "ива"},
    {"prefix", "محم"},
    {"prefix", "kowal"},
    {"rare", "Brzęczyszczykiewicz"},
    {"rare", "quetzalcoatl"},
    {"rare", "Цзюйхуаев"},
    {"rare", "zzyzx"},
    {"two words", "élodie dubois"},
    {"two words", "Ольга Петрова"},
    {"two words", "ministry foreign"},
    {"two words", "duty officer"},
    {"two words", "jose gar"},
    {"two words", "cert fr"},
    {"state", "Франция"},
    {"state", "فرنسا"},
    {"state", "Alemania"},
    {"state", "Allemagne"},
    {"state", "日本"},
    {"Chinese", "王伟"},
    {"Chinese", "外交部"},
    {"Chinese", "应急中心"},
    {"institution", "anssi"},
    {"institution", "ncsc"},
    {"in a state", "m", "FR"},
    {"in a state", "cert", "TV"},
    {"in a state", "duty officer", "JP"},
    {"in a state", "ива", "FR"},
};

std::string percent_encoded(std::string_view text) {
  std::string encoded;
  for (char byte : text) {
    auto c = static_cast<unsigned char>(byte);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      encoded += fmt::format("%{:02X}", c);
    }
  }
  return encoded;
}

double percentile(std::vector<double> samples, double fraction) {
  if (samples.empty()) return std::nan("");
  std::sort(samples.begin(), samples.end());
  auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(samples.size())));
  return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1];
}

// Splits a text at spaces and ASCII punctuation: ICU keeps ".", "'" and "@" inside words
// ("j.mueller@mfa.gov.fr"), and the store indexes and searches for the parts ("j", "mueller",
// "mfa", "gov", "fr").
std::vector<std::string> plain_words(std::string_view text) {
  std::vector<std::string> words(1);
  for (char c : text) {
    bool separator = static_cast<unsigned char>(c) < 0x80 && !(c >= '0' && c <= '9') &&
                     !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z');
    if (!separator) {
      words.back() += c;
    } else if (!words.back().empty()) {
      words.emplace_back();
    }
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

// The words an entry can be found by, sorted for prefix look-ups.
std::vector<std::string> findable_words(std::string_view search_words) {
  auto words = plain_words(search_words);
  std::sort(words.begin(), words.end());
  return words;
}

bool has_prefix(const std::vector<std::string>& sorted_words, std::string_view prefix) {
  auto found = std::lower_bound(sorted_words.begin(), sorted_words.end(), prefix,
                                [](const std::string& a, std::string_view b) { return a < b; });
  return found != sorted_words.end() && std::string_view(*found).starts_with(prefix);
}

bool matches(const std::vector<std::string>& sorted_words,
             const std::vector<std::string>& query_words) {
  return std::all_of(query_words.begin(), query_words.end(),
                     [&](const std::string& word) { return has_prefix(sorted_words, word); });
}

struct Options {
  std::string database;
  std::string organisation = "UN";
  int repeat = 50;
  std::int64_t limit = 50;
  std::uint64_t seed = 1;
  bool verify = true;
  bool print_queries = false;
};

// How many of the organisation's published, non-retired entries each query should find, read
// from the search texts the store keeps (nominations.search_words).
Result<std::vector<std::int64_t>> expected_counts(
    store::Database& database, const std::string& organisation_id,
    const std::vector<Query>& queries, const std::vector<std::vector<std::string>>& query_words) {
  std::vector<std::int64_t> counts(query_words.size(), 0);
  std::int64_t after = -1;
  for (;;) {
    store::Value parameters[] = {organisation_id, after};
    auto rows = database.transact(store::Access::read, [&](store::Connection& connection) {
      return connection.query(
          "SELECT search_id, search_words, state FROM nominations WHERE organisation_id = $1 AND "
          "published_version > 0 AND retired = 0 AND search_id > $2 ORDER BY search_id LIMIT "
          "20000",
          parameters);
    });
    if (!rows) return rows.error();
    if (rows->empty()) break;
    for (const auto& row : *rows) {
      auto words = findable_words(row.text(1));
      auto state = row.text(2);
      for (std::size_t q = 0; q < query_words.size(); ++q)
        if ((queries[q].state.empty() || queries[q].state == state) &&
            matches(words, query_words[q]))
          ++counts[q];
    }
    after = rows->back().integer(0);
  }
  return counts;
}

int run(const Options& options) {
  std::vector<Query> queries(std::begin(kQueries), std::end(kQueries));
  if (options.print_queries) {
    for (const auto& query : queries) {
      fmt::print("q={}{}\n", percent_encoded(query.text),
                 query.state.empty() ? std::string() : "&state=" + std::string(query.state));
    }
    return 0;
  }
  auto database = store::open_database(options.database);
  if (!database) {
    fmt::print(stderr, "directory_search: cannot open {}: {}\n", options.database,
               database.error().message);
    return 1;
  }
  if (auto checked = store::check_schema(**database); !checked) {
    fmt::print(stderr, "directory_search: {}\n", checked.error().message);
    return 1;
  }
  SystemClock clock;
  SystemRandom random;
  services::ReferenceService reference(**database, clock, std::chrono::milliseconds(2000));
  services::DirectoryService directory(**database, clock, random, reference);
  auto members = reference.members(options.organisation);
  if (!members) {
    fmt::print(stderr, "directory_search: organisation {}: {}\n", options.organisation,
               members.error().message);
    return 1;
  }
  const auto& organisation_id = (*members)->organisation.id;
  std::map<std::string, const domain::State*> states;
  for (const auto& state : (*members)->members)
    states[state.alpha2] = &state;
  services::Actor reader{
      domain::Principal{"bench-reader",
                        {domain::RoleGrant{domain::Role::observer, organisation_id, {}}},
                        std::nullopt},
      "127.0.0.1"};

  auto search = [&](const Query& query) {
    store::EntryFilter filter;
    filter.state = query.state;
    return directory.search(reader, options.organisation, query.text, filter, options.limit);
  };

  // Correctness first, outside the timing.
  std::vector<std::vector<std::string>> query_words;
  for (const auto& query : queries) {
    // As the service and the store read a query: ICU's words, at most 8, split into plain words.
    auto words = search_words(query.text);
    if (words.size() > 8) words.resize(8);
    std::vector<std::string> plain;
    for (const auto& word : words)
      for (auto& part : plain_words(word))
        plain.push_back(std::move(part));
    query_words.push_back(std::move(plain));
  }
  std::vector<std::int64_t> expected(queries.size(), -1);
  std::vector<std::size_t> returned(queries.size(), 0);
  int problems = 0;
  auto problem = [&](const Query& query, const std::string& what) {
    if (++problems <= 20) fmt::print("WRONG: \"{}\": {}\n", query.text, what);
  };
  if (options.verify) {
    auto started = Steady::now();
    auto counts = expected_counts(**database, organisation_id, queries, query_words);
    if (!counts) {
      fmt::print(stderr, "directory_search: cannot read the search texts: {}\n",
                 counts.error().message);
      return 1;
    }
    expected = *counts;
    fmt::print(stderr, "read every search text of {} to check the results in {:.1f} s\n",
               options.organisation,
               std::chrono::duration<double>(Steady::now() - started).count());
  }
  for (std::size_t q = 0; q < queries.size(); ++q) {
    auto found = search(queries[q]);
    if (!found) {
      fmt::print(stderr, "directory_search: \"{}\": {}\n", queries[q].text, found.error().message);
      return 1;
    }
    returned[q] = found->size();
    if (!options.verify) continue;
    auto wanted = std::min<std::int64_t>(expected[q], options.limit);
    if (static_cast<std::int64_t>(found->size()) != wanted)
      problem(queries[q], fmt::format("{} results, expected {} ({} match)", found->size(), wanted,
                                      expected[q]));
    for (const auto& entry : *found) {
      auto nomination = (**database).transact(store::Access::read, [&](store::Connection& c) {
        return store::DirectoryStore(c).nomination(organisation_id, entry.id);
      });
      if (!nomination || !*nomination) {
        problem(queries[q], "entry " + entry.id + " is not in the organisation's directory");
        continue;
      }
      const auto& n = **nomination;
      if (!queries[q].state.empty() && entry.state != queries[q].state)
        problem(queries[q], "entry " + entry.id + " is of " + entry.state);
      if (entry.organisation_id != organisation_id || n.published_version == 0 || n.retired ||
          entry.version.number != n.published_version ||
          entry.version.status != domain::EntryStatus::active)
        problem(queries[q], "entry " + entry.id + " is not published or is retired");
      auto state = states.find(entry.state);
      if (state == states.end()) {
        problem(queries[q], "entry " + entry.id + " is of a non-member " + entry.state);
        continue;
      }
      auto words = findable_words(
          services::search_words_for(entry.version.contact, *state->second, entry.level));
      if (!matches(words, query_words[q]))
        problem(queries[q], "entry " + entry.id + " (" + entry.version.contact.name +
                                ") does not contain every word");
    }
  }

  // Timing: a warm-up round, then rounds in a seeded random order.
  std::vector<std::vector<double>> samples(queries.size());
  std::vector<std::size_t> order(queries.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::mt19937_64 shuffle(options.seed);
  for (int round = -1; round < options.repeat; ++round) {
    std::shuffle(order.begin(), order.end(), shuffle);
    for (auto q : order) {
      auto started = Steady::now();
      auto found = search(queries[q]);
      auto elapsed = std::chrono::duration<double, std::milli>(Steady::now() - started).count();
      if (!found) {
        fmt::print(stderr, "directory_search: \"{}\": {}\n", queries[q].text,
                   found.error().message);
        return 1;
      }
      if (round >= 0) samples[q].push_back(elapsed);
    }
  }

  fmt::print("{:<12} {:<22} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8}\n", "kind", "query", "found",
             "match", "p50 ms", "p90 ms", "p99 ms", "max ms");
  std::vector<double> all;
  for (std::size_t q = 0; q < queries.size(); ++q) {
    const auto& s = samples[q];
    all.insert(all.end(), s.begin(), s.end());
    // Pad by code points, not bytes, so that the columns line up in a UTF-8 terminal.
    std::string text(queries[q].text);
    if (!queries[q].state.empty()) text += " [" + std::string(queries[q].state) + "]";
    auto code_points = std::count_if(text.begin(), text.end(), [](char c) {
      return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    });
    text +=
        std::string(static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, 22 - code_points)), ' ');
    fmt::print("{:<12} {} {:>6} {:>8} {:>8.2f} {:>8.2f} {:>8.2f} {:>8.2f}\n", queries[q].kind, text,
               returned[q], expected[q] >= 0 ? std::to_string(expected[q]) : "-",
               percentile(s, 0.50), percentile(s, 0.90), percentile(s, 0.99), percentile(s, 1.0));
  }
  fmt::print(
      "all {} searches ({} queries x {} rounds, limit {}): p50 {:.2f} ms, p90 {:.2f} ms, "
      "p99 {:.2f} ms, max {:.2f} ms\n",
      all.size(), queries.size(), options.repeat, options.limit, percentile(all, 0.50),
      percentile(all, 0.90), percentile(all, 0.99), percentile(all, 1.0));
  // One line for scripts.
  fmt::print(
      "RESULT search_p50_ms={:.3f} search_p90_ms={:.3f} search_p99_ms={:.3f} "
      "search_max_ms={:.3f} searches={} wrong={}\n",
      percentile(all, 0.50), percentile(all, 0.90), percentile(all, 0.99), percentile(all, 1.0),
      all.size(), problems);
  if (problems > 0) {
    fmt::print("*** {} WRONG OR MISSING RESULT(S): the numbers above measure a broken search ***\n",
               problems);
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace liaison::bench

int main(int argc, char** argv) {
  liaison::bench::Options options;
  CLI::App cli{"Measures directory search latency over a loaded Liaison database."};
  cli.add_option("--database", options.database,
                 "Store URL, e.g. sqlite:///tmp/bench.db (default: $LIAISON_DATABASE)")
      ->envname("LIAISON_DATABASE");
  cli.add_option("--organisation", options.organisation, "Organisation code")
      ->capture_default_str();
  cli.add_option("--repeat", options.repeat, "Measured rounds over every query")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cli.add_option("--limit", options.limit, "Results per search (the API's default is 50)")
      ->capture_default_str()
      ->check(CLI::Range(1, 200));
  cli.add_option("--seed", options.seed, "Seed of the order of the queries")->capture_default_str();
  cli.add_flag("!--no-verify", options.verify, "Skip the check of the results");
  cli.add_flag("--print-queries", options.print_queries,
               "Print the queries as URL query strings (q=…&state=…), one per line, and exit");
  CLI11_PARSE(cli, argc, argv);
  if (!options.print_queries && options.database.empty()) {
    fmt::print(stderr, "directory_search: give --database or set LIAISON_DATABASE\n");
    return 2;
  }
  return liaison::bench::run(options);
}
