#include <charconv>

#include "web/authentication.h"
#include "web/pages/pages.h"

namespace liaison::web {
namespace {

std::string minutes(std::string_view utc) {
  return std::string(utc.substr(0, 16));
}

Response sessions_page(const RequestContext& context, const PageRenderer& pages,
                       services::SessionService& sessions, PageOptions options) {
  auto list = sessions.sessions(context.actor());
  if (!list) return context.error(list.error());
  mustache::data rows{mustache::data::type::list};
  for (const auto& session : *list) {
    mustache::data row;
    row.set("id", session.id);
    row.set("created_at", minutes(session.created_at));
    row.set("last_seen_at", minutes(session.last_seen_at));
    row.set("remote_address", session.remote_address);
    row.set("user_agent", session.user_agent);
    row.set("current", session.id == context.authenticated()->session_id);
    rows.push_back(row);
  }
  mustache::data data;
  data.set("sessions", rows);
  options.title = "Sessions";
  return pages.render(context, "sessions", data, options);
}

Response tokens_page(const RequestContext& context, const PageRenderer& pages,
                     services::SessionService& sessions, PageOptions options,
                     const services::IssuedToken* issued) {
  auto list = sessions.tokens(context.actor());
  if (!list) return context.error(list.error());
  mustache::data rows{mustache::data::type::list};
  for (const auto& token : *list) {
    mustache::data row;
    row.set("id", token.id);
    row.set("name", token.name);
    row.set("scopes", token.scopes);
    row.set("created_at", minutes(token.created_at));
    row.set("expires_at", minutes(token.expires_at));
    row.set("last_used_at", token.last_used_at ? minutes(*token.last_used_at) : "never");
    row.set("revoked", token.revoked_at.has_value());
    rows.push_back(row);
  }
  mustache::data scopes{mustache::data::type::list};
  for (auto scope : domain::kTokenScopes) {
    if (!domain::scope_usable(context.authenticated()->principal.grants, scope)) continue;
    mustache::data row;
    row.set("name", std::string(domain::token_scope_name(scope)));
    row.set("description", std::string(domain::token_scope_description(scope)));
    scopes.push_back(row);
  }
  mustache::data data;
  data.set("tokens", rows);
  data.set("scopes", scopes);
  if (issued) {
    mustache::data fresh;
    fresh.set("name", issued->record.name);
    fresh.set("secret", issued->secret);
    data.set("new_token", fresh);
  }
  options.title = "API tokens";
  return pages.render(context, "tokens", data, options);
}

Response recovery_page(const RequestContext& context, const PageRenderer& pages,
                       services::AccountService& accounts, PageOptions options) {
  auto left = accounts.unused_recovery_codes(context.authenticated()->account.id);
  if (!left) return context.error(left.error());
  mustache::data data;
  data.set("codes_shown", false);
  data.set("left", std::to_string(*left));
  options.title = "Recovery codes";
  return pages.render(context, "recovery_codes", data, options);
}

}  // namespace

void add_account_pages(Router& router, const PageRenderer& pages,
                       services::SessionService& sessions, services::AccountService& accounts) {
  const auto own = Access::allow(domain::Action::manage_own_account);

  router.add(http::verb::get, "/account/password", own, [&](const RequestContext& context) {
    return pages.render(context, "password", {}, {"Change password"});
  });
  router.add(http::verb::post, "/account/password", own, [&](const RequestContext& context) {
    auto changed =
        accounts.change_password(context.actor(), context.form("current_password"),
                                 context.form("new_password"), context.authenticated()->session_id);
    if (!changed) {
      if (changed.error().code != ErrorCode::invalid_argument)
        return context.error(changed.error());
      return pages.render(
          context, "password", {},
          {"Change password", {}, field_message(changed.error()), http::status::bad_request});
    }
    return pages.render(
        context, "password", {},
        {"Change password", "Your password is changed; your other sessions ended."});
  });

  router.add(http::verb::get, "/account/sessions", own, [&](const RequestContext& context) {
    return sessions_page(context, pages, sessions, {});
  });
  router.add(
      http::verb::post, "/account/sessions/{id}/end", own, [&](const RequestContext& context) {
        auto ended = sessions.end_session(context.actor(), std::string(context.parameter("id")));
        if (!ended) return context.error(ended.error());
        return sessions_page(context, pages, sessions, {{}, "The session has ended."});
      });
  router.add(http::verb::post, "/account/sessions/end-all", own,
             [&](const RequestContext& context) {
               auto ended = sessions.sign_out_everywhere(context.actor());
               if (!ended) return context.error(ended.error());
               auto response = PageRenderer::redirect(context, "/sign-in?signed_out=1");
               response.set(http::field::set_cookie, expired_session_cookie(context.secure()));
               return response;
             });

  router.add(http::verb::get, "/account/tokens", own, [&](const RequestContext& context) {
    return tokens_page(context, pages, sessions, {}, nullptr);
  });
  router.add(http::verb::post, "/account/tokens", own, [&](const RequestContext& context) {
    std::vector<domain::TokenScope> scopes;
    for (const auto& name : context.form_values("scope")) {
      if (auto scope = domain::parse_token_scope(name)) scopes.push_back(*scope);
    }
    auto days_text = context.form("expires_in_days");
    long days = 0;
    auto [end, ec] = std::from_chars(days_text.data(), days_text.data() + days_text.size(), days);
    if (ec != std::errc() || end != days_text.data() + days_text.size()) days = 0;
    auto issued = sessions.issue_token(context.actor(), context.form("name"), scopes,
                                       std::chrono::hours(24) * days);
    if (!issued) {
      if (issued.error().code != ErrorCode::invalid_argument) return context.error(issued.error());
      return tokens_page(context, pages, sessions,
                         {{}, {}, field_message(issued.error()), http::status::bad_request},
                         nullptr);
    }
    return tokens_page(context, pages, sessions, {}, &*issued);
  });
  router.add(
      http::verb::post, "/account/tokens/{id}/revoke", own, [&](const RequestContext& context) {
        auto revoked = sessions.revoke_token(context.actor(), std::string(context.parameter("id")));
        if (!revoked) return context.error(revoked.error());
        return tokens_page(context, pages, sessions, {{}, "The token is revoked."}, nullptr);
      });

  router.add(http::verb::get, "/account/recovery-codes", own, [&](const RequestContext& context) {
    return recovery_page(context, pages, accounts, {});
  });
  router.add(http::verb::post, "/account/recovery-codes", own, [&](const RequestContext& context) {
    auto codes = accounts.regenerate_recovery_codes(context.actor(), context.form("password"));
    if (!codes) {
      if (codes.error().code != ErrorCode::invalid_argument) return context.error(codes.error());
      return recovery_page(context, pages, accounts,
                           {{}, {}, field_message(codes.error()), http::status::bad_request});
    }
    mustache::data data;
    data.set("codes_shown", true);
    mustache::data list{mustache::data::type::list};
    for (const auto& code : *codes)
      list.push_back(code);
    data.set("codes", list);
    data.set("continue_url", "/");
    data.set("continue_text", "I have kept my recovery codes");
    return pages.render(context, "recovery_codes", data, {"Recovery codes"});
  });
}

}  // namespace liaison::web
