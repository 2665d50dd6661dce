#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "base/error.h"

namespace liaison::services {

//! A mail rendered in one language: what goes into the outbox.
struct RenderedMail {
  std::string language;  //!< the language actually used (English when the kind lacks one)
  std::string subject;
  std::string text;
  std::string html;
};

//! Renders `templates/mail/<language>/<kind>.mustache` (first line the subject, the rest the
//! text body, then the language's signature) with `values`; the HTML alternative is the same
//! text as paragraphs, links made clickable, right to left for Arabic. Falls back to English
//! when the language has no such template. `values` are plain strings, numbers and booleans;
//! the partial `role` reads `role` ("focal", …), `organisation` and `state`.
//! internal Error for a kind with no English template (a programming mistake).
Result<RenderedMail> render_mail(std::string_view kind, std::string_view language,
                                 const boost::json::object& values);

}  // namespace liaison::services
