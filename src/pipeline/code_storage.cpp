#include "pipeline/code_storage.hpp"

#include <cstdio>

namespace lcd::pipeline {
namespace {

std::string gib(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
  return buf;
}

std::string mib(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

std::string sized(int64_t bytes) { return bytes >= (1LL << 30) ? gib(bytes) : mib(bytes); }

}  // namespace

Result<CodeStorage> read_code_storage(clients::LambdaClient& lambda) {
  auto settings = lambda.get_account_settings();
  if (!settings) return fail(settings.error());
  return CodeStorage{settings->total_code_size_used, settings->total_code_size_limit};
}

std::string describe(const CodeStorage& s) {
  if (s.limit <= 0) return "code storage " + sized(s.used) + " used";
  char pct[16];
  std::snprintf(pct, sizeof pct, "%.0f%%", s.fraction() * 100.0);
  return "code storage " + sized(s.used) + " of " + sized(s.limit) + " (" + pct + ")";
}

std::optional<std::string> storage_refusal(const CodeStorage& s, int64_t package_bytes, int prune_keep) {
  if (s.limit <= 0 || s.used + package_bytes <= s.limit) return std::nullopt;
  return "this " + mib(package_bytes) + " package would not fit: " + describe(s) +
         " (Lambda would answer CodeStorageExceededException); delete old versions first, e.g. `lambda-cd prune "
         "--keep " + std::to_string(prune_keep) + "` (see `lambda-cd prune --dry-run`)";
}

std::optional<std::string> storage_warning(const CodeStorage& s) {
  if (s.limit <= 0 || s.fraction() < k_storage_warning_fraction) return std::nullopt;
  return describe(s) + " used: deploys fail once it is full; `lambda-cd prune --dry-run` shows what can go";
}

}  // namespace lcd::pipeline
