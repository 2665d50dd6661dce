#include "base/clock.h"
#include "base/time_zone.h"
#include "web/i18n.h"
#include "web/pages/pages.h"

namespace liaison::web {
namespace {

// The form with what the account has chosen (or what was just typed, after a refusal).
mustache::data preference_data(const RequestContext& context, const Clock& clock,
                               std::string_view language, std::string_view time_zone) {
  mustache::data languages{mustache::data::type::list};
  for (auto each : domain::kLanguages) {
    mustache::data option;
    option.set("code", std::string(locale_of(each)));
    option.set("name", std::string(language_endonym(each)));
    option.set("selected", language == locale_of(each));
    languages.push_back(option);
  }
  mustache::data zones{mustache::data::type::list};
  // The zone list is the same for every request and costs ICU work: made once.
  static const std::vector<std::string> names = time_zone_names();
  for (const auto& name : names)
    zones.push_back(name);
  mustache::data data;
  data.set("languages", languages);
  data.set("browser_language", language.empty());
  data.set("zones", zones);
  data.set("time_zone", std::string(time_zone));
  // What a time looks like with these choices: now, in the zone chosen.
  data.set(
      "now_example",
      format_date_time(context.language(), std::chrono::floor<std::chrono::seconds>(clock.now()),
                       time_zone.empty() ? std::string_view("UTC") : time_zone));
  return data;
}

}  // namespace

void add_preference_pages(Router& router, const PageRenderer& pages,
                          services::AccountService& accounts, const Clock& clock) {
  const auto own = Access::allow(domain::Action::manage_own_account);
  router.add(http::verb::get, "/account/preferences", own, [&](const RequestContext& context) {
    const auto& account = context.authenticated()->account;
    auto data = preference_data(
        context, clock, account.language ? locale_of(*account.language) : std::string_view(),
        account.time_zone);
    const auto language = context.language();
    return pages.render(
        context, "preferences", data,
        {translate(language, "preferences.title"),
         context.query("saved") ? translate(language, "preferences.saved") : std::string()});
  });
  router.add(http::verb::post, "/account/preferences", own, [&](const RequestContext& context) {
    auto language = context.form("language");
    auto time_zone = context.form("time_zone");
    auto saved = accounts.set_preferences(context.actor(), language, time_zone);
    if (!saved) {
      if (saved.error().code != ErrorCode::invalid_argument) return context.error(saved.error());
      auto data = preference_data(context, clock, language, time_zone);
      for (const auto& problem : problems_of(saved.error()))
        data.set("error_" + problem.field,
                 translate(context.language(), "preferences.error." + problem.field));
      return pages.render(context, "preferences", data,
                          {translate(context.language(), "preferences.title"),
                           {},
                           translate(context.language(), "preferences.not_saved"),
                           http::status::bad_request});
    }
    // The chosen language replaces one chosen earlier with ?lang= (the cookie wins over the
    // account's preference); "as my browser asks" removes that cookie.
    auto chosen = language_from_code(language);
    auto response = PageRenderer::redirect(context, "/account/preferences?saved=1");
    response.set(http::field::set_cookie, language_cookie(chosen, context.secure()));
    return response;
  });
}

}  // namespace liaison::web
