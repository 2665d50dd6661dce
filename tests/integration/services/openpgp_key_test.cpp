#include "services/openpgp_key.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "support/process.h"

namespace liaison::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kGpg = "/usr/bin/gpg";
constexpr const char* kGpgconf = "/usr/bin/gpgconf";
// Frozen ('!'), so that a subkey made by a second gpg process is never older than its primary
// key, which gpg refuses as a time conflict.
constexpr std::string_view kKeyTime = "20200101T000000!";
constexpr std::string_view kSubkeyTime = "20200101T000100!";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

//! Keys made with the gpg command line, as a PoC would make them, once for the whole suite.
struct TestKeys {
  std::string fingerprint;  //!< of `key`
  std::string key;          //!< ed25519 primary for certifying and signing, cv25519 for encryption
  std::string second_key;   //!< another good key
  std::string sign_only;    //!< ed25519 primary, no encryption subkey
  std::string expired;      //!< made in 2020, expired in 2021
  std::string expired_subkey;  //!< primary without expiry, encryption subkey expired in 2021
  std::string revoked;         //!< revoked with the certificate gpg stores in openpgp-revocs.d
  std::string secret;          //!< `key` exported with its private parts
  std::string both;            //!< `key` and `second_key` in one block
};

class OpenPgpKeyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Short, so that gpg-agent's socket path fits (108 bytes).
    std::string pattern = "/tmp/liaison-gpg-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    home.emplace(pattern);
    generated.emplace();
    auto& keys = *generated;

    keys.fingerprint = generate("PoC <poc@example.org>", false, "1y", true);
    keys.key = gpg({"--armor", "--export", keys.fingerprint});
    auto second = generate("Deputy <deputy@example.org>", false, "1y", true);
    keys.second_key = gpg({"--armor", "--export", second});
    keys.both = gpg({"--armor", "--export", keys.fingerprint, second});
    keys.sign_only =
        gpg({"--armor", "--export", generate("Signer <sign@example.org>", false, "1y", false)});
    keys.expired =
        gpg({"--armor", "--export", generate("Old <old@example.org>", true, "1y", true)});
    // The primary key never expires; its encryption subkey, added in 2020 for a year, has.
    auto partly = generate("Partly <partly@example.org>", true, "never", false);
    gpg({"--faked-system-time", std::string(kSubkeyTime), "--passphrase", "", "--quick-add-key",
         partly, "cv25519", "encr", "1y"});
    keys.expired_subkey = gpg({"--armor", "--export", partly});

    auto revoked = generate("Revoked <revoked@example.org>", false, "1y", true);
    // gpg puts a ':' before the certificate's armor so that it is not imported by accident.
    auto certificate = read_file(*home / "openpgp-revocs.d" / (revoked + ".rev"));
    ASSERT_FALSE(certificate.empty());
    auto certificate_path = *home / "revocation.asc";
    std::ofstream(certificate_path) << replace_all(certificate, "\n:-----", "\n-----");
    gpg({"--import", certificate_path.string()});
    keys.revoked = gpg({"--armor", "--export", revoked});

    keys.secret = gpg({"--pinentry-mode", "loopback", "--passphrase", "", "--armor",
                       "--export-secret-keys", keys.fingerprint});
  }

  static void TearDownTestSuite() {
    if (home) {
      run_process({kGpgconf, "--homedir", home->string(), "--kill", "all"}, {});
      std::error_code ignored;
      fs::remove_all(*home, ignored);
    }
    generated.reset();
    home.reset();
  }

  //! Runs gpg in batch mode on the suite's home; returns its standard output.
  static std::string gpg(std::vector<std::string> arguments) {
    std::vector<std::string> command = {kGpg, "--batch", "--homedir", home->string()};
    command.insert(command.end(), arguments.begin(), arguments.end());
    auto result = run_process(command, {});
    EXPECT_EQ(result.exit_code, 0) << arguments.front() << ": " << result.errors;
    return result.output;
  }

  //! A new key for `uid`, made now or on 2020-01-01, with an encryption subkey if asked; returns
  //! its fingerprint.
  static std::string generate(const std::string& uid, bool in_2020, const std::string& expiry,
                              bool encryption) {
    auto with_time = [&](std::string_view time, std::vector<std::string> arguments) {
      if (in_2020) arguments.insert(arguments.begin(), {"--faked-system-time", std::string(time)});
      return arguments;
    };
    gpg(with_time(kKeyTime,
                  {"--passphrase", "", "--quick-gen-key", uid, "ed25519", "cert,sign", expiry}));
    std::istringstream listing(gpg({"--with-colons", "--list-keys", "=" + uid}));
    std::string fingerprint;
    for (std::string line; std::getline(listing, line);) {
      if (line.starts_with("fpr:")) {
        fingerprint = line.substr(12, line.find(':', 12) - 12);  // field 10
        break;
      }
    }
    EXPECT_EQ(fingerprint.size(), 40u) << uid;
    if (encryption)
      gpg(with_time(kSubkeyTime, {"--passphrase", "", "--quick-add-key", fingerprint, "cv25519",
                                  "encr", expiry}));
    return fingerprint;
  }

  static std::string refusal(std::string_view armored, std::string_view expected = {}) {
    auto key = services::inspect_openpgp_key(armored, expected);
    EXPECT_FALSE(key) << "accepted " << key.value().fingerprint;
    if (key) return {};
    EXPECT_EQ(key.error().code, ErrorCode::invalid_argument) << key.error().message;
    return key.error().message;
  }

  static const TestKeys& keys() { return *generated; }

  static inline std::optional<fs::path> home;
  static inline std::optional<TestKeys> generated;
};

