#include "web/pages/page_renderer.h"

#include <charconv>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "base/crypto.h"
#include "base/text.h"
#include "web/authentication.h"
#include "web/embedded_templates.h"
#include "web/i18n.h"

namespace liaison::web {
namespace {

// What every template may use besides its own data: the language, its direction and {{#t}}.
void set_language(mustache::data& data, domain::Language language) {
  data.set("lang", std::string(locale_of(language)));
  data.set("dir", std::string(text_direction(language)));
  // lambda2: what it returns is written as is, not parsed again as a template, so a message
  // cannot inject tags; it is escaped here like any {{value}}.
  data.set("t", mustache::lambda2([language](const std::string& key, const mustache::renderer&) {
             return mustache::html_escape(translate(language, trim_blanks(key)));
           }));
}

// The language switcher: each language by its own name, linking to this page in it.
mustache::data language_links(const RequestContext& context, domain::Language current) {
  mustache::data links{mustache::data::type::list};
  for (auto language : domain::kLanguages) {
    mustache::data link;
    auto code = std::string(domain::language_code(language));
    link.set("code", code);
    link.set("name", std::string(language_endonym(language)));
    link.set("href", context.target_with("lang", code));
    link.set("current", language == current);
    links.push_back(link);
  }
  return links;
}

}  // namespace

PageRenderer::PageRenderer(RandomSource& random) : random_(random) {
  for (const auto& file : template_files::files()) {
    auto name = std::string(file.path);
    if (name.ends_with(".mustache")) name.resize(name.size() - 9);
    templates_.emplace(std::move(name), std::string(file.content));
  }
}

std::string PageRenderer::page(const RequestContext& context, std::string_view name,
                               mustache::data data, const PageOptions& options,
                               const std::string& csrf) const {
  auto body = templates_.find(name);
  auto layout = templates_.find("layout");
  if (body == templates_.end() || layout == templates_.end())
    throw std::logic_error(fmt::format("no template {}", name));
  const auto language = context.language();
  data.set("csrf", csrf);
  set_language(data, language);
  mustache::mustache content_template(body->second);
  auto content = content_template.render(data);
  if (!content_template.is_valid())
    throw std::logic_error(fmt::format("template {}: {}", name, content_template.error_message()));

  mustache::data frame;
  frame.set("title", options.title);
  frame.set("content", content);
  frame.set("csrf", csrf);
  set_language(frame, language);
  frame.set("languages", language_links(context, language));
  if (!options.notice.empty()) frame.set("notice", options.notice);
  if (!options.error.empty()) frame.set("error", options.error);
  mustache::data scripts{mustache::data::type::list};
  for (const auto& script : options.scripts)
    scripts.push_back(mustache::data("src", script));
  frame.set("scripts", scripts);
  if (const auto* authenticated = context.authenticated();
      authenticated && !authenticated->session_id.empty()) {
    mustache::data account;
    account.set("display_name", authenticated->account.display_name);
    frame.set("account", account);
  }
  mustache::mustache layout_template(layout->second);
  auto html = layout_template.render(frame);
  if (!layout_template.is_valid())
    throw std::logic_error(fmt::format("template layout: {}", layout_template.error_message()));
  return html;
}

Response PageRenderer::respond(const RequestContext& context, std::string html,
                               http::status status) {
  auto response = context.text(std::move(html), "text/html; charset=utf-8", status);
  // ?lang=xx on any page: remembered, so that the next pages speak it without the parameter.
  if (auto chosen = context.query("lang")) {
    if (auto language = language_from_code(*chosen))
      response.insert(http::field::set_cookie, language_cookie(*language, context.secure()));
  }
  return response;
}

Response PageRenderer::render(const RequestContext& context, std::string_view name,
                              mustache::data data, const PageOptions& options) const {
  const auto* authenticated = context.authenticated();
  auto csrf = authenticated ? authenticated->csrf_token : std::string();
  return respond(context, page(context, name, std::move(data), options, csrf), options.status);
}

Response PageRenderer::render_anonymous(const RequestContext& context, std::string_view name,
                                        mustache::data data, const PageOptions& options) const {
  auto token = context.cookie(kFormCookie);
  bool fresh = token.size() < 32;
  if (fresh) token = random_token(random_);
  auto response =
      respond(context, page(context, name, std::move(data), options, token), options.status);
  if (fresh) response.insert(http::field::set_cookie, form_cookie(token, context.secure()));
  return response;
}

Response PageRenderer::redirect(const RequestContext& context, std::string_view location) {
  auto response = context.text({}, "text/plain", http::status::see_other);
  response.set(http::field::location, location);
  return response;
}

// Lax, not Strict: a reader who follows a link from a mail keeps the language they chose.
std::string language_cookie(std::optional<domain::Language> language, bool secure) {
  if (!language)
    return fmt::format("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}", kLanguageCookie,
                       secure ? "; Secure" : "");
  return fmt::format("{}={}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax{}", kLanguageCookie,
                     domain::language_code(*language), secure ? "; Secure" : "");
}

std::string field_message(const Error& error) {
  auto colon = error.message.find(": ");
  return colon == std::string::npos ? error.message : error.message.substr(colon + 2);
}

std::string safe_next(std::string_view next) {
  if (next.empty() || next.front() != '/' || next.starts_with("//") || next.starts_with("/\\"))
    return "/";
  for (char c : next) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '\\') return "/";
  }
  return std::string(next);
}

std::vector<domain::FieldProblem> problems_of(const Error& error) {
  std::vector<domain::FieldProblem> problems;
  std::string_view rest = error.message;
  while (!rest.empty()) {
    auto end = rest.find("; ");
    auto part = rest.substr(0, end);
    auto colon = part.find(": ");
    if (colon == std::string_view::npos) {
      problems.push_back({"", std::string(part)});
    } else {
      problems.push_back({std::string(part.substr(0, colon)), std::string(part.substr(colon + 2))});
    }
    if (end == std::string_view::npos) break;
    rest = rest.substr(end + 2);
  }
  return problems;
}

std::string problem_text(domain::Language language, const ErrorDetail& problem) {
  if (problem.key.empty()) return problem.message;
  const auto key = "problem." + problem.key;
  const auto& all = catalogues();
  if (!all.has(domain::Language::english, key)) return problem.message;
  std::vector<MessageArgument> arguments;
  arguments.reserve(problem.arguments.size());
  for (const auto& argument : problem.arguments) {
    const auto& text = argument.second;
    std::int64_t number = 0;
    const auto* last = text.data() + text.size();
    auto [end, ec] = std::from_chars(text.data(), last, number);
    if (!text.empty() && ec == std::errc() && end == last) {
      arguments.push_back({argument.first, number});
    } else {
      arguments.push_back({argument.first, std::string_view(text)});
    }
  }
  return all.translate(language, key, std::span<const MessageArgument>(arguments));
}

std::vector<domain::FieldProblem> problems_of(const Error& error, domain::Language language) {
  if (error.details.empty()) return problems_of(error);
  std::vector<domain::FieldProblem> problems;
  problems.reserve(error.details.size());
  for (const auto& detail : error.details) {
    auto problem = detail;
    problem.message = problem_text(language, detail);
    problems.push_back(std::move(problem));
  }
  return problems;
}

std::string field_message(const Error& error, domain::Language language) {
  if (error.details.empty()) return field_message(error);
  return problem_text(language, error.details.front());
}

}  // namespace liaison::web
