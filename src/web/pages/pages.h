#pragma once

#include "mail/outbox_delivery.h"
#include "services/account_service.h"
#include "services/check_service.h"
#include "services/directory_service.h"
#include "services/home_service.h"
#include "services/mail_service.h"
#include "services/reference_service.h"
#include "services/session_service.h"
#include "web/pages/page_renderer.h"
#include "web/router.h"

namespace liaison::web {

// Every text of these pages comes from the catalogues in the reader's language:
// docs/translating.md says how.

//! The home page (/): for each role the person holds, what it owes or watches: a secretariat's
//! overdue and unreachable states, running checks and recent changes; a focal point's
//! re-confirmation, open checks and entries; a PoC's checks to answer.
void add_home_page(Router& router, const PageRenderer& pages, services::HomeService& home,
                   services::ReferenceService& reference);

//! Sign-in, sign-out and invitation acceptance with second-factor enrolment.
void add_sign_in_pages(Router& router, const PageRenderer& pages,
                       services::SessionService& sessions, services::AccountService& accounts,
                       services::ReferenceService& reference);

//! One's own account: password, sessions ("sign out everywhere"), API tokens, recovery codes.
void add_account_pages(Router& router, const PageRenderer& pages,
                       services::SessionService& sessions, services::AccountService& accounts);

//! One's own preferences (/account/preferences): the pages' language, or the browser's, and the
//! time zone pages show times in.
void add_preference_pages(Router& router, const PageRenderer& pages,
                          services::AccountService& accounts, const Clock& clock);

//! The directory: organisations, state pages, entries with their history, the entry forms,
//! search and the freshness dashboard.
void add_directory_pages(Router& router, const PageRenderer& pages,
                         services::DirectoryService& directory,
                         services::ReferenceService& reference);

//! Communication checks: an organisation's checks (/checks/{id}), the compose form, one check
//! with its preview or results, verdicts and calls, a printable report, and a state's
//! reachability across checks (/directory/{id}/states/{state}/checks).
void add_check_pages(Router& router, const PageRenderer& pages, services::CheckService& checks,
                     services::ReferenceService& reference);

struct MailPageOptions {
  mail::SenderIdentity sender;
  std::string demo_spool;  //!< not empty in demo mode only: the spool shown as a mailbox
};

//! The operators' mail page (/mail: the outbox, inbound mail, undeliverable addresses, retry),
//! the answer links of mail that expects an answer (/r/TOKEN, no account needed) and, in demo
//! mode, the demo mailbox (/demo/mailbox) with its simulated replies. An answer link of a
//! check's mail shows what the check asks (`checks`, `reference` for the partner's name).
void add_mail_pages(Router& router, const PageRenderer& pages, services::MailService& mail,
                    services::CheckService& checks, services::ReferenceService& reference,
                    MailPageOptions options);

//! "focal point for FR in OSCE": a role as people read it, in English with the state's code (the
//! audit log's and the services' wording).
std::string describe_grant(const domain::RoleGrant& grant, services::ReferenceService& reference);

//! The same in `language`, with the state's name in it: "focal point for France in OSCE",
//! "координатор (государство: Франция) в OSCE" (the catalogue's access.role.* messages).
std::string describe_grant(const domain::RoleGrant& grant, services::ReferenceService& reference,
                           domain::Language language);

}  // namespace liaison::web
