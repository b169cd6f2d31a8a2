#pragma once
// The output of an RPC-style operation (query, JSON 1.0/1.1, RPC v2 CBOR) as one JSON document with
// the model's member names. Timestamps and maps are marked, because each protocol writes them its
// own way (aws-api-notes-2 §14.1): JSON epoch seconds, CBOR tag 1 + epoch seconds, query ISO 8601;
// a map is a JSON/CBOR object but <entry><key/><value/></entry> in query XML, where lists are
// <member> elements. Pure.

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "local/protocol/http_types.hpp"
#include "local/protocol/wire_protocol.hpp"

namespace lcd::local {

// A timestamp member (milliseconds since the epoch).
nlohmann::json rpc_timestamp(int64_t epoch_ms);
// A map member: `object`'s keys and values.
nlohmann::json rpc_map(nlohmann::json object);

// The milliseconds of an rpc_timestamp, nullopt for anything else.
std::optional<int64_t> rpc_timestamp_ms(const nlohmann::json& value);
// The object inside an rpc_map, nullptr for anything else.
const nlohmann::json* rpc_map_object(const nlohmann::json& value);

// JSON text: timestamps as epoch seconds (an integer when whole, else with millisecond decimals),
// maps as objects.
std::string rpc_document_json(const nlohmann::json& document);

// The inner XML of a query response's <{Op}Result>: members in document order, lists as
// <member>, maps as <entry><key/><value/></entry>, timestamps ISO 8601 UTC, booleans true/false.
std::string rpc_document_query_xml(const nlohmann::json& document);

// "2026-11-26T12:00:00Z", or "2026-11-26T12:00:00.512Z" when the milliseconds are not zero.
std::string iso8601_timestamp(int64_t epoch_ms);

// The 200 answer to an RPC operation in the request's protocol: JSON 1.0/1.1 text, RPC v2 CBOR, or
// query XML under <{operation}Response xmlns=…> (`empty_result` leaves out <{Op}Result>, as AWS
// does for operations without output).
HttpResponse rpc_response(WireProtocol protocol, std::string_view operation, const nlohmann::json& document,
                          std::string_view request_id, std::string_view query_xmlns, bool empty_result = false);

}  // namespace lcd::local