constexpr std::string_view kSecretRefusal =
    "this is a private (secret) OpenPGP key, which must never leave its owner and is never "
    "stored here; send the public key instead (gpg --armor --export)";

constexpr std::string_view kNotArmored =
    "this is not an ASCII-armored OpenPGP public key: paste one key block, from \"-----BEGIN PGP "
    "PUBLIC KEY BLOCK-----\" to \"-----END PGP PUBLIC KEY BLOCK-----\"";

// --- keys that are accepted ------------------------------------------------------------------

TEST_F(OpenPgpKeyTest, ReadsAnEncryptionCapableKey) {
  auto key = services::inspect_openpgp_key(keys().key);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->fingerprint, keys().fingerprint);
  EXPECT_EQ(key->fingerprint.find_first_not_of("0123456789ABCDEF"), std::string::npos);
  // gpg ends its export with a newline; the stored block does not.
  ASSERT_EQ(keys().key.back(), '\n');
  EXPECT_EQ(key->armored, keys().key.substr(0, keys().key.size() - 1));
}

TEST_F(OpenPgpKeyTest, TrimsWhatSurroundsTheBlock) {
  auto key = services::inspect_openpgp_key("\r\n  \t" + keys().key + "\n\n  ");
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_TRUE(key->armored.starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
  EXPECT_TRUE(key->armored.ends_with("-----END PGP PUBLIC KEY BLOCK-----"));
  EXPECT_EQ(key->fingerprint, keys().fingerprint);
}

TEST_F(OpenPgpKeyTest, ReadsAKeyWithWindowsLineEndings) {
  auto key = services::inspect_openpgp_key(replace_all(keys().key, "\n", "\r\n"));
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->fingerprint, keys().fingerprint);
}

//! `armored` without its "=XXXX" checksum line.
std::string without_checksum(const std::string& armored) {
  auto line = armored.rfind("\n=");
  EXPECT_NE(line, std::string::npos);
  if (line == std::string::npos) return armored;
  return armored.substr(0, line) + armored.substr(armored.find('\n', line + 1));
}

TEST_F(OpenPgpKeyTest, ReadsABlockWithoutAChecksum) {
  // RFC 9580 makes the checksum optional and OpenPGP.js 6 omits it. Whether GnuPG 2.2 misreads
  // such a block depends on the length of the key, so several keys are tried.
  for (const auto* armored : {&keys().key, &keys().second_key}) {
    auto bare = without_checksum(*armored);
    ASSERT_EQ(bare.find("\n="), std::string::npos);
    for (const auto& text : {bare, replace_all(bare, "\n", "\r\n")}) {
      auto key = services::inspect_openpgp_key(text);
      ASSERT_TRUE(key) << key.error().message << "\n" << text;
      EXPECT_EQ(key->armored, text.substr(0, text.find_last_not_of("\r\n") + 1));
    }
  }
  EXPECT_EQ(refusal(without_checksum(keys().revoked)),
            "the OpenPGP key has been revoked by its owner");
  EXPECT_EQ(refusal(without_checksum(keys().sign_only)).substr(0, 30),
            "the OpenPGP key cannot encrypt");
}

