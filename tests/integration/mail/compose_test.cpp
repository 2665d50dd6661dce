#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mail/openpgp_mime.h"
#include "mail/outgoing_message.h"
#include "support/process.h"

namespace liaison::mail {
namespace {

using liaison::testing::ProcessResult;
using liaison::testing::run_process;

constexpr auto kTimeout = std::chrono::seconds(60);

//! A short directory under /tmp (gpg-agent's socket path must stay under the Unix limit).
std::string make_temp_dir() {
  std::string pattern = "/tmp/lcXXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

ProcessResult gpg(const std::string& home, std::vector<std::string> arguments) {
  std::vector<std::string> command = {"/usr/bin/gpg", "--homedir", home, "--batch", "--no-tty"};
  command.insert(command.end(), arguments.begin(), arguments.end());
  return run_process(command, {}, kTimeout);
}

void kill_agent(const std::string& home) {
  run_process({"/usr/bin/gpgconf", "--homedir", home, "--kill", "gpg-agent"}, {}, kTimeout);
}

//! The fingerprint of the last key gpg lists in `home` with `--list-secret-keys`.
std::string last_secret_fingerprint(const std::string& home) {
  auto listing = gpg(home, {"--with-colons", "--list-secret-keys"});
  std::string fingerprint;
  bool after_sec = false;
  std::istringstream lines(listing.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("sec:")) after_sec = true;
    if (after_sec && line.starts_with("fpr:")) {
      // fpr:::::::::FINGERPRINT:
      auto end = line.rfind(':');
      auto start = line.rfind(':', end - 1) + 1;
      fingerprint = line.substr(start, end - start);
      after_sec = false;
    }
  }
  return fingerprint;
}

int count_public_keys(const std::string& home) {
  auto listing = gpg(home, {"--with-colons", "--list-keys"});
  int count = 0;
  std::istringstream lines(listing.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("pub:")) ++count;
  }
  return count;
}

bool has_bare_lf(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) return true;
    if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) return true;
  }
  return false;
}

//! Python's email package (policy.default) reads the message: an independent parser.
constexpr std::string_view kParseScript = R"PY(
import sys, email, email.policy
raw = open(sys.argv[1], 'rb').read()
m = email.message_from_bytes(raw, policy=email.policy.default)
def out(k, v):
    print(k + "\t" + str(v).replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n"))
for h in ["From", "To", "Reply-To", "Subject", "Date", "Message-ID", "MIME-Version",
          "Auto-Submitted", "X-Liaison-Note"]:
    out(h, m.get(h, "<none>"))
    out(h + ".count", len(m.get_all(h, [])))
if m["From"] is not None:
    out("from.name", m["From"].addresses[0].display_name)
    out("from.address", m["From"].addresses[0].addr_spec)
if m["To"] is not None:
    out("to.name", m["To"].addresses[0].display_name)
out("type", m.get_content_type())
out("defects", len(m.defects))
parts = list(m.iter_parts()) if m.is_multipart() else [m]
out("parts", len(parts))
for i, p in enumerate(parts):
    out(f"part{i}.type", p.get_content_type())
    out(f"part{i}.charset", p.get_content_charset())
    out(f"part{i}.cte", p.get("Content-Transfer-Encoding", "<none>"))
    # CRLF on the wire is the line break of the text; Python keeps it as it was read.
    content = p.get_content()
    if isinstance(content, bytes):
        content = content.decode("ascii", "replace")
    out(f"part{i}.body", content.replace("\r\n", "\n"))
    out(f"part{i}.defects", len(p.defects))
)PY";

std::string unescape(std::string_view text) {
  std::string result;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      char next = text[++i];
      result += next == 'n' ? '\n' : next == 'r' ? '\r' : next;
    } else {
      result += text[i];
    }
  }
  return result;
}

