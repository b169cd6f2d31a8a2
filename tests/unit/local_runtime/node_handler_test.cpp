// The Node.js handler contract (notes §7.2) through real node processes.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <vector>

#include "engine_fixture.hpp"

namespace lcd::local::runtime::testing {
namespace {

using NodeHandler = EngineTest;

TEST_F(NodeHandler, AsyncHandlerResultAndFramedLog) {
  auto f = make_function({{"index.js", "exports.handler = async (event) => { console.log('hello', event.n); return { doubled: event.n * 2 }; };"}});
  auto r = engine().invoke(request(f, R"({"n":21})"));
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->function_error, "");
  EXPECT_EQ(r->payload, R"({"doubled":42})");
  EXPECT_EQ(r->executed_version, "$LATEST");
  EXPECT_TRUE(r->cold_start);
  EXPECT_NE(r->log_tail.find("START RequestId: " + r->request_id + " Version: $LATEST\n"), std::string::npos) << r->log_tail;
  EXPECT_NE(r->log_tail.find("\t" + r->request_id + "\tINFO\thello 21\n"), std::string::npos) << r->log_tail;
  EXPECT_NE(r->log_tail.find("END RequestId: " + r->request_id + "\n"), std::string::npos);
  EXPECT_NE(r->log_tail.find("REPORT RequestId: " + r->request_id + "\tDuration: "), std::string::npos);
  EXPECT_NE(r->log_tail.find("\tMemory Size: 128 MB\tMax Memory Used: "), std::string::npos);
  EXPECT_NE(r->log_tail.find("Init Duration: "), std::string::npos);
  // Node's resident set is tens of MB: a 0 or 1 here means /proc was not read.
  auto used = r->log_tail.find("Max Memory Used: ");
  ASSERT_NE(used, std::string::npos);
  EXPECT_GT(std::stoi(r->log_tail.substr(used + 17)), 10) << r->log_tail;
  auto warm = engine().invoke(request(f, R"({"n":1})"));
  ASSERT_TRUE(warm);
  used = warm->log_tail.find("Max Memory Used: ");
  ASSERT_NE(used, std::string::npos);
  EXPECT_GT(std::stoi(warm->log_tail.substr(used + 17)), 10) << warm->log_tail;
  EXPECT_LT(r->log_tail.find("hello 21"), r->log_tail.find("END RequestId"));
  EXPECT_NE(read_log("fn").find(r->log_tail), std::string::npos);
}

TEST_F(NodeHandler, UndefinedResultIsNull) {
  auto f = make_function({{"index.js", "exports.handler = async () => {};"}});
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->payload, "null");
}

TEST_F(NodeHandler, CallbackWaitsForEmptyEventLoopByDefault) {
  auto f = make_function({{"index.js", R"(
exports.handler = (event, context, callback) => {
  setTimeout(() => console.log('late timer'), 300);
  callback(null, 'cb-result');
};)"}});
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->payload, R"("cb-result")");
  EXPECT_GE(r->duration_ms, 250);
  EXPECT_LT(r->log_tail.find("late timer"), r->log_tail.find("END RequestId"));
}

TEST_F(NodeHandler, CallbackDoesNotWaitWhenDisabled) {
  auto f = make_function({{"index.js", R"(
exports.handler = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = false;
  setTimeout(() => {}, 2000);
  callback(null, { quick: true });
};)"}});
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->payload, R"({"quick":true})");
  EXPECT_LT(r->duration_ms, 1000);
}

TEST_F(NodeHandler, CallbackError) {
  auto f = make_function({{"index.js", "exports.handler = (e, c, cb) => cb(new RangeError('bad range'));"}});
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->function_error, "Unhandled");
  EXPECT_EQ(json_field(r->payload, "/errorType"), "RangeError");
  EXPECT_EQ(json_field(r->payload, "/errorMessage"), "bad range");
}

