#include "services/audit_query.h"

#include <chrono>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "base/clock.h"
#include "services/audit_log.h"
#include "store/engines.h"

namespace liaison::testing {
namespace {

namespace json = boost::json;

domain::AuditEvent event(std::string action, std::string actor = "system",
                         std::string organisation_id = {}, std::string subject = "instance") {
  return {std::move(actor),   "192.0.2.1",  std::move(action),
          std::move(subject), R"({"n":1})", std::move(organisation_id)};
}

std::vector<std::int64_t> sequences(const std::vector<domain::AuditEntry>& entries) {
  std::vector<std::int64_t> result;
  for (const auto& entry : entries)
    result.push_back(entry.sequence);
  return result;
}

std::vector<std::string> actions(const std::vector<domain::AuditEntry>& entries) {
  std::vector<std::string> result;
  for (const auto& entry : entries)
    result.push_back(entry.event.action);
  return result;
}

class AuditQuery : public StoreTest {
 protected:
  void SetUp() override { database = database_.open_migrated(); }

  domain::AuditEntry append(const domain::AuditEvent& audited) {
    auto entry = database->transact(store::Access::write, [&](store::Connection& connection) {
      return services::append_audit(connection, clock, audited);
    });
    EXPECT_TRUE(entry) << entry.error().message;
    return entry.value();
  }

  std::vector<domain::AuditEntry> query(const services::AuditFilter& filter) {
    auto entries = services::query_audit(*database, filter);
    EXPECT_TRUE(entries) << entries.error().message;
    return entries ? *entries : std::vector<domain::AuditEntry>{};
  }

  std::vector<domain::AuditEntry> exported(const services::AuditFilter& filter) {
    std::vector<domain::AuditEntry> entries;
    auto count = services::export_audit(
        *database, filter, [&](const domain::AuditEntry& entry) { entries.push_back(entry); });
    EXPECT_TRUE(count) << count.error().message;
    if (count) {
      EXPECT_EQ(*count, static_cast<std::int64_t>(entries.size()));
    }
    return entries;
  }