std::map<std::string, std::string> parse_with_python(const std::string& raw) {
  auto directory = make_temp_dir();
  write_file(directory + "/parse.py", kParseScript);
  write_file(directory + "/message.eml", raw);
  auto result = run_process(
      {"/usr/bin/python3", directory + "/parse.py", directory + "/message.eml"}, {}, kTimeout);
  std::filesystem::remove_all(directory);
  EXPECT_EQ(result.exit_code, 0) << result.errors;
  std::map<std::string, std::string> fields;
  std::istringstream lines(result.output);
  for (std::string line; std::getline(lines, line);) {
    auto tab = line.find('\t');
    if (tab != std::string::npos) fields[line.substr(0, tab)] = unescape(line.substr(tab + 1));
  }
  return fields;
}

std::string trim_newlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

//! The header section of `raw` (up to the first empty line).
std::string header_section(const std::string& raw) {
  return raw.substr(0, raw.find("\r\n\r\n") + 2);
}

OutgoingMessage multilingual_message() {
  OutgoingMessage message;
  message.message_id = "0190c2aa-1b2c-7d3e-8f40-123456789abc@liaison.example.org";
  message.date = "2026-12-07T10:00:00.000000Z";
  message.from = {"مكتب الاتصال", "liaison@example.org"};
  message.to = {"Пётр Иванов", "focal.ru@example.org"};
  message.reply_to = Address{"联络点秘书处", "secretariat@example.org"};
  message.subject = "Проверка связи / 联系测试 / اختبار الاتصال";
  message.text =
      "Здравствуйте,\nпожалуйста, подтвердите.\n你好\nمرحبا\nA line that is long enough to need "
      "a soft line break in quoted-printable because it goes beyond seventy-six characters.";
  message.headers = {{"Auto-Submitted", "auto-generated"}, {"X-Liaison-Note", "Ответ не нужен"}};
  return message;
}

TEST(ComposeTest, PlainMessageParsesBackWithEncodedHeaders) {
  auto message = multilingual_message();
  auto raw = compose(message);
  ASSERT_TRUE(raw) << raw.error().message;
  EXPECT_FALSE(has_bare_lf(*raw));

  auto headers = header_section(*raw);
  for (auto c : headers) {
    ASSERT_LT(static_cast<unsigned char>(c), 0x80) << "non-ASCII byte in the header section";
  }
  EXPECT_NE(headers.find("=?UTF-8?"), std::string::npos) << headers;
  EXPECT_NE(headers.find("Message-ID: <" + message.message_id + ">\r\n"), std::string::npos)
      << headers;
  EXPECT_NE(headers.find("Date: Mon, 07 Dec 2026 10:00:00 +0000\r\n"), std::string::npos)
      << headers;

  auto fields = parse_with_python(*raw);
  EXPECT_EQ(fields["defects"], "0");
  EXPECT_EQ(fields["from.name"], message.from.name);
  EXPECT_EQ(fields["from.address"], message.from.address);
  EXPECT_EQ(fields["to.name"], message.to.name);
  EXPECT_EQ(fields["Reply-To"], "联络点秘书处 <secretariat@example.org>");
  EXPECT_EQ(fields["Subject"], message.subject);
  EXPECT_EQ(fields["Subject.count"], "1");
  EXPECT_EQ(fields["Date"], "Mon, 07 Dec 2026 10:00:00 +0000");
  EXPECT_EQ(fields["Message-ID"], "<" + message.message_id + ">");
  EXPECT_EQ(fields["MIME-Version"], "1.0");
  EXPECT_EQ(fields["MIME-Version.count"], "1");
  EXPECT_EQ(fields["Auto-Submitted"], "auto-generated");
  EXPECT_EQ(fields["X-Liaison-Note"], "Ответ не нужен");
  EXPECT_EQ(fields["type"], "text/plain");
  EXPECT_EQ(fields["part0.charset"], "utf-8");
  EXPECT_EQ(fields["part0.cte"], "quoted-printable");
  EXPECT_EQ(trim_newlines(fields["part0.body"]), message.text);
  EXPECT_EQ(fields["part0.defects"], "0");
}

