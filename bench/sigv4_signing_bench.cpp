// SigV4 header signing of a Lambda-like request, against baselines measured in the same run:
// the bare crypto a signature cannot avoid (SHA-256 of the canonical request + 5 HMAC-SHA256 for
// key derivation and signature), and the same signing with a cached signing key.

#include <benchmark/benchmark.h>

#include "sigv4/canonical_request.hpp"
#include "sigv4/signer.hpp"
#include "util/clock.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"

namespace {

using namespace lcd;
using namespace lcd::sigv4;

SigningRequest lambda_request() {
  SigningRequest request;
  request.method = "POST";
  request.path = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-fn/invocations";
  request.query = {{"Qualifier", "live"}};
  request.headers = {{"Host", "lambda.us-east-1.amazonaws.com"},
                     {"Content-Type", "application/json"},
                     {"X-Amz-Invocation-Type", "RequestResponse"},
                     {"X-Amz-Log-Type", "Tail"},
                     {"User-Agent", "lambda-cd/0.1"}};
  request.payload_hash = hex_encode(sha256(R"({"name":"world","count":3})"));
  return request;
}

SigningParams params() {
  std::chrono::system_clock::time_point time;
  parse_amz_date("20261126T120000Z", time);
  return signing_params_for({"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token-value"},
                            "us-east-1", "lambda", time);
}

void BM_SignHeaders(benchmark::State& state) {
  const SigningRequest request = lambda_request();
  const SigningParams p = params();
  for (auto _ : state) {
    SigningResult result = sign_headers(request, p);
    benchmark::DoNotOptimize(result.signature.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("signatures");
}
BENCHMARK(BM_SignHeaders);

// Baseline: only the cryptography of one signature over an equally long canonical request.
void BM_BaselineCryptoChain(benchmark::State& state) {
  const SigningResult reference = sign_headers(lambda_request(), params());
  const std::string canonical = reference.canonical_request;
  const std::string secret = "AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  for (auto _ : state) {
    std::string digest = sha256(canonical);
    std::string key = hmac_sha256(secret, "20261126");
    key = hmac_sha256(key, "us-east-1");
    key = hmac_sha256(key, "lambda");
    key = hmac_sha256(key, "aws4_request");
    std::string signature = hmac_sha256(key, digest);
    benchmark::DoNotOptimize(signature.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("crypto chains");
}
BENCHMARK(BM_BaselineCryptoChain);

// The string work alone (canonical request and string to sign, no key derivation or HMAC).
void BM_CanonicalRequestOnly(benchmark::State& state) {
  const SigningRequest request = lambda_request();
  const CanonicalOptions options = canonical_options_for_service("lambda");
  for (auto _ : state) {
    HeaderList headers = request.headers;
    headers.emplace_back("X-Amz-Date", "20261126T120000Z");
    headers.emplace_back("X-Amz-Security-Token", "session-token-value");
    std::string creq = canonical_request(request.method, canonical_uri(request.path, options),
                                         canonical_query_string(request.query), canonical_headers(headers),
                                         request.payload_hash);
    benchmark::DoNotOptimize(creq.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CanonicalRequestOnly);

}  // namespace

BENCHMARK_MAIN();
