#include "aws/aws_client.hpp"
#include "cli/command_run.hpp"
#include "util/duration.hpp"

namespace lcd::cli {
namespace {

aws::AwsClientOptions client_options(pipeline::Observer& observer, int verbosity, std::chrono::milliseconds budget) {
  aws::AwsClientOptions options;
  options.retry.budget = budget;
  options.observer = [&observer, verbosity, budget](const aws::CallEvent& e) {
    if (e.type == aws::CallEvent::Type::retry) {
      // A progress line for every wait (a throttled release should not look hung); -q hides it.
      if (verbosity < 0) return;
      std::string line = e.text + " (attempt " + std::to_string(e.attempt + 1);
      if (budget.count() > 0) line += "; " + format_duration(e.elapsed) + " of the " + format_duration(budget) + " retry budget used";
      observer.message(line + ")");
    } else if (verbosity > 1) {
      observer.message(e.text);
    }
  };
  return options;
}

}  // namespace

Result<std::unique_ptr<aws::ServiceCaller>> make_service_caller(const CliConfig& config, pipeline::Observer& observer,
                                                                int verbosity) {
  aws::AwsConfigOptions options;
  options.region = config.region;
  if (config.local) {
    // The local endpoint accepts any well-formed signature; these dummy keys are not secrets (a
    // 12-digit key id names the account to act as).
    options.access_key_id = config.project.target.local_access_key_id;
    options.secret_access_key = config.project.target.local_secret_access_key;
    options.endpoint_url = config.endpoint_url;
  } else {
    if (!config.profile_from_aws_env) options.profile = config.profile;
    options.endpoint_url = config.endpoint_url;
  }
  auto client = aws::make_aws_client(options, client_options(observer, verbosity, config.retry_budget));
  if (!client) return fail(client.error());
  return std::unique_ptr<aws::ServiceCaller>(std::move(*client));
}

Result<std::unique_ptr<aws::ServiceCaller>> make_sibling_caller(aws::ServiceCaller& caller, pipeline::Observer& observer,
                                                                int verbosity, std::chrono::milliseconds retry_budget) {
  auto* client = dynamic_cast<aws::AwsClient*>(&caller);
  if (!client) return fail(ErrorKind::internal, "a sibling caller needs an AwsClient to share credentials with");
  return std::unique_ptr<aws::ServiceCaller>(
      std::make_unique<aws::AwsClient>(client->config(), std::shared_ptr<aws::Transport>(aws::make_curl_transport()),
                                       client_options(observer, verbosity, retry_budget)));
}

}  // namespace lcd::cli
