#include "services/mail_service.h"

#include <algorithm>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "base/text.h"
#include "domain/account.h"
#include "domain/mail.h"
#include "services/audit_log.h"
#include "services/check_service.h"
#include "services/identifiers.h"
#include "store/directory_store.h"

namespace liaison::services {
namespace {

Result<void> may_manage_mail(const Actor& actor) {
  if (domain::authorize(actor.principal, domain::Action::manage_mail, domain::Resource::instance()))
    return {};
  return Error::forbidden("only operators manage the mail system");
}

//! A bounce says the address is gone when the action is "failed", or (bounces without a
//! machine-readable part) when its status is permanent (5.x.x).
bool permanent_failure(const BounceStatus& status) {
  if (!status.action.empty()) return ascii_lower(status.action) == "failed";
  return status.status.starts_with("5");
}

}  // namespace

MailService::MailService(store::Database& database, const Clock& clock, RandomSource& random,
                         std::string sender_id, const std::string& mail_domain)
    : database_(database),
      clock_(clock),
      random_(random),
      sender_id_(std::move(sender_id)),
      mail_domain_(ascii_lower(mail_domain)) {}

Result<std::int64_t> MailService::release_own_claims() {
  return database_.transact(store::Access::write, [&](store::Connection& connection) {
    return store::OutboxStore(connection).release_claims(sender_id_);
  });
}

Result<std::vector<store::OutboxMessage>> MailService::claim(std::int64_t limit) {
  const auto now = clock_.now();
  return database_.transact(store::Access::write, [&](store::Connection& connection) {
    return store::OutboxStore(connection)
        .claim_due(format_utc(now), limit, sender_id_, format_utc(now + domain::kDeliveryClaim));
  });
}

Result<void> MailService::record_delivery(const store::OutboxMessage& message,
                                          const DeliveryReport& report) {
  const auto now = clock_.now();
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<void> {
        store::OutboxStore outbox(connection);
        switch (report.outcome) {
          case DeliveryReport::Outcome::sent:
            return outbox.mark_sent(message.id, format_utc(now));
          case DeliveryReport::Outcome::permanent:
            return outbox.mark_failed(message.id, report.detail);
          case DeliveryReport::Outcome::temporary:
            break;
        }
        auto created = parse_utc_seconds(message.created_at);
        auto next =
            created ? domain::next_attempt(static_cast<int>(message.attempts) + 1, *created, now)
                    : std::nullopt;
        if (!next)
          return outbox.mark_failed(
              message.id,
              fmt::format(
                  "gave up after {} attempts over {} days; last: {}", message.attempts + 1,
                  std::chrono::duration_cast<std::chrono::days>(domain::kGiveUpAfter).count(),
                  report.detail));
        return outbox.mark_retry(message.id, format_utc(*next), report.detail);
      });
}