TEST_F(OpenPgpKeyTest, ChecksTheExpectedFingerprintIgnoringSpacesAndCase) {
  auto grouped = services::format_fingerprint(keys().fingerprint);
  std::string lower;
  for (auto c : grouped)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& expected : {keys().fingerprint, grouped, lower}) {
    auto key = services::inspect_openpgp_key(keys().key, expected);
    ASSERT_TRUE(key) << expected << ": " << key.error().message;
    EXPECT_EQ(key->fingerprint, keys().fingerprint);
  }
}

TEST_F(OpenPgpKeyTest, RefusesAKeyWithAnotherFingerprint) {
  auto other = std::string(40, 'A');
  EXPECT_EQ(refusal(keys().key, other),
            "the key's fingerprint is " + services::format_fingerprint(keys().fingerprint) +
                ", not the expected " + services::format_fingerprint(other));
  // A key ID (the last 16 digits) is not enough to tell keys apart.
  for (const auto& expected :
       {keys().fingerprint.substr(24), keys().fingerprint + "0", std::string("XYZ")})
    EXPECT_EQ(refusal(keys().key, expected),
              "the expected fingerprint is not 40 or 64 hexadecimal digits");
}

// --- keys that are refused -------------------------------------------------------------------

TEST_F(OpenPgpKeyTest, RefusesAKeyThatCannotEncrypt) {
  EXPECT_EQ(refusal(keys().sign_only),
            "the OpenPGP key cannot encrypt (it has no encryption subkey), so mail to the point "
            "of contact could not be protected with it");
}

TEST_F(OpenPgpKeyTest, RefusesAnExpiredKey) {
  auto message = refusal(keys().expired);
  // Made 2020-01-01 for a year; gpg counts a year as 365 days.
  EXPECT_EQ(message,
            "the OpenPGP key expired on 2020-12-31; its owner can extend it (gpg "
            "--quick-set-expire) and send it again");
}

TEST_F(OpenPgpKeyTest, RefusesAKeyWhoseEncryptionSubkeyExpired) {
  EXPECT_EQ(refusal(keys().expired_subkey),
            "the OpenPGP key's encryption subkeys have expired or been revoked");
}

TEST_F(OpenPgpKeyTest, RefusesARevokedKey) {
  EXPECT_EQ(refusal(keys().revoked), "the OpenPGP key has been revoked by its owner");
}

TEST_F(OpenPgpKeyTest, RefusesPrivateKeys) {
  ASSERT_TRUE(keys().secret.starts_with("-----BEGIN PGP PRIVATE KEY BLOCK-----"));
  EXPECT_EQ(refusal(keys().secret), kSecretRefusal);
  // Relabelled as public, the block still holds private key material: gpg finds it.
  auto relabelled = replace_all(keys().secret, "PRIVATE KEY BLOCK", "PUBLIC KEY BLOCK");
  EXPECT_EQ(refusal(relabelled), kSecretRefusal);
  // Next to a public key.
  EXPECT_EQ(refusal(keys().key + keys().secret), kSecretRefusal);
}

TEST_F(OpenPgpKeyTest, RefusesMoreThanOneKey) {
  EXPECT_EQ(refusal(keys().both),
            "the block holds 2 OpenPGP keys; send only the point of contact's key");
  // Two blocks one after the other.
  EXPECT_EQ(refusal(keys().key + keys().second_key), kNotArmored);
}

TEST_F(OpenPgpKeyTest, RefusesWhatIsNotAnArmoredPublicKey) {
  EXPECT_EQ(refusal("hello"), kNotArmored);
  EXPECT_EQ(refusal("Here is my key:\n" + keys().key), kNotArmored);
  EXPECT_EQ(refusal(keys().key + "-- \nKind regards"), kNotArmored);
  EXPECT_EQ(refusal("-----BEGIN PGP MESSAGE-----\n\nhQEMA\n-----END PGP MESSAGE-----"),
            kNotArmored);
  // The same key in binary form.
  auto binary = gpg({"--export", keys().fingerprint});
  ASSERT_FALSE(binary.empty());
  EXPECT_EQ(refusal(binary), kNotArmored);
  EXPECT_EQ(refusal(keys().key.substr(0, 20) + std::string("\0", 1) + keys().key.substr(20)),
            kNotArmored);
}

