#pragma once
// Registration of every project command; each lives in its own <name>_command.cpp.

namespace CLI {
class App;
}

namespace lcd::cli {
struct GlobalOptions;

void add_test_command(CLI::App& app, GlobalOptions& globals, int& exit_code);
void add_package_command(CLI::App& app, GlobalOptions& globals, int& exit_code);
void add_deploy_command(CLI::App& app, GlobalOptions& globals, int& exit_code);
void add_itest_command(CLI::App& app, GlobalOptions& globals, int& exit_code);
void add_publish_command(CLI::App& app, GlobalOptions& globals, int& exit_code);
void add_promote_command(CLI::App& app, GlobalOptions& globals, int& exit_code);
void add_rollback_command(CLI::App& app, GlobalOptions& globals, int& exit_code);
void add_pipeline_command(CLI::App& app, GlobalOptions& globals, int& exit_code);
void add_status_command(CLI::App& app, GlobalOptions& globals, int& exit_code);
void add_invoke_command(CLI::App& app, GlobalOptions& globals, int& exit_code);
void add_logs_command(CLI::App& app, GlobalOptions& globals, int& exit_code);
void add_init_command(CLI::App& app, GlobalOptions& globals, int& exit_code);
void add_lock_commands(CLI::App& app, GlobalOptions& globals, int& exit_code);  // lock status, unlock
void add_prune_command(CLI::App& app, GlobalOptions& globals, int& exit_code);

}  // namespace lcd::cli
