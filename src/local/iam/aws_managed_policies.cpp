#include "local/iam/aws_managed_policies.hpp"

namespace lcd::local::iam {

const std::vector<AwsManagedPolicy>& known_aws_managed_policies() {
  static const std::vector<AwsManagedPolicy> policies = {
      {"arn:aws:iam::aws:policy/AdministratorAccess", "AdministratorAccess", "/",
       "Provides full access to AWS services and resources.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"},
      {"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "AWSLambdaBasicExecutionRole",
       "/service-role/", "Provides write permissions to CloudWatch Logs.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup",)"
       R"("logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]})"},
      {"arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole", "AWSLambdaVPCAccessExecutionRole",
       "/service-role/",
       "Provides minimum permissions for a Lambda function to execute while accessing a resource within a VPC - "
       "create, describe, delete network interfaces and write permissions to CloudWatch Logs.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup",)"
       R"("logs:CreateLogStream","logs:PutLogEvents","ec2:CreateNetworkInterface","ec2:DescribeNetworkInterfaces",)"
       R"("ec2:DescribeSubnets","ec2:DeleteNetworkInterface","ec2:AssignPrivateIpAddresses",)"
       R"("ec2:UnassignPrivateIpAddresses"],"Resource":"*"}]})"},
      {"arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess", "AWSXRayDaemonWriteAccess", "/",
       "Allow the AWS X-Ray Daemon to relay raw trace segments data to the service's API and retrieve sampling data "
       "(rules, targets, etc.) to be used by the X-Ray SDK.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["xray:PutTraceSegments",)"
       R"("xray:PutTelemetryRecords","xray:GetSamplingRules","xray:GetSamplingTargets",)"
       R"("xray:GetSamplingStatisticSummaries"],"Resource":["*"]}]})"},
  };
  return policies;
}

std::optional<AwsManagedPolicy> find_aws_managed_policy(std::string_view arn) {
  for (const auto& p : known_aws_managed_policies()) {
    if (p.arn == arn) return p;
  }
  return std::nullopt;
}

}  // namespace lcd::local::iam
