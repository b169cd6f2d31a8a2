#pragma once
// The endpoint's Lambda, S3 and CloudFormation services on one state directory, wired as
// run_endpoint() wires them, called in-process (no HTTP). Requests carry the region and account
// the router would compute.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "local/blob_store.hpp"
#include "local/cloudformation/provisioners.hpp"
#include "local/cloudformation/stack_service.hpp"
#include "local/lambda_api.hpp"
#include "local/lambda_store.hpp"
#include "local/s3/s3_service.hpp"
#include "local/state_layout.hpp"
#include "util/clock.hpp"
#include "util/encoding.hpp"

namespace lcd::local::cloudformation::test {

class Endpoint {
 public:
  explicit Endpoint(const std::filesystem::path& state, std::chrono::milliseconds settle = std::chrono::seconds(5))
      : m_blobs(state_blob_dir(state)) {
    auto store = LambdaStore::open(state);
    EXPECT_TRUE(store) << store.error().message;
    m_store = std::move(*store);
    LambdaApiOptions options;
    options.update_delay_ms = 0;
    options.state_dir = state;
    m_lambda = std::make_unique<LambdaApi>(options, *m_store, m_blobs, system_clock(), nullptr, nullptr);
    auto s3 = s3::S3Service::open({state, "us-east-1", "000000000000", &m_blobs});
    EXPECT_TRUE(s3) << s3.error().message;
    m_s3 = std::move(*s3);
    m_provisioner = std::make_unique<LambdaApiProvisioner>(*m_lambda);
    StackServiceOptions cfn_options{state, "us-east-1", "000000000000"};
    cfn_options.settle = settle;
    auto cfn = StackService::open(cfn_options, m_provisioner.get(), m_s3.get());
    EXPECT_TRUE(cfn) << cfn.error().message;
    m_cfn = std::move(*cfn);
  }

  static RequestContext context(const std::string& region = "us-east-1", const std::string& account = "000000000000") {
    RequestContext ctx;
    ctx.region = region;
    ctx.account_id = account;
    ctx.request_id = "req";
    return ctx;
  }

  HttpResponse cfn(const std::string& form, const RequestContext& ctx = context()) {
    HttpRequest r;
    r.method = "POST";
    r.raw_path = r.path = "/";
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    r.body = form + "&Version=2010-05-15";
    return m_cfn->handle(r, ctx);
  }
  HttpResponse lambda(const std::string& method, const std::string& path, const std::string& body = "",
                      const RequestContext& ctx = context()) {
    HttpRequest r;
    r.method = method;
    r.raw_path = r.path = path;
    r.body = body;
    return m_lambda->handle(r, ctx);
  }
  // Polls `form` until its answer no longer contains `busy`; returns the last response body.
  std::string poll(const std::string& form, const std::string& busy, const RequestContext& ctx = context()) {
    std::string body;
    for (int i = 0; i < 400; ++i) {
      body = cfn(form, ctx).body;
      if (body.find(busy) == std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return body;
  }
  // Polls DescribeStacks until the stack leaves *_IN_PROGRESS (REVIEW_IN_PROGRESS stays).
  std::string wait_for(const std::string& stack, const RequestContext& ctx = context()) {
    std::string body;
    for (int i = 0; i < 400; ++i) {
      body = cfn("Action=DescribeStacks&StackName=" + uri_encode(stack), ctx).body;
      if (body.find("_IN_PROGRESS</StackStatus>") == std::string::npos ||
          body.find("REVIEW_IN_PROGRESS</StackStatus>") != std::string::npos) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return body;
  }

  BlobStore m_blobs;
  std::unique_ptr<LambdaStore> m_store;
  std::unique_ptr<LambdaApi> m_lambda;
  std::unique_ptr<s3::S3Service> m_s3;
  std::unique_ptr<LambdaApiProvisioner> m_provisioner;
  std::unique_ptr<StackService> m_cfn;
};

// The text of the first <tag>…</tag> in `xml` at or after `from`, entities decoded; "" when absent.
inline std::string xml_field(const std::string& xml, const std::string& tag, size_t from = 0) {
  auto open = xml.find("<" + tag + ">", from);
  if (open == std::string::npos) return "";
  open += tag.size() + 2;
  auto close = xml.find("</" + tag + ">", open);
  if (close == std::string::npos) return "";
  std::string text = xml.substr(open, close - open);
  for (const auto& [entity, ch] : std::vector<std::pair<std::string, std::string>>{
           {"&apos;", "'"}, {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}}) {
    for (auto at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1)) text.replace(at, entity.size(), ch);
  }
  return text;
}

inline size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

}  // namespace lcd::local::cloudformation::test
