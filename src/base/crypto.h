#pragma once

#include <string>
#include <string_view>

#include "base/error.h"
#include "base/random.h"

namespace liaison {

//! Compares two secrets in time that depends only on their lengths, so that a response time
//! never tells an attacker how many leading characters of a guess were right.
bool constant_time_equal(std::string_view a, std::string_view b);

//! Lower-case hex SHA-256. Session identifiers, tokens and recovery codes are stored only as
//! this: they carry 128+ bits of randomness, so a fast hash is enough and a stolen table is
//! useless.
std::string sha256_hex(std::string_view data);

//! `bytes` random bytes as unpadded base64url: what session identifiers, invitation links and
//! API tokens are made of (32 bytes = 256 bits).
std::string random_token(RandomSource& random, std::size_t bytes = 32);

//! Argon2id (libsodium's crypto_pwhash_str with the INTERACTIVE limits, about 70 ms), returned
//! in the PHC string format that records its own salt and parameters.
Result<std::string> hash_password(std::string_view password);

//! Checks a password against a stored Argon2id string. False for a wrong password and for a
//! malformed hash.
bool verify_password(std::string_view stored_hash, std::string_view password);

//! A hash of a password nobody has, verified against when an account does not exist so that a
//! failed sign-in takes as long either way.
const std::string& decoy_password_hash();

}  // namespace liaison
