#include "util/result.hpp"

namespace lcd {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::invalid: return "invalid";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::conflict: return "conflict";
    case ErrorKind::precondition: return "precondition";
    case ErrorKind::throttled: return "throttled";
    case ErrorKind::auth: return "auth";
    case ErrorKind::network: return "network";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::server: return "server";
    case ErrorKind::io: return "io";
    case ErrorKind::internal: return "internal";
  }
  return "internal";
}

std::string Error::describe() const {
  std::string out;
  if (!code.empty()) {
    out += code;
    if (http_status != 0) out += " (" + std::to_string(http_status) + ")";
    out += ": ";
  }
  out += message;
  if (!request_id.empty()) out += " [request " + request_id + "]";
  return out;
}

}  // namespace lcd
