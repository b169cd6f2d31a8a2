#include "local/pagination.hpp"

#include <charconv>

#include "util/encoding.hpp"

namespace lcd::local {
namespace {
constexpr std::string_view k_marker_prefix = "lcd1:";
}

ApiResult<int> page_size(const HttpRequest& request, int cap) {
  if (!request.has_query_param("MaxItems")) return std::min(k_default_page_size, cap);
  std::string text = request.query_param("MaxItems");
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return api_fail(invalid_parameter("Invalid value for MaxItems: " + text));
  }
  if (value < 1) {
    return api_fail(constraint_violation(text, "maxItems", "Member must have value greater than or equal to 1"));
  }
  if (value > 10000) {
    return api_fail(constraint_violation(text, "maxItems", "Member must have value less than or equal to 10000"));
  }
  return static_cast<int>(std::min<long long>(value, cap));
}

std::string encode_marker(const std::string& key) { return base64_encode(std::string(k_marker_prefix) + key); }

ApiResult<std::string> decode_marker(const std::string& marker) {
  auto raw = base64_decode(marker);
  if (!raw || raw->rfind(k_marker_prefix, 0) != 0) {
    return api_fail(invalid_parameter("Invalid marker: " + marker));
  }
  return raw->substr(k_marker_prefix.size());
}

}  // namespace lcd::local
