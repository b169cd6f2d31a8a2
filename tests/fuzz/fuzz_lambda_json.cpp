// Lambda's JSON request bodies and Invoke's headers as the local endpoint checks them. The first
// byte picks the operation: CreateFunction / UpdateFunctionConfiguration (spec fields, completeness,
// inline ZipFile), CreateAlias / UpdateAlias (RoutingConfig, Description), Invoke (header lines
// "Name: value" up to an empty line, then the payload).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "local/lambda_validation.hpp"

namespace {

void invoke(std::string_view rest) {
  lcd::local::HttpRequest request;
  request.method = "POST";
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    if (line.empty()) break;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  request.body = std::string(rest);
  for (bool legacy : {false, true}) {
    auto options = lcd::local::parse_invoke_options(request, legacy);
    if (options && options->type != "RequestResponse" && options->type != "Event" && options->type != "DryRun") {
      __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t op = data[0] % 3;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  if (op == 2) {
    invoke(rest);
    return 0;
  }
  nlohmann::json body = nlohmann::json::parse(rest, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) return 0;
  if (op == 0) {
    nlohmann::json spec = lcd::local::default_spec();
    if (lcd::local::apply_spec_fields(body, spec)) (void)lcd::local::check_complete_spec(spec);
    auto code = body.find("Code");
    if (code != body.end() && code->is_object() && code->contains("ZipFile")) {
      (void)lcd::local::decode_zip_file((*code)["ZipFile"]);
    }
  } else {
    if (body.contains("RoutingConfig")) {
      std::string primary = body.value("FunctionVersion", nlohmann::json("1")).is_string()
                                ? body.value("FunctionVersion", std::string("1"))
                                : std::string("1");
      (void)lcd::local::validate_routing(body["RoutingConfig"], primary);
    }
    (void)lcd::local::validate_description(body);
  }
  return 0;
}
