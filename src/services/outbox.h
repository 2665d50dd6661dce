#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "base/clock.h"
#include "base/error.h"
#include "base/random.h"
#include "domain/mail.h"
#include "store/database.h"

namespace liaison::services {

//! What every mail says about the instance that sends it.
struct MailIdentity {
  std::string instance_name = "Liaison";
  std::string public_url = "http://127.0.0.1:8080";
};

//! One mail to queue: the template kind and its values (besides `name`, `instance`,
//! `public_url` and, when an answer is expected, `answer_url`, which queue_mail adds), whom it
//! goes to, how protected its content is.
struct MailRequest {
  std::string kind;
  std::string recipient;
  std::string recipient_name;
  std::string organisation_id;  //!< the organisation the mail concerns, if one
  boost::json::object values;
  domain::Tlp tlp = domain::Tlp::clear;
  bool expects_answer = false;  //!< Reply-To reply+TOKEN@ and links /r/TOKEN
};

//! Renders `request` in the recipient's working language (the first of the six UN languages
//! their directory entry lists; English otherwise), notes their OpenPGP key when the directory
//! has one, and puts the mail in the outbox inside the caller's transaction: it exists exactly
//! when the change that caused it commits. TLP:AMBER/RED content without a key is replaced by
//! a notice that a message waits on the platform (domain::must_withhold). Returns the outbox id.
Result<std::string> queue_mail(store::Connection& connection, const Clock& clock,
                               RandomSource& random, const MailIdentity& identity,
                               MailRequest request);

}  // namespace liaison::services
