// The field problems' keys: every key the validators can give is listed in domain/problems.h,
// every listed key has an English message (locales/en/problems.json), and the pages word each
// problem in every language from its key and arguments.

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/error.h"
#include "domain/check.h"
#include "domain/directory.h"
#include "domain/problems.h"
#include "web/i18n.h"
#include "web/pages/page_renderer.h"

namespace liaison::web {
namespace {

using domain::FieldProblem;
using domain::Language;

// Keys only the services give: they normalise phone numbers, language tags and time zones, look
// up states and deputies, read the compose form's numbers and the call form's code, and check
// preferences.
const std::set<std::string> kServiceKeys{
    "not_phone_number", "not_time_zone", "not_date",          "not_member",      "deputy_not_poc",
    "own_deputy",       "code_required", "not_page_language", "not_whole_number"};

bool listed(const std::string& key) {
  return std::find(domain::kProblemKeys.begin(), domain::kProblemKeys.end(), key) !=
         domain::kProblemKeys.end();
}

// Contacts and plans that between them trip every check of the domain's validators.
std::vector<FieldProblem> every_domain_problem() {
  std::vector<FieldProblem> all;
  auto add = [&](std::vector<FieldProblem> problems) {
    all.insert(all.end(), problems.begin(), problems.end());
  };

  domain::Contact poc;
  poc.name = "";                            // required
  poc.institution = std::string(501, 'x');  // too_long_bytes
  poc.position = "\xff";                    // not_utf8
  poc.hours = "nine\x01five";               // control_characters, hours_around_the_clock
  poc.around_the_clock = true;
  poc.short_name = "CERT";             // not_for_poc
  poc.website = "http://example.org";  // not_for_poc, not_https
  poc.personal_email = "nobody";       // not_email
  for (int i = 0; i < 11; ++i)
    poc.phones.push_back({"+4315141336", "", true});  // at_most_phones, one_around_the_clock
  poc.phones.push_back({"01 514 11", "", false});     // not_phone
  for (int i = 0; i < 13; ++i)
    poc.languages.push_back("en");       // at_most_languages
  poc.languages.push_back("not a tag");  // not_language_tag
  for (int i = 0; i < 11; ++i)
    poc.channels.push_back({"Signal", "+4315141336"});  // at_most_channels
  poc.openpgp = domain::OpenPgpKey{};                   // empty
  add(domain::contact_problems(poc, domain::EntryKind::poc));

  domain::Contact unreachable;
  unreachable.name = "Duty officer";  // email_required
  add(domain::contact_problems(unreachable, domain::EntryKind::poc));

  domain::Contact structure;
  structure.name = "CERT";
  structure.functional_email = "cert@example.org";
  structure.position = "Head";  // not_for_structure
  add(domain::contact_problems(structure, domain::EntryKind::structure));

  domain::CheckPlan plan;
  plan.task = domain::CheckTask::answer;  // question_required
  plan.title = std::string(201, 'x');     // too_long_characters
  plan.expected_answer = "\xff";          // not_utf8
  plan.pairing_seed = "a\x01";            // control_characters
  plan.starts_at = "tomorrow";            // not_utc_time
  plan.window_hours = 0;                  // between
  plan.reminder_percent = 99;             // reminder_range
  plan.target.states = {"fr"};            // not_alpha2
  plan.target.regions = {"EU"};           // not_m49
  add(domain::check_plan_problems(plan));

  domain::CheckPlan untitled;  // required, level_required
  add(domain::check_plan_problems(untitled));

  domain::CheckPlan bilateral;
  bilateral.title = "Bilateral";
  bilateral.task = domain::CheckTask::bilateral;
  bilateral.target.levels = {domain::Level::structure, domain::Level::structure};
  add(domain::check_plan_problems(bilateral));  // level_repeated, bilateral_levels
  return all;
}

TEST(ProblemKeys, EveryListedKeyHasAnEnglishMessage) {
  std::set<std::string_view> seen;
  for (auto key : domain::kProblemKeys) {
    EXPECT_TRUE(seen.insert(key).second) << "listed twice: " << key;
    EXPECT_TRUE(catalogues().has(Language::english, "problem." + std::string(key))) << key;
  }
}

TEST(ProblemKeys, TheCatalogueHasNoProblemThatIsNotListed) {
  for (const auto& key : catalogues().keys(Language::english)) {
    if (!key.starts_with("problem.")) continue;
    EXPECT_TRUE(listed(key.substr(8))) << key;
  }
}

TEST(ProblemKeys, EveryDomainProblemHasAListedKeyAndEveryKeyIsGiven) {
  std::set<std::string> given;
  for (const auto& problem : every_domain_problem()) {
    EXPECT_TRUE(listed(problem.key))
        << problem.field << ": " << problem.message << " [" << problem.key << "]";
    given.insert(problem.key);
  }
  for (auto key : domain::kProblemKeys) {
    const auto name = std::string(key);
    if (kServiceKeys.contains(name)) {
      EXPECT_FALSE(given.contains(name)) << name << " comes from the domain now";
    } else {
      EXPECT_TRUE(given.contains(name)) << "no test input gives " << name;
    }
  }
}

TEST(ProblemKeys, EveryProblemIsWordedInEveryLanguage) {
  for (const auto& problem : every_domain_problem()) {
    for (auto language : domain::kLanguages) {
      auto text = problem_text(language, problem);
      EXPECT_FALSE(text.empty()) << problem.key;
      EXPECT_EQ(text.find('{'), std::string::npos) << problem.key << ": " << text;
      EXPECT_NE(text, "problem." + problem.key);
    }
  }
}

TEST(ProblemKeys, PagesWordTheDetailsAndFallBackToEnglish) {
  auto error = Error::invalid_fields(
      {{"name", "is longer than 500 bytes", "too_long_bytes", {{"limit", "500"}}},
       {"website", "must be an https:// address", "not_https"},
       {"openpgp_key", "the OpenPGP key has been revoked by its owner"}});
  EXPECT_EQ(error.code, ErrorCode::invalid_argument);
  EXPECT_EQ(error.message,
            "name: is longer than 500 bytes; website: must be an https:// address; "
            "openpgp_key: the OpenPGP key has been revoked by its owner");

  auto english = problems_of(error, Language::english);
  ASSERT_EQ(english.size(), 3u);
  EXPECT_EQ(english[0].message, "is longer than 500 bytes");
  EXPECT_EQ(english[1].message, "must be an https:// address");

  auto french = problems_of(error, Language::french);
  ASSERT_EQ(french.size(), 3u);
  EXPECT_EQ(french[0].field, "name");
  EXPECT_EQ(french[0].message, "dépasse 500 octets");
  EXPECT_EQ(french[1].message, "doit être une adresse https://");
  EXPECT_EQ(french[2].message, "the OpenPGP key has been revoked by its owner");

  auto russian =
      problem_text(Language::russian, {"title", "", "too_long_characters", {{"limit", "200"}}});
  EXPECT_EQ(russian, "превышает 200 символов");

  // Without details (an error built from text alone) the English split stays.
  auto plain = Error::invalid_argument("name: is required");
  EXPECT_EQ(field_message(plain, Language::french), "is required");
  EXPECT_EQ(
      field_message(Error::invalid_field("name", "required", "is required"), Language::french),
      "est obligatoire");
  EXPECT_EQ(problem_text(Language::french, {"x", "in English", "no_such_key"}), "in English");
}

}  // namespace
}  // namespace liaison::web
