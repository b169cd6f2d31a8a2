#include "local/s3/object_listing.hpp"

#include <algorithm>
#include <charconv>

#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local::s3 {
namespace {

Error invalid_argument(std::string message) {
  Error e{ErrorKind::invalid, std::move(message)};
  e.code = "InvalidArgument";
  e.http_status = 400;
  return e;
}

bool parse_u64(std::string_view text, uint64_t& out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

Result<ListPage> list_objects(const std::vector<ObjectEntry>& sorted, const ListParams& params) {
  ListPage page;
  int max_keys = std::clamp(params.max_keys, 0, 1000);
  // The marker: everything <= marker has been returned. A common-prefix marker also covers its keys.
  std::string marker = params.start_after;
  bool marker_is_prefix = false;
  if (!params.continuation_token.empty()) {
    auto decoded = base64_decode(params.continuation_token);
    if (!decoded || decoded->size() < 2 || ((*decoded)[0] != 'k' && (*decoded)[0] != 'p') || (*decoded)[1] != ':') {
      return fail(invalid_argument("The continuation token provided is incorrect"));
    }
    marker_is_prefix = (*decoded)[0] == 'p';
    marker = decoded->substr(2);
  }
  auto it = std::upper_bound(sorted.begin(), sorted.end(), marker,
                             [](const std::string& m, const ObjectEntry& e) { return m < e.key; });
  if (max_keys == 0) return page;
  std::string last_emitted;
  bool last_is_prefix = false;
  for (; it != sorted.end(); ++it) {
    const auto& key = it->key;
    if (!starts_with(key, params.prefix)) {
      if (key > params.prefix) {
        // Sorted: once past every key with the prefix, nothing further can match.
        if (key.compare(0, params.prefix.size(), params.prefix) > 0) break;
      }
      continue;
    }
    if (marker_is_prefix && starts_with(key, marker)) continue;
    std::string common;
    if (!params.delimiter.empty()) {
      auto d = key.find(params.delimiter, params.prefix.size());
      if (d != std::string::npos) common = key.substr(0, d + params.delimiter.size());
    }
    if (!common.empty() && !page.common_prefixes.empty() && page.common_prefixes.back() == common) continue;
    if (page.key_count() == max_keys) {
      page.is_truncated = true;
      page.next_continuation_token = base64_encode((last_is_prefix ? "p:" : "k:") + last_emitted);
      break;
    }
    if (!common.empty()) {
      page.common_prefixes.push_back(common);
      last_emitted = common;
      last_is_prefix = true;
    } else {
      page.contents.push_back(*it);
      last_emitted = key;
      last_is_prefix = false;
    }
  }
  return page;
}

ByteRange parse_range(std::string_view header, uint64_t size) {
  ByteRange r;
  header = trim(header);
  if (!starts_with(header, "bytes=")) return r;
  std::string_view spec = header.substr(6);
  if (spec.find(',') != std::string_view::npos) return r;  // multiple ranges: S3 serves the whole object
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return r;
  std::string_view a = trim(spec.substr(0, dash));
  std::string_view b = trim(spec.substr(dash + 1));
  uint64_t first = 0, last = 0;
  if (a.empty()) {  // suffix: the last N bytes
    if (!parse_u64(b, last)) return r;
    r.whole = false;
    if (last == 0 || size == 0) {
      r.satisfiable = false;
      return r;
    }
    r.first = last >= size ? 0 : size - last;
    r.last = size - 1;
    return r;
  }
  if (!parse_u64(a, first)) return r;
  if (b.empty()) {
    last = size == 0 ? 0 : size - 1;
  } else if (!parse_u64(b, last) || last < first) {
    return r;  // syntactically invalid: ignored, as S3 does
  }
  r.whole = false;
  if (first >= size) {
    r.satisfiable = false;
    return r;
  }
  r.first = first;
  r.last = std::min(last, size - 1);
  return r;
}

Result<void> validate_bucket_name(std::string_view name) {
  auto bad = [&](const std::string& why) {
    Error e{ErrorKind::invalid, "The specified bucket is not valid: " + why + "."};
    e.code = "InvalidBucketName";
    e.http_status = 400;
    return fail(std::move(e));
  };
  if (name.size() < 3 || name.size() > 63) return bad("bucket names must be 3 to 63 characters long");
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    if (!ok) return bad("bucket names may contain only lowercase letters, digits, dots and hyphens");
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return bad("bucket names must begin and end with a letter or digit");
  if (name.find("..") != std::string_view::npos) return bad("bucket names must not contain two adjacent dots");
  if (starts_with(name, "xn--") || starts_with(name, "sthree-")) return bad("bucket names must not start with a reserved prefix");
  if (ends_with(name, "-s3alias") || ends_with(name, "--ol-s3")) return bad("bucket names must not end with a reserved suffix");
  auto parts = split(name, '.');
  if (parts.size() == 4 && std::all_of(parts.begin(), parts.end(), [](const std::string& p) {
        return !p.empty() && p.size() <= 3 && std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; });
      })) {
    return bad("bucket names must not be formatted as an IP address");
  }
  return {};
}

}  // namespace lcd::local::s3
