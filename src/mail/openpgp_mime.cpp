#include "mail/openpgp_mime.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gmime/gmime.h>
#include <gpgme.h>
#include <memory>
#include <mutex>
#include <optional>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <type_traits>
#include <unistd.h>
#include <utility>

#include "mail/gmime.h"
#include "services/gnupg.h"

// Design of the OpenPGP side.
//
// The instance's secret key never leaves its home, and no state's key ever enters it:
//  - compose_encrypted signs and encrypts in one pass (RFC 3156 section 6.2, the combined
//    method) in the instance home, naming the recipient's key with gpg's --recipient-file
//    (GPGME's "--file" recipient string): gpg reads that key from a file for this one call and
//    does not import it. The key is first read in a throw-away home to refuse unusable keys with
//    a clear message. The alternatives were worse: exporting the secret key into a throw-away
//    home for each message copies it to /tmp, and the nested sign-then-encrypt form (6.1) makes
//    every reader verify a second MIME layer.
//  - open_protected decrypts in the instance home with --unwrap, which removes only the
//    encryption layer and keeps the sender's signature packets, then verifies those in a
//    throw-away home holding just the sender's keys from the directory. So only those keys can
//    make a signature valid, whatever else a keyring holds.
// Each call makes its own GPGME context, so the functions may run on several threads at once.

