#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/error.h"
#include "base/random.h"
#include "services/actor.h"
#include "store/database.h"
#include "store/inbound_mail_store.h"
#include "store/outbox_store.h"

namespace liaison::services {

//! How one attempt to hand a message over ended (mail::Delivery, seen from the store).
struct DeliveryReport {
  enum class Outcome { sent, temporary, permanent };
  Outcome outcome = Outcome::temporary;
  std::string detail;
};

//! A bounce's per-recipient line (RFC 3464).
struct BounceStatus {
  std::string address;
  std::string action;  //!< failed, delayed, delivered, relayed, expanded
  std::string status;  //!< "5.1.1"
  std::string diagnostic;
};

//! An inbound mail as the mail layer read it, ready to be recorded.
struct InboundReport {
  std::string kind;  //!< reply, bounce, auto_reply
  std::string dedupe_key;
  std::vector<std::string> tokens;      //!< from recipients, then headers
  std::vector<std::string> references;  //!< Message-IDs from In-Reply-To / References
  std::string envelope_from;
  std::string from_address;
  std::string subject;
  std::string message_id;
  std::string text;
  std::string detail;  //!< auto-reply reason
  std::vector<BounceStatus> statuses;
  std::string signature = "none";  //!< none, valid, invalid
  bool encrypted = false;
};

struct InboundOutcome {
  bool recorded = false;  //!< false: the same mail was recorded before (a redelivery)
  std::string id;
  std::string token_status;  //!< matched, expired, unknown, none
  std::string outbox_id;
};

struct MailQueue {
  store::OutboxCounts counts;
  std::vector<store::OutboxMessage> messages;  //!< bodies left empty: they carry secrets
};

//! The outbox seen by its senders and by operators, and the record of what comes back.
class MailService {
 public:
  //! `sender_id` names this instance's claims; `mail_domain` is the domain of our Message-IDs.
  MailService(store::Database& database, const Clock& clock, RandomSource& random,
              std::string sender_id, const std::string& mail_domain);

  const std::string& sender_id() const { return sender_id_; }

  // --- the sender (jobs/outbox_sender) ---
  //! Releases what this sender held when it stopped (crash, kill -9): it sends those again.
  Result<std::int64_t> release_own_claims();
  //! Takes up to `limit` messages due now for domain::kDeliveryClaim.
  Result<std::vector<store::OutboxMessage>> claim(std::int64_t limit);
  //! Records one attempt, in its own transaction right after the hand-over so that a crash
  //! between the relay's 250 and this commit is the only way a message goes out twice.
  Result<void> record_delivery(const store::OutboxMessage& message, const DeliveryReport& report);

  // --- inbound (mail/inbound_pipeline) ---
  //! Matches the mail to the message it answers (token, else References), records it once
  //! (dedupe_key), marks bounced addresses undeliverable and their messages bounced, and
  //! clears the mark when the address's owner answers. Unknown and expired tokens are
  //! recorded as such: never an error an MTA would bounce.
  Result<InboundOutcome> record_inbound(const InboundReport& report);

  //! The OpenPGP keys the directory holds for `address` (to check a signed answer).
  Result<std::vector<std::string>> sender_keys(const std::string& address);

  // --- answers by link (/r/TOKEN) ---
  //! What the link of a message that expects an answer leads to. not_found for a token no
  //! such message has; conflict when the link has expired (both in words for the person).
  struct LinkTarget {
    std::string subject;
    std::string recipient;
    bool answered = false;  //!< the link was used already: it works once
  };
  Result<LinkTarget> link_target(const std::string& token);
  //! Records the answer the link gives (once: a second use changes nothing and says so), as a
  //! reply from the addressee; the address works, so an undeliverable mark is cleared.
  Result<InboundOutcome> answer_by_link(const std::string& token, const std::string& text,
                                        const std::string& source_address);

  // --- operators ---
  Result<MailQueue> queue(const Actor& actor, const std::string& status, std::int64_t limit,
                          std::int64_t offset);
  //! Sends a failed or bounced message again. not_found when there is no such message,
  //! conflict when it is not failed or bounced.
  Result<void> retry(const Actor& actor, const std::string& id);
  Result<std::vector<store::InboundMailRecord>> inbound(const Actor& actor, const std::string& kind,
                                                        std::int64_t limit);
  Result<std::vector<store::UndeliverableAddress>> undeliverable(const Actor& actor,
                                                                 std::int64_t limit);

  // --- the demo mailbox ---
  //! A Message-ID ("<random id>@domain", without brackets) for a mail written on someone's behalf.
  std::string new_message_id(std::string_view domain);
  Result<std::optional<store::OutboxMessage>> message(const std::string& id);

 private:
  store::Database& database_;
  const Clock& clock_;
  RandomSource& random_;
  std::string sender_id_;
  std::string mail_domain_;
};

}  // namespace liaison::services
