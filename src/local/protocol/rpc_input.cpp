#include "local/protocol/rpc_input.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include "local/protocol/cbor_rpc.hpp"
#include "util/strings.hpp"

namespace lcd::local {
namespace {

using nlohmann::json;

bool is_index(const std::string& s) {
  if (s.empty() || s.size() > 6 || s[0] == '0') return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<double> parse_double(const std::string& text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || errno == ERANGE) return std::nullopt;
  return v;
}

std::string describe(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  // Strings inside may not be UTF-8 (a query parameter's %FF); the message must still be written.
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

int digits(const std::string& s, size_t pos, size_t count) {
  if (pos + count > s.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<int64_t> parse_iso8601_ms(const std::string& text) {
  int year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  int hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59 || second < 0 || second > 60 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int count = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (count < 3) millis = millis * 10 + (text[pos] - '0');
      ++count;
      ++pos;
    }
    if (count == 0) return std::nullopt;
    for (int i = count; i < 3; ++i) millis *= 10;
  }
  int64_t offset_s = 0;
  std::string zone = text.substr(pos);
  if (zone == "Z" || zone == "z" || zone.empty()) {
    offset_s = 0;
  } else if ((zone[0] == '+' || zone[0] == '-') && (zone.size() == 6 || zone.size() == 5)) {
    int oh = digits(zone, 1, 2);
    int om = zone.size() == 6 ? digits(zone, 4, 2) : digits(zone, 3, 2);
    if (oh < 0 || om < 0 || (zone.size() == 6 && zone[3] != ':')) return std::nullopt;
    offset_s = (oh * 3600 + om * 60) * (zone[0] == '+' ? 1 : -1);
  } else {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  int64_t seconds = static_cast<int64_t>(timegm(&tm)) - offset_s;
  return seconds * 1000 + millis;
}

RpcInput::RpcInput(std::shared_ptr<const json> root, const json* node, std::string path,
                   std::shared_ptr<std::string> problem)
    : m_root(std::move(root)), m_node(node), m_path(std::move(path)), m_problem(std::move(problem)) {}

RpcInput::RpcInput(const json& document)
    : m_root(std::make_shared<const json>(document.is_object() ? document : json::object())),
      m_node(m_root.get()),
      m_problem(std::make_shared<std::string>()) {}

ApiResult<RpcInput> RpcInput::decode(const HttpRequest& request, WireProtocol protocol) {
  if (protocol == WireProtocol::query) return from_query(QueryRequest(request));
  if (protocol == WireProtocol::rpc_v2_cbor) {
    auto document = decode_cbor_request(request.body);
    if (!document) return api_fail(document.error());
    return RpcInput(*document);
  }
  if (trim(request.body).empty()) return RpcInput(json::object());
  json document = json::parse(request.body, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    return api_fail(make_api_error(400, "SerializationException", "The request body is not a JSON object"));
  }
  return RpcInput(document);
}

RpcInput RpcInput::from_query(const QueryRequest& query) {
  json root = json::object();
  for (const auto& [key, value] : query.pairs()) {
    if (key == "Action" || key == "Version") continue;
    auto segments = split(key, '.');
    json* node = &root;
    bool usable = true;
    for (size_t i = 0; i < segments.size() && usable; ++i) {
      const std::string& segment = segments[i];
      if (segment == "member" && i + 1 < segments.size() && is_index(segments[i + 1])) {
        if (!node->is_array()) *node = json::array();
        size_t index = std::stoul(segments[i + 1]) - 1;
        while (node->size() <= index) node->push_back(nullptr);
        node = &(*node)[index];
        ++i;
      } else {
        if (node->is_null() || (node->is_string() && node->get_ref<const std::string&>().empty())) {
          *node = json::object();
        }
        if (!node->is_object() || segment.empty()) {
          usable = false;
          break;
        }
        node = &(*node)[segment];
      }
    }
    if (usable && node->is_null()) *node = value;
  }
  return RpcInput(root);
}

const json* RpcInput::member(const std::string& name) const {
  if (!m_node || !m_node->is_object()) return nullptr;
  auto it = m_node->find(name);
  if (it == m_node->end() || it->is_null()) return nullptr;
  return &*it;
}

void RpcInput::note_problem(const std::string& message) const {
  if (m_problem->empty()) *m_problem = message;
}

bool RpcInput::has(const std::string& name) const { return member(name) != nullptr; }

std::string RpcInput::string(const std::string& name, const std::string& fallback) const {
  const json* v = member(name);
  if (!v) return fallback;
  if (v->is_string()) return v->get<std::string>();
  note_problem("Invalid value for parameter " + path_of(name) + ": expected a string");
  return fallback;
}

std::optional<double> RpcInput::number(const std::string& name) const {
  const json* v = member(name);
  if (!v) return std::nullopt;
  if (v->is_number()) return v->get<double>();
  if (v->is_string()) {
    if (auto d = parse_double(v->get<std::string>())) return d;
  }
  note_problem("The value " + describe(*v) + " for parameter " + path_of(name) + " is not a valid number.");
  return std::nullopt;
}

std::optional<int64_t> RpcInput::integer(const std::string& name) const {
  const json* v = member(name);
  if (!v) return std::nullopt;
  if (v->is_number_integer()) return v->get<int64_t>();
  std::optional<double> d;
  if (v->is_number_float()) d = v->get<double>();
  else if (v->is_string()) d = parse_double(v->get<std::string>());
  if (d && std::isfinite(*d) && std::floor(*d) == *d && std::fabs(*d) < 9.0e15) return static_cast<int64_t>(*d);
  note_problem("The value " + describe(*v) + " for parameter " + path_of(name) + " is not a valid integer.");
  return std::nullopt;
}

std::optional<bool> RpcInput::boolean(const std::string& name) const {
  const json* v = member(name);
  if (!v) return std::nullopt;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string()) {
    std::string s = to_lower(v->get<std::string>());
    if (s == "true") return true;
    if (s == "false") return false;
  }
  note_problem("The value " + describe(*v) + " for parameter " + path_of(name) + " is not a valid boolean.");
  return std::nullopt;
}

std::optional<int64_t> RpcInput::timestamp_ms(const std::string& name) const {
  const json* v = member(name);
  if (!v) return std::nullopt;
  std::optional<double> seconds;
  if (v->is_number()) {
    seconds = v->get<double>();
  } else if (v->is_string()) {
    if (auto ms = parse_iso8601_ms(v->get<std::string>())) return ms;
    seconds = parse_double(v->get<std::string>());
  }
  if (seconds && std::isfinite(*seconds) && std::fabs(*seconds) < 1.0e13) {
    return static_cast<int64_t>(std::llround(*seconds * 1000.0));
  }
  note_problem("The value " + describe(*v) + " for parameter " + path_of(name) + " is not a valid timestamp.");
  return std::nullopt;
}

RpcInput RpcInput::child(const std::string& name) const {
  const json* v = member(name);
  if (v && !v->is_object()) {
    note_problem("Invalid value for parameter " + path_of(name) + ": expected a structure");
    v = nullptr;
  }
  return RpcInput(m_root, v, m_path + name + ".", m_problem);
}

std::vector<RpcInput> RpcInput::list(const std::string& name) const {
  std::vector<RpcInput> out;
  const json* v = member(name);
  if (!v || (v->is_string() && v->get_ref<const std::string&>().empty())) return out;
  if (!v->is_array()) {
    note_problem("Invalid value for parameter " + path_of(name) + ": expected a list");
    return out;
  }
  for (size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    if (item.is_null()) continue;
    std::string path = m_path + name + ".member." + std::to_string(i + 1) + ".";
    if (!item.is_object()) {
      note_problem("Invalid value for parameter " + path.substr(0, path.size() - 1) + ": expected a structure");
      continue;
    }
    out.push_back(RpcInput(m_root, &item, path, m_problem));
  }
  return out;
}

std::vector<std::string> RpcInput::strings(const std::string& name) const {
  std::vector<std::string> out;
  const json* v = member(name);
  if (!v || (v->is_string() && v->get_ref<const std::string&>().empty())) return out;
  if (!v->is_array()) {
    note_problem("Invalid value for parameter " + path_of(name) + ": expected a list");
    return out;
  }
  for (size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    if (item.is_null()) continue;
    if (!item.is_string()) {
      note_problem("Invalid value for parameter " + path_of(name) + ".member." + std::to_string(i + 1) +
                   ": expected a string");
      continue;
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::vector<double> RpcInput::numbers(const std::string& name) const {
  std::vector<double> out;
  const json* v = member(name);
  if (!v || (v->is_string() && v->get_ref<const std::string&>().empty())) return out;
  if (!v->is_array()) {
    note_problem("Invalid value for parameter " + path_of(name) + ": expected a list");
    return out;
  }
  for (size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    if (item.is_null()) continue;
    std::optional<double> d;
    if (item.is_number()) d = item.get<double>();
    else if (item.is_string()) d = parse_double(item.get<std::string>());
    if (!d) {
      note_problem("The value " + describe(item) + " for parameter " + path_of(name) + ".member." + std::to_string(i + 1) +
                   " is not a valid number.");
      continue;
    }
    out.push_back(*d);
  }
  return out;
}

std::vector<std::string> RpcInput::names() const {
  std::vector<std::string> out;
  if (!m_node || !m_node->is_object()) return out;
  for (const auto& [key, value] : m_node->items()) {
    if (!value.is_null()) out.push_back(key);
  }
  return out;
}

}  // namespace lcd::local
