#include "local/protocol/rpc_document.hpp"

#include <nlohmann/json.hpp>

#include <ctime>

#include "local/protocol/cbor_rpc.hpp"
#include "local/protocol/json_rpc.hpp"
#include "local/protocol/xml_writer.hpp"
#include "util/encoding.hpp"

namespace lcd::local {
namespace {

using nlohmann::json;

// Keys no model member can have (members are alphanumeric), so a marker is never mistaken for data.
constexpr const char* k_timestamp_key = "\x01timestamp";
constexpr const char* k_map_key = "\x01map";

json plain(const json& value) {
  if (auto ms = rpc_timestamp_ms(value)) {
    if (*ms % 1000 == 0) return *ms / 1000;
    return static_cast<double>(*ms) / 1000.0;
  }
  if (const json* map = rpc_map_object(value)) return plain(*map);
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [key, member] : value.items()) {
      if (!member.is_null()) out[key] = plain(member);
    }
    return out;
  }
  if (value.is_array()) {
    json out = json::array();
    for (const auto& item : value) out.push_back(plain(item));
    return out;
  }
  return value;
}

void write_xml_value(XmlWriter& x, const json& value);

void write_xml_members(XmlWriter& x, const json& object) {
  for (const auto& [key, member] : object.items()) {
    if (member.is_null()) continue;
    x.open(key);
    write_xml_value(x, member);
    x.close(key);
  }
}

void write_xml_value(XmlWriter& x, const json& value) {
  if (auto ms = rpc_timestamp_ms(value)) {
    x.raw(iso8601_timestamp(*ms));
  } else if (const json* map = rpc_map_object(value)) {
    for (const auto& [key, item] : map->items()) {
      x.open("entry").leaf("key", key).open("value");
      write_xml_value(x, item);
      x.close("value").close("entry");
    }
  } else if (value.is_object()) {
    write_xml_members(x, value);
  } else if (value.is_array()) {
    for (const auto& item : value) {
      x.open("member");
      write_xml_value(x, item);
      x.close("member");
    }
  } else if (value.is_string()) {
    x.raw(xml_escape(value.get_ref<const std::string&>()));
  } else if (value.is_boolean()) {
    x.raw(value.get<bool>() ? "true" : "false");
  } else if (!value.is_null()) {
    x.raw(value.dump());
  }
}

}  // namespace

json rpc_timestamp(int64_t epoch_ms) { return json{{k_timestamp_key, epoch_ms}}; }

json rpc_map(json object) { return json{{k_map_key, std::move(object)}}; }

std::optional<int64_t> rpc_timestamp_ms(const json& value) {
  if (!value.is_object() || value.size() != 1) return std::nullopt;
  auto it = value.find(k_timestamp_key);
  if (it == value.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

const json* rpc_map_object(const json& value) {
  if (!value.is_object() || value.size() != 1) return nullptr;
  auto it = value.find(k_map_key);
  if (it == value.end() || !it->is_object()) return nullptr;
  return &*it;
}

std::string rpc_document_json(const json& document) { return plain(document).dump(); }

std::string rpc_document_query_xml(const json& document) {
  XmlWriter x;
  if (document.is_object()) write_xml_members(x, document);
  return x.str();
}

std::string iso8601_timestamp(int64_t epoch_ms) {
  int64_t seconds = epoch_ms >= 0 ? epoch_ms / 1000 : -((-epoch_ms + 999) / 1000);
  int millis = static_cast<int>(epoch_ms - seconds * 1000);
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  if (millis == 0) {
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf, sizeof buf, "%s.%03dZ", date, millis);
  return buf;
}

HttpResponse rpc_response(WireProtocol protocol, std::string_view operation, const json& document,
                          std::string_view request_id, std::string_view query_xmlns, bool empty_result) {
  switch (protocol) {
    case WireProtocol::rpc_v2_cbor: return cbor_rpc_response(document, request_id);
    case WireProtocol::json_1_0:
    case WireProtocol::json_1_1: return json_rpc_response(rpc_document_json(document), request_id, protocol);
    default: break;
  }
  HttpResponse response;
  response.content_type = "text/xml";
  response.set_header("x-amzn-RequestId", std::string(request_id));
  response.body = query_response_xml(operation, rpc_document_query_xml(document), request_id, query_xmlns,
                                     empty_result);
  return response;
}

}  // namespace lcd::local
