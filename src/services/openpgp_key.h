#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/error.h"
#include "domain/directory.h"

namespace liaison::services {

// OpenPGP public keys that states supply so that mail to their PoCs can be encrypted. GnuPG reads
// them (through GPGME) in a throw-away home directory, so nothing a state sends ever reaches a
// keyring the server uses.

//! The largest key block inspect_openpgp_key reads, in bytes. A key with a few user IDs and
//! subkeys takes 2-10 KiB; more means many third-party signatures or photos, not needed here.
inline constexpr std::size_t kMaxOpenPgpKeyBytes = std::size_t{64} * 1024;

//! Reads one ASCII-armored OpenPGP public key block ("-----BEGIN PGP PUBLIC KEY BLOCK-----" …
//! "-----END PGP PUBLIC KEY BLOCK-----", surrounding whitespace ignored) and returns it trimmed,
//! with the fingerprint of its primary key (upper-case hex without spaces).
//! invalid_argument Error, in words the person who pasted it can act on, when the text is empty,
//! over kMaxOpenPgpKeyBytes, not an armored public key block or unreadable; when it holds private
//! key material (never stored), more than one key, or a key that is revoked, expired or disabled
//! or has no usable encryption subkey (mail to the PoC must be encryptable); and when
//! `expected_fingerprint` is given (spaces and case ignored) and differs from the key's.
//! Expiry is judged against the system clock, as GnuPG judges it. internal Error when GnuPG
//! cannot be run. Spawns `gpg` for each call; safe to call from several threads.
Result<domain::OpenPgpKey> inspect_openpgp_key(std::string_view armored,
                                               std::string_view expected_fingerprint = {});

//! `fpr` in groups of four for reading aloud and comparing by eye ("ABCD 1234 …"); spaces in the
//! input are dropped first, letters upper-cased.
std::string format_fingerprint(std::string_view fpr);

}  // namespace liaison::services
