#include "local/cloudformation/drift.hpp"

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;

// JSON pointer escaping of one path segment (RFC 6901).
std::string segment(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// Numbers and their text are the same value to CloudFormation ("128" and 128).
bool same_scalar(const json& a, const json& b) {
  if (a == b) return true;
  auto text = [](const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  return a.is_primitive() && b.is_primitive() && !a.is_null() && !b.is_null() && text(a) == text(b);
}

void compare(const json& expected, const json& actual, const std::string& path, std::vector<PropertyDifference>& out) {
  if (expected.is_object() && actual.is_object()) {
    for (const auto& [key, value] : expected.items()) {
      std::string at = path + "/" + segment(key);
      if (!actual.contains(key)) {
        out.push_back({at, value.dump(), "", "REMOVE"});
      } else {
        compare(value, actual[key], at, out);
      }
    }
    return;
  }
  if (!same_scalar(expected, actual)) out.push_back({path, expected.dump(), actual.dump(), "NOT_EQUAL"});
}

}  // namespace

std::vector<PropertyDifference> property_differences(const json& expected, const json& actual) {
  std::vector<PropertyDifference> out;
  compare(expected, actual, "", out);
  return out;
}

json drift_to_json(const StackDriftRecord& r) {
  json resources = json::array();
  for (const auto& d : r.resources) {
    json differences = json::array();
    for (const auto& p : d.differences) differences.push_back({p.path, p.expected, p.actual, p.type});
    resources.push_back({{"logical_id", d.logical_id}, {"physical_id", d.physical_id}, {"type", d.type},
                         {"status", d.status}, {"expected", d.expected}, {"actual", d.actual},
                         {"differences", differences}, {"timestamp", d.timestamp}});
  }
  return {{"detection_id", r.detection_id}, {"status", r.status}, {"timestamp", r.timestamp}, {"resources", resources}};
}

StackDriftRecord drift_from_json(const json& j) {
  StackDriftRecord r;
  if (!j.is_object()) return r;
  r.detection_id = j.value("detection_id", "");
  r.status = j.value("status", "");
  r.timestamp = j.value("timestamp", "");
  for (const auto& d : j.value("resources", json::array())) {
    ResourceDrift drift;
    drift.logical_id = d.value("logical_id", "");
    drift.physical_id = d.value("physical_id", "");
    drift.type = d.value("type", "");
    drift.status = d.value("status", "");
    drift.expected = d.value("expected", json());
    drift.actual = d.value("actual", json());
    drift.timestamp = d.value("timestamp", "");
    for (const auto& p : d.value("differences", json::array())) {
      drift.differences.push_back({p[0].get<std::string>(), p[1].get<std::string>(), p[2].get<std::string>(),
                                   p[3].get<std::string>()});
    }
    r.resources.push_back(std::move(drift));
  }
  return r;
}

}  // namespace lcd::local::cloudformation
