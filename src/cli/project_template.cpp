#include "cli/project_template.hpp"

#include <cctype>

#include "util/strings.hpp"

namespace lcd::cli {
namespace {

bool valid_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

std::string fill(std::string text, const NewProject& project) {
  text = replace_all(std::move(text), "@NAME@", project.name);
  return replace_all(std::move(text), "@RUNTIME@", project.runtime);
}

const char* k_config = R"(# lambda-cd configuration (`lambda-cd init`). First `lambda-cd stack deploy` creates the function
# and its role from template.yaml; then `lambda-cd pipeline --build N` tests, packages, deploys,
# integration-tests, publishes build N and points STAGE at it; `lambda-cd promote PROD --build N`.
# Settings here and in template.yaml must agree: `lambda-cd deploy --dry-run` and `status` show drift.

[function]
name = "@NAME@"
runtime = "@RUNTIME@"
handler = "src/index.handler"
# The stack's role on the local endpoint (account 000000000000); on AWS, your account's role ARN
# (the stack's RoleArn output).
role = "arn:aws:iam::000000000000:role/@NAME@-role"
memory = 128
timeout = 10

[package]
include = ["src/**", "package.json", "package-lock.json"]

[test]
# Installs the test tools; skipped while package.json and package-lock.json are unchanged.
install = "npm ci --no-audit --no-fund --loglevel=error"
unit = "npm run --silent test:unit"
unit_junit = "reports/unit-tests.xml"
integration = "npm run --silent test:integration"
integration_junit = "reports/integration-tests.xml"

[aliases]
stage = "STAGE"
prod = "PROD"

[target]
# "local": the endpoint built into lambda-cd (started for each command when none is running);
# "aws" (or --target aws): real AWS with the usual credentials.
kind = "local"

[stack]
template = "template.yaml"
capabilities = ["CAPABILITY_NAMED_IAM"]
)";

const char* k_template = R"(AWSTemplateFormatVersion: '2010-09-09'
Description: >
  @NAME@ and its execution role. `lambda-cd stack deploy` creates them with placeholder code;
  `lambda-cd pipeline` then deploys the real package, publishes versions and moves the aliases.

Parameters:
  FunctionName:
    Type: String
    Default: @NAME@
  RoleName:
    Type: String
    Default: @NAME@-role

Resources:
  FunctionRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Ref RoleName
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              Service: lambda.amazonaws.com
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole

  Function:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: !Ref FunctionName
      Runtime: @RUNTIME@
      Handler: src/index.handler
      MemorySize: 128
      Timeout: 10
      Role: !GetAtt FunctionRole.Arn
      Code:
        ZipFile: |
          exports.handler = async () => ({ statusCode: 503, body: 'placeholder: run lambda-cd pipeline' });

Outputs:
  FunctionArn:
    Value: !GetAtt Function.Arn
  RoleArn:
    Value: !GetAtt FunctionRole.Arn
)";

const char* k_handler = R"('use strict';
// @NAME@: answers with a greeting and the alias it was invoked through, read from
// context.invokedFunctionArn ("arn:aws:lambda:<region>:<account>:function:@NAME@:STAGE"), so one
// published version can behave per stage without redeploying.

const settings = {
  STAGE: { greeting: 'Hello from staging' },
  PROD: { greeting: 'Hello' },
};
const unreleased = { greeting: 'Hello (unreleased)' };

// The alias in a qualified function ARN; null for $LATEST, a version number or no qualifier.
function aliasOf(invokedFunctionArn) {
  const parts = String(invokedFunctionArn || '').split(':');
  if (parts.length < 8) return null;
  const qualifier = parts[7];
  return qualifier === '$LATEST' || /^[0-9]+$/.test(qualifier) ? null : qualifier;
}

function respond(event, alias) {
  const name = event && typeof event.name === 'string' && event.name.trim() ? event.name.trim() : 'World';
  const { greeting } = settings[alias] || unreleased;
  return { message: `${greeting}, ${name}!`, alias };
}

exports.handler = async (event, context) => {
  const alias = aliasOf(context.invokedFunctionArn);
  return { ...respond(event, alias), version: context.functionVersion };
};

exports.aliasOf = aliasOf;
exports.respond = respond;
)";

const char* k_unit_test = R"('use strict';
// Unit tests on node's built-in runner (`npm run test:unit`); JUnit report in reports/.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { handler, aliasOf, respond } = require('../../src/index');

const arn = 'arn:aws:lambda:eu-west-1:111122223333:function:@NAME@';

describe('aliasOf', () => {
  it('reads the alias from a qualified ARN', () => assert.equal(aliasOf(`${arn}:STAGE`), 'STAGE'));
  it('has none for an unqualified ARN, $LATEST or a version', () => {
    assert.equal(aliasOf(arn), null);
    assert.equal(aliasOf(`${arn}:$LATEST`), null);
    assert.equal(aliasOf(`${arn}:7`), null);
  });
});

describe('respond', () => {
  it('greets by name per alias', () => assert.equal(respond({ name: 'Ada' }, 'PROD').message, 'Hello, Ada!'));
  it('defaults to World', () => assert.equal(respond({}, 'STAGE').message, 'Hello from staging, World!'));
});

