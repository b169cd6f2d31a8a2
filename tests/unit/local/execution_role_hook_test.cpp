// The Lambda API asks its ExecutionRoleCheck about the Role of CreateFunction and of
// UpdateFunctionConfiguration (and only when one is given), with the request's account, and
// answers the check's refusal as is.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include "local/execution_role_check.hpp"
#include "local/lambda_api.hpp"
#include "test_zip.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"

namespace lcd::local {
namespace {

using nlohmann::json;

// Refuses one role ARN, remembers every question.
class RecordingRoleCheck final : public ExecutionRoleCheck {
 public:
  ApiResult<void> check_lambda_role(const std::string& account_id, const std::string& role_arn) override {
    asked.emplace_back(account_id, role_arn);
    if (role_arn == refused) {
      return api_fail(make_api_error(400, "InvalidParameterValueException",
                                     "The role defined for the function cannot be assumed by Lambda."));
    }
    return {};
  }
  std::string refused;
  std::vector<std::pair<std::string, std::string>> asked;
};

class ExecutionRoleHookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = LambdaStore::open(m_dir.path());
    ASSERT_TRUE(store) << store.error().message;
    m_store = std::move(*store);
    m_blobs = std::make_unique<BlobStore>(m_dir.path() / "blobs");
    LambdaApiOptions options;
    options.update_delay_ms = 0;
    m_api = std::make_unique<LambdaApi>(options, *m_store, *m_blobs, system_clock(), nullptr, nullptr);
    m_api->set_role_check(&m_check);
    m_check.refused = "arn:aws:iam::111122223333:role/ec2-only";
  }
  HttpResponse call(const std::string& method, const std::string& path, const json& body) {
    HttpRequest r;
    r.method = method;
    r.raw_path = r.path = path;
    r.body = body.dump();
    RequestContext ctx;
    ctx.account_id = "111122223333";
    ctx.request_id = "req";
    return m_api->handle(r, ctx);
  }
  json function(const std::string& role) {
    return json{{"FunctionName", "fn"}, {"Runtime", "nodejs20.x"}, {"Role", role}, {"Handler", "index.handler"},
                {"Code", {{"ZipFile", base64_encode(testing::make_zip({{"index.js", "exports.handler=1"}}))}}}};
  }

  TempDir m_dir{"lcd-role-hook"};
  RecordingRoleCheck m_check;
  std::unique_ptr<LambdaStore> m_store;
  std::unique_ptr<BlobStore> m_blobs;
  std::unique_ptr<LambdaApi> m_api;
};

TEST_F(ExecutionRoleHookTest, CreateFunctionAnswersTheChecksRefusal) {
  auto refused = call("POST", "/2015-03-31/functions", function("arn:aws:iam::111122223333:role/ec2-only"));
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(json::parse(refused.body)["message"], "The role defined for the function cannot be assumed by Lambda.");
  ASSERT_EQ(m_check.asked.size(), 1u);
  EXPECT_EQ(m_check.asked[0], std::make_pair(std::string("111122223333"), std::string("arn:aws:iam::111122223333:role/ec2-only")));
  EXPECT_EQ(call("GET", "/2015-03-31/functions/fn", json()).status, 404);  // nothing was created
  EXPECT_EQ(call("POST", "/2015-03-31/functions", function("arn:aws:iam::111122223333:role/fine")).status, 201);
}

TEST_F(ExecutionRoleHookTest, UpdateFunctionConfigurationAsksOnlyWhenTheRoleChanges) {
  ASSERT_EQ(call("POST", "/2015-03-31/functions", function("arn:aws:iam::111122223333:role/fine")).status, 201);
  m_check.asked.clear();
  auto settled = [&] {
    for (int i = 0; i < 100; ++i) {
      auto r = call("GET", "/2015-03-31/functions/fn/configuration", json());
      if (json::parse(r.body).value("State", "") == "Active") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };
  settled();
  EXPECT_EQ(call("PUT", "/2015-03-31/functions/fn/configuration", json{{"Timeout", 9}}).status, 200);
  EXPECT_TRUE(m_check.asked.empty());
  auto refused = call("PUT", "/2015-03-31/functions/fn/configuration", json{{"Role", "arn:aws:iam::111122223333:role/ec2-only"}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(m_check.asked.size(), 1u);
  auto config = json::parse(call("GET", "/2015-03-31/functions/fn/configuration", json()).body);
  EXPECT_EQ(config["Role"], "arn:aws:iam::111122223333:role/fine");
}

}  // namespace
}  // namespace lcd::local