TEST_F(NodeHandler, LegacyContextSucceedFirstCallWins) {
  auto f = make_function({{"index.js", R"(
exports.handler = (event, context) => {
  context.succeed('first');
  context.fail(new Error('second'));
  context.done(null, 'third');
};)"}});
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->function_error, "");
  EXPECT_EQ(r->payload, R"("first")");
  auto g = make_function({{"index.js", "exports.handler = (e, context) => { context.fail(new Error('nope')); };"}});
  auto r2 = engine().invoke(request(g));
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->function_error, "Unhandled");
  EXPECT_EQ(json_field(r2->payload, "/errorMessage"), "nope");
}

TEST_F(NodeHandler, SyncHandlerWithoutCallbackSucceedsWithNull) {
  auto f = make_function({{"index.js", "exports.handler = (e, c, cb) => { return 'ignored'; };"}});
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->function_error, "");
  EXPECT_EQ(r->payload, "null");
}

TEST_F(NodeHandler, EsmMjsModule) {
  auto f = make_function({{"app/main.mjs", "export const run = async (e) => ({ esm: typeof import.meta.url, got: e.x });"}},
                         "app/main.run");
  auto r = engine().invoke(request(f, R"({"x":"y"})"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->payload, R"({"esm":"string","got":"y"})") << r->log_tail;
}

TEST_F(NodeHandler, PackageTypeModule) {
  auto f = make_function({{"package.json", R"({"type":"module"})"},
                          {"index.js", "const top = await Promise.resolve(7);\nexport const handler = async () => top;"}});
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->payload, "7") << r->payload << r->log_tail;
}

TEST_F(NodeHandler, CommonJsCjsFile) {
  auto f = make_function({{"package.json", R"({"type":"module"})"}, {"lib.cjs", "module.exports.go = async () => 'cjs';"}},
                         "lib.go");
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->payload, R"("cjs")") << r->payload;
}

TEST_F(NodeHandler, ImportModuleError) {
  auto f = make_function({{"other.js", "exports.x = 1;"}}, "missing.handler");
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->function_error, "Unhandled");
  EXPECT_EQ(json_field(r->payload, "/errorType"), "Runtime.ImportModuleError");
  EXPECT_NE(json_field(r->payload, "/errorMessage").find("Cannot find module 'missing'"), std::string::npos) << r->payload;
  // The import error inside the module itself is also an ImportModuleError.
  auto g = make_function({{"index.js", "require('not-installed-pkg'); exports.handler = async () => 1;"}});
  auto r2 = engine().invoke(request(g));
  ASSERT_TRUE(r2);
  EXPECT_EQ(json_field(r2->payload, "/errorType"), "Runtime.ImportModuleError");
}

TEST_F(NodeHandler, HandlerNotFoundAndMalformed) {
  auto f = make_function({{"index.js", "exports.other = async () => 1;"}});
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r);
  EXPECT_EQ(json_field(r->payload, "/errorType"), "Runtime.HandlerNotFound");
  EXPECT_EQ(json_field(r->payload, "/errorMessage"), "index.handler is undefined or not exported");
  auto g = make_function({{"index.js", "exports.handler = async () => 1;"}}, "index");
  auto r2 = engine().invoke(request(g));
  ASSERT_TRUE(r2);
  EXPECT_EQ(json_field(r2->payload, "/errorType"), "Runtime.MalformedHandlerName");
}

TEST_F(NodeHandler, SyntaxErrorIsUserCodeSyntaxError) {
  auto f = make_function({{"index.js", "exports.handler = async () => { return 1 +; };"}});
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->function_error, "Unhandled");
  EXPECT_EQ(json_field(r->payload, "/errorType"), "Runtime.UserCodeSyntaxError");
  EXPECT_NE(json_field(r->payload, "/errorMessage").find("SyntaxError"), std::string::npos);
}

TEST_F(NodeHandler, ThrownErrorShape) {
  auto f = make_function({{"index.js", "exports.handler = async () => { throw new TypeError('boom'); };"}});
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->function_error, "Unhandled");
  EXPECT_EQ(json_field(r->payload, "/errorType"), "TypeError");
  EXPECT_EQ(json_field(r->payload, "/errorMessage"), "boom");
  EXPECT_EQ(json_field(r->payload, "/trace/0"), "TypeError: boom");
  EXPECT_NE(json_field(r->payload, "/trace/1").find("index.js"), std::string::npos);
  EXPECT_NE(r->log_tail.find("ERROR\tInvoke Error"), std::string::npos);
  // A thrown non-Error.
  auto g = make_function({{"index.js", "exports.handler = async () => { throw 'just a string'; };"}});
  auto r2 = engine().invoke(request(g));
  ASSERT_TRUE(r2);
  EXPECT_EQ(json_field(r2->payload, "/errorType"), "string");
  EXPECT_EQ(json_field(r2->payload, "/errorMessage"), "just a string");
  EXPECT_EQ(json_field(r2->payload, "/trace"), "[]");
}

