// Every route of the real application, asked by every kind of principal: who gets through the
// router (and the service behind it) and who is refused. A route added without a row in the
// expectation table below fails this suite, so no route ships without a decided rule.

#include <cctype>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "app/application.h"
#include "base/totp.h"
#include "services/actor.h"
#include "support/http_client.h"
#include "support/test_database.h"
#include "web/authentication.h"
#include "web/router.h"

namespace liaison::testing {
namespace {

using namespace std::chrono_literals;
using services::Actor;
namespace http = boost::beast::http;
using web::Request;
using web::Response;

constexpr std::string_view kPassword = "matrix passphrase 2024";
// The double-submit token anonymous requests carry in the liaison_form cookie and the form.
constexpr std::string_view kFormToken = "matrix-form-token-0123456789abcdefghijkl";

enum class Who {
  operator_,
  secretariat_osce,
  focal_de,
  focal_fr,
  poc_de,
  observer_osce,
  secretariat_arf,
  token,  // an API token of the OSCE secretariat with the scope read_directory
  anonymous,
};

constexpr Who kEveryone[] = {
    Who::operator_,     Who::secretariat_osce, Who::focal_de, Who::focal_fr, Who::poc_de,
    Who::observer_osce, Who::secretariat_arf,  Who::token,    Who::anonymous};

std::string_view name_of(Who who) {
  switch (who) {
    case Who::operator_:
      return "operator";
    case Who::secretariat_osce:
      return "secretariat OSCE";
    case Who::focal_de:
      return "focal OSCE/DE";
    case Who::focal_fr:
      return "focal OSCE/FR";
    case Who::poc_de:
      return "poc OSCE/DE";
    case Who::observer_osce:
      return "observer OSCE";
    case Who::secretariat_arf:
      return "secretariat ARF";
    case Who::token:
      return "token (secretariat OSCE, read_directory)";
    case Who::anonymous:
      return "anonymous";
  }
  return "?";
}

bool is_person(Who who) {
  return who != Who::token && who != Who::anonymous;
}

struct Person {
  std::string email;
  std::string account_id;
  std::string totp_secret;
  std::vector<std::string> recovery_codes;
  std::size_t next_recovery_code = 0;
  std::string session_secret;
  std::string csrf_token;
};

//! The application over a fresh, migrated SQLite database, with one signed-in account per role.
class World {
 public:
  World() : database_(Engine::sqlite) {
    application_ = std::make_unique<app::Application>(database_.open_migrated(), 0ms);
    add(Who::operator_, "operator@example.org", domain::Role::operator_, "", "");
    add(Who::secretariat_osce, "secretariat.osce@example.org", domain::Role::secretariat, "OSCE",
        "");
    add(Who::focal_de, "focal.de@example.org", domain::Role::focal, "OSCE", "DE");
    add(Who::focal_fr, "focal.fr@example.org", domain::Role::focal, "OSCE", "FR");
    add(Who::poc_de, "poc.de@example.org", domain::Role::poc, "OSCE", "DE");
    add(Who::observer_osce, "observer.osce@example.org", domain::Role::observer, "OSCE", "");
    add(Who::secretariat_arf, "secretariat.arf@example.org", domain::Role::secretariat, "ARF", "");

    auto secretariat = sessions().session(person(Who::secretariat_osce).session_secret);
    if (!secretariat || !*secretariat) throw std::runtime_error("no secretariat session");
    auto issued = sessions().issue_token(Actor{(*secretariat)->principal, "192.0.2.1"}, "matrix",
                                         {domain::TokenScope::read_directory}, 24h);
    if (!issued) throw std::runtime_error(issued.error().message);
    token_secret_ = issued->secret;

    target_account_id_ =
        create_account("target.poc.de@example.org", domain::Role::poc, "OSCE", "DE").account_id;
  }

  app::Application& application() { return *application_; }
  services::AccountService& accounts() { return application_->accounts(); }
  services::SessionService& sessions() { return application_->sessions(); }
  Person& person(Who who) { return people_.at(who); }
  const std::string& token_secret() const { return token_secret_; }
  const std::string& target_account_id() const { return target_account_id_; }

  //! A new published PoC entry of OSCE/DE, recorded by its focal point.
  std::string create_entry() {
    auto focal = sessions().session(person(Who::focal_de).session_secret);
    if (!focal || !*focal) throw std::runtime_error("no focal session");
    domain::Contact contact;
    contact.name = fmt::format("Matrix PoC {}", ++counter_);
    contact.institution = "Federal Foreign Office";
    contact.functional_email = fmt::format("cyber-{}@example.org", counter_);
    auto entry = application_->directory().create(Actor{(*focal)->principal, "192.0.2.1"}, "OSCE",
                                                  "DE", domain::Level::technical, contact, {});
    if (!entry) throw std::runtime_error(entry.error().message);
    return entry->id;
  }

  std::string unique(std::string_view prefix) {
    return fmt::format("{}-{}@example.org", prefix, ++counter_);
  }

  //! An open invitation of a PoC for OSCE/DE; returns its identifier and the link's secret.
  std::pair<std::string, std::string> create_invitation(const std::string& email) {
    services::InvitationRequest request{
        email, "Invited Person", {domain::Role::poc, {}, "DE"}, "OSCE"};
    auto outcome = accounts().invite(Actor::command_line(), request);
    if (!outcome) throw std::runtime_error(outcome.error().message);
    auto secret = outcome->link.substr(outcome->link.rfind('/') + 1);
    return {outcome->invitation_id, secret};
  }

  //! An account accepted from an invitation, not signed in.
  Person create_account(const std::string& email, domain::Role role,
                        const std::string& organisation, const std::string& state) {
    services::InvitationRequest request{email, "Matrix " + email, {role, {}, state}, organisation};
    auto outcome = accounts().invite(Actor::command_line(), request);
    if (!outcome) throw std::runtime_error(email + ": " + outcome.error().message);
    auto secret = outcome->link.substr(outcome->link.rfind('/') + 1);
    auto view = accounts().open_invitation(secret);
    if (!view) throw std::runtime_error(view.error().message);
    auto code = totp_code(view->totp_secret, std::chrono::system_clock::now()).value();
    auto accepted = accounts().accept_invitation(secret, kPassword, code, "192.0.2.1");
    if (!accepted) throw std::runtime_error(email + ": " + accepted.error().message);
    Person person;
    person.email = email;
    person.account_id = accepted->account_id;
    person.totp_secret = view->totp_secret;
    person.recovery_codes = accepted->recovery_codes;
    return person;
  }

