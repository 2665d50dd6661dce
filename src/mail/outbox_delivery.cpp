#include "mail/outbox_delivery.h"

#include "domain/mail.h"

namespace liaison::mail {

OutgoingMessage outgoing_message(const store::OutboxMessage& row, const SenderIdentity& sender) {
  const auto domain = sender.domain();
  OutgoingMessage message;
  message.message_id = row.id + "@" + domain;
  message.date = row.created_at;
  message.from = {sender.name, sender.address};
  message.to = {row.recipient_name, row.recipient};
  if (row.expects_answer)
    message.reply_to = Address{sender.name, "reply+" + row.token + "@" + domain};
  message.subject = row.subject;
  message.text = row.body;
  if (!row.html.empty()) message.html = row.html;
  if (!row.expects_answer) message.headers.emplace_back("Auto-Submitted", "auto-generated");
  message.headers.emplace_back("Content-Language", row.language);
  return message;
}

Delivery deliver_outbox_message(const store::OutboxMessage& row, const SenderIdentity& sender,
                                const InstanceKeyring* keyring, Transport& transport) {
  const auto tlp = domain::parse_tlp(row.tlp).value_or(domain::Tlp::red);
  const bool encrypt = keyring != nullptr && !row.encrypt_key.empty();
  if (domain::must_withhold(tlp, encrypt))
    return {Delivery::Outcome::permanent,
            "refused: TLP:" + row.tlp + " content is never sent without encryption"};
  auto message = outgoing_message(row, sender);
  auto bytes = encrypt ? compose_encrypted(message, row.encrypt_key, *keyring) : compose(message);
  if (!bytes) return {Delivery::Outcome::permanent, "cannot compose: " + bytes.error().message};
  return transport.deliver(row.id, "bounce+" + row.token + "@" + sender.domain(), row.recipient,
                           *bytes);
}

}  // namespace liaison::mail