TEST_F(NodeHandler, TopLevelInitErrorIsReported) {
  auto f = make_function({{"index.js", "throw new Error('init boom');"}});
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->function_error, "Unhandled");
  EXPECT_EQ(json_field(r->payload, "/errorType"), "Error");
  EXPECT_EQ(json_field(r->payload, "/errorMessage"), "init boom");
}

TEST_F(NodeHandler, UnhandledRejectionReportedThenFreshEnvironment) {
  auto f = make_function({{"index.js", R"(
let calls = 0;
exports.handler = async (e) => {
  calls++;
  if (e.reject) { Promise.reject(new Error('nobody catches me')); await new Promise((r) => setTimeout(r, 500)); }
  return { calls, pid: process.pid };
};)"}});
  auto r = engine().invoke(request(f, R"({"reject":true})"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->function_error, "Unhandled");
  EXPECT_EQ(json_field(r->payload, "/errorType"), "Runtime.UnhandledPromiseRejection") << r->payload;
  auto r2 = engine().invoke(request(f, "{}"));
  ASSERT_TRUE(r2);
  EXPECT_EQ(json_field(r2->payload, "/calls"), "1");
  EXPECT_TRUE(r2->cold_start);
}

TEST_F(NodeHandler, ContextFieldsEnvironmentAndArnPassThrough) {
  auto f = make_function({{"index.js", R"(
exports.handler = async (event, context) => ({
  invokedFunctionArn: context.invokedFunctionArn,
  functionVersion: context.functionVersion,
  functionName: context.functionName,
  memoryLimitInMB: context.memoryLimitInMB,
  awsRequestId: context.awsRequestId,
  logGroupName: context.logGroupName,
  logStreamName: context.logStreamName,
  remaining: context.getRemainingTimeInMillis(),
  waits: context.callbackWaitsForEmptyEventLoop,
  clientContext: context.clientContext,
  env: {
    name: process.env.AWS_LAMBDA_FUNCTION_NAME, version: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, handler: process.env._HANDLER,
    region: process.env.AWS_REGION, defaultRegion: process.env.AWS_DEFAULT_REGION,
    taskRoot: process.env.LAMBDA_TASK_ROOT, cwd: process.cwd(), api: process.env.AWS_LAMBDA_RUNTIME_API,
    execEnv: process.env.AWS_EXECUTION_ENV, tz: process.env.TZ, lang: process.env.LANG,
    stage: process.env.STAGE, secret: process.env.LCD_TEST_PARENT_SECRET || null,
    key: process.env.AWS_ACCESS_KEY_ID, trace: process.env._X_AMZN_TRACE_ID,
  },
});)"}});
  f.version = "3";
  f.memory_mb = 256;
  f.timeout_s = 5;
  f.environment = {{"STAGE", "prod"}, {"AWS_REGION", "eu-evil-1"}};
  ::setenv("LCD_TEST_PARENT_SECRET", "do-not-leak", 1);
  auto req = request(f);
  req.invoked_arn = f.function_arn + ":live";
  req.client_context_json = R"({"custom":{"k":"v"}})";
  auto r = engine().invoke(req);
  ::unsetenv("LCD_TEST_PARENT_SECRET");
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->function_error, "") << r->payload;
  const auto& p = r->payload;
  EXPECT_EQ(json_field(p, "/invokedFunctionArn"), "arn:aws:lambda:us-east-1:123456789012:function:fn:live");
  EXPECT_EQ(json_field(p, "/functionVersion"), "3");
  EXPECT_EQ(json_field(p, "/functionName"), "fn");
  EXPECT_EQ(json_field(p, "/memoryLimitInMB"), "256");
  EXPECT_EQ(json_field(p, "/awsRequestId"), r->request_id);
  EXPECT_EQ(json_field(p, "/logGroupName"), "/aws/lambda/fn");
  EXPECT_NE(json_field(p, "/logStreamName").find("/[3]"), std::string::npos);
  int remaining = std::stoi(json_field(p, "/remaining"));
  EXPECT_GT(remaining, 3000);
  EXPECT_LE(remaining, 5000);
  EXPECT_EQ(json_field(p, "/waits"), "true");
  EXPECT_EQ(json_field(p, "/clientContext/custom/k"), "v");
  EXPECT_EQ(json_field(p, "/env/name"), "fn");
  EXPECT_EQ(json_field(p, "/env/version"), "3");
  EXPECT_EQ(json_field(p, "/env/memory"), "256");
  EXPECT_EQ(json_field(p, "/env/handler"), "index.handler");
  EXPECT_EQ(json_field(p, "/env/region"), "us-east-1");  // reserved: the function cannot override it
  EXPECT_EQ(json_field(p, "/env/defaultRegion"), "us-east-1");
  EXPECT_EQ(json_field(p, "/env/taskRoot"), json_field(p, "/env/cwd"));
  EXPECT_EQ(json_field(p, "/env/api").rfind("127.0.0.1:", 0), 0u);
  EXPECT_EQ(json_field(p, "/env/execEnv"), "AWS_Lambda_nodejs20.x");
  EXPECT_EQ(json_field(p, "/env/tz"), ":UTC");
  EXPECT_EQ(json_field(p, "/env/lang"), "en_US.UTF-8");
  EXPECT_EQ(json_field(p, "/env/stage"), "prod");
  EXPECT_EQ(json_field(p, "/env/secret"), "null");
  EXPECT_EQ(json_field(p, "/env/key"), Credentials{}.access_key_id);
  EXPECT_EQ(json_field(p, "/env/trace").rfind("Root=1-", 0), 0u);

  // Invoked by bare name: the unqualified ARN.
  auto r2 = engine().invoke(request(f));
  ASSERT_TRUE(r2);
  EXPECT_EQ(json_field(r2->payload, "/invokedFunctionArn"), f.function_arn);
  EXPECT_EQ(json_field(r2->payload, "/clientContext"), "<missing>");
}

TEST_F(NodeHandler, RetiredRuntimeRunsWithOneTimeNoticeInTheEndpointLogOnly) {
  auto notices = std::make_shared<std::vector<std::string>>();
  auto options = default_options();
  options.notice = [notices](const std::string& text) { notices->push_back(text); };
  restart(options);
  auto f = make_function({{"index.js", "exports.handler = function (e, context) { context.succeed('old style'); };"}},
                         "index.handler", "nodejs4.3");
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->payload, R"("old style")");
  auto again = engine().invoke(request(f));
  ASSERT_TRUE(again);
  // AWS runs such functions without a word in their log: nothing of ours in the tail or the file.
  for (const std::string& log : {r->log_tail, again->log_tail, read_log("fn")}) {
    EXPECT_EQ(log.find("deprecated"), std::string::npos) << log;
    EXPECT_EQ(log.find("lambda-cd"), std::string::npos) << log;
  }
  ASSERT_EQ(notices->size(), 1u);
  EXPECT_NE((*notices)[0].find("runtime nodejs4.3 is deprecated"), std::string::npos) << (*notices)[0];
}

TEST_F(NodeHandler, Nodejs24RejectsCallbackHandlers) {
  auto f = make_function({{"index.js", "exports.handler = (e, c, cb) => cb(null, 1);"}}, "index.handler", "nodejs24.x");
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r);
  EXPECT_EQ(json_field(r->payload, "/errorType"), "Runtime.CallbackHandlerDeprecated");
}

TEST_F(NodeHandler, UnsupportedRuntimeIsAnError) {
  auto f = make_function({{"index.py", "def handler(e, c): return 1"}}, "index.handler", "python3.12");
  auto r = engine().invoke(request(f));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::invalid);
  EXPECT_EQ(r.error().code, "InvalidRuntimeException");
}

}  // namespace
}  // namespace lcd::local::runtime::testing
