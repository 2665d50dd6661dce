#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

#include "mail/transport.h"

namespace liaison::mail {
namespace {

// The id becomes a file name; anything beyond these could climb out of the directory ("../")
// or hide the file (a leading dot is impossible since '.' is not allowed at all).
bool safe_id(std::string_view id) {
  return !id.empty() && id.size() <= 200 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// The envelope is written as header lines; a line break in it would forge further headers.
bool safe_header_value(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

Delivery failed(std::string_view what, const std::string& path, int error) {
  return {Delivery::Outcome::temporary,
          std::string(what) + " " + path + ": " + std::strerror(error)};
}

// mkdir -p with 0750 for each directory it creates; existing ones are left as they are.
int make_directories(const std::string& path) {
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    std::string prefix = path.substr(0, slash);
    if (!prefix.empty() && ::mkdir(prefix.c_str(), 0750) != 0 && errno != EEXIST) return errno;
    if (slash == std::string::npos) break;
  }
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) return errno;
  return S_ISDIR(status.st_mode) ? 0 : ENOTDIR;
}

int write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    auto written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return 0;
}

}  // namespace

SpoolTransport::SpoolTransport(std::string directory) : directory_(std::move(directory)) {
  while (directory_.size() > 1 && directory_.back() == '/')
    directory_.pop_back();
}

Delivery SpoolTransport::deliver(std::string_view id, std::string_view envelope_from,
                                 std::string_view recipient, std::string_view message) {
  if (!safe_id(id)) {
    return {Delivery::Outcome::permanent,
            "message id is not a safe file name (only A-Z, a-z, 0-9 and '-')"};
  }
  if (!safe_header_value(envelope_from) || !safe_header_value(recipient)) {
    return {Delivery::Outcome::permanent, "envelope address contains a line break"};
  }
  // Configuration, not the message: temporary so the outbox keeps it until it is fixed.
  if (directory_.empty()) return {Delivery::Outcome::temporary, "no spool directory configured"};

  if (int error = make_directories(directory_); error != 0) {
    return failed("cannot create spool directory", directory_, error);
  }
  std::string temporary = directory_ + "/." + std::string(id) + ".tmp";
  std::string final_path = directory_ + "/" + std::string(id) + ".eml";
  std::string head;
  head.reserve(64 + envelope_from.size() + recipient.size());
  head.append("X-Liaison-Envelope-From: ").append(envelope_from).append("\r\n");
  head.append("X-Liaison-Envelope-To: ").append(recipient).append("\r\n");

  int fd = ::open(temporary.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0640);
  if (fd < 0) return failed("cannot create", temporary, errno);
  int error = write_all(fd, head);
  if (error == 0) error = write_all(fd, message);
  // The rename below is only atomic for readers if the data is on disk before it.
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error == 0 && ::rename(temporary.c_str(), final_path.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(temporary.c_str());
    return failed("cannot write", final_path, error);
  }

  // The rename itself survives a crash only once the directory entry is synced.
  int directory_fd = ::open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd < 0) return failed("cannot open spool directory", directory_, errno);
  error = ::fsync(directory_fd) != 0 ? errno : 0;
  ::close(directory_fd);
  if (error != 0) return failed("cannot sync spool directory", directory_, error);
  return {Delivery::Outcome::sent, final_path};
}

}  // namespace liaison::mail