TEST(ComposeTest, HtmlMakesMultipartAlternativeWithTextFirst) {
  auto message = multilingual_message();
  message.reply_to.reset();
  message.headers.clear();
  message.text = "Plain text\r\nwith CRLF and a lone\rCR";
  message.html = "<p>مرحبا <b>世界</b></p>\n<p>Привет</p>";
  auto raw = compose(message);
  ASSERT_TRUE(raw) << raw.error().message;
  EXPECT_FALSE(has_bare_lf(*raw));
  EXPECT_EQ(raw->find("=0D"), std::string::npos) << "a CR reached the quoted-printable encoder";

  auto fields = parse_with_python(*raw);
  EXPECT_EQ(fields["defects"], "0");
  EXPECT_EQ(fields["Reply-To"], "<none>");
  EXPECT_EQ(fields["type"], "multipart/alternative");
  EXPECT_EQ(fields["parts"], "2");
  EXPECT_EQ(fields["part0.type"], "text/plain");
  EXPECT_EQ(fields["part0.charset"], "utf-8");
  EXPECT_EQ(fields["part0.cte"], "quoted-printable");
  EXPECT_EQ(trim_newlines(fields["part0.body"]), "Plain text\nwith CRLF and a lone\nCR");
  EXPECT_EQ(fields["part1.type"], "text/html");
  EXPECT_EQ(fields["part1.charset"], "utf-8");
  EXPECT_EQ(fields["part1.cte"], "quoted-printable");
  EXPECT_EQ(trim_newlines(fields["part1.body"]), *message.html);
}

TEST(ComposeTest, DateWithAnOffsetIsWrittenInUtc) {
  auto message = multilingual_message();
  message.date = "2026-12-07T12:30:05+02:00";
  auto raw = compose(message);
  ASSERT_TRUE(raw) << raw.error().message;
  EXPECT_NE(raw->find("Date: Mon, 07 Dec 2026 10:30:05 +0000\r\n"), std::string::npos) << *raw;
}

TEST(ComposeTest, RefusesMalformedAddressesIdsAndHeaderInjection) {
  auto expect_refused = [](OutgoingMessage message, const std::string& what) {
    auto raw = compose(message);
    ASSERT_FALSE(raw) << what << " was accepted:\n" << *raw;
    EXPECT_EQ(raw.error().code, ErrorCode::invalid_argument) << what;
  };
  auto base = multilingual_message();
  ASSERT_TRUE(compose(base));

  auto message = base;
  message.subject = "Hello\r\nBcc: victim@example.org";
  expect_refused(message, "a subject with CRLF");
  message = base;
  message.subject = "Hello\nBcc: victim@example.org";
  expect_refused(message, "a subject with LF");
  message = base;
  message.from.name = "Eve\r\nBcc: victim@example.org";
  expect_refused(message, "a display name with CRLF");
  for (const auto* address : {"two words@example.org", "a@b@example.org", "no-at.example.org",
                              "<a@example.org>", "a@example.org, b@example.org",
                              "a@example.org\r\nBcc: b@example.org", "", "@example.org", "a@"}) {
    message = base;
    message.to.address = address;
    expect_refused(message, std::string("the To address ") + address);
  }
  message = base;
  message.reply_to = Address{"", "x y@example.org"};
  expect_refused(message, "a Reply-To with a space");
  for (const auto* id :
       {"<id@example.org>", "id example@org", "no-at-sign", "id@example.org\r\n"}) {
    message = base;
    message.message_id = id;
    expect_refused(message, std::string("the Message-ID ") + id);
  }
  message = base;
  message.headers = {{"X-Note", "fine\r\nBcc: victim@example.org"}};
  expect_refused(message, "a header value with CRLF");
  for (const auto* name : {"X Note", "X-Note:", "", "Bcc\r\nX", "Subject", "content-type"}) {
    message = base;
    message.headers = {{name, "value"}};
    expect_refused(message, std::string("the header name ") + name);
  }
  message = base;
  message.date = "7 December 2026";
  expect_refused(message, "a date that is not RFC 3339");
}

