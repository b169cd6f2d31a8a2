#pragma once
// Progress of a package build, for the CLI to render. The package library never prints.

#include <string_view>

namespace lcd::package {

class PackageObserver {
 public:
  virtual ~PackageObserver() = default;
  // A phase begins: "selecting files", "installing production dependencies: npm ci --omit=dev", ...
  virtual void phase(std::string_view /*description*/) {}
  // npm's own output as it arrives.
  virtual void npm_output(std::string_view /*chunk*/) {}
};

}  // namespace lcd::package
