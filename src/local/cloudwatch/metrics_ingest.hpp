#pragma once
// Takes metric samples off the invoke path (util/batch_writer.hpp): record() queues an invocation
// or a PutMetricData batch and returns; a background writer expands invocations into their
// AWS/Lambda samples and merges each batch into the store in one transaction. Readers flush()
// first, so what was recorded before a GetMetricData is in its answer. After a crash at most the
// last batch interval is lost, which CloudWatch's own ingestion delay would hide too.

#include <memory>
#include <variant>
#include <vector>

#include "local/cloudwatch/lambda_metrics.hpp"
#include "local/cloudwatch/metrics_store.hpp"
#include "util/batch_writer.hpp"

namespace lcd::local::cloudwatch {

class MetricsIngest {
 public:
  MetricsIngest(MetricsStore& store, BatchWriterOptions options = {});

  void record(LambdaInvocation invocation) { m_writer.push(Item(std::move(invocation))); }
  void record(std::vector<MetricSample> samples) { m_writer.push(Item(std::move(samples))); }
  // Everything recorded before the call is in the store (or the write's error).
  Result<void> flush() { return m_writer.flush(); }
  uint64_t failed_writes() const { return m_writer.failed_writes(); }

 private:
  using Item = std::variant<LambdaInvocation, std::vector<MetricSample>>;
  BatchWriter<Item> m_writer;
};

}  // namespace lcd::local::cloudwatch
