#include "web/i18n.h"

#include <map>
#include <regex>
#include <set>

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>
#include <gtest/gtest.h>

#include "base/clock.h"
#include "web/embedded_locales.h"
#include "web/embedded_templates.h"
#include "web/router.h"

namespace liaison::web {
namespace {

using domain::Language;

std::string name_of(Language language) {
  return std::string(domain::language_code(language));
}

// --- the catalogues compiled in ---

TEST(Catalogues, EveryCatalogueHasExactlyTheKeysOfEnglish) {
  const auto& all = catalogues();
  EXPECT_GT(all.keys(Language::english).size(), 20u);
  for (auto language : domain::kLanguages) {
    EXPECT_EQ(all.missing_keys(language), std::vector<std::string>{})
        << "locales/" << name_of(language) << "/ lacks these keys of English";
    EXPECT_EQ(all.extra_keys(language), std::vector<std::string>{})
        << "locales/" << name_of(language) << "/ has keys English does not";
  }
}

// The named arguments of every English pattern: `{name}`, `{name, plural, …}`; those that
// choose a plural form or format a number in any language are numbers.
std::map<std::string, std::map<std::string, bool>> english_arguments() {
  std::map<std::string, std::map<std::string, bool>> arguments;
  static const std::regex argument(
      R"(\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(,\s*(plural|number|selectordinal))?)");
  // English names the arguments; any language may make one a number ("{count} h" in English
  // is a plural in Arabic).
  for (bool english : {true, false}) {
    for (const auto& file : locale_files::files()) {
      if (file.path.starts_with("en/") != english) continue;
      auto object = boost::json::parse(file.content).as_object();
      for (const auto& [key, pattern] : object) {
        auto& names = arguments[std::string(key)];
        std::string text(pattern.as_string());
        for (std::sregex_iterator it(text.begin(), text.end(), argument), end; it != end; ++it) {
          auto name = names.find((*it)[1].str());
          if (english && name == names.end()) name = names.emplace((*it)[1].str(), false).first;
          if (name != names.end() && (*it)[2].matched) name->second = true;
        }
      }
    }
  }
  return arguments;
}

TEST(Catalogues, EveryPatternFormatsWithoutLeavingItsKey) {
  // Loading parsed every pattern with its locale's MessageFormat; formatting each with the
  // arguments its English pattern names (numbers as 3, 1 and 0) exercises the plural rules of
  // every locale, and finds a translation that names an argument English does not give.
  const auto& all = catalogues();
  const auto arguments = english_arguments();
  ASSERT_FALSE(arguments.empty());
  for (auto language : domain::kLanguages) {
    for (const auto& key : all.keys(language)) {
      auto names = arguments.find(key);
      ASSERT_NE(names, arguments.end()) << key;
      for (std::int64_t number : {3, 1, 0}) {
        std::vector<MessageArgument> values;
        for (const auto& [name, numeric] : names->second) {
          if (numeric)
            values.push_back({name, number});
          else
            values.push_back({name, std::string_view("X")});
        }
        auto text = all.translate(language, key, values);
        EXPECT_FALSE(text.empty()) << name_of(language) << " " << key;
        EXPECT_NE(text, key) << name_of(language) << " " << key;
        EXPECT_EQ(text.find('{'), std::string::npos)
            << name_of(language) << " " << key << ": an argument was left out: " << text;
      }
    }
  }
}

TEST(Catalogues, EveryKeyTheTemplatesTranslateIsInEnglish) {
  const std::regex tag(R"(\{\{#t\}\}([^{]*)\{\{/t\}\})");
  std::set<std::string> used;
  for (const auto& file : template_files::files()) {
    std::string content(file.content);
    for (std::sregex_iterator it(content.begin(), content.end(), tag), end; it != end; ++it) {
      auto key = (*it)[1].str();
      used.insert(key);
      EXPECT_TRUE(catalogues().has(Language::english, key))
          << "templates/" << file.path << " translates \"" << key
          << "\", which locales/en.json lacks";
    }
  }
  EXPECT_TRUE(used.contains("layout.sign_out"));
  EXPECT_TRUE(used.contains("answer.confirm"));
}

TEST(Catalogues, PluralFormsFollowEachLanguage) {
  auto entries = [](Language language, std::int64_t count) {
    return translate(language, "common.entries", {{"count", count}});
  };
  EXPECT_EQ(entries(Language::english, 1), "1 entry");
  EXPECT_EQ(entries(Language::english, 2), "2 entries");
  EXPECT_EQ(entries(Language::french, 0), "0 entrée");
  EXPECT_EQ(entries(Language::french, 2), "2 entrées");
  // Russian: one (1, 21), few (2-4, 22), many (5-20, 11-14).
  EXPECT_EQ(entries(Language::russian, 1), "1 запись");
  EXPECT_EQ(entries(Language::russian, 21), "21 запись");
  EXPECT_EQ(entries(Language::russian, 3), "3 записи");
  EXPECT_EQ(entries(Language::russian, 22), "22 записи");
  EXPECT_EQ(entries(Language::russian, 5), "5 записей");
  EXPECT_EQ(entries(Language::russian, 11), "11 записей");
  // Arabic: zero, one, two, few (3-10), many (11-99), other (100-102). Numbers in Western
  // digits (ar-u-nu-latn), like the stored numbers the pages show beside them.
  EXPECT_EQ(entries(Language::arabic, 0), "لا توجد إدخالات");
  EXPECT_EQ(entries(Language::arabic, 1), "إدخال واحد");
  EXPECT_EQ(entries(Language::arabic, 2), "إدخالان");
  EXPECT_EQ(entries(Language::arabic, 3), "3 إدخالات");
  EXPECT_EQ(entries(Language::arabic, 11), "11 إدخالًا");
  EXPECT_EQ(entries(Language::arabic, 100), "100 إدخال");
  EXPECT_EQ(entries(Language::chinese, 1), "1 个条目");
  EXPECT_EQ(entries(Language::spanish, 1), "1 entrada");
  EXPECT_EQ(entries(Language::spanish, 7), "7 entradas");
}

TEST(Catalogues, NamedArgumentsAndApostrophes) {
  EXPECT_EQ(translate(Language::french, "answer.partner_code", {{"partner", "Autriche"}}),
            "Code de l’État partenaire (Autriche)");
  EXPECT_EQ(translate(Language::chinese, "answer.recipient",
                      {{"recipient", "a@example.org"}, {"state", "奥地利"}}),
            "a@example.org（奥地利）");
  // A lone apostrophe is text in ICU patterns unless it quotes a syntax character.
  auto help = translate(Language::english, "answer.partner_help", {{"partner", "Austria"}});
  EXPECT_NE(help.find("of Austria for their state's code"), std::string::npos) << help;
}

// --- loading ---

TEST(Catalogues, AMissingKeyFallsBackToEnglishAndAnUnknownOneShowsItself) {
  const EmbeddedFile files[] = {{"en/one.json", R"({"a": "A {n}"})"},
                                {"en/two.json", R"({"b": "B"})"},
                                {"fr/one.json", R"({"b": "Bé"})"}};
  Catalogues loaded(files);
  EXPECT_EQ(loaded.translate(Language::french, "b"), "Bé");
  EXPECT_EQ(loaded.translate(Language::french, "a", {{"n", "x"}}), "A x");
  EXPECT_EQ(loaded.translate(Language::russian, "b"), "B");
  EXPECT_EQ(loaded.translate(Language::french, "nothing.here"), "nothing.here");
  EXPECT_EQ(loaded.missing_keys(Language::french), std::vector<std::string>{"a"});
  EXPECT_EQ(loaded.missing_keys(Language::russian), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(loaded.extra_keys(Language::french).empty());
}

TEST(Catalogues, ABadPatternStopsTheLoadNamingItsKey) {
  const EmbeddedFile files[] = {
      {"en/area.json", R"({"fine": "x", "broken.key": "{count, plural, one {# entry}"})"}};
  try {
    Catalogues loaded(files);
    FAIL() << "a pattern that does not parse was accepted";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("broken.key"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("en/area.json"), std::string::npos) << error.what();
  }
  const EmbeddedFile not_text[] = {{"en/area.json", R"({"n": 3})"}};
  EXPECT_THROW(Catalogues{not_text}, std::runtime_error);
  const EmbeddedFile twice[] = {{"en/one.json", R"({"n": "x"})"}, {"en/two.json", R"({"n": "y"})"}};
  EXPECT_THROW(Catalogues{twice}, std::runtime_error);
  const EmbeddedFile no_english[] = {{"fr/area.json", R"({"n": "x"})"}};
  EXPECT_THROW(Catalogues{no_english}, std::runtime_error);
}

// --- languages, directions, dates ---

TEST(Languages, CodesDirectionsAndOwnNames) {
  EXPECT_EQ(language_from_code("ar"), Language::arabic);
  EXPECT_EQ(language_from_code("zh"), Language::chinese);
  EXPECT_EQ(language_from_code("fr-CA"), std::nullopt);
  EXPECT_EQ(language_from_code("de"), std::nullopt);
  EXPECT_EQ(language_from_code(""), std::nullopt);
  EXPECT_EQ(text_direction(Language::arabic), "rtl");
  for (auto language : domain::kLanguages) {
    if (language != Language::arabic) {
      EXPECT_EQ(text_direction(language), "ltr");
    }
  }
  EXPECT_EQ(language_endonym(Language::arabic), "العربية");
  EXPECT_EQ(language_endonym(Language::russian), "Русский");
}

TEST(Languages, DatesAreWrittenAsEachLanguageWritesThem) {
  auto instant = *parse_utc_seconds("2026-12-07T15:30:00Z");
  EXPECT_NE(format_date_time(Language::english, instant, "UTC").find("December 7, 2026"),
            std::string::npos);
  EXPECT_NE(format_date_time(Language::french, instant, "UTC").find("7 décembre 2026"),
            std::string::npos);
  EXPECT_NE(format_date_time(Language::russian, instant, "UTC").find("7 декабря 2026"),
            std::string::npos);
  EXPECT_NE(format_date_time(Language::chinese, instant, "UTC").find("2026年12月7日"),
            std::string::npos);
  // The zone moves the hour: 15:30 UTC is 16:30 in Vienna in winter.
  EXPECT_NE(format_date_time(Language::french, instant, "Europe/Vienna").find("16:30"),
            std::string::npos);
  EXPECT_NE(format_date_time(Language::french, instant, "Not/AZone").find("15:30"),
            std::string::npos);
}

// --- the request's language ---

Language language_of(std::string_view target, std::string_view cookie = {},
                     std::string_view accept = {}) {
  Request request{http::verb::get, target, 11};
  if (!cookie.empty()) request.set(http::field::cookie, cookie);
  if (!accept.empty()) request.set(http::field::accept_language, accept);
  auto url = boost::urls::parse_origin_form(target);
  RequestContext context(request, *url, RequestOrigin{"id", "127.0.0.1", false});
  return context.language();
}

TEST(RequestLanguage, QueryThenCookieThenAcceptLanguageThenEnglish) {
  EXPECT_EQ(language_of("/r/x"), Language::english);
  EXPECT_EQ(language_of("/r/x", {}, "ar, en;q=0.5"), Language::arabic);
  EXPECT_EQ(language_of("/r/x", "liaison_lang=ru", "ar"), Language::russian);
  EXPECT_EQ(language_of("/r/x?lang=fr", "liaison_lang=ru", "ar"), Language::french);
  // Unknown choices are ignored, not errors.
  EXPECT_EQ(language_of("/r/x?lang=de", "liaison_lang=xx", "es"), Language::spanish);
}

TEST(RequestLanguage, SwitcherLinksKeepThePathAndOtherParameters) {
  Request request{http::verb::get, "/directory/search?q=cert&lang=ru", 11};
  auto url = boost::urls::parse_origin_form("/directory/search?q=cert&lang=ru");
  RequestContext context(request, *url, RequestOrigin{"id", "127.0.0.1", false});
  EXPECT_EQ(context.target_with("lang", "ar"), "/directory/search?q=cert&lang=ar");
  Request plain{http::verb::get, "/r/abc", 11};
  auto plain_url = boost::urls::parse_origin_form("/r/abc");
  RequestContext plain_context(plain, *plain_url, RequestOrigin{"id", "127.0.0.1", false});
  EXPECT_EQ(plain_context.target_with("lang", "zh"), "/r/abc?lang=zh");
}

TEST(Dates, StoredUtcTextsAreFormattedAndOtherTextsKept) {
  EXPECT_EQ(format_date_time(Language::english, "2026-12-07T09:30:00.123456Z", "Europe/Vienna"),
            format_date_time(Language::english,
                             std::chrono::sys_seconds{std::chrono::seconds{1796635800}},
                             "Europe/Vienna"));
  EXPECT_EQ(format_date_time(Language::english, "", "UTC"), "");
  EXPECT_EQ(format_date_time(Language::english, "not a time at all", "UTC"), "not a time at al");
}

TEST(Dates, CalendarDatesInEachLanguageAndOtherTextsKept) {
  EXPECT_EQ(format_date(Language::english, "2026-12-07"), "December 7, 2026");
  EXPECT_EQ(format_date(Language::french, "2026-12-07"), "7 décembre 2026");
  EXPECT_EQ(format_date(Language::russian, "2026-01-31"), "31 января 2026\u202fг.");
  EXPECT_EQ(format_date(Language::chinese, "2026-12-07"), "2026年12月7日");
  // Western digits in Arabic, as on the rest of the pages.
  auto arabic = format_date(Language::arabic, "2026-12-07");
  EXPECT_NE(arabic.find("2026"), std::string::npos) << arabic;
  EXPECT_NE(arabic.find("ديسمبر"), std::string::npos) << arabic;
  EXPECT_EQ(format_date(Language::english, ""), "");
  EXPECT_EQ(format_date(Language::english, "2026-13-45"), "2026-13-45");
  EXPECT_EQ(format_date(Language::english, "soon"), "soon");
}

TEST(Collation, NamesSortAsTheLanguageSortsThem) {
  std::vector<std::string> names{"Zambia", "Ägypten", "Austria", "éire", "Egypt"};
  sort_by_collation(Language::english, names, [](const std::string& name) { return name; });
  EXPECT_EQ(names, (std::vector<std::string>{"Ägypten", "Austria", "Egypt", "éire", "Zambia"}));
  std::vector<std::string> russian{"Япония", "Австрия", "Ёлка", "Египет"};
  sort_by_collation(Language::russian, russian, [](const std::string& name) { return name; });
  EXPECT_EQ(russian, (std::vector<std::string>{"Австрия", "Египет", "Ёлка", "Япония"}));
}

}  // namespace
}  // namespace liaison::web
