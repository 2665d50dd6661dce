#include "services/outbox.h"

#include <array>
#include <cstddef>

#include "domain/language.h"
#include "services/identifiers.h"
#include "services/mail_templates.h"
#include "store/directory_store.h"
#include "store/outbox_store.h"

namespace liaison::services {
namespace {

struct RecipientProfile {
  std::string language = "en";
  std::string key;
};

Result<RecipientProfile> profile_of(store::Connection& connection, const std::string& address) {
  store::DirectoryStore directory(connection);
  auto contacts = directory.contacts_by_address(address);
  if (!contacts) return contacts.error();
  RecipientProfile profile;
  bool language_found = false;
  for (const auto& contact : *contacts) {
    if (profile.key.empty() && contact.openpgp) profile.key = contact.openpgp->armored;
    for (const auto& tag : contact.languages) {
      if (language_found) break;
      if (auto language = domain::language_from_tag(tag)) {
        profile.language = std::string(domain::language_code(*language));
        language_found = true;
      }
    }
  }
  return profile;
}

//! 128 random bits as 32 hex digits: only [a-z0-9], so it survives in a local part
//! ("reply+TOKEN@") and in a URL path unchanged.
std::string new_token(RandomSource& random) {
  std::array<std::byte, 16> bytes{};
  random.fill(bytes);
  return to_hex(bytes);
}

}  // namespace

Result<std::string> queue_mail(store::Connection& connection, const Clock& clock,
                               RandomSource& random, const MailIdentity& identity,
                               MailRequest request) {
  auto profile = profile_of(connection, request.recipient);
  if (!profile) return profile.error();
  const bool withhold = domain::must_withhold(request.tlp, !profile->key.empty());
  auto values = withhold ? boost::json::object{} : std::move(request.values);
  values["name"] = request.recipient_name;
  values["instance"] = identity.instance_name;
  values["public_url"] = identity.public_url;
  if (withhold) values["tlp"] = request.tlp == domain::Tlp::red ? "RED" : "AMBER";
  const auto token = new_token(random);
  // Where the recipient answers without writing a mail (/r/TOKEN, web/pages/mail_pages.cpp).
  if (request.expects_answer) values["answer_url"] = identity.public_url + "/r/" + token;
  auto rendered = render_mail(withhold ? std::string_view("withheld") : request.kind,
                              profile->language, values);
  if (!rendered) return rendered.error();

  const auto now = clock.now();
  store::OutboxMessage message;
  message.id = new_id(clock, random);
  message.created_at = format_utc(now);
  message.kind = request.kind;
  message.organisation_id = request.organisation_id;
  message.recipient = request.recipient;
  message.recipient_name = request.recipient_name;
  message.language = rendered->language;
  message.subject = std::move(rendered->subject);
  message.body = std::move(rendered->text);
  message.html = std::move(rendered->html);
  message.tlp = std::string(domain::tlp_name(withhold ? domain::Tlp::clear : request.tlp));
  message.encrypt_key = profile->key;
  message.token = token;
  message.expects_answer = request.expects_answer;
  message.token_expires_at = format_utc(now + domain::kTokenLifetime);
  LIAISON_TRY(store::OutboxStore(connection).insert(message));
  return message.id;
}

}  // namespace liaison::services
