#pragma once
// Lambda's code storage (GetAccountSettings): every version's package counts against a per-region
// limit (75 GB by default); past it every deploy fails with CodeStorageExceededException. `status`
// warns from 80%; `deploy` refuses before uploading a package that would not fit, with the figures
// and the prune command that frees room.

#include <cstdint>
#include <optional>
#include <string>

#include "clients/lambda_client.hpp"

namespace lcd::pipeline {

struct CodeStorage {
  int64_t used = 0;
  int64_t limit = 0;  // 0: unknown
  double fraction() const { return limit > 0 ? static_cast<double>(used) / static_cast<double>(limit) : 0.0; }
};

inline constexpr double k_storage_warning_fraction = 0.8;

Result<CodeStorage> read_code_storage(clients::LambdaClient& lambda);

// "code storage 61.2 GiB of 75.0 GiB (82%)"
std::string describe(const CodeStorage& storage);

// Pure. Whether adding `package_bytes` keeps the account under its limit; if not, why, with the
// command that frees room. The replaced $LATEST is assumed kept by a published version (it is, in
// the pipeline), so the whole package counts.
std::optional<std::string> storage_refusal(const CodeStorage& storage, int64_t package_bytes, int prune_keep);

// Pure. A warning from 80% use, else nullopt.
std::optional<std::string> storage_warning(const CodeStorage& storage);

}  // namespace lcd::pipeline
