#pragma once
// The endpoint's own HTTP request/response types, independent of the server library.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lcd::local {

using HeaderList = std::vector<std::pair<std::string, std::string>>;
using QueryList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;        // "GET", "POST", ...
  std::string raw_path;      // as sent, still percent-encoded, without the query
  std::string raw_query;     // as sent, without '?'
  std::string path;          // percent-decoded once
  QueryList query;           // decoded names and values, in order
  HeaderList headers;        // names as sent
  std::string body;
  std::string remote_addr;
  int remote_port = -1;
  int local_port = -1;

  // Case-insensitive; the first value, or "" when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  // The first value of a query parameter, or "" when absent.
  std::string query_param(std::string_view name) const;
  bool has_query_param(std::string_view name) const;
  std::vector<std::string> query_params(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;
  std::string body;
  std::string content_type = "application/json";
  // Fault injection: drop the connection with a TCP reset instead of answering.
  bool reset_connection = false;

  void set_header(std::string name, std::string value);
};

// Splits "a=1&b=%24x" into decoded pairs; malformed escapes are kept verbatim.
QueryList parse_query_string(std::string_view raw_query);

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Must not throw; called concurrently from the server's worker threads.
  virtual HttpResponse handle(const HttpRequest& request) = 0;
};

}  // namespace lcd::local