//! An instance keyring and a point of contact's own GnuPG home with its key, made once: key
//! generation and gpg-agent start-up are the slow part.
class OpenPgpMimeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    instance_home_ = make_temp_dir() + "/gnupg";
    auto keyring = InstanceKeyring::open(instance_home_, "Liaison <liaison@example.org>");
    ASSERT_TRUE(keyring) << keyring.error().message;
    keyring_ = new InstanceKeyring(*keyring);
    auto public_key = keyring_->public_key();
    ASSERT_TRUE(public_key) << public_key.error().message;
    instance_public_ = *public_key;

    poc_home_ = make_temp_dir();
    auto created = gpg(poc_home_, {"--passphrase", "", "--quick-gen-key", "PoC <poc@example.org>",
                                   "ed25519", "sign", "never"});
    ASSERT_EQ(created.exit_code, 0) << created.errors;
    poc_fingerprint_ = last_secret_fingerprint(poc_home_);
    ASSERT_EQ(poc_fingerprint_.size(), 40u);
    auto added = gpg(poc_home_, {"--passphrase", "", "--quick-add-key", poc_fingerprint_, "cv25519",
                                 "encr", "never"});
    ASSERT_EQ(added.exit_code, 0) << added.errors;
    auto exported = gpg(poc_home_, {"--armor", "--export", poc_fingerprint_});
    ASSERT_EQ(exported.exit_code, 0) << exported.errors;
    poc_public_ = exported.output;
    write_file(poc_home_ + "/instance.asc", instance_public_);
    auto imported = gpg(poc_home_, {"--import", poc_home_ + "/instance.asc"});
    ASSERT_EQ(imported.exit_code, 0) << imported.errors;
  }

  static void TearDownTestSuite() {
    delete keyring_;
    keyring_ = nullptr;
    for (const auto& home : {instance_home_, poc_home_}) {
      if (home.empty()) continue;
      kill_agent(home);
    }
    std::error_code ignored;
    if (!instance_home_.empty())
      std::filesystem::remove_all(std::filesystem::path(instance_home_).parent_path(), ignored);
    if (!poc_home_.empty()) std::filesystem::remove_all(poc_home_, ignored);
  }

  void SetUp() override {
    if (keyring_ == nullptr || poc_public_.empty()) GTEST_SKIP() << "suite set-up failed";
  }

  //! `entity` signed and encrypted to the instance by the point of contact, with gpg, as
  //! RFC 3156 multipart/encrypted.
  static std::string reply_from_poc(const std::string& entity) {
    write_file(poc_home_ + "/reply.txt", entity);
    std::filesystem::remove(poc_home_ + "/reply.asc");
    auto encrypted = gpg(poc_home_, {"--trust-model", "always", "--armor", "--sign", "--encrypt",
                                     "--recipient", keyring_->fingerprint(), "--output",
                                     poc_home_ + "/reply.asc", poc_home_ + "/reply.txt"});
    EXPECT_EQ(encrypted.exit_code, 0) << encrypted.errors;
    return "From: PoC <poc@example.org>\r\nTo: liaison@example.org\r\nSubject: ...\r\n"
           "Message-ID: <reply-1@example.org>\r\nMIME-Version: 1.0\r\n"
           "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\";\r\n"
           " boundary=\"b1\"\r\n\r\n"
           "--b1\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n"
           "--b1\r\nContent-Type: application/octet-stream\r\n\r\n" +
           read_file(poc_home_ + "/reply.asc") + "\r\n--b1--\r\n";
  }

  //! `entity` signed (detached) by the point of contact, as RFC 3156 multipart/signed;
  //! `tamper` changes the signed text after signing.
  static std::string signed_by_poc(const std::string& entity, bool tamper = false) {
    write_file(poc_home_ + "/signed.txt", entity);
    std::filesystem::remove(poc_home_ + "/signed.asc");
    auto signature = gpg(poc_home_, {"--armor", "--detach-sign", "--output",
                                     poc_home_ + "/signed.asc", poc_home_ + "/signed.txt"});
    EXPECT_EQ(signature.exit_code, 0) << signature.errors;
    auto body = entity;
    if (tamper) body.replace(body.find("10:00"), 5, "11:00");
    return "From: PoC <poc@example.org>\r\nTo: liaison@example.org\r\nSubject: Signed\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: multipart/signed; micalg=pgp-sha512;\r\n"
           " protocol=\"application/pgp-signature\"; boundary=\"s1\"\r\n\r\n"
           "This is an OpenPGP/MIME signed message.\r\n"
           "--s1\r\n" +
           body +
           "\r\n--s1\r\nContent-Type: application/pgp-signature; name=\"signature.asc\"\r\n\r\n" +
           read_file(poc_home_ + "/signed.asc") + "\r\n--s1--\r\n";
  }

  static inline std::string instance_home_;
  static inline InstanceKeyring* keyring_ = nullptr;
  static inline std::string instance_public_;
  static inline std::string poc_home_;
  static inline std::string poc_fingerprint_;
  static inline std::string poc_public_;
};

