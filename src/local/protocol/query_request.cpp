#include "local/protocol/query_request.hpp"

#include "util/strings.hpp"

namespace lcd::local {

QueryRequest::QueryRequest(const HttpRequest& request) {
  m_pairs = parse_query_string(request.body);
  for (const auto& p : request.query) m_pairs.push_back(p);
  for (const auto& [name, value] : m_pairs) m_first.emplace(name, value);
  m_action = get("Action");
}

std::string QueryRequest::get(const std::string& name) const {
  auto it = m_first.find(name);
  return it == m_first.end() ? std::string() : it->second;
}

bool QueryRequest::has(const std::string& name) const { return m_first.count(name) > 0; }

std::vector<std::string> QueryRequest::list(const std::string& name, const std::string& member) const {
  std::vector<std::string> out;
  for (int i = 1;; ++i) {
    std::string key = name + "." + member + "." + std::to_string(i);
    auto it = m_first.find(key);
    if (it == m_first.end()) break;
    out.push_back(it->second);
  }
  return out;
}

std::vector<std::map<std::string, std::string>> QueryRequest::structs(const std::string& name,
                                                                      const std::string& member) const {
  std::vector<std::map<std::string, std::string>> out;
  for (int i = 1;; ++i) {
    std::string prefix = name + "." + member + "." + std::to_string(i) + ".";
    std::map<std::string, std::string> fields;
    for (auto it = m_first.lower_bound(prefix); it != m_first.end() && starts_with(it->first, prefix); ++it) {
      fields[it->first.substr(prefix.size())] = it->second;
    }
    if (fields.empty()) break;
    out.push_back(std::move(fields));
  }
  return out;
}

std::map<std::string, std::string> QueryRequest::map(const std::string& name, const std::string& entry,
                                                     const std::string& key, const std::string& value) const {
  std::map<std::string, std::string> out;
  for (const auto& fields : structs(name, entry)) {
    auto k = fields.find(key);
    if (k == fields.end()) continue;
    auto v = fields.find(value);
    out[k->second] = v == fields.end() ? std::string() : v->second;
  }
  return out;
}

}  // namespace lcd::local
