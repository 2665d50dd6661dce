#include "mail/inbound_pipeline.h"

#include <spdlog/spdlog.h>

#include "base/crypto.h"
#include "mail/inbound_message.h"

namespace liaison::mail {
namespace {

std::string kind_name(InboundMessage::Kind kind) {
  switch (kind) {
    case InboundMessage::Kind::bounce:
      return "bounce";
    case InboundMessage::Kind::auto_reply:
      return "auto_reply";
    case InboundMessage::Kind::reply:
      break;
  }
  return "reply";
}

}  // namespace

Result<services::InboundOutcome> receive_mail(std::string_view raw, const InboundEnvelope& envelope,
                                              services::MailService& mail,
                                              const InstanceKeyring* keyring) {
  auto parsed = read_inbound(raw, envelope.recipients);
  services::InboundReport report;
  report.kind = kind_name(parsed.kind);
  // A redelivery of the same mail (the MTA did not see our answer) is recognised by its
  // Message-ID, or by its bytes when it has none.
  report.dedupe_key =
      parsed.message_id.empty() ? "sha256:" + sha256_hex(raw) : "message-id:" + parsed.message_id;
  report.tokens = parsed.tokens;
  report.references = parsed.references;
  report.envelope_from = envelope.mail_from;
  report.from_address = parsed.from;
  report.subject = parsed.subject;
  report.message_id = parsed.message_id;
  report.text = parsed.text;
  report.detail = parsed.auto_reply_reason;
  report.encrypted = parsed.encrypted;
  for (const auto& status : parsed.statuses)
    report.statuses.push_back(
        {status.final_recipient, status.action, status.status, status.diagnostic});

  if ((parsed.encrypted || parsed.signed_) && keyring != nullptr) {
    auto keys = mail.sender_keys(parsed.from);
    if (!keys) return keys.error();
    auto opened = open_protected(raw, *keyring, *keys);
    if (opened) {
      if (parsed.encrypted) report.text = text_of_entity(opened->entity);
      report.signature = !opened->signed_ ? "none" : opened->signature_valid ? "valid" : "invalid";
    } else {
      spdlog::warn("inbound mail {} from {}: cannot open its OpenPGP protection: {}",
                   parsed.message_id, parsed.from, opened.error().message);
      if (parsed.signed_) report.signature = "invalid";
    }
  }
  auto outcome = mail.record_inbound(report);
  if (outcome)
    spdlog::info("inbound mail {}: {} from {}, token {}{}", parsed.message_id, report.kind,
                 parsed.from, outcome->token_status,
                 outcome->recorded ? "" : " (already recorded)");
  return outcome;
}

}  // namespace liaison::mail
