// Every XML response lambda-cd's client reads: S3 (ListObjectsV2, CreateMultipartUpload,
// CompleteMultipartUpload), CloudFormation (stack id, DescribeStacks, DescribeStackEvents,
// DescribeStackResources, ValidateTemplate), STS AssumeRole / AssumeRoleWithWebIdentity (the
// credential chain) and error bodies of all three protocols.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aws/error_parser.hpp"
#include "aws/sts_calls.hpp"
#include "clients/cloudformation_client.hpp"
#include "clients/s3_client.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  namespace c = lcd::clients;
  (void)c::parse_list_objects_v2(xml);
  (void)c::parse_initiate_multipart_upload(xml);
  (void)c::parse_complete_multipart_upload(xml);
  (void)c::parse_stack_id_response(xml, "CreateStack");
  (void)c::parse_describe_stacks(xml);
  (void)c::parse_describe_stack_events(xml);
  (void)c::parse_describe_stack_resources(xml);
  (void)c::parse_validate_template(xml);
  (void)lcd::aws::parse_sts_credentials(xml, "AssumeRole");
  (void)lcd::aws::parse_sts_credentials(xml, "AssumeRoleWithWebIdentity");
  const lcd::aws::HeaderList headers = {{"Retry-After", "1"}};
  for (auto protocol : {lcd::aws::Protocol::rest_xml, lcd::aws::Protocol::query_xml, lcd::aws::Protocol::rest_json}) {
    for (int status : {400, 403, 503}) (void)lcd::aws::parse_error_response(protocol, status, headers, xml, "GET");
  }
  return 0;
}
