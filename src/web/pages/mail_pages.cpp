// The mail system as pages: the operators' queue (what waits, what went, what failed and why,
// with a button to send again), what came back, and addresses that bounce. In demo mode, the
// spool directory as a mailbox with a button that answers a mail as its recipient would, so a
// newcomer sees the whole loop without an MTA.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/clock.h"
#include "mail/inbound_pipeline.h"
#include "web/api/query_parameters.h"
#include "web/i18n.h"
#include "web/pages/access_text.h"
#include "web/pages/pages.h"

namespace liaison::web {
namespace {

using domain::Action;

//! The catalogue's word for a code the mail system stores (`prefix` + code: "mail.status.sent"),
//! or the code itself when the catalogue has none (a kind of mail added since).
std::string word_for(domain::Language language, std::string_view prefix, const std::string& code) {
  const auto key = std::string(prefix) + code;
  return catalogues().has(domain::Language::english, key) ? translate(language, key) : code;
}

mustache::data queue_data(const RequestContext& context, const services::MailQueue& queue) {
  const auto language = context.language();
  const auto zone = context.time_zone();
  mustache::data rows{mustache::data::type::list};
  for (const auto& message : queue.messages) {
    mustache::data row;
    row.set("id", message.id);
    row.set("created_at", format_date_time(language, message.created_at, zone));
    row.set("kind", word_for(language, "mail.kind.", message.kind));
    row.set("recipient", message.recipient);
    row.set("subject", message.subject);
    row.set("status", message.status);
    row.set("status_text", word_for(language, "mail.status.", message.status));
    row.set("attempts", std::to_string(message.attempts));
    row.set("last_error", message.last_error);
    row.set("encrypted", !message.encrypt_key.empty());
    row.set("can_retry", message.status == "failed" || message.status == "bounced");
    rows.push_back(row);
  }
  mustache::data data;
  data.set("messages", rows);
  data.set("empty", queue.messages.empty());
  data.set("pending", std::to_string(queue.counts.pending));
  data.set("sent", std::to_string(queue.counts.sent));
  data.set("failed", std::to_string(queue.counts.failed));
  data.set("bounced", std::to_string(queue.counts.bounced));
  return data;
}

Response queue_page(const RequestContext& context, const PageRenderer& pages,
                    services::MailService& mail, const PageOptions& options) {
  // An unknown filter shows everything rather than an error page.
  auto chosen = choice_parameter(context, "status", {"pending", "sent", "failed", "bounced"});
  std::string status = chosen ? *chosen : std::string();
  auto queue = mail.queue(context.actor(), status, 200, 0);
  if (!queue) return context.error(queue.error());
  const auto language = context.language();
  const auto zone = context.time_zone();
  auto data = queue_data(context, *queue);
  const auto filter = status.empty() ? translate(language, "mail.queue.all")
                                     : word_for(language, "mail.status.", status);
  data.set("filter_" + (status.empty() ? std::string("all") : status), true);
  data.set("empty_text", translate(language, "mail.queue.empty", {{"filter", filter}}));
  data.set("caption", translate(language, "mail.queue.caption", {{"filter", filter}}));

  auto inbound = mail.inbound(context.actor(), "", 50);
  if (!inbound) return context.error(inbound.error());
  mustache::data mails{mustache::data::type::list};
  for (const auto& each : *inbound) {
    mustache::data row;
    row.set("received_at", format_date_time(language, each.received_at, zone));
    row.set("kind", each.kind);
    row.set("kind_text", word_for(language, "mail.inbound.kind.", each.kind));
    row.set("token_status", word_for(language, "mail.token.", each.token_status));
    row.set("from", each.from_address);
    row.set("subject", each.subject);
    row.set("detail", each.detail);
    row.set("signature", word_for(language, "mail.signature.", each.signature));
    mails.push_back(row);
  }
  data.set("inbound", mails);
  data.set("no_inbound", inbound->empty());

  auto bounced = mail.undeliverable(context.actor(), 100);
  if (!bounced) return context.error(bounced.error());
  mustache::data addresses{mustache::data::type::list};
  for (const auto& each : *bounced) {
    mustache::data row;
    row.set("address", each.address);
    row.set("status", each.status);
    row.set("reason", each.reason);
    row.set("last_bounce_at", format_date_time(language, each.last_bounce_at, zone));
    addresses.push_back(row);
  }
  data.set("undeliverable", addresses);
  data.set("no_undeliverable", bounced->empty());
  return pages.render(context, "mail_queue", std::move(data), options);
}

// --- the demo mailbox ---

struct SpooledMail {
  std::string id;
  std::filesystem::file_time_type written;
};

std::vector<SpooledMail> spooled(const std::string& directory) {
  std::vector<SpooledMail> mails;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    const auto& path = entry.path();
    if (path.extension() != ".eml" || path.filename().string().starts_with(".")) continue;
    mails.push_back({path.stem().string(), entry.last_write_time(ec)});
  }
  std::sort(mails.begin(), mails.end(),
            [](const SpooledMail& a, const SpooledMail& b) { return a.written > b.written; });
  if (mails.size() > 200) mails.resize(200);
  return mails;
}

bool safe_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-';
  });
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

