#pragma once
// An in-memory S3 behind aws::ServiceCaller for pipeline tests.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "aws/service_caller.hpp"
#include "util/encoding.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"

namespace lcd::test {

// An in-memory S3 behind ServiceCaller: buckets, objects, multipart uploads (parts kept apart
// until Complete), one-page listings. Checks Content-MD5 like S3 does.
class FakeS3 : public aws::ServiceCaller {
 public:
  std::map<std::string, std::map<std::string, std::string>> buckets;
  std::map<std::string, std::map<int, std::string>> uploads;  // upload id -> parts
  std::vector<aws::ServiceRequest> log;
  int fail_upload_part = 0;
  int upload_counter = 0;

  int count(const std::string& op) const {
    int n = 0;
    for (const auto& r : log) n += r.operation == op;
    return n;
  }

  std::vector<std::string> denied;  // operations answered 403 AccessDenied

  Result<aws::ServiceResponse> call(const aws::ServiceRequest& r) override {
    log.push_back(r);
    for (const auto& op : denied) {
      if (op == r.operation) return error(403, "AccessDenied", "Access Denied");
    }
    EXPECT_EQ(r.service, "s3");
    auto slash = r.path.find('/', 1);
    const std::string bucket = r.path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
    const std::string key = slash == std::string::npos ? "" : uri_decode(r.path.substr(slash + 1)).value_or("");
    if (r.operation == "CreateBucket") {
      buckets[bucket];
      return ok("");
    }
    auto b = buckets.find(bucket);
    if (b == buckets.end()) return error(404, "NoSuchBucket", "The specified bucket does not exist");
    for (const auto& [h, v] : r.headers) {
      if (h == "Content-MD5" && v != base64_encode(md5(r.body))) return error(400, "BadDigest", "md5 mismatch");
    }
    if (r.operation == "HeadBucket") return ok("");
    if (r.operation == "PutObject" || r.operation == "DeleteObject") {
      // Conditional writes and deletes (aws-api-notes-2 §17.1) against the current ETag.
      auto existing = b->second.find(key);
      for (const auto& [h, v] : r.headers) {
        if (h == "If-None-Match" && existing != b->second.end()) return error(412, "PreconditionFailed", "If-None-Match");
        if (h == "If-Match") {
          if (existing == b->second.end()) return error(404, "NoSuchKey", "The specified key does not exist.");
          if (v != etag_of(existing->second)) return error(412, "PreconditionFailed", "If-Match");
        }
      }
      if (r.operation == "DeleteObject") {
        if (existing != b->second.end()) b->second.erase(existing);
        return ok("");
      }
      b->second[key] = r.body;
      return ok("", {{"ETag", etag_of(r.body)}});
    }
    if (r.operation == "CreateMultipartUpload") {
      const std::string id = "u" + std::to_string(++upload_counter);
      uploads[id];
      return ok("<InitiateMultipartUploadResult><UploadId>" + id + "</UploadId></InitiateMultipartUploadResult>");
    }
    if (r.operation == "UploadPart") {
      const int n = std::stoi(query(r, "partNumber"));
      if (n == fail_upload_part) return error(500, "InternalError", "We encountered an internal error.");
      uploads.at(query(r, "uploadId"))[n] = r.body;
      return ok("", {{"ETag", "\"p" + std::to_string(n) + "\""}});
    }
    if (r.operation == "CompleteMultipartUpload") {
      std::string all;
      for (const auto& [n, body] : uploads.at(query(r, "uploadId"))) all += body;
      uploads.erase(query(r, "uploadId"));
      b->second[key] = all;
      return ok("<CompleteMultipartUploadResult><ETag>\"m\"</ETag></CompleteMultipartUploadResult>");
    }
    if (r.operation == "AbortMultipartUpload") {
      uploads.erase(query(r, "uploadId"));
      return ok("");
    }
    if (r.operation == "ListObjectsV2") {
      std::string xml = "<ListBucketResult><IsTruncated>false</IsTruncated>";
      for (const auto& [k, v] : b->second) {
        if (k.rfind(query(r, "prefix"), 0) == 0)
          xml += "<Contents><Key>" + lcd::xml_escape(k) + "</Key><Size>" + std::to_string(v.size()) + "</Size></Contents>";
      }
      return ok(xml + "</ListBucketResult>");
    }
    auto o = b->second.find(key);
    if (o == b->second.end()) return error(404, r.method == "HEAD" ? "404" : "NoSuchKey", "The specified key does not exist.");
    if (r.operation == "GetObject")
      return ok(o->second, {{"Content-Length", std::to_string(o->second.size())}, {"ETag", etag_of(o->second)}});
    if (r.operation == "HeadObject") return ok("", {{"Content-Length", std::to_string(o->second.size())}});
    return error(400, "NotImplemented", r.operation);
  }

 static std::string etag_of(const std::string& body) { return "\"" + hex_encode(md5(body)) + "\""; }

 private:
  static std::string query(const aws::ServiceRequest& r, const std::string& k) {
    for (const auto& [n, v] : r.query)
      if (n == k) return v;
    return {};
  }
  static Result<aws::ServiceResponse> ok(std::string body, aws::HeaderList headers = {}) {
    return aws::ServiceResponse{200, std::move(headers), std::move(body)};
  }
  static Result<aws::ServiceResponse> error(int status, std::string code, std::string message) {
    Error e{status == 404   ? ErrorKind::not_found
            : status == 403 ? ErrorKind::auth
            : status == 412 ? ErrorKind::precondition
            : status >= 500 ? ErrorKind::server
                            : ErrorKind::invalid,
            std::move(message)};
    e.code = std::move(code);
    e.http_status = status;
    return tl::unexpected<Error>(std::move(e));
  }
};

}  // namespace lcd::test
