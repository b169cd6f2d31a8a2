#include "local/s3/aws_chunked.hpp"

#include "util/strings.hpp"

namespace lcd::local::s3 {
namespace {

bool parse_hex_size(std::string_view text, size_t& out) {
  if (text.empty() || text.size() > 16) return false;
  size_t value = 0;
  for (char c : text) {
    int digit;
    if (c >= '0' && c <= '9') digit = c - '0';
    else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    else return false;
    value = value * 16 + static_cast<size_t>(digit);
  }
  out = value;
  return true;
}

}  // namespace

bool is_streaming_payload(std::string_view content_sha256) {
  return starts_with(content_sha256, "STREAMING-");
}

Result<ChunkedBody> decode_aws_chunked(std::string_view body) {
  ChunkedBody out;
  size_t pos = 0;
  while (true) {
    auto eol = body.find("\r\n", pos);
    if (eol == std::string_view::npos) return fail(ErrorKind::invalid, "aws-chunked body: chunk header without CRLF");
    std::string_view header = body.substr(pos, eol - pos);
    std::string_view size_text = header;
    auto semi = header.find(';');
    if (semi != std::string_view::npos) {
      size_text = header.substr(0, semi);
      std::string_view ext = header.substr(semi + 1);
      if (!starts_with(ext, "chunk-signature=")) {
        return fail(ErrorKind::invalid, "aws-chunked body: unknown chunk extension '" + std::string(ext) + "'");
      }
      out.chunk_signatures.emplace_back(ext.substr(16));
    }
    size_t size = 0;
    if (!parse_hex_size(trim(size_text), size)) {
      return fail(ErrorKind::invalid, "aws-chunked body: bad chunk size '" + std::string(size_text) + "'");
    }
    pos = eol + 2;
    if (size == 0) break;
    if (body.size() - pos < size + 2) return fail(ErrorKind::invalid, "aws-chunked body: truncated chunk");
    out.payload.append(body.substr(pos, size));
    pos += size;
    if (body.substr(pos, 2) != "\r\n") return fail(ErrorKind::invalid, "aws-chunked body: chunk data not followed by CRLF");
    pos += 2;
  }
  // Trailers until an empty line; a body that ends right after the final chunk is accepted too.
  while (pos < body.size()) {
    auto eol = body.find("\r\n", pos);
    std::string_view line = eol == std::string_view::npos ? body.substr(pos) : body.substr(pos, eol - pos);
    pos = eol == std::string_view::npos ? body.size() : eol + 2;
    if (line.empty()) {
      if (pos != body.size()) return fail(ErrorKind::invalid, "aws-chunked body: data after the trailer section");
      break;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      return fail(ErrorKind::invalid, "aws-chunked body: malformed trailer '" + std::string(line) + "'");
    }
    std::string name = to_lower(trim(line.substr(0, colon)));
    std::string value(trim(line.substr(colon + 1)));
    // x-amz-trailer-signature is part of the signed-trailer framing, not an object trailer.
    if (name == "x-amz-trailer-signature") continue;
    out.trailers.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

}  // namespace lcd::local::s3
