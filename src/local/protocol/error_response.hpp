#pragma once
// ApiError in each protocol's wire shape (aws-api-notes §1.1, §8, §9; aws-api-notes-2 §14.2, §15.1):
// which exception a client raises is decided by these shapes, so every service renders through here.

#include <string>
#include <string_view>

#include "local/protocol/api_error.hpp"
#include "local/protocol/http_types.hpp"
#include "local/protocol/wire_protocol.hpp"

namespace lcd::local {

// REST-JSON (Lambda): x-amzn-ErrorType, body {"Type":"User"|"Service","message"|"Message":…[,"Reason"]}
// with the capitalisation each exception's modeled member uses.
HttpResponse rest_json_error(const ApiError& error, std::string_view request_id);

// REST-XML (S3): <Error><Code/><Message/>{extra}<RequestId/><HostId/></Error>; `head`: status only.
HttpResponse rest_xml_error(const ApiError& error, std::string_view request_id, bool head = false);

// Query (CloudFormation, IAM, STS, CloudWatch for the AWS CLI):
// <ErrorResponse xmlns=…><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>.
HttpResponse query_error(const ApiError& error, std::string_view request_id, std::string_view xmlns);

// JSON 1.0/1.1 RPC (Logs, CloudWatch for boto3): {"__type": code, "message": …}. RPC v2 CBOR's
// shape (the same members in CBOR) is cbor_rpc_error in cbor_rpc.hpp.
HttpResponse json_rpc_error(const ApiError& error, std::string_view request_id, WireProtocol protocol);

// For services that are awsQueryCompatible (CloudWatch): JSON and CBOR errors also carry
// `x-amzn-query-error: <code>;<Sender|Receiver>`, from which clients take the query-protocol code
// and so raise the modeled exception (aws-api-notes-2 §14.2).
void add_query_error_header(HttpResponse& response, const ApiError& error);

// For a request whose service is not known (or not served): the shape its protocol implies.
HttpResponse error_for_protocol(WireProtocol protocol, const ApiError& error, std::string_view request_id);

}  // namespace lcd::local
