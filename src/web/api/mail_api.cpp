#include "web/api/mail_api.h"

#include <boost/json/value.hpp>

#include "web/api/query_parameters.h"

namespace liaison::web {
namespace json = boost::json;

namespace {

using domain::Action;

json::object outbox_json(const store::OutboxMessage& message) {
  return {
      {"id", message.id},
      {"created_at", message.created_at},
      {"kind", message.kind},
      {"organisation_id", message.organisation_id.empty() ? json::value(nullptr)
                                                          : json::value(message.organisation_id)},
      {"recipient", message.recipient},
      {"language", message.language},
      {"subject", message.subject},
      {"tlp", message.tlp},
      {"encrypted", !message.encrypt_key.empty()},
      {"status", message.status},
      {"attempts", message.attempts},
      {"next_attempt_at",
       message.status == "pending" ? json::value(message.next_attempt_at) : json::value(nullptr)},
      {"sent_at", message.sent_at.empty() ? json::value(nullptr) : json::value(message.sent_at)},
      {"last_error",
       message.last_error.empty() ? json::value(nullptr) : json::value(message.last_error)}};
}

json::object inbound_json(const store::InboundMailRecord& mail) {
  return {
      {"id", mail.id},
      {"received_at", mail.received_at},
      {"kind", mail.kind},
      {"token_status", mail.token_status},
      {"outbox_id", mail.outbox_id.empty() ? json::value(nullptr) : json::value(mail.outbox_id)},
      {"from", mail.from_address},
      {"subject", mail.subject},
      {"message_id", mail.message_id},
      {"detail", mail.detail},
      {"signature", mail.signature},
      {"encrypted", mail.encrypted}};
}

}  // namespace

void add_mail_api(Router& router, services::MailService& mail) {
  const auto operators = Access::allow(Action::manage_mail);

  router.add(
      http::verb::get, "/api/v1/mail/outbox", operators, [&mail](const RequestContext& context) {
        auto status = choice_parameter(context, "status", {"pending", "sent", "failed", "bounced"});
        if (!status) return context.error(status.error());
        auto limit = integer_parameter(context, "limit", 100, 0, 1000);
        if (!limit) return context.error(limit.error());
        auto offset = integer_parameter(context, "offset", 0, 0, 1'000'000'000);
        if (!offset) return context.error(offset.error());
        auto queue = mail.queue(context.actor(), *status, *limit, *offset);
        if (!queue) return context.error(queue.error());
        json::array messages;
        for (const auto& message : queue->messages)
          messages.push_back(outbox_json(message));
        return context.json(
            json::object{{"counts", json::object{{"pending", queue->counts.pending},
                                                 {"sent", queue->counts.sent},
                                                 {"failed", queue->counts.failed},
                                                 {"bounced", queue->counts.bounced}}},
                         {"messages", std::move(messages)}});
      });

  router.add(http::verb::post, "/api/v1/mail/outbox/{id}/retry", operators,
             [&mail](const RequestContext& context) {
               auto retried = mail.retry(context.actor(), std::string(context.parameter("id")));
               if (!retried) return context.error(retried.error());
               return context.json(json::object{{"status", "pending"}});
             });

  router.add(http::verb::get, "/api/v1/mail/inbound", operators,
             [&mail](const RequestContext& context) {
               auto kind = choice_parameter(context, "kind", {"reply", "bounce", "auto_reply"});
               if (!kind) return context.error(kind.error());
               auto limit = integer_parameter(context, "limit", 100, 0, 1000);
               if (!limit) return context.error(limit.error());
               auto mails = mail.inbound(context.actor(), *kind, *limit);
               if (!mails) return context.error(mails.error());
               json::array items;
               for (const auto& each : *mails)
                 items.push_back(inbound_json(each));
               return context.json(json::object{{"mails", std::move(items)}});
             });

  router.add(http::verb::get, "/api/v1/mail/undeliverable", operators,
             [&mail](const RequestContext& context) {
               auto limit = integer_parameter(context, "limit", 100, 0, 1000);
               if (!limit) return context.error(limit.error());
               auto addresses = mail.undeliverable(context.actor(), *limit);
               if (!addresses) return context.error(addresses.error());
               json::array items;
               for (const auto& each : *addresses)
                 items.push_back({{"address", each.address},
                                  {"status", each.status},
                                  {"reason", each.reason},
                                  {"first_bounce_at", each.first_bounce_at},
                                  {"last_bounce_at", each.last_bounce_at}});
               return context.json(json::object{{"addresses", std::move(items)}});
             });
}

}  // namespace liaison::web
