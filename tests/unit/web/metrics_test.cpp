#include "web/metrics.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace liaison::web {
namespace {

using namespace std::chrono_literals;

//! The samples of a Prometheus text exposition: "name{labels}" → value, in order of appearance.
struct Exposition {
  std::map<std::string, std::string> samples;
  std::vector<std::string> order;
  std::vector<std::string> comments;

  bool has(const std::string& series) const { return samples.count(series) != 0; }
  std::string value(const std::string& series) const {
    auto it = samples.find(series);
    return it == samples.end() ? "<absent>" : it->second;
  }
  double number(const std::string& series) const {
    auto it = samples.find(series);
    return it == samples.end() ? -1.0 : std::strtod(it->second.c_str(), nullptr);
  }
};

Exposition parse(const std::string& text) {
  Exposition exposition;
  EXPECT_TRUE(!text.empty() && text.back() == '\n') << "the exposition must end with a newline";
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    EXPECT_FALSE(line.empty()) << "empty line in\n" << text;
    if (line.empty()) continue;
    if (line.front() == '#') {
      exposition.comments.push_back(line);
      continue;
    }
    auto space = line.rfind(' ');
    EXPECT_NE(space, std::string::npos) << line;
    if (space == std::string::npos) continue;
    auto series = line.substr(0, space);
    EXPECT_FALSE(exposition.has(series)) << "duplicate series " << series;
    exposition.samples[series] = line.substr(space + 1);
    exposition.order.push_back(series);
  }
  return exposition;
}

constexpr const char* kBucketBounds[] = {"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025",
                                         "0.05",   "0.1",   "0.25",   "0.5",   "1",    "5"};

std::string bucket(std::string_view route, std::string_view le) {
  return "liaison_http_request_duration_seconds_bucket{route=\"" + std::string(route) + "\",le=\"" +
         std::string(le) + "\"}";
}

TEST(Metrics, EmptyRegistryRendersFamiliesAndZeroGauges) {
  Metrics metrics;
  auto exposition = parse(metrics.render());
  EXPECT_EQ(exposition.value("liaison_http_connections_open"), "0");
  EXPECT_EQ(exposition.value("liaison_http_connections_accepted_total"), "0");
  EXPECT_EQ(exposition.samples.size(), 2u);
  for (std::string family :
       {"liaison_http_requests_total counter", "liaison_http_request_duration_seconds histogram",
        "liaison_http_connections_open gauge", "liaison_http_connections_accepted_total counter"}) {
    EXPECT_NE(std::find(exposition.comments.begin(), exposition.comments.end(), "# TYPE " + family),
              exposition.comments.end())
        << family;
  }
}

TEST(Metrics, EveryFamilyHasOneHelpAndOneTypeLine) {
  Metrics metrics;
  metrics.record("/healthz", "GET", 200, 1ms);
  auto exposition = parse(metrics.render());
  std::map<std::string, int> help;
  std::map<std::string, int> type;
  for (const auto& comment : exposition.comments) {
    std::istringstream words(comment);
    std::string hash, kind, name;
    words >> hash >> kind >> name;
    if (kind == "HELP") ++help[name];
    if (kind == "TYPE") ++type[name];
  }
  EXPECT_EQ(help.size(), 4u);
  EXPECT_EQ(type.size(), 4u);
  for (const auto& [name, count] : help)
    EXPECT_EQ(count, 1) << name;
  for (const auto& [name, count] : type)
    EXPECT_EQ(count, 1) << name;
}

TEST(Metrics, CountsRequestsByRouteMethodAndStatus) {
  Metrics metrics;
  metrics.record("/healthz", "GET", 200, 1ms);
  metrics.record("/healthz", "GET", 200, 2ms);
  metrics.record("/healthz", "HEAD", 200, 2ms);
  metrics.record("/api/v1/states/{code}", "GET", 404, 3ms);
  metrics.record("unmatched", "GET", 404, 3ms);
  auto exposition = parse(metrics.render());
  EXPECT_EQ(exposition.value(
                R"(liaison_http_requests_total{route="/healthz",method="GET",status="200"})"),
            "2");
  EXPECT_EQ(exposition.value(
                R"(liaison_http_requests_total{route="/healthz",method="HEAD",status="200"})"),
            "1");
  EXPECT_EQ(
      exposition.value(
          R"(liaison_http_requests_total{route="/api/v1/states/{code}",method="GET",status="404"})"),
      "1");
  EXPECT_EQ(exposition.value(
                R"(liaison_http_requests_total{route="unmatched",method="GET",status="404"})"),
            "1");
}