//! The answer a person would write in their mail client: Re: subject, In-Reply-To our
//! Message-ID, to the Reply-To address, with the original quoted below.
std::string simulated_reply(const store::OutboxMessage& message, const mail::SenderIdentity& sender,
                            std::string_view words, const std::string& message_id) {
  const auto domain = sender.domain();
  std::string raw;
  raw += "From: " + message.recipient + "\r\n";
  raw +=
      "To: " + (message.expects_answer ? "reply+" + message.token + "@" + domain : sender.address) +
      "\r\n";
  raw += "Subject: Re: " + message.subject + "\r\n";
  raw += "Message-ID: <" + message_id + ">\r\n";
  raw += "In-Reply-To: <" + message.id + "@" + domain + ">\r\n";
  raw += "References: <" + message.id + "@" + domain + ">\r\n";
  raw += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n";
  raw += "Content-Transfer-Encoding: 8bit\r\n\r\n";
  std::string body(words);
  for (auto& c : body)
    if (c == '\r') c = '\n';
  raw +=
      body + "\r\n\r\nOn " + message.created_at.substr(0, 10) + ", " + sender.name + " wrote:\r\n";
  std::istringstream original(message.body);
  for (std::string line; std::getline(original, line);)
    raw += "> " + line + "\r\n";
  return raw;
}

