// Server time and weight of Liaison's web pages on the demo data, for bench/pages.sh. See
// bench/README.md.
//
//   liaison_bench_pages [--requests 300] [--warmup 30] [--cache-milliseconds 2000]
//                       [--query cert] [--html-dir DIR] [--keep]
//
// In one process: a fresh SQLite database in a temporary directory, migrated and seeded with the
// demo organisation exactly as `liaison demo` does (services::ensure_demo_organisation,
// ensure_demo_directory, ensure_demo_check), an app::Application over it, and three people made
// the way people get accounts (invited, accepted with a password and a TOTP code, then signed in
// with the next step's code): a secretariat of DEMO, the focal point of DEMO/FR and a point of
// contact of DEMO/FR whose address is the one the demo check was mailed to.
//
// Every page is asked with GET through Application::router().dispatch, the session cookie and
// the access guard included, in English and in Arabic (?lang=ar). The baseline is the same
// dispatch of GET /assets/liaison.css with the same cookie: a stylesheet served from memory
// through the same router and guard. The pages and the baseline are timed round-robin (one
// request of each, N times) so that a busy machine slows them alike; the ratio is page/baseline.
// The weight of a page is its HTML plus every stylesheet and script it references, each fetched
// through the router.
//
// A measurement, not a test: it exits 0 whatever the numbers, 1 when something could not be
// measured (a page did not answer 200, the seeding failed).

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <stdexcept>
#include <stdlib.h>
#include <string>
#include <string_view>
#include <unistd.h>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/application.h"
#include "base/clock.h"
#include "base/random.h"
#include "base/totp.h"
#include "services/account_service.h"
#include "services/demo_service.h"
#include "services/session_service.h"
#include "store/database.h"
#include "store/migrations.h"
#include "web/http.h"
#include "web/router.h"