constexpr std::string_view kReplyEntity =
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n\r\n"
    "Подтверждаю: the meeting at 10:00 stands.\r\n";

TEST_F(OpenPgpMimeTest, KeyringHasSigningAndEncryptionKeyAndReopensWithIt) {
  EXPECT_EQ(keyring_->fingerprint().size(), 40u);
  EXPECT_EQ(keyring_->home(), instance_home_);
  EXPECT_TRUE(instance_public_.starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
  EXPECT_EQ(std::filesystem::status(instance_home_).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_all);
  auto listing = gpg(instance_home_, {"--with-colons", "--list-keys", keyring_->fingerprint()});
  EXPECT_NE(listing.output.find(":e:"), std::string::npos) << "no encryption subkey\n"
                                                           << listing.output;

  auto again = InstanceKeyring::open(instance_home_, "Liaison <liaison@example.org>");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->fingerprint(), keyring_->fingerprint());
  EXPECT_EQ(count_public_keys(instance_home_), 1);
}

TEST_F(OpenPgpMimeTest, EncryptedMessageDecryptsWithGpgAndCarriesAGoodSignature) {
  auto message = multilingual_message();
  message.html = "<p>Здравствуйте</p>";
  auto raw = compose_encrypted(message, poc_public_, *keyring_);
  ASSERT_TRUE(raw) << raw.error().message;
  EXPECT_FALSE(has_bare_lf(*raw));
  // A state's key never enters the instance's keyring.
  EXPECT_EQ(count_public_keys(instance_home_), 1);

  auto fields = parse_with_python(*raw);
  EXPECT_EQ(fields["defects"], "0");
  EXPECT_EQ(fields["Subject"], "Encrypted message");
  EXPECT_EQ(fields["Message-ID"], "<" + message.message_id + ">");
  EXPECT_EQ(fields["from.name"], message.from.name);
  EXPECT_EQ(fields["Reply-To"], "联络点秘书处 <secretariat@example.org>");
  EXPECT_EQ(fields["Auto-Submitted"], "auto-generated");
  EXPECT_EQ(fields["type"], "multipart/encrypted");
  EXPECT_EQ(fields["parts"], "2");
  EXPECT_EQ(fields["part0.type"], "application/pgp-encrypted");
  EXPECT_EQ(trim_newlines(fields["part0.body"]), "Version: 1");
  EXPECT_EQ(fields["part1.type"], "application/octet-stream");
  EXPECT_NE(raw->find("protocol=\"application/pgp-encrypted\""), std::string::npos);
  EXPECT_EQ(raw->find("Здравствуйте"), std::string::npos);
  EXPECT_EQ(raw->find("=?utf-8?b?0J/RgNC+0LLQtdGA0LrQsA"), std::string::npos)
      << "the real subject leaked";

  auto begin = raw->find("-----BEGIN PGP MESSAGE-----");
  auto end = raw->find("-----END PGP MESSAGE-----");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  write_file(poc_home_ + "/in.asc", raw->substr(begin, end + 25 - begin) + "\n");
  std::filesystem::remove(poc_home_ + "/in.txt");
  auto decrypted = gpg(poc_home_, {"--status-fd", "1", "--output", poc_home_ + "/in.txt",
                                   "--decrypt", poc_home_ + "/in.asc"});
  ASSERT_EQ(decrypted.exit_code, 0) << decrypted.errors;
  EXPECT_NE(decrypted.output.find("[GNUPG:] GOODSIG"), std::string::npos) << decrypted.output;
  EXPECT_NE(decrypted.output.find("[GNUPG:] VALIDSIG"), std::string::npos) << decrypted.output;
  EXPECT_NE(decrypted.output.find(keyring_->fingerprint()), std::string::npos) << decrypted.output;

  auto entity = read_file(poc_home_ + "/in.txt");
  EXPECT_FALSE(has_bare_lf(entity));
  EXPECT_NE(entity.find("multipart/alternative"), std::string::npos) << entity;
  // GMime writes the token unquoted; RFC 2045 makes the two spellings the same.
  EXPECT_TRUE(entity.find("protected-headers=v1") != std::string::npos ||
              entity.find("protected-headers=\"v1\"") != std::string::npos)
      << entity;
  auto inner = parse_with_python("MIME-Version: 1.0\r\n" + entity);
  EXPECT_EQ(inner["Subject"], message.subject);
  EXPECT_EQ(inner["part0.type"], "text/plain");
  EXPECT_EQ(trim_newlines(inner["part0.body"]), message.text);
  EXPECT_EQ(trim_newlines(inner["part1.body"]), *message.html);
}