void add_demo_mailbox(Router& router, const PageRenderer& pages, services::MailService& mail,
                      const MailPageOptions& options) {
  const auto operators = Access::allow(Action::manage_mail);
  router.add(http::verb::get, "/demo/mailbox", operators,
             [&pages, &mail, options](const RequestContext& context) {
               const auto language = context.language();
               mustache::data rows{mustache::data::type::list};
               for (const auto& spooled_mail : spooled(options.demo_spool)) {
                 auto message = mail.message(spooled_mail.id);
                 if (!message) return context.error(message.error());
                 if (!*message) continue;
                 mustache::data row;
                 row.set("id", (*message)->id);
                 row.set("created_at",
                         format_date_time(language, (*message)->created_at, context.time_zone()));
                 row.set("recipient", (*message)->recipient);
                 row.set("subject", (*message)->subject);
                 row.set("kind", word_for(language, "mail.kind.", (*message)->kind));
                 row.set("encrypted", !(*message)->encrypt_key.empty());
                 rows.push_back(row);
               }
               mustache::data data;
               data.set("empty", rows.is_empty_list());
               data.set("mails", rows);
               data.set("spool", options.demo_spool);
               data.set("intro", access_text::marked_up(translate(language, "mail.demo.intro",
                                                                  {{"path", access_text::kMarker}}),
                                                        options.demo_spool, "code"));
               std::string notice = context.query("replied")
                                        ? translate(language, "mail.demo.replied")
                                        : std::string();
               return pages.render(context, "demo_mailbox", std::move(data),
                                   {translate(language, "mail.demo.title"), notice});
             });

  router.add(http::verb::get, "/demo/mailbox/{id}", operators,
             [&pages, &mail, options](const RequestContext& context) {
               auto id = std::string(context.parameter("id"));
               auto path = std::filesystem::path(options.demo_spool) / (id + ".eml");
               std::error_code ec;
               if (!safe_id(id) || !std::filesystem::is_regular_file(path, ec))
                 return context.problem({http::status::not_found, "no such mail in the spool"});
               auto message = mail.message(id);
               if (!message) return context.error(message.error());
               if (!*message)
                 return context.problem({http::status::not_found, "no such mail in the spool"});
               mustache::data data;
               data.set("id", id);
               data.set("recipient", (*message)->recipient);
               data.set("subject", (*message)->subject);
               data.set("body", (*message)->body);
               data.set("raw", read_file(path));
               return pages.render(context, "demo_message", std::move(data), {(*message)->subject});
             });

  router.add(http::verb::post, "/demo/mailbox/{id}/reply", operators,
             [&mail, options](const RequestContext& context) {
               auto id = std::string(context.parameter("id"));
               if (!safe_id(id))
                 return context.problem({http::status::not_found, "no such mail in the spool"});
               auto message = mail.message(id);
               if (!message) return context.error(message.error());
               if (!*message)
                 return context.problem({http::status::not_found, "no such mail in the spool"});
               auto words = context.form("text");
               if (words.empty()) words = translate(context.language(), "mail.demo.default_reply");
               const auto reply_id = mail.new_message_id("demo.liaison.invalid");
               const auto raw = simulated_reply(**message, options.sender, words, reply_id);
               mail::InboundEnvelope envelope{
                   (*message)->recipient,
                   {(*message)->expects_answer
                        ? "reply+" + (*message)->token + "@" + options.sender.domain()
                        : options.sender.address}};
               auto received = mail::receive_mail(raw, envelope, mail, nullptr);
               if (!received) return context.error(received.error());
               return PageRenderer::redirect(context, "/demo/mailbox?replied=1");
             });
}

// --- answers by link ---

// What a check's answer link asks, for the template to word in the reader's language: the task
// as a flag, the deadline and the states' names, and the sentences that carry them.
mustache::data check_task_data(const services::CheckLinkTask& task, const std::string& recipient,
                               services::ReferenceService& reference, domain::Language language) {
  auto name_of = [&reference, language](const std::string& alpha2) {
    auto profile = reference.state(alpha2);
    return profile ? profile.value()->state.name(language) : alpha2;
  };
  mustache::data data;
  data.set("title", task.check_title);
  data.set("organisation", task.organisation_code);
  data.set("heading",
           translate(language, "answer.check_heading",
                     {{"organisation", task.organisation_code}, {"title", task.check_title}}));
  data.set("task_" + std::string(domain::check_task_name(task.task)), true);
  // An empty text would still open its section (kainjow renders {{#x}} for ""): false instead.
  data.set("question", task.question.empty() ? mustache::data(false) : task.question);
  const auto state_name = name_of(task.state);
  data.set("state_name", state_name);
  data.set("recipient_line", translate(language, "answer.recipient",
                                       {{"recipient", recipient}, {"state", state_name}}));
  if (task.partner.empty()) {
    data.set("partner_name", false);
  } else {
    const auto partner = name_of(task.partner);
    data.set("partner_name", partner);
    data.set("partner_help", translate(language, "answer.partner_help", {{"partner", partner}}));
    data.set("partner_code", translate(language, "answer.partner_code", {{"partner", partner}}));
  }
  // The deadline as the reader's language writes dates, in UTC, which the mail also names.
  std::string deadline;
  if (auto instant = parse_utc_seconds(task.deadline)) {
    deadline = format_date_time(language, *instant, "UTC");
  } else {
    deadline = task.deadline.size() >= 16 ? task.deadline.substr(0, 16) : task.deadline;
    if (deadline.size() > 10) deadline[10] = ' ';
  }
  data.set("deadline", deadline);
  data.set("late", task.late);
  return data;
}

