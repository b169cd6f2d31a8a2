#include "local/cloudwatch/statistic_set.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace lcd::local::cloudwatch {
namespace {

constexpr int k_zero_index = std::numeric_limits<int>::min();
const double k_log_base = std::log(1.01);

int bucket_index(double value) {
  if (value == 0) return k_zero_index;
  return static_cast<int>(std::floor(std::log(value) / k_log_base));
}

std::optional<double> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string s(text);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// "99", "99.9", "99.99": at most two decimals, 0..100.
std::optional<double> parse_percent(std::string_view text) {
  auto dot = text.find('.');
  if (dot != std::string_view::npos && text.size() - dot - 1 > 2) return std::nullopt;
  for (char c : text) {
    if ((c < '0' || c > '9') && c != '.') return std::nullopt;
  }
  auto v = parse_number(text);
  if (!v || *v < 0 || *v > 100) return std::nullopt;
  return v;
}

}  // namespace

void Distribution::add(double value, double count) {
  if (!std::isfinite(value) || count <= 0) return;
  if (value < 0) {
    m_unavailable = true;
    return;
  }
  Bucket& b = m_buckets[bucket_index(value)];
  b.count += count;
  b.sum += value * count;
}

void Distribution::merge(const Distribution& other) {
  if (other.m_unavailable) m_unavailable = true;
  for (const auto& [index, bucket] : other.m_buckets) {
    Bucket& b = m_buckets[index];
    b.count += bucket.count;
    b.sum += bucket.sum;
  }
}

double Distribution::total_count() const {
  double n = 0;
  for (const auto& [index, bucket] : m_buckets) n += bucket.count;
  return n;
}

std::optional<double> Distribution::percentile(double p) const {
  if (!available()) return std::nullopt;
  double n = total_count();
  double rank = std::max(1.0, std::ceil(p / 100.0 * n - 1e-9));
  double seen = 0;
  for (const auto& [index, bucket] : m_buckets) {
    seen += bucket.count;
    if (seen + 1e-9 >= rank) return bucket.sum / bucket.count;
  }
  return m_buckets.rbegin()->second.sum / m_buckets.rbegin()->second.count;
}

std::optional<double> Distribution::trimmed_mean(double lower_p, double upper_p) const {
  if (!available() || upper_p < lower_p) return std::nullopt;
  double n = total_count();
  double from = lower_p / 100.0 * n;  // ranks (from, to] are kept
  double to = upper_p / 100.0 * n;
  double seen = 0, kept = 0, total = 0;
  for (const auto& [index, bucket] : m_buckets) {
    double lo = seen, hi = seen + bucket.count;
    seen = hi;
    double overlap = std::min(hi, to) - std::max(lo, from);
    if (overlap <= 0) continue;
    kept += overlap;
    total += overlap * (bucket.sum / bucket.count);
  }
  if (kept <= 0) return std::nullopt;
  return total / kept;
}

std::string Distribution::encode() const {
  if (m_unavailable) return "u";
  std::string out = "h";
  for (const auto& [index, bucket] : m_buckets) {
    out += fmt::format(";{},{},{}", index, bucket.count, bucket.sum);
  }
  return out;
}

Distribution Distribution::decode(std::string_view text) {
  Distribution d;
  if (text.empty() || text[0] != 'h') {
    d.m_unavailable = true;
    return d;
  }
  size_t pos = 1;
  while (pos < text.size()) {
    if (text[pos] != ';') {
      d.m_unavailable = true;
      return d;
    }
    size_t end = text.find(';', pos + 1);
    std::string_view entry = text.substr(pos + 1, end == std::string_view::npos ? std::string_view::npos : end - pos - 1);
    pos = end == std::string_view::npos ? text.size() : end;
    size_t c1 = entry.find(',');
    size_t c2 = c1 == std::string_view::npos ? c1 : entry.find(',', c1 + 1);
    int index = 0;
    auto parsed = c2 == std::string_view::npos ? std::from_chars_result{nullptr, std::errc::invalid_argument}
                                               : std::from_chars(entry.data(), entry.data() + c1, index);
    auto count = c2 == std::string_view::npos ? std::nullopt : parse_number(entry.substr(c1 + 1, c2 - c1 - 1));
    auto sum = c2 == std::string_view::npos ? std::nullopt : parse_number(entry.substr(c2 + 1));
    if (parsed.ec != std::errc() || !count || !sum || *count <= 0) {
      d.m_unavailable = true;
      d.m_buckets.clear();
      return d;
    }
    d.m_buckets[index] = Bucket{*count, *sum};
  }
  return d;
}