  std::string next_recovery_code(Who who) {
    auto& someone = person(who);
    if (someone.next_recovery_code >= someone.recovery_codes.size())
      throw std::runtime_error("out of recovery codes");
    return someone.recovery_codes[someone.next_recovery_code++];
  }

  //! A new session for `who` by way of a recovery code (TOTP codes work once per 30 s).
  services::NewSession extra_session(Who who) {
    auto session = sessions().sign_in({person(who).email, std::string(kPassword),
                                       next_recovery_code(who), address_of(who), "matrix"});
    if (!session) throw std::runtime_error(session.error().message);
    return *session;
  }

  //! Replaces `who`'s session after a request that ended it.
  void renew_session(Who who) {
    auto session = extra_session(who);
    person(who).session_secret = session.secret;
    person(who).csrf_token = session.csrf_token;
  }

  static std::string address_of(Who who) {
    return fmt::format("192.0.2.{}", 10 + static_cast<int>(who));
  }

  //! A request as `who` sends it: the session cookie and CSRF header, the bearer token, or (for
  //! anonymous) the double-submit pair that forms shown before sign-in carry.
  Request request(Who who, http::verb method, const std::string& target, std::string body = {},
                  std::string_view content_type = {}) {
    Request request{method, target, 11};
    request.set(http::field::host, "liaison.test");
    request.set(http::field::user_agent, "matrix");
    if (is_person(who)) {
      request.set(http::field::cookie,
                  fmt::format("liaison_session={}", person(who).session_secret));
      request.set("X-CSRF-Token", person(who).csrf_token);
    } else if (who == Who::token) {
      request.set(http::field::authorization, "Bearer " + token_secret_);
    } else {
      request.set(http::field::cookie, fmt::format("liaison_form={}", kFormToken));
      request.set("X-CSRF-Token", kFormToken);
    }
    if (!content_type.empty()) request.set(http::field::content_type, content_type);
    request.body() = std::move(body);
    request.prepare_payload();
    return request;
  }

  Response dispatch(const Request& request, const std::string& address = "192.0.2.99",
                    bool secure = false) {
    auto id = fmt::format("matrix-{}", ++request_counter_);
    return application_->router()
        .dispatch(request, web::RequestOrigin{id, address, secure})
        .response;
  }

 private:
  void add(Who who, const std::string& email, domain::Role role, const std::string& organisation,
           const std::string& state) {
    auto person = create_account(email, role, organisation, state);
    // The acceptance used the current step's code: sign in with the next step's.
    auto code = totp_code(person.totp_secret, std::chrono::system_clock::now() + 30s).value();
    auto session =
        sessions().sign_in({email, std::string(kPassword), code, address_of(who), "matrix"});
    if (!session) throw std::runtime_error(email + ": " + session.error().message);
    person.session_secret = session->secret;
    person.csrf_token = session->csrf_token;
    people_.emplace(who, std::move(person));
  }

  TestDatabase database_;
  std::unique_ptr<app::Application> application_;
  std::map<Who, Person> people_;
  std::string token_secret_;
  std::string target_account_id_;
  int counter_ = 0;
  int request_counter_ = 0;
};

constexpr std::string_view kForm = "application/x-www-form-urlencoded";
constexpr std::string_view kJson = "application/json";

std::string header(const Response& response, http::field field) {
  auto it = response.find(field);
  return it == response.end() ? std::string() : std::string(it->value());
}

class AuthorizationMatrix : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { world_ = new World(); }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }
  World& world() { return *world_; }

  static World* world_;
};

World* AuthorizationMatrix::world_ = nullptr;

// One rule per route: who is let through, and how to make a sensible request of it.
struct Call {
  std::string target;
  std::string body;
  std::string_view content_type;
};

struct Row {
  Row(http::verb method_, std::string pattern_, std::set<Who> allowed_,
      std::function<Call(World&, Who)> call_, std::function<bool(const Response&)> passed_ = {},
      bool ends_session_ = false)
      : method(method_),
        pattern(std::move(pattern_)),
        allowed(std::move(allowed_)),
        call(std::move(call_)),
        passed(std::move(passed_)),
        ends_session(ends_session_) {}

  http::verb method;
  std::string pattern;
  std::set<Who> allowed;
  std::function<Call(World&, Who)> call;
  //! Whether the request got past the router and the policy, when "not 401/403" is not the test
  //! (a failed sign-in answers 401 by design: the sign-in page, not a problem document).
  std::function<bool(const Response&)> passed;
  //! The request ends the principal's session: sign in again before the next row.
  bool ends_session = false;
};

//! A new draft check of OSCE composed by its secretariat, for the rows of the check pages.
std::string page_check(World& world) {
  auto secretariat = world.sessions().session(world.person(Who::secretariat_osce).session_secret);
  if (!secretariat || !*secretariat) throw std::runtime_error("no secretariat session");
  domain::CheckPlan plan;
  plan.title = "Matrix check";
  plan.target.levels = {domain::Level::technical};
  auto check = world.application().checks().create(Actor{(*secretariat)->principal, "192.0.2.1"},
                                                   "OSCE", plan);
  if (!check) throw std::runtime_error(check.error().message);
  return check->id;
}

