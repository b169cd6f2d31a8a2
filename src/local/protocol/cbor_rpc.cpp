#include "local/protocol/cbor_rpc.hpp"

#include <nlohmann/json.hpp>

#include <cstring>

#include "local/protocol/rpc_document.hpp"
#include "util/encoding.hpp"

namespace lcd::local {
namespace {

using nlohmann::json;

constexpr std::string_view k_service_prefix = "/service/";
constexpr std::string_view k_operation_infix = "/operation/";

void put_head(std::string& out, uint8_t major, uint64_t value) {
  uint8_t type = static_cast<uint8_t>(major << 5);
  if (value < 24) {
    out += static_cast<char>(type | value);
    return;
  }
  int bytes = value <= 0xff ? 1 : value <= 0xffff ? 2 : value <= 0xffffffffULL ? 4 : 8;
  out += static_cast<char>(type | (bytes == 1 ? 24 : bytes == 2 ? 25 : bytes == 4 ? 26 : 27));
  for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

void put_double(std::string& out, double value) {
  uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  out += static_cast<char>(0xfb);
  for (int i = 7; i >= 0; --i) out += static_cast<char>((bits >> (8 * i)) & 0xff);
}

void put_integer(std::string& out, int64_t value) {
  if (value >= 0) put_head(out, 0, static_cast<uint64_t>(value));
  else put_head(out, 1, static_cast<uint64_t>(-(value + 1)));
}

void put_string(std::string& out, std::string_view text) {
  put_head(out, 3, text.size());
  out += text;
}

void encode(std::string& out, const json& value) {
  if (auto ms = rpc_timestamp_ms(value)) {
    out += static_cast<char>(0xc1);
    if (*ms % 1000 == 0) put_integer(out, *ms / 1000);
    else put_double(out, static_cast<double>(*ms) / 1000.0);
    return;
  }
  if (const json* map = rpc_map_object(value)) {
    encode(out, *map);
    return;
  }
  switch (value.type()) {
    case json::value_t::object: {
      size_t members = 0;
      for (const auto& [key, member] : value.items()) members += member.is_null() ? 0 : 1;
      put_head(out, 5, members);
      for (const auto& [key, member] : value.items()) {
        if (member.is_null()) continue;
        put_string(out, key);
        encode(out, member);
      }
      return;
    }
    case json::value_t::array:
      put_head(out, 4, value.size());
      for (const auto& item : value) encode(out, item);
      return;
    case json::value_t::string: put_string(out, value.get_ref<const std::string&>()); return;
    case json::value_t::boolean: out += static_cast<char>(value.get<bool>() ? 0xf5 : 0xf4); return;
    case json::value_t::number_integer: put_integer(out, value.get<int64_t>()); return;
    case json::value_t::number_unsigned: put_head(out, 0, value.get<uint64_t>()); return;
    case json::value_t::number_float: put_double(out, value.get<double>()); return;
    case json::value_t::binary: {
      const auto& bytes = value.get_binary();
      put_head(out, 2, bytes.size());
      out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      return;
    }
    default: out += static_cast<char>(0xf6); return;  // null
  }
}

// nlohmann::json 3.11.2 (Debian 12) rejects tags 0-5 (0xc0-0xc5) even with
// cbor_tag_handler_t::ignore, and timestamps are tag 1. Copies one data item from `in` at `pos` to
// `out` without its tags; false on a truncated or malformed item.
bool copy_untagged(std::string_view in, size_t& pos, std::string& out, int depth = 0) {
  if (pos >= in.size() || depth > 64) return false;
  size_t start = pos;
  uint8_t initial = static_cast<uint8_t>(in[pos++]);
  uint8_t major = initial >> 5;
  uint8_t info = initial & 0x1f;
  uint64_t argument = info;
  if (info >= 24 && info <= 27) {
    size_t bytes = size_t{1} << (info - 24);
    if (pos + bytes > in.size()) return false;
    argument = 0;
    for (size_t i = 0; i < bytes; ++i) argument = (argument << 8) | static_cast<uint8_t>(in[pos++]);
  } else if (info >= 28 && info <= 30) {
    return false;
  }
  bool indefinite = info == 31;
  if (major == 6) {
    if (indefinite) return false;
    return copy_untagged(in, pos, out, depth + 1);  // the tag's head is dropped
  }
  out.append(in.substr(start, pos - start));
  switch (major) {
    case 0:
    case 1: return !indefinite;
    case 2:
    case 3:
      if (indefinite) {
        while (pos < in.size() && static_cast<uint8_t>(in[pos]) != 0xff) {
          // Chunks are definite strings of the same major type.
          if (static_cast<uint8_t>(in[pos]) >> 5 != major || (static_cast<uint8_t>(in[pos]) & 0x1f) == 31) return false;
          if (!copy_untagged(in, pos, out, depth + 1)) return false;
        }
        if (pos >= in.size()) return false;
        out += in[pos++];
        return true;
      }
      if (argument > in.size() - pos) return false;
      // RFC 8949 §3.1: a text string is UTF-8 (each chunk of an indefinite one on its own).
      if (major == 3 && !is_valid_utf8(in.substr(pos, argument))) return false;
      out.append(in.substr(pos, argument));
      pos += argument;
      return true;
    case 4:
    case 5: {
      uint64_t per_entry = major == 5 ? 2 : 1;
      if (indefinite) {
        while (pos < in.size() && static_cast<uint8_t>(in[pos]) != 0xff) {
          for (uint64_t i = 0; i < per_entry; ++i) {
            if (!copy_untagged(in, pos, out, depth + 1)) return false;
          }
        }
        if (pos >= in.size()) return false;
        out += in[pos++];
        return true;
      }
      if (argument > in.size()) return false;
      for (uint64_t i = 0; i < argument * per_entry; ++i) {
        if (!copy_untagged(in, pos, out, depth + 1)) return false;
      }
      return true;
    }
    default: return !indefinite;  // simple values and floats (their bytes were the argument)
  }
}

// Smithy: "a null value in a map is treated as absent".
void drop_null_members(json& value) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end();) {
      if (it->is_null()) {
        it = value.erase(it);
      } else {
        drop_null_members(*it);
        ++it;
      }
    }
  } else if (value.is_array()) {
    for (auto& item : value) drop_null_members(item);
  }
}

}  // namespace

