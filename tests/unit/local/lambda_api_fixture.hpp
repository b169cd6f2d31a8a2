#pragma once
// The Lambda API end to end below HTTP: real SQLite and blobs in a temp dir, a fake clock for the
// Pending/InProgress windows and a fake execution engine (the I/O seams).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "local/lambda_api.hpp"
#include "test_zip.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"

namespace lcd::local::testing {

using nlohmann::json;

class FakeClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return m_now; }
  std::chrono::steady_clock::time_point monotonic() const override { return {}; }
  void sleep_for(std::chrono::milliseconds d) override { m_now += d; }
  void advance(std::chrono::milliseconds d) { m_now += d; }

 private:
  std::chrono::system_clock::time_point m_now = std::chrono::system_clock::time_point(std::chrono::seconds(1800000000));
};

class FakeInvoker final : public InvokeBackend {
 public:
  Result<runtime::InvokeResult> invoke(const runtime::InvokeRequest& request) override {
    last = request;
    if (!fail_with.message.empty()) return tl::unexpected<Error>(fail_with);
    runtime::InvokeResult result;
    result.request_id = "rid";
    result.payload = R"({"version":")" + request.function.version + R"("})";
    result.log_tail = "START RequestId: rid\nEND RequestId: rid\n";
    return result;
  }
  void invoke_async(runtime::InvokeRequest request) override {
    async_count++;
    last = std::move(request);
  }
  void forget_function(const std::string&, const std::string&, const std::string&) override { forgotten++; }
  Result<std::shared_ptr<const runtime::CodePin>> prepare_code(const runtime::FunctionSnapshot& function) override {
    if (on_prepare) on_prepare(function);
    return std::shared_ptr<const runtime::CodePin>();
  }
  std::function<void(const runtime::FunctionSnapshot&)> on_prepare;
  runtime::InvokeRequest last;
  Error fail_with;  // when its message is set, invoke() fails with it
  int async_count = 0;
  int forgotten = 0;
};

inline std::string zip_b64(const std::string& body) { return base64_encode(make_zip({{"index.js", body}})); }

class LambdaApiTest : public ::testing::Test {
 protected:
  static constexpr const char* k_account = "123456789012";

  void SetUp() override { start(LambdaApiOptions{}); }

  // (Re)builds the API over the same state with `options` (account and delay set here).
  void start(LambdaApiOptions options, int update_delay_ms = 100) {
    m_api.reset();
    m_store.reset();
    auto store = LambdaStore::open(m_dir.path(), k_account);
    ASSERT_TRUE(store) << store.error().message;
    m_store = std::move(*store);
    if (!m_blobs) m_blobs = std::make_unique<BlobStore>(m_dir.path() / "blobs");
    options.account_id = k_account;
    options.update_delay_ms = update_delay_ms;
    m_api = std::make_unique<LambdaApi>(options, *m_store, *m_blobs, m_clock, nullptr, &m_invoker);
  }

  HttpResponse call(const std::string& method, const std::string& target, const json& body = nullptr,
                    HeaderList headers = {}, const std::string& region = "us-east-1",
                    const std::string& account = k_account) {
    HttpRequest r;
    r.method = method;
    auto q = target.find('?');
    r.raw_path = target.substr(0, q);
    r.path = r.raw_path;
    if (q != std::string::npos) {
      r.raw_query = target.substr(q + 1);
      r.query = parse_query_string(r.raw_query);
    }
    if (!body.is_null()) r.body = body.is_string() ? body.get<std::string>() : body.dump();
    r.headers = std::move(headers);
    RequestContext ctx;
    ctx.region = region;
    ctx.account_id = account;
    ctx.request_id = "req-1";
    ctx.host = "127.0.0.1:9999";
    return m_api->handle(r, ctx);
  }
  static json body_of(const HttpResponse& r) { return r.body.empty() ? json() : json::parse(r.body); }
  static std::string header(const HttpResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }
  static std::string error_type(const HttpResponse& r) { return header(r, "x-amzn-ErrorType"); }
  // The error message whichever member ("Message" / "message") the exception shape uses.
  static std::string message_of(const HttpResponse& r) {
    json b = body_of(r);
    if (b.contains("Message") && b["Message"].is_string()) return b["Message"];
    if (b.contains("message") && b["message"].is_string()) return b["message"];
    return "";
  }

  static json create_body(const std::string& name, const std::string& code = "exports.handler=async()=>1") {
    return json{{"FunctionName", name},
                {"Runtime", "nodejs20.x"},
                {"Role", "arn:aws:iam::123456789012:role/r"},
                {"Handler", "index.handler"},
                {"Code", {{"ZipFile", zip_b64(code)}}}};
  }
  json create(const std::string& name, const std::string& code = "exports.handler=async()=>1") {
    auto r = call("POST", "/2015-03-31/functions", create_body(name, code));
    EXPECT_EQ(r.status, 201) << r.body;
    return body_of(r);
  }
  void settle() { m_clock.advance(std::chrono::milliseconds(150)); }
  json get_config(const std::string& target) { return body_of(call("GET", "/2015-03-31/functions/" + target)); }

  TempDir m_dir{"lcd-api"};
  FakeClock m_clock;
  FakeInvoker m_invoker;
  std::unique_ptr<LambdaStore> m_store;
  std::unique_ptr<BlobStore> m_blobs;
  std::unique_ptr<LambdaApi> m_api;
};

}  // namespace lcd::local::testing
