#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/system/result.hpp>

namespace liaison {

//! What went wrong, in terms a caller can act on. Each layer maps it to its own surface:
//! an HTTP status in web/, an exit code in app/.
enum class ErrorCode {
  invalid_argument,  //!< the caller's input is wrong (bad code, bad config value)
  not_found,         //!< the thing asked for does not exist
  conflict,          //!< the request clashes with the current state (duplicate, newer schema)
  unavailable,       //!< a dependency cannot be reached right now (database down)
  unauthenticated,   //!< nobody is signed in, or the credentials are wrong
  forbidden,         //!< the principal is known but the policy denies the action
  throttled,         //!< too many attempts; try again later
  internal,          //!< a bug or an unexpected state; details go to the log, not the user
};

//! One field's problem inside an invalid_argument, for a page to word in its reader's language:
//! `key` names the problem ("required", "too_long_bytes"; the catalogues say it as
//! "problem.<key>"), `arguments` fill its pattern ({"limit", "200"}), `message` is the English
//! text the error's message holds for this field.
struct ErrorDetail {
  std::string field;
  std::string message;
  std::string key{};
  std::vector<std::pair<std::string, std::string>> arguments{};

  friend bool operator==(const ErrorDetail&, const ErrorDetail&) = default;
};

//! An expected failure, carried as a value (see docs/ARCHITECTURE.md, "Errors").
struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
  //! For invalid_argument about fields: each field's problem with a stable key. `message` says
  //! the same in English ("field: message; field2: message2"); empty when there is no key.
  std::vector<ErrorDetail> details{};

  static Error invalid_argument(std::string message) {
    return {ErrorCode::invalid_argument, std::move(message)};
  }
  //! invalid_argument naming one field: the message is "field: message", with the problem's key.
  static Error invalid_field(std::string field, std::string key, std::string message,
                             std::vector<std::pair<std::string, std::string>> arguments = {}) {
    Error error{ErrorCode::invalid_argument, field + ": " + message};
    error.details.push_back(
        {std::move(field), std::move(message), std::move(key), std::move(arguments)});
    return error;
  }
  //! invalid_argument about several fields: "field: message; field2: message2", with each
  //! problem as a detail.
  static Error invalid_fields(std::vector<ErrorDetail> problems) {
    std::string text;
    for (const auto& problem : problems)
      text += (text.empty() ? "" : "; ") + problem.field + ": " + problem.message;
    Error error{ErrorCode::invalid_argument, std::move(text)};
    error.details = std::move(problems);
    return error;
  }
  static Error not_found(std::string message) { return {ErrorCode::not_found, std::move(message)}; }
  static Error conflict(std::string message) { return {ErrorCode::conflict, std::move(message)}; }
  static Error unavailable(std::string message) {
    return {ErrorCode::unavailable, std::move(message)};
  }
  static Error internal(std::string message) { return {ErrorCode::internal, std::move(message)}; }
  static Error unauthenticated(std::string message) {
    return {ErrorCode::unauthenticated, std::move(message)};
  }
  static Error forbidden(std::string message) { return {ErrorCode::forbidden, std::move(message)}; }
  static Error throttled(std::string message) { return {ErrorCode::throttled, std::move(message)}; }
};

//! Thrown only when `.value()` is called on a failed Result: a programming mistake, since
//! callers are expected to test the result first.
class ErrorException : public std::runtime_error {
 public:
  explicit ErrorException(Error error)
      : std::runtime_error(error.message), error_(std::move(error)) {}
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

[[noreturn]] inline void throw_exception_from_error(const Error& error,
                                                    const boost::source_location&) {
  throw ErrorException(error);
}

template <class T>
using Result = boost::system::result<T, Error>;

//! Returns the error of `expr` from the enclosing function when it failed.
#define LIAISON_TRY(expr)                                                    \
  do {                                                                       \
    if (auto try_result_ = (expr); !try_result_) return try_result_.error(); \
  } while (false)

}  // namespace liaison