TEST_F(OpenPgpMimeTest, TheInstanceCanReadItsOwnSentCopy) {
  auto message = multilingual_message();
  auto raw = compose_encrypted(message, poc_public_, *keyring_);
  ASSERT_TRUE(raw) << raw.error().message;
  auto opened = open_protected(*raw, *keyring_, {instance_public_});
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_TRUE(opened->signed_);
  EXPECT_TRUE(opened->signature_valid);
  EXPECT_EQ(opened->signer_fingerprint, keyring_->fingerprint());
  EXPECT_NE(opened->entity.find("text/plain"), std::string::npos) << opened->entity;
}

TEST_F(OpenPgpMimeTest, ReplyFromThePocDecryptsAndVerifiesOnlyWithItsKey) {
  auto raw = reply_from_poc(std::string(kReplyEntity));
  auto opened = open_protected(raw, *keyring_, {poc_public_});
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->entity, kReplyEntity);
  EXPECT_TRUE(opened->signed_);
  EXPECT_TRUE(opened->signature_valid);
  EXPECT_EQ(opened->signer_fingerprint, poc_fingerprint_);

  auto unrelated = open_protected(raw, *keyring_, {instance_public_});
  ASSERT_TRUE(unrelated) << unrelated.error().message;
  EXPECT_EQ(unrelated->entity, kReplyEntity);
  EXPECT_TRUE(unrelated->signed_);
  EXPECT_FALSE(unrelated->signature_valid);

  auto no_keys = open_protected(raw, *keyring_, {});
  ASSERT_TRUE(no_keys) << no_keys.error().message;
  EXPECT_TRUE(no_keys->signed_);
  EXPECT_FALSE(no_keys->signature_valid);
  // Verification happened in a throw-away home: the PoC's key did not stay with the instance.
  EXPECT_EQ(count_public_keys(instance_home_), 1);
}

