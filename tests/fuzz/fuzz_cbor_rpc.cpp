// RPC v2 CBOR requests as the local endpoint decodes them for CloudWatch: the input is a path line,
// "Name: value" header lines up to an empty line, then the body (bytes). Runs what a request meets
// before the service's store: wire-protocol detection, the /service/<S>/operation/<Op> path, the
// CBOR body decoded into an input document (tags dropped, nulls left out) and read member by member
// the way operations read it (RpcInput: strings, numbers, timestamps, structures, lists), and the
// answer encoded back. Invariant: the endpoint's own CBOR of a decoded input decodes again to the
// same encoding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "local/protocol/cbor_rpc.hpp"
#include "local/protocol/rpc_input.hpp"
#include "local/protocol/wire_protocol.hpp"

namespace {

using lcd::local::RpcInput;

// Every member read every way an operation may read it, structures and lists below too.
void walk(const RpcInput& input, int depth) {
  if (depth > 8) return;
  for (const auto& name : input.names()) {
    (void)input.has(name);
    (void)input.string(name);
    (void)input.number(name);
    (void)input.integer(name);
    (void)input.boolean(name);
    (void)input.timestamp_ms(name);
    (void)input.strings(name);
    (void)input.numbers(name);
    (void)input.path_of(name);
    walk(input.child(name), depth + 1);
    for (const auto& item : input.list(name)) walk(item, depth + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  lcd::local::HttpRequest request;
  request.method = "POST";
  auto take_line = [&rest]() {
    auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    return line;
  };
  request.raw_path = std::string(take_line());
  request.path = request.raw_path;
  while (!rest.empty()) {
    std::string_view line = take_line();
    if (line.empty()) break;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  request.body = std::string(rest);

  (void)lcd::local::detect_wire_protocol(request);
  auto target = lcd::local::parse_cbor_rpc_path(request.raw_path);
  if (target && (target->service.empty() || target->operation.empty())) __builtin_trap();

  auto input = RpcInput::decode(request, lcd::local::WireProtocol::rpc_v2_cbor);
  if (!input) {
    if (input.error().status != 400) __builtin_trap();
    // The error the endpoint answers is itself well-formed CBOR naming the code.
    auto error = lcd::local::decode_cbor_request(lcd::local::cbor_rpc_error(input.error(), "req").body);
    if (!error || error->value("__type", std::string()) != input.error().code) __builtin_trap();
    return 0;
  }
  walk(*input, 0);

  auto decoded = lcd::local::decode_cbor_request(request.body);
  if (!decoded || !decoded->is_object()) __builtin_trap();  // RpcInput::decode accepted it
  std::string encoded = lcd::local::encode_cbor_document(*decoded);
  auto again = lcd::local::decode_cbor_request(encoded);
  if (!again) __builtin_trap();
  if (lcd::local::encode_cbor_document(*again) != encoded) __builtin_trap();
  (void)lcd::local::cbor_rpc_response(*decoded, "req");
  return 0;
}
