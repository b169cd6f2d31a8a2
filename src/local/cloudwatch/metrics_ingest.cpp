#include "local/cloudwatch/metrics_ingest.hpp"

namespace lcd::local::cloudwatch {

MetricsIngest::MetricsIngest(MetricsStore& store, BatchWriterOptions options)
    : m_writer(
          [&store](std::vector<Item>& batch) -> Result<void> {
            std::vector<MetricSample> samples;
            for (auto& item : batch) {
              if (auto* invocation = std::get_if<LambdaInvocation>(&item)) {
                for (auto& s : lambda_metric_samples(*invocation)) samples.push_back(std::move(s));
              } else {
                for (auto& s : std::get<std::vector<MetricSample>>(item)) samples.push_back(std::move(s));
              }
            }
            return store.add(samples);
          },
          options) {}

}  // namespace lcd::local::cloudwatch
