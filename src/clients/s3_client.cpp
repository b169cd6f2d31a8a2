#include "clients/s3_client.hpp"

#include <fstream>
#include <system_error>

#include "util/xml_document.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"
#include "util/strings.hpp"

namespace lcd::clients {
namespace {

constexpr const char* k_s3_namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

aws::ServiceRequest s3_request(std::string operation, std::string method, std::string path) {
  aws::ServiceRequest r;
  r.service = "s3";
  r.protocol = aws::Protocol::rest_xml;
  r.method = std::move(method);
  r.path = std::move(path);
  r.operation = std::move(operation);
  return r;
}

// The body is signed with its real SHA-256 (sent as x-amz-content-sha256) and carries Content-MD5.
void set_body(aws::ServiceRequest& r, std::string_view body) {
  r.body.assign(body.data(), body.size());
  r.payload_hash = hex_encode(sha256(body));
  r.headers.emplace_back("Content-MD5", base64_encode(md5(body)));
}

void add_put_options(aws::ServiceRequest& r, const PutOptions& options) {
  if (!options.content_type.empty()) r.headers.emplace_back("Content-Type", options.content_type);
  for (const auto& [name, value] : options.metadata) r.headers.emplace_back("x-amz-meta-" + name, value);
  if (options.if_none_match) r.headers.emplace_back("If-None-Match", "*");
  if (!options.if_match.empty()) r.headers.emplace_back("If-Match", options.if_match);
}

S3ObjectInfo info_from_headers(const aws::ServiceResponse& response) {
  S3ObjectInfo info;
  for (const auto& [name, value] : response.headers) {
    const std::string lower = to_lower(name);
    if (lower == "content-length") {
      try {
        info.content_length = std::stoll(value);
      } catch (...) {
        info.content_length = 0;
      }
    } else if (lower == "content-type") {
      info.content_type = value;
    } else if (lower == "etag") {
      info.etag = value;
    } else if (lower == "last-modified") {
      info.last_modified = value;
    } else if (starts_with(lower, "x-amz-meta-")) {
      info.metadata[lower.substr(11)] = value;
    }
  }
  return info;
}

// S3 may answer 200 and still put an <Error> document in the body (CompleteMultipartUpload).
Result<XmlElement> parse_s3_document(std::string_view xml, std::string_view expected_root) {
  auto doc = parse_xml(xml);
  if (!doc) return fail(doc.error());
  if (doc->name == "Error") {
    Error e{ErrorKind::server, doc->child_text("Message")};
    e.code = doc->child_text("Code");
    e.request_id = doc->child_text("RequestId");
    if (e.code == "NoSuchUpload" || e.code == "NoSuchBucket" || e.code == "NoSuchKey") e.kind = ErrorKind::not_found;
    else if (e.code == "InvalidPart" || e.code == "InvalidPartOrder" || e.code == "EntityTooSmall") e.kind = ErrorKind::invalid;
    return fail(std::move(e));
  }
  if (doc->name != expected_root) {
    return fail(ErrorKind::invalid, "unexpected S3 response: <" + doc->name + "> instead of <" +
                                        std::string(expected_root) + ">");
  }
  return doc;
}

int64_t parse_int64(const std::string& text) {
  try {
    return text.empty() ? 0 : std::stoll(text);
  } catch (...) {
    return -1;
  }
}

}  // namespace

std::string s3_object_path(const std::string& bucket, const std::string& key) {
  return "/" + uri_encode(bucket) + "/" + uri_encode(key, true);
}

Result<ListObjectsPage> parse_list_objects_v2(std::string_view xml) {
  auto doc = parse_s3_document(xml, "ListBucketResult");
  if (!doc) return fail(doc.error());
  ListObjectsPage page;
  for (const XmlElement* c : doc->children_named("Contents")) {
    S3ObjectSummary o;
    o.key = c->child_text("Key");
    o.last_modified = c->child_text("LastModified");
    o.etag = c->child_text("ETag");
    o.size = parse_int64(c->child_text("Size"));
    if (o.size < 0) return fail(ErrorKind::invalid, "ListObjectsV2: bad <Size> for key " + o.key);
    o.storage_class = c->child_text("StorageClass");
    page.objects.push_back(std::move(o));
  }
  page.truncated = doc->child_text("IsTruncated") == "true";
  page.next_continuation_token = doc->child_text("NextContinuationToken");
  return page;
}

Result<std::string> parse_initiate_multipart_upload(std::string_view xml) {
  auto doc = parse_s3_document(xml, "InitiateMultipartUploadResult");
  if (!doc) return fail(doc.error());
  std::string id = doc->child_text("UploadId");
  if (id.empty()) return fail(ErrorKind::invalid, "CreateMultipartUpload: response has no UploadId");
  return id;
}

Result<PutObjectResult> parse_complete_multipart_upload(std::string_view xml) {
  auto doc = parse_s3_document(xml, "CompleteMultipartUploadResult");
  if (!doc) return fail(doc.error());
  PutObjectResult out;
  out.etag = doc->child_text("ETag");
  return out;
}

std::string build_complete_multipart_upload(const std::vector<CompletedPart>& parts) {
  std::string xml = std::string("<CompleteMultipartUpload xmlns=\"") + k_s3_namespace + "\">";
  for (const auto& p : parts) {
    xml += "<Part><PartNumber>" + std::to_string(p.part_number) + "</PartNumber><ETag>" + xml_escape(p.etag) +
           "</ETag></Part>";
  }
  xml += "</CompleteMultipartUpload>";
  return xml;
}

Result<void> S3Client::create_bucket(const std::string& bucket, const std::string& region) {
  auto r = s3_request("CreateBucket", "PUT", "/" + uri_encode(bucket));
  if (!region.empty() && region != "us-east-1") {
    set_body(r, std::string("<CreateBucketConfiguration xmlns=\"") + k_s3_namespace + "\"><LocationConstraint>" +
                    xml_escape(region) + "</LocationConstraint></CreateBucketConfiguration>");
    r.headers.emplace_back("Content-Type", "application/xml");
  }
  auto response = m_caller.call(r);
  if (!response) return fail(response.error());
  return {};
}

Result<void> S3Client::head_bucket(const std::string& bucket) {
  auto response = m_caller.call(s3_request("HeadBucket", "HEAD", "/" + uri_encode(bucket)));
  if (!response) return fail(response.error());
  return {};
}

Result<PutObjectResult> S3Client::put_object(const std::string& bucket, const std::string& key,
                                             std::string_view body, const PutOptions& options) {
  auto r = s3_request("PutObject", "PUT", s3_object_path(bucket, key));
  set_body(r, body);
  add_put_options(r, options);
  auto response = m_caller.call(r);
  if (!response) return fail(response.error());
  return PutObjectResult{response->header("ETag"), response->header("x-amz-version-id")};
}

Result<std::string> S3Client::create_multipart_upload(const std::string& bucket, const std::string& key,
                                                      const PutOptions& options) {
  auto r = s3_request("CreateMultipartUpload", "POST", s3_object_path(bucket, key));
  r.query.emplace_back("uploads", "");
  add_put_options(r, options);
  auto response = m_caller.call(r);
  if (!response) return fail(response.error());
  return parse_initiate_multipart_upload(response->body);
}

Result<std::string> S3Client::upload_part(const std::string& bucket, const std::string& key,
                                          const std::string& upload_id, int part_number, std::string_view body) {
  auto r = s3_request("UploadPart", "PUT", s3_object_path(bucket, key));
  r.query.emplace_back("partNumber", std::to_string(part_number));
  r.query.emplace_back("uploadId", upload_id);
  set_body(r, body);
  auto response = m_caller.call(r);
  if (!response) return fail(response.error());
  std::string etag = response->header("ETag");
  if (etag.empty()) return fail(ErrorKind::invalid, "UploadPart: response has no ETag for part " + std::to_string(part_number));
  return etag;
}

Result<PutObjectResult> S3Client::complete_multipart_upload(const std::string& bucket, const std::string& key,
                                                            const std::string& upload_id,
                                                            const std::vector<CompletedPart>& parts) {
  auto r = s3_request("CompleteMultipartUpload", "POST", s3_object_path(bucket, key));
  r.query.emplace_back("uploadId", upload_id);
  set_body(r, build_complete_multipart_upload(parts));
  r.headers.emplace_back("Content-Type", "application/xml");
  auto response = m_caller.call(r);
  if (!response) return fail(response.error());
  auto result = parse_complete_multipart_upload(response->body);
  if (!result) return result;
  if (std::string v = response->header("x-amz-version-id"); !v.empty()) result->version_id = v;
  return result;
}

Result<void> S3Client::abort_multipart_upload(const std::string& bucket, const std::string& key,
                                              const std::string& upload_id) {
  auto r = s3_request("AbortMultipartUpload", "DELETE", s3_object_path(bucket, key));
  r.query.emplace_back("uploadId", upload_id);
  auto response = m_caller.call(r);
  if (!response) return fail(response.error());
  return {};
}

Result<PutObjectResult> S3Client::multipart_upload(const std::string& bucket, const std::string& key, uint64_t total,
                                                   const PartReader& reader, const PutOptions& options,
                                                   const UploadProgressFn& progress, uint64_t part_size) {
  if (part_size == 0) return fail(ErrorKind::invalid, "multipart upload: part size must be positive");
  const uint64_t parts_total = total == 0 ? 1 : (total + part_size - 1) / part_size;
  if (parts_total > static_cast<uint64_t>(k_s3_max_parts)) {
    return fail(ErrorKind::invalid, "multipart upload of " + std::to_string(total) + " bytes would need " +
                                        std::to_string(parts_total) + " parts (S3 allows " +
                                        std::to_string(k_s3_max_parts) + ")");
  }
  auto upload_id = create_multipart_upload(bucket, key, options);
  if (!upload_id) return fail(upload_id.error());

  auto abort_with = [&](Error error) -> Result<PutObjectResult> {
    auto aborted = abort_multipart_upload(bucket, key, *upload_id);
    if (!aborted) {
      error.message += " (and aborting upload " + *upload_id + " failed too: " + aborted.error().describe() + ")";
    }
    return fail(std::move(error));
  };

  std::vector<CompletedPart> parts;
  UploadProgress state{0, total, 0, static_cast<int>(parts_total)};
  if (progress) progress(state);
  for (uint64_t i = 0; i < parts_total; ++i) {
    const uint64_t offset = i * part_size;
    const uint64_t size = std::min(part_size, total - offset);
    auto data = reader(offset, size);
    if (!data) return abort_with(data.error());
    if (data->size() != size) {
      return abort_with(Error{ErrorKind::io, "multipart upload: read " + std::to_string(data->size()) +
                                                 " bytes at offset " + std::to_string(offset) + ", expected " +
                                                 std::to_string(size) + " (did the file change?)"});
    }
    const int number = static_cast<int>(i) + 1;
    auto etag = upload_part(bucket, key, *upload_id, number, *data);
    if (!etag) return abort_with(etag.error());
    parts.push_back({number, *etag});
    state.bytes_sent += size;
    state.parts_done = number;
    if (progress) progress(state);
  }
  auto done = complete_multipart_upload(bucket, key, *upload_id, parts);
  if (!done) return abort_with(done.error());
  return done;
}

Result<PutObjectResult> S3Client::upload_file(const std::string& bucket, const std::string& key,
                                              const std::filesystem::path& file, const PutOptions& options,
                                              const UploadProgressFn& progress, uint64_t part_size) {
  std::error_code ec;
  const uint64_t total = std::filesystem::file_size(file, ec);
  if (ec) return fail(ErrorKind::io, "cannot read " + file.string() + ": " + ec.message());
  if (total <= part_size) {
    auto bytes = read_file(file);
    if (!bytes) return fail(bytes.error());
    if (progress) progress({0, total, 0, 1});
    auto put = put_object(bucket, key, *bytes, options);
    if (put && progress) progress({total, total, 1, 1});
    return put;
  }
  auto in = std::make_shared<std::ifstream>(file, std::ios::binary);
  if (!*in) return fail(ErrorKind::io, "cannot open " + file.string());
  PartReader reader = [in, file](uint64_t offset, uint64_t size) -> Result<std::string> {
    std::string buffer(size, '\0');
    in->clear();
    in->seekg(static_cast<std::streamoff>(offset));
    in->read(buffer.data(), static_cast<std::streamsize>(size));
    if (!*in && static_cast<uint64_t>(in->gcount()) != size) {
      buffer.resize(static_cast<size_t>(in->gcount()));
      if (in->bad()) return fail(ErrorKind::io, "read error in " + file.string());
    }
    return buffer;
  };
  return multipart_upload(bucket, key, total, reader, options, progress, part_size);
}

Result<S3Object> S3Client::get_object(const std::string& bucket, const std::string& key) {
  auto response = m_caller.call(s3_request("GetObject", "GET", s3_object_path(bucket, key)));
  if (!response) return fail(response.error());
  S3Object out;
  out.info = info_from_headers(*response);
  out.body = std::move(response->body);
  if (out.info.content_length != 0 && static_cast<uint64_t>(out.info.content_length) != out.body.size()) {
    return fail(ErrorKind::network, "GetObject s3://" + bucket + "/" + key + ": received " +
                                        std::to_string(out.body.size()) + " bytes of " +
                                        std::to_string(out.info.content_length));
  }
  out.info.content_length = static_cast<int64_t>(out.body.size());
  return out;
}

Result<S3ObjectInfo> S3Client::get_object_to_file(const std::string& bucket, const std::string& key,
                                                  const std::filesystem::path& file) {
  auto object = get_object(bucket, key);
  if (!object) return fail(object.error());
  if (auto written = write_file_atomic(file, object->body); !written) return fail(written.error());
  return object->info;
}

Result<S3ObjectInfo> S3Client::head_object(const std::string& bucket, const std::string& key) {
  auto response = m_caller.call(s3_request("HeadObject", "HEAD", s3_object_path(bucket, key)));
  if (!response) return fail(response.error());
  return info_from_headers(*response);
}

Result<std::vector<S3ObjectSummary>> S3Client::list_objects(const std::string& bucket, const std::string& prefix) {
  std::vector<S3ObjectSummary> all;
  std::string token;
  for (int page = 0; page < k_max_pages; ++page) {
    auto r = s3_request("ListObjectsV2", "GET", "/" + uri_encode(bucket));
    r.query.emplace_back("list-type", "2");
    if (!prefix.empty()) r.query.emplace_back("prefix", prefix);
    if (!token.empty()) r.query.emplace_back("continuation-token", token);
    auto response = m_caller.call(r);
    if (!response) return fail(response.error());
    auto parsed = parse_list_objects_v2(response->body);
    if (!parsed) return fail(parsed.error());
    for (auto& o : parsed->objects) all.push_back(std::move(o));
    if (!parsed->truncated) return all;
    if (parsed->next_continuation_token.empty() || parsed->next_continuation_token == token) {
      return fail(ErrorKind::invalid, "ListObjectsV2: truncated page without a new NextContinuationToken");
    }
    token = parsed->next_continuation_token;
  }
  return fail(ErrorKind::internal, "ListObjectsV2: more than " + std::to_string(k_max_pages) + " pages");
}

Result<void> S3Client::delete_object(const std::string& bucket, const std::string& key, const std::string& if_match) {
  auto r = s3_request("DeleteObject", "DELETE", s3_object_path(bucket, key));
  if (!if_match.empty()) r.headers.emplace_back("If-Match", if_match);
  auto response = m_caller.call(r);
  if (!response) return fail(response.error());
  return {};
}

}  // namespace lcd::clients
