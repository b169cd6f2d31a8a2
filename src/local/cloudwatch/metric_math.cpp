#include "local/cloudwatch/metric_math.hpp"

#include <cctype>
#include <cstdlib>
#include <functional>
#include <optional>

namespace lcd::local::cloudwatch {
namespace {

// A value in an expression: a constant or a series.
struct Operand {
  std::optional<double> scalar;
  MetricSeries series;
};

class Parser {
 public:
  Parser(const std::string& text, const std::map<std::string, MetricSeries>& series) : m_text(text), m_series(series) {}

  tl::expected<Operand, std::string> parse() {
    auto value = expression();
    if (!value) return value;
    skip_space();
    if (m_pos != m_text.size()) return tl::unexpected("unexpected '" + m_text.substr(m_pos, 1) + "' at position " + std::to_string(m_pos + 1));
    return value;
  }

 private:
  void skip_space() {
    while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos]))) ++m_pos;
  }

  static Operand combine(const Operand& a, const Operand& b, const std::function<std::optional<double>(double, double)>& op) {
    Operand out;
    if (a.scalar && b.scalar) {
      out.scalar = op(*a.scalar, *b.scalar);
      if (!out.scalar) out.scalar = std::nullopt;
      return out;
    }
    if (a.scalar || b.scalar) {
      const MetricSeries& s = a.scalar ? b.series : a.series;
      for (const auto& [ts, v] : s) {
        auto r = a.scalar ? op(*a.scalar, v) : op(v, *b.scalar);
        if (r) out.series.emplace_back(ts, *r);
      }
      return out;
    }
    size_t i = 0, j = 0;
    while (i < a.series.size() && j < b.series.size()) {
      if (a.series[i].first < b.series[j].first) ++i;
      else if (b.series[j].first < a.series[i].first) ++j;
      else {
        if (auto r = op(a.series[i].second, b.series[j].second)) out.series.emplace_back(a.series[i].first, *r);
        ++i;
        ++j;
      }
    }
    return out;
  }

  tl::expected<Operand, std::string> expression() {
    auto left = term();
    if (!left) return left;
    for (;;) {
      skip_space();
      if (m_pos >= m_text.size() || (m_text[m_pos] != '+' && m_text[m_pos] != '-')) return left;
      char op = m_text[m_pos++];
      auto right = term();
      if (!right) return right;
      left = combine(*left, *right, [op](double x, double y) -> std::optional<double> { return op == '+' ? x + y : x - y; });
    }
  }

  tl::expected<Operand, std::string> term() {
    auto left = factor();
    if (!left) return left;
    for (;;) {
      skip_space();
      if (m_pos >= m_text.size() || (m_text[m_pos] != '*' && m_text[m_pos] != '/')) return left;
      char op = m_text[m_pos++];
      auto right = factor();
      if (!right) return right;
      left = combine(*left, *right, [op](double x, double y) -> std::optional<double> {
        if (op == '*') return x * y;
        if (y == 0) return std::nullopt;
        return x / y;
      });
    }
  }

  tl::expected<Operand, std::string> factor() {
    skip_space();
    if (m_pos >= m_text.size()) return tl::unexpected(std::string("the expression ends too early"));
    char c = m_text[m_pos];
    if (c == '-') {
      ++m_pos;
      auto inner = factor();
      if (!inner) return inner;
      return combine(Operand{-1.0, {}}, *inner, [](double x, double y) -> std::optional<double> { return x * y; });
    }
    if (c == '(') {
      ++m_pos;
      auto inner = expression();
      if (!inner) return inner;
      skip_space();
      if (m_pos >= m_text.size() || m_text[m_pos] != ')') return tl::unexpected(std::string("missing ')'"));
      ++m_pos;
      return inner;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      char* end = nullptr;
      double v = std::strtod(m_text.c_str() + m_pos, &end);
      m_pos = static_cast<size_t>(end - m_text.c_str());
      return Operand{v, {}};
    }
    if (std::isalpha(static_cast<unsigned char>(c))) {
      size_t start = m_pos;
      while (m_pos < m_text.size() && (std::isalnum(static_cast<unsigned char>(m_text[m_pos])) || m_text[m_pos] == '_')) ++m_pos;
      std::string name = m_text.substr(start, m_pos - start);
      skip_space();
      if (m_pos < m_text.size() && m_text[m_pos] == '(') {
        return tl::unexpected("lambda-cd local does not evaluate the metric math function " + name +
                              "; only + - * / over query Ids and numbers");
      }
      auto it = m_series.find(name);
      if (it == m_series.end()) return tl::unexpected("the expression refers to " + name + ", which is no MetricStat query before it");
      return Operand{std::nullopt, it->second};
    }
    return tl::unexpected("unexpected '" + std::string(1, c) + "' at position " + std::to_string(m_pos + 1));
  }

  const std::string& m_text;
  const std::map<std::string, MetricSeries>& m_series;
  size_t m_pos = 0;
};

}  // namespace

tl::expected<MetricSeries, std::string> evaluate_expression(const std::string& expression,
                                                            const std::map<std::string, MetricSeries>& series) {
  Parser parser(expression, series);
  auto value = parser.parse();
  if (!value) return tl::unexpected(value.error());
  if (value->scalar) return tl::unexpected(std::string("the expression has no metric in it"));
  return value->series;
}

}  // namespace lcd::local::cloudwatch