Result<InboundOutcome> MailService::record_inbound(const InboundReport& report) {
  const auto now = clock_.now();
  const auto now_text = format_utc(now);
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<InboundOutcome> {
        store::OutboxStore outbox(connection);
        store::InboundMailStore inbound(connection);
        InboundOutcome outcome;
        outcome.token_status = report.tokens.empty() ? "none" : "unknown";
        std::optional<store::OutboxMessage> matched;
        for (const auto& token : report.tokens) {
          auto found = outbox.find_by_token(token);
          if (!found) return found.error();
          if (*found) {
            matched = std::move(*found);
            break;
          }
        }
        // Without a token (a client that dropped Reply-To and replied to From), the reply
        // still names our Message-ID in In-Reply-To/References: "<outbox id>@<mail domain>".
        for (const auto& reference : report.references) {
          if (matched) break;
          auto at = reference.rfind('@');
          if (at == std::string::npos || ascii_lower(reference.substr(at + 1)) != mail_domain_)
            continue;
          auto found = outbox.find(reference.substr(0, at));
          if (!found) return found.error();
          if (*found) matched = std::move(*found);
        }
        if (matched) {
          outcome.outbox_id = matched->id;
          outcome.token_status = matched->token_expires_at < now_text ? "expired" : "matched";
        }

        store::InboundMailRecord record;
        record.id = new_id(clock_, random_);
        record.received_at = now_text;
        record.dedupe_key = report.dedupe_key;
        record.kind = report.kind;
        record.token_status = outcome.token_status;
        record.outbox_id = outcome.outbox_id;
        record.envelope_from = report.envelope_from;
        record.from_address = report.from_address;
        record.subject = report.subject;
        record.message_id = report.message_id;
        record.body = report.text;
        record.signature = report.signature;
        record.encrypted = report.encrypted;
        record.detail = report.detail;
        if (report.kind == "bounce") {
          boost::json::array statuses;
          for (const auto& status : report.statuses)
            statuses.push_back({{"address", status.address},
                                {"action", status.action},
                                {"status", status.status},
                                {"diagnostic", status.diagnostic}});
          record.detail = boost::json::serialize(statuses);
        }
        auto inserted = inbound.insert(record);
        if (!inserted) return inserted.error();
        outcome.recorded = *inserted;
        if (!outcome.recorded) return outcome;
        outcome.id = record.id;

        if (report.kind == "bounce") {
          for (const auto& status : report.statuses) {
            if (!permanent_failure(status)) continue;
            auto address = status.address.empty() && matched ? matched->recipient : status.address;
            if (address.empty()) continue;
            LIAISON_TRY(inbound.mark_undeliverable(
                {address, status.status,
                 status.diagnostic.empty() ? status.action : status.diagnostic, now_text, now_text,
                 outcome.outbox_id}));
            if (matched && domain::email_key(address) == domain::email_key(matched->recipient)) {
              LIAISON_TRY(
                  outbox.mark_bounced(matched->id, status.status + " " + status.diagnostic));
              LIAISON_TRY(record_check_response(connection, clock_, random_,
                                                {matched->id, "mail", "bounce", address, "",
                                                 status.status + " " + status.diagnostic}));
            }
            boost::json::object details{
                {"address", address}, {"status", status.status}, {"diagnostic", status.diagnostic}};
            LIAISON_TRY(append_audit(
                connection, clock_,
                domain::AuditEvent{"mail", "", "address.undeliverable", "address:" + address,
                                   boost::json::serialize(details),
                                   matched ? matched->organisation_id : std::string()}));
          }
        } else if (report.kind == "reply" && matched &&
                   domain::email_key(report.from_address) ==
                       domain::email_key(matched->recipient)) {
          // Its owner answered from it: whatever bounced before, the address works now.
          LIAISON_TRY(inbound.clear_undeliverable(matched->recipient));
        }
        if (matched && outcome.token_status == "matched" && report.kind != "bounce") {
          LIAISON_TRY(record_check_response(
              connection, clock_, random_,
              {matched->id, "mail", report.kind == "reply" ? "answer" : "auto_reply",
               report.from_address, report.text, report.detail}));
        }
        return outcome;
      });
}

Result<std::vector<std::string>> MailService::sender_keys(const std::string& address) {
  return database_.transact(
      store::Access::read, [&](store::Connection& connection) -> Result<std::vector<std::string>> {
        auto contacts = store::DirectoryStore(connection).contacts_by_address(address);
        if (!contacts) return contacts.error();
        std::vector<std::string> keys;
        for (const auto& contact : *contacts)
          if (contact.openpgp) keys.push_back(contact.openpgp->armored);
        return keys;
      });
}

namespace {

//! The message a link token belongs to, if it may still be answered.
Result<store::OutboxMessage> answerable(store::Connection& connection, const std::string& token,
                                        const std::string& now) {
  auto found = store::OutboxStore(connection).find_by_token(token);
  if (!found) return found.error();
  if (!*found || !(*found)->expects_answer)
    return Error::not_found("this link is not valid: check that it was copied whole");
  if ((*found)->token_expires_at < now)
    return Error::conflict(
        "this link has expired; answer the mail instead, or ask the "
        "secretariat for a new one");
  return std::move(**found);
}

std::string link_dedupe_key(const std::string& token) {
  return "link:" + token;
}

}  // namespace

Result<MailService::LinkTarget> MailService::link_target(const std::string& token) {
  const auto now = format_utc(clock_.now());
  return database_.transact(
      store::Access::read, [&](store::Connection& connection) -> Result<LinkTarget> {
        auto message = answerable(connection, token, now);
        if (!message) return message.error();
        auto answers = store::InboundMailStore(connection).list("reply", message->id, 100);
        if (!answers) return answers.error();
        bool answered = std::any_of(answers->begin(), answers->end(), [&](const auto& answer) {
          return answer.dedupe_key == link_dedupe_key(token);
        });
        return LinkTarget{message->subject, message->recipient, answered};
      });
}

