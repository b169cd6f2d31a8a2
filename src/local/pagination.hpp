#pragma once
// Lambda list pagination (aws-api-notes §2.7): MaxItems 1-10000 capped per operation, opaque
// NextMarker naming the last item returned, stable order.

#include <optional>
#include <string>

#include "local/aws_error.hpp"
#include "local/protocol/http_types.hpp"

namespace lcd::local {

constexpr int k_default_page_size = 50;

// Page size from the MaxItems query parameter: default 50, at most `cap`. MaxItems outside
// 1..10000 or not a number -> ValidationException.
ApiResult<int> page_size(const HttpRequest& request, int cap);

// Markers are base64 of "lcd1:" + the position key; anything else is InvalidParameterValueException.
std::string encode_marker(const std::string& key);
ApiResult<std::string> decode_marker(const std::string& marker);

}  // namespace lcd::local
