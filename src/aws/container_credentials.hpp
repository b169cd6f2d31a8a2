#pragma once
// Container credentials (ECS tasks, EKS Pod Identity, CodeBuild): GET
// http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, or $AWS_CONTAINER_CREDENTIALS_FULL_URI
// (https anywhere; http only to a loopback address or the ECS/EKS agent hosts), with
// "Authorization: <token>" from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read at every fetch) or
// AWS_CONTAINER_AUTHORIZATION_TOKEN. Up to 3 attempts, 1 s apart, on network errors and 5xx.

#include "aws/credential_provider.hpp"

namespace lcd::aws {

class ContainerCredentials final : public CredentialProvider {
 public:
  explicit ContainerCredentials(CredentialIo io) : m_io(std::move(io)) {}
  std::string name() const override { return "container credentials"; }
  Result<CredentialLookup> load() override;

 private:
  CredentialIo m_io;
};

// Whether an http:// FULL_URI host may be used: loopback (127.0.0.0/8, ::1, localhost) or
// 169.254.170.2, 169.254.170.23, fd00:ec2::23.
bool allowed_container_host(const std::string& host);

}  // namespace lcd::aws
