#pragma once

namespace lcd::cli {

// The whole program: parses argv, runs one command, prints "lambda-cd: error: ..." for
// failures that reach the top. Returns the process exit status (0 ok, 1 failed, 2 usage).
int run(int argc, char** argv);

}  // namespace lcd::cli
