#pragma once
// The files `lambda-cd init` writes: a Node.js function that works through the whole pipeline on
// the local endpoint as generated (lambda-cd.toml, a CloudFormation template with the function and
// its role, a handler reading its alias from invokedFunctionArn, unit and integration tests on
// node's built-in runner with JUnit reports, package.json with its lockfile, .gitignore). No
// dependencies, so `npm ci` needs no network. Pure.

#include <string>
#include <vector>

#include "util/result.hpp"

namespace lcd::cli {

struct NewProject {
  std::string name;                   // the function name
  std::string runtime = "nodejs20.x";
};

struct GeneratedFile {
  std::string path;  // relative, '/'-separated
  std::string content;
};

// Errors (kind invalid): a name Lambda would refuse (1-64 of A-Z a-z 0-9 - _), a runtime that is not
// nodejs<major>.x.
Result<std::vector<GeneratedFile>> new_project_files(const NewProject& project);

// A function name from a folder name: characters Lambda refuses become '-', cut to 64; "" if none is left.
std::string function_name_from(const std::string& folder);

}  // namespace lcd::cli
