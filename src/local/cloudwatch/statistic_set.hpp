#pragma once
// What CloudWatch keeps of a metric's values within one bucket of time, mergeable across buckets
// (aws-api-notes-2 §14.4): SampleCount, Sum, Minimum, Maximum, and a distribution for percentiles.
// The distribution is a log-scale histogram of 1%-wide buckets holding each bucket's count and sum,
// so a percentile is exact when the values near it fall in different buckets and within 1%
// otherwise, and its size is bounded by the range of the values, not their number. Pure.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace lcd::local::cloudwatch {

class Distribution {
 public:
  void add(double value, double count = 1);
  void merge(const Distribution& other);
  // Percentiles are unavailable once a negative value was added or a summary (StatisticValues
  // with several distinct samples) was merged without its values, as in CloudWatch.
  void mark_unavailable() { m_unavailable = true; }
  bool available() const { return !m_unavailable && !m_buckets.empty(); }
  // Nearest rank: the value at rank ceil(p/100 × count), p in [0, 100].
  std::optional<double> percentile(double p) const;
  // Mean of the values between the lower and upper percentile (inclusive), for TM/IQM.
  std::optional<double> trimmed_mean(double lower_p, double upper_p) const;

  // Compact text for storage; decode() of anything malformed gives an unavailable distribution.
  std::string encode() const;
  static Distribution decode(std::string_view text);

 private:
  struct Bucket {
    double count = 0;
    double sum = 0;
  };
  double total_count() const;
  std::map<int, Bucket> m_buckets;  // by log-scale index; zero has its own index
  bool m_unavailable = false;
};

struct StatisticSet {
  double sample_count = 0;
  double sum = 0;
  double minimum = 0;
  double maximum = 0;
  Distribution distribution;

  bool empty() const { return sample_count <= 0; }
  // One value seen `count` times.
  void add_value(double value, double count = 1);
  // A pre-aggregated summary (PutMetricData StatisticValues).
  void add_summary(double count, double total, double min, double max);
  void merge(const StatisticSet& other);
};

// A statistic as GetMetricData's Stat / GetMetricStatistics' Statistics and ExtendedStatistics
// name it: SampleCount, Average, Sum, Minimum, Maximum, pNN[.NN], tmNN[.NN], TM(a%:b%), IQM.
struct Statistic {
  enum class Kind { sample_count, average, sum, minimum, maximum, percentile, trimmed_mean };
  Kind kind = Kind::sum;
  double lower = 0;  // percentile: p; trimmed mean: lower bound
  double upper = 0;  // trimmed mean: upper bound
  std::string name;  // as given
};
std::optional<Statistic> parse_statistic(std::string_view text);
bool is_basic_statistic(std::string_view text);  // the five of GetMetricStatistics' Statistics

// The statistic's value over `set`; nullopt when it has no value (no samples, or no distribution
// for a percentile).
std::optional<double> statistic_value(const StatisticSet& set, const Statistic& statistic);

}  // namespace lcd::local::cloudwatch
