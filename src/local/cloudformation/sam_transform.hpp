#pragma once
// The AWS::Serverless-2016-10-31 transform (SAM) as CloudFormation applies it before a stack
// operation, reproducing what AWS's SAM translator generates for the subset lambda-cd serves:
// - AWS::Serverless::Function -> AWS::Lambda::Function (same logical id; Code from CodeUri or
//   InlineCode; tag lambda:createdBy=SAM), its execution role `<Fn>Role` unless Role is given
//   (AWSLambdaBasicExecutionRole plus Policies: managed policy names/ARNs and statements as inline
//   policies `<Fn>RolePolicy<index>`), and with AutoPublishAlias an AWS::Lambda::Version
//   `<Fn>Version<10 hex of SHA-1 over the code location, Environment and MemorySize>`
//   (DeletionPolicy Retain) and an AWS::Lambda::Alias `<Fn>Alias<Name>`;
// - the Globals section's Function properties merged into every function (maps merged, lists
//   appended, the function's own scalars win);
// - `Ref: Fn.Alias` / `Fn.Version` (and `${Fn.Alias}` in Fn::Sub) resolved to those resources.
// Other serverless resource types, event sources (Events), policy templates and the properties
// that generate further resources fail with a message naming them. Pure.

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <string>

#include "util/result.hpp"

namespace lcd::local::cloudformation {

inline constexpr const char* k_serverless_transform = "AWS::Serverless-2016-10-31";

// True when the template's Transform names the SAM transform (alone or in a list).
bool declares_serverless_transform(const nlohmann::json& model);

// The processed template: `model` with every AWS::Serverless:: resource expanded and the
// Transform and Globals sections removed. `parameters` are the stack's resolved parameter values
// (used, as SAM does, to resolve AutoPublishAlias and the code location); `region` decides the
// partition of generated ARNs. Errors are ValidationErrors whose message reads as CloudFormation
// reports a failed transform ("Transform AWS::Serverless-2016-10-31 failed with: ...").
Result<nlohmann::json> expand_serverless(const nlohmann::json& model,
                                         const std::map<std::string, nlohmann::json>& parameters,
                                         const std::string& region);

// SAM's logical-id hash: the first 10 hex digits of SHA-1 over Python's
// json.dumps(data, separators=(",", ":"), sort_keys=True) (a string is hashed as is).
std::string sam_logical_id_hash(const nlohmann::json& data);

}  // namespace lcd::local::cloudformation
