#include "local/iam/iam_identifiers.hpp"

#include <algorithm>

#include "util/clock.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local::iam {
namespace {

constexpr std::string_view k_id_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// Maps bytes onto the 32-letter id alphabet (5 bits of each byte; the alphabet has 32 letters).
std::string id_from_bytes(std::string_view prefix, std::string_view bytes, size_t length) {
  std::string out(prefix);
  for (size_t i = 0; out.size() < length && i < bytes.size(); ++i) {
    out += k_id_alphabet[static_cast<unsigned char>(bytes[i]) % k_id_alphabet.size()];
  }
  return out;
}

std::string random_bytes(size_t n) {
  std::string hex = random_hex(n);
  std::string out;
  out.reserve(n);
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

}  // namespace

std::string unique_id(std::string_view prefix, size_t length) {
  size_t need = length > prefix.size() ? length - prefix.size() : 0;
  return id_from_bytes(prefix, random_bytes(need), length);
}

std::string derived_id(std::string_view prefix, std::string_view seed, size_t length) {
  return id_from_bytes(prefix, sha256(seed), length);
}

std::string random_base64(size_t bytes) { return base64_encode(random_bytes(bytes)); }

std::optional<Arn> parse_arn(std::string_view text) {
  if (!starts_with(text, "arn:")) return std::nullopt;
  std::vector<std::string> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = text.find(':', start);
    if (colon == std::string_view::npos) return std::nullopt;
    parts.emplace_back(text.substr(start, colon - start));
    start = colon + 1;
  }
  Arn arn{parts[1], parts[2], parts[3], parts[4], std::string(text.substr(start))};
  if (arn.partition.empty() || arn.service.empty() || arn.resource.empty()) return std::nullopt;
  return arn;
}

std::optional<PathAndName> resource_path_and_name(const Arn& arn, std::string_view type) {
  std::string prefix = std::string(type) + "/";
  if (!starts_with(arn.resource, prefix)) return std::nullopt;
  std::string rest = arn.resource.substr(prefix.size());
  auto slash = rest.rfind('/');
  PathAndName out;
  out.path = slash == std::string::npos ? "/" : "/" + rest.substr(0, slash + 1);
  out.name = slash == std::string::npos ? rest : rest.substr(slash + 1);
  if (out.name.empty()) return std::nullopt;
  return out;
}

std::string role_arn(std::string_view account, std::string_view path, std::string_view name) {
  return "arn:aws:iam::" + std::string(account) + ":role" + std::string(path) + std::string(name);
}

std::string policy_arn(std::string_view account, std::string_view path, std::string_view name) {
  return "arn:aws:iam::" + std::string(account) + ":policy" + std::string(path) + std::string(name);
}

std::string user_arn(std::string_view account, std::string_view path, std::string_view name) {
  return "arn:aws:iam::" + std::string(account) + ":user" + std::string(path) + std::string(name);
}

std::string root_arn(std::string_view account) { return "arn:aws:iam::" + std::string(account) + ":root"; }

std::string assumed_role_arn(std::string_view account, std::string_view role_name, std::string_view session) {
  return "arn:aws:sts::" + std::string(account) + ":assumed-role/" + std::string(role_name) + "/" +
         std::string(session);
}

bool is_aws_managed_policy_arn(std::string_view arn) {
  auto parsed = parse_arn(arn);
  return parsed && parsed->service == "iam" && parsed->account == "aws" && parsed->region.empty() &&
         starts_with(parsed->resource, "policy/") && parsed->resource.size() > 7;
}

bool is_account_id(std::string_view text) {
  return text.size() == 12 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string format_iam_time(std::chrono::system_clock::time_point t) {
  std::string ms = format_iso8601_ms(t);  // 2026-11-26T12:00:00.000Z
  return ms.substr(0, 19) + "Z";
}

}  // namespace lcd::local::iam
