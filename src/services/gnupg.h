#pragma once

#include <filesystem>
#include <gpgme.h>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "base/error.h"

// What every use of GnuPG through GPGME shares: owning handles, one-time initialisation,
// contexts bound to a home directory, data buffers, and throw-away homes. The directory reads
// keys states supply (services/openpgp_key.cpp); mail signs, encrypts and verifies
// (mail/openpgp_mime.cpp).
namespace liaison::services::gnupg {

struct ContextDeleter {
  void operator()(gpgme_ctx_t context) const { gpgme_release(context); }
};
struct DataDeleter {
  void operator()(gpgme_data_t data) const { gpgme_data_release(data); }
};
struct KeyDeleter {
  void operator()(gpgme_key_t key) const { gpgme_key_unref(key); }
};
using Context = std::unique_ptr<std::remove_pointer_t<gpgme_ctx_t>, ContextDeleter>;
using Data = std::unique_ptr<std::remove_pointer_t<gpgme_data_t>, DataDeleter>;
using Key = std::unique_ptr<std::remove_pointer_t<gpgme_key_t>, KeyDeleter>;

//! "source: message" of a GPGME error.
std::string describe(gpgme_error_t error);

//! GPGME initialised and gpg found, once per process (gpgme_check_version must run before any
//! other call and is not itself thread-safe).
Result<void> ready();

//! A context of its own working in `home`, never asking a keyserver, and never starting a
//! pinentry (the instance key has no passphrase; loopback keeps gpg-agent from prompting).
//! Each call makes its own, so callers may run on several threads at once.
Result<Context> context_for(const std::string& home);

Result<Data> new_data();
//! A copy of `bytes`, so the data does not depend on the caller's buffer.
Result<Data> data_from(std::string_view bytes);
//! What `data` holds, releasing it.
std::string take_bytes(Data data);

//! A GnuPG home of its own for one call, removed with everything in it afterwards: under the
//! temporary directory (mkdtemp: mode 0700, which gpg insists on; short, for gpg's socket paths)
//! and with no gpg-agent, which would outlive the directory; gpg still lists and imports keys
//! without one.
class TemporaryHome {
 public:
  static Result<TemporaryHome> create();

  TemporaryHome(TemporaryHome&& other) noexcept;
  TemporaryHome& operator=(TemporaryHome&&) = delete;
  TemporaryHome(const TemporaryHome&) = delete;
  TemporaryHome& operator=(const TemporaryHome&) = delete;
  ~TemporaryHome();

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TemporaryHome(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

}  // namespace liaison::services::gnupg
