// The fuzz build compiles everything with BOOST_ENABLE_ASSERT_HANDLER (fuzz/CMakeLists.txt), so
// a failed BOOST_ASSERT in Boost's headers or in the project lands here instead of in assert().
// Every failure aborts — libFuzzer reports it as a crash — except the known false assertions
// listed below: upstream bugs in the assertion itself, with the code after it correct (it is
// what release builds, compiled with NDEBUG, run). Each entry names the upstream fix and
// applies only to Boost versions without it, so an upgrade makes it disappear.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <boost/version.hpp>

namespace {

bool ends_with(const char* text, const char* suffix) {
  std::size_t text_length = std::strlen(text);
  std::size_t suffix_length = std::strlen(suffix);
  return text_length >= suffix_length &&
         std::strcmp(text + text_length - suffix_length, suffix) == 0;
}

bool known_false_assertion(const char* expr, const char* file) {
#if BOOST_VERSION < 108600
  // Beast's chunked-body parser asserts `n >= 5` when the final chunk "0\r\n" was seen and the
  // next put() brings fewer than 5 bytes, as it does when a client sends "0\r\n\r\n" a byte at a
  // time; with no CRLF of a previous chunk in front, 3 or 4 bytes are legitimate and the code
  // that follows returns need_more correctly. Fixed upstream by boostorg/beast pull request
  // #2861 (May 2024, after Boost 1.85); Debian 12 ships Boost 1.81.
  if (std::strcmp(expr, "n >= 5") == 0 && ends_with(file, "boost/beast/http/impl/basic_parser.ipp"))
    return true;
#endif
  (void)expr;
  (void)file;
  return false;
}

[[noreturn]] void fail(const char* expr, const char* msg, const char* function, const char* file,
                       long line) {
  std::fprintf(stderr, "%s:%ld: %s: BOOST_ASSERT(%s) failed%s%s\n", file, line, function, expr,
               msg ? ": " : "", msg ? msg : "");
  std::abort();
}

}  // namespace

namespace boost {

void assertion_failed(const char* expr, const char* function, const char* file, long line) {
  if (known_false_assertion(expr, file)) return;
  fail(expr, nullptr, function, file, line);
}

void assertion_failed_msg(const char* expr, const char* msg, const char* function, const char* file,
                          long line) {
  if (known_false_assertion(expr, file)) return;
  fail(expr, msg, function, file, line);
}

}  // namespace boost