TEST(Metrics, HistogramBucketsAreCumulativeAndInfEqualsCount) {
  Metrics metrics;
  metrics.record("/r", "GET", 200, 300us);  // ≤ 0.0005
  metrics.record("/r", "GET", 200, 3ms);    // ≤ 0.005
  metrics.record("/r", "GET", 200, 300ms);  // ≤ 0.5
  metrics.record("/r", "POST", 201, 7s);    // only +Inf
  auto exposition = parse(metrics.render());
  const std::map<std::string, std::string> expected = {
      {"0.0005", "1"}, {"0.001", "1"}, {"0.0025", "1"}, {"0.005", "2"},
      {"0.01", "2"},   {"0.025", "2"}, {"0.05", "2"},   {"0.1", "2"},
      {"0.25", "2"},   {"0.5", "3"},   {"1", "3"},      {"5", "3"},
  };
  for (const auto& [le, count] : expected) {
    EXPECT_EQ(exposition.value(bucket("/r", le)), count) << "le=" << le;
  }
  EXPECT_EQ(exposition.value(bucket("/r", "+Inf")), "4");
  EXPECT_EQ(exposition.value(R"(liaison_http_request_duration_seconds_count{route="/r"})"), "4");
  EXPECT_NEAR(exposition.number(R"(liaison_http_request_duration_seconds_sum{route="/r"})"), 7.3033,
              1e-9);
}

TEST(Metrics, BucketBoundsAreIncluded) {
  // Prometheus buckets are "less than or equal": exactly 1 ms falls in le="0.001".
  Metrics metrics;
  metrics.record("/r", "GET", 200, 1ms);
  metrics.record("/r", "GET", 200, 5s);
  auto exposition = parse(metrics.render());
  EXPECT_EQ(exposition.value(bucket("/r", "0.0005")), "0");
  EXPECT_EQ(exposition.value(bucket("/r", "0.001")), "1");
  EXPECT_EQ(exposition.value(bucket("/r", "1")), "1");
  EXPECT_EQ(exposition.value(bucket("/r", "5")), "2");
  EXPECT_EQ(exposition.value(bucket("/r", "+Inf")), "2");
}

TEST(Metrics, BucketsAppearInIncreasingOrderEndingWithInf) {
  Metrics metrics;
  metrics.record("/a", "GET", 200, 20ms);
  metrics.record("/b", "GET", 200, 2s);
  auto exposition = parse(metrics.render());
  for (std::string route : {"/a", "/b"}) {
    std::vector<std::string> order;
    for (const auto& series : exposition.order) {
      if (series.starts_with("liaison_http_request_duration_seconds_bucket{route=\"" + route +
                             "\"")) {
        order.push_back(series);
      }
    }
    ASSERT_EQ(order.size(), std::size(kBucketBounds) + 1) << route;
    for (std::size_t i = 0; i < std::size(kBucketBounds); ++i) {
      EXPECT_EQ(order[i], bucket(route, kBucketBounds[i]));
    }
    EXPECT_EQ(order.back(), bucket(route, "+Inf"));
    double previous = -1;
    for (const auto& series : order) {
      auto count = exposition.number(series);
      EXPECT_GE(count, previous) << series;
      previous = count;
    }
    EXPECT_EQ(
        exposition.value(bucket(route, "+Inf")),
        exposition.value("liaison_http_request_duration_seconds_count{route=\"" + route + "\"}"));
  }
}

TEST(Metrics, HistogramIsPerRouteNotPerMethodOrStatus) {
  Metrics metrics;
  metrics.record("/r", "GET", 200, 1ms);
  metrics.record("/r", "POST", 500, 1ms);
  auto exposition = parse(metrics.render());
  EXPECT_EQ(exposition.value(R"(liaison_http_request_duration_seconds_count{route="/r"})"), "2");
}

TEST(Metrics, ConnectionGaugeFollowsOpensAndCloses) {
  Metrics metrics;
  metrics.connection_opened();
  metrics.connection_opened();
  metrics.connection_opened();
  metrics.connection_closed();
  auto exposition = parse(metrics.render());
  EXPECT_EQ(exposition.value("liaison_http_connections_open"), "2");
  EXPECT_EQ(exposition.value("liaison_http_connections_accepted_total"), "3");
  metrics.connection_closed();
  metrics.connection_closed();
  exposition = parse(metrics.render());
  EXPECT_EQ(exposition.value("liaison_http_connections_open"), "0");
  EXPECT_EQ(exposition.value("liaison_http_connections_accepted_total"), "3");
}

TEST(Metrics, ConcurrentRecordsAreAllCounted) {
  Metrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&metrics] {
      for (int i = 0; i < 500; ++i) {
        metrics.connection_opened();
        metrics.record("/r", "GET", 200, 1ms);
        metrics.connection_closed();
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  auto exposition = parse(metrics.render());
  EXPECT_EQ(
      exposition.value(R"(liaison_http_requests_total{route="/r",method="GET",status="200"})"),
      "2000");
  EXPECT_EQ(exposition.value(bucket("/r", "+Inf")), "2000");
  EXPECT_EQ(exposition.value("liaison_http_connections_open"), "0");
  EXPECT_EQ(exposition.value("liaison_http_connections_accepted_total"), "2000");
}

}  // namespace
}  // namespace liaison::web