namespace liaison::bench {
namespace {

using Steady = std::chrono::steady_clock;
namespace http = boost::beast::http;

constexpr std::string_view kOrganisation = services::kDemoOrganisationCode;
constexpr std::string_view kState = "FR";
// The demo check goes to the policy and technical entries' functional addresses; the point of
// contact gets the technical one, so that the check shows on their home page.
constexpr std::string_view kPocEmail = "duty.fr@demo.liaison.invalid";
constexpr double kTargetMilliseconds = 5.0;
constexpr double kTargetKilobytes = 150.0;
constexpr double kKilobyte = 1024.0;

struct Options {
  int requests = 300;
  int warmup = 30;
  int cache_milliseconds = 2000;  // `cache_milliseconds`' default (docs/configuration.md)
  std::string query = "cert";
  bool keep = false;
  std::string html_directory;  //!< where to write each page's HTML, to look at; empty: nowhere
};

// The temporary directory, removed on the way out unless --keep.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    auto pattern = (std::filesystem::temp_directory_path() / "liaison-bench-pages.XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot make a temporary directory from " + pattern);
    path_ = pattern;
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  ~TemporaryDirectory() {
    if (keep_) {
      fmt::print(stderr, "kept {}\n", path_.string());
      return;
    }
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  void keep() { keep_ = true; }

 private:
  std::filesystem::path path_;
  bool keep_ = false;
};

template <class T>
T checked(Result<T> result, std::string_view what) {
  if (!result) throw std::runtime_error(fmt::format("{}: {}", what, result.error().message));
  return std::move(*result);
}

// An account made as people get one (tests/support/test_accounts.cpp does the same), signed in
// with the next TOTP step's code (the acceptance used the current one). Returns the Cookie
// header of the session.
std::string signed_in_cookie(app::Application& application,
                             const services::InvitationRequest& request) {
  const std::string password = "bench passphrase for the pages";
  auto& accounts = application.accounts();
  auto outcome = checked(accounts.invite(services::Actor::command_line(), request), "invite");
  auto secret = outcome.link.substr(outcome.link.rfind('/') + 1);
  auto view = checked(accounts.open_invitation(secret), "open invitation");
  auto code = checked(totp_code(view.totp_secret, std::chrono::system_clock::now()), "totp");
  checked(accounts.accept_invitation(secret, password, code, "127.0.0.1"), "accept invitation");
  auto next = checked(
      totp_code(view.totp_secret, std::chrono::system_clock::now() + std::chrono::seconds(30)),
      "totp");
  auto session = checked(application.sessions().sign_in(
                             {request.email, password, next, "127.0.0.1", "liaison_bench_pages"}),
                         "sign in " + request.email);
  return fmt::format("{}={}", web::session_cookie_name(false), session.secret);
}

web::Request get_request(const std::string& target, const std::string& cookie) {
  web::Request request{http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1:8080");
  request.set(http::field::user_agent, "liaison_bench_pages");
  request.set(http::field::accept, "text/html,application/xhtml+xml,*/*;q=0.8");
  if (!cookie.empty()) request.set(http::field::cookie, cookie);
  request.prepare_payload();
  return request;
}

const web::RequestOrigin kOrigin{"bench-pages", "127.0.0.1", false};

web::Response fetch(const app::Application& application, const web::Request& request) {
  return application.router().dispatch(request, kOrigin).response;
}

// What is measured: one GET, as one person, in one language.
struct Case {
  std::string page;      //!< "home (secretariat)"
  std::string language;  //!< "en", "ar"
  std::string target;
  std::string cookie;
  bool weight_target = false;  //!< the home and directory pages: under 150 KB
  bool baseline = false;
  web::Request request;
  unsigned status = 0;
  std::size_t html_bytes = 0;
  std::string content_type;
  std::string failure;         //!< why it could not be timed; empty when it could
  std::string weight_failure;  //!< why it could not be weighed; empty when it could
  std::vector<double> milliseconds;
  std::size_t weight_bytes = 0;
  std::vector<std::string> resources;  //!< "/assets/liaison.css 12345"
};

std::string with_language(const std::string& target, std::string_view language) {
  if (language == "en") return target;
  return fmt::format("{}{}lang={}", target, target.find('?') == std::string::npos ? '?' : '&',
                     language);
}

// The value of attribute `name` in one tag's text ("<link rel=stylesheet href=/a.css>"), quoted
// or not; nullopt when the tag has none.
std::optional<std::string> attribute(std::string_view tag, std::string_view name) {
  for (std::size_t at = 0; (at = tag.find(name, at)) != std::string_view::npos; at += name.size()) {
    bool starts = at > 0 && (tag[at - 1] == ' ' || tag[at - 1] == '\t' || tag[at - 1] == '\n');
    auto after = at + name.size();
    while (after < tag.size() && tag[after] == ' ')
      ++after;
    if (!starts || after >= tag.size() || tag[after] != '=') continue;
    ++after;
    while (after < tag.size() && tag[after] == ' ')
      ++after;
    if (after >= tag.size()) return std::string();
    if (tag[after] == '"' || tag[after] == '\'') {
      auto end = tag.find(tag[after], after + 1);
      if (end == std::string_view::npos) return std::string(tag.substr(after + 1));
      return std::string(tag.substr(after + 1, end - after - 1));
    }
    auto end = tag.find_first_of(" \t\n>", after);
    return std::string(tag.substr(after, end == std::string_view::npos ? end : end - after));
  }
  return std::nullopt;
}

// Query-string encoding of a search's words: unreserved bytes as they are, the rest %XX.
std::string query_encoded(std::string_view text) {
  std::string encoded;
  for (char byte : text) {
    auto c = static_cast<unsigned char>(byte);
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    encoded += unreserved ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
  }
  return encoded;
}

std::string ascii_lower(std::string_view text) {
  std::string lower(text);
  for (auto& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return lower;
}

// The stylesheets (<link rel="stylesheet" href>) and scripts (<script src>) an HTML page
// references, in order, each once.
std::vector<std::string> referenced_resources(std::string_view html) {
  std::vector<std::string> found;
  std::set<std::string> seen;
  auto lower = ascii_lower(html);
  auto collect = [&](std::string_view opening, std::string_view wanted) {
    for (std::size_t at = 0; (at = lower.find(opening, at)) != std::string::npos;) {
      auto end = lower.find('>', at);
      if (end == std::string::npos) break;
      auto next = at + opening.size();
      if (next < lower.size() && lower[next] != ' ' && lower[next] != '\t' && lower[next] != '\n') {
        at = next;
        continue;
      }
      std::string_view tag(lower.data() + at, end - at);
      std::string_view original(html.data() + at, end - at);
      at = end;
      if (opening == "<link") {
        auto rel = attribute(tag, "rel");
        if (!rel || rel->find("stylesheet") == std::string::npos) continue;
      }
      auto url = attribute(original, wanted);
      if (!url) url = attribute(tag, wanted);  // the attribute's name in capitals
      if (url && !url->empty() && seen.insert(*url).second) found.push_back(*url);
    }
  };
  collect("<link", "href");
  collect("<script", "src");
  return found;
}

double median(const std::vector<double>& sorted) {
  if (sorted.empty()) return 0;
  auto middle = sorted.size() / 2;
  return sorted.size() % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// Nearest rank.
double percentile(const std::vector<double>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(fraction * static_cast<double>(sorted.size()) + 0.999999);
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

std::string load_average() {
  std::ifstream file("/proc/loadavg");
  std::string one;
  std::string five;
  std::string fifteen;
  if (!(file >> one >> five >> fifteen)) return "unknown";
  return fmt::format("{} {} {}", one, five, fifteen);
}

// The first request of a case: its status, size and type, and for pages what they reference.
void probe(const app::Application& application, Case& each, const std::string& html_directory,
           std::size_t index) {
  auto response = fetch(application, each.request);
  if (!html_directory.empty() && !each.baseline) {
    auto name = fmt::format("{:02}-{}-{}.html", index, each.page, each.language);
    std::replace_if(
        name.begin(), name.end(), [](char c) { return c == ' ' || c == '(' || c == ')'; }, '_');
    std::ofstream(std::filesystem::path(html_directory) / name, std::ios::binary)
        << response.body();
  }
  each.status = response.result_int();
  each.html_bytes = response.body().size();
  each.content_type = std::string(response[http::field::content_type]);
  if (each.status != 200) {
    auto detail = response.body().substr(0, 300);
    std::replace(detail.begin(), detail.end(), '\n', ' ');
    auto location = std::string(response[http::field::location]);
    each.failure =
        fmt::format("status {}{}{}", each.status, location.empty() ? "" : " to " + location,
                    detail.empty() ? "" : ": " + detail);
    return;
  }
  if (each.baseline) return;
  if (each.content_type.find("text/html") == std::string::npos) {
    each.failure = "Content-Type " + each.content_type + ", not text/html";
    return;
  }
  each.weight_bytes = each.html_bytes;
  for (const auto& url : referenced_resources(response.body())) {
    if (url.empty() || url[0] != '/' || (url.size() > 1 && url[1] == '/')) {
      each.weight_failure = "references " + url + ", which is not on this server";
      return;
    }
    auto resource = fetch(application, get_request(url, each.cookie));
    if (resource.result_int() != 200) {
      each.weight_failure =
          fmt::format("references {}, which answers {}", url, resource.result_int());
      return;
    }
    each.weight_bytes += resource.body().size();
    each.resources.push_back(fmt::format("{} {}", url, resource.body().size()));
  }
}

int run(const Options& options) {
  spdlog::set_level(spdlog::level::warn);
  TemporaryDirectory directory;
  if (options.keep) directory.keep();
  auto database_path = (directory.path() / "liaison.db").string();

  // `liaison demo`: migrate, the organisation, then the directory and the check through the
  // application's services (src/app/commands.cpp, run_demo).
  auto seeding = Steady::now();
  auto database = checked(store::open_database("sqlite://" + database_path), "open the database");
  SystemClock clock;
  SystemRandom random;
  checked(store::migrate(*database, clock, random), "migrate");
  auto demo = checked(services::ensure_demo_organisation(*database, clock, random),
                      "the demo organisation");
  app::Application application(std::move(database),
                               std::chrono::milliseconds(options.cache_milliseconds),
                               services::SecuritySettings{});
  auto entries =
      checked(services::ensure_demo_directory(application.directory(), demo.organisation_id),
              "the demo directory");
  auto launched = checked(services::ensure_demo_check(application.checks(), demo.organisation_id),
                          "the demo check");

  const std::string organisation(kOrganisation);
  const std::string state(kState);
  auto secretariat = signed_in_cookie(application, {"secretariat@demo.liaison.invalid",
                                                    "Bench Secretariat",
                                                    {domain::Role::secretariat, {}, {}},
                                                    organisation});
  auto focal = signed_in_cookie(application, {"focal.fr@demo.liaison.invalid",
                                              "Bench Focal Point",
                                              {domain::Role::focal, {}, state},
                                              organisation});
  auto poc = signed_in_cookie(application, {std::string(kPocEmail),
                                            "Bench Point of Contact",
                                            {domain::Role::poc, {}, state},
                                            organisation});

  // An entry of the state and the demo check, as the secretariat sees them.
  services::Actor reader{{"bench", {{domain::Role::secretariat, demo.organisation_id, {}}}, {}},
                         "127.0.0.1"};
  store::EntryFilter of_state;
  of_state.state = state;
  auto state_entries =
      checked(application.directory().entries(reader, demo.organisation_id, of_state,
                                              store::EntryView::published),
              "the state's entries");
  if (state_entries.empty()) throw std::runtime_error("the demo directory has no entry of FR");
  auto checks = checked(application.checks().list(reader, demo.organisation_id), "the checks");
  if (checks.empty()) throw std::runtime_error("the demo organisation has no check");
  auto seeding_seconds = std::chrono::duration<double>(Steady::now() - seeding).count();

  fmt::print("== liaison_bench_pages: {} requests per page after {} warm-up, round-robin\n",
             options.requests, options.warmup);
  fmt::print(
      "   seeded as `liaison demo` in {:.2f} s: organisation {} ({} entries created, check {}), "
      "3 accounts signed in; cache {} ms; {} CPUs; load average {}\n",
      seeding_seconds, organisation, entries, launched ? "launched" : "present",
      options.cache_milliseconds, sysconf(_SC_NPROCESSORS_ONLN), load_average());

  // The pages. The secretariat reads what every role may read; the focal point and the point
  // of contact have their home pages.
  struct Page {
    std::string name;
    std::string target;
    const std::string* cookie;
    bool weight_target;
  };
  const std::string anonymous;
  const std::string base = "/directory/" + organisation;
  const std::vector<Page> pages = {
      {"home (secretariat)", "/", &secretariat, true},
      {"home (focal point FR)", "/", &focal, true},
      {"home (point of contact FR)", "/", &poc, true},
      {"directory", "/directory", &secretariat, true},
      {"directory of DEMO", base, &secretariat, true},
      {"state FR", base + "/states/" + state, &secretariat, false},
      {"entry", base + "/entries/" + state_entries.front().id, &secretariat, false},
      {"search", base + "/search?q=" + query_encoded(options.query), &secretariat, false},
      {"freshness", base + "/freshness", &secretariat, false},
      {"checks", "/checks/" + organisation, &secretariat, false},
      {"check", "/checks/" + organisation + "/" + checks.front().check.id, &secretariat, false},
      {"preferences", "/account/preferences", &secretariat, false},
      {"sign-in (anonymous)", "/sign-in", &anonymous, false},
  };
  std::vector<Case> cases;
  Case baseline;
  baseline.page = "baseline: /assets/liaison.css";
  baseline.language = "-";
  baseline.target = "/assets/liaison.css";
  baseline.cookie = secretariat;
  baseline.baseline = true;
  cases.push_back(std::move(baseline));
  for (std::string_view language : {"en", "ar"}) {
    for (const auto& page : pages) {
      Case each;
      each.page = page.name;
      each.language = language;
      each.target = with_language(page.target, language);
      each.cookie = *page.cookie;
      each.weight_target = page.weight_target;
      cases.push_back(std::move(each));
    }
  }
  for (auto& each : cases)
    each.request = get_request(each.target, each.cookie);

  bool complete = true;
  if (!options.html_directory.empty()) std::filesystem::create_directories(options.html_directory);
  for (std::size_t index = 0; index < cases.size(); ++index) {
    auto& each = cases[index];
    probe(application, each, options.html_directory, index);
    if (!each.failure.empty()) {
      complete = false;
      fmt::print("   CANNOT MEASURE {} [{}] GET {}: {}\n", each.page, each.language, each.target,
                 each.failure);
    }
    if (!each.weight_failure.empty()) {
      complete = false;
      fmt::print("   CANNOT WEIGH {} [{}] GET {}: {}\n", each.page, each.language, each.target,
                 each.weight_failure);
    }
  }
  if (!cases.front().failure.empty()) {
    fmt::print("liaison_bench_pages: no baseline, no ratios; stopping\n");
    return 1;
  }

  // Warm-up, then the timed rounds: one request of every case per round.
  for (int round = 0; round < options.warmup; ++round) {
    for (auto& each : cases) {
      if (each.failure.empty()) (void)fetch(application, each.request);
    }
  }
  auto timing = Steady::now();
  for (auto& each : cases)
    each.milliseconds.reserve(static_cast<std::size_t>(options.requests));
  for (int round = 0; round < options.requests; ++round) {
    for (auto& each : cases) {
      if (!each.failure.empty()) continue;
      auto start = Steady::now();
      auto dispatched = application.router().dispatch(each.request, kOrigin);
      auto took = std::chrono::duration<double, std::milli>(Steady::now() - start).count();
      each.milliseconds.push_back(took);
      if (dispatched.response.result_int() != each.status) {
        each.failure = fmt::format("status {} in round {} (was {})",
                                   dispatched.response.result_int(), round, each.status);
        complete = false;
      }
    }
  }
  auto timing_seconds = std::chrono::duration<double>(Steady::now() - timing).count();
  for (auto& each : cases)
    std::sort(each.milliseconds.begin(), each.milliseconds.end());

  const auto base_median = median(cases.front().milliseconds);
  fmt::print("   timed in {:.1f} s; load average after: {}\n\n", timing_seconds, load_average());
  fmt::print("{:<32} {:>4} {:>6} {:>9} {:>9} {:>9} {:>9} {:>8} {:>10}\n", "page", "lang", "status",
             "HTML B", "median ms", "p90 ms", "max ms", "x base", "weight KB");
  int measured = 0;
  int under_target = 0;
  double worst_median = 0;
  std::string worst_page;
  for (const auto& each : cases) {
    if (!each.failure.empty() && each.milliseconds.empty()) {
      fmt::print("{:<32} {:>4} {:>6} {:>9} {}\n", each.page, each.language, each.status,
                 each.html_bytes, "not measured: " + each.failure);
      continue;
    }
    auto page_median = median(each.milliseconds);
    fmt::print("{:<32} {:>4} {:>6} {:>9} {:>9.3f} {:>9.3f} {:>9.3f} {:>8.2f} {:>10}\n", each.page,
               each.language, each.status, each.html_bytes, page_median,
               percentile(each.milliseconds, 0.90), each.milliseconds.back(),
               base_median > 0 ? page_median / base_median : 0.0,
               each.baseline || !each.weight_failure.empty()
                   ? std::string("-")
                   : fmt::format("{:.1f}", static_cast<double>(each.weight_bytes) / kKilobyte));
    if (!each.failure.empty()) fmt::print("   ^ {}\n", each.failure);
    if (each.baseline) continue;
    ++measured;
    if (page_median < kTargetMilliseconds) ++under_target;
    if (page_median > worst_median) {
      worst_median = page_median;
      worst_page = fmt::format("{} [{}]", each.page, each.language);
    }
  }

  fmt::print(
      "\n== weight of the home and directory pages (HTML + stylesheets + scripts, "
      "uncompressed; 1 KB = 1024 B)\n");
  int weighed = 0;
  int weight_ok = 0;
  for (const auto& each : cases) {
    if (!each.weight_target) continue;
    if (!each.failure.empty() || !each.weight_failure.empty()) {
      fmt::print("{:<32} {:>4} not weighed: {}\n", each.page, each.language,
                 each.failure.empty() ? each.weight_failure : each.failure);
      continue;
    }
    ++weighed;
    auto kilobytes = static_cast<double>(each.weight_bytes) / kKilobyte;
    if (kilobytes < kTargetKilobytes) ++weight_ok;
    std::string parts = fmt::format("HTML {}", each.html_bytes);
    for (const auto& resource : each.resources)
      parts += " + " + resource;
    fmt::print("{:<32} {:>4} {:>8.1f} KB {:<6} {}\n", each.page, each.language, kilobytes,
               kilobytes < kTargetKilobytes ? "ok" : "OVER", parts);
  }

  fmt::print("\n== summary\n");
  fmt::print(
      "baseline GET /assets/liaison.css (same router, guard and cookie): median {:.3f} ms "
      "({} bytes)\n",
      base_median, cases.front().html_bytes);
  fmt::print(
      "pages under {} ms (median): {} of {}; slowest median {:.3f} ms, {:.1f}x the "
      "baseline: {}\n",
      kTargetMilliseconds, under_target, measured, worst_median,
      base_median > 0 ? worst_median / base_median : 0.0, worst_page);
  fmt::print("home and directory pages under {} KB: {} of {}\n", kTargetKilobytes, weight_ok,
             weighed);
  if (!complete) {
    fmt::print("INCOMPLETE: some pages could not be measured (see above)\n");
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace liaison::bench

int main(int argc, char** argv) {
  liaison::bench::Options options;
  CLI::App cli{"Times Liaison's web pages on the demo data, against a static asset."};
  cli.add_option("--requests", options.requests, "Timed requests per page")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cli.add_option("--warmup", options.warmup, "Discarded requests per page first")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cli.add_option("--cache-milliseconds", options.cache_milliseconds,
                 "The server's cache_milliseconds (reference data and sessions)")
      ->capture_default_str()
      ->check(CLI::Range(0, 3'600'000));
  cli.add_option("--query", options.query, "The directory search's words")->capture_default_str();
  cli.add_option("--html-dir", options.html_directory,
                 "Write the HTML of every page there (NN-page-lang.html), to check what was timed");
  cli.add_flag("--keep", options.keep, "Keep the temporary directory and its database");
  CLI11_PARSE(cli, argc, argv);
  try {
    return liaison::bench::run(options);
  } catch (const std::exception& error) {
    fmt::print(stderr, "liaison_bench_pages: {}\n", error.what());
    return 1;
  }
}
