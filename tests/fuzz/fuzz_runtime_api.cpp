// The Runtime API request parser (what a function's runtime sends): the input's first byte picks
// where the bytes are split into reads, so every request boundary is also a read boundary once.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "local/runtime/runtime_api_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t step = 1 + data[0] % 64;
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  lcd::local::runtime::RuntimeApiRequestParser parser(4096);
  std::vector<lcd::local::runtime::RuntimeApiRequest> out;
  while (!bytes.empty()) {
    auto piece = bytes.substr(0, step);
    bytes.remove_prefix(piece.size());
    auto fed = parser.feed(piece, out);
    (void)parser.take_continue_request();
    if (!fed) break;
  }
  for (const auto& r : out) {
    if (r.body.size() > 4096) __builtin_trap();  // the body limit was not kept
    (void)r.header("content-type");
  }
  return 0;
}
