#pragma once

#include "services/account_service.h"
#include "services/reference_service.h"
#include "web/router.h"

namespace liaison::web {

//! Accounts and invitations as JSON: list, invite, withdraw, suspend, reactivate, remove.
void add_account_api(Router& router, services::AccountService& accounts,
                     services::ReferenceService& reference);

}  // namespace liaison::web
