#include "services/outbox.h"

#include "services/identifiers.h"
#include "store/outbox_store.h"

namespace liaison::services {

Result<void> queue_mail(store::Connection& connection, const Clock& clock, RandomSource& random,
                        std::string kind, std::string recipient, std::string subject,
                        std::string body) {
  store::OutboxStore outbox(connection);
  return outbox.insert({new_id(clock, random), format_utc(clock.now()), std::move(kind),
                        std::move(recipient), std::move(subject), std::move(body)});
}

}  // namespace liaison::services
