#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "store/database.h"

namespace liaison::store {

//! A mail in the outbox (DESIGN.md, "Mail"): written in the transaction of the event that causes
//! it, so the mail exists exactly when the event committed; rendered when queued, so what the
//! operator sees is what is sent, on every attempt.
struct OutboxMessage {
  std::string id;
  std::string created_at;
  std::string kind;  //!< "invitation", "lockout", "role_granted", "freshness_reminder", …
  std::string organisation_id;  //!< empty when the mail concerns no one organisation
  std::string recipient;
  std::string recipient_name;
  std::string language;  //!< the six UN languages' codes: "ar", "en", …
  std::string subject;
  std::string body;  //!< text/plain, UTF-8
  std::string html;  //!< text/html alternative; empty: text only
  std::string tlp = "clear";
  std::string encrypt_key;  //!< armored OpenPGP key; empty: sent in clear
  std::string token;
  bool expects_answer = false;
  std::string token_expires_at;
  std::string status = "pending";  //!< pending, sent, failed, bounced
  std::int64_t attempts = 0;
  std::string next_attempt_at;
  std::string sent_at;
  std::string last_error;
};

struct OutboxCounts {
  std::int64_t pending = 0;
  std::int64_t sent = 0;
  std::int64_t failed = 0;
  std::int64_t bounced = 0;
};

class OutboxStore {
 public:
  explicit OutboxStore(Connection& connection) : connection_(connection) {}

  Result<void> insert(const OutboxMessage& message);
  //! Takes up to `limit` pending messages due at `now` that no other sender holds, for
  //! `claimed_by` until `claimed_until`, oldest first. PostgreSQL skips rows another instance
  //! is claiming at this moment (FOR UPDATE SKIP LOCKED); SQLite has one writer.
  Result<std::vector<OutboxMessage>> claim_due(const std::string& now, std::int64_t limit,
                                               const std::string& claimed_by,
                                               const std::string& claimed_until);
  //! Gives back what `claimed_by` held (a sender starting again after a crash).
  Result<std::int64_t> release_claims(const std::string& claimed_by);
  Result<void> mark_sent(const std::string& id, const std::string& now);
  Result<void> mark_retry(const std::string& id, const std::string& next_attempt_at,
                          const std::string& error);
  Result<void> mark_failed(const std::string& id, const std::string& error);
  //! A bounce came back for a message that had been sent.
  Result<void> mark_bounced(const std::string& id, const std::string& reason);
  //! A failed or bounced message back to pending, due at `now`, queued anew (its attempts and
  //! the five days before giving up count from now). False when it was neither.
  //! The mark_* calls change only a pending message: a sender whose claim ran out and whose
  //! message another sender already delivered cannot undo that.
  Result<bool> retry(const std::string& id, const std::string& now);

  Result<std::optional<OutboxMessage>> find(const std::string& id);
  Result<std::optional<OutboxMessage>> find_by_token(const std::string& token);
  //! Newest first; `status` empty for all; `organisation_id` empty for all organisations.
  Result<std::vector<OutboxMessage>> list(const std::string& status,
                                          const std::string& organisation_id, std::int64_t limit,
                                          std::int64_t offset);
  Result<OutboxCounts> counts(const std::string& organisation_id);

 private:
  Connection& connection_;
};

}  // namespace liaison::store
