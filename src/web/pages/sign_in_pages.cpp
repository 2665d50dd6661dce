#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "web/authentication.h"
#include "web/i18n.h"
#include "web/pages/access_text.h"
#include "web/pages/pages.h"
#include "web/qr_svg.h"

namespace liaison::web {
namespace {

using domain::Language;

std::string grouped(std::string_view secret) {
  std::string out;
  for (std::size_t i = 0; i < secret.size(); ++i) {
    if (i && i % 4 == 0) out += ' ';
    out += secret[i];
  }
  return out;
}

//! The code of the organisation a grant reaches ("OSCE"); its identifier when it is unknown.
std::string organisation_code_of(const domain::RoleGrant& grant,
                                 services::ReferenceService& reference) {
  std::string code = grant.organisation_id;
  if (!grant.organisation_id.empty()) {
    if (auto organisations = reference.organisations()) {
      for (const auto& summary : **organisations)
        if (summary.organisation.id == grant.organisation_id) code = summary.organisation.code;
    }
  }
  return code;
}

//! A state's name in `language` ("France", "Франция"); its code when the reference data lacks it.
std::string state_name_of(std::string_view alpha2, services::ReferenceService& reference,
                          Language language) {
  if (alpha2.empty()) return {};
  auto profile = reference.state(alpha2);
  if (!profile || !*profile) return std::string(alpha2);
  return (*profile)->state.name(language);
}

std::string role_text(const domain::RoleGrant& grant, std::string_view organisation,
                      std::string_view state, Language language) {
  switch (grant.role) {
    case domain::Role::operator_:
      return translate(language, "access.role.operator");
    case domain::Role::secretariat:
      return translate(language, "access.role.secretariat", {{"organisation", organisation}});
    case domain::Role::observer:
      return translate(language, "access.role.observer", {{"organisation", organisation}});
    case domain::Role::focal:
      return translate(language, "access.role.focal_point",
                       {{"state", state}, {"organisation", organisation}});
    case domain::Role::poc:
      return translate(language, "access.role.point_of_contact",
                       {{"state", state}, {"organisation", organisation}});
  }
  return {};
}

//! "Too many failed attempts. Try again after 2026-12-07T09:30:00 UTC." in the reader's words,
//! with the time as their language writes it; the services give the time only in the message.
std::string throttled_text(Language language, const std::string& message) {
  static const std::regex time(R"((\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}))");
  std::smatch found;
  if (!std::regex_search(message, found, time))
    return translate(language, "access.sign_in.throttled_later");
  const auto until = format_date_time(language, found[1].str() + "T" + found[2].str() + "Z", "UTC");
  return translate(language, "access.sign_in.throttled", {{"until", until}});
}

Response invitation_page(const RequestContext& context, const PageRenderer& pages,
                         services::ReferenceService& reference,
                         const services::InvitationView& view, std::string error,
                         http::status status) {
  const auto language = context.language();
  auto qr = qr_svg(view.totp_uri, translate(language, "access.invitation.qr_alt"));
  if (!qr) return context.error(qr.error());
  const auto role = role_text(view.grant, view.organisation_code,
                              state_name_of(view.grant.state, reference, language), language);
  mustache::data data;
  data.set("display_name", view.display_name);
  data.set("email", view.email);
  data.set("role", role);
  data.set("invited", access_text::marked_up(
                          translate(language, "access.invitation.invited",
                                    {{"name", view.display_name}, {"role", access_text::kMarker}}),
                          role, "strong"));
  data.set("address", access_text::marked_up(translate(language, "access.invitation.address",
                                                       {{"email", access_text::kMarker}}),
                                             view.email, "strong"));
  data.set("expiry", translate(language, "access.invitation.expiry",
                               {{"until", format_date_time(language, view.expires_at, "UTC")}}));
  data.set("action", std::string(context.path()));
  data.set("qr_svg", *qr);
  data.set("totp_secret_grouped", grouped(view.totp_secret));
  return pages.render_anonymous(
      context, "invitation", data,
      {translate(language, "access.invitation.title"), {}, std::move(error), status});
}

//! An invitation link that leads nowhere: the reason, and the way to the sign-in page.
Response invalid_invitation_page(const RequestContext& context, const PageRenderer& pages) {
  const auto language = context.language();
  mustache::data data;
  mustache::data link;
  link.set("href", "/sign-in");
  link.set("label", translate(language, "access.go_to_sign_in"));
  data.set("link", link);
  return pages.render_anonymous(context, "message", data,
                                {translate(language, "access.invitation.invalid_title"),
                                 {},
                                 translate(language, "access.invitation.invalid"),
                                 http::status::not_found});
}

}  // namespace

std::string describe_grant(const domain::RoleGrant& grant, services::ReferenceService& reference) {
  return domain::describe_grant(grant, organisation_code_of(grant, reference));
}

std::string describe_grant(const domain::RoleGrant& grant, services::ReferenceService& reference,
                           domain::Language language) {
  return role_text(grant, organisation_code_of(grant, reference),
                   state_name_of(grant.state, reference, language), language);
}

void add_sign_in_pages(Router& router, const PageRenderer& pages,
                       services::SessionService& sessions, services::AccountService& accounts,
                       services::ReferenceService& reference) {
  router.add(http::verb::get, "/sign-in", Access::anyone(), [&](const RequestContext& context) {
    const auto* authenticated = context.authenticated();
    auto next = safe_next(context.query("next").value_or("/"));
    if (authenticated && !authenticated->session_id.empty())
      return PageRenderer::redirect(context, next);
    mustache::data data;
    data.set("next", next);
    const auto language = context.language();
    std::string notice = context.query("signed_out")
                             ? translate(language, "access.sign_in.signed_out")
                             : std::string();
    return pages.render_anonymous(context, "sign_in", data,
                                  {translate(language, "access.sign_in.title"), notice});
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
      const auto language = context.language();
      const bool throttled = error.code == ErrorCode::throttled;
      mustache::data data;
      data.set("next", next);
      data.set("email", attempt.email);
      return pages.render_anonymous(
          context, "sign_in", data,
          {translate(language, "access.sign_in.title"),
           {},
           throttled ? throttled_text(language, error.message)
                     : translate(language, "access.sign_in.wrong"),
           throttled ? http::status::too_many_requests : http::status::unauthorized});
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
                 return invalid_invitation_page(context, pages);
               }
               return invitation_page(context, pages, reference, *view, {}, http::status::ok);
             });

