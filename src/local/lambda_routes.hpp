#pragma once
// The REST routes of every operation in the Lambda service model (botocore
// data/lambda/2015-03-31/service-2.json, requestUri and method), so a request can be named by its
// operation whether or not this endpoint serves it.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "local/protocol/http_types.hpp"

namespace lcd::local {

struct LambdaRoute {
  std::string_view operation;                               // e.g. "GetFunction"
  std::vector<std::pair<std::string_view, std::string>> labels;  // {"FunctionName", "<decoded segment>"}

  const std::string& label(std::string_view name) const;
};

// The operation `method` + decoded path `segments` (+ the query a route requires, e.g.
// ?find=LayerVersion) address; nullopt when no operation of the model has that route.
std::optional<LambdaRoute> match_lambda_route(const std::string& method, const std::vector<std::string>& segments,
                                              const HttpRequest& request);

// Whether a raw path starts with one of the model's API version prefixes ("/2015-03-31/", ...).
bool is_lambda_api_path(std::string_view raw_path);

}  // namespace lcd::local