std::optional<CborRpcTarget> parse_cbor_rpc_path(std::string_view raw_path) {
  if (raw_path.substr(0, k_service_prefix.size()) != k_service_prefix) return std::nullopt;
  std::string_view rest = raw_path.substr(k_service_prefix.size());
  auto infix = rest.find(k_operation_infix);
  if (infix == std::string_view::npos || infix == 0) return std::nullopt;
  std::string_view service = rest.substr(0, infix);
  std::string_view operation = rest.substr(infix + k_operation_infix.size());
  if (operation.empty() || operation.find('/') != std::string_view::npos || service.find('/') != std::string_view::npos) {
    return std::nullopt;
  }
  return CborRpcTarget{std::string(service), std::string(operation)};
}

ApiResult<json> decode_cbor_request(std::string_view body) {
  if (body.empty()) return json::object();
  std::string untagged;
  untagged.reserve(body.size());
  size_t pos = 0;
  json decoded = json(json::value_t::discarded);
  if (copy_untagged(body, pos, untagged) && pos == body.size()) {
    decoded = json::from_cbor(untagged, true, false, json::cbor_tag_handler_t::ignore);
  }
  if (decoded.is_discarded()) {
    return api_fail(make_api_error(400, "SerializationException", "The request body is not well-formed CBOR"));
  }
  if (!decoded.is_object()) {
    return api_fail(make_api_error(400, "SerializationException", "The request body must be a CBOR map"));
  }
  drop_null_members(decoded);
  return decoded;
}

std::string encode_cbor_document(const json& document) {
  std::string out;
  encode(out, document);
  return out;
}

HttpResponse cbor_rpc_response(const json& document, std::string_view request_id) {
  HttpResponse response;
  response.content_type = "application/cbor";
  response.set_header("Smithy-Protocol", "rpc-v2-cbor");
  response.set_header("x-amzn-RequestId", std::string(request_id));
  response.body = encode_cbor_document(document.is_null() ? json::object() : document);
  return response;
}

HttpResponse cbor_rpc_error(const ApiError& error, std::string_view request_id) {
  json body = json::object();
  body["__type"] = error.code;
  body["message"] = error.message;
  for (const auto& [name, value] : error.extra) body[name] = value;
  HttpResponse response = cbor_rpc_response(body, request_id);
  response.status = error.status;
  if (error.retry_after_s >= 0) response.set_header("Retry-After", std::to_string(error.retry_after_s));
  return response;
}

}  // namespace lcd::local
