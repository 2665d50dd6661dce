#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "store/database.h"

namespace liaison::store {

//! A mail waiting in the outbox (DESIGN.md, "Mail"): written in the transaction of the event that
//! causes it, so the mail exists exactly when the event committed.
struct OutboxMessage {
  std::string id;
  std::string created_at;
  std::string kind;  //!< "invitation", "lockout", "role_granted", …
  std::string recipient;
  std::string subject;
  std::string body;  //!< plain text, UTF-8
};

class OutboxStore {
 public:
  explicit OutboxStore(Connection& connection) : connection_(connection) {}

  Result<void> insert(const OutboxMessage& message);
  //! Pending messages due at `now`, oldest first.
  Result<std::vector<OutboxMessage>> pending(const std::string& now, std::int64_t limit);
  Result<void> mark_sent(const std::string& id, const std::string& now);

 private:
  Connection& connection_;
};

}  // namespace liaison::store