std::vector<Row> expectation_table() {
  const std::set<Who> everyone(std::begin(kEveryone), std::end(kEveryone));
  std::set<Who> signed_in = everyone;
  signed_in.erase(Who::anonymous);
  std::set<Who> people = signed_in;
  people.erase(Who::token);
  const std::set<Who> managers_of_de{Who::operator_, Who::secretariat_osce, Who::focal_de};
  const std::set<Who> auditors_of_osce{Who::operator_, Who::secretariat_osce};
  const std::set<Who> operators{Who::operator_};
  // The OSCE directory is read by OSCE's people and the operator, never by ARF's secretariat;
  // DE's entries are written by DE's focal point and the OSCE secretariat only.
  const std::set<Who> osce_readers{Who::operator_, Who::secretariat_osce, Who::focal_de,
                                   Who::focal_fr,  Who::poc_de,           Who::observer_osce,
                                   Who::token};
  const std::set<Who> editors_of_de{Who::secretariat_osce, Who::focal_de};
  // Anyone who edits some state's entries in OSCE may import; each line is then checked
  // against its own state (FR's focal point gets 422 for a DE line).
  const std::set<Who> osce_editors{Who::secretariat_osce, Who::focal_de, Who::focal_fr};
  const std::set<Who> osce_secretariat{Who::secretariat_osce};
  const std::set<Who> directory_managers{Who::operator_, Who::secretariat_osce};
  // Communication checks' pages: an organisation's checks are read by the operator, its
  // secretariat and observers; a state's history by its focal point too.
  const std::set<Who> check_readers{Who::operator_, Who::secretariat_osce, Who::observer_osce};
  const std::set<Who> check_readers_of_de{Who::operator_, Who::secretariat_osce, Who::focal_de,
                                          Who::observer_osce};

  auto get = [](std::string target) {
    return [target](World&, Who) { return Call{target, {}, {}}; };
  };
  auto form = [](std::string target, std::string body) {
    return [target, body](World&, Who) { return Call{target, body, kForm}; };
  };
  auto entry_body = [](World&, Who who) {
    return fmt::format(
        R"({{"state":"DE","level":"technical","contact":{{"name":"Entry by {}",)"
        R"("functional_email":"cert@example.org","phones":[{{"number":"030 1817 0"}}]}}}})",
        static_cast<int>(who));
  };
  // Past the router and the policy, even if the request itself is refused for what it asks
  // (approving when nothing awaits approval is a 409).
  auto not_refused = [](const Response& response) {
    return response.result_int() != 401 && response.result_int() != 403;
  };
  auto sign_in_page = [](const Response& response) {
    return response.result() == http::status::unauthorized &&
           header(response, http::field::content_type).starts_with("text/html");
  };
  // The API of one check (/api/v1/checks/{check}…) is checked by the service once it has
  // loaded the check, so every signed-in principal gets past the router. Then whoever may not
  // read the organisation's checks gets 404 (that the check exists does not leak), a reader who
  // may not run them 403, and those allowed anything but 401/403/404 (409 for what a fresh
  // draft cannot do).
  auto one_check = [signed_in](http::verb method, std::string pattern, std::set<Who> allowed,
                               std::set<Who> readers, std::string suffix, std::string body) {
    auto asked = std::make_shared<Who>(Who::anonymous);
    return Row{method, std::move(pattern), signed_in,
               [asked, suffix, body](World& world, Who who) {
                 *asked = who;
                 return Call{"/api/v1/checks/" + page_check(world) + suffix, body,
                             body.empty() ? std::string_view{} : kJson};
               },
               [asked, allowed, readers](const Response& response) {
                 auto status = response.result_int();
                 if (allowed.count(*asked)) return status != 401 && status != 403 && status != 404;
                 return status == (readers.count(*asked) ? 403u : 404u);
               }};
  };

  using http::verb;
  return {
      // Operations.
      {verb::get, "/healthz", everyone, get("/healthz")},
      {verb::get, "/readyz", everyone, get("/readyz")},
      {verb::get, "/api/v1/version", everyone, get("/api/v1/version")},
      {verb::get, "/api/v1/openapi.json", everyone, get("/api/v1/openapi.json")},
      {verb::get, "/metrics", operators, get("/metrics")},
      {verb::get, "/assets/{name}", everyone, get("/assets/liaison.css")},

      // Reference data: anyone signed in, tokens with read_directory too.
      {verb::get, "/api/v1/organisations", signed_in, get("/api/v1/organisations")},
      {verb::get, "/api/v1/organisations/{id}/members", signed_in,
       get("/api/v1/organisations/OSCE/members")},
      {verb::get, "/api/v1/states/{code}", signed_in, get("/api/v1/states/DE")},

      // Accounts of OSCE/DE: the operator, the OSCE secretariat, the focal point of DE.
      {verb::get, "/api/v1/accounts", managers_of_de,
       get("/api/v1/accounts?organisation=OSCE&state=DE")},
      {verb::get, "/api/v1/invitations", managers_of_de,
       get("/api/v1/invitations?organisation=OSCE&state=DE")},
      {verb::post, "/api/v1/invitations", managers_of_de,
       [](World& world, Who who) {
         auto email = world.unique(fmt::format("invited-by-{}", static_cast<int>(who)));
         return Call{"/api/v1/invitations",
                     fmt::format(R"({{"email":"{}","display_name":"New PoC","role":"poc",)"
                                 R"("organisation":"OSCE","state":"DE"}})",
                                 email),
                     kJson};
       }},
      {verb::delete_, "/api/v1/invitations/{id}", managers_of_de,
       [](World& world, Who) {
         // A fresh invitation each time: one withdrawn already would answer 404 to anybody.
         auto [id, secret] = world.create_invitation(world.unique("to-withdraw"));
         return Call{"/api/v1/invitations/" + id, {}, {}};
       }},
      {verb::post, "/api/v1/accounts/{id}/suspend", managers_of_de,
       [](World& world, Who) {
         return Call{"/api/v1/accounts/" + world.target_account_id() + "/suspend", {}, {}};
       }},
      {verb::post, "/api/v1/accounts/{id}/reactivate", managers_of_de,
       [](World& world, Who) {
         return Call{"/api/v1/accounts/" + world.target_account_id() + "/reactivate", {}, {}};
       }},
      {verb::delete_, "/api/v1/accounts/{id}", managers_of_de,
       [](World& world, Who) {
         // A fresh account each time: a removed one would answer 404 to anybody.
         auto doomed =
             world.create_account(world.unique("to-remove"), domain::Role::poc, "OSCE", "DE");
         return Call{"/api/v1/accounts/" + doomed.account_id, {}, {}};
       }},

      // The audit log of OSCE.
      {verb::get, "/api/v1/audit", auditors_of_osce, get("/api/v1/audit?organisation=OSCE")},

      // The mail system: operators only, and no token scope covers it.
      {verb::get, "/api/v1/mail/outbox", operators, get("/api/v1/mail/outbox?status=pending")},
      {verb::post, "/api/v1/mail/outbox/{id}/retry", operators,
       get("/api/v1/mail/outbox/0190aaaa-0000-7000-8000-000000000000/retry"), not_refused},
      {verb::get, "/api/v1/mail/inbound", operators, get("/api/v1/mail/inbound")},
      {verb::get, "/api/v1/mail/undeliverable", operators, get("/api/v1/mail/undeliverable")},
      {verb::get, "/mail", operators, get("/mail")},
      {verb::post, "/mail/{id}/retry", operators,
       form("/mail/0190aaaa-0000-7000-8000-000000000000/retry", ""), not_refused},
      // Answers by link: the token is the credential, no account needed.
      {verb::get, "/r/{token}", everyone, get("/r/0123456789abcdef0123456789abcdef")},
      {verb::post, "/r/{token}", everyone, form("/r/0123456789abcdef0123456789abcdef", "")},

      // The OSCE directory.
      {verb::get, "/api/v1/organisations/{id}/entries", osce_readers,
       get("/api/v1/organisations/OSCE/entries")},
      {verb::get, "/api/v1/organisations/{id}/states/{state}/entries", osce_readers,
       get("/api/v1/organisations/OSCE/states/DE/entries")},
      {verb::post, "/api/v1/organisations/{id}/entries", editors_of_de,
       [entry_body](World& world, Who who) {
         return Call{"/api/v1/organisations/OSCE/entries", entry_body(world, who), kJson};
       }},
      {verb::get, "/api/v1/organisations/{id}/entries/{entry}", osce_readers,
       [](World& world, Who) {
         return Call{"/api/v1/organisations/OSCE/entries/" + world.create_entry(), {}, {}};
       }},
      {verb::put, "/api/v1/organisations/{id}/entries/{entry}", editors_of_de,
       [entry_body](World& world, Who who) {
         return Call{"/api/v1/organisations/OSCE/entries/" + world.create_entry(),
                     entry_body(world, who), kJson};
       }},
      {verb::post, "/api/v1/organisations/{id}/entries/{entry}/retire", editors_of_de,
       [](World& world, Who) {
         return Call{"/api/v1/organisations/OSCE/entries/" + world.create_entry() + "/retire",
                     R"({"reason":"left the post"})", kJson};
       }},
      {verb::post, "/api/v1/organisations/{id}/entries/{entry}/approve", osce_secretariat,
       [](World& world, Who) {
         return Call{"/api/v1/organisations/OSCE/entries/" + world.create_entry() + "/approve",
                     R"({"version":1})", kJson};
       },
       not_refused},
      {verb::post, "/api/v1/organisations/{id}/nominations", editors_of_de,
       [](World& world, Who) {
         return Call{"/api/v1/organisations/OSCE/nominations",
                     fmt::format(R"({{"entry_id":"{}","level":"policy"}})", world.create_entry()),
                     kJson};
       },
       not_refused},
      {verb::post, "/api/v1/organisations/{id}/states/{state}/reconfirm", editors_of_de,
       get("/api/v1/organisations/OSCE/states/DE/reconfirm")},
      {verb::get, "/api/v1/organisations/{id}/search", osce_readers,
       get("/api/v1/organisations/OSCE/search?q=matrix")},
      {verb::get, "/api/v1/organisations/{id}/export", osce_readers,
       get("/api/v1/organisations/OSCE/export?format=csv")},
      {verb::get, "/api/v1/organisations/{id}/states/{state}/vcard", osce_readers,
       get("/api/v1/organisations/OSCE/states/DE/vcard")},
      {verb::get, "/api/v1/organisations/{id}/entries/{entry}/vcard", osce_readers,
       [](World& world, Who) {
         return Call{
             "/api/v1/organisations/OSCE/entries/" + world.create_entry() + "/vcard", {}, {}};
       }},
      {verb::post, "/api/v1/organisations/{id}/import", osce_editors,
       [](World&, Who) {
         return Call{"/api/v1/organisations/OSCE/import?dry_run=true",
                     "state,level,name,functional_email\r\nDE,technical,Imported PoC,"
                     "imported@example.org\r\n",
                     "text/csv"};
       },
       not_refused},
      {verb::get, "/api/v1/organisations/{id}/freshness", directory_managers,
       get("/api/v1/organisations/OSCE/freshness")},
      {verb::get, "/api/v1/organisations/{id}/directory-rules", osce_readers,
       get("/api/v1/organisations/OSCE/directory-rules")},
      {verb::put, "/api/v1/organisations/{id}/directory-rules", directory_managers,
       [](World&, Who) {
         return Call{"/api/v1/organisations/OSCE/directory-rules",
                     R"({"reconfirm_months":12,"change_notice_days":30})", kJson};
       }},

      // The directory's pages: the same rules as its API.
      {verb::get, "/directory", signed_in, get("/directory")},
      {verb::get, "/directory/{id}", osce_readers, get("/directory/OSCE")},
      {verb::get, "/directory/{id}/search", osce_readers, get("/directory/OSCE/search?q=matrix")},
      {verb::get, "/directory/{id}/freshness", directory_managers,
       get("/directory/OSCE/freshness")},
      {verb::get, "/directory/{id}/states/{state}", osce_readers, get("/directory/OSCE/states/DE")},
      {verb::post, "/directory/{id}/states/{state}/reconfirm", editors_of_de,
       form("/directory/OSCE/states/DE/reconfirm", "")},
      {verb::get, "/directory/{id}/states/{state}/new", editors_of_de,
       get("/directory/OSCE/states/DE/new")},
      {verb::post, "/directory/{id}/states/{state}/new", editors_of_de,
       form("/directory/OSCE/states/DE/new",
            form_body({{"level", "technical"},
                       {"name", "Page entry"},
                       {"functional_email", "page@example.org"}}))},
      {verb::get, "/directory/{id}/entries/{entry}", osce_readers,
       [](World& world, Who) {
         return Call{"/directory/OSCE/entries/" + world.create_entry(), {}, {}};
       }},
      {verb::get, "/directory/{id}/entries/{entry}/edit", editors_of_de,
       [](World& world, Who) {
         return Call{"/directory/OSCE/entries/" + world.create_entry() + "/edit", {}, {}};
       }},
      {verb::post, "/directory/{id}/entries/{entry}/edit", editors_of_de,
       [](World& world, Who) {
         return Call{"/directory/OSCE/entries/" + world.create_entry() + "/edit",
                     form_body({{"level", "technical"},
                                {"name", "Edited on a page"},
                                {"functional_email", "edited@example.org"}}),
                     kForm};
       }},
      {verb::post, "/directory/{id}/entries/{entry}/retire", editors_of_de,
       [](World& world, Who) {
         return Call{"/directory/OSCE/entries/" + world.create_entry() + "/retire",
                     form_body({{"reason", "left"}}), kForm};
       }},
      {verb::post, "/directory/{id}/entries/{entry}/approve", osce_secretariat,
       [](World& world, Who) {
         return Call{"/directory/OSCE/entries/" + world.create_entry() + "/approve",
                     form_body({{"version", "1"}}), kForm};
       },
       not_refused},

      // The pages of communication checks: read by whoever reads the organisation's checks
      // (a focal point only its own state's history), run by the secretariat.
      {verb::get, "/checks/{id}", check_readers, get("/checks/OSCE")},
      {verb::get, "/checks/{id}/new", osce_secretariat, get("/checks/OSCE/new")},
      {verb::post, "/checks/{id}/new", osce_secretariat,
       form("/checks/OSCE/new", form_body({{"title", "Page check"},
                                           {"task", "acknowledge"},
                                           {"window_hours", "24"},
                                           {"reminder_percent", "50"},
                                           {"levels", "technical"}}))},
      {verb::get, "/checks/{id}/{check}", check_readers,
       [](World& world, Who) {
         return Call{"/checks/OSCE/" + page_check(world), {}, {}};
       }},
      {verb::get, "/checks/{id}/{check}/report", check_readers,
       [](World& world, Who) {
         return Call{"/checks/OSCE/" + page_check(world) + "/report", {}, {}};
       }},
      // A draft that reaches nobody cannot be launched (409), nor judged or called (409).
      {verb::post, "/checks/{id}/{check}/launch", osce_secretariat,
       [](World& world, Who) {
         return Call{"/checks/OSCE/" + page_check(world) + "/launch", {}, kForm};
       },
       not_refused},
      {verb::post, "/checks/{id}/{check}/cancel", osce_secretariat,
       [](World& world, Who) {
         return Call{"/checks/OSCE/" + page_check(world) + "/cancel", {}, kForm};
       }},
      {verb::post, "/checks/{id}/{check}/recipients/{recipient}/verdict", osce_secretariat,
       [](World& world, Who) {
         return Call{"/checks/OSCE/" + page_check(world) +
                         "/recipients/0190aaaa-0000-7000-8000-000000000000/verdict",
                     form_body({{"accepted", "yes"}}), kForm};
       },
       not_refused},
      {verb::post, "/checks/{id}/{check}/recipients/{recipient}/call", osce_secretariat,
       [](World& world, Who) {
         return Call{"/checks/OSCE/" + page_check(world) +
                         "/recipients/0190aaaa-0000-7000-8000-000000000000/call",
                     form_body({{"code", "K7PX-3QM9"}, {"note", "matrix"}}), kForm};
       },
       not_refused},
      {verb::get, "/directory/{id}/states/{state}/checks", check_readers_of_de,
       get("/directory/OSCE/states/DE/checks")},

      // The API of communication checks: the secretariat runs them; the operator and observers
      // read them; a focal point reads its own state's history. No scope of the matrix's token
      // (read_directory) covers them.
      {verb::get, "/api/v1/organisations/{id}/checks", check_readers,
       get("/api/v1/organisations/OSCE/checks")},
      {verb::post, "/api/v1/organisations/{id}/checks", osce_secretariat,
       [](World&, Who) {
         return Call{"/api/v1/organisations/OSCE/checks",
                     R"({"title":"API check","target":{"levels":["technical"]}})", kJson};
       }},
      {verb::get, "/api/v1/organisations/{id}/states/{state}/checks", check_readers_of_de,
       get("/api/v1/organisations/OSCE/states/DE/checks")},
      one_check(verb::get, "/api/v1/checks/{check}", check_readers, check_readers, "", ""),
      one_check(verb::put, "/api/v1/checks/{check}", osce_secretariat, check_readers, "",
                R"({"title":"Changed","target":{"levels":["policy"]}})"),
      one_check(verb::get, "/api/v1/checks/{check}/preview", osce_secretariat, check_readers,
                "/preview", ""),
      one_check(verb::post, "/api/v1/checks/{check}/launch", osce_secretariat, check_readers,
                "/launch", ""),
      one_check(verb::post, "/api/v1/checks/{check}/cancel", osce_secretariat, check_readers,
                "/cancel", ""),
      one_check(verb::get, "/api/v1/checks/{check}/results", check_readers, check_readers,
                "/results?format=csv", ""),
      one_check(verb::post, "/api/v1/checks/{check}/recipients/{recipient}/verdict",
                osce_secretariat, check_readers,
                "/recipients/0190aaaa-0000-7000-8000-000000000000/verdict", R"({"accepted":true})"),
      one_check(verb::post, "/api/v1/checks/{check}/recipients/{recipient}/call", osce_secretariat,
                check_readers, "/recipients/0190aaaa-0000-7000-8000-000000000000/call",
                R"({"code":"K7PX-3QM9","note":"matrix"})"),

      // Pages before sign-in.
      {verb::get, "/", everyone, get("/")},
      {verb::get, "/sign-in", everyone, get("/sign-in")},
      {verb::post, "/sign-in", everyone,
       [](World& world, Who who) {
         auto email = world.unique(fmt::format("unknown-{}", static_cast<int>(who)));
         return Call{
             "/sign-in",
             form_body({{"email", email}, {"password", "wrong password here"}, {"code", "123456"}}),
             kForm};
       },
       sign_in_page},
      {verb::get, "/invitations/{secret}", everyone,
       get("/invitations/not-a-real-invitation-secret")},
      {verb::post, "/invitations/{secret}", everyone,
       form("/invitations/not-a-real-invitation-secret",
            form_body({{"password", "a new long password"}, {"code", "123456"}}))},

      // One's own account: people signed in with a session; no token scope covers it.
      {verb::post, "/sign-out", people, form("/sign-out", ""), {}, true},
      {verb::get, "/account/password", people, get("/account/password")},
      {verb::post, "/account/password", people,
       form("/account/password", form_body({{"current_password", "not the current password"},
                                            {"new_password", "another long password"}}))},
      {verb::get, "/account/preferences", people, get("/account/preferences")},
      // A zone that does not exist: refused with 400, so no one's pages change language.
      {verb::post, "/account/preferences", people,
       form("/account/preferences",
            form_body({{"language", "fr"}, {"time_zone", "Mars/Olympus_Mons"}}))},
      {verb::get, "/account/sessions", people, get("/account/sessions")},
      {verb::post, "/account/sessions/{id}/end", people,
       form("/account/sessions/00000000-0000-7000-8000-000000000000/end", "")},
      {verb::post,
       "/account/sessions/end-all",
       people,
       form("/account/sessions/end-all", ""),
       {},
       true},
      {verb::get, "/account/tokens", people, get("/account/tokens")},
      {verb::post, "/account/tokens", people,
       form("/account/tokens", form_body({{"name", "matrix token"},
                                          {"scope", "read_directory"},
                                          {"expires_in_days", "30"}}))},
      {verb::post, "/account/tokens/{id}/revoke", people,
       form("/account/tokens/00000000-0000-7000-8000-000000000000/revoke", "")},
      {verb::get, "/account/recovery-codes", people, get("/account/recovery-codes")},
      {verb::post, "/account/recovery-codes", people,
       form("/account/recovery-codes", form_body({{"password", "not the current password"}}))},
  };
}

