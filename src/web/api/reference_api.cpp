#include "web/api/reference_api.h"

#include <boost/json/value.hpp>

#include "domain/language.h"

namespace liaison::web {
namespace json = boost::json;

namespace {

// The language names are given in: ?lang= wins over Accept-Language; English by default.
domain::Language response_language(const RequestContext& context) {
  if (auto requested = context.query("lang")) {
    if (auto language = domain::language_from_tag(*requested)) return *language;
  }
  return domain::negotiate_language(context.request()[http::field::accept_language]);
}

json::object organisation_json(const domain::Organisation& organisation) {
  return {{"id", organisation.id},
          {"code", organisation.code},
          {"name", organisation.name},
          {"member_term", organisation.member_term},
          {"demo", organisation.demo}};
}

json::object state_json(const domain::State& state, domain::Language language) {
  json::object object{{"alpha2", state.alpha2},
                      {"kind", domain::participant_kind_name(state.kind)},
                      {"name", state.name(language)}};
  object["alpha3"] = state.alpha3.empty() ? json::value(nullptr) : json::value(state.alpha3);
  object["numeric"] = state.numeric.empty() ? json::value(nullptr) : json::value(state.numeric);
  return object;
}

Response with_language(Response response, domain::Language language) {
  response.set(http::field::content_language, domain::language_code(language));
  response.set(http::field::vary, "Accept-Language");
  return response;
}

}  // namespace

void add_reference_api(Router& router, services::ReferenceService& reference) {
  router.add(http::verb::get, "/api/v1/organisations",
             Access::allow(domain::Action::read_reference),
             [&reference](const RequestContext& context) {
               auto organisations = reference.organisations();
               if (!organisations) return context.error(organisations.error());
               json::array items;
               for (const auto& summary : **organisations) {
                 auto item = organisation_json(summary.organisation);
                 item["member_count"] = summary.member_count;
                 items.push_back(std::move(item));
               }
               return context.json(json::object{{"organisations", std::move(items)}});
             });

  router.add(http::verb::get, "/api/v1/organisations/{id}/members",
             Access::allow(domain::Action::read_reference),
             [&reference](const RequestContext& context) {
               auto language = response_language(context);
               auto found = reference.members(context.parameter("id"));
               if (!found) return context.error(found.error());
               json::array members;
               for (const auto& state : (*found)->members)
                 members.push_back(state_json(state, language));
               json::object body{{"organisation", organisation_json((*found)->organisation)},
                                 {"member_count", (*found)->members.size()},
                                 {"members", std::move(members)}};
               return with_language(context.json(body), language);
             });

  router.add(http::verb::get, "/api/v1/states/{code}",
             Access::allow(domain::Action::read_reference),
             [&reference](const RequestContext& context) {
               auto language = response_language(context);
               auto profile = reference.state(context.parameter("code"));
               if (!profile) return context.error(profile.error());
               auto body = state_json((*profile)->state, language);
               json::object names;
               for (auto each : domain::kLanguages) {
                 names[domain::language_code(each)] = (*profile)->state.name(each);
               }
               body["names"] = std::move(names);
               json::array organisations;
               for (const auto& organisation : (*profile)->organisations) {
                 organisations.push_back(organisation_json(organisation));
               }
               body["organisations"] = std::move(organisations);
               return with_language(context.json(body), language);
             });
}

}  // namespace liaison::web
