#pragma once

namespace CLI {
class App;
}

namespace lcd::cli {
struct GlobalOptions;

// `lambda-cd local [--host H] [--port P] [--state DIR] ...`
void add_local_command(CLI::App& app, GlobalOptions& globals, int& exit_code);

}  // namespace lcd::cli