bool passed_by_default(const Response& response) {
  auto status = response.result_int();
  return (status >= 200 && status < 400) || status == 400 || status == 404;
}

TEST_F(AuthorizationMatrix, EveryRouteHasARule) {
  auto table = expectation_table();
  std::vector<std::string> missing;
  for (const auto& route : world().application().router().routes()) {
    bool found = false;
    for (const auto& row : table)
      found = found || (row.method == route.method && row.pattern == route.pattern);
    if (!found)
      missing.push_back(fmt::format("{} {}", std::string(http::to_string(route.method)),
                                    std::string(route.pattern)));
  }
  EXPECT_TRUE(missing.empty())
      << "routes without a row in authorization_matrix_test.cpp's expectation table (decide "
         "who may call them and add a row): "
      << fmt::format("{}", fmt::join(missing, ", "));
}

TEST_F(AuthorizationMatrix, EveryRouteAnswersEveryPrincipalAsTheTableSays) {
  auto table = expectation_table();
  auto routes = world().application().router().routes();
  int cells = 0;
  for (const auto& row : table) {
    bool served = false;
    for (const auto& route : routes)
      served = served || (row.method == route.method && row.pattern == route.pattern);
    if (!served) {
      ADD_FAILURE() << "the table has a row for " << http::to_string(row.method) << " "
                    << row.pattern << ", which the server does not register: remove the row";
      continue;
    }

    for (Who who : kEveryone) {
      auto call = row.call(world(), who);
      auto request = world().request(who, row.method, call.target, call.body, call.content_type);
      auto response = world().dispatch(request, World::address_of(who));
      ++cells;
      auto where =
          fmt::format("{} {} as {}: {} {}", std::string(http::to_string(row.method)), call.target,
                      name_of(who), response.result_int(), response.body().substr(0, 300));
      if (row.allowed.count(who)) {
        bool passed = row.passed ? row.passed(response) : passed_by_default(response);
        EXPECT_TRUE(passed) << "should be allowed: " << where;
      } else {
        auto expected = who == Who::anonymous ? 401u : 403u;
        EXPECT_EQ(response.result_int(), expected) << "should be denied: " << where;
      }
      if (row.ends_session && is_person(who)) world().renew_session(who);
    }
  }
  EXPECT_GE(cells, 30 * 9);
}

