#pragma once
// Errors as values. Every fallible operation at an I/O boundary returns Result<T>;
// the kind is what retry and exit-code logic branch on, never the message text.

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace lcd {

enum class ErrorKind {
  invalid,       // the caller's input is wrong (4xx validation, bad config, bad zip)
  not_found,     // the named thing does not exist
  conflict,      // state forbids it now (409: exists, update in progress, referenced)
  precondition,  // a compare-and-swap guard failed (412 RevisionId)
  throttled,     // slow down and retry (429, Throttling*)
  auth,          // credentials missing or rejected
  network,       // connection refused/reset, DNS, TLS
  timeout,       // a deadline passed
  server,        // the far side failed (5xx)
  io,            // local file system or process failure
  internal,      // a bug or an impossible state
};

const char* to_string(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;
  // AWS detail, filled when the error came from an AWS-shaped response.
  std::string code;         // e.g. "ResourceConflictException"
  int http_status = 0;      // 0 when no HTTP exchange happened
  std::string request_id;
  long retry_after_ms = -1; // from Retry-After, -1 when absent
  // network: no connection was made (refused, unresolvable host), so nothing reached the far side.
  bool unreachable = false;

  // "ResourceConflictException (409): message [request id]"
  std::string describe() const;
};

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(ErrorKind kind, std::string message) {
  return tl::unexpected<Error>(Error{kind, std::move(message)});
}
inline tl::unexpected<Error> fail(Error error) { return tl::unexpected<Error>(std::move(error)); }

// Thrown only to reach the top level, which prints "lambda-cd: error: <what>".
class Fatal : public std::exception {
 public:
  explicit Fatal(std::string message, int exit_code = 1)
      : m_message(std::move(message)), m_exit_code(exit_code) {}
  const char* what() const noexcept override { return m_message.c_str(); }
  int exit_code() const { return m_exit_code; }

 private:
  std::string m_message;
  int m_exit_code;
};

// Returns the value or throws Fatal with `prefix` + the error's description.
template <class T>
T value_or_throw(Result<T> result, const std::string& prefix = "") {
  if (!result) throw Fatal(prefix + result.error().describe());
  return std::move(*result);
}

}  // namespace lcd
