#pragma once
// Where a bucket lives and who may reach it (aws-api-notes-2 §17.3): CreateBucket's
// LocationConstraint rules, and the answer a request gets when it is signed for another region than
// the bucket's (which AWS CLI v2 and boto3 follow by re-signing for the bucket's region) or comes
// from another account than the owner's. Pure.

#include <optional>
#include <string>
#include <string_view>

#include "local/protocol/api_error.hpp"

namespace lcd::local::s3 {

// "eu-west-1", "us-gov-west-1", "cn-north-1": the shape of a region name.
bool is_region_name(std::string_view text);

// The region CreateBucket puts a bucket in, from the region the request was signed for and the
// body's LocationConstraint ("" when none): none means us-east-1 and is valid only there; "EU" is
// eu-west-1; an explicit "us-east-1" is InvalidLocationConstraint; otherwise it must equal the
// request's region, except that a request signed for us-east-1 (AWS's global endpoint, which this
// endpoint cannot tell apart) may name any region.
ApiResult<std::string> bucket_region_for(const std::string& request_region, const std::string& location_constraint);

struct BucketRequest {
  std::string region;      // the region the request was signed for
  std::string account;     // the account it acts for
  bool is_signed = false;  // unsigned requests are not held to a region
  bool presigned = false;  // signed in the query string (X-Amz-Credential)
  bool check_region = true;  // false for GetBucketLocation, which answers from any region
};

// nullopt when the request may go ahead on a bucket in `bucket_region` owned by `owner`. Otherwise:
// 400 AuthorizationHeaderMalformed (presigned: AuthorizationQueryParametersError) naming the
// expected region in <Region>; 403 AccessDenied for another account.
std::optional<ApiError> bucket_access_error(const BucketRequest& request, const std::string& bucket_region,
                                            const std::string& owner);

}  // namespace lcd::local::s3