TEST_F(OpenPgpMimeTest, UnsignedReplyDecryptsAsUnsigned) {
  write_file(poc_home_ + "/plain.txt", kReplyEntity);
  std::filesystem::remove(poc_home_ + "/plain.asc");
  auto encrypted = gpg(poc_home_, {"--trust-model", "always", "--armor", "--encrypt", "--recipient",
                                   keyring_->fingerprint(), "--output", poc_home_ + "/plain.asc",
                                   poc_home_ + "/plain.txt"});
  ASSERT_EQ(encrypted.exit_code, 0) << encrypted.errors;
  auto raw =
      "Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/encrypted; "
      "protocol=\"application/pgp-encrypted\"; boundary=\"b\"\r\n\r\n--b\r\n"
      "Content-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--b\r\n"
      "Content-Type: application/octet-stream\r\n\r\n" +
      read_file(poc_home_ + "/plain.asc") + "\r\n--b--\r\n";
  auto opened = open_protected(raw, *keyring_, {poc_public_});
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->entity, kReplyEntity);
  EXPECT_FALSE(opened->signed_);
  EXPECT_FALSE(opened->signature_valid);
  EXPECT_TRUE(opened->signer_fingerprint.empty());
}

TEST_F(OpenPgpMimeTest, MultipartSignedVerifiesAndTamperingIsDetected) {
  auto raw = signed_by_poc(std::string(kReplyEntity));
  auto opened = open_protected(raw, *keyring_, {poc_public_});
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_TRUE(opened->signed_);
  EXPECT_TRUE(opened->signature_valid);
  EXPECT_EQ(opened->signer_fingerprint, poc_fingerprint_);
  EXPECT_NE(opened->entity.find("the meeting at 10:00"), std::string::npos) << opened->entity;

  auto unknown = open_protected(raw, *keyring_, {instance_public_});
  ASSERT_TRUE(unknown) << unknown.error().message;
  EXPECT_TRUE(unknown->signed_);
  EXPECT_FALSE(unknown->signature_valid);

  auto tampered =
      open_protected(signed_by_poc(std::string(kReplyEntity), true), *keyring_, {poc_public_});
  ASSERT_TRUE(tampered) << tampered.error().message;
  EXPECT_TRUE(tampered->signed_);
  EXPECT_FALSE(tampered->signature_valid);
}

TEST_F(OpenPgpMimeTest, TamperedCiphertextIsRefused) {
  auto raw = reply_from_poc(std::string(kReplyEntity));
  // Flip one base64 character in the middle of the armored body.
  auto begin = raw.find("-----BEGIN PGP MESSAGE-----");
  auto position = raw.find("\n", raw.find("\n\n", begin) + 2) + 20;
  raw[position] = raw[position] == 'A' ? 'B' : 'A';
  auto opened = open_protected(raw, *keyring_, {poc_public_});
  if (opened) {
    EXPECT_FALSE(opened->signature_valid);
  } else {
    EXPECT_EQ(opened.error().code, ErrorCode::invalid_argument) << opened.error().message;
  }
}

TEST_F(OpenPgpMimeTest, PlainMessageIsNotProtected) {
  auto raw = compose(multilingual_message());
  ASSERT_TRUE(raw);
  auto opened = open_protected(*raw, *keyring_, {poc_public_});
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, ErrorCode::not_found);
}

TEST_F(OpenPgpMimeTest, KeysThatCannotEncryptAreRefused) {
  auto created = gpg(poc_home_, {"--passphrase", "", "--quick-gen-key",
                                 "Sign Only <sign@example.org>", "ed25519", "sign", "never"});
  ASSERT_EQ(created.exit_code, 0) << created.errors;
  auto exported = gpg(poc_home_, {"--armor", "--export", "sign@example.org"});
  ASSERT_EQ(exported.exit_code, 0) << exported.errors;
  auto message = multilingual_message();
  auto raw = compose_encrypted(message, exported.output, *keyring_);
  ASSERT_FALSE(raw);
  EXPECT_EQ(raw.error().code, ErrorCode::invalid_argument) << raw.error().message;

  auto garbage = compose_encrypted(message, "not a key", *keyring_);
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::invalid_argument) << garbage.error().message;

  auto bad_message = message;
  bad_message.subject = "a\r\nBcc: x@example.org";
  auto injected = compose_encrypted(bad_message, poc_public_, *keyring_);
  ASSERT_FALSE(injected);
  EXPECT_EQ(injected.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(count_public_keys(instance_home_), 1);
}

}  // namespace
}  // namespace liaison::mail
