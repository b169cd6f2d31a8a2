#include "local/s3/s3_xml.hpp"

#include <charconv>

#include "local/s3/checksums.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

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

// The text of the first <name>...</name> in [from, to); npos-safe.
bool find_element(std::string_view xml, std::string_view name, size_t from, size_t to, std::string& out,
                  size_t* end_pos = nullptr) {
  std::string open = "<" + std::string(name) + ">";
  std::string close = "</" + std::string(name) + ">";
  auto a = xml.find(open, from);
  if (a == std::string_view::npos || a >= to) return false;
  auto b = xml.find(close, a + open.size());
  if (b == std::string_view::npos || b > to) return false;
  out = xml_unescape(xml.substr(a + open.size(), b - a - open.size()));
  if (end_pos) *end_pos = b + close.size();
  return true;
}

}  // namespace


std::string xml_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    auto semi = text.find(';', i);
    if (semi == std::string_view::npos) {
      out += text[i];
      continue;
    }
    std::string_view entity = text.substr(i + 1, semi - i - 1);
    if (entity == "amp") out += '&';
    else if (entity == "lt") out += '<';
    else if (entity == "gt") out += '>';
    else if (entity == "quot") out += '"';
    else if (entity == "apos") out += '\'';
    else if (!entity.empty() && entity[0] == '#') {
      unsigned code = 0;
      bool hex = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X');
      auto digits = entity.substr(hex ? 2 : 1);
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), code, hex ? 16 : 10);
      if (ec != std::errc() || p != digits.data() + digits.size() || code > 0x7f) {
        out += text.substr(i, semi - i + 1);
      } else {
        out += static_cast<char>(code);
      }
    } else {
      out += text.substr(i, semi - i + 1);
    }
    i = semi;
  }
  return out;
}

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

std::string list_objects_v2_xml(const ListRequestEcho& request, const ListPage& page) {
  auto enc = [&](const std::string& s) { return request.url_encode ? uri_encode(s, true) : s; };
  std::string out = k_xml_decl;
  out += "<ListBucketResult xmlns=\"";
  out += k_s3_xmlns;
  out += "\">";
  element(out, "Name", request.bucket);
  element(out, "Prefix", enc(request.prefix));
  if (!request.delimiter.empty()) element(out, "Delimiter", enc(request.delimiter));
  element(out, "MaxKeys", std::to_string(request.max_keys));
  element(out, "KeyCount", std::to_string(page.key_count()));
  element(out, "IsTruncated", page.is_truncated ? "true" : "false");
  if (request.url_encode) element(out, "EncodingType", "url");
  if (!request.continuation_token.empty()) element(out, "ContinuationToken", request.continuation_token);
  if (!page.next_continuation_token.empty()) element(out, "NextContinuationToken", page.next_continuation_token);
  if (!request.start_after.empty()) element(out, "StartAfter", enc(request.start_after));
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
  if (body.find("<CompleteMultipartUpload") == std::string_view::npos) {
    return fail(malformed("missing CompleteMultipartUpload element"));
  }
  std::vector<CompletedPart> parts;
  size_t pos = 0;
  while (true) {
    auto a = body.find("<Part>", pos);
    if (a == std::string_view::npos) break;
    auto b = body.find("</Part>", a);
    if (b == std::string_view::npos) return fail(malformed("unterminated Part element"));
    CompletedPart part;
    std::string number, etag;
    if (!find_element(body, "PartNumber", a, b, number)) return fail(malformed("Part without PartNumber"));
    if (!find_element(body, "ETag", a, b, etag)) return fail(malformed("Part without ETag"));
    auto trimmed = trim(number);
    auto [p, ec] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), part.part_number);
    if (ec != std::errc() || p != trimmed.data() + trimmed.size() || part.part_number < 1 || part.part_number > 10000) {
      return fail(malformed("bad PartNumber '" + number + "'"));
    }
    part.etag = unquote_etag(etag);
    parts.push_back(std::move(part));
    pos = b + 7;
  }
  if (parts.empty()) return fail(malformed("no Part elements"));
  return parts;
}

Result<std::string> parse_location_constraint(std::string_view body) {
  if (trim(body).empty()) return std::string();
  if (body.find("<CreateBucketConfiguration") == std::string_view::npos) {
    return fail(malformed("expected CreateBucketConfiguration"));
  }
  std::string value;
  if (!find_element(body, "LocationConstraint", 0, body.size(), value)) return std::string();
  return std::string(trim(value));
}

}  // namespace lcd::local::s3
