#pragma once
// Where CreateFunction and UpdateFunctionCode read `S3Bucket`/`S3Key` code from: the endpoint's
// own S3. An interface so the Lambda API does not depend on the S3 library.

#include <string>

#include "util/result.hpp"

namespace lcd::local {

class CodeObjects {
 public:
  virtual ~CodeObjects() = default;
  // The object's bytes. Errors carry S3's error code (NoSuchBucket, NoSuchKey) and message.
  virtual Result<std::string> get_object(const std::string& bucket, const std::string& key) = 0;
};

}  // namespace lcd::local
