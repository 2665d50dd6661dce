#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "mail/openpgp_mime.h"
#include "services/mail_service.h"

namespace liaison::mail {

//! The SMTP/LMTP envelope a mail arrived with (empty for `liaison mail ingest` without options).
struct InboundEnvelope {
  std::string mail_from;
  std::vector<std::string> recipients;
};

//! Everything that happens to a mail that comes in, by LMTP or `liaison mail ingest`: read it
//! (bounce, auto-reply or a person's reply; its tokens; the words without quoted text), open
//! it when it is encrypted to the instance or signed (the signature is checked against the keys
//! the directory holds for the sender's address), and record it (services::MailService).
//! Only a database failure is an error: the MTA should then try again later.
Result<services::InboundOutcome> receive_mail(std::string_view raw, const InboundEnvelope& envelope,
                                              services::MailService& mail,
                                              const InstanceKeyring* keyring);

}  // namespace liaison::mail