void StatisticSet::add_value(double value, double count) {
  if (count <= 0) return;
  if (sample_count <= 0) {
    minimum = maximum = value;
  } else {
    minimum = std::min(minimum, value);
    maximum = std::max(maximum, value);
  }
  sample_count += count;
  sum += value * count;
  distribution.add(value, count);
}

void StatisticSet::add_summary(double count, double total, double min, double max) {
  if (count <= 0) return;
  if (count == 1 || min == max) {
    add_value(min, count);
    sum += total - min * count;  // keep the given Sum exactly
    return;
  }
  if (sample_count <= 0) {
    minimum = min;
    maximum = max;
  } else {
    minimum = std::min(minimum, min);
    maximum = std::max(maximum, max);
  }
  sample_count += count;
  sum += total;
  distribution.mark_unavailable();
}

void StatisticSet::merge(const StatisticSet& other) {
  if (other.empty()) return;
  if (empty()) {
    *this = other;
    return;
  }
  minimum = std::min(minimum, other.minimum);
  maximum = std::max(maximum, other.maximum);
  sample_count += other.sample_count;
  sum += other.sum;
  distribution.merge(other.distribution);
}

std::optional<Statistic> parse_statistic(std::string_view text) {
  Statistic s;
  s.name = std::string(text);
  using Kind = Statistic::Kind;
  if (text == "SampleCount") s.kind = Kind::sample_count;
  else if (text == "Average") s.kind = Kind::average;
  else if (text == "Sum") s.kind = Kind::sum;
  else if (text == "Minimum") s.kind = Kind::minimum;
  else if (text == "Maximum") s.kind = Kind::maximum;
  else if (text == "IQM") {
    s.kind = Kind::trimmed_mean;
    s.lower = 25;
    s.upper = 75;
  } else if (text.size() > 1 && text[0] == 'p') {
    auto p = parse_percent(text.substr(1));
    if (!p) return std::nullopt;
    s.kind = Kind::percentile;
    s.lower = *p;
  } else if (text.size() > 2 && text.substr(0, 2) == "tm") {
    auto p = parse_percent(text.substr(2));
    if (!p) return std::nullopt;
    s.kind = Kind::trimmed_mean;
    s.lower = 0;
    s.upper = *p;
  } else if (text.size() > 6 && text.substr(0, 3) == "TM(" && text.back() == ')') {
    std::string_view inner = text.substr(3, text.size() - 4);
    auto colon = inner.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view a = inner.substr(0, colon), b = inner.substr(colon + 1);
    if (a.empty() || b.empty() || a.back() != '%' || b.back() != '%') return std::nullopt;
    auto lo = parse_percent(a.substr(0, a.size() - 1));
    auto hi = parse_percent(b.substr(0, b.size() - 1));
    if (!lo || !hi || *lo > *hi) return std::nullopt;
    s.kind = Kind::trimmed_mean;
    s.lower = *lo;
    s.upper = *hi;
  } else {
    return std::nullopt;
  }
  return s;
}

bool is_basic_statistic(std::string_view text) {
  return text == "SampleCount" || text == "Average" || text == "Sum" || text == "Minimum" || text == "Maximum";
}

std::optional<double> statistic_value(const StatisticSet& set, const Statistic& statistic) {
  if (set.empty()) return std::nullopt;
  switch (statistic.kind) {
    case Statistic::Kind::sample_count: return set.sample_count;
    case Statistic::Kind::average: return set.sum / set.sample_count;
    case Statistic::Kind::sum: return set.sum;
    case Statistic::Kind::minimum: return set.minimum;
    case Statistic::Kind::maximum: return set.maximum;
    case Statistic::Kind::percentile: {
      if (statistic.lower <= 0) return set.distribution.available() ? std::optional<double>(set.minimum) : std::nullopt;
      if (statistic.lower >= 100) return set.distribution.available() ? std::optional<double>(set.maximum) : std::nullopt;
      auto v = set.distribution.percentile(statistic.lower);
      if (!v) return std::nullopt;
      return std::clamp(*v, set.minimum, set.maximum);
    }
    case Statistic::Kind::trimmed_mean: return set.distribution.trimmed_mean(statistic.lower, statistic.upper);
  }
  return std::nullopt;
}

}  // namespace lcd::local::cloudwatch
