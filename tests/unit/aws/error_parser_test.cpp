#include <gtest/gtest.h>

#include "aws/error_parser.hpp"

namespace lcd::aws {
namespace {

TEST(RestJsonError, HeaderCodeWinsAndSuffixIsStripped) {
  Error e = parse_error_response(
      Protocol::rest_json, 409,
      {{"x-amzn-ErrorType", "ResourceConflictException:http://internal.amazon.com/coral/com.amazonaws.lambda/"},
       {"x-amzn-RequestId", "req-1"}},
      R"({"Type":"User","message":"An update is in progress for resource: arn:aws:lambda:us-east-1:1:function:f"})");
  EXPECT_EQ(e.code, "ResourceConflictException");
  EXPECT_EQ(e.kind, ErrorKind::conflict);
  EXPECT_EQ(e.http_status, 409);
  EXPECT_EQ(e.request_id, "req-1");
  EXPECT_EQ(e.message, "An update is in progress for resource: arn:aws:lambda:us-east-1:1:function:f");
}

TEST(RestJsonError, CapitalMessageAndNotFound) {
  Error e = parse_error_response(Protocol::rest_json, 404, {{"X-Amzn-ErrorType", "ResourceNotFoundException"}},
                                 R"({"Type":"User","Message":"Function not found: arn:aws:lambda:us-east-1:1:function:nope"})");
  EXPECT_EQ(e.kind, ErrorKind::not_found);
  EXPECT_EQ(e.message, "Function not found: arn:aws:lambda:us-east-1:1:function:nope");
}

TEST(RestJsonError, BodyTypeWhenNoHeader) {
  Error moto = parse_error_response(Protocol::rest_json, 400, {},
                                    R"({"__type":"com.amazon#InvalidParameterValueException","message":"bad"})");
  EXPECT_EQ(moto.code, "InvalidParameterValueException");
  EXPECT_EQ(moto.kind, ErrorKind::invalid);
  Error code = parse_error_response(Protocol::rest_json, 412, {}, R"({"code":"PreconditionFailedException"})");
  EXPECT_EQ(code.code, "PreconditionFailedException");
  EXPECT_EQ(code.kind, ErrorKind::precondition);
  EXPECT_EQ(code.message, "Precondition Failed");
}

TEST(RestJsonError, ThrottlingWithRetryAfter) {
  Error e = parse_error_response(Protocol::rest_json, 429,
                                 {{"x-amzn-ErrorType", "TooManyRequestsException"}, {"Retry-After", "3"}},
                                 R"({"Reason":"CallerRateLimitExceeded","message":"Rate exceeded"})");
  EXPECT_EQ(e.kind, ErrorKind::throttled);
  EXPECT_EQ(e.retry_after_ms, 3000);
}

TEST(RestJsonError, AuthErrorsAndHtml5xx) {
  EXPECT_EQ(parse_error_response(Protocol::rest_json, 403, {{"x-amzn-ErrorType", "InvalidSignatureException"}},
                                 R"({"message":"Signature expired"})")
                .kind,
            ErrorKind::auth);
  EXPECT_EQ(parse_error_response(Protocol::rest_json, 403, {{"x-amzn-ErrorType", "UnrecognizedClientException"}}, "{}")
                .kind,
            ErrorKind::auth);
  Error html = parse_error_response(Protocol::rest_json, 502, {}, "<html><body>Bad Gateway</body></html>");
  EXPECT_EQ(html.code, "502");
  EXPECT_EQ(html.kind, ErrorKind::server);
  EXPECT_EQ(html.message, "Bad Gateway");
  Error garbage = parse_error_response(Protocol::rest_json, 400, {}, "not json at all");
  EXPECT_EQ(garbage.code, "400");
  EXPECT_EQ(garbage.kind, ErrorKind::invalid);
}

TEST(QueryXmlError, CloudFormationErrorResponse) {
  Error e = parse_error_response(Protocol::query_xml, 400, {},
                                 "<ErrorResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\">\n"
                                 "  <Error><Type>Sender</Type><Code>ValidationError</Code>"
                                 "<Message>Stack with id foo does not exist</Message></Error>\n"
                                 "  <RequestId>b9b4b068-3a41</RequestId>\n</ErrorResponse>");
  EXPECT_EQ(e.code, "ValidationError");
  EXPECT_EQ(e.message, "Stack with id foo does not exist");
  EXPECT_EQ(e.request_id, "b9b4b068-3a41");
  EXPECT_EQ(e.kind, ErrorKind::not_found);
}

TEST(QueryXmlError, ErrorsWrapperAndEntities) {
  Error e = parse_error_response(
      Protocol::query_xml, 400, {},
      "<ErrorResponse><Errors><Error><Code>InsufficientCapabilitiesException</Code>"
      "<Message>Requires capabilities : [CAPABILITY_IAM] &amp; &lt;more&gt; &#233;</Message></Error></Errors>"
      "<RequestId>r2</RequestId></ErrorResponse>");
  EXPECT_EQ(e.code, "InsufficientCapabilitiesException");
  EXPECT_EQ(e.message, "Requires capabilities : [CAPABILITY_IAM] & <more> \xC3\xA9");
  EXPECT_EQ(e.request_id, "r2");
  EXPECT_EQ(e.kind, ErrorKind::invalid);
  Error no_updates = parse_error_response(
      Protocol::query_xml, 400, {},
      "<ErrorResponse><Error><Code>ValidationError</Code><Message>No updates are to be performed.</Message></Error>"
      "</ErrorResponse>");
  EXPECT_EQ(no_updates.kind, ErrorKind::invalid);
  Error throttled = parse_error_response(
      Protocol::query_xml, 400, {}, "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message>"
                                    "</Error></ErrorResponse>");
  EXPECT_EQ(throttled.kind, ErrorKind::throttled);
  Error exists = parse_error_response(
      Protocol::query_xml, 400, {}, "<ErrorResponse><Error><Code>AlreadyExistsException</Code></Error></ErrorResponse>");
  EXPECT_EQ(exists.kind, ErrorKind::conflict);
}

TEST(QueryXmlError, AJsonAnswerToAQueryRequestIsStillRead) {
  // An endpoint that does not serve the service answers in its own (JSON) shape.
  Error e = parse_error_response(Protocol::query_xml, 400, {{"x-amzn-ErrorType", "UnknownServiceException"}},
                                 "{\"Type\":\"User\",\"message\":\"Service 'monitoring' is not served\"}");
  EXPECT_EQ(e.code, "UnknownServiceException");
  EXPECT_EQ(e.message, "Service 'monitoring' is not served");
}

TEST(RestXmlError, S3ErrorDocument) {
  Error e = parse_error_response(
      Protocol::rest_xml, 404, {{"x-amz-request-id", "4442587FB7D0A2F9"}},
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not "
      "exist.</Message><Key>builds/x.zip</Key><RequestId>4442587FB7D0A2F9</RequestId><HostId>h</HostId></Error>");
  EXPECT_EQ(e.code, "NoSuchKey");
  EXPECT_EQ(e.message, "The specified key does not exist.");
  EXPECT_EQ(e.request_id, "4442587FB7D0A2F9");
  EXPECT_EQ(e.kind, ErrorKind::not_found);
  Error bucket = parse_error_response(Protocol::rest_xml, 404, {},
                                      "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist"
                                      "</Message><RequestId>X</RequestId></Error>");
  EXPECT_EQ(bucket.kind, ErrorKind::not_found);
  EXPECT_EQ(bucket.request_id, "X");
  Error sig = parse_error_response(Protocol::rest_xml, 403, {},
                                   "<Error><Code>SignatureDoesNotMatch</Code><Message>m</Message></Error>");
  EXPECT_EQ(sig.kind, ErrorKind::auth);
  Error slow = parse_error_response(Protocol::rest_xml, 503, {}, "<Error><Code>SlowDown</Code></Error>");
  EXPECT_EQ(slow.kind, ErrorKind::throttled);
}

TEST(RestXmlError, HeadWithEmptyBodyUsesStatusAsCode) {
  Error not_found = parse_error_response(Protocol::rest_xml, 404, {}, "", "HEAD");
  EXPECT_EQ(not_found.code, "404");
  EXPECT_EQ(not_found.message, "Not Found");
  EXPECT_EQ(not_found.kind, ErrorKind::not_found);
  Error precondition = parse_error_response(Protocol::rest_xml, 412, {}, "", "HEAD");
  EXPECT_EQ(precondition.code, "412");
  EXPECT_EQ(precondition.kind, ErrorKind::precondition);
  EXPECT_EQ(parse_error_response(Protocol::rest_xml, 403, {}, "", "HEAD").kind, ErrorKind::auth);
}

TEST(ClassifyError, StatusFallbacks) {
  EXPECT_EQ(classify_error(409, "Whatever", ""), ErrorKind::conflict);
  EXPECT_EQ(classify_error(400, "InvalidParameterValueException", ""), ErrorKind::invalid);
  EXPECT_EQ(classify_error(413, "RequestEntityTooLargeException", ""), ErrorKind::invalid);
  EXPECT_EQ(classify_error(500, "ServiceException", ""), ErrorKind::server);
  EXPECT_EQ(classify_error(400, "ExpiredToken", ""), ErrorKind::auth);
  EXPECT_EQ(classify_error(400, "PriorRequestNotComplete", ""), ErrorKind::throttled);
}

TEST(RetryAfter, SecondsOnly) {
  EXPECT_EQ(parse_retry_after_ms("2"), 2000);
  EXPECT_EQ(parse_retry_after_ms(" 0 "), 0);
  EXPECT_EQ(parse_retry_after_ms(""), -1);
  EXPECT_EQ(parse_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT"), -1);
  EXPECT_EQ(parse_retry_after_ms("-5"), -1);
}

TEST(RestXmlError, ABucketInAnotherRegionIsNamed) {
  // HeadBucket signed for the wrong region: no body, only the status and x-amz-bucket-region.
  Error head = parse_error_response(Protocol::rest_xml, 400, {{"x-amz-bucket-region", "eu-west-1"}}, "", "HEAD");
  EXPECT_EQ(head.code, "400");
  EXPECT_NE(head.message.find("the bucket is in region eu-west-1"), std::string::npos) << head.message;
  // With a body that already names it, the message stays AWS's.
  Error get = parse_error_response(
      Protocol::rest_xml, 400, {{"x-amz-bucket-region", "eu-west-1"}},
      "<Error><Code>AuthorizationHeaderMalformed</Code><Message>The authorization header is malformed; the region "
      "'us-east-1' is wrong; expecting 'eu-west-1'</Message><Region>eu-west-1</Region></Error>",
      "GET");
  EXPECT_EQ(get.code, "AuthorizationHeaderMalformed");
  EXPECT_EQ(get.message, "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'");
  Error other = parse_error_response(Protocol::rest_xml, 404, {}, "", "HEAD");
  EXPECT_EQ(other.message.find("region"), std::string::npos);
}

}  // namespace
}  // namespace lcd::aws
