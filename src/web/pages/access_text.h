#pragma once

// What the access pages (sign-in, invitation, one's own account) and the mail pages share to
// speak the reader's language: the English field errors of the account and session services in
// the reader's words, and translated sentences that carry a little markup around an argument.

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "domain/language.h"
#include "web/i18n.h"
#include "web/pages/page_renderer.h"

namespace liaison::web::access_text {

//! What stands for an argument that gets markup (see `marked_up`): no translation and no
//! argument contains it, and ICU passes it through unchanged.
inline constexpr std::string_view kMarker = "\x1f@\x1f";

//! `sentence` (a translation made with kMarker as one argument) HTML-escaped, with the marker
//! replaced by `value`, escaped too, inside <tag>: "you are invited as <strong>…</strong>", in
//! whatever order the language puts its words.
inline std::string marked_up(const std::string& sentence, std::string_view value,
                             std::string_view tag) {
  auto html = mustache::html_escape(sentence);
  const auto replacement = "<" + std::string(tag) + ">" +
                           mustache::html_escape(std::string(value)) + "</" + std::string(tag) +
                           ">";
  for (auto at = html.find(kMarker); at != std::string::npos;
       at = html.find(kMarker, at + replacement.size()))
    html.replace(at, kMarker.size(), replacement);
  return html;
}

//! The access catalogue's wording of the keys the account and session services give their field
//! problems (Error::details; domain::password_problem_of), with the detail's arguments.
inline std::optional<std::string> keyed_field_error(domain::Language language, const Error& error) {
  if (error.details.empty()) return std::nullopt;
  const auto& detail = error.details.front();
  struct Keyed {
    std::string_view problem;
    std::string_view key;
  };
  static constexpr Keyed kKeyed[] = {
      {"password_not_text", "access.password.not_text"},
      {"password_too_short", "access.password.too_short"},
      {"password_too_long", "access.password.too_long"},
      {"password_is_email", "access.password.is_email"},
      {"not_current_password", "access.password.not_current"},
      {"wrong_code", "access.invitation.wrong_code"},
      {"token_name", "access.tokens.error.name"},
      {"no_scope", "access.tokens.error.no_scope"},
  };
  for (const auto& keyed : kKeyed)
    if (detail.key == keyed.problem) return translate(language, keyed.key);
  auto argument = [&](std::string_view name) -> std::string_view {
    for (const auto& [each, value] : detail.arguments)
      if (each == name) return value;
    return {};
  };
  if (detail.key == "scope_unusable")
    return translate(language, "access.tokens.error.scope_unusable",
                     {{"scope", argument("scope")}});
  if (detail.key == "token_lifetime") {
    const auto text = argument("count");
    std::int64_t days = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), days);
    if (ec == std::errc() && end != text.data())
      return translate(language, "access.tokens.error.lifetime", {{"count", days}});
  }
  // Keys the problem catalogue knows (problem.<key>); the English message otherwise.
  if (!detail.key.empty()) return problem_text(language, detail);
  return std::nullopt;
}

//! A field error that the account and session services give ("password: The password must have
//! at least 12 characters.", "scopes: choose at least one"), worded in `language`, without its
//! field: by the problem's key when the service gives one (keyed_field_error), else by the
//! English wording, which is the key to the catalogue here; a message this list does not know
//! is shown as the service wrote it (field_message).
inline std::string field_error(domain::Language language, const Error& error) {
  if (auto keyed = keyed_field_error(language, error)) return *std::move(keyed);
  const auto text = field_message(error);
  struct Known {
    std::string_view text;
    std::string_view key;
  };
  static constexpr Known kKnown[] = {
      {"The password is not valid text.", "access.password.not_text"},
      {"The password must have at least 12 characters.", "access.password.too_short"},
      {"The password must have at most 1024 bytes.", "access.password.too_long"},
      {"The password must not be your e-mail address.", "access.password.is_email"},
      {"this is not your current password", "access.password.not_current"},
      {"an account with this address exists already", "access.invitation.account_exists"},
      {"say what the token is for (at most 100 bytes)", "access.tokens.error.name"},
      {"choose at least one", "access.tokens.error.no_scope"},
  };
  for (const auto& known : kKnown)
    if (text == known.text) return translate(language, known.key);
  if (text.starts_with("this is not the code the authenticator app shows now"))
    return translate(language, "access.invitation.wrong_code");
  // scopes: your roles give "read_audit" nothing to do
  if (constexpr std::string_view prefix = "your roles give \""; text.starts_with(prefix)) {
    auto end = text.find('"', prefix.size());
    if (end != std::string::npos) {
      const auto scope = std::string_view(text).substr(prefix.size(), end - prefix.size());
      return translate(language, "access.tokens.error.scope_unusable", {{"scope", scope}});
    }
  }
  // expires_in_days: between 1 hour and 366 days
  if (constexpr std::string_view prefix = "between 1 hour and "; text.starts_with(prefix)) {
    std::int64_t days = 0;
    const auto* first = text.data() + prefix.size();
    auto [end, ec] = std::from_chars(first, text.data() + text.size(), days);
    if (ec == std::errc() && end != first)
      return translate(language, "access.tokens.error.lifetime", {{"count", days}});
  }
  return text;
}

}  // namespace liaison::web::access_text
