#pragma once

#include "services/mail_service.h"
#include "web/router.h"

namespace liaison::web {

//! The mail system for operators (docs/mail.md):
//! GET  /api/v1/mail/outbox?status=pending|sent|failed|bounced&limit=&offset=  counts and messages
//!      (addresses, subjects, attempts, errors; never bodies)
//! POST /api/v1/mail/outbox/{id}/retry   a failed or bounced message goes out again
//! GET  /api/v1/mail/inbound?kind=reply|bounce|auto_reply&limit=   what came back
//! GET  /api/v1/mail/undeliverable?limit=   addresses that bounced
void add_mail_api(Router& router, services::MailService& mail);

}  // namespace liaison::web
