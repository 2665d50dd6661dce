#pragma once

#include <string>

#include "mail/openpgp_mime.h"
#include "mail/outgoing_message.h"
#include "mail/transport.h"
#include "store/outbox_store.h"

namespace liaison::mail {

//! Who sends: the From address (its domain carries reply+TOKEN@ and bounce+TOKEN@ and our
//! Message-IDs) and the display name.
struct SenderIdentity {
  std::string name = "Liaison";
  std::string address = "liaison@localhost";

  std::string domain() const { return address.substr(address.rfind('@') + 1); }
};

//! The message an outbox row becomes, every time it is sent: Message-ID "<id>@<domain>" (so a
//! second attempt is recognisably the same mail), envelope sender bounce+TOKEN@ (VERP), Reply-To
//! reply+TOKEN@ when an answer is expected. Notifications that expect no answer carry
//! Auto-Submitted: auto-generated (RFC 3834), so that vacation responders stay quiet.
OutgoingMessage outgoing_message(const store::OutboxMessage& row, const SenderIdentity& sender);

//! Composes the row (PGP/MIME when it has the recipient's key and `keyring` is given) and hands
//! it to `transport`. A TLP:AMBER or TLP:RED row that cannot be encrypted fails permanently
//! rather than going out in clear; so does a row that cannot be composed.
Delivery deliver_outbox_message(const store::OutboxMessage& row, const SenderIdentity& sender,
                                const InstanceKeyring* keyring, Transport& transport);

}  // namespace liaison::mail
