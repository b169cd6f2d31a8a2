// Runs every case of the official aws-c-auth SigV4 suite (shared/testdata/aws-signing-test-suite/v4)
// in both forms, each as its own test: canonical request, string to sign and signature must equal the files.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sigv4/signer.hpp"
#include "util/clock.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::sigv4 {
namespace {

const std::filesystem::path k_suite_dir = std::filesystem::path(LCD_TESTDATA_DIR) / "aws-signing-test-suite" / "v4";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) ADD_FAILURE() << "cannot read " << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(k_suite_dir, ec))
    if (entry.is_directory() && std::filesystem::exists(entry.path() / "request.txt"))
      names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// request.txt: "METHOD /path?query HTTP/1.1", "Name:value" lines (continuations start with
// whitespace), a blank line, then the body.
struct VectorRequest {
  SigningRequest request;
  std::string body;
};

VectorRequest parse_request_file(const std::string& text) {
  VectorRequest out;
  size_t line_end = text.find('\n');
  std::string first = text.substr(0, line_end);
  size_t method_end = first.find(' ');
  size_t target_end = first.rfind(" HTTP/");
  out.request.method = first.substr(0, method_end);
  std::string target = first.substr(method_end + 1, target_end - method_end - 1);
  size_t question = target.find('?');
  out.request.path = target.substr(0, question);
  if (question != std::string::npos) {
    for (const std::string& pair : split(target.substr(question + 1), '&')) {
      size_t eq = pair.find('=');
      std::string name = pair.substr(0, eq);
      std::string value = eq == std::string::npos ? "" : pair.substr(eq + 1);
      out.request.query.emplace_back(uri_decode(name).value(), uri_decode(value).value());
    }
  }
  size_t pos = line_end == std::string::npos ? text.size() : line_end + 1;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) {
      out.body = pos < text.size() ? text.substr(pos) : "";
      break;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !out.request.headers.empty()) {
      out.request.headers.back().second += "\n" + line;
      continue;
    }
    size_t colon = line.find(':');
    out.request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  out.request.payload_hash = hex_encode(sha256(out.body));
  return out;
}

std::string header_line(const std::string& signed_request, const std::string& name) {
  for (const std::string& line : split(signed_request, '\n'))
    if (starts_with(line, name + ":")) return line.substr(name.size() + 1);
  return "";
}

enum class Form { header, query };

class SigV4Vector : public ::testing::TestWithParam<std::tuple<std::string, Form>> {};

TEST_P(SigV4Vector, MatchesSuite) {
  const auto& [name, form] = GetParam();
  const std::filesystem::path dir = k_suite_dir / name;
  const nlohmann::json context = nlohmann::json::parse(read_text(dir / "context.json"));
  VectorRequest vector = parse_request_file(read_text(dir / "request.txt"));

  SigningParams params;
  params.credentials.access_key_id = context["credentials"]["access_key_id"];
  params.credentials.secret_access_key = context["credentials"]["secret_access_key"];
  params.credentials.session_token = context["credentials"].value("token", "");
  params.region = context["region"];
  params.service = context["service"];
  ASSERT_TRUE(parse_amz_date(context["timestamp"].get<std::string>(), params.time));
  // Service "service" is not S3: the suite's paths are double-encoded; "normalize" switches normalization.
  params.canonical.normalize_path = context.value("normalize", true);
  params.canonical.double_encode_path = true;
  params.omit_session_token = context.value("omit_session_token", false);
  params.expires = std::chrono::seconds(context.value("expiration_in_seconds", 3600));

  const std::string prefix = form == Form::header ? "header-" : "query-";
  SigningResult result;
  if (form == Form::header) {
    params.add_content_sha256_header = context.value("sign_body", false);
    result = sign_headers(vector.request, params);
  } else {
    result = presign_query(vector.request, params);
  }
  EXPECT_EQ(result.canonical_request, read_text(dir / (prefix + "canonical-request.txt")));
  EXPECT_EQ(result.string_to_sign, read_text(dir / (prefix + "string-to-sign.txt")));
  EXPECT_EQ(result.signature, read_text(dir / (prefix + "signature.txt")));

  const std::string signed_request = read_text(dir / (prefix + "signed-request.txt"));
  if (form == Form::header) {
    std::string authorization;
    for (const auto& [header, value] : result.headers_to_add)
      if (header == "Authorization") authorization = value;
    EXPECT_EQ(authorization, header_line(signed_request, "Authorization"));
  } else {
    EXPECT_NE(signed_request.find("X-Amz-Signature=" + result.signature), std::string::npos);
    for (const auto& [param, value] : result.query_to_add)
      EXPECT_NE(signed_request.find(param + "=" + uri_encode(value)), std::string::npos) << param;
  }
}

std::string test_name(const ::testing::TestParamInfo<SigV4Vector::ParamType>& info) {
  std::string name = std::get<0>(info.param) + (std::get<1>(info.param) == Form::header ? "_header" : "_query");
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(AwsSigningTestSuite, SigV4Vector,
                         ::testing::Combine(::testing::ValuesIn(case_names()),
                                            ::testing::Values(Form::header, Form::query)),
                         test_name);

// Guards against a missing or partial copy of the suite silently shrinking the parameterized tests.
TEST(SigV4VectorSuite, HasAllThirtyEightCases) { EXPECT_EQ(case_names().size(), 38u) << k_suite_dir; }

}  // namespace
}  // namespace lcd::sigv4