describe('handler', () => {
  it('uses the alias it was invoked through', async () => {
    const out = await handler({ name: 'Ada' }, { invokedFunctionArn: `${arn}:PROD`, functionVersion: '3' });
    assert.deepEqual(out, { message: 'Hello, Ada!', alias: 'PROD', version: '3' });
  });
});
)";

const char* k_integration_test = R"('use strict';
// Integration tests against the deployed function ($LATEST, or LAMBDA_CD_QUALIFIER), run by
// `lambda-cd itest` / `pipeline` with the target in the environment. They invoke through
// `lambda-cd invoke` (LAMBDA_CD_BIN), which finds credentials the way the AWS SDKs do, so the project
// needs no AWS SDK and `npm ci` no network.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');

const bin = process.env.LAMBDA_CD_BIN || 'lambda-cd';
const functionName = process.env.LAMBDA_CD_FUNCTION_NAME;
const qualifier = process.env.LAMBDA_CD_QUALIFIER || '$LATEST';

function invoke(event) {
  const out = execFileSync(bin, ['--output', 'json', '-q', 'invoke', '--qualifier', qualifier,
    '--payload', JSON.stringify(event)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out).result;
}

describe(`@NAME@ ${qualifier}`, () => {
  before(() => assert.ok(functionName, 'LAMBDA_CD_FUNCTION_NAME is set by lambda-cd itest'));

  it('greets by name', () => {
    const out = invoke({ name: 'Ada' });
    assert.equal(out.function_error, undefined);
    if (qualifier === '$LATEST') assert.equal(out.executed_version, '$LATEST');
    assert.match(out.payload.message, /, Ada!$/);
  });

  it('defaults to World', () => {
    assert.match(invoke({}).payload.message, /, World!$/);
  });
});
)";

const char* k_package_json = R"({
  "name": "@NAME@",
  "version": "1.0.0",
  "description": "A Lambda function deployed by lambda-cd",
  "private": true,
  "main": "src/index.js",
  "scripts": {
    "test": "npm run --silent test:unit",
    "test:unit": "mkdir -p reports && node --test --test-reporter=spec --test-reporter-destination=stdout --test-reporter=junit --test-reporter-destination=reports/unit-tests.xml test/unit/*.test.js",
    "test:integration": "mkdir -p reports && node --test --test-reporter=spec --test-reporter-destination=stdout --test-reporter=junit --test-reporter-destination=reports/integration-tests.xml test/integration/*.test.js"
  }
}
)";

const char* k_package_lock = R"({
  "name": "@NAME@",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "@NAME@",
      "version": "1.0.0"
    }
  }
}
)";

const char* k_gitignore = R"(node_modules/
reports/
.lambda-cd/
)";

}  // namespace

std::string function_name_from(const std::string& folder) {
  std::string out;
  for (char c : folder) out.push_back(valid_name_char(c) ? c : '-');
  while (!out.empty() && out.front() == '-') out.erase(out.begin());
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 64) out.resize(64);
  return out;
}

Result<std::vector<GeneratedFile>> new_project_files(const NewProject& project) {
  if (project.name.empty() || project.name.size() > 64) {
    return fail(ErrorKind::invalid, "function name '" + project.name + "' must be 1 to 64 characters");
  }
  for (char c : project.name) {
    if (!valid_name_char(c)) {
      return fail(ErrorKind::invalid, "function name '" + project.name +
                                          "' may hold only letters, digits, '-' and '_' (use --name)");
    }
  }
  // package.json names are lowercase; the role name must fit IAM's 64 characters with "-role".
  if (project.name.size() > 59) {
    return fail(ErrorKind::invalid, "function name '" + project.name + "' must be at most 59 characters (its role is "
                                    "named <name>-role)");
  }
  const std::string& rt = project.runtime;
  bool node_runtime = starts_with(rt, "nodejs") && ends_with(rt, ".x") && rt.size() > 8;
  for (size_t i = 6; node_runtime && i + 2 < rt.size(); ++i)
    node_runtime = std::isdigit(static_cast<unsigned char>(rt[i])) != 0;
  if (!node_runtime) {
    return fail(ErrorKind::invalid, "runtime '" + rt + "' is not a Node.js runtime (nodejs18.x, nodejs20.x, "
                                    "nodejs22.x, ...); lambda-cd init writes Node.js projects");
  }
  NewProject filled = project;
  std::vector<GeneratedFile> files = {
      {"lambda-cd.toml", fill(k_config, filled)},
      {"template.yaml", fill(k_template, filled)},
      {"src/index.js", fill(k_handler, filled)},
      {"test/unit/index.test.js", fill(k_unit_test, filled)},
      {"test/integration/invoke.test.js", fill(k_integration_test, filled)},
      {"package.json", fill(k_package_json, NewProject{to_lower(project.name), project.runtime})},
      {"package-lock.json", fill(k_package_lock, NewProject{to_lower(project.name), project.runtime})},
      {".gitignore", k_gitignore},
  };
  return files;
}

}  // namespace lcd::cli
