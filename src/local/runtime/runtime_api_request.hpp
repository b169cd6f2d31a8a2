#pragma once
// Incremental HTTP/1.1 request parsing for the Runtime API: bytes in, complete requests out, no I/O.
// Handles what runtime clients send: Content-Length and chunked bodies, pipelined requests,
// `Expect: 100-continue` (curl sends it for larger POST bodies), keep-alive and `Connection: close`.

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace lcd::local::runtime {

struct RuntimeApiRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // request target as sent, e.g. /2018-06-01/runtime/invocation/next
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  bool keep_alive = true;

  std::string header(const std::string& lower_name) const;
};

class RuntimeApiRequestParser {
 public:
  explicit RuntimeApiRequestParser(size_t max_body_bytes);
  ~RuntimeApiRequestParser();
  RuntimeApiRequestParser(const RuntimeApiRequestParser&) = delete;
  RuntimeApiRequestParser& operator=(const RuntimeApiRequestParser&) = delete;

  // Consumes all of `bytes`, appending every request completed by them to `out`. An error (kind
  // invalid; http_status 413 for a body over the limit, else 400) leaves the parser unusable: the
  // connection must be answered and closed.
  Result<void> feed(std::string_view bytes, std::vector<RuntimeApiRequest>& out);

  // True once per request whose headers asked `Expect: 100-continue` and whose body has not arrived.
  bool take_continue_request();

  struct State;

 private:
  std::unique_ptr<State> m_state;
};

}  // namespace lcd::local::runtime