TEST_F(OpenPgpKeyTest, RefusesABlockGpgCannotRead) {
  // Armor lines around something that is not a key.
  auto garbage = refusal(
      "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm90IGEga2V5IGF0IGFsbA==\n=AAAA\n"
      "-----END PGP PUBLIC KEY BLOCK-----");
  EXPECT_FALSE(garbage.empty());
  // A key cut short, as when a paste loses its middle.
  const auto& key = keys().key;
  auto cut = key.substr(0, key.size() / 2) + "\n-----END PGP PUBLIC KEY BLOCK-----\n";
  EXPECT_FALSE(refusal(cut).empty());
  // One base64 character changed: the checksum no longer matches.
  auto changed = key;
  auto body = changed.find("\n\n") + 10;
  changed[body] = changed[body] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(refusal(changed).empty());
}

TEST_F(OpenPgpKeyTest, RefusesEmptyAndOversizedInput) {
  EXPECT_EQ(refusal(""), "the OpenPGP key is empty");
  EXPECT_EQ(refusal(" \r\n\t"), "the OpenPGP key is empty");
  auto padded = keys().key;
  padded.append(services::kMaxOpenPgpKeyBytes - padded.size(), '\n');
  EXPECT_TRUE(services::inspect_openpgp_key(padded));
  padded += '\n';
  EXPECT_EQ(refusal(padded), "the OpenPGP key is larger than 64 KiB");
}

// --- the server's own GnuPG state is left alone ------------------------------------------------

//! Processes whose command line mentions `text` (zombies have none).
int processes_mentioning(const std::string& text) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    // A process may exit between listing /proc and reading its cmdline (ESRCH); skip it.
    std::string command_line;
    try {
      command_line = read_file(entry.path() / "cmdline");
    } catch (const std::ios_base::failure&) {
      continue;
    }
    if (command_line.find(text) != std::string::npos) ++count;
  }
  return count;
}

TEST_F(OpenPgpKeyTest, LeavesNoHomeDirectoryOrAgentBehind) {
  std::string pattern = (*home / "tmp-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  const char* previous = std::getenv("TMPDIR");
  std::string saved = previous != nullptr ? previous : "";
  ::setenv("TMPDIR", pattern.c_str(), 1);

  EXPECT_TRUE(services::inspect_openpgp_key(keys().key));
  // Private keys are what would make gpg start an agent.
  EXPECT_FALSE(services::inspect_openpgp_key(
      replace_all(keys().secret, "PRIVATE KEY BLOCK", "PUBLIC KEY BLOCK")));
  EXPECT_FALSE(services::inspect_openpgp_key(keys().revoked));

  if (previous != nullptr)
    ::setenv("TMPDIR", saved.c_str(), 1);
  else
    ::unsetenv("TMPDIR");
  EXPECT_TRUE(fs::is_empty(pattern));
  EXPECT_EQ(processes_mentioning(pattern), 0);
}

TEST_F(OpenPgpKeyTest, ReadsKeysFromSeveralThreadsAtOnce) {
  std::vector<std::string> fingerprints(4);
  std::vector<std::thread> threads;
  threads.reserve(fingerprints.size());
  for (auto& fingerprint : fingerprints) {
    threads.emplace_back([&fingerprint] {
      for (int i = 0; i < 3; ++i) {
        auto key = services::inspect_openpgp_key(keys().key);
        fingerprint += key ? key->fingerprint : key.error().message;
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  for (const auto& fingerprint : fingerprints)
    EXPECT_EQ(fingerprint, keys().fingerprint + keys().fingerprint + keys().fingerprint);
}

// --- format_fingerprint ----------------------------------------------------------------------

TEST(FormatFingerprint, GroupsFourDigits) {
  EXPECT_EQ(services::format_fingerprint("001B5839B4609DD75ADB4D08ADA61368FCA3D940"),
            "001B 5839 B460 9DD7 5ADB 4D08 ADA6 1368 FCA3 D940");
  EXPECT_EQ(services::format_fingerprint("001b 5839b4609dd75adb4d08ada61368fca3d940"),
            "001B 5839 B460 9DD7 5ADB 4D08 ADA6 1368 FCA3 D940");
  EXPECT_EQ(services::format_fingerprint(""), "");
  EXPECT_EQ(services::format_fingerprint("ABCDE"), "ABCD E");
}

}  // namespace
}  // namespace liaison::testing
