#pragma once

#include <string>

#include "base/clock.h"
#include "base/error.h"
#include "base/random.h"
#include "store/database.h"

namespace liaison::services {

//! Puts a plain-text mail in the outbox inside the caller's transaction: it will be sent exactly
//! when the change that caused it commits.
Result<void> queue_mail(store::Connection& connection, const Clock& clock, RandomSource& random,
                        std::string kind, std::string recipient, std::string subject,
                        std::string body);

}  // namespace liaison::services
