#include "services/openpgp_key.h"

#include <array>
#include <cstdint>
#include <ctime>
#include <gpgme.h>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include <sodium.h>

#include "base/text.h"
#include "services/gnupg.h"

namespace liaison::services {
namespace {

constexpr std::string_view kBegin = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
constexpr std::string_view kEnd = "-----END PGP PUBLIC KEY BLOCK-----";
constexpr std::string_view kPrivateBegin = "-----BEGIN PGP PRIVATE KEY BLOCK-----";

constexpr std::string_view kSecretRefusal =
    "this is a private (secret) OpenPGP key, which must never leave its owner and is never "
    "stored here; send the public key instead (gpg --armor --export)";

using gnupg::describe;
using gnupg::Key;
using gnupg::TemporaryHome;
using KeyRecord = std::remove_pointer_t<gpgme_key_t>;
using SubkeyRecord = std::remove_pointer_t<gpgme_subkey_t>;

//! The CRC-24 of RFC 4880 section 6.1 over `bytes`.
std::uint32_t crc24(std::span<const unsigned char> bytes) {
  std::uint32_t crc = 0xB704CEu;
  for (auto byte : bytes) {
    crc ^= static_cast<std::uint32_t>(byte) << 16u;
    for (int bit = 0; bit < 8; ++bit) {
      crc <<= 1u;
      if ((crc & 0x1000000u) != 0) crc ^= 0x1864CFBu;
    }
  }
  return crc & 0xFFFFFFu;
}

//! `block` (an armored public key block) with the checksum line "=XXXX" added before its end line
//! when it has none. RFC 9580 makes the line optional and OpenPGP.js 6 leaves it out, but GnuPG
//! 2.2 then reads the end line as base64 whenever the body needs no '=' padding, and finds no key.
//! `block` unchanged when it has a checksum or its body is not base64 (gpg will say so).
std::string with_checksum(std::string_view block) {
  auto body_end = block.size() - kEnd.size();
  auto end_of_text = block.find_last_not_of(" \t\r\n", body_end - 1);
  if (end_of_text == std::string_view::npos) return std::string(block);
  ++end_of_text;
  auto last_line = block.rfind('\n', end_of_text - 1);
  if (last_line != std::string_view::npos && block[last_line + 1] == '=') return std::string(block);
  // The body follows the armor headers and the empty line after them.
  std::size_t body = 0;
  for (auto line = block.find('\n'); line != std::string_view::npos && line < end_of_text;
       line = block.find('\n', line + 1)) {
    auto next = block.find_first_not_of(" \t\r", line + 1);
    if (next != std::string_view::npos && block[next] == '\n') {
      body = next + 1;
      break;
    }
  }
  if (body == 0 || body >= end_of_text) return std::string(block);
  auto encoded = block.substr(body, end_of_text - body);
  std::vector<unsigned char> decoded(encoded.size() / 4 * 3 + 3);
  std::size_t length = 0;
  if (sodium_base642bin(decoded.data(), decoded.size(), encoded.data(), encoded.size(), " \t\r\n",
                        &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return std::string(block);
  auto crc = crc24(std::span(decoded.data(), length));
  std::array<unsigned char, 3> crc_bytes = {static_cast<unsigned char>(crc >> 16u),
                                            static_cast<unsigned char>(crc >> 8u),
                                            static_cast<unsigned char>(crc)};
  std::array<char, 5> crc_text{};  // four digits and a NUL
  sodium_bin2base64(crc_text.data(), crc_text.size(), crc_bytes.data(), crc_bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  auto newline = block.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
  return std::string(block.substr(0, end_of_text)) + newline + "=" + crc_text.data() +
         std::string(block.substr(end_of_text));
}

//! The keys gpg finds in `block`, as `gpg --import --import-options show-only` would list them.
Result<std::vector<Key>> list_keys(std::string_view block) {
  auto home = TemporaryHome::create();
  if (!home) return home.error();
  auto context = gnupg::context_for(home->path().string());
  if (!context) return context.error();
  auto data = gnupg::data_from(block);
  if (!data) return data.error();

  if (auto error = gpgme_op_keylist_from_data_start(context->get(), data->get(), 0); error != 0)
    return Error::internal("GnuPG could not read the key: " + describe(error));
  std::vector<Key> keys;
  for (;;) {
    gpgme_key_t key = nullptr;
    auto error = gpgme_op_keylist_next(context->get(), &key);
    if (gpgme_err_code(error) == GPG_ERR_EOF) break;
    if (error != 0) {
      gpgme_op_keylist_end(context->get());
      return Error::invalid_argument("GnuPG could not read the OpenPGP key (" +
                                     std::string(gpgme_strerror(error)) + ")");
    }
    keys.emplace_back(key);
  }
  gpgme_op_keylist_end(context->get());
  return keys;
}

bool is_secret(const KeyRecord& key) {
  if (key.secret != 0) return true;
  for (auto* subkey = key.subkeys; subkey != nullptr; subkey = subkey->next) {
    if (subkey->secret != 0) return true;
  }
  return false;
}

bool usable(const SubkeyRecord& subkey) {
  return subkey.revoked == 0 && subkey.expired == 0 && subkey.disabled == 0 && subkey.invalid == 0;
}

//! "2024-05-31" for an OpenPGP time stamp (seconds since 1970, UTC).
std::string utc_date(long seconds) {
  auto time = static_cast<std::time_t>(seconds);
  std::tm parts{};
  if (::gmtime_r(&time, &parts) == nullptr) return "an unknown date";
  char text[16];
  auto length = std::strftime(text, sizeof text, "%Y-%m-%d", &parts);
  return std::string(text, length);
}

//! Why `key` cannot be used to encrypt mail to its owner, if it cannot.
std::optional<Error> unusable(const KeyRecord& key) {
  const auto* primary = key.subkeys;
  if (primary == nullptr || primary->fpr == nullptr)
    return Error::invalid_argument("GnuPG could not read the OpenPGP key");
  if (key.revoked != 0 || primary->revoked != 0)
    return Error::invalid_argument("the OpenPGP key has been revoked by its owner");
  if (key.expired != 0 || primary->expired != 0) {
    return Error::invalid_argument("the OpenPGP key expired on " + utc_date(primary->expires) +
                                   "; its owner can extend it (gpg --quick-set-expire) and send "
                                   "it again");
  }
  if (key.disabled != 0) return Error::invalid_argument("the OpenPGP key is disabled");
  if (key.invalid != 0 || primary->invalid != 0)
    return Error::invalid_argument("the OpenPGP key is invalid");
  bool any_encryption = false;
  for (auto* subkey = key.subkeys; subkey != nullptr; subkey = subkey->next) {
    if (subkey->can_encrypt == 0) continue;
    if (usable(*subkey)) return std::nullopt;
    any_encryption = true;
  }
  if (any_encryption)
    return Error::invalid_argument(
        "the OpenPGP key's encryption subkeys have expired or been revoked");
  return Error::invalid_argument(
      "the OpenPGP key cannot encrypt (it has no encryption subkey), so mail to the point of "
      "contact could not be protected with it");
}

//! `text` without spaces, upper case.
std::string compact_fingerprint(std::string_view text) {
  std::string compact;
  for (auto c : text) {
    if (c != ' ') compact += c;
  }
  return ascii_upper(compact);
}

bool is_fingerprint(std::string_view hex) {
  // v4 keys have 40 hex digits (SHA-1), v5 and v6 keys 64 (SHA-256).
  return (hex.size() == 40 || hex.size() == 64) &&
         hex.find_first_not_of("0123456789ABCDEF") == std::string_view::npos;
}

//! `text` without ASCII whitespace at either end (pasted keys come with newlines and CRs).
std::string_view trim_whitespace(std::string_view text) {
  constexpr std::string_view kWhitespace = " \t\r\n\v\f";
  auto start = text.find_first_not_of(kWhitespace);
  if (start == std::string_view::npos) return {};
  return text.substr(start, text.find_last_not_of(kWhitespace) - start + 1);
}

}  // namespace

Result<domain::OpenPgpKey> inspect_openpgp_key(std::string_view armored,
                                               std::string_view expected_fingerprint) {
  if (armored.size() > kMaxOpenPgpKeyBytes)
    return Error::invalid_argument("the OpenPGP key is larger than " +
                                   std::to_string(kMaxOpenPgpKeyBytes / 1024) + " KiB");
  auto block = trim_whitespace(armored);
  if (block.empty()) return Error::invalid_argument("the OpenPGP key is empty");
  if (block.find(kPrivateBegin) != std::string_view::npos)
    return Error::invalid_argument(std::string(kSecretRefusal));
  if (!is_valid_utf8(block) || block.find('\0') != std::string_view::npos ||
      !block.starts_with(kBegin) || !block.ends_with(kEnd) ||
      block.find(kBegin, kBegin.size()) != std::string_view::npos) {
    return Error::invalid_argument(
        "this is not an ASCII-armored OpenPGP public key: paste one key block, from \"" +
        std::string(kBegin) + "\" to \"" + std::string(kEnd) + "\"");
  }

  std::string expected;
  if (!expected_fingerprint.empty()) {
    expected = compact_fingerprint(expected_fingerprint);
    if (!is_fingerprint(expected))
      return Error::invalid_argument("the expected fingerprint is not 40 or 64 hexadecimal digits");
  }

  auto keys = list_keys(with_checksum(block));
  if (!keys) return keys.error();
  for (const auto& key : *keys) {
    if (is_secret(*key)) return Error::invalid_argument(std::string(kSecretRefusal));
  }
  if (keys->empty())
    return Error::invalid_argument("GnuPG found no OpenPGP key in the block; is it complete?");
  if (keys->size() > 1)
    return Error::invalid_argument("the block holds " + std::to_string(keys->size()) +
                                   " OpenPGP keys; send only the point of contact's key");
  const auto& key = *keys->front();
  if (auto problem = unusable(key)) return *problem;

  auto fingerprint = ascii_upper(key.subkeys->fpr);
  if (!expected.empty() && expected != fingerprint) {
    return Error::invalid_argument("the key's fingerprint is " + format_fingerprint(fingerprint) +
                                   ", not the expected " + format_fingerprint(expected));
  }
  return domain::OpenPgpKey{std::string(block), std::move(fingerprint)};
}

std::string format_fingerprint(std::string_view fpr) {
  auto compact = compact_fingerprint(fpr);
  std::string grouped;
  for (std::size_t i = 0; i < compact.size(); ++i) {
    if (i > 0 && i % 4 == 0) grouped += ' ';
    grouped += compact[i];
  }
  return grouped;
}

}  // namespace liaison::services
