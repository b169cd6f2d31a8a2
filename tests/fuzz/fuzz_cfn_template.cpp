// CloudFormation templates (JSON or YAML with short-form tags): parsing, the static analysis
// (sections, references, dependency order), conditions, and evaluation of every intrinsic in
// Resources and Outputs against made-up resource states; Fn::Sub strings on their own too.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "local/cloudformation/intrinsics.hpp"
#include "local/cloudformation/template_analysis.hpp"
#include "local/cloudformation/template_parser.hpp"

namespace cfn = lcd::local::cloudformation;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)cfn::parse_sub(std::string(body.substr(0, 256)));
  auto model = cfn::parse_template(body);
  if (!model || !model->is_object()) return 0;
  auto info = cfn::analyze_template(*model);
  if (!info) return 0;
  cfn::EvalContext context;
  context.identity.region = "eu-west-1";
  context.identity.account_id = "123456789012";
  context.identity.stack_name = "fuzz";
  context.identity.stack_id = "arn:aws:cloudformation:eu-west-1:123456789012:stack/fuzz/1";
  auto parameters = cfn::resolve_parameters(info->parameters, {});
  if (parameters) context.parameters = *parameters;
  if (auto m = model->find("Mappings"); m != model->end()) context.mappings = &*m;
  if (auto c = model->find("Conditions"); c != model->end()) {
    auto conditions = cfn::evaluate_conditions(*c, context);
    if (conditions) context.conditions = *conditions;
  }
  for (const auto& id : info->creation_order) {
    cfn::ResourceState state;
    state.ref = id + "-physical";
    state.attributes["Arn"] = "arn:aws:fuzz:::" + id;
    context.resources[id] = state;
  }
  for (const char* section : {"Resources", "Outputs"}) {
    auto s = model->find(section);
    if (s == model->end() || !s->is_object()) continue;
    for (const auto& [name, value] : s->items()) (void)cfn::evaluate(value, context);
  }
  (void)cfn::check_capabilities(info->capabilities, {"CAPABILITY_IAM"});
  return 0;
}