TEST_F(AuthorizationMatrix, AnonymousBrowsersAreSentToSignIn) {
  auto request = world().request(Who::anonymous, http::verb::get, "/account/tokens?x=1");
  request.set(http::field::accept, "text/html,application/xhtml+xml");
  auto response = world().dispatch(request);
  EXPECT_EQ(response.result(), http::status::see_other);
  EXPECT_EQ(header(response, http::field::location), "/sign-in?next=%2Faccount%2Ftokens%3Fx%3D1");
  // Scripts get 401 with a challenge.
  auto api = world().dispatch(world().request(Who::anonymous, http::verb::get, "/account/tokens"));
  EXPECT_EQ(api.result(), http::status::unauthorized);
  EXPECT_EQ(header(api, http::field::www_authenticate), "Bearer realm=\"Liaison\"");
  // A bearer token that is not valid is an error on a protected route, not anonymity; open
  // routes stay open.
  auto bad = world().request(Who::anonymous, http::verb::get, "/api/v1/organisations");
  bad.set(http::field::authorization, "Bearer lia_not-a-real-token");
  EXPECT_EQ(world().dispatch(bad).result(), http::status::unauthorized);
  auto open = world().request(Who::anonymous, http::verb::get, "/healthz");
  open.set(http::field::authorization, "Bearer lia_not-a-real-token");
  EXPECT_EQ(world().dispatch(open).result(), http::status::ok);
}

