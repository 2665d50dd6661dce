#include "services/gnupg.h"

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <optional>
#include <utility>

namespace liaison::services::gnupg {

std::string describe(gpgme_error_t error) {
  return std::string(gpgme_strsource(error)) + ": " + gpgme_strerror(error);
}

Result<void> ready() {
  static std::once_flag once;
  static std::optional<Error> failure;
  std::call_once(once, [] {
    if (gpgme_check_version(nullptr) == nullptr) {
      failure = Error::internal("GPGME could not be initialised");
      return;
    }
    if (auto error = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP); error != 0)
      failure = Error::internal("GnuPG (gpg) is not usable: " + describe(error));
  });
  if (failure) return *failure;
  return {};
}

Result<Context> context_for(const std::string& home) {
  LIAISON_TRY(ready());
  gpgme_ctx_t raw = nullptr;
  if (auto error = gpgme_new(&raw); error != 0) return Error::internal("GPGME: " + describe(error));
  Context context(raw);
  if (auto error =
          gpgme_ctx_set_engine_info(context.get(), GPGME_PROTOCOL_OpenPGP, nullptr, home.c_str());
      error != 0)
    return Error::internal("GPGME: " + describe(error));
  gpgme_set_offline(context.get(), 1);
  gpgme_set_pinentry_mode(context.get(), GPGME_PINENTRY_MODE_LOOPBACK);
  return context;
}

Result<Data> new_data() {
  gpgme_data_t raw = nullptr;
  if (auto error = gpgme_data_new(&raw); error != 0)
    return Error::internal("GPGME: " + describe(error));
  return Data(raw);
}

Result<Data> data_from(std::string_view bytes) {
  gpgme_data_t raw = nullptr;
  if (auto error = gpgme_data_new_from_mem(&raw, bytes.data(), bytes.size(), 1); error != 0)
    return Error::internal("GPGME: " + describe(error));
  return Data(raw);
}

std::string take_bytes(Data data) {
  std::size_t length = 0;
  char* buffer = gpgme_data_release_and_get_mem(data.release(), &length);
  if (buffer == nullptr) return {};
  std::string bytes(buffer, length);
  gpgme_free(buffer);
  return bytes;
}

Result<TemporaryHome> TemporaryHome::create() {
  std::error_code error;
  auto base = std::filesystem::temp_directory_path(error);
  if (error) return Error::internal("no temporary directory: " + error.message());
  auto pattern = (base / "liaison-gpg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    return Error::internal("cannot create a GnuPG home directory in " + base.string());
  TemporaryHome home(pattern);
  std::ofstream configuration(home.path_ / "gpg.conf");
  configuration << "no-autostart\n";
  configuration.close();
  if (!configuration) return Error::internal("cannot write gpg.conf in " + pattern);
  return home;
}

TemporaryHome::TemporaryHome(TemporaryHome&& other) noexcept
    : path_(std::exchange(other.path_, {})) {}

TemporaryHome::~TemporaryHome() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace liaison::services::gnupg
