#include <charconv>

#include "web/authentication.h"
#include "web/i18n.h"
#include "web/pages/access_text.h"
#include "web/pages/pages.h"

namespace liaison::web {
namespace {

//! A stored UTC time as the reader's language writes it, in their time zone.
std::string when(const RequestContext& context, std::string_view utc) {
  return format_date_time(context.language(), utc, context.time_zone());
}

Response sessions_page(const RequestContext& context, const PageRenderer& pages,
                       services::SessionService& sessions, PageOptions options) {
  auto list = sessions.sessions(context.actor());
  if (!list) return context.error(list.error());
  mustache::data rows{mustache::data::type::list};
  for (const auto& session : *list) {
    mustache::data row;
    row.set("id", session.id);
    row.set("created_at", when(context, session.created_at));
    row.set("last_seen_at", when(context, session.last_seen_at));
    row.set("remote_address", session.remote_address);
    row.set("user_agent", session.user_agent);
    row.set("current", session.id == context.authenticated()->session_id);
    rows.push_back(row);
  }
  mustache::data data;
  data.set("sessions", rows);
  options.title = translate(context.language(), "access.sessions.title");
  return pages.render(context, "sessions", data, options);
}

Response tokens_page(const RequestContext& context, const PageRenderer& pages,
                     services::SessionService& sessions, PageOptions options,
                     const services::IssuedToken* issued) {
  auto list = sessions.tokens(context.actor());
  if (!list) return context.error(list.error());
  const auto language = context.language();
  mustache::data rows{mustache::data::type::list};
  for (const auto& token : *list) {
    mustache::data row;
    row.set("id", token.id);
    row.set("name", token.name);
    row.set("scopes", token.scopes);
    row.set("created_at", when(context, token.created_at));
    row.set("expires_at", when(context, token.expires_at));
    row.set("last_used_at", token.last_used_at ? when(context, *token.last_used_at)
                                               : translate(language, "access.tokens.never"));
    row.set("revoked", token.revoked_at.has_value());
    row.set("revoke", translate(language, "access.tokens.revoke", {{"name", token.name}}));
    rows.push_back(row);
  }
  mustache::data scopes{mustache::data::type::list};
  for (auto scope : domain::kTokenScopes) {
    if (!domain::scope_usable(context.authenticated()->principal.grants, scope)) continue;
    mustache::data row;
    row.set("name", std::string(domain::token_scope_name(scope)));
    const auto key = "access.scope." + std::string(domain::token_scope_name(scope));
    row.set("description", catalogues().has(domain::Language::english, key)
                               ? translate(language, key)
                               : std::string(domain::token_scope_description(scope)));
    scopes.push_back(row);
  }
  mustache::data data;
  data.set("tokens", rows);
  data.set("scopes", scopes);
  if (issued) {
    mustache::data fresh;
    fresh.set("name", issued->record.name);
    fresh.set("announcement", access_text::marked_up(translate(language, "access.tokens.new_token",
                                                               {{"name", access_text::kMarker}}),
                                                     issued->record.name, "strong"));
    fresh.set("secret", issued->secret);
    data.set("new_token", fresh);
  }
  options.title = translate(language, "access.tokens.title");
  return pages.render(context, "tokens", data, options);
}

Response recovery_page(const RequestContext& context, const PageRenderer& pages,
                       services::AccountService& accounts, PageOptions options) {
  auto left = accounts.unused_recovery_codes(context.authenticated()->account.id);
  if (!left) return context.error(left.error());
  const auto language = context.language();
  mustache::data data;
  data.set("codes_shown", false);
  data.set("left", translate(language, "access.recovery.left",
                             {{"count", static_cast<std::int64_t>(*left)}}));
  options.title = translate(language, "access.recovery.title");
  return pages.render(context, "recovery_codes", data, options);
}

}  // namespace

void add_account_pages(Router& router, const PageRenderer& pages,
                       services::SessionService& sessions, services::AccountService& accounts) {
  const auto own = Access::allow(domain::Action::manage_own_account);

  router.add(http::verb::get, "/account/password", own, [&](const RequestContext& context) {
    return pages.render(context, "password", {},
                        {translate(context.language(), "access.password.title")});
  });
  router.add(http::verb::post, "/account/password", own, [&](const RequestContext& context) {
    auto changed =
        accounts.change_password(context.actor(), context.form("current_password"),
                                 context.form("new_password"), context.authenticated()->session_id);
    const auto language = context.language();
    const auto title = translate(language, "access.password.title");
    if (!changed) {
      if (changed.error().code != ErrorCode::invalid_argument)
        return context.error(changed.error());
      return pages.render(context, "password", {},
                          {title,
                           {},
                           access_text::field_error(language, changed.error()),
                           http::status::bad_request});
    }
    return pages.render(context, "password", {},
                        {title, translate(language, "access.password.changed")});
  });

  router.add(http::verb::get, "/account/sessions", own, [&](const RequestContext& context) {
    return sessions_page(context, pages, sessions, {});
  });
  router.add(
      http::verb::post, "/account/sessions/{id}/end", own, [&](const RequestContext& context) {
        auto ended = sessions.end_session(context.actor(), std::string(context.parameter("id")));
        if (!ended) return context.error(ended.error());
        return sessions_page(context, pages, sessions,
                             {{}, translate(context.language(), "access.sessions.ended")});
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
                         {{},
                          {},
                          access_text::field_error(context.language(), issued.error()),
                          http::status::bad_request},
                         nullptr);
    }
    return tokens_page(context, pages, sessions, {}, &*issued);
  });
  router.add(
      http::verb::post, "/account/tokens/{id}/revoke", own, [&](const RequestContext& context) {
        auto revoked = sessions.revoke_token(context.actor(), std::string(context.parameter("id")));
        if (!revoked) return context.error(revoked.error());
        return tokens_page(context, pages, sessions,
                           {{}, translate(context.language(), "access.tokens.revoked_notice")},
                           nullptr);
      });

  router.add(http::verb::get, "/account/recovery-codes", own, [&](const RequestContext& context) {
    return recovery_page(context, pages, accounts, {});
  });
  router.add(http::verb::post, "/account/recovery-codes", own, [&](const RequestContext& context) {
    auto codes = accounts.regenerate_recovery_codes(context.actor(), context.form("password"));
    if (!codes) {
      if (codes.error().code != ErrorCode::invalid_argument) return context.error(codes.error());
      return recovery_page(context, pages, accounts,
                           {{},
                            {},
                            access_text::field_error(context.language(), codes.error()),
                            http::status::bad_request});
    }
    mustache::data data;
    data.set("codes_shown", true);
    mustache::data list{mustache::data::type::list};
    for (const auto& code : *codes)
      list.push_back(code);
    data.set("codes", list);
    data.set("continue_url", "/");
    const auto language = context.language();
    data.set("continue_text", translate(language, "access.recovery.codes_kept"));
    return pages.render(context, "recovery_codes", data,
                        {translate(language, "access.recovery.title")});
  });
}

}  // namespace liaison::web
