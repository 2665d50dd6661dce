#include "web/pages/page_renderer.h"

#include <stdexcept>

#include <fmt/format.h>

#include "base/crypto.h"
#include "web/authentication.h"
#include "web/embedded_templates.h"

namespace liaison::web {

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
  data.set("csrf", csrf);
  mustache::mustache content_template(body->second);
  auto content = content_template.render(data);
  if (!content_template.is_valid())
    throw std::logic_error(fmt::format("template {}: {}", name, content_template.error_message()));

  mustache::data frame;
  frame.set("title", options.title);
  frame.set("content", content);
  frame.set("csrf", csrf);
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
  return layout_template.render(frame);
}

Response PageRenderer::render(const RequestContext& context, std::string_view name,
                              mustache::data data, const PageOptions& options) const {
  const auto* authenticated = context.authenticated();
  auto csrf = authenticated ? authenticated->csrf_token : std::string();
  return context.text(page(context, name, std::move(data), options, csrf),
                      "text/html; charset=utf-8", options.status);
}

Response PageRenderer::render_anonymous(const RequestContext& context, std::string_view name,
                                        mustache::data data, const PageOptions& options) const {
  auto token = context.cookie(kFormCookie);
  bool fresh = token.size() < 32;
  if (fresh) token = random_token(random_);
  auto response = context.text(page(context, name, std::move(data), options, token),
                               "text/html; charset=utf-8", options.status);
  if (fresh) response.set(http::field::set_cookie, form_cookie(token, context.secure()));
  return response;
}

Response PageRenderer::redirect(const RequestContext& context, std::string_view location) {
  auto response = context.text({}, "text/plain", http::status::see_other);
  response.set(http::field::location, location);
  return response;
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

}  // namespace liaison::web
