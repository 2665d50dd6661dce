#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "store/database.h"

namespace liaison::store {

//! A mail that came in (reply, bounce or auto-reply), as recorded.
struct InboundMailRecord {
  std::string id;
  std::string received_at;
  std::string dedupe_key;
  std::string kind;          //!< reply, bounce, auto_reply
  std::string token_status;  //!< matched, expired, unknown, none
  std::string outbox_id;     //!< empty when not matched
  std::string envelope_from;
  std::string from_address;
  std::string subject;
  std::string message_id;
  std::string body;
  std::string detail;
  std::string signature = "none";  //!< none, valid, invalid
  bool encrypted = false;
};

struct UndeliverableAddress {
  std::string address;
  std::string status;  //!< RFC 3463 code, "5.1.1"
  std::string reason;
  std::string first_bounce_at;
  std::string last_bounce_at;
  std::string outbox_id;
};

class InboundMailStore {
 public:
  explicit InboundMailStore(Connection& connection) : connection_(connection) {}

  //! False when a mail with the same dedupe_key is already recorded (a redelivery).
  Result<bool> insert(const InboundMailRecord& mail);
  //! Newest first; `kind` empty for all; `outbox_id` empty for all.
  Result<std::vector<InboundMailRecord>> list(const std::string& kind, const std::string& outbox_id,
                                              std::int64_t limit);
  Result<std::optional<InboundMailRecord>> find(const std::string& id);

  //! Records (or refreshes) an address as undeliverable.
  Result<void> mark_undeliverable(const UndeliverableAddress& address);
  //! Clears the mark, e.g. when a later message to the address was answered.
  Result<void> clear_undeliverable(const std::string& address);
  Result<std::optional<UndeliverableAddress>> undeliverable(const std::string& address);
  Result<std::vector<UndeliverableAddress>> undeliverable_addresses(std::int64_t limit);

 private:
  Connection& connection_;
};

}  // namespace liaison::store
