#pragma once
// EC2 instance role credentials through IMDSv2: PUT /latest/api/token (TTL 6 h), then
// GET /latest/meta-data/iam/security-credentials/ for the role name and .../<role> for the keys, each
// with X-aws-ec2-metadata-token. A token refused with 403/404/405 falls back to IMDSv1 unless
// ec2_metadata_v1_disabled. Endpoint: AWS_EC2_METADATA_SERVICE_ENDPOINT, the profile's
// ec2_metadata_service_endpoint, or http://169.254.169.254 (http://[fd00:ec2::254] in IPv6 mode).
// AWS_EC2_METADATA_DISABLED=true turns it off; no answer (not on EC2) means "not configured".

#include <memory>

#include "aws/shared_config.hpp"

namespace lcd::aws {

class InstanceMetadataCredentials final : public CredentialProvider {
 public:
  InstanceMetadataCredentials(CredentialIo io, std::optional<IniSection> profile)
      : m_io(std::move(io)), m_profile(std::move(profile)) {}
  std::string name() const override { return "EC2 instance metadata (IMDSv2)"; }
  Result<CredentialLookup> load() override;
  // The base URL in use, for messages and tests.
  std::string endpoint() const;

 private:
  CredentialIo m_io;
  std::optional<IniSection> m_profile;
};

}  // namespace lcd::aws
