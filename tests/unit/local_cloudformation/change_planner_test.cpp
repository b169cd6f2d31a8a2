// Which changes replace a resource (AWS's resource reference) and how a change set describes a
// plan: Add / Modify / Remove, Replacement True / False / Conditional, Details and their sources.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "local/cloudformation/change_planner.hpp"
#include "local/cloudformation/replacement_rules.hpp"

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;

TEST(ReplacementRules, FollowTheResourceReference) {
  EXPECT_EQ(property_recreation("AWS::Lambda::Function", "FunctionName"), Recreation::always);
  EXPECT_EQ(property_recreation("AWS::Lambda::Function", "PackageType"), Recreation::always);
  for (const char* in_place : {"Code", "Runtime", "Handler", "MemorySize", "Timeout", "Environment", "Role", "Tags"}) {
    EXPECT_EQ(property_recreation("AWS::Lambda::Function", in_place), Recreation::never) << in_place;
  }
  EXPECT_EQ(property_recreation("AWS::S3::Bucket", "BucketName"), Recreation::always);
  EXPECT_EQ(property_recreation("AWS::S3::Bucket", "VersioningConfiguration"), Recreation::never);
  EXPECT_EQ(property_recreation("AWS::Lambda::Alias", "Name"), Recreation::always);
  EXPECT_EQ(property_recreation("AWS::Lambda::Alias", "FunctionVersion"), Recreation::never);
  EXPECT_EQ(property_recreation("AWS::Lambda::Version", "Description"), Recreation::always);
  EXPECT_EQ(property_recreation("AWS::Lambda::Version", "ProvisionedConcurrencyConfig"), Recreation::never);
  EXPECT_EQ(property_recreation("AWS::Lambda::Permission", "SourceArn"), Recreation::always);
  EXPECT_EQ(property_recreation("AWS::IAM::Role", "RoleName"), Recreation::always);
  EXPECT_EQ(property_recreation("AWS::IAM::Role", "Policies"), Recreation::never);
  EXPECT_EQ(property_recreation("Custom::Thing", "Anything"), Recreation::conditionally);
  EXPECT_STREQ(to_string(Recreation::always), "Always");
  EXPECT_STREQ(to_string(Recreation::never), "Never");
}

TEST(ReplacementRules, ReplacementNeedsAChangedReplacingProperty) {
  json before{{"FunctionName", "a"}, {"MemorySize", 128}};
  EXPECT_FALSE(requires_replacement("AWS::Lambda::Function", before, json{{"FunctionName", "a"}, {"MemorySize", 256}}));
  EXPECT_TRUE(requires_replacement("AWS::Lambda::Function", before, json{{"FunctionName", "b"}, {"MemorySize", 128}}));
  // Removing a replacing property changes it too.
  EXPECT_TRUE(requires_replacement("AWS::Lambda::Function", before, json{{"MemorySize", 128}}));
  EXPECT_EQ(changed_properties(before, json{{"MemorySize", 256}, {"Timeout", 3}}),
            (std::vector<std::string>{"FunctionName", "MemorySize", "Timeout"}));
}

constexpr const char* k_template = R"({
  "Parameters": {"Memory": {"Type": "Number", "Default": "128"}, "Name": {"Type": "String", "Default": "fn-a"}},
  "Resources": {
    "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
      "FunctionName": {"Ref": "Name"}, "Runtime": "nodejs20.x", "Handler": "index.handler",
      "MemorySize": {"Ref": "Memory"}, "Role": "arn:aws:iam::000000000000:role/r",
      "Code": {"ZipFile": "exports.handler = async () => 1;"}}},
    "Version": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}},
    "Live": {"Type": "AWS::Lambda::Alias", "Properties": {
      "FunctionName": {"Ref": "Fn"}, "FunctionVersion": {"Fn::GetAtt": ["Version", "Version"]}, "Name": "live"}},
    "Bucket": {"Type": "AWS::S3::Bucket"}
  }
})";

PreparedTemplate prepare(const std::string& body, const std::map<std::string, std::string>& params = {}) {
  auto p = prepare_template(body, params, StackIdentity{"eu-west-1", "111122223333", "app", "arn:stack"});
  EXPECT_TRUE(p) << p.error().message;
  return *p;
}

// The stack as if `body` had been deployed with `params`.
struct Deployed {
  PreparedTemplate prepared;
  PlanInput input;
};

Deployed deployed(const std::string& body, const std::map<std::string, std::string>& params = {}) {
  Deployed d{prepare(body, params), {}};
  EvalContext ctx = d.prepared.eval_context();
  for (const auto& logical : d.prepared.info.creation_order) {
    const json& resource = d.prepared.model["Resources"][logical];
    auto props = evaluate_properties(resource, ctx);
    EXPECT_TRUE(props) << props.error().message;
    std::string physical = logical == "Fn" ? ctx.parameters["Name"].get<std::string>()
                           : logical == "Version" ? "arn:aws:lambda:eu-west-1:111122223333:function:fn-a:1"
                           : logical == "Live"    ? "arn:aws:lambda:eu-west-1:111122223333:function:fn-a:live"
                                                  : "app-bucket-x";
    ResourceState state;
    state.ref = physical;
    state.attributes["Version"] = "1";
    state.attributes["Arn"] = "arn:" + physical;
    ctx.resources[logical] = state;
    d.input.current[logical] = CurrentResource{resource["Type"], physical, *props, state};
  }
  d.input.deployed_parameters = d.prepared.parameters;
  return d;
}

