#pragma once
// Seams for credential-source tests: environment variables and files in maps, a transport that
// answers through a handler (and records what it was sent), a manual clock.

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "aws/aws_config.hpp"
#include "aws/transport.hpp"
#include "fake_transport.hpp"
#include "util/clock.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::aws::test {

class HandlerTransport : public Transport {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;
  explicit HandlerTransport(Handler handler) : m_handler(std::move(handler)) {}
  Result<HttpResponse> send(const HttpRequest& request) override {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      requests.push_back(request);
    }
    return m_handler(request);
  }
  std::vector<HttpRequest> requests;

 private:
  Handler m_handler;
  std::mutex m_mutex;
};

inline std::string header_of(const HttpRequest& request, std::string_view name) {
  for (const auto& [k, v] : request.headers)
    if (iequals(k, name)) return v;
  return "";
}

// The decoded form fields of an STS query body.
inline std::map<std::string, std::string> form_fields(const std::string& body) {
  std::map<std::string, std::string> out;
  for (const std::string& pair : split(body, '&')) {
    size_t eq = pair.find('=');
    out[pair.substr(0, eq)] = uri_decode(eq == std::string::npos ? "" : pair.substr(eq + 1), true).value_or("?");
  }
  return out;
}

// An STS answer as AWS sends it.
inline std::string sts_response(const std::string& operation, const std::string& key, const std::string& secret,
                                const std::string& token, const std::string& expiration) {
  return "<" + operation + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" + operation +
         "Result><Credentials><AccessKeyId>" + key + "</AccessKeyId><SecretAccessKey>" + secret +
         "</SecretAccessKey><SessionToken>" + token + "</SessionToken><Expiration>" + expiration +
         "</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/r/s</Arn>"
         "</AssumedRoleUser></" + operation + "Result><ResponseMetadata><RequestId>r-1</RequestId>"
         "</ResponseMetadata></" + operation + "Response>";
}

struct FakeIo {
  std::map<std::string, std::string> vars{{"HOME", "/home/u"}, {"AWS_EC2_METADATA_DISABLED", "true"}};
  std::map<std::string, std::string> files;
  std::shared_ptr<HandlerTransport> transport;
  std::shared_ptr<HandlerTransport> metadata;
  FakeClock clock;
  MfaPrompt mfa_prompt;
  ProcessRunner run_process;

  CredentialIo io() {
    CredentialIo out;
    out.env = [this](const std::string& name) -> std::optional<std::string> {
      auto it = vars.find(name);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
    out.files = [this](const std::string& path) -> Result<std::optional<std::string>> {
      auto it = files.find(path);
      if (it == files.end()) return std::optional<std::string>();
      return std::optional<std::string>(it->second);
    };
    out.transport = transport;
    out.metadata_transport = metadata;
    out.clock = &clock;
    out.mfa_prompt = mfa_prompt;
    out.run_process = run_process;
    return out;
  }
  Result<AwsConfig> resolve(const AwsConfigOptions& options = {}) { return resolve_aws_config(options, io()); }
};

}  // namespace lcd::aws::test
