#include "local/s3/s3_xml.hpp"

#include <charconv>

#include "local/s3/checksums.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"
#include "util/xml_document.hpp"

namespace lcd::local::s3 {
namespace {

const char* k_xml_decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

void element(std::string& out, std::string_view name, std::string_view value) {
  out += '<';
  out += name;
  out += '>';
  out += xml_escape(value);
  out += "</";
  out += name;
  out += '>';
}

Error malformed(std::string why) {
  Error e{ErrorKind::invalid,
          "The XML you provided was not well-formed or did not validate against our published schema: " + why};
  e.code = "MalformedXML";
  e.http_status = 400;
  return e;
}

// The root element of a request body, which must be `root` (in S3's namespace or none).
Result<XmlElement> request_document(std::string_view body, std::string_view root) {
  auto doc = parse_xml(body);
  if (!doc) return fail(malformed(doc.error().message));
  if (doc->name != root || (!doc->ns.empty() && doc->ns != k_s3_xmlns)) {
    return fail(malformed("expected " + std::string(root) + ", not " + doc->name));
  }
  return doc;
}

}  // namespace

std::string list_buckets_xml(const std::vector<BucketSummary>& buckets, std::string_view owner_id) {
  std::string out = k_xml_decl;
  out += "<ListAllMyBucketsResult xmlns=\"";
  out += k_s3_xmlns;
  out += "\"><Owner>";
  element(out, "ID", owner_id);
  element(out, "DisplayName", "lambda-cd");
  out += "</Owner><Buckets>";
  for (const auto& b : buckets) {
    out += "<Bucket>";
    element(out, "Name", b.name);
    element(out, "CreationDate", b.creation_date);
    if (!b.region.empty()) element(out, "BucketRegion", b.region);
    out += "</Bucket>";
  }
  out += "</Buckets></ListAllMyBucketsResult>";
  return out;
}

std::string list_objects_xml(const ListRequestEcho& request, const ListPage& page) {
  auto enc = [&](const std::string& s) { return request.url_encode ? uri_encode(s, true) : s; };
  std::string out = k_xml_decl;
  out += "<ListBucketResult xmlns=\"";
  out += k_s3_xmlns;
  out += "\">";
  element(out, "Name", request.bucket);
  element(out, "Prefix", enc(request.prefix));
  if (!request.delimiter.empty()) element(out, "Delimiter", enc(request.delimiter));
  if (request.v1) {
    element(out, "Marker", request.start_after);
    if (page.is_truncated) element(out, "NextMarker", request.next_marker);
  }
  element(out, "MaxKeys", std::to_string(request.max_keys));
  if (!request.v1) element(out, "KeyCount", std::to_string(page.key_count()));
  element(out, "IsTruncated", page.is_truncated ? "true" : "false");
  if (request.url_encode) element(out, "EncodingType", "url");
  if (!request.v1) {
    if (!request.continuation_token.empty()) element(out, "ContinuationToken", request.continuation_token);
    if (!page.next_continuation_token.empty()) element(out, "NextContinuationToken", page.next_continuation_token);
    if (!request.start_after.empty()) element(out, "StartAfter", enc(request.start_after));
  }
  for (const auto& e : page.contents) {
    out += "<Contents>";
    element(out, "Key", enc(e.key));
    element(out, "LastModified", e.last_modified);
    element(out, "ETag", e.etag);
    element(out, "Size", std::to_string(e.size));
    element(out, "StorageClass", "STANDARD");
    out += "</Contents>";
  }
  for (const auto& p : page.common_prefixes) {
    out += "<CommonPrefixes>";
    element(out, "Prefix", enc(p));
    out += "</CommonPrefixes>";
  }
  out += "</ListBucketResult>";
  return out;
}

std::string initiate_multipart_xml(std::string_view bucket, std::string_view key, std::string_view upload_id) {
  std::string out = k_xml_decl;
  out += "<InitiateMultipartUploadResult xmlns=\"";
  out += k_s3_xmlns;
  out += "\">";
  element(out, "Bucket", bucket);
  element(out, "Key", key);
  element(out, "UploadId", upload_id);
  out += "</InitiateMultipartUploadResult>";
  return out;
}

std::string complete_multipart_xml(std::string_view location, std::string_view bucket, std::string_view key,
                                   std::string_view etag) {
  std::string out = k_xml_decl;
  out += "<CompleteMultipartUploadResult xmlns=\"";
  out += k_s3_xmlns;
  out += "\">";
  element(out, "Location", location);
  element(out, "Bucket", bucket);
  element(out, "Key", key);
  element(out, "ETag", etag);
  out += "</CompleteMultipartUploadResult>";
  return out;
}

std::string copy_object_xml(std::string_view etag, std::string_view last_modified) {
  std::string out = k_xml_decl;
  out += "<CopyObjectResult xmlns=\"";
  out += k_s3_xmlns;
  out += "\">";
  element(out, "LastModified", last_modified);
  element(out, "ETag", etag);
  out += "</CopyObjectResult>";
  return out;
}

std::string location_constraint_xml(std::string_view region) {
  std::string out = k_xml_decl;
  out += "<LocationConstraint xmlns=\"";
  out += k_s3_xmlns;
  out += "\">";
  if (region != "us-east-1") out += xml_escape(region);
  out += "</LocationConstraint>";
  return out;
}

Result<std::vector<CompletedPart>> parse_complete_multipart(std::string_view body) {
  auto doc = request_document(body, "CompleteMultipartUpload");
  if (!doc) return fail(doc.error());
  std::vector<CompletedPart> parts;
  for (const XmlElement* p : doc->children_named("Part")) {
    const XmlElement* number = p->child("PartNumber");
    const XmlElement* etag = p->child("ETag");
    if (!number) return fail(malformed("Part without PartNumber"));
    if (!etag) return fail(malformed("Part without ETag"));
    CompletedPart part;
    auto trimmed = trim(number->text);
    auto [end, ec] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), part.part_number);
    if (ec != std::errc() || end != trimmed.data() + trimmed.size() || part.part_number < 1 ||
        part.part_number > 10000) {
      return fail(malformed("bad PartNumber '" + number->text + "'"));
    }
    part.etag = unquote_etag(std::string(trim(etag->text)));
    parts.push_back(std::move(part));
  }
  if (parts.empty()) return fail(malformed("no Part elements"));
  return parts;
}

Result<std::string> parse_location_constraint(std::string_view body) {
  if (trim(body).empty()) return std::string();
  auto doc = request_document(body, "CreateBucketConfiguration");
  if (!doc) return fail(doc.error());
  return std::string(trim(doc->child_text("LocationConstraint")));
}

Result<DeleteRequest> parse_delete_objects(std::string_view body) {
  auto doc = request_document(body, "Delete");
  if (!doc) return fail(doc.error());
  DeleteRequest request;
  const std::string quiet(trim(doc->child_text("Quiet")));
  if (!quiet.empty() && quiet != "true" && quiet != "false") return fail(malformed("Quiet must be true or false"));
  request.quiet = quiet == "true";
  for (const XmlElement* o : doc->children_named("Object")) {
    const XmlElement* key = o->child("Key");
    if (!key) return fail(malformed("Object without Key"));
    request.keys.push_back(key->text);
  }
  if (request.keys.empty()) return fail(malformed("no Object elements"));
  if (request.keys.size() > k_delete_objects_max_keys) {
    return fail(malformed("more than " + std::to_string(k_delete_objects_max_keys) + " Object elements"));
  }
  return request;
}

}  // namespace lcd::local::s3
