#pragma once
// What the Lambda API needs from the function execution engine (runtime::InvokeEngine in
// production, a fake in unit tests).

#include <memory>
#include <string>

#include "local/runtime/invoke_engine.hpp"
#include "util/result.hpp"

namespace lcd::local {

class InvokeBackend {
 public:
  virtual ~InvokeBackend() = default;
  virtual Result<runtime::InvokeResult> invoke(const runtime::InvokeRequest& request) = 0;
  virtual void invoke_async(runtime::InvokeRequest request) = 0;
  // Extracts the function's package (function.code_zip) where its invocations will run it, kept
  // there while the result lives (the API puts it in InvokeRequest::code). The API calls it while
  // it holds the package, before invoke() or invoke_async(), so that an update committed
  // meanwhile cannot remove the package first.
  virtual Result<std::shared_ptr<const runtime::CodePin>> prepare_code(const runtime::FunctionSnapshot& function) = 0;
  virtual void forget_function(const std::string& account, const std::string& region,
                               const std::string& function_name) = 0;
};

}  // namespace lcd::local
