#include "app/application.h"

#include <unistd.h>

#include "app/version.h"
#include "web/api/account_api.h"
#include "web/api/audit_api.h"
#include "web/api/check_api.h"
#include "web/api/directory_api.h"
#include "web/api/mail_api.h"
#include "web/api/openapi_api.h"
#include "web/api/reference_api.h"
#include "web/embedded_assets.h"
#include "web/operations.h"
#include "web/pages/pages.h"

namespace liaison::app {

Application::Application(std::unique_ptr<store::Database> database,
                         std::chrono::milliseconds cache_lifetime,
                         services::SecuritySettings security, MailOptions mail)
    : database_(std::move(database)),
      reference_(*database_, clock_, cache_lifetime),
      accounts_(*database_, clock_, random_, security),
      sessions_(*database_, clock_, random_, security, cache_lifetime),
      directory_(*database_, clock_, random_, reference_),
      mail_(*database_, clock_, random_, mail.sender_id, mail.sender.domain()),
      checks_(*database_, clock_, random_, reference_,
              {security.instance_name, security.public_url}),
      home_(*database_, directory_, checks_),
      authenticator_(sessions_),
      pages_(random_),
      assets_(web::asset_files::files()) {
  accounts_.on_access_changed([this] { sessions_.forget_cached_tokens(); });
  router_.set_authenticator(&authenticator_);
  web::add_operations_routes(router_, *database_, metrics_, kVersion);
  web::add_openapi_api(router_);
  web::add_reference_api(router_, reference_);
  web::add_account_api(router_, accounts_, reference_);
  web::add_audit_api(router_, reference_, *database_);
  web::add_directory_api(router_, directory_, reference_);
  web::add_check_api(router_, checks_, reference_);
  web::add_home_page(router_, pages_, home_, reference_);
  web::add_sign_in_pages(router_, pages_, sessions_, accounts_, reference_);
  web::add_account_pages(router_, pages_, sessions_, accounts_);
  web::add_preference_pages(router_, pages_, accounts_, clock_);
  web::add_directory_pages(router_, pages_, directory_, reference_);
  web::add_check_pages(router_, pages_, checks_, reference_);
  web::add_mail_api(router_, mail_);
  web::add_mail_pages(router_, pages_, mail_, checks_, reference_,
                      {mail.sender, mail.demo_mode ? mail.spool_directory : std::string()});
  web::add_asset_routes(router_, assets_);
}

Result<std::unique_ptr<store::Database>> open_store(const Config& config) {
  store::DatabaseOptions options;
  options.pool_size = config.database_pool_size;
  return store::open_database(config.database, options);
}

services::SecuritySettings security_settings(const Config& config) {
  services::SecuritySettings settings;
  settings.public_url = config.public_url;
  settings.instance_name = config.instance_name;
  settings.session_idle = config.session_idle;
  settings.session_absolute = config.session_absolute;
  settings.invitation_lifetime = config.invitation_lifetime;
  return settings;
}

MailOptions mail_options(const Config& config) {
  MailOptions options;
  options.sender = {config.instance_name, config.mail_from};
  options.sender_id = config.mail_sender_id;
  if (options.sender_id.empty()) {
    char host[256] = {};
    options.sender_id = ::gethostname(host, sizeof host - 1) == 0 ? host : "liaison";
  }
  options.spool_directory = config.mail_spool;
  options.demo_mode = config.demo_mode;
  return options;
}

web::ServerOptions server_options(const Config& config) {
  web::ServerOptions options;
  options.host = config.listen_host;
  options.port = config.listen_port;
  options.header_limit = config.max_header_bytes;
  options.body_limit = config.max_body_bytes;
  options.idle_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(config.idle_timeout);
  options.tls_certificate_file = config.tls_certificate;
  options.tls_private_key_file = config.tls_private_key;
  options.trusted_proxies = config.trusted_proxies;
  return options;
}

}  // namespace liaison::app
