#include "local/s3/bucket_rules.hpp"

#include "util/strings.hpp"

namespace lcd::local::s3 {
namespace {

bool all_of(std::string_view text, bool (*pred)(char)) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!pred(c)) return false;
  }
  return true;
}

bool lower(char c) { return c >= 'a' && c <= 'z'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

ApiError illegal_constraint(const std::string& shown) {
  return make_api_error(400, "IllegalLocationConstraintException",
                        "The " + shown + " location constraint is incompatible for the region specific endpoint this "
                        "request was sent to.");
}

}  // namespace

bool is_region_name(std::string_view text) {
  auto parts = split(text, '-');
  if (parts.size() < 3) return false;
  if (!all_of(parts.back(), digit)) return false;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (!all_of(parts[i], lower)) return false;
  }
  return true;
}

ApiResult<std::string> bucket_region_for(const std::string& request_region, const std::string& location_constraint) {
  if (location_constraint.empty()) {
    if (request_region == "us-east-1") return std::string("us-east-1");
    return api_fail(illegal_constraint("unspecified"));
  }
  std::string region = location_constraint == "EU" ? "eu-west-1" : location_constraint;
  if (location_constraint == "us-east-1" || !is_region_name(region)) {
    return api_fail(make_api_error(400, "InvalidLocationConstraint", "The specified location-constraint is not valid"));
  }
  if (region != request_region && request_region != "us-east-1") return api_fail(illegal_constraint(location_constraint));
  return region;
}

std::optional<ApiError> bucket_access_error(const BucketRequest& request, const std::string& bucket_region,
                                            const std::string& owner) {
  if (request.is_signed && request.check_region && request.region != bucket_region) {
    ApiError e = request.presigned
                     ? make_api_error(400, "AuthorizationQueryParametersError",
                                      "Error parsing the X-Amz-Credential parameter; the region '" + request.region +
                                          "' is wrong; expecting '" + bucket_region + "'")
                     : make_api_error(400, "AuthorizationHeaderMalformed",
                                      "The authorization header is malformed; the region '" + request.region +
                                          "' is wrong; expecting '" + bucket_region + "'");
    e.extra.emplace_back("Region", bucket_region);
    return e;
  }
  if (request.account != owner) return make_api_error(403, "AccessDenied", "Access Denied");
  return std::nullopt;
}

}  // namespace lcd::local::s3
