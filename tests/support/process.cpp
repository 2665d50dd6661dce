#include "support/process.h"

#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace liaison::testing {
namespace {

// Reads what is available from `fd` into `into`; false at end of file.
bool drain(int fd, std::string& into) {
  char buffer[4096];
  auto count = ::read(fd, buffer, sizeof buffer);
  if (count <= 0) return false;
  into.append(buffer, static_cast<std::size_t>(count));
  return true;
}

}  // namespace

Process::Process(std::vector<std::string> arguments,
                 std::map<std::string, std::string> environment) {
  int output[2];
  int errors[2];
  if (::pipe2(output, O_CLOEXEC) != 0 || ::pipe2(errors, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  // The child gets the parent's environment minus LIAISON_* settings, plus the given ones.
  std::vector<std::string> variables;
  for (char** entry = environ; *entry; ++entry) {
    if (std::strncmp(*entry, "LIAISON_", 8) != 0) variables.emplace_back(*entry);
  }
  for (const auto& [name, value] : environment)
    variables.push_back(name + "=" + value);
  std::vector<char*> argv;
  for (auto& argument : arguments)
    argv.push_back(argument.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& variable : variables)
    envp.push_back(variable.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, output[1], 1);
  posix_spawn_file_actions_adddup2(&actions, errors[1], 2);
  int failed = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(output[1]);
  ::close(errors[1]);
  output_fd_ = output[0];
  error_fd_ = errors[0];
  if (failed != 0) throw std::runtime_error("cannot start " + arguments.front());
}

Process::~Process() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (output_fd_ >= 0) ::close(output_fd_);
  if (error_fd_ >= 0) ::close(error_fd_);
}

std::optional<std::string> Process::wait_for_error_line(const std::string& text,
                                                        std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t searched = 0;
  for (;;) {
    auto found = errors_.find(text, searched);
    if (found != std::string::npos) {
      auto start = errors_.rfind('\n', found);
      start = start == std::string::npos ? 0 : start + 1;
      return errors_.substr(start, errors_.find('\n', found) - start);
    }
    searched = errors_.size() > text.size() ? errors_.size() - text.size() : 0;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd descriptors[] = {{error_fd_, POLLIN, 0}, {output_fd_, POLLIN, 0}};
    if (::poll(descriptors, 2, static_cast<int>(left.count())) <= 0) continue;
    bool open = false;
    if (descriptors[0].revents) open |= drain(error_fd_, errors_);
    if (descriptors[1].revents) open |= drain(output_fd_, output_);
    if (!open && descriptors[0].revents & POLLHUP) return std::nullopt;
  }
}

void Process::signal(int number) {
  ::kill(pid_, number);
}

ProcessResult Process::finish(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool output_open = true;
  bool errors_open = true;
  while (output_open || errors_open) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd descriptors[] = {{output_open ? output_fd_ : -1, POLLIN, 0},
                            {errors_open ? error_fd_ : -1, POLLIN, 0}};
    if (::poll(descriptors, 2, static_cast<int>(left.count())) <= 0) continue;
    if (descriptors[0].revents) output_open = drain(output_fd_, output_);
    if (descriptors[1].revents) errors_open = drain(error_fd_, errors_);
  }
  ProcessResult result;
  int status = 0;
  if (output_open || errors_open) ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  if (WIFEXITED(status) && !(output_open || errors_open)) result.exit_code = WEXITSTATUS(status);
  result.output = output_;
  result.errors = errors_;
  return result;
}

ProcessResult run_process(std::vector<std::string> arguments,
                          std::map<std::string, std::string> environment,
                          std::chrono::milliseconds timeout) {
  Process process(std::move(arguments), std::move(environment));
  return process.finish(timeout);
}

}  // namespace liaison::testing
