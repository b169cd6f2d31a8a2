#include <gtest/gtest.h>

#include <atomic>

#include "aws/container_credentials.hpp"
#include "aws/instance_metadata_credentials.hpp"
#include "credential_fixture.hpp"
#include "loopback_server.hpp"

namespace lcd::aws {
namespace {

using test::FakeIo;
using test::LoopbackServer;
using test::ReceivedRequest;
using test::Reply;

const char* k_keys =
    R"({"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAMETA","SecretAccessKey":"metasecret",)"
    R"("Token":"metatoken","Expiration":"2026-11-26T18:00:00Z"})";

// Real HTTP over loopback through the same short-timeout curl transport production uses.
std::shared_ptr<Transport> metadata_transport() {
  TransportOptions options;
  options.connect_timeout = std::chrono::milliseconds(1000);
  options.total_timeout = std::chrono::milliseconds(2000);
  return make_curl_transport(options);
}

TEST(ContainerCredentials, FullUriWithTheAuthorizationTokenFile) {
  LoopbackServer agent([](const ReceivedRequest& r) {
    if (r.target != "/v1/credentials?id=7" || r.header("Authorization") != "token-from-file")
      return Reply{401, {}, R"({"message":"bad token"})"};
    return Reply{200, {{"Content-Type", "application/json"}}, k_keys};
  });
  FakeIo fake;
  fake.vars["AWS_REGION"] = "eu-west-1";
  fake.vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent.url() + "/v1/credentials?id=7";
  fake.vars["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = "/var/run/token";
  fake.vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "ignored-when-the-file-is-set";
  fake.files["/var/run/token"] = "token-from-file\n";
  CredentialIo io = fake.io();
  io.metadata_transport = metadata_transport();
  auto config = resolve_aws_config({}, io);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->credentials.access_key_id, "ASIAMETA");
  EXPECT_EQ(config->credentials.session_token, "metatoken");
  EXPECT_EQ(config->credentials_source, "container credentials endpoint " + agent.url() + "/v1/credentials");
  ASSERT_NE(config->credential_cache, nullptr);
}

TEST(ContainerCredentials, RelativeUriGoesToTheEcsAgentAndTokenComesFromTheEnvironment) {
  FakeIo fake;
  fake.vars["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/uuid";
  fake.vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "Basic abc";
  fake.metadata = std::make_shared<test::HandlerTransport>([](const HttpRequest& r) -> Result<HttpResponse> {
    EXPECT_EQ(r.url, "http://169.254.170.2/v2/credentials/uuid");
    EXPECT_EQ(test::header_of(r, "Authorization"), "Basic abc");
    EXPECT_EQ(test::header_of(r, "Host"), "169.254.170.2");
    return HttpResponse{200, {}, k_keys};
  });
  ContainerCredentials provider(fake.io());
  auto found = provider.load();
  ASSERT_TRUE(found && found->credentials) << (found ? found->skipped : found.error().message);
  EXPECT_EQ(found->credentials->keys.access_key_id, "ASIAMETA");
}

TEST(ContainerCredentials, RefusesPlainHttpToOtherHostsAndRetriesServerErrors) {
  FakeIo fake;
  fake.vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://attacker.example/creds";
  ContainerCredentials refused(fake.io());
  auto r = refused.load();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("host 'attacker.example' is not allowed over http"), std::string::npos);
  EXPECT_TRUE(allowed_container_host("127.0.0.1"));
  EXPECT_TRUE(allowed_container_host("169.254.170.23"));
  EXPECT_FALSE(allowed_container_host("10.0.0.1"));

  fake.vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1:1/creds";
  int attempts = 0;
  fake.metadata = std::make_shared<test::HandlerTransport>([&](const HttpRequest&) -> Result<HttpResponse> {
    return ++attempts < 3 ? HttpResponse{503, {}, ""} : HttpResponse{200, {}, k_keys};
  });
  ContainerCredentials flaky(fake.io());
  auto ok = flaky.load();
  ASSERT_TRUE(ok && ok->credentials);
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(fake.clock.sleeps.size(), 2u);
}

// An IMDSv2 server on loopback: token first, then role name and keys, each needing the token.
struct FakeImds {
  std::atomic<int> token_requests{0};
  bool v2 = true;
  std::string role = "app-role";
  LoopbackServer server{[this](const ReceivedRequest& r) {
    if (r.method == "PUT" && r.target == "/latest/api/token") {
      ++token_requests;
      if (!v2) return Reply{403, {}, ""};
      if (r.header("X-aws-ec2-metadata-token-ttl-seconds") != "21600") return Reply{400, {}, ""};
      return Reply{200, {}, "imds-session-token"};
    }
    if (v2 && r.header("X-aws-ec2-metadata-token") != "imds-session-token") return Reply{401, {}, ""};
    if (r.target == "/latest/meta-data/iam/security-credentials/") {
      return role.empty() ? Reply{404, {}, ""} : Reply{200, {}, role + "\n"};
    }
    if (r.target == "/latest/meta-data/iam/security-credentials/" + role) return Reply{200, {}, k_keys};
    return Reply{404, {}, ""};
  }};
};

TEST(InstanceMetadataCredentials, ImdsV2TokenThenRoleThenKeys) {
  FakeImds imds;
  FakeIo fake;
  fake.vars["AWS_REGION"] = "eu-west-1";
  fake.vars.erase("AWS_EC2_METADATA_DISABLED");
  fake.vars["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.server.url() + "/";
  CredentialIo io = fake.io();
  io.metadata_transport = metadata_transport();
  auto config = resolve_aws_config({}, io);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->credentials.access_key_id, "ASIAMETA");
  EXPECT_EQ(config->credentials_source, "EC2 instance metadata role app-role (IMDSv2)");
  EXPECT_EQ(imds.token_requests.load(), 1);
  EXPECT_EQ(imds.server.requests().size(), 3u);
}

TEST(InstanceMetadataCredentials, FallsBackToImdsV1UnlessDisabled) {
  FakeImds imds;
  imds.v2 = false;
  FakeIo fake;
  fake.vars.erase("AWS_EC2_METADATA_DISABLED");
  fake.vars["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.server.url();
  CredentialIo io = fake.io();
  io.metadata_transport = metadata_transport();
  InstanceMetadataCredentials v1(io, std::nullopt);
  auto found = v1.load();
  ASSERT_TRUE(found && found->credentials) << (found ? found->skipped : found.error().message);
  EXPECT_EQ(found->credentials->source, "EC2 instance metadata role app-role (IMDSv1)");
  fake.vars["AWS_EC2_METADATA_V1_DISABLED"] = "true";
  CredentialIo v1_off = fake.io();
  v1_off.metadata_transport = io.metadata_transport;
  auto refused = InstanceMetadataCredentials(v1_off, std::nullopt).load();
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("IMDSv1 is disabled"), std::string::npos);
}

TEST(InstanceMetadataCredentials, NoRoleOrNoServerMeansNotConfigured) {
  FakeImds imds;
  imds.role = "";
  FakeIo fake;
  fake.vars.erase("AWS_EC2_METADATA_DISABLED");
  fake.vars["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.server.url();
  CredentialIo io = fake.io();
  io.metadata_transport = metadata_transport();
  auto no_role = InstanceMetadataCredentials(io, std::nullopt).load();
  ASSERT_TRUE(no_role);
  EXPECT_FALSE(no_role->credentials);
  EXPECT_NE(no_role->skipped.find("has no IAM role"), std::string::npos);

  // A port nothing listens on: "not on EC2", not an error.
  int closed_port;
  {
    LoopbackServer gone([](const ReceivedRequest&) { return Reply{}; });
    closed_port = gone.port();
  }
  fake.vars["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:" + std::to_string(closed_port);
  io = fake.io();
  io.metadata_transport = metadata_transport();
  auto nobody = InstanceMetadataCredentials(io, std::nullopt).load();
  ASSERT_TRUE(nobody) << nobody.error().message;
  EXPECT_FALSE(nobody->credentials);
  EXPECT_NE(nobody->skipped.find("(not on EC2)"), std::string::npos) << nobody->skipped;
}

TEST(InstanceMetadataCredentials, EndpointFromProfileAndIpv6Mode) {
  FakeIo fake;
  IniSection profile{{"ec2_metadata_service_endpoint_mode", "IPv6"}};
  EXPECT_EQ(InstanceMetadataCredentials(fake.io(), profile).endpoint(), "http://[fd00:ec2::254]");
  profile["ec2_metadata_service_endpoint"] = "http://10.0.0.9:8080/";
  EXPECT_EQ(InstanceMetadataCredentials(fake.io(), profile).endpoint(), "http://10.0.0.9:8080");
  EXPECT_EQ(InstanceMetadataCredentials(fake.io(), std::nullopt).endpoint(), "http://169.254.169.254");
}

}  // namespace
}  // namespace lcd::aws
