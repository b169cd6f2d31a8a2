#include "local/cloudformation/template_parser.hpp"

#include <nlohmann/json.hpp>

#include "package/cfn_template.hpp"

namespace lcd::local::cloudformation {

Error validation_error(std::string message) {
  Error e{ErrorKind::invalid, std::move(message)};
  e.code = "ValidationError";
  e.http_status = 400;
  return e;
}

Result<nlohmann::json> parse_template(std::string_view body) {
  auto model = package::parse_cfn_template(body);
  if (!model) return fail(validation_error(model.error().message));
  return model;
}

}  // namespace lcd::local::cloudformation
