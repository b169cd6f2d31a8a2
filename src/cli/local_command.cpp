#include "cli/local_command.hpp"

#include <CLI/CLI.hpp>

#include <memory>

#include "cli/global_options.hpp"
#include "local/endpoint.hpp"

namespace lcd::cli {

void add_local_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  auto options = std::make_shared<local::EndpointOptions>();
  auto* cmd = app.add_subcommand("local", "Run the local AWS-compatible endpoint (Lambda, CloudFormation, S3)");
  cmd->add_option("--host", options->host, "Address to bind (default 127.0.0.1, loopback)");
  cmd->add_option("--port", options->port, "Port to listen on; 0 picks a free port")->capture_default_str();
  cmd->add_option("--state", options->state_dir, "State directory (default: per-user data folder)");
  cmd->add_flag("--verify-signatures", options->verify_signatures,
                "Reject requests whose SigV4 signature does not verify");
  cmd->add_flag("--strict-iam", options->strict_iam,
                "Refuse execution roles IAM does not have or that do not trust Lambda, as AWS does");
  cmd->add_option("--faults", options->faults_spec,
                  "Fault injection, e.g. 'throttle=0.2,error500=0.05,seed=7' or @file");
  cmd->add_option("--account-id", options->account_id, "Account id used in ARNs")->capture_default_str();
  cmd->add_option("--update-delay-ms", options->update_delay_ms,
                  "How long functions stay Pending / InProgress after a change")
      ->capture_default_str();
  cmd->add_option("--code-storage-limit", options->code_storage_limit,
                  "Lambda code storage per account and region, in bytes (CodeStorageExceededException beyond)")
      ->capture_default_str();
  cmd->add_option("--concurrency-limit", options->concurrency_limit,
                  "Lambda concurrent executions per account and region (throttled beyond)")
      ->capture_default_str();
  cmd->add_option("--log-events-limit", options->log_events_limit,
                  "CloudWatch Logs events kept per log group; the oldest go first")
      ->capture_default_str();
  cmd->add_option("--log-file-limit", options->log_file_limit,
                  "Bytes of each function's text log in <state>/logs before it rotates to .log.1 (0: no limit)")
      ->capture_default_str();
  cmd->add_option("--process-limit", options->process_limit,
                  "Processes and threads per function environment (Lambda: 1024); a sandbox that reaches it is "
                  "stopped and its invocation fails; 0: no limit")
      ->capture_default_str();
  cmd->add_option("--process-limit-by", options->process_limit_by,
                  "How the process limit is enforced: auto (a pids cgroup where the endpoint can create one, else a "
                  "watchdog over /proc) or watchdog")
      ->capture_default_str();
  cmd->callback([options, &globals, &exit_code] {
    if (!globals.region.empty()) options->region = globals.region;
    exit_code = local::run_endpoint(*options);
  });
}

}  // namespace lcd::cli