  router.add(
      http::verb::post, "/invitations/{secret}", Access::anyone(),
      [&](const RequestContext& context) {
        auto secret = context.parameter("secret");
        auto accepted =
            accounts.accept_invitation(secret, context.form("password"), context.form("code"),
                                       std::string(context.remote_address()));
        if (!accepted) {
          const auto& error = accepted.error();
          if (error.code == ErrorCode::not_found) return invalid_invitation_page(context, pages);
          if (error.code != ErrorCode::invalid_argument && error.code != ErrorCode::conflict)
            return context.error(error);
          auto view = accounts.open_invitation(secret);
          if (!view) return context.error(view.error());
          return invitation_page(context, pages, reference, *view,
                                 access_text::field_error(context.language(), error),
                                 http::status::bad_request);
        }
        const auto language = context.language();
        mustache::data data;
        data.set("codes_shown", true);
        mustache::data codes{mustache::data::type::list};
        for (const auto& code : accepted->recovery_codes)
          codes.push_back(code);
        data.set("codes", codes);
        data.set("continue_url", "/sign-in");
        data.set("continue_text", translate(language, "access.invitation.codes_kept"));
        return pages.render_anonymous(context, "recovery_codes", data,
                                      {translate(language, "access.invitation.ready_title"),
                                       translate(language, "access.invitation.ready_notice")});
      });
}

}  // namespace liaison::web
