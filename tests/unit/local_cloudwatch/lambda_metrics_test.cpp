#include "local/cloudwatch/lambda_metrics.hpp"

#include <gtest/gtest.h>

#include <set>

namespace lcd::local::cloudwatch {
namespace {

std::set<std::string> names_for(const std::vector<MetricSample>& samples, const Dimensions& dims) {
  std::set<std::string> out;
  for (const auto& s : samples) {
    if (s.key.dimensions == dims) out.insert(s.key.metric_name);
  }
  return out;
}

LambdaInvocation invocation(const std::string& qualifier, const std::string& version) {
  LambdaInvocation i;
  i.region = "eu-west-1";
  i.account = "123456789012";
  i.function_name = "f";
  i.qualifier = qualifier;
  i.executed_version = version;
  i.start_ms = 1795694412345;
  i.duration_ms = 12.5;
  i.concurrent_executions = 2;
  i.account_concurrent_executions = 3;
  return i;
}

TEST(LambdaMetrics, UnqualifiedInvokeFeedsTheAggregateAndTheFunction) {
  auto samples = lambda_metric_samples(invocation("", "$LATEST"));
  std::set<std::string> run = {"Invocations", "Errors", "Duration", "ConcurrentExecutions"};
  EXPECT_EQ(names_for(samples, {}), run);
  EXPECT_EQ(names_for(samples, {{"FunctionName", "f"}}), run);
  EXPECT_EQ(samples.size(), 8u);
  for (const auto& s : samples) {
    EXPECT_EQ(s.key.region, "eu-west-1");
    EXPECT_EQ(s.key.account, "123456789012");
    EXPECT_EQ(s.key.metric_namespace, "AWS/Lambda");
    EXPECT_EQ(s.timestamp_ms, 1795694412345);
    if (s.key.metric_name == "Duration") {
      EXPECT_EQ(s.key.unit, "Milliseconds");
      EXPECT_EQ(s.values.sum, 12.5);
    } else {
      EXPECT_EQ(s.key.unit, "Count");
    }
    if (s.key.metric_name == "ConcurrentExecutions") {
      EXPECT_EQ(s.values.maximum, s.key.dimensions.empty() ? 3 : 2);
    }
    if (s.key.metric_name == "Errors") {
      EXPECT_EQ(s.values.sum, 0);
    }
  }
  // An explicit $LATEST counts as unqualified.
  EXPECT_EQ(lambda_metric_samples(invocation("$LATEST", "$LATEST")).size(), 8u);
}

TEST(LambdaMetrics, VersionInvokeAddsItsResource) {
  auto samples = lambda_metric_samples(invocation("3", "3"));
  EXPECT_EQ(names_for(samples, {{"FunctionName", "f"}, {"Resource", "f:3"}}).size(), 4u);
  EXPECT_EQ(samples.size(), 12u);
}

TEST(LambdaMetrics, AliasInvokeAddsResourceAndExecutedVersion) {
  auto i = invocation("live", "2");
  i.function_error = true;
  auto samples = lambda_metric_samples(i);
  Dimensions resource = {{"FunctionName", "f"}, {"Resource", "f:live"}};
  Dimensions executed = {{"ExecutedVersion", "2"}, {"FunctionName", "f"}, {"Resource", "f:live"}};
  EXPECT_EQ(names_for(samples, resource).size(), 4u);
  EXPECT_EQ(names_for(samples, executed), (std::set<std::string>{"Invocations", "Errors", "Duration"}));
  for (const auto& s : samples) {
    if (s.key.metric_name == "Errors") {
      EXPECT_EQ(s.values.sum, 1);
    }
  }
}

TEST(LambdaMetrics, ThrottleCountsOnlyThrottles) {
  auto i = invocation("live", "2");
  i.throttled = true;
  auto samples = lambda_metric_samples(i);
  ASSERT_EQ(samples.size(), 4u);
  for (const auto& s : samples) {
    EXPECT_EQ(s.key.metric_name, "Throttles");
    EXPECT_EQ(s.values.sum, 1);
  }
}

}  // namespace
}  // namespace lcd::local::cloudwatch