TEST_F(AuthorizationMatrix, SessionChangesNeedTheCsrfToken) {
  const std::string body = form_body(
      {{"current_password", "not the current password"}, {"new_password", "another long one!"}});
  auto expect_csrf_refusal = [](const Response& response, std::string_view what) {
    EXPECT_EQ(response.result(), http::status::forbidden) << what << ": " << response.body();
    EXPECT_NE(response.body().find("/problems/csrf"), std::string::npos)
        << what << ": " << response.body();
  };

  auto without = world().request(Who::poc_de, http::verb::post, "/account/password", body, kForm);
  without.erase("X-CSRF-Token");
  expect_csrf_refusal(world().dispatch(without), "no token");

  auto wrong = world().request(Who::poc_de, http::verb::post, "/account/password", body, kForm);
  wrong.set("X-CSRF-Token", world().person(Who::observer_osce).csrf_token);  // another session's
  expect_csrf_refusal(world().dispatch(wrong), "another session's token");

  auto empty = world().request(Who::poc_de, http::verb::post, "/account/password", body, kForm);
  empty.set("X-CSRF-Token", "");
  expect_csrf_refusal(world().dispatch(empty), "empty token");

  auto cross = world().request(Who::poc_de, http::verb::post, "/account/password", body, kForm);
  cross.set("Sec-Fetch-Site", "cross-site");
  expect_csrf_refusal(world().dispatch(cross), "cross-site with the right token");

  // The token in the form field works as well as the header, and with it the request goes
  // through (to a 400: the current password is wrong).
  auto in_form = world().request(Who::poc_de, http::verb::post, "/account/password",
                                 body + "&csrf=" + world().person(Who::poc_de).csrf_token, kForm);
  in_form.erase("X-CSRF-Token");
  in_form.set("Sec-Fetch-Site", "same-origin");
  EXPECT_EQ(world().dispatch(in_form).result(), http::status::bad_request);

  // A session's token does not open the JSON API to a cross-site request either.
  auto cross_api = world().request(Who::focal_de, http::verb::post,
                                   "/api/v1/accounts/" + world().target_account_id() + "/suspend");
  cross_api.set("Sec-Fetch-Site", "cross-site");
  expect_csrf_refusal(world().dispatch(cross_api), "cross-site API call");
}

