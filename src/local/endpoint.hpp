#pragma once
// `lambda-cd local`: the AWS-compatible endpoint, run in the foreground until SIGINT/SIGTERM.

#include <cstdint>
#include <filesystem>
#include <string>

namespace lcd::local {

struct EndpointOptions {
  std::string host = "127.0.0.1";  // loopback unless told otherwise
  uint16_t port = 4566;            // 0 picks a free port
  std::filesystem::path state_dir; // empty: the per-user default (see default_state_dir)
  bool verify_signatures = false;
  std::string faults_spec;         // fault-injection rules, empty = none
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  int update_delay_ms = 100;       // Pending/InProgress window
  int64_t code_storage_limit = 80530636800;  // Lambda code storage per account and region (AWS's 75 GB)
  int concurrency_limit = 10;      // Lambda concurrent executions per account and region
  int64_t log_events_limit = 200000;         // CloudWatch Logs events kept per log group (oldest dropped)
  uint64_t log_file_limit = 8 * 1024 * 1024; // each function's text log in <state>/logs before it rotates
  // Processes + threads per execution environment (Lambda's 1,024); 0: no limit. "auto": a pids
  // cgroup where one can be made, else the /proc watchdog; "watchdog": the watchdog only.
  int64_t process_limit = 1024;
  std::string process_limit_by = "auto";
  // --strict-iam: Lambda refuses execution roles IAM does not have or whose trust policy does not
  // let lambda.amazonaws.com assume them, and STS refuses to assume such roles, as AWS does.
  bool strict_iam = false;
};

// $XDG_DATA_HOME/lambda-cd/local, else ~/.local/share/lambda-cd/local.
std::filesystem::path default_state_dir();

// Prints "lambda-cd local listening on http://HOST:PORT" once ready; returns the exit code
// (0 after a clean SIGINT/SIGTERM shutdown).
int run_endpoint(const EndpointOptions& options);

}  // namespace lcd::local
