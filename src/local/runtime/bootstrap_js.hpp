#pragma once
// The Node.js runtime client (bootstrap.js in this folder), embedded at build time.

#include <string_view>

namespace lcd::local::runtime {

std::string_view bootstrap_js();

}  // namespace lcd::local::runtime