const ResourceChange* change_of(const std::vector<ResourceChange>& changes, const std::string& logical) {
  for (const auto& c : changes) {
    if (c.logical_id == logical) return &c;
  }
  return nullptr;
}

TEST(ChangePlanner, ANewStackAddsEveryResourceInDependencyOrder) {
  auto changes = plan_changes(PlanInput{}, prepare(k_template));
  ASSERT_TRUE(changes) << changes.error().message;
  std::vector<std::string> order;
  for (const auto& c : *changes) {
    EXPECT_EQ(c.action, "Add");
    EXPECT_TRUE(c.replacement.empty() && c.details.empty() && c.physical_id.empty());
    order.push_back(c.logical_id);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"Bucket", "Fn", "Version", "Live"}));
}

TEST(ChangePlanner, NothingChangedPlansNothing) {
  auto d = deployed(k_template);
  d.input.deployed_model = &d.prepared.model;
  auto changes = plan_changes(d.input, prepare(k_template));
  ASSERT_TRUE(changes);
  EXPECT_TRUE(changes->empty());
}

TEST(ChangePlanner, AnInPlaceChangeFromAParameterLeavesDependentsAlone) {
  auto d = deployed(k_template);
  d.input.deployed_model = &d.prepared.model;
  auto changes = plan_changes(d.input, prepare(k_template, {{"Memory", "512"}}));
  ASSERT_TRUE(changes);
  ASSERT_EQ(changes->size(), 1u);
  const auto& fn = changes->front();
  EXPECT_EQ(fn.action, "Modify");
  EXPECT_EQ(fn.physical_id, "fn-a");
  EXPECT_EQ(fn.replacement, "False");
  EXPECT_EQ(fn.scope, (std::vector<std::string>{"Properties"}));
  ASSERT_EQ(fn.details.size(), 1u);
  EXPECT_EQ(fn.details[0].name, "MemorySize");
  EXPECT_EQ(fn.details[0].requires_recreation, "Never");
  EXPECT_EQ(fn.details[0].evaluation, "Static");
  EXPECT_EQ(fn.details[0].change_source, "ParameterReference");
  EXPECT_EQ(fn.details[0].causing_entity, "Memory");
}

TEST(ChangePlanner, AReplacementMakesWhatRefersToItDynamicAndConditional) {
  auto d = deployed(k_template);
  d.input.deployed_model = &d.prepared.model;
  auto changes = plan_changes(d.input, prepare(k_template, {{"Name", "fn-b"}}));
  ASSERT_TRUE(changes);
  const auto* fn = change_of(*changes, "Fn");
  ASSERT_TRUE(fn);
  EXPECT_EQ(fn->replacement, "True");
  ASSERT_EQ(fn->details.size(), 1u);
  EXPECT_EQ(fn->details[0].requires_recreation, "Always");
  EXPECT_EQ(fn->details[0].change_source, "ParameterReference");
  const auto* version = change_of(*changes, "Version");
  ASSERT_TRUE(version);
  EXPECT_EQ(version->replacement, "Conditional");
  ASSERT_EQ(version->details.size(), 1u);
  EXPECT_EQ(version->details[0].evaluation, "Dynamic");
  EXPECT_EQ(version->details[0].change_source, "ResourceReference");
  EXPECT_EQ(version->details[0].causing_entity, "Fn");
  const auto* live = change_of(*changes, "Live");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->replacement, "Conditional");
  bool attribute = false;
  for (const auto& detail : live->details) {
    attribute |= detail.change_source == "ResourceAttribute" && detail.causing_entity == "Version.Version" &&
                 detail.requires_recreation == "Never";
  }
  EXPECT_TRUE(attribute);
  EXPECT_FALSE(change_of(*changes, "Bucket"));
}

TEST(ChangePlanner, EditedTemplateIsADirectModificationAndDroppedResourcesAreRemoved) {
  auto d = deployed(k_template);
  d.input.deployed_model = &d.prepared.model;
  json next = json::parse(k_template);
  next["Resources"].erase("Bucket");
  next["Resources"]["Fn"]["Properties"]["Code"]["ZipFile"] = "exports.handler = async () => 2;";
  auto changes = plan_changes(d.input, prepare(next.dump()));
  ASSERT_TRUE(changes);
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ((*changes)[0].logical_id, "Fn");
  EXPECT_EQ((*changes)[0].replacement, "False");
  EXPECT_EQ((*changes)[0].details[0].change_source, "DirectModification");
  EXPECT_TRUE((*changes)[0].details[0].causing_entity.empty());
  EXPECT_EQ((*changes)[1].action, "Remove");
  EXPECT_EQ((*changes)[1].logical_id, "Bucket");
  EXPECT_EQ((*changes)[1].physical_id, "app-bucket-x");
}

TEST(ChangePlanner, ChangingAResourcesTypeIsRefused) {
  auto d = deployed(k_template);
  d.input.deployed_model = &d.prepared.model;
  json next = json::parse(k_template);
  next["Resources"]["Bucket"]["Type"] = "AWS::SQS::Queue";
  auto changes = plan_changes(d.input, prepare(next.dump()));
  ASSERT_FALSE(changes);
  EXPECT_EQ(changes.error().message,
            "Update of resource type is not permitted. The new template modifies resource type of the following "
            "resources: [Bucket]");
}

}  // namespace
}  // namespace lcd::local::cloudformation
