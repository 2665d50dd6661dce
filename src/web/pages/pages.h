#pragma once

#include "mail/outbox_delivery.h"
#include "services/account_service.h"
#include "services/directory_service.h"
#include "services/mail_service.h"
#include "services/reference_service.h"
#include "services/session_service.h"
#include "web/pages/page_renderer.h"
#include "web/router.h"

namespace liaison::web {

//! Sign-in, sign-out, the home page and invitation acceptance with second-factor enrolment.
void add_sign_in_pages(Router& router, const PageRenderer& pages,
                       services::SessionService& sessions, services::AccountService& accounts,
                       services::ReferenceService& reference);

//! One's own account: password, sessions ("sign out everywhere"), API tokens, recovery codes.
void add_account_pages(Router& router, const PageRenderer& pages,
                       services::SessionService& sessions, services::AccountService& accounts);

//! The directory: organisations, state pages, entries with their history, the entry forms,
//! search and the freshness dashboard.
void add_directory_pages(Router& router, const PageRenderer& pages,
                         services::DirectoryService& directory,
                         services::ReferenceService& reference);

struct MailPageOptions {
  mail::SenderIdentity sender;
  std::string demo_spool;  //!< not empty in demo mode only: the spool shown as a mailbox
};

//! The operators' mail page (/mail: the outbox, inbound mail, undeliverable addresses, retry),
//! the answer links of mail that expects an answer (/r/TOKEN, no account needed) and, in demo
//! mode, the demo mailbox (/demo/mailbox) with its simulated replies.
void add_mail_pages(Router& router, const PageRenderer& pages, services::MailService& mail,
                    MailPageOptions options);

//! "focal point for FR in OSCE": a role as people read it.
std::string describe_grant(const domain::RoleGrant& grant, services::ReferenceService& reference);

}  // namespace liaison::web