TEST_F(AuthorizationMatrix, FormsBeforeSignInNeedTheDoubleSubmitCookie) {
  const std::string body = form_body({{"email", "nobody.home@example.org"},
                                      {"password", "wrong password here"},
                                      {"code", "123456"},
                                      {"csrf", kFormToken}});
  Request no_cookie{http::verb::post, "/sign-in", 11};
  no_cookie.set(http::field::host, "liaison.test");
  no_cookie.set(http::field::content_type, kForm);
  no_cookie.body() = body;
  no_cookie.prepare_payload();
  auto refused = world().dispatch(no_cookie);
  EXPECT_EQ(refused.result(), http::status::forbidden) << refused.body();
  EXPECT_NE(refused.body().find("/problems/csrf"), std::string::npos);

  auto mismatch = no_cookie;
  mismatch.set(http::field::cookie, "liaison_form=some-other-form-token-0123456789abcdef");
  EXPECT_EQ(world().dispatch(mismatch).result(), http::status::forbidden);

  auto cross = no_cookie;
  cross.set(http::field::cookie, fmt::format("liaison_form={}", kFormToken));
  cross.set("Sec-Fetch-Site", "cross-site");
  EXPECT_EQ(world().dispatch(cross).result(), http::status::forbidden);

  auto matching = no_cookie;
  matching.set(http::field::cookie, fmt::format("liaison_form={}", kFormToken));
  auto answered = world().dispatch(matching);
  EXPECT_EQ(answered.result(), http::status::unauthorized);  // the sign-in page, wrong password
  EXPECT_TRUE(header(answered, http::field::content_type).starts_with("text/html"));
}

TEST_F(AuthorizationMatrix, SigningInReplacesAnExistingSession) {
  auto old_session = world().extra_session(Who::observer_osce);
  auto body = form_body({{"email", world().person(Who::observer_osce).email},
                         {"password", kPassword},
                         {"code", world().next_recovery_code(Who::observer_osce)},
                         {"next", "/"}});
  Request request{http::verb::post, "/sign-in", 11};
  request.set(http::field::host, "liaison.test");
  request.set(http::field::cookie, "liaison_session=" + old_session.secret);
  request.set("X-CSRF-Token", old_session.csrf_token);
  request.set(http::field::content_type, kForm);
  request.body() = body;
  request.prepare_payload();
  auto response = world().dispatch(request, World::address_of(Who::observer_osce));
  ASSERT_EQ(response.result(), http::status::see_other) << response.body();

  auto cookie = header(response, http::field::set_cookie);
  ASSERT_TRUE(cookie.starts_with("liaison_session=")) << cookie;
  auto new_secret = cookie.substr(16, cookie.find(';') - 16);
  EXPECT_EQ(new_secret.size(), 43u) << cookie;
  EXPECT_NE(new_secret, old_session.secret);

  auto old_found = world().sessions().session(old_session.secret);
  ASSERT_TRUE(old_found);
  EXPECT_FALSE(*old_found) << "the session sent along with the sign-in still authenticates";
  auto new_found = world().sessions().session(new_secret);
  ASSERT_TRUE(new_found);
  ASSERT_TRUE(*new_found);
  EXPECT_EQ((*new_found)->account.email, world().person(Who::observer_osce).email);

  // Through the router too: the old cookie is anonymous now.
  Request with_old{http::verb::get, "/account/sessions", 11};
  with_old.set(http::field::cookie, "liaison_session=" + old_session.secret);
  EXPECT_EQ(world().dispatch(with_old).result(), http::status::unauthorized);

  // A cookie value an attacker planted before sign-in is never adopted either.
  const std::string planted = "attacker-chosen-session-identifier-0123456789";
  auto planted_body = form_body({{"email", world().person(Who::observer_osce).email},
                                 {"password", kPassword},
                                 {"code", world().next_recovery_code(Who::observer_osce)}});
  Request fixed{http::verb::post, "/sign-in", 11};
  fixed.set(http::field::host, "liaison.test");
  fixed.set(http::field::cookie,
            fmt::format("liaison_session={}; liaison_form={}", planted, kFormToken));
  fixed.set("X-CSRF-Token", kFormToken);
  fixed.set(http::field::content_type, kForm);
  fixed.body() = planted_body;
  fixed.prepare_payload();
  auto fixed_response = world().dispatch(fixed, World::address_of(Who::observer_osce));
  ASSERT_EQ(fixed_response.result(), http::status::see_other) << fixed_response.body();
  auto fresh = header(fixed_response, http::field::set_cookie);
  EXPECT_TRUE(fresh.starts_with("liaison_session=")) << fresh;
  EXPECT_EQ(fresh.find(planted), std::string::npos) << fresh;
}