//! The link every mail that expects an answer carries (/r/TOKEN). Opening it changes nothing:
//! mail scanners and link previews open links on their own; the answer is the form's POST. The
//! page speaks the reader's language (their browser's, or the one they chose on the page).
void add_answer_pages(Router& router, const PageRenderer& pages, services::MailService& mail,
                      services::CheckService& checks, services::ReferenceService& reference) {
  auto refusal = [&pages](const RequestContext& context, const Error& error) {
    if (error.code != ErrorCode::not_found && error.code != ErrorCode::conflict)
      return context.error(error);
    const auto language = context.language();
    const bool unknown = error.code == ErrorCode::not_found;
    mustache::data data;
    data.set("text", translate(language, unknown ? "answer.invalid_link" : "answer.expired_link"));
    return pages.render_anonymous(context, "message", data,
                                  {translate(language, "answer.title"),
                                   {},
                                   {},
                                   unknown ? http::status::not_found : http::status::gone});
  };
  router.add(http::verb::get, "/r/{token}", Access::anyone(),
             [&pages, &mail, &checks, &reference, refusal](const RequestContext& context) {
               auto token = std::string(context.parameter("token"));
               auto target = mail.link_target(token);
               if (!target) return refusal(context, target.error());
               const auto language = context.language();
               mustache::data data;
               data.set("token", token);
               data.set("subject", target->subject);
               data.set("recipient", target->recipient);
               data.set("intro", translate(language, "answer.message_intro",
                                           {{"subject", target->subject},
                                            {"recipient", target->recipient}}));
               data.set("answered", target->answered);
               auto task = checks.link_task(token);
               if (!task) return context.error(task.error());
               if (*task)
                 data.set("check", check_task_data(**task, target->recipient, reference, language));
               return pages.render_anonymous(context, "answer", data,
                                             {translate(language, "answer.title")});
             });
  router.add(http::verb::post, "/r/{token}", Access::anyone(),
             [&pages, &mail, refusal](const RequestContext& context) {
               auto answered =
                   mail.answer_by_link(std::string(context.parameter("token")),
                                       context.form("text"), std::string(context.remote_address()));
               if (!answered) return refusal(context, answered.error());
               const auto language = context.language();
               mustache::data data;
               data.set("text",
                        translate(language, answered->recorded ? "answer.recorded"
                                                               : "answer.already_answered"));
               return pages.render_anonymous(context, "message", data,
                                             {translate(language, "answer.title")});
             });
}

}  // namespace

void add_mail_pages(Router& router, const PageRenderer& pages, services::MailService& mail,
                    services::CheckService& checks, services::ReferenceService& reference,
                    MailPageOptions options) {
  const auto operators = Access::allow(Action::manage_mail);
  router.add(http::verb::get, "/mail", operators, [&pages, &mail](const RequestContext& context) {
    return queue_page(context, pages, mail, {translate(context.language(), "mail.queue.title")});
  });
  router.add(
      http::verb::post, "/mail/{id}/retry", operators,
      [&pages, &mail](const RequestContext& context) {
        const auto language = context.language();
        const auto title = translate(language, "mail.queue.title");
        auto retried = mail.retry(context.actor(), std::string(context.parameter("id")));
        if (!retried) {
          if (retried.error().code != ErrorCode::conflict &&
              retried.error().code != ErrorCode::not_found)
            return context.error(retried.error());
          const bool unknown = retried.error().code == ErrorCode::not_found;
          return queue_page(context, pages, mail,
                            {title,
                             {},
                             translate(language, unknown ? "mail.queue.no_such_message"
                                                         : "mail.queue.cannot_retry"),
                             unknown ? http::status::not_found : http::status::conflict});
        }
        return queue_page(context, pages, mail, {title, translate(language, "mail.queue.retried")});
      });
  add_answer_pages(router, pages, mail, checks, reference);
  if (!options.demo_spool.empty()) add_demo_mailbox(router, pages, mail, options);
}

}  // namespace liaison::web
