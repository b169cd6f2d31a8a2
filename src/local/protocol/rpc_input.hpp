#pragma once
// The input of an RPC-style operation, read the same whichever protocol carried it (aws-api-notes-2
// §14.1): a JSON 1.0/1.1 body, an RPC v2 CBOR map, or query form parameters (every leaf a string,
// lists as `Name.member.N`, an empty list as `Name=`). Timestamps arrive as epoch seconds (JSON,
// CBOR) or ISO 8601 (query). A member that is present but malformed is recorded as the input's
// problem (the first one wins) and read as absent; the service answers a problem with a 400.

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "local/protocol/api_error.hpp"
#include "local/protocol/http_types.hpp"
#include "local/protocol/query_request.hpp"
#include "local/protocol/wire_protocol.hpp"

namespace lcd::local {

class RpcInput {
 public:
  // The body in `protocol` (json_1_0, json_1_1, rpc_v2_cbor; query reads the form). A body that is
  // not a JSON object / CBOR map is a 400 SerializationException.
  static ApiResult<RpcInput> decode(const HttpRequest& request, WireProtocol protocol);
  // Form parameters to a document: `A.member.2.B=x` -> {"A": [null, {"B": "x"}]}; Action and
  // Version left out.
  static RpcInput from_query(const QueryRequest& query);
  // An already decoded document (an object; anything else reads as empty).
  explicit RpcInput(const nlohmann::json& document);

  // Present and not null.
  bool has(const std::string& name) const;
  // A string member; `fallback` when absent.
  std::string string(const std::string& name, const std::string& fallback = "") const;
  // A number (or a numeric string from the query protocol).
  std::optional<double> number(const std::string& name) const;
  std::optional<int64_t> integer(const std::string& name) const;
  std::optional<bool> boolean(const std::string& name) const;
  // Epoch seconds (integer or fraction) or an ISO 8601 text, as milliseconds since the epoch.
  std::optional<int64_t> timestamp_ms(const std::string& name) const;
  // A structure member (empty when absent).
  RpcInput child(const std::string& name) const;
  // A list of structures / of strings; null entries (gaps in a query list) left out.
  std::vector<RpcInput> list(const std::string& name) const;
  std::vector<std::string> strings(const std::string& name) const;
  std::vector<double> numbers(const std::string& name) const;
  // Member names present in this structure.
  std::vector<std::string> names() const;

  // "Name" for a top-level member, "List.member.2.Name" below: AWS's way of naming a parameter.
  std::string path_of(const std::string& name) const { return m_path + name; }
  // The first malformed member read from this input or any structure taken from it, "" if none.
  const std::string& problem() const { return *m_problem; }
  // Records a problem found by the caller (kept only if it is the first).
  void note_problem(const std::string& message) const;

 private:
  RpcInput(std::shared_ptr<const nlohmann::json> root, const nlohmann::json* node, std::string path,
           std::shared_ptr<std::string> problem);
  const nlohmann::json* member(const std::string& name) const;

  std::shared_ptr<const nlohmann::json> m_root;  // keeps m_node alive
  const nlohmann::json* m_node;
  std::string m_path;
  std::shared_ptr<std::string> m_problem;
};

// "2026-11-26T12:00:00Z", with optional fraction and a Z or ±HH:MM offset, to ms since the epoch.
std::optional<int64_t> parse_iso8601_ms(const std::string& text);

}  // namespace lcd::local
