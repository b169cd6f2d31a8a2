#include "sigv4/signer.hpp"

#include "util/clock.hpp"
#include "util/strings.hpp"

namespace lcd::sigv4 {
namespace {

bool is_signing_header(std::string_view name) {
  return iequals(name, "x-amz-date") || iequals(name, "x-amz-security-token") ||
         iequals(name, "x-amz-content-sha256") || iequals(name, "authorization");
}

bool is_signing_query_param(std::string_view name) {
  return name == "X-Amz-Algorithm" || name == "X-Amz-Credential" || name == "X-Amz-Date" ||
         name == "X-Amz-Expires" || name == "X-Amz-SignedHeaders" || name == "X-Amz-Security-Token" ||
         name == "X-Amz-Signature";
}

std::string effective_payload_hash(const std::string& hash) {
  return hash.empty() ? std::string(k_empty_payload_hash) : hash;
}

}  // namespace

SigningParams signing_params_for(const Credentials& credentials, std::string region, std::string service,
                                 std::chrono::system_clock::time_point time) {
  SigningParams params;
  params.credentials = credentials;
  params.canonical = canonical_options_for_service(service);
  params.add_content_sha256_header = service == "s3";
  params.region = std::move(region);
  params.service = std::move(service);
  params.time = time;
  return params;
}

std::string credential_value(std::string_view access_key_id, std::string_view scope) {
  std::string out(access_key_id);
  out.push_back('/');
  out.append(scope);
  return out;
}

SigningResult sign_headers(const SigningRequest& request, const SigningParams& params) {
  const std::string amz_date = format_amz_date(params.time);
  const std::string date = amz_date.substr(0, 8);
  const std::string payload_hash = effective_payload_hash(request.payload_hash);
  const std::string& token = params.credentials.session_token;

  SigningResult result;
  result.headers_to_add.emplace_back("X-Amz-Date", amz_date);
  if (params.add_content_sha256_header) result.headers_to_add.emplace_back("X-Amz-Content-Sha256", payload_hash);
  const bool sign_token = !token.empty() && !params.omit_session_token;
  if (sign_token) result.headers_to_add.emplace_back("X-Amz-Security-Token", token);

  HeaderList to_sign;
  to_sign.reserve(request.headers.size() + result.headers_to_add.size());
  for (const auto& header : request.headers)
    if (!is_signing_header(header.first)) to_sign.push_back(header);
  for (const auto& header : result.headers_to_add) to_sign.push_back(header);

  const CanonicalHeaders headers = canonical_headers(to_sign);
  const std::string scope = credential_scope(date, params.region, params.service);
  result.canonical_request = canonical_request(request.method, canonical_uri(request.path, params.canonical),
                                               canonical_query_string(request.query), headers, payload_hash);
  result.string_to_sign = string_to_sign(amz_date, scope, result.canonical_request);
  result.signature = compute_signature(
      derive_signing_key(params.credentials.secret_access_key, date, params.region, params.service),
      result.string_to_sign);

  if (!token.empty() && !sign_token) result.headers_to_add.emplace_back("X-Amz-Security-Token", token);
  std::string authorization = k_algorithm;
  authorization.append(" Credential=").append(credential_value(params.credentials.access_key_id, scope));
  authorization.append(", SignedHeaders=").append(headers.signed_headers);
  authorization.append(", Signature=").append(result.signature);
  result.headers_to_add.emplace_back("Authorization", std::move(authorization));
  return result;
}

SigningResult presign_query(const SigningRequest& request, const SigningParams& params) {
  const std::string amz_date = format_amz_date(params.time);
  const std::string date = amz_date.substr(0, 8);
  const std::string scope = credential_scope(date, params.region, params.service);
  const std::string& token = params.credentials.session_token;

  HeaderList to_sign;
  for (const auto& header : request.headers)
    if (!is_signing_header(header.first)) to_sign.push_back(header);
  const CanonicalHeaders headers = canonical_headers(to_sign);

  SigningResult result;
  result.query_to_add = {
      {"X-Amz-Algorithm", k_algorithm},
      {"X-Amz-Credential", credential_value(params.credentials.access_key_id, scope)},
      {"X-Amz-Date", amz_date},
      {"X-Amz-Expires", std::to_string(params.expires.count())},
      {"X-Amz-SignedHeaders", headers.signed_headers},
  };
  const bool sign_token = !token.empty() && !params.omit_session_token;
  if (sign_token) result.query_to_add.emplace_back("X-Amz-Security-Token", token);

  QueryList query;
  query.reserve(request.query.size() + result.query_to_add.size());
  for (const auto& param : request.query)
    if (!is_signing_query_param(param.first)) query.push_back(param);
  for (const auto& param : result.query_to_add) query.push_back(param);

  result.canonical_request =
      canonical_request(request.method, canonical_uri(request.path, params.canonical), canonical_query_string(query),
                        headers, effective_payload_hash(request.payload_hash));
  result.string_to_sign = string_to_sign(amz_date, scope, result.canonical_request);
  result.signature = compute_signature(
      derive_signing_key(params.credentials.secret_access_key, date, params.region, params.service),
      result.string_to_sign);
  if (!token.empty() && !sign_token) result.query_to_add.emplace_back("X-Amz-Security-Token", token);
  result.query_to_add.emplace_back("X-Amz-Signature", result.signature);
  return result;
}

}  // namespace lcd::sigv4
