#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "mail/outgoing_message.h"

namespace liaison::mail {

//! The instance's own GnuPG home (a directory only the server reads, mode 0700) with its signing
//! key. Outgoing mail is signed with it; replies encrypted to it are decrypted with it.
class InstanceKeyring {
 public:
  //! Opens `home`, creating it and, when it holds no secret key, a new signing + encryption key
  //! for `uid` (e.g. "Liaison <liaison@example.org>", ed25519/cv25519, no passphrase, no expiry).
  static Result<InstanceKeyring> open(std::string home, std::string uid);

  const std::string& home() const { return home_; }
  //! Stops the gpg-agent GnuPG started for this home (it would outlive the server otherwise).
  void stop_agent() const;
  const std::string& fingerprint() const { return fingerprint_; }
  //! The instance's public key, ASCII-armored, for the directory's "our key" page.
  Result<std::string> public_key() const;

 private:
  InstanceKeyring(std::string home, std::string fingerprint)
      : home_(std::move(home)), fingerprint_(std::move(fingerprint)) {}
  std::string home_;
  std::string fingerprint_;
};

//! `message` as PGP/MIME (RFC 3156): the MIME entity that compose() would put in the body
//! (text/plain or multipart/alternative, with the Subject inside as a protected header) is
//! signed with the instance key and encrypted to `recipient_key` (ASCII-armored public key, as
//! stored in the directory) and to the instance key; the outer message is multipart/encrypted
//! with a neutral Subject ("Encrypted message"). Recipient keys are imported only into a
//! throw-away home, never into the instance's. invalid_argument Error for an unusable key.
Result<std::string> compose_encrypted(const OutgoingMessage& message,
                                      std::string_view recipient_key,
                                      const InstanceKeyring& keyring);

struct DecryptedMessage {
  std::string entity;  //!< the decrypted MIME entity (headers + body), to be read as a message
  bool signed_ = false;
  bool signature_valid = false;    //!< a good signature from a key the sender's entry holds
  std::string signer_fingerprint;  //!< upper-case hex; empty when unsigned
};

//! Decrypts a multipart/encrypted message (RFC 3156) with the instance key and checks its
//! signature against `sender_keys` (armored public keys from the directory, may be empty); a
//! multipart/signed message is only verified. not_found Error when the message is neither.
Result<DecryptedMessage> open_protected(std::string_view raw, const InstanceKeyring& keyring,
                                        const std::vector<std::string>& sender_keys);

}  // namespace liaison::mail
