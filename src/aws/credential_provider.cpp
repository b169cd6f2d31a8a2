#include "aws/credential_provider.hpp"

#include <cctype>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

namespace lcd::aws {

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

FileLookup real_files() {
  return [](const std::string& path) -> Result<std::optional<std::string>> {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::optional<std::string>();
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(ErrorKind::io, "cannot read " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return std::optional<std::string>(out.str());
  };
}

CredentialLookup CredentialLookup::found(ResolvedCredentials credentials) {
  CredentialLookup out;
  out.credentials = std::move(credentials);
  return out;
}

CredentialLookup CredentialLookup::not_configured(std::string why) {
  CredentialLookup out;
  out.skipped = std::move(why);
  return out;
}

namespace {

bool read_digits(std::string_view text, size_t& pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    out = out * 10 + (c - '0');
  }
  pos += count;
  return true;
}

bool expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text) {
  size_t pos = 0;
  int year, month, day, hour, minute, second;
  if (!read_digits(text, pos, 4, year) || !expect(text, pos, '-') || !read_digits(text, pos, 2, month) ||
      !expect(text, pos, '-') || !read_digits(text, pos, 2, day))
    return std::nullopt;
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) return std::nullopt;
  ++pos;
  if (!read_digits(text, pos, 2, hour) || !expect(text, pos, ':') || !read_digits(text, pos, 2, minute) ||
      !expect(text, pos, ':') || !read_digits(text, pos, 2, second))
    return std::nullopt;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
  }
  int offset_seconds = 0;
  std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z" || zone == "UTC" || zone.empty()) {
    // UTC ("" too: the SDKs read a bare time as UTC)
  } else if (zone[0] == '+' || zone[0] == '-') {
    size_t p = 1;
    int oh, om;
    if (!read_digits(zone, p, 2, oh)) return std::nullopt;
    if (p < zone.size() && zone[p] == ':') ++p;
    if (!read_digits(zone, p, 2, om) || p != zone.size()) return std::nullopt;
    offset_seconds = (oh * 3600 + om * 60) * (zone[0] == '+' ? 1 : -1);
  } else {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  auto instant = from_utc_tm(tm);
  if (!instant) return std::nullopt;
  return *instant - std::chrono::seconds(offset_seconds);
}

Result<ResolvedCredentials> parse_credentials_json(std::string_view json, const std::string& what) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return fail(ErrorKind::invalid, what + " did not return a JSON object");
  auto text = [&](const char* key) -> std::string {
    auto it = doc.find(key);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : "";
  };
  ResolvedCredentials out;
  out.keys.access_key_id = text("AccessKeyId");
  out.keys.secret_access_key = text("SecretAccessKey");
  out.keys.session_token = text("Token");
  if (out.keys.session_token.empty()) out.keys.session_token = text("SessionToken");
  if (out.keys.access_key_id.empty() || out.keys.secret_access_key.empty()) {
    std::string code = text("Code");
    std::string message = text("Message");
    std::string detail = code.empty() && message.empty() ? "" : " (" + code + (message.empty() ? "" : ": " + message) + ")";
    return fail(ErrorKind::auth, what + " returned no AccessKeyId/SecretAccessKey" + detail);
  }
  if (std::string expiration = text("Expiration"); !expiration.empty()) {
    auto when = parse_iso8601(expiration);
    if (!when) return fail(ErrorKind::invalid, what + " returned an Expiration that is not an ISO 8601 time: " + expiration);
    out.expiration = *when;
  }
  return out;
}

}  // namespace lcd::aws
