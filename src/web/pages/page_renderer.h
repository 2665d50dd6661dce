#pragma once

#include <kainjow/mustache.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/random.h"
#include "domain/directory.h"
#include "web/router.h"

namespace liaison::web {

namespace mustache = kainjow::mustache;

//! What a page says besides its template: its title, a notice or an error, its status.
struct PageOptions {
  PageOptions(std::string title_ = {}, std::string notice_ = {}, std::string error_ = {},
              http::status status_ = http::status::ok)
      : title(std::move(title_)),
        notice(std::move(notice_)),
        error(std::move(error_)),
        status(status_) {}

  std::string title;
  std::string notice;
  std::string error;
  http::status status = http::status::ok;
  //! Scripts loaded at the end of the body, in order (paths under /assets/): only pages whose
  //! charts need them pay for them.
  std::vector<std::string> scripts;
};

//! Renders the server-side pages: a template from templates/ inside the layout, HTML-escaped
//! (Mustache escapes every {{value}}), with the CSRF token every form needs. No inline script or
//! style, so the Content-Security-Policy stays strict.
//!
//! Pages speak the request's language (RequestContext::language): every template gets `{{lang}}`,
//! `{{dir}}` ("rtl" for Arabic) and `{{#t}}key{{/t}}`, the catalogue's message for a key without
//! arguments (web/i18n.h); handlers translate messages with arguments with translate() and pass
//! the result as data.
class PageRenderer {
 public:
  explicit PageRenderer(RandomSource& random);

  //! For signed-in pages: forms carry the session's CSRF token.
  Response render(const RequestContext& context, std::string_view name, mustache::data data,
                  const PageOptions& options) const;
  //! For pages shown before sign-in: forms carry a token that a double-submit cookie repeats.
  Response render_anonymous(const RequestContext& context, std::string_view name,
                            mustache::data data, const PageOptions& options) const;
  //! 303 See Other to a path of this site.
  static Response redirect(const RequestContext& context, std::string_view location);

 private:
  //! The page as a response; sets the language cookie when the request chose one (?lang=).
  static Response respond(const RequestContext& context, std::string html, http::status status);
  std::string page(const RequestContext& context, std::string_view name, mustache::data data,
                   const PageOptions& options, const std::string& csrf) const;

  RandomSource& random_;
  std::map<std::string, std::string, std::less<>> templates_;
};

//! The cookie that keeps a chosen language for a year (?lang=, the preferences form); with no
//! language, the cookie that removes it, so that the browser's languages apply again.
std::string language_cookie(std::optional<domain::Language> language, bool secure);

//! An error's message without its "field: " prefix, for showing beside a form.
std::string field_message(const Error& error);

//! A local path to return to after sign-in: absolute, on this site, not "//host" (no open
//! redirect); "/" otherwise.
std::string safe_next(std::string_view next);

//! The field problems a service reports in one invalid_argument message ("name: is required;
//! phones[0].number: …"), for a form to show each beside its field.
std::vector<domain::FieldProblem> problems_of(const Error& error);

//! A field problem in `language`: the catalogue's "problem.<key>" with the problem's arguments
//! (those that read as whole numbers are numbers, for plurals), or its English message when it
//! has no key or the catalogue does not know the key.
std::string problem_text(domain::Language language, const ErrorDetail& problem);

//! The error's field problems worded in `language` (problem_text), from the details a service
//! gave, else problems_of(error) in English.
std::vector<domain::FieldProblem> problems_of(const Error& error, domain::Language language);

//! The first field problem of an error in `language`, without its field; field_message(error)
//! when the error carries no details.
std::string field_message(const Error& error, domain::Language language);

}  // namespace liaison::web
