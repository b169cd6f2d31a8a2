#pragma once
// Where `lambda-cd local` keeps its state: one SQLite database holding every service's tables
// (Lambda, S3, CloudFormation; each service opens its own connection to it) and one
// content-addressed blob directory shared by Lambda packages and S3 objects and parts. The
// database keeps the name it had when it held only Lambda's tables, so existing state opens as is.

#include <filesystem>

namespace lcd::local {

inline std::filesystem::path state_database(const std::filesystem::path& state_dir) {
  return state_dir / "lambda.sqlite3";
}

inline std::filesystem::path state_blob_dir(const std::filesystem::path& state_dir) { return state_dir / "blobs"; }

}  // namespace lcd::local
