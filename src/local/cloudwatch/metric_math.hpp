#pragma once
// The part of CloudWatch metric math lambda-cd local evaluates in GetMetricData: arithmetic
// (+ - * /, parentheses, unary minus) over the Ids of other queries and numbers, e.g.
// `100 * errors / invocations`. Two series combine at the timestamps both have; a division by zero
// gives no datapoint. Functions (FILL, SUM, METRICS(), SEARCH, …) are not evaluated: the error
// names what is unsupported. Pure.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "util/result.hpp"

namespace lcd::local::cloudwatch {

using MetricSeries = std::vector<std::pair<int64_t, double>>;  // (timestamp s, value), oldest first

tl::expected<MetricSeries, std::string> evaluate_expression(const std::string& expression,
                                                            const std::map<std::string, MetricSeries>& series);

}  // namespace lcd::local::cloudwatch
