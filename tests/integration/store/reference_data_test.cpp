#include <fstream>
#include <map>
#include <sstream>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/random.h"
#include "services/demo_service.h"
#include "store/engines.h"
#include "store/reference_store.h"

namespace liaison::testing {
namespace {

using domain::Language;

class ReferenceDataTest : public StoreTest {
 protected:
  void SetUp() override { database = database_.open_migrated(); }

  template <class Work>
  auto read(Work&& work) {
    return database->transact(store::Access::read, [&](store::Connection& connection) {
      store::ReferenceStore reference(connection);
      return work(reference);
    });
  }

  std::unique_ptr<store::Database> database;
};

TEST_P(ReferenceDataTest, OrganisationsHaveTheirMemberCounts) {
  auto organisations =
      read([](store::ReferenceStore& reference) { return reference.organisations(); });
  ASSERT_TRUE(organisations) << organisations.error().message;
  std::map<std::string, long> counts;
  for (const auto& summary : *organisations)
    counts[summary.organisation.code] = summary.member_count;
  const std::map<std::string, long> expected = {{"UN", 193},   {"OSCE", 57}, {"OAS", 35},
                                                {"ASEAN", 10}, {"ARF", 27},  {"AU", 55}};
  EXPECT_EQ(counts, expected);
  // In the order of data/organisations.json, the global directory first.
  EXPECT_EQ(organisations->front().organisation.code, "UN");
}

TEST_P(ReferenceDataTest, EveryStateHasItsNameInTheSixLanguages) {
  auto count = database->transact(store::Access::read, [](store::Connection& connection) {
    return connection.query(
        "SELECT s.kind, count(*) FROM states s JOIN state_names n ON n.alpha2 = s.alpha2 "
        "GROUP BY s.alpha2, s.kind");
  });
  ASSERT_TRUE(count);
  int states = 0;
  int others = 0;
  for (const auto& row : *count) {
    if (row.text(0) == "state") {
      ++states;
      EXPECT_EQ(row.integer(1), 6);
    } else {
      ++others;
    }
  }
  EXPECT_EQ(states, 195);  // 193 UN members, the Holy See, Western Sahara (AU: SADR)
  EXPECT_EQ(others, 1);    // the European Union, an ARF participant
}

TEST_P(ReferenceDataTest, NamesComeFromIsoCodes) {
  // Debian's iso-codes is the source of every name: the English ones must match it exactly.
  std::ifstream file("/usr/share/iso-codes/json/iso_3166-1.json");
  ASSERT_TRUE(file) << "iso-codes is not installed";
  std::stringstream content;
  content << file.rdbuf();
  auto iso = boost::json::parse(content.str());
  std::map<std::string, std::string> english;
  for (const auto& entry : iso.at("3166-1").as_array()) {
    english[std::string(entry.at("alpha_2").as_string())] =
        std::string(entry.at("name").as_string());
  }

  auto members = read([](store::ReferenceStore& reference) -> Result<std::vector<domain::State>> {
    auto un = reference.find_organisation("UN");
    if (!un) return un.error();
    return reference.members((*un)->id);
  });
  ASSERT_TRUE(members);
  ASSERT_EQ(members->size(), 193u);
  for (const auto& state : *members) {
    EXPECT_EQ(state.name(Language::english), english[state.alpha2]) << state.alpha2;
  }
}

TEST_P(ReferenceDataTest, FindsStatesByEitherCodeWithTranslations) {
  auto by_alpha2 = read(
      [](store::ReferenceStore& reference) { return reference.find_state(domain::Alpha2{"FR"}); });
  ASSERT_TRUE(by_alpha2);
  ASSERT_TRUE(*by_alpha2);
  const auto& france = **by_alpha2;
  EXPECT_EQ(france.alpha3, "FRA");
  EXPECT_EQ(france.numeric, "250");
  EXPECT_EQ(france.name(Language::english), "France");
  EXPECT_EQ(france.name(Language::russian), "Франция");
  EXPECT_EQ(france.name(Language::chinese), "法国");
  EXPECT_EQ(france.name(Language::arabic), "فرنسا");

  auto by_alpha3 = read(
      [](store::ReferenceStore& reference) { return reference.find_state(domain::Alpha3{"FRA"}); });
  ASSERT_TRUE(by_alpha3 && *by_alpha3);
  EXPECT_EQ((*by_alpha3)->alpha2, "FR");

  auto unknown = read(
      [](store::ReferenceStore& reference) { return reference.find_state(domain::Alpha2{"ZZ"}); });
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);
}

TEST_P(ReferenceDataTest, KnowsWhichOrganisationsAStateBelongsTo) {
  auto of = [&](std::string alpha2) {
    auto organisations =
        read([&](store::ReferenceStore& reference) { return reference.organisations_of(alpha2); });
    std::vector<std::string> codes;
    for (const auto& organisation : organisations.value())
      codes.push_back(organisation.code);
    return codes;
  };
  EXPECT_EQ(of("US"), (std::vector<std::string>{"UN", "OSCE", "OAS", "ARF"}));
  EXPECT_EQ(of("VA"), (std::vector<std::string>{"OSCE"}));
  EXPECT_EQ(of("EH"), (std::vector<std::string>{"AU"}));
  EXPECT_EQ(of("EU"), (std::vector<std::string>{"ARF"}));
  EXPECT_EQ(of("SG"), (std::vector<std::string>{"UN", "ASEAN", "ARF"}));
}

TEST_P(ReferenceDataTest, HoldsBothCbmCatalogues) {
  auto osce = read([](store::ReferenceStore& reference) { return reference.cbms("OSCE"); });
  ASSERT_TRUE(osce);
  ASSERT_EQ(osce->size(), 16u);
  EXPECT_EQ(osce->front().number, "1");
  EXPECT_EQ(osce->back().number, "16");
  // CBM 8: contact points, updated annually, changes within 30 days.
  EXPECT_NE((*osce)[7].text.find("contact"), std::string::npos);

  auto un = read([](store::ReferenceStore& reference) { return reference.cbms("UN"); });
  ASSERT_TRUE(un);
  EXPECT_EQ(un->size(), 22u);
  for (const auto& cbm : *un) {
    EXPECT_FALSE(cbm.title.empty()) << cbm.number;
    EXPECT_FALSE(cbm.text.empty()) << cbm.number;
  }
}

TEST_P(ReferenceDataTest, DemoOrganisationIsCreatedOnce) {
  SystemClock clock;
  SystemRandom random;
  auto first = services::ensure_demo_organisation(*database, clock, random);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->created);
  auto second = services::ensure_demo_organisation(*database, clock, random);
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->created);
  EXPECT_EQ(first->organisation_id, second->organisation_id);
  EXPECT_TRUE(is_uuid(first->organisation_id));

  auto demo =
      read([](store::ReferenceStore& reference) { return reference.find_organisation("demo"); });
  ASSERT_TRUE(demo && *demo);
  EXPECT_TRUE((*demo)->demo);
}

LIAISON_INSTANTIATE_STORE_TEST(ReferenceDataTest);

}  // namespace
}  // namespace liaison::testing
