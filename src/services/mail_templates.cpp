#include "services/mail_templates.h"

#include <kainjow/mustache.hpp>

#include "base/embedded_file.h"
#include "base/text.h"

namespace liaison::services {
namespace mail_template_files {
std::span<const EmbeddedFile> files();
}

namespace {

namespace mustache = kainjow::mustache;

std::optional<std::string> template_text(std::string_view language, std::string_view name) {
  auto found = find_embedded(mail_template_files::files(),
                             std::string(language) + "/" + std::string(name) + ".mustache");
  if (!found) return std::nullopt;
  std::string text(*found);
  // A partial is used inside a sentence: its file's final line break is not part of it.
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

mustache::data data_of(const boost::json::object& values) {
  mustache::data data;
  for (const auto& [key, value] : values) {
    std::string name(key);
    if (value.is_string()) {
      data.set(name, std::string(value.get_string()));
    } else if (value.is_bool()) {
      data.set(name, value.get_bool() ? mustache::data::type::bool_true
                                      : mustache::data::type::bool_false);
    } else if (value.is_int64()) {
      data.set(name, std::to_string(value.get_int64()));
    } else if (value.is_uint64()) {
      data.set(name, std::to_string(value.get_uint64()));
    }
  }
  if (auto role = values.if_contains("role"); role && role->is_string())
    data.set("is_" + std::string(role->get_string()), mustache::data::type::bool_true);
  return data;
}

bool is_link(std::string_view line) {
  return (line.starts_with("https://") || line.starts_with("http://")) &&
         line.find_first_of(" \t\"<>") == std::string_view::npos;
}

//! The text body as HTML: paragraphs at blank lines, a line that is a URL becomes a link, the
//! signature set apart. Nothing from the text is interpreted as markup.
std::string html_of(std::string_view language, std::string_view subject, std::string_view text) {
  const bool rtl = language == "ar";
  std::string html = "<!DOCTYPE html>\n<html lang=\"" + escape_html(language) + "\" dir=\"" +
                     (rtl ? "rtl" : "ltr") + "\">\n<head><meta charset=\"utf-8\"><title>" +
                     escape_html(subject) + "</title></head>\n<body>\n";
  std::string paragraph;
  bool in_signature = false;
  auto flush = [&] {
    if (paragraph.empty()) return;
    html += in_signature ? "<p style=\"color:#555\">" : "<p>";
    html += paragraph + "</p>\n";
    paragraph.clear();
  };
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(start, end - start);
    start = end + 1;
    if (line == "-- ") {
      flush();
      html += "<hr>\n";
      in_signature = true;
      continue;
    }
    if (line.empty()) {
      flush();
      continue;
    }
    if (!paragraph.empty()) paragraph += "<br>\n";
    paragraph += is_link(line)
                     ? "<a href=\"" + escape_html(line) + "\">" + escape_html(line) + "</a>"
                     : escape_html(line);
  }
  flush();
  html += "</body>\n</html>\n";
  return html;
}

}  // namespace

Result<RenderedMail> render_mail(std::string_view kind, std::string_view language,
                                 const boost::json::object& values) {
  std::string used(language);
  auto source = template_text(used, kind);
  if (!source) {
    used = "en";
    source = template_text(used, kind);
  }
  if (!source) return Error::internal("no mail template for " + std::string(kind));
  auto data = data_of(values);
  for (std::string partial : {"role", "signature"}) {
    auto text = template_text(used, partial);
    if (!text) text = template_text("en", partial);
    data.set(partial, mustache::partial([text = text.value_or("")] { return text; }));
  }
  mustache::mustache renderer(*source);
  // Mail is plain text: no HTML escaping of values (html_of escapes the whole text instead).
  renderer.set_custom_escape([](const std::string& text) { return text; });
  auto rendered = renderer.render(data);
  if (!renderer.is_valid())
    return Error::internal("mail template " + std::string(kind) + ": " + renderer.error_message());
  mustache::mustache signature("{{> signature}}");
  signature.set_custom_escape([](const std::string& text) { return text; });
  auto signature_text = signature.render(data);

  RenderedMail mail;
  mail.language = used;
  auto newline = rendered.find('\n');
  mail.subject = rendered.substr(0, newline);
  auto body = newline == std::string::npos ? std::string() : rendered.substr(newline + 1);
  while (!body.empty() && body.back() == '\n')
    body.pop_back();
  // Sections for other cases (one per task of a check, say) leave their blank lines behind:
  // one blank line between paragraphs is enough.
  for (auto at = body.find("\n\n\n"); at != std::string::npos; at = body.find("\n\n\n", at))
    body.erase(at, 1);
  mail.text = body + "\n\n" + signature_text + "\n";
  mail.html = html_of(used, mail.subject, mail.text);
  return mail;
}

}  // namespace liaison::services