  // 2024-10-04T00:00:00Z
  ManualClock clock{std::chrono::system_clock::time_point{std::chrono::hours(24 * 20000)}};
  std::unique_ptr<store::Database> database;
};

TEST_P(AuditQuery, AnEmptyFilterReadsEverythingInOrder) {
  append(event("one"));
  append(event("two"));
  append(event("three"));
  auto entries = query({});
  EXPECT_EQ(sequences(entries), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(entries[1].event.action, "two");
  EXPECT_EQ(entries[1].event.source_address, "192.0.2.1");
  EXPECT_EQ(entries[1].event.details, R"({"n":1})");
  EXPECT_EQ(entries[1].occurred_at, "2024-10-04T00:00:00.000000Z");
  EXPECT_EQ(entries[1].previous_hash, entries[0].hash);
  EXPECT_EQ(entries[1].hash, services::audit_hash(entries[1]));
}

TEST_P(AuditQuery, FiltersByOrganisation) {
  append(event("a", "system", "org-1"));
  append(event("b", "system", "org-2"));
  append(event("c"));  // the instance's own
  append(event("d", "system", "org-1"));

  services::AuditFilter filter;
  filter.organisation_id = "org-1";
  auto entries = query(filter);
  EXPECT_EQ(actions(entries), (std::vector<std::string>{"a", "d"}));
  EXPECT_EQ(entries[0].event.organisation_id, "org-1");
  EXPECT_EQ(actions(exported(filter)), (std::vector<std::string>{"a", "d"}));

  filter.organisation_id = "org-3";
  EXPECT_TRUE(query(filter).empty());

  auto all = query({});
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[2].event.organisation_id, "");
}

TEST_P(AuditQuery, AnActionEndingInADotIsAPrefixOtherwiseExact) {
  append(event("sign_in.failed"));
  append(event("sign_in.succeeded"));
  append(event("sign_in"));
  append(event("signXin.failed"));  // what sign_in. would match if _ were a LIKE wildcard
  append(event("sign_in_other.failed"));
  append(event("50%.off"));
  append(event("50X.off"));

  services::AuditFilter filter;
  filter.action_prefix = "sign_in.";
  EXPECT_EQ(actions(query(filter)),
            (std::vector<std::string>{"sign_in.failed", "sign_in.succeeded"}));
  EXPECT_EQ(actions(exported(filter)),
            (std::vector<std::string>{"sign_in.failed", "sign_in.succeeded"}));

  filter.action_prefix = "sign_in";
  EXPECT_EQ(actions(query(filter)), (std::vector<std::string>{"sign_in"}));

  filter.action_prefix = "sign_in.failed";
  EXPECT_EQ(actions(query(filter)), (std::vector<std::string>{"sign_in.failed"}));

  // % and _ are literal characters, not wildcards.
  filter.action_prefix = "50%.";
  EXPECT_EQ(actions(query(filter)), (std::vector<std::string>{"50%.off"}));
  filter.action_prefix = "%.";
  EXPECT_TRUE(query(filter).empty());
  filter.action_prefix = "_";
  EXPECT_TRUE(query(filter).empty());
  filter.action_prefix = "sign_in.%";
  EXPECT_TRUE(query(filter).empty());
}

TEST_P(AuditQuery, APrefixCountsCharactersNotBytes) {
  append(event("état.créé"));
  append(event("état.supprimé"));
  append(event("etat.cree"));
  services::AuditFilter filter;
  filter.action_prefix = "état.";
  EXPECT_EQ(actions(query(filter)), (std::vector<std::string>{"état.créé", "état.supprimé"}));
}

TEST_P(AuditQuery, FiltersByActorAndSubject) {
  append(event("a", "cli", "", "account:1"));
  append(event("b", "account-7", "", "account:1"));
  append(event("c", "account-7", "", "account:2"));
  append(event("d", "anonymous", "", "account:1"));

  services::AuditFilter filter;
  filter.actor = "account-7";
  EXPECT_EQ(actions(query(filter)), (std::vector<std::string>{"b", "c"}));
  filter.subject = "account:1";
  EXPECT_EQ(actions(query(filter)), (std::vector<std::string>{"b"}));
  filter.actor.clear();
  EXPECT_EQ(actions(query(filter)), (std::vector<std::string>{"a", "b", "d"}));
  filter.subject = "account:";
  EXPECT_TRUE(query(filter).empty());
  filter.subject.clear();
  filter.actor = "account";  // exact, not a prefix
  EXPECT_TRUE(query(filter).empty());
}

TEST_P(AuditQuery, SinceIsInclusiveAndUntilExclusive) {
  append(event("t0"));  // 2024-10-04T00:00:00.000000Z
  clock.advance(std::chrono::seconds(1));
  append(event("t1"));  // …01.000000Z
  clock.advance(std::chrono::microseconds(500));
  append(event("t1.0005"));  // …01.000500Z
  clock.advance(std::chrono::milliseconds(1999) + std::chrono::microseconds(500));
  append(event("t3"));  // …03.000000Z

  services::AuditFilter filter;
  filter.since = "2024-10-04T00:00:01Z";
  EXPECT_EQ(actions(query(filter)), (std::vector<std::string>{"t1", "t1.0005", "t3"}));
  filter.until = "2024-10-04T00:00:03Z";
  EXPECT_EQ(actions(query(filter)), (std::vector<std::string>{"t1", "t1.0005"}));
  EXPECT_EQ(actions(exported(filter)), (std::vector<std::string>{"t1", "t1.0005"}));

  // Other offsets, lower-case separators and fractions are normalised before comparing.
  filter.since = "2024-10-04T02:00:01.0001+02:00";
  filter.until = "2024-10-03t23:00:03-01:00";
  EXPECT_EQ(actions(query(filter)), (std::vector<std::string>{"t1.0005"}));
  filter.since = "2024-10-04T00:00:01.000500z";
  filter.until = "2024-10-04T00:00:01.0005000001Z";  // past the microsecond: rounds up
  EXPECT_EQ(actions(query(filter)), (std::vector<std::string>{"t1.0005"}));
  filter.since = "2024-10-04T00:00:01.0004999Z";  // rounds up to .000500, still inclusive
  EXPECT_EQ(actions(query(filter)), (std::vector<std::string>{"t1.0005"}));
  filter.since = "2024-10-04T00:00:01.0005001Z";
  EXPECT_TRUE(query(filter).empty());

  filter = {};
  filter.until = "2024-10-04T00:00:00Z";
  EXPECT_TRUE(query(filter).empty());
  filter.until = "9999-12-31T23:59:59.999999Z";
  EXPECT_EQ(query(filter).size(), 4u);
  filter.until = {};
  filter.since = "0001-01-01T00:00:00Z";
  EXPECT_EQ(query(filter).size(), 4u);
}

TEST_P(AuditQuery, MalformedTimesAreInvalidArguments) {
  append(event("a"));
  for (std::string bad : std::vector<std::string>{
           "yesterday", "2024-10-04", "2024-10-04T00:00:00", "2024-10-04 00:00:00Z",
           "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
           "2024-10-04T24:00:00Z", "2024-10-04T00:60:00Z", "2024-10-04T00:00:00.Z",
           "2024-10-04T00:00:00+0100", "2024-10-04T00:00:00+24:00", "2024-10-04T00:00:00Z ",
           "24-10-04T00:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00",
           std::string("2024-10-04T00:00:00Z\0", 21)}) {
    services::AuditFilter filter;
    filter.since = bad;
    auto since = services::query_audit(*database, filter);
    ASSERT_FALSE(since) << bad;
    EXPECT_EQ(since.error().code, ErrorCode::invalid_argument) << bad;
    EXPECT_EQ(since.error().message.rfind("since: ", 0), 0u) << since.error().message;

    filter = {};
    filter.until = bad;
    auto until = services::export_audit(*database, filter, [](const domain::AuditEntry&) {});
    ASSERT_FALSE(until) << bad;
    EXPECT_EQ(until.error().code, ErrorCode::invalid_argument) << bad;
    EXPECT_EQ(until.error().message.rfind("until: ", 0), 0u) << until.error().message;
  }
  services::AuditFilter leap;
  leap.since = "2016-12-31T23:59:60Z";
  EXPECT_TRUE(services::query_audit(*database, leap));
}

TEST_P(AuditQuery, OtherBadFiltersAreInvalidArguments) {
  auto rejected = [&](const services::AuditFilter& filter, std::string_view prefix) {
    auto result = services::query_audit(*database, filter);
    ASSERT_FALSE(result) << prefix;
    EXPECT_EQ(result.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(result.error().message.rfind(prefix, 0), 0u) << result.error().message;
  };
  services::AuditFilter filter;
  filter.limit = 0;
  rejected(filter, "limit: ");
  filter.limit = 1001;
  rejected(filter, "limit: ");
  filter.limit = 1000;
  EXPECT_TRUE(services::query_audit(*database, filter));
  filter.after_sequence = -1;
  rejected(filter, "after: ");
  filter = {};
  filter.actor = "caf\xc3";
  rejected(filter, "actor: ");
  filter = {};
  filter.subject = std::string("a\0b", 3);
  rejected(filter, "subject: ");
}

TEST_P(AuditQuery, PagesFollowTheSequence) {
  for (int i = 1; i <= 7; ++i)
    append(event(fmt::format("e{}", i), i % 2 ? "odd" : "even"));

  services::AuditFilter filter;
  filter.limit = 3;
  EXPECT_EQ(sequences(query(filter)), (std::vector<std::int64_t>{1, 2, 3}));
  filter.after_sequence = 3;
  EXPECT_EQ(sequences(query(filter)), (std::vector<std::int64_t>{4, 5, 6}));
  filter.after_sequence = 6;
  EXPECT_EQ(sequences(query(filter)), (std::vector<std::int64_t>{7}));
  filter.after_sequence = 7;
  EXPECT_TRUE(query(filter).empty());

  // With a filter, `after` is a sequence, not a count of matches.
  filter = {};
  filter.actor = "odd";
  filter.limit = 2;
  EXPECT_EQ(sequences(query(filter)), (std::vector<std::int64_t>{1, 3}));
  filter.after_sequence = 3;
  EXPECT_EQ(sequences(query(filter)), (std::vector<std::int64_t>{5, 7}));
  // The export ignores the limit but honours `after`.
  EXPECT_EQ(sequences(exported(filter)), (std::vector<std::int64_t>{5, 7}));
}

TEST_P(AuditQuery, ExportStreamsEverythingAcrossPages) {
  auto written = database->transact(store::Access::write, [&](store::Connection& connection) {
    for (int i = 1; i <= 2345; ++i) {
      auto entry = services::append_audit(
          connection, clock, event("bulk", "system", i % 5 == 0 ? "org-5" : "org-other"));
      if (!entry) return Result<void>(entry.error());
    }
    return Result<void>();
  });
  ASSERT_TRUE(written) << written.error().message;

  services::AuditFilter filter;
  filter.limit = 1;  // ignored
  auto entries = exported(filter);
  ASSERT_EQ(entries.size(), 2345u);
  for (std::size_t i = 0; i < entries.size(); ++i)
    ASSERT_EQ(entries[i].sequence, static_cast<std::int64_t>(i + 1));

  filter.organisation_id = "org-5";
  auto fifths = exported(filter);
  ASSERT_EQ(fifths.size(), 469u);
  EXPECT_EQ(fifths.front().sequence, 5);
  EXPECT_EQ(fifths.back().sequence, 2345);

  filter.after_sequence = 2000;
  EXPECT_EQ(exported(filter).size(), 69u);
}

LIAISON_INSTANTIATE_STORE_TEST(AuditQuery);

// Formatting needs no database.

domain::AuditEntry sample_entry() {
  domain::AuditEntry entry;
  entry.sequence = 42;
  entry.occurred_at = "2026-11-23T10:00:00.123456Z";
  entry.event = {"account-1",
                 "2001:db8::1",
                 "organisation.renamed",
                 "organisation:org-1",
                 R"x({"from":"A, \"B\"","to":"=HYPERLINK(\"http://x\")"})x",
                 "org-1"};
  entry.previous_hash = std::string(64, 'a');
  entry.hash = std::string(64, 'b');
  return entry;
}

TEST(AuditCsv, TheHeaderNamesTheColumns) {
  EXPECT_EQ(services::audit_csv_header(),
            "sequence,occurred_at,actor,source_address,action,subject,organisation_id,details,"
            "previous_hash,hash\r\n");
}

TEST(AuditCsv, PlainFieldsAreNotQuoted) {
  auto entry = sample_entry();
  entry.event.details = "{}";
  entry.event.organisation_id.clear();
  EXPECT_EQ(services::audit_csv_row(entry),
            "42,2026-11-23T10:00:00.123456Z,account-1,2001:db8::1,organisation.renamed,"
            "organisation:org-1,,{}," +
                std::string(64, 'a') + "," + std::string(64, 'b') + "\r\n");
}

TEST(AuditCsv, CommasQuotesAndLineBreaksAreQuoted) {
  auto entry = sample_entry();
  entry.event.actor = "a,b";
  entry.event.source_address = "say \"hi\"";
  entry.event.action = "line\nbreak";
  entry.event.subject = "carriage\r\nreturn";
  entry.event.organisation_id = "semi;colon";
  entry.event.details = "{}";
  EXPECT_EQ(services::audit_csv_row(entry),
            "42,2026-11-23T10:00:00.123456Z,\"a,b\",\"say \"\"hi\"\"\",\"line\nbreak\","
            "\"carriage\r\nreturn\",\"semi;colon\",{}," +
                std::string(64, 'a') + "," + std::string(64, 'b') + "\r\n");
}

TEST(AuditCsv, FormulasAreNeutralised) {
  auto entry = sample_entry();
  entry.event.actor = "=cmd|' /C calc'!A0";
  entry.event.source_address = "+1";
  entry.event.action = "-2";
  entry.event.subject = "@SUM(A1)";
  entry.event.organisation_id = "\t=1";
  entry.event.details = "\r=1";
  auto row = services::audit_csv_row(entry);
  EXPECT_EQ(row,
            "42,2026-11-23T10:00:00.123456Z,'=cmd|' /C calc'!A0,'+1,'-2,'@SUM(A1),\"'\t=1\","
            "\"'\r=1\"," +
                std::string(64, 'a') + "," + std::string(64, 'b') + "\r\n");
  // A formula that is not at the start of the field is only text.
  entry = sample_entry();
  EXPECT_NE(services::audit_csv_row(entry).find(
                R"x("{""from"":""A, \""B\"""",""to"":""=HYPERLINK(\""http://x\"")""}")x"),
            std::string::npos)
      << services::audit_csv_row(entry);
}

TEST(AuditCsv, IllFormedUtf8IsReplaced) {
  auto entry = sample_entry();
  entry.event.actor = "caf\xc3";
  EXPECT_NE(services::audit_csv_row(entry).find(",caf\xef\xbf\xbd,"), std::string::npos);
}

TEST(AuditJson, ALineRoundTrips) {
  auto entry = sample_entry();
  auto line = services::audit_json_line(entry);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);

  auto parsed = json::parse(line);
  const auto& object = parsed.as_object();
  EXPECT_EQ(object.at("sequence").as_int64(), 42);
  EXPECT_EQ(object.at("occurred_at").as_string(), entry.occurred_at);
  EXPECT_EQ(object.at("actor").as_string(), "account-1");
  EXPECT_EQ(object.at("source_address").as_string(), "2001:db8::1");
  EXPECT_EQ(object.at("action").as_string(), "organisation.renamed");
  EXPECT_EQ(object.at("subject").as_string(), "organisation:org-1");
  EXPECT_EQ(object.at("organisation_id").as_string(), "org-1");
  EXPECT_EQ(object.at("previous_hash").as_string(), entry.previous_hash);
  EXPECT_EQ(object.at("hash").as_string(), entry.hash);
  ASSERT_TRUE(object.at("details").is_object());
  EXPECT_EQ(object.at("details").as_object().at("from").as_string(), "A, \"B\"");
  EXPECT_EQ(object.at("details"), json::parse(entry.event.details));
  EXPECT_EQ(object.size(), 10u);
}

TEST(AuditJson, DetailsThatAreNotAnObjectStayText) {
  auto entry = sample_entry();
  entry.event.organisation_id.clear();
  for (std::string details : {"not json", "[1,2]", "", "{\"a\":\n1"}) {
    entry.event.details = details;
    auto line = services::audit_json_line(entry);
    EXPECT_EQ(line.find('\n'), line.size() - 1) << details;
    auto parsed = json::parse(line).as_object();
    ASSERT_TRUE(parsed.at("details").is_string()) << details;
    EXPECT_EQ(parsed.at("details").as_string(), details);
    EXPECT_TRUE(parsed.at("organisation_id").is_null());
  }
  entry.event.details = "caf\xc3";
  auto parsed = json::parse(services::audit_json_line(entry)).as_object();
  EXPECT_EQ(parsed.at("details").as_string(), "caf\xef\xbf\xbd");
}

}  // namespace
}  // namespace liaison::testing