Result<InboundOutcome> MailService::answer_by_link(const std::string& token,
                                                   const std::string& text,
                                                   const std::string& source_address) {
  const auto now = format_utc(clock_.now());
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<InboundOutcome> {
        auto message = answerable(connection, token, now);
        if (!message) return message.error();
        store::InboundMailStore inbound(connection);
        store::InboundMailRecord record;
        record.id = new_id(clock_, random_);
        record.received_at = now;
        record.dedupe_key = link_dedupe_key(token);
        record.kind = "reply";
        record.token_status = "matched";
        record.outbox_id = message->id;
        record.from_address = message->recipient;
        record.subject = "Re: " + message->subject;
        record.body = text.substr(0, 4000);
        record.detail = "answered by link from " + source_address;
        auto inserted = inbound.insert(record);
        if (!inserted) return inserted.error();
        InboundOutcome outcome{*inserted, *inserted ? record.id : std::string(), "matched",
                               message->id};
        if (!*inserted) return outcome;
        LIAISON_TRY(inbound.clear_undeliverable(message->recipient));
        LIAISON_TRY(record_check_response(
            connection, clock_, random_,
            {message->id, "link", "answer", message->recipient, text.substr(0, 4000), ""}));
        boost::json::object details{{"kind", message->kind}, {"recipient", message->recipient}};
        LIAISON_TRY(
            append_audit(connection, clock_,
                         domain::AuditEvent{"link", source_address, "mail.answered_by_link",
                                            "mail:" + message->id, boost::json::serialize(details),
                                            message->organisation_id}));
        return outcome;
      });
}

Result<MailQueue> MailService::queue(const Actor& actor, const std::string& status,
                                     std::int64_t limit, std::int64_t offset) {
  LIAISON_TRY(may_manage_mail(actor));
  return database_.transact(store::Access::read,
                            [&](store::Connection& connection) -> Result<MailQueue> {
                              store::OutboxStore outbox(connection);
                              MailQueue queue;
                              auto counts = outbox.counts("");
                              if (!counts) return counts.error();
                              queue.counts = *counts;
                              auto messages = outbox.list(status, "", limit, offset);
                              if (!messages) return messages.error();
                              queue.messages = std::move(*messages);
                              for (auto& message : queue.messages) {
                                message.body.clear();
                                message.html.clear();
                                message.token.clear();
                                message.encrypt_key = message.encrypt_key.empty() ? "" : "yes";
                              }
                              return queue;
                            });
}

Result<void> MailService::retry(const Actor& actor, const std::string& id) {
  LIAISON_TRY(may_manage_mail(actor));
  const auto now = format_utc(clock_.now());
  return database_.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<void> {
        store::OutboxStore outbox(connection);
        auto found = outbox.find(id);
        if (!found) return found.error();
        if (!*found) return Error::not_found("no such message");
        auto retried = outbox.retry(id, now);
        if (!retried) return retried.error();
        if (!*retried) return Error::conflict("only failed or bounced mail can be sent again");
        boost::json::object details{{"recipient", (*found)->recipient},
                                    {"kind", (*found)->kind},
                                    {"previous_status", (*found)->status}};
        LIAISON_TRY(
            append_audit(connection, clock_,
                         actor.event("mail.retried", "mail:" + id, boost::json::serialize(details),
                                     (*found)->organisation_id)));
        return {};
      });
}

Result<std::vector<store::InboundMailRecord>> MailService::inbound(const Actor& actor,
                                                                   const std::string& kind,
                                                                   std::int64_t limit) {
  LIAISON_TRY(may_manage_mail(actor));
  return database_.transact(store::Access::read, [&](store::Connection& connection) {
    return store::InboundMailStore(connection).list(kind, "", limit);
  });
}

Result<std::vector<store::UndeliverableAddress>> MailService::undeliverable(const Actor& actor,
                                                                            std::int64_t limit) {
  LIAISON_TRY(may_manage_mail(actor));
  return database_.transact(store::Access::read, [&](store::Connection& connection) {
    return store::InboundMailStore(connection).undeliverable_addresses(limit);
  });
}

std::string MailService::new_message_id(std::string_view domain) {
  return new_id(clock_, random_) + "@" + std::string(domain);
}

Result<std::optional<store::OutboxMessage>> MailService::message(const std::string& id) {
  return database_.transact(store::Access::read, [&](store::Connection& connection) {
    return store::OutboxStore(connection).find(id);
  });
}

}  // namespace liaison::services
