#include "domain/formats/global_irt.h"

#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

namespace liaison::domain {
namespace {

namespace json = boost::json;

State austria() {
  State state;
  state.alpha2 = "AT";
  state.alpha3 = "AUT";
  state.numeric = "040";
  state.names = {{Language::english, "Austria"}, {Language::french, "Autriche"}};
  return state;
}

DirectoryEntry cert_at() {
  DirectoryEntry entry;
  entry.id = "0190a0b0-0000-7000-8000-000000000003";
  entry.state = "AT";
  entry.kind = EntryKind::structure;
  entry.level = Level::structure;
  entry.version.recorded_at = "2025-03-01T09:30:05.123456Z";
  entry.confirmed_at = "2025-04-02T10:00:00.000000Z";
  entry.verified_at = "2025-03-15T12:00:00.000000Z";
  auto& contact = entry.version.contact;
  contact.name = "Computer Emergency Response Team Austria";
  contact.short_name = "CERT.at";
  contact.structure_type = StructureType::csirt;
  contact.constituency = "Austria, all sectors";
  contact.website = "https://cert.at/";
  contact.functional_email = "team@cert.at";
  contact.phones = {{"+43150564160", "office", false}, {"+43150564169", "emergency", true}};
  contact.languages = {"de", "en"};
  contact.time_zone = "Europe/Vienna";
  contact.hours = "Mon–Fri 08:00–18:00";
  contact.openpgp = OpenPgpKey{"-----BEGIN PGP PUBLIC KEY BLOCK-----\n…",
                               "0123456789ABCDEF0123456789ABCDEF01234567"};
  contact.channels = {{"Signal", "+43150564169"}};
  return entry;
}

TEST(GlobalIrtTeam, MapsANationalStructure) {
  auto team = global_irt_team(cert_at(), austria());
  auto expected = json::parse(R"json({
    "short-team-name": "CERT.at",
    "official-team-name": "Computer Emergency Response Team Austria",
    "country-code": "AT",
    "country": "Austria",
    "website": ["https://cert.at/"],
    "email": "team@cert.at",
    "phone-numbers": ["+43150564160", "+43150564169"],
    "enckeys": ["0x0123456789ABCDEF0123456789ABCDEF01234567"],
    "operating-hours": "Mon–Fri 08:00–18:00 (Europe/Vienna)",
    "constituency-description": "Austria, all sectors",
    "cert-type": ["national"],
    "source-name": "Liaison",
    "last-modified": "2025-04-02T10:00:00+00:00",
    "-liaison-id": "0190a0b0-0000-7000-8000-000000000003",
    "-liaison-structure-type": "csirt",
    "-liaison-emergency-phone": "+43150564169",
    "-liaison-phones": [
      {"number": "+43150564160", "label": "office", "around-the-clock": false},
      {"number": "+43150564169", "label": "emergency", "around-the-clock": true}
    ],
    "-liaison-around-the-clock": false,
    "-liaison-time-zone": "Europe/Vienna",
    "-liaison-languages": ["de", "en"],
    "-liaison-secure-channels": [{"kind": "Signal", "address": "+43150564169"}],
    "-liaison-openpgp-fingerprint": "0123456789ABCDEF0123456789ABCDEF01234567",
    "-liaison-openpgp-key": "-----BEGIN PGP PUBLIC KEY BLOCK-----\n…",
    "-liaison-confirmed-at": "2025-04-02T10:00:00.000000Z",
    "-liaison-verified-at": "2025-03-15T12:00:00.000000Z"
  })json");
  EXPECT_EQ(json::value(team), expected) << json::serialize(team);
}

TEST(GlobalIrtTeam, LeavesOutEmptyValues) {
  DirectoryEntry entry;
  entry.kind = EntryKind::structure;
  entry.level = Level::structure;
  entry.version.contact.name = "Cyber Security Agency";
  entry.version.contact.structure_type = StructureType::other;
  State state;
  state.alpha2 = "EU";
  auto team = global_irt_team(entry, state, "OSCE directory");
  EXPECT_EQ(json::value(team), json::parse(R"json({
    "short-team-name": "Cyber Security Agency",
    "official-team-name": "Cyber Security Agency",
    "country-code": "EU",
    "source-name": "OSCE directory",
    "-liaison-structure-type": "other",
    "-liaison-around-the-clock": false
  })json"))
      << json::serialize(team);
}

TEST(GlobalIrtTeam, OperatingHoursAre247WhenAroundTheClock) {
  auto entry = cert_at();
  entry.version.contact.around_the_clock = true;
  entry.version.contact.hours.clear();
  auto team = global_irt_team(entry, austria());
  EXPECT_EQ(team.at("operating-hours"), "24/7");
  EXPECT_EQ(team.at("-liaison-around-the-clock"), true);

  entry.version.contact.around_the_clock = false;
  entry.version.contact.hours = "09:00–17:00";
  entry.version.contact.time_zone.clear();
  EXPECT_EQ(global_irt_team(entry, austria()).at("operating-hours"), "09:00–17:00");
}

TEST(GlobalIrtTeam, CertTypesFollowTheStructureType) {
  auto entry = cert_at();
  entry.version.contact.structure_type = StructureType::cyber_agency;
  EXPECT_EQ(global_irt_team(entry, austria()).at("cert-type"),
            json::parse(R"(["national", "government"])"));
  entry.version.contact.structure_type = StructureType::mfa_desk;
  EXPECT_FALSE(global_irt_team(entry, austria()).contains("cert-type"));
}

TEST(GlobalIrtTeam, KeepsTheTextOfAnUnreadableTime) {
  auto entry = cert_at();
  entry.confirmed_at.clear();
  entry.verified_at.clear();
  entry.version.recorded_at = "yesterday";
  EXPECT_EQ(global_irt_team(entry, austria()).at("last-modified"), "yesterday");
}

TEST(GlobalIrtTeam, RepairsIllFormedUtf8) {
  auto entry = cert_at();
  entry.version.contact.name = "CERT\xC3";
  auto text = json::serialize(global_irt_team(entry, austria()));
  EXPECT_NE(text.find("CERT\xEF\xBF\xBD"), std::string::npos) << text;
}

TEST(GlobalIrtDocument, WrapsTheTeamsInTheEnvelope) {
  auto structure = cert_at();
  auto older = cert_at();
  older.id = "older";
  older.confirmed_at.clear();
  older.verified_at.clear();
  auto poc = cert_at();
  poc.kind = EntryKind::poc;
  poc.level = Level::technical;
  auto retired = cert_at();
  retired.version.status = EntryStatus::retired;
  auto state = austria();
  std::vector<GlobalIrtTeam> teams{
      {older, state}, {poc, state}, {structure, state}, {retired, state}};

  auto document = global_irt_document(teams).as_object();
  EXPECT_EQ(document.at("status"), "OK");
  EXPECT_EQ(document.at("status_code"), 200);
  EXPECT_EQ(document.at("version"), "1.0");
  EXPECT_EQ(document.at("total"), 2);
  EXPECT_EQ(document.at("limit"), 2);
  EXPECT_EQ(document.at("offset"), 0);
  // 2 April 2025 was a Wednesday.
  EXPECT_EQ(document.at("last-modified"), "Wed, 02 Apr 2025 10:00:00 +0000");
  const auto& data = document.at("data").as_array();
  ASSERT_EQ(data.size(), 2U);
  EXPECT_EQ(data[0], json::value(global_irt_team(older, state)));
  EXPECT_EQ(data[1], json::value(global_irt_team(structure, state)));
}

TEST(GlobalIrtDocument, CarriesThePageItIsGiven) {
  auto structure = cert_at();
  auto state = austria();
  std::vector<GlobalIrtTeam> teams{{structure, state}};
  auto document = global_irt_document(teams, GlobalIrtPage{41, 40, 20}).as_object();
  EXPECT_EQ(document.at("total"), 41);
  EXPECT_EQ(document.at("offset"), 40);
  EXPECT_EQ(document.at("limit"), 20);
  EXPECT_EQ(document.at("data").as_array().size(), 1U);
}

TEST(GlobalIrtDocument, AnEmptyListingHasNoDate) {
  auto document = global_irt_document({}).as_object();
  EXPECT_EQ(document.at("total"), 0);
  EXPECT_FALSE(document.contains("last-modified"));
  EXPECT_TRUE(document.at("data").as_array().empty());
}

}  // namespace
}  // namespace liaison::domain
