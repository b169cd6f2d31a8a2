#include "aws/service_caller.hpp"

#include "util/strings.hpp"

namespace lcd::aws {

std::string ServiceResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return value;
  return "";
}

}  // namespace lcd::aws