TEST_F(AuthorizationMatrix, SignInFailuresLookTheSame) {
  auto suspended =
      world().create_account("suspended.matrix@example.org", domain::Role::poc, "OSCE", "DE");
  ASSERT_TRUE(world().accounts().suspend(Actor::command_line(), suspended.account_id));

  struct Attempt {
    std::string email;
    std::string password;
    std::string code;
  };
  const auto& known = world().person(Who::focal_fr);
  std::vector<Attempt> attempts{
      {"nobody.at.all@example.org", std::string(kPassword), "123456"},         // unknown e-mail
      {known.email, "not the right password", "123456"},                       // wrong password
      {suspended.email, std::string(kPassword), suspended.recovery_codes[0]},  // suspended
  };
  std::vector<std::string> bodies;
  std::vector<std::string> request_ids;
  int index = 0;
  for (const auto& attempt : attempts) {
    auto request = world().request(Who::anonymous, http::verb::post, "/sign-in",
                                   form_body({{"email", attempt.email},
                                              {"password", attempt.password},
                                              {"code", attempt.code},
                                              {"next", "/"}}),
                                   kForm);
    auto response = world().dispatch(request, fmt::format("198.51.100.{}", ++index));
    EXPECT_EQ(response.result(), http::status::unauthorized) << attempt.email;
    EXPECT_EQ(header(response, http::field::set_cookie), "") << attempt.email;
    auto body = response.body();
    auto request_id = std::string(response["X-Request-Id"]);
    ASSERT_FALSE(request_id.empty());
    request_ids.push_back(request_id);
    // The form repeats the address typed; apart from it (and request ids) all must be equal.
    auto blank = [&body](const std::string& text, std::string_view placeholder) {
      for (auto at = body.find(text); at != std::string::npos; at = body.find(text))
        body.replace(at, text.size(), placeholder);
    };
    blank(attempt.email, "EMAIL");
    blank(request_id, "REQUEST-ID");
    bodies.push_back(body);
  }
  EXPECT_NE(request_ids[0], request_ids[1]);
  EXPECT_EQ(bodies[0], bodies[1]) << "unknown e-mail and wrong password answer differently";
  EXPECT_EQ(bodies[0], bodies[2]) << "unknown e-mail and suspended account answer differently";
  EXPECT_NE(bodies[0].find("The e-mail address, password or code is wrong."), std::string::npos);
}

TEST_F(AuthorizationMatrix, CookiesAreHttpOnlyAndSameSiteStrict) {
  // The double-submit cookie of the sign-in form.
  Request page{http::verb::get, "/sign-in", 11};
  page.set(http::field::host, "liaison.test");
  auto shown = world().dispatch(page);
  ASSERT_EQ(shown.result(), http::status::ok);
  auto form_cookie = header(shown, http::field::set_cookie);
  EXPECT_TRUE(form_cookie.starts_with("liaison_form=")) << form_cookie;
  EXPECT_NE(form_cookie.find("; HttpOnly"), std::string::npos) << form_cookie;
  EXPECT_NE(form_cookie.find("; SameSite=Strict"), std::string::npos) << form_cookie;
  EXPECT_NE(form_cookie.find("; Path=/"), std::string::npos) << form_cookie;

  // The session cookie, over plain HTTP and over TLS.
  for (bool secure : {false, true}) {
    auto body = form_body({{"email", world().person(Who::poc_de).email},
                           {"password", kPassword},
                           {"code", world().next_recovery_code(Who::poc_de)}});
    auto request = world().request(Who::anonymous, http::verb::post, "/sign-in", body, kForm);
    auto response = world().dispatch(request, World::address_of(Who::poc_de), secure);
    ASSERT_EQ(response.result(), http::status::see_other) << response.body();
    auto cookie = header(response, http::field::set_cookie);
    EXPECT_TRUE(cookie.starts_with(secure ? "__Host-liaison_session=" : "liaison_session="))
        << cookie;
    EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("; Path=/"), std::string::npos) << cookie;
    EXPECT_EQ(cookie.find("Domain="), std::string::npos) << cookie;
    EXPECT_EQ(cookie.find("; Secure") != std::string::npos, secure) << cookie;
    EXPECT_EQ(cookie.find("Max-Age"), std::string::npos) << cookie;  // ends with the browser
  }

  // Signing out expires it with the same attributes.
  auto session = world().extra_session(Who::poc_de);
  Request sign_out{http::verb::post, "/sign-out", 11};
  sign_out.set(http::field::cookie, "liaison_session=" + session.secret);
  sign_out.set("X-CSRF-Token", session.csrf_token);
  sign_out.prepare_payload();
  auto out = world().dispatch(sign_out);
  ASSERT_EQ(out.result(), http::status::see_other) << out.body();
  auto expired = header(out, http::field::set_cookie);
  EXPECT_TRUE(expired.starts_with("liaison_session=;")) << expired;
  EXPECT_NE(expired.find("Max-Age=0"), std::string::npos) << expired;
  EXPECT_NE(expired.find("; HttpOnly"), std::string::npos) << expired;
  EXPECT_NE(expired.find("; SameSite=Strict"), std::string::npos) << expired;
  auto gone = world().sessions().session(session.secret);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

}  // namespace
}  // namespace liaison::testing
