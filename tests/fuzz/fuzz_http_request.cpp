// The local endpoint's request path: the bytes of one connection go through the HTTP server's own
// parsing (request line, headers, Content-Length and chunked bodies, pipelining) into a handler
// that runs every pure step a request takes before reaching a service's store: query string,
// wire protocol detection, SigV4 parsing and verification, JSON RPC target, function names in the
// path, the S3 object body (aws-chunked decoding, checksums) and stored headers.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "local/function_name.hpp"
#include "local/http_server.hpp"
#include "local/protocol/json_rpc.hpp"
#include "local/protocol/query_request.hpp"
#include "local/protocol/wire_protocol.hpp"
#include "local/request_auth.hpp"
#include "local/s3/request_body.hpp"

namespace {

class PureSteps : public lcd::local::HttpHandler {
 public:
  lcd::local::HttpResponse handle(const lcd::local::HttpRequest& request) override {
    lcd::local::HttpResponse response;
    (void)lcd::local::detect_wire_protocol(request);
    auto auth = lcd::local::parse_sigv4_authorization(request);
    const lcd::local::CredentialMap credentials = {{"test", "test"}, {"AKIDEXAMPLE", "secret"}};
    auto verified = lcd::local::verify_signature(request, auth, credentials,
                                                 std::chrono::system_clock::time_point(std::chrono::seconds(1795780800)),
                                                 std::chrono::minutes(15),
                                                 request.raw_path.rfind("/2015-03-31/", 0) == 0
                                                     ? lcd::local::SignatureDialect::rest_json
                                                     : lcd::local::SignatureDialect::s3);
    response.status = verified ? 200 : verified.error().status;
    (void)lcd::local::parse_json_rpc_target(request.header("X-Amz-Target"));
    lcd::local::QueryRequest query(request);
    (void)query.list("Parameters");
    (void)query.structs("Tags");
    for (size_t at = 0; at < request.path.size();) {
      size_t slash = request.path.find('/', at);
      auto segment = std::string_view(request.path).substr(at, slash == std::string::npos ? std::string::npos : slash - at);
      if (!segment.empty()) {
        (void)lcd::local::match_function_name(segment, lcd::local::NameShape::plain);
        (void)lcd::local::match_function_name(segment, lcd::local::NameShape::namespaced);
      }
      if (slash == std::string::npos) break;
      at = slash + 1;
    }
    auto body = lcd::local::s3::decode_object_body(request);
    if (body) response.body = std::to_string(body->bytes.size());
    (void)lcd::local::s3::stored_headers(request);
    return response;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static PureSteps handler;
  static lcd::local::HttpServer server(lcd::local::HttpServerOptions{"127.0.0.1", 0, 1, 1 << 20, 5}, handler);
  (void)server.serve_connection_bytes(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
