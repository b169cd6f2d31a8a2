#include "local/sts/web_identity_token.hpp"

#include <nlohmann/json.hpp>

#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local::sts {
namespace {

std::optional<nlohmann::json> decode_part(std::string_view part) {
  std::string text(part);
  for (char& c : text) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (text.size() % 4 != 0) text += '=';
  auto bytes = base64_decode(text);
  if (!bytes) return std::nullopt;
  auto json = nlohmann::json::parse(*bytes, nullptr, false);
  if (!json.is_object()) return std::nullopt;
  return json;
}

std::string string_claim(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_array() && !it->empty() && (*it)[0].is_string()) return (*it)[0].get<std::string>();
  return {};
}

}  // namespace

Result<WebIdentityClaims> parse_web_identity_token(std::string_view token) {
  auto parts = split(token, '.');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty()) {
    return fail(ErrorKind::invalid, "a JWT has three base64url parts separated by '.'");
  }
  auto header = decode_part(parts[0]);
  if (!header) return fail(ErrorKind::invalid, "the JWT header is not a base64url-encoded JSON object");
  auto claims = decode_part(parts[1]);
  if (!claims) return fail(ErrorKind::invalid, "the JWT payload is not a base64url-encoded JSON object");
  WebIdentityClaims out;
  out.issuer = string_claim(*claims, "iss");
  out.subject = string_claim(*claims, "sub");
  out.audience = string_claim(*claims, "aud");
  if (out.audience.empty()) out.audience = string_claim(*claims, "azp");
  auto exp = claims->find("exp");
  if (exp != claims->end() && exp->is_number()) out.expires_at = exp->get<int64_t>();
  return out;
}

std::string federated_principal(std::string_view issuer, std::string_view account) {
  std::string host(issuer);
  if (starts_with(host, "https://")) host = host.substr(8);
  while (!host.empty() && host.back() == '/') host.pop_back();
  if (host == "accounts.google.com" || host == "graph.facebook.com" || host == "www.amazon.com" ||
      host == "cognito-identity.amazonaws.com") {
    return host;
  }
  return "arn:aws:iam::" + std::string(account) + ":oidc-provider/" + host;
}

}  // namespace lcd::local::sts
