#include "web/api/account_api.h"

#include <boost/json/value.hpp>

#include "web/api/resource_scope.h"

namespace liaison::web {
namespace json = boost::json;
namespace {

json::object grant_json(const domain::RoleGrant& grant) {
  json::object object{{"role", domain::role_name(grant.role)}};
  object["organisation_id"] =
      grant.organisation_id.empty() ? json::value(nullptr) : json::value(grant.organisation_id);
  object["state"] = grant.state.empty() ? json::value(nullptr) : json::value(grant.state);
  return object;
}

json::object account_json(const domain::Account& account) {
  json::array grants;
  for (const auto& grant : account.grants)
    grants.push_back(grant_json(grant));
  return {{"id", account.id},
          {"email", account.email},
          {"display_name", account.display_name},
          {"status", domain::account_status_name(account.status)},
          {"created_at", account.created_at},
          {"roles", std::move(grants)}};
}

std::string string_field(const json::value& body, std::string_view name) {
  if (const auto* object = body.if_object()) {
    if (const auto* value = object->if_contains(name); value && value->is_string())
      return std::string(value->get_string());
  }
  return {};
}

Response done(const RequestContext& context, const Result<void>& result) {
  if (!result) return context.error(result.error());
  return context.text({}, "text/plain", http::status::no_content);
}

}  // namespace

void add_account_api(Router& router, services::AccountService& accounts,
                     services::ReferenceService& reference) {
  auto scoped = [&reference](const RequestContext& context) {
    return resource_from_query(context, reference);
  };

  router.add(http::verb::get, "/api/v1/accounts",
             Access::allow(domain::Action::read_accounts, scoped),
             [&](const RequestContext& context) {
               auto list = accounts.accounts(context.actor(), account_scope(context.resource()));
               if (!list) return context.error(list.error());
               json::array items;
               for (const auto& account : *list)
                 items.push_back(account_json(account));
               return context.json(json::object{{"accounts", std::move(items)}});
             });

  router.add(
      http::verb::get, "/api/v1/invitations", Access::allow(domain::Action::read_accounts, scoped),
      [&](const RequestContext& context) {
        auto list = accounts.open_invitations(context.actor(), account_scope(context.resource()));
        if (!list) return context.error(list.error());
        json::array items;
        for (const auto& invitation : *list) {
          items.push_back(json::object{{"id", invitation.id},
                                       {"email", invitation.email},
                                       {"display_name", invitation.display_name},
                                       {"role", grant_json(invitation.grant)},
                                       {"invited_by", invitation.invited_by},
                                       {"created_at", invitation.created_at},
                                       {"expires_at", invitation.expires_at}});
        }
        return context.json(json::object{{"invitations", std::move(items)}});
      });

  router.add(
      http::verb::post, "/api/v1/invitations",
      Access::checked_by_service(domain::Action::invite_poc), [&](const RequestContext& context) {
        const auto& body = context.json_body();
        auto role = domain::parse_role(string_field(body, "role"));
        if (!role) {
          return context.error(
              Error::invalid_argument("role: one of operator, secretariat, focal, poc, observer"));
        }
        services::InvitationRequest request;
        request.email = string_field(body, "email");
        request.display_name = string_field(body, "display_name");
        request.grant.role = *role;
        request.grant.state = string_field(body, "state");
        request.organisation = string_field(body, "organisation");
        auto outcome = accounts.invite(context.actor(), std::move(request));
        if (!outcome) return context.error(outcome.error());
        json::object answer;
        if (!outcome->invitation_id.empty()) {
          answer = {{"invitation_id", outcome->invitation_id},
                    {"expires_at", outcome->expires_at},
                    {"sent_to", "the invitee's e-mail address"}};
        } else {
          answer = {{"account_id", outcome->account_id}, {"role_added", true}};
        }
        return context.json(answer, http::status::created);
      });

  router.add(http::verb::delete_, "/api/v1/invitations/{id}",
             Access::checked_by_service(domain::Action::invite_poc),
             [&](const RequestContext& context) {
               return done(context, accounts.revoke_invitation(
                                        context.actor(), std::string(context.parameter("id"))));
             });

  router.add(http::verb::post, "/api/v1/accounts/{id}/suspend",
             Access::checked_by_service(domain::Action::manage_accounts),
             [&](const RequestContext& context) {
               return done(context,
                           accounts.suspend(context.actor(), std::string(context.parameter("id"))));
             });
  router.add(http::verb::post, "/api/v1/accounts/{id}/reactivate",
             Access::checked_by_service(domain::Action::manage_accounts),
             [&](const RequestContext& context) {
               return done(context, accounts.reactivate(context.actor(),
                                                        std::string(context.parameter("id"))));
             });
  router.add(http::verb::delete_, "/api/v1/accounts/{id}",
             Access::checked_by_service(domain::Action::manage_accounts),
             [&](const RequestContext& context) {
               return done(context,
                           accounts.remove(context.actor(), std::string(context.parameter("id"))));
             });
}

}  // namespace liaison::web
