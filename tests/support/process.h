#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace liaison::testing {

struct ProcessResult {
  int exit_code = -1;  //!< -1 when killed by a signal or timed out
  std::string output;  //!< standard output
  std::string errors;  //!< standard error
};

//! A child process with its own environment (LIAISON_* settings) and captured output.
class Process {
 public:
  Process(std::vector<std::string> arguments, std::map<std::string, std::string> environment);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  //! Reads standard error until a line contains `text`; returns that line.
  std::optional<std::string> wait_for_error_line(const std::string& text,
                                                 std::chrono::milliseconds timeout);
  void signal(int number);
  //! Waits for the process to exit, collecting the rest of its output; kills it on timeout.
  ProcessResult finish(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int output_fd_ = -1;
  int error_fd_ = -1;
  std::string output_;
  std::string errors_;
};

//! Runs a command to completion.
ProcessResult run_process(std::vector<std::string> arguments,
                          std::map<std::string, std::string> environment,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace liaison::testing
