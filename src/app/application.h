#pragma once

#include <memory>

#include "app/config.h"
#include "base/error.h"
#include "base/random.h"
#include "mail/outbox_delivery.h"
#include "services/account_service.h"
#include "services/check_service.h"
#include "services/directory_service.h"
#include "services/home_service.h"
#include "services/mail_service.h"
#include "services/reference_service.h"
#include "services/security_settings.h"
#include "services/session_service.h"
#include "store/database.h"
#include "web/authentication.h"
#include "web/metrics.h"
#include "web/pages/page_renderer.h"
#include "web/router.h"
#include "web/server.h"
#include "web/static_assets.h"

namespace liaison::app {

//! What the mail pages and services need to know about the instance's mail.
struct MailOptions {
  mail::SenderIdentity sender;
  std::string sender_id = "liaison";  //!< names this instance's claims on the outbox
  std::string spool_directory;        //!< where the spool transport writes (demo mailbox)
  bool demo_mode = false;             //!< show the spool as a mailbox page
};

//! The wired program: the database, the services over it, and the HTTP routes to them. `serve`
//! runs one; integration tests build one around a temporary database.
class Application {
 public:
  //! Takes an open database whose schema is current (see store::check_schema).
  //! Reads that may be served from memory are at most `cache_lifetime` old.
  Application(std::unique_ptr<store::Database> database, std::chrono::milliseconds cache_lifetime,
              services::SecuritySettings security = {}, MailOptions mail = {});
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  store::Database& database() { return *database_; }
  const web::Router& router() const { return router_; }
  web::Metrics& metrics() { return metrics_; }
  services::AccountService& accounts() { return accounts_; }
  services::SessionService& sessions() { return sessions_; }
  services::DirectoryService& directory() { return directory_; }
  services::MailService& mail() { return mail_; }
  services::CheckService& checks() { return checks_; }

 private:
  std::unique_ptr<store::Database> database_;
  SystemClock clock_;
  SystemRandom random_;
  services::ReferenceService reference_;
  services::AccountService accounts_;
  services::SessionService sessions_;
  services::DirectoryService directory_;
  services::MailService mail_;
  services::CheckService checks_;
  services::HomeService home_;
  web::SessionAuthenticator authenticator_;
  web::PageRenderer pages_;
  web::Metrics metrics_;
  web::StaticAssets assets_;
  web::Router router_;
};

//! Opens the store a configuration names.
Result<std::unique_ptr<store::Database>> open_store(const Config& config);

//! Accounts and sessions as a configuration sets them.
services::SecuritySettings security_settings(const Config& config);

//! The mail identity and options a configuration asks for.
MailOptions mail_options(const Config& config);

//! The HTTP server options a configuration asks for.
web::ServerOptions server_options(const Config& config);

}  // namespace liaison::app
