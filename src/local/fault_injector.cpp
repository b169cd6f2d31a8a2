#include "local/fault_injector.hpp"

#include <charconv>
#include <cstdlib>

#include "util/file_io.hpp"
#include "util/strings.hpp"

namespace lcd::local {

Result<FaultRates> parse_fault_rates(const std::string& text) {
  FaultRates rates;
  std::string normalized = replace_all(text, "\n", ",");
  for (const auto& raw : split(normalized, ',')) {
    std::string item(trim(raw));
    if (auto hash = item.find('#'); hash != std::string::npos) item = std::string(trim(item.substr(0, hash)));
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string::npos) return fail(ErrorKind::invalid, "fault rule without '=': " + item);
    std::string key(trim(item.substr(0, eq)));
    std::string value(trim(item.substr(eq + 1)));
    char* end = nullptr;
    if (key == "seed" || key == "update_delay_ms") {
      unsigned long long n = std::strtoull(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0') return fail(ErrorKind::invalid, "bad number for " + key + ": " + value);
      if (key == "seed") rates.seed = n;
      else rates.extra_update_delay_ms = static_cast<int>(std::min<unsigned long long>(n, 3600000));
      continue;
    }
    double rate = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || rate < 0.0 || rate > 1.0) {
      return fail(ErrorKind::invalid, "fault rate for " + key + " must be between 0 and 1: " + value);
    }
    if (key == "throttle") rates.throttle = rate;
    else if (key == "error500") rates.error500 = rate;
    else if (key == "error503") rates.error503 = rate;
    else if (key == "reset") rates.reset = rate;
    else if (key == "lost") rates.lost = rate;
    else if (key == "conflict") rates.conflict = rate;
    else return fail(ErrorKind::invalid, "unknown fault: " + key);
  }
  if (rates.throttle + rates.error500 + rates.error503 + rates.reset + rates.lost > 1.0) {
    return fail(ErrorKind::invalid, "fault rates add up to more than 1");
  }
  return rates;
}

Result<FaultRates> load_fault_rates(const std::string& spec) {
  if (!spec.empty() && spec[0] == '@') {
    auto text = read_file(spec.substr(1));
    if (!text) return fail(text.error());
    return parse_fault_rates(*text);
  }
  return parse_fault_rates(spec);
}

FaultInjector::FaultInjector(FaultRates rates) : m_rates(rates), m_rng(rates.seed) {}

Fault FaultInjector::next_request_fault() {
  std::lock_guard lock(m_mutex);
  double x = m_dist(m_rng);
  if ((x -= m_rates.throttle) < 0) return Fault::throttle;
  if ((x -= m_rates.error500) < 0) return Fault::error500;
  if ((x -= m_rates.error503) < 0) return Fault::error503;
  if ((x -= m_rates.reset) < 0) return Fault::reset;
  if ((x -= m_rates.lost) < 0) return Fault::lost;
  return Fault::none;
}

bool FaultInjector::next_conflict() {
  if (m_rates.conflict <= 0) return false;
  std::lock_guard lock(m_mutex);
  return m_dist(m_rng) < m_rates.conflict;
}

}  // namespace lcd::local