namespace liaison::mail {
namespace {

using gmime::as_object;
using gmime::FormatOptionsFree;
using gmime::Owned;
using services::gnupg::Context;
using services::gnupg::Data;
using services::gnupg::data_from;
using services::gnupg::describe;
using services::gnupg::Key;
using services::gnupg::new_data;
using services::gnupg::take_bytes;
using services::gnupg::TemporaryHome;

bool usable(const _gpgme_subkey& subkey) {
  return subkey.revoked == 0 && subkey.expired == 0 && subkey.disabled == 0 && subkey.invalid == 0;
}

//! The first secret key in the context's home that can sign, if any.
Result<Key> find_secret_key(gpgme_ctx_t context) {
  if (auto error = gpgme_op_keylist_start(context, nullptr, 1); error != 0)
    return Error::internal("GnuPG could not list the instance keys: " + describe(error));
  Key found;
  for (;;) {
    gpgme_key_t key = nullptr;
    auto error = gpgme_op_keylist_next(context, &key);
    if (gpgme_err_code(error) == GPG_ERR_EOF) break;
    if (error != 0) {
      gpgme_op_keylist_end(context);
      return Error::internal("GnuPG could not list the instance keys: " + describe(error));
    }
    Key owned(key);
    if (!found && owned->can_sign != 0 && owned->subkeys != nullptr &&
        owned->subkeys->fpr != nullptr)
      found = std::move(owned);
  }
  gpgme_op_keylist_end(context);
  return found;
}

bool has_encryption_subkey(const _gpgme_key& key) {
  for (auto* subkey = key.subkeys; subkey != nullptr; subkey = subkey->next) {
    if (subkey->can_encrypt != 0 && usable(*subkey)) return true;
  }
  return false;
}

Result<Key> get_key(gpgme_ctx_t context, const std::string& fingerprint, bool secret) {
  gpgme_key_t key = nullptr;
  if (auto error = gpgme_get_key(context, fingerprint.c_str(), &key, secret ? 1 : 0); error != 0)
    return Error::internal("GnuPG cannot find the instance key " + fingerprint + ": " +
                           describe(error));
  return Key(key);
}

//! Refuses `armored` unless it is exactly one public key that can receive encrypted mail.
Result<void> check_recipient_key(const TemporaryHome& home, std::string_view armored) {
  if (armored.find("PRIVATE KEY BLOCK") != std::string_view::npos)
    return Error::invalid_argument("the recipient key is a secret key");
  auto context = services::gnupg::context_for(home.path().string());
  if (!context) return context.error();
  auto data = data_from(armored);
  if (!data) return data.error();
  if (auto error = gpgme_op_keylist_from_data_start(context->get(), data->get(), 0); error != 0)
    return Error::invalid_argument("GnuPG could not read the recipient key: " + describe(error));
  std::vector<Key> keys;
  for (;;) {
    gpgme_key_t key = nullptr;
    auto error = gpgme_op_keylist_next(context->get(), &key);
    if (gpgme_err_code(error) == GPG_ERR_EOF) break;
    if (error != 0) {
      gpgme_op_keylist_end(context->get());
      return Error::invalid_argument("GnuPG could not read the recipient key: " + describe(error));
    }
    keys.emplace_back(key);
  }
  gpgme_op_keylist_end(context->get());
  if (keys.size() != 1)
    return Error::invalid_argument("the recipient key block holds " + std::to_string(keys.size()) +
                                   " keys instead of one");
  const auto& key = *keys.front();
  if (key.secret != 0) return Error::invalid_argument("the recipient key is a secret key");
  if (key.revoked != 0 || key.expired != 0 || key.disabled != 0 || key.invalid != 0)
    return Error::invalid_argument("the recipient key is revoked, expired, disabled or invalid");
  if (!has_encryption_subkey(key))
    return Error::invalid_argument("the recipient key has no usable encryption subkey");
  return {};
}

std::unique_ptr<GMimeFormatOptions, FormatOptionsFree> crlf_options() {
  std::unique_ptr<GMimeFormatOptions, FormatOptionsFree> options(g_mime_format_options_new());
  g_mime_format_options_set_newline_format(options.get(), GMIME_NEWLINE_FORMAT_DOS);
  return options;
}

std::string to_crlf_string(GMimeObject* object) {
  auto options = crlf_options();
  std::unique_ptr<char, decltype(&g_free)> bytes(g_mime_object_to_string(object, options.get()),
                                                 &g_free);
  return bytes ? std::string(bytes.get()) : std::string();
}

//! A leaf part of type `type`/`subtype` holding `bytes` in 7bit.
Owned<GMimePart> seven_bit_part(const char* type, const char* subtype, std::string_view bytes) {
  Owned<GMimePart> part(g_mime_part_new_with_type(type, subtype));
  Owned<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
  Owned<GMimeDataWrapper> content(
      g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
  g_mime_part_set_content(part.get(), content.get());
  g_mime_part_set_content_encoding(part.get(), GMIME_CONTENT_ENCODING_7BIT);
  return part;
}

Owned<GMimeMessage> parse_message(std::string_view raw) {
  Owned<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  Owned<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  return Owned<GMimeMessage>(g_mime_parser_construct_message(parser.get(), nullptr));
}

Owned<GMimeObject> parse_entity(std::string_view raw) {
  Owned<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  Owned<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  return Owned<GMimeObject>(g_mime_parser_construct_part(parser.get(), nullptr));
}

//! The body of a leaf part with its transfer encoding removed.
std::string decoded_content(GMimeObject* object) {
  if (object == nullptr || !GMIME_IS_PART(object)) return {};
  auto* content = g_mime_part_get_content(reinterpret_cast<GMimePart*>(object));
  if (content == nullptr) return {};
  Owned<GMimeStream> stream(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(content, stream.get());
  auto* array = g_mime_stream_mem_get_byte_array(reinterpret_cast<GMimeStreamMem*>(stream.get()));
  return std::string(reinterpret_cast<const char*>(array->data), array->len);
}

bool is_type(GMimeObject* object, const char* type, const char* subtype) {
  if (object == nullptr) return false;
  auto* content_type = g_mime_object_get_content_type(object);
  return content_type != nullptr && g_mime_content_type_is_type(content_type, type, subtype) != 0;
}

//! Every bare LF in `text` as CRLF: RFC 3156 signs the canonical (CRLF) form of the entity.
std::string canonical(std::string_view text) {
  std::string result;
  result.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) result += '\r';
    result += text[i];
  }
  return result;
}

struct Verification {
  bool signed_ = false;
  bool valid = false;
  std::string fingerprint;
};

//! Reads the first signature of a finished verify operation in `context`, whose home holds only
//! the sender's keys: a good signature there is one by a sender key.
Verification read_signature(gpgme_ctx_t context) {
  Verification verification;
  auto* result = gpgme_op_verify_result(context);
  if (result == nullptr || result->signatures == nullptr) return verification;
  verification.signed_ = true;
  const auto* signature = result->signatures;
  if (signature->fpr != nullptr) verification.fingerprint = signature->fpr;
  if (signature->fpr != nullptr && gpgme_err_code(signature->status) == GPG_ERR_NO_ERROR &&
      (signature->summary & GPGME_SIGSUM_RED) == 0) {
    gpgme_key_t key = nullptr;
    // Found only when one of the imported sender keys made the signature (the signing subkey's
    // fingerprint finds its primary key); report the primary fingerprint, as the directory does.
    if (gpgme_get_key(context, signature->fpr, &key, 0) == 0 && key != nullptr) {
      Key owned(key);
      if (owned->subkeys != nullptr && owned->subkeys->fpr != nullptr) {
        verification.valid = true;
        verification.fingerprint = owned->subkeys->fpr;
      }
    }
  }
  for (auto& c : verification.fingerprint)
    c = g_ascii_toupper(c);
  return verification;
}

Result<void> import_keys(gpgme_ctx_t context, const std::vector<std::string>& keys) {
  for (const auto& key : keys) {
    auto data = data_from(key);
    if (!data) return data.error();
    // A key GnuPG cannot read simply verifies nothing; the directory checked keys on entry.
    gpgme_op_import(context, data->get());
  }
  return {};
}

//! Verifies `signature` (detached, over `signed_text`) or, when `signed_text` is empty, the
//! signed OpenPGP message `signature`, whose content is returned in `plain`.
Result<Verification> verify(std::string_view signature, std::optional<std::string_view> signed_text,
                            const std::vector<std::string>& sender_keys, std::string* plain) {
  auto home = TemporaryHome::create();
  if (!home) return home.error();
  auto context = services::gnupg::context_for(home->path().string());
  if (!context) return context.error();
  LIAISON_TRY(import_keys(context->get(), sender_keys));
  auto signature_data = data_from(signature);
  if (!signature_data) return signature_data.error();
  if (signed_text) {
    auto text = data_from(*signed_text);
    if (!text) return text.error();
    gpgme_op_verify(context->get(), signature_data->get(), text->get(), nullptr);
    return read_signature(context->get());
  }
  auto output = new_data();
  if (!output) return output.error();
  auto error = gpgme_op_verify(context->get(), signature_data->get(), nullptr, output->get());
  auto verification = read_signature(context->get());
  if (error != 0 && !verification.signed_)
    return Error::invalid_argument("the decrypted OpenPGP message is unreadable: " +
                                   describe(error));
  *plain = take_bytes(std::move(*output));
  return verification;
}

//! Verifies a multipart/signed entity (RFC 3156 section 5) against `sender_keys`.
Result<Verification> verify_signed(GMimeObject* multipart,
                                   const std::vector<std::string>& sender_keys) {
  auto* parts = reinterpret_cast<GMimeMultipart*>(multipart);
  if (g_mime_multipart_get_count(parts) != 2)
    return Error::invalid_argument("a multipart/signed message must have two parts");
  auto* content = g_mime_multipart_get_part(parts, GMIME_MULTIPART_SIGNED_CONTENT);
  auto* signature = g_mime_multipart_get_part(parts, GMIME_MULTIPART_SIGNED_SIGNATURE);
  // GMime keeps the raw headers and the undecoded body of parsed parts, so writing the content
  // part back gives the bytes that were signed.
  auto signed_text = canonical(to_crlf_string(content));
  return verify(decoded_content(signature), signed_text, sender_keys, nullptr);
}

}  // namespace

Result<InstanceKeyring> InstanceKeyring::open(std::string home, std::string uid) {
  std::error_code error;
  std::filesystem::create_directories(home, error);
  if (error)
    return Error::internal("cannot create the GnuPG home " + home + ": " + error.message());
  if (::chmod(home.c_str(), 0700) != 0)
    return Error::internal("cannot make the GnuPG home " + home + " private");

  auto context = services::gnupg::context_for(home);
  if (!context) return context.error();
  auto key = find_secret_key(context->get());
  if (!key) return key.error();
  std::string fingerprint;
  if (*key) {
    fingerprint = (*key)->subkeys->fpr;
  } else {
    constexpr unsigned kFlags =
        GPGME_CREATE_SIGN | GPGME_CREATE_NOPASSWD | GPGME_CREATE_NOEXPIRE | GPGME_CREATE_FORCE;
    if (auto failed =
            gpgme_op_createkey(context->get(), uid.c_str(), "ed25519", 0, 0, nullptr, kFlags);
        failed != 0)
      return Error::internal("GnuPG could not create the instance key: " + describe(failed));
    auto* result = gpgme_op_genkey_result(context->get());
    if (result == nullptr || result->fpr == nullptr)
      return Error::internal("GnuPG created no instance key");
    fingerprint = result->fpr;
  }
  // Also run after a start that created the primary key but stopped before the subkey.
  auto primary = get_key(context->get(), fingerprint, true);
  if (!primary) return primary.error();
  if (!has_encryption_subkey(**primary)) {
    constexpr unsigned kFlags = GPGME_CREATE_ENCR | GPGME_CREATE_NOPASSWD | GPGME_CREATE_NOEXPIRE;
    if (auto failed =
            gpgme_op_createsubkey(context->get(), primary->get(), "cv25519", 0, 0, kFlags);
        failed != 0)
      return Error::internal("GnuPG could not create the instance encryption key: " +
                             describe(failed));
  }
  return InstanceKeyring(std::move(home), std::move(fingerprint));
}

Result<std::string> InstanceKeyring::public_key() const {
  auto context = services::gnupg::context_for(home_);
  if (!context) return context.error();
  gpgme_set_armor(context->get(), 1);
  auto output = new_data();
  if (!output) return output.error();
  if (auto error = gpgme_op_export(context->get(), fingerprint_.c_str(), 0, output->get());
      error != 0)
    return Error::internal("GnuPG could not export the instance key: " + describe(error));
  auto armored = take_bytes(std::move(*output));
  if (armored.empty()) return Error::internal("GnuPG exported no instance key");
  return armored;
}

Result<std::string> compose_encrypted(const OutgoingMessage& message,
                                      std::string_view recipient_key,
                                      const InstanceKeyring& keyring) {
  auto composed = compose(message);
  if (!composed) return composed.error();

  auto scratch = TemporaryHome::create();
  if (!scratch) return scratch.error();
  LIAISON_TRY(check_recipient_key(*scratch, recipient_key));
  auto key_file = scratch->path() / "recipient.asc";
  {
    std::ofstream out(key_file, std::ios::binary);
    out.write(recipient_key.data(), static_cast<std::streamsize>(recipient_key.size()));
    out.close();
    if (!out) return Error::internal("cannot write the recipient key to " + key_file.string());
  }

  gmime::ready();
  auto mime = parse_message(*composed);
  if (!mime) return Error::internal("GMime could not read back the composed message");
  auto* body = g_mime_message_get_mime_part(mime.get());
  if (body == nullptr) return Error::internal("the composed message has no body");
  // Protected headers (draft-autocrypt-lamps-protected-headers): the real Subject travels inside
  // the encryption, and the outer one says nothing.
  g_mime_object_set_content_type_parameter(body, "protected-headers", "v1");
  g_mime_object_set_header(body, "Subject", message.subject.c_str(), "utf-8");
  auto inner = canonical(to_crlf_string(body));

  auto context = services::gnupg::context_for(keyring.home());
  if (!context) return context.error();
  gpgme_set_armor(context->get(), 1);
  auto signer = get_key(context->get(), keyring.fingerprint(), true);
  if (!signer) return signer.error();
  if (auto error = gpgme_signers_add(context->get(), signer->get()); error != 0)
    return Error::internal("GPGME: " + describe(error));
  auto plain = data_from(inner);
  if (!plain) return plain.error();
  auto cipher = new_data();
  if (!cipher) return cipher.error();
  // One recipient per line; "--file" makes the lines after it key files (gpg -f), read for this
  // call only and never imported. The instance key too, so the sent copy stays readable here.
  auto recipients = keyring.fingerprint() + "\n--file\n" + key_file.string() + "\n";
  if (auto error =
          gpgme_op_encrypt_sign_ext(context->get(), nullptr, recipients.c_str(),
                                    GPGME_ENCRYPT_ALWAYS_TRUST, plain->get(), cipher->get());
      error != 0) {
    if (gpgme_err_code(error) == GPG_ERR_UNUSABLE_PUBKEY ||
        gpgme_err_code(error) == GPG_ERR_INV_USER_ID)
      return Error::invalid_argument("the recipient key cannot be used to encrypt: " +
                                     describe(error));
    return Error::internal("GnuPG could not sign and encrypt the message: " + describe(error));
  }
  auto armored = take_bytes(std::move(*cipher));

  Owned<GMimeMultipart> encrypted(g_mime_multipart_new_with_subtype("encrypted"));
  g_mime_object_set_content_type_parameter(as_object(encrypted.get()), "protocol",
                                           "application/pgp-encrypted");
  auto version = seven_bit_part("application", "pgp-encrypted", "Version: 1\n");
  g_mime_object_set_header(as_object(version.get()), "Content-Description",
                           "PGP/MIME version identification", nullptr);
  auto payload = seven_bit_part("application", "octet-stream", armored);
  g_mime_object_set_header(as_object(payload.get()), "Content-Description",
                           "OpenPGP encrypted message", nullptr);
  g_mime_object_set_disposition(as_object(payload.get()), "inline");
  g_mime_part_set_filename(payload.get(), "encrypted.asc");
  g_mime_multipart_add(encrypted.get(), as_object(version.get()));
  g_mime_multipart_add(encrypted.get(), as_object(payload.get()));
  g_mime_message_set_mime_part(mime.get(), as_object(encrypted.get()));
  g_mime_message_set_subject(mime.get(), "Encrypted message", nullptr);
  return canonical(to_crlf_string(as_object(mime.get())));
}

Result<DecryptedMessage> open_protected(std::string_view raw, const InstanceKeyring& keyring,
                                        const std::vector<std::string>& sender_keys) {
  gmime::ready();
  auto mime = parse_message(raw);
  if (!mime) return Error::not_found("the message cannot be read as MIME");
  auto* body = g_mime_message_get_mime_part(mime.get());

  DecryptedMessage decrypted;
  if (is_type(body, "multipart", "signed")) {
    auto verification = verify_signed(body, sender_keys);
    if (!verification) return verification.error();
    auto* content = g_mime_multipart_get_part(reinterpret_cast<GMimeMultipart*>(body),
                                              GMIME_MULTIPART_SIGNED_CONTENT);
    decrypted.entity = canonical(to_crlf_string(content));
    decrypted.signed_ = verification->signed_;
    decrypted.signature_valid = verification->valid;
    decrypted.signer_fingerprint = verification->fingerprint;
    return decrypted;
  }
  if (!is_type(body, "multipart", "encrypted") ||
      g_mime_multipart_get_count(reinterpret_cast<GMimeMultipart*>(body)) != 2)
    return Error::not_found("the message is neither PGP/MIME encrypted nor signed");
  auto armored = decoded_content(g_mime_multipart_get_part(reinterpret_cast<GMimeMultipart*>(body),
                                                           GMIME_MULTIPART_ENCRYPTED_CONTENT));

  auto context = services::gnupg::context_for(keyring.home());
  if (!context) return context.error();
  auto cipher = data_from(armored);
  if (!cipher) return cipher.error();
  auto unwrapped = new_data();
  if (!unwrapped) return unwrapped.error();
  if (auto error = gpgme_op_decrypt_ext(context->get(), GPGME_DECRYPT_UNWRAP, cipher->get(),
                                        unwrapped->get());
      error != 0)
    return Error::invalid_argument("the message cannot be decrypted with the instance key: " +
                                   describe(error));
  auto packets = take_bytes(std::move(*unwrapped));

  std::string plain;
  auto verification = verify(packets, std::nullopt, sender_keys, &plain);
  if (!verification) return verification.error();
  decrypted.entity = std::move(plain);
  decrypted.signed_ = verification->signed_;
  decrypted.signature_valid = verification->valid;
  decrypted.signer_fingerprint = verification->fingerprint;
  // Sign-then-encrypt (RFC 3156 section 6.1): the signature is a MIME layer inside.
  if (!decrypted.signed_) {
    auto entity = parse_entity(decrypted.entity);
    if (entity && is_type(entity.get(), "multipart", "signed")) {
      auto inner = verify_signed(entity.get(), sender_keys);
      if (!inner) return inner.error();
      decrypted.signed_ = inner->signed_;
      decrypted.signature_valid = inner->valid;
      decrypted.signer_fingerprint = inner->fingerprint;
    }
  }
  return decrypted;
}

void InstanceKeyring::stop_agent() const {
  std::string homedir = "--homedir=" + home_;
  char gpgconf[] = "gpgconf";
  char kill[] = "--kill";
  char agent[] = "gpg-agent";
  char* argv[] = {gpgconf, homedir.data(), kill, agent, nullptr};
  pid_t pid = 0;
  if (posix_spawnp(&pid, "gpgconf", nullptr, nullptr, argv, environ) != 0) return;
  int status = 0;
  waitpid(pid, &status, 0);
}

}  // namespace liaison::mail
