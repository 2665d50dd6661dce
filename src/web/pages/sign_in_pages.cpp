#include <algorithm>

#include <fmt/format.h>

#include "web/authentication.h"
#include "web/pages/pages.h"
#include "web/qr_svg.h"

namespace liaison::web {
namespace {

std::string grouped(std::string_view secret) {
  std::string out;
  for (std::size_t i = 0; i < secret.size(); ++i) {
    if (i && i % 4 == 0) out += ' ';
    out += secret[i];
  }
  return out;
}

Response invitation_page(const RequestContext& context, const PageRenderer& pages,
                         const services::InvitationView& view, std::string error,
                         http::status status) {
  auto qr = qr_svg(view.totp_uri, "QR code of the key for your authenticator app");
  if (!qr) return context.error(qr.error());
  mustache::data data;
  data.set("display_name", view.display_name);
  data.set("email", view.email);
  data.set("role", domain::describe_grant(view.grant, view.organisation_code));
  data.set("expires_at", view.expires_at.substr(0, 16));
  data.set("action", std::string(context.path()));
  data.set("qr_svg", *qr);
  data.set("totp_secret_grouped", grouped(view.totp_secret));
  return pages.render_anonymous(context, "invitation", data,
                                {"Accept your invitation", {}, std::move(error), status});
}

Response message_page(const RequestContext& context, const PageRenderer& pages, std::string title,
                      std::string error, http::status status) {
  mustache::data data;
  mustache::data link;
  link.set("href", "/sign-in");
  link.set("label", "Go to the sign-in page");
  data.set("link", link);
  return pages.render_anonymous(context, "message", data,
                                {std::move(title), {}, std::move(error), status});
}

}  // namespace

std::string describe_grant(const domain::RoleGrant& grant, services::ReferenceService& reference) {
  std::string code = grant.organisation_id;
  if (!grant.organisation_id.empty()) {
    if (auto organisations = reference.organisations()) {
      for (const auto& summary : **organisations)
        if (summary.organisation.id == grant.organisation_id) code = summary.organisation.code;
    }
  }
  return domain::describe_grant(grant, code);
}

void add_sign_in_pages(Router& router, const PageRenderer& pages,
                       services::SessionService& sessions, services::AccountService& accounts,
                       services::ReferenceService& reference) {
  router.add(http::verb::get, "/", Access::anyone(), [&](const RequestContext& context) {
    const auto* authenticated = context.authenticated();
    if (!authenticated || authenticated->session_id.empty())
      return PageRenderer::redirect(context, "/sign-in");
    mustache::data data;
    data.set("display_name", authenticated->account.display_name);
    data.set("email", authenticated->account.email);
    mustache::data roles{mustache::data::type::list};
    for (const auto& grant : authenticated->account.grants)
      roles.push_back(describe_grant(grant, reference));
    data.set("roles", roles);
    const bool operator_ = std::any_of(
        authenticated->account.grants.begin(), authenticated->account.grants.end(),
        [](const domain::RoleGrant& grant) { return grant.role == domain::Role::operator_; });
    data.set("operator", operator_);
    return pages.render(context, "home", data, {"Liaison"});
  });

  router.add(http::verb::get, "/sign-in", Access::anyone(), [&](const RequestContext& context) {
    const auto* authenticated = context.authenticated();
    auto next = safe_next(context.query("next").value_or("/"));
    if (authenticated && !authenticated->session_id.empty())
      return PageRenderer::redirect(context, next);
    mustache::data data;
    data.set("next", next);
    std::string notice = context.query("signed_out") ? "You are signed out." : std::string();
    return pages.render_anonymous(context, "sign_in", data, {"Sign in", notice});
  });

  router.add(http::verb::post, "/sign-in", Access::anyone(), [&](const RequestContext& context) {
    services::SignInAttempt attempt{context.form("email"), context.form("password"),
                                    context.form("code"), std::string(context.remote_address()),
                                    std::string(context.request()[http::field::user_agent])};
    auto next = safe_next(context.form("next"));
    auto session = sessions.sign_in(attempt);
    if (!session) {
      const auto& error = session.error();
      if (error.code != ErrorCode::unauthenticated && error.code != ErrorCode::throttled)
        return context.error(error);
      mustache::data data;
      data.set("next", next);
      data.set("email", attempt.email);
      return pages.render_anonymous(
          context, "sign_in", data,
          {"Sign in",
           {},
           error.message,
           error.code == ErrorCode::throttled ? http::status::too_many_requests
                                              : http::status::unauthorized});
    }
    // A session identifier that existed before sign-in is never promoted (session fixation):
    // the old one ends and the browser gets a new one.
    auto previous = context.cookie(session_cookie_name(context.secure()));
    if (!previous.empty()) (void)sessions.sign_out(previous, std::string(context.remote_address()));
    auto response = PageRenderer::redirect(
        context, session->used_recovery_code ? std::string("/account/recovery-codes") : next);
    response.set(http::field::set_cookie, session_cookie(session->secret, context.secure()));
    return response;
  });

  router.add(http::verb::post, "/sign-out", Access::allow(domain::Action::manage_own_account),
             [&](const RequestContext& context) {
               auto secret = context.cookie(session_cookie_name(context.secure()));
               if (auto done = sessions.sign_out(secret, std::string(context.remote_address()));
                   !done) {
                 return context.error(done.error());
               }
               auto response = PageRenderer::redirect(context, "/sign-in?signed_out=1");
               response.set(http::field::set_cookie, expired_session_cookie(context.secure()));
               return response;
             });

  router.add(http::verb::get, "/invitations/{secret}", Access::anyone(),
             [&](const RequestContext& context) {
               auto view = accounts.open_invitation(context.parameter("secret"));
               if (!view) {
                 if (view.error().code != ErrorCode::not_found) return context.error(view.error());
                 return message_page(context, pages, "Invitation", view.error().message,
                                     http::status::not_found);
               }
               return invitation_page(context, pages, *view, {}, http::status::ok);
             });

  router.add(http::verb::post, "/invitations/{secret}", Access::anyone(),
             [&](const RequestContext& context) {
               auto secret = context.parameter("secret");
               auto accepted = accounts.accept_invitation(secret, context.form("password"),
                                                          context.form("code"),
                                                          std::string(context.remote_address()));
               if (!accepted) {
                 const auto& error = accepted.error();
                 if (error.code == ErrorCode::not_found)
                   return message_page(context, pages, "Invitation", error.message,
                                       http::status::not_found);
                 if (error.code != ErrorCode::invalid_argument && error.code != ErrorCode::conflict)
                   return context.error(error);
                 auto view = accounts.open_invitation(secret);
                 if (!view) return context.error(view.error());
                 return invitation_page(context, pages, *view, field_message(error),
                                        http::status::bad_request);
               }
               mustache::data data;
               data.set("codes_shown", true);
               mustache::data codes{mustache::data::type::list};
               for (const auto& code : accepted->recovery_codes)
                 codes.push_back(code);
               data.set("codes", codes);
               data.set("continue_url", "/sign-in");
               data.set("continue_text", "I have kept my recovery codes: sign in");
               return pages.render_anonymous(
                   context, "recovery_codes", data,
                   {"Your account is ready", "Your account is ready. Keep your recovery codes."});
             });
}

}  // namespace liaison::web
