#pragma once

// What the app-level tests (tests/integration/app/) share to drive the real `liaison` binary
// against real mail peers: running the binary, loopback ports, a real SMTP peer
// (tests/support/smtp_sink.py) and reading the messages it received, and polling with a
// deadline. Header-only: it needs LIAISON_BINARY, which only those test targets define.
#include <arpa/inet.h>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <netinet/in.h>
#include <signal.h>
#include <sstream>
#include <stdexcept>
#include <stdlib.h>
#include <string>
#include <string_view>
#include <strings.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "support/process.h"

namespace liaison::testing {

using Environment = std::map<std::string, std::string>;

//! tests/ of the source tree. __FILE__ will not do: ccache's base_dir makes it relative to the
//! build directory, and the tests run elsewhere.
inline std::filesystem::path tests_directory() {
#ifdef LIAISON_SOURCE_DIR
  return std::filesystem::path(LIAISON_SOURCE_DIR) / "tests";
#else
  return std::filesystem::path(__FILE__).parent_path().parent_path();
#endif
}

#ifdef LIAISON_BINARY
//! Runs `liaison ARGUMENTS…` to completion with `environment` (LIAISON_* settings).
inline ProcessResult liaison(std::vector<std::string> arguments, const Environment& environment) {
  arguments.insert(arguments.begin(), LIAISON_BINARY);
  return run_process(std::move(arguments), environment);
}
#endif

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

//! A short directory directly under /tmp: gpg's socket paths are limited in length.
inline std::filesystem::path make_short_directory() {
  char pattern[] = "/tmp/lmf-XXXXXX";
  const char* made = mkdtemp(pattern);
  if (made == nullptr) throw std::runtime_error("mkdtemp failed");
  return std::filesystem::path(made);
}

//! A loopback TCP port that was free a moment ago.
inline int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return 0;
  }
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

//! True when something accepts TCP connections on the loopback `port`.
inline bool accepting(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  bool connected = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return connected;
}

//! The port in the server's start line "… on http://127.0.0.1:PORT/ …"; 0 when absent.
inline std::uint16_t serving_port(const std::string& line) {
  constexpr std::string_view kPrefix = "http://127.0.0.1:";
  auto start = line.find(kPrefix);
  if (start == std::string::npos) return 0;
  return static_cast<std::uint16_t>(std::stoi(line.substr(start + kPrefix.size())));
}

//! The value of the first header line named `name` (case-insensitive); empty when absent.
inline std::string header_value(const std::string& message, std::string_view name) {
  std::istringstream in(message);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;  // end of the header
    if (line.size() > name.size() && line[name.size()] == ':' &&
        strncasecmp(line.c_str(), std::string(name).c_str(), name.size()) == 0) {
      auto value = line.substr(name.size() + 1);
      auto start = value.find_first_not_of(' ');
      return start == std::string::npos ? "" : value.substr(start);
    }
  }
  return "";
}

//! The message with quoted-printable soft line breaks ("=" at a line's end) removed, so that a
//! link or a sentence folded by the encoding can be searched for whole.
inline std::string unfold_soft_breaks(const std::string& message) {
  std::string unfolded;
  unfolded.reserve(message.size());
  for (std::size_t i = 0; i < message.size(); ++i) {
    if (message.compare(i, 3, "=\r\n") == 0) {
      i += 2;
      continue;
    }
    if (message.compare(i, 2, "=\n") == 0) {
      i += 1;
      continue;
    }
    unfolded += message[i];
  }
  return unfolded;
}

//! The .eml files a sink or spool directory holds (complete ones: not hidden).
inline std::vector<std::filesystem::path> messages_in(const std::filesystem::path& directory) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    auto name = entry.path().filename().string();
    if (!name.starts_with(".") && name.ends_with(".eml")) files.push_back(entry.path());
  }
  return files;
}

//! Waits until `done()` or the timeout, polling every 100 ms; returns done().
template <class Done>
bool wait_until(Done done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

//! tests/support/smtp_sink.py as a child process, writing each message to `directory`.
class Sink {
 public:
  explicit Sink(std::filesystem::path directory) : directory_(std::move(directory)) {
    using namespace std::chrono_literals;
    std::filesystem::create_directories(directory_);
    auto ready = directory_.parent_path() / (directory_.filename().string() + ".port");
    std::filesystem::remove(ready);
    process_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/bin/python3", script().string(), "--port", "0", "--dir",
                                 directory_.string(), "--ready-file", ready.string()},
        Environment{});
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      if (std::filesystem::exists(ready)) port_ = std::stoi(read_file(ready));
      if (port_ == 0) std::this_thread::sleep_for(50ms);
    }
    if (port_ == 0) throw std::runtime_error("the SMTP sink did not start");
  }
  ~Sink() { stop(); }
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  const std::filesystem::path& directory() const { return directory_; }
  void stop() {
    if (!process_) return;
    process_->signal(SIGTERM);
    process_->finish(std::chrono::seconds(10));
    process_.reset();
  }

 private:
  static std::filesystem::path script() { return tests_directory() / "support" / "smtp_sink.py"; }

  std::filesystem::path directory_;
  int port_ = 0;
  std::unique_ptr<Process> process_;
};

}  // namespace liaison::testing
