#pragma once
// A small SQLite connection for the S3 and CloudFormation metadata: WAL, synchronous=FULL, one
// connection behind a recursive mutex, statements with positional parameters, rows of values.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "util/result.hpp"

namespace lcd::local::s3 {

using SqlValue = std::variant<std::nullptr_t, int64_t, std::string>;
using SqlRow = std::vector<SqlValue>;

class SqliteDb {
 public:
  static Result<std::unique_ptr<SqliteDb>> open(const std::filesystem::path& file, const std::string& schema);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  Result<std::vector<SqlRow>> query(const std::string& sql, const std::vector<SqlValue>& params = {});
  Result<void> exec(const std::string& sql, const std::vector<SqlValue>& params = {});

  // Runs `body` inside BEGIN IMMEDIATE .. COMMIT; rolls back when it returns an error. Nested calls
  // from the same thread join the outer transaction.
  Result<void> transaction(const std::function<Result<void>()>& body);

 private:
  SqliteDb() = default;
  std::recursive_mutex m_mutex;
  int m_depth = 0;
  void* m_db = nullptr;  // sqlite3*
};

std::string text_of(const SqlValue& value);
int64_t int_of(const SqlValue& value);

}  // namespace lcd::local::s3
