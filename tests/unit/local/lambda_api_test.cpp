// The Lambda API end to end below HTTP (lambda_api_fixture.hpp): lifecycle, pagination, aliases,
// names, invoke hand-off.
#include "local/lambda_api.hpp"

#include <filesystem>
#include <thread>

#include "lambda_api_fixture.hpp"
#include "local/service_router.hpp"
#include "util/crypto.hpp"

using namespace lcd;
using namespace lcd::local;
using namespace lcd::local::testing;
using nlohmann::json;


TEST_F(LambdaApiTest, CreateIsPendingThenActive) {
  json created = create("fn");
  EXPECT_EQ(created["State"], "Pending");
  EXPECT_EQ(created["Version"], "$LATEST");
  EXPECT_EQ(created["FunctionArn"], "arn:aws:lambda:us-east-1:123456789012:function:fn");
  std::string zip = make_zip({{"index.js", "exports.handler=async()=>1"}});
  EXPECT_EQ(created["CodeSha256"], base64_encode(sha256(zip)));
  EXPECT_EQ(created["CodeSize"], zip.size());
  auto busy = call("POST", "/2015-03-31/functions/fn/versions", json::object());
  EXPECT_EQ(busy.status, 409);
  EXPECT_EQ(error_type(busy), "ResourceConflictException");
  settle();
  auto got = call("GET", "/2015-03-31/functions/fn/configuration");
  EXPECT_EQ(body_of(got)["State"], "Active");
  EXPECT_EQ(body_of(got)["LastUpdateStatus"], "Successful");
  auto dup = call("POST", "/2015-03-31/functions",
                  json{{"FunctionName", "fn"}, {"Runtime", "nodejs20.x"}, {"Role", "arn:aws:iam::123456789012:role/r"},
                       {"Handler", "index.handler"}, {"Code", {{"ZipFile", zip_b64("x")}}}});
  EXPECT_EQ(dup.status, 409);
}

TEST_F(LambdaApiTest, UpdateInProgressBlocksAndRevisionChanges) {
  json created = create("fn");
  settle();
  auto updated = call("PUT", "/2015-03-31/functions/fn/configuration", json{{"Timeout", 30}});
  ASSERT_EQ(updated.status, 200) << updated.body;
  json u = body_of(updated);
  EXPECT_EQ(u["LastUpdateStatus"], "InProgress");
  EXPECT_EQ(u["Timeout"], 30);
  EXPECT_NE(u["RevisionId"], created["RevisionId"]);
  auto blocked = call("PUT", "/2015-03-31/functions/fn/code", json{{"ZipFile", zip_b64("y")}});
  EXPECT_EQ(blocked.status, 409);
  EXPECT_EQ(body_of(blocked)["message"],
            "The operation cannot be performed at this time. An update is in progress for resource: "
            "arn:aws:lambda:us-east-1:123456789012:function:fn");
  settle();
  auto stale = call("PUT", "/2015-03-31/functions/fn/code",
                    json{{"ZipFile", zip_b64("y")}, {"RevisionId", created["RevisionId"]}});
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(error_type(stale), "PreconditionFailedException");
}

TEST_F(LambdaApiTest, PublishDedupesGuardsAndNeverReusesNumbers) {
  create("fn");
  settle();
  auto v1 = call("POST", "/2015-03-31/functions/fn/versions", json::object());
  ASSERT_EQ(v1.status, 201) << v1.body;
  EXPECT_EQ(body_of(v1)["Version"], "1");
  EXPECT_EQ(body_of(v1)["FunctionArn"], "arn:aws:lambda:us-east-1:123456789012:function:fn:1");
  auto again = call("POST", "/2015-03-31/functions/fn/versions", json::object());
  EXPECT_EQ(body_of(again)["Version"], "1");
  auto bad_sha = call("POST", "/2015-03-31/functions/fn/versions", json{{"CodeSha256", "AAAA"}});
  EXPECT_EQ(bad_sha.status, 400);
  EXPECT_EQ(error_type(bad_sha), "InvalidParameterValueException");
  EXPECT_NE(body_of(bad_sha)["message"].get<std::string>().find("is different from current CodeSHA256 in $LATEST"),
            std::string::npos);
  auto bad_rev = call("POST", "/2015-03-31/functions/fn/versions", json{{"RevisionId", "nope"}});
  EXPECT_EQ(bad_rev.status, 412);
  call("PUT", "/2015-03-31/functions/fn/code", json{{"ZipFile", zip_b64("v2")}});
  settle();
  auto v2 = call("POST", "/2015-03-31/functions/fn/versions", json::object());
  EXPECT_EQ(body_of(v2)["Version"], "2");
  EXPECT_EQ(call("DELETE", "/2015-03-31/functions/fn?Qualifier=2").status, 204);
  call("PUT", "/2015-03-31/functions/fn/code", json{{"ZipFile", zip_b64("v3")}});
  settle();
  auto v3 = call("POST", "/2015-03-31/functions/fn/versions", json::object());
  EXPECT_EQ(body_of(v3)["Version"], "3");
  // Version 1 is immutable: it still has the first code.
  auto one = body_of(call("GET", "/2015-03-31/functions/fn/configuration?Qualifier=1"));
  EXPECT_EQ(one["CodeSha256"], body_of(v1)["CodeSha256"]);
}

TEST_F(LambdaApiTest, ListVersionsPaginatesStably) {
  create("fn");
  settle();
  for (int i = 0; i < 120; ++i) {
    call("PUT", "/2015-03-31/functions/fn/configuration", json{{"Description", "d" + std::to_string(i)}});
    settle();
    ASSERT_EQ(call("POST", "/2015-03-31/functions/fn/versions", json::object()).status, 201);
  }
  std::vector<std::string> seen;
  std::string marker;
  int pages = 0;
  do {
    std::string target = "/2015-03-31/functions/fn/versions";
    if (!marker.empty()) target += "?Marker=" + uri_encode(marker);
    json page = body_of(call("GET", target));
    EXPECT_LE(page["Versions"].size(), 50u);
    for (const auto& v : page["Versions"]) seen.push_back(v["Version"]);
    marker = page.value("NextMarker", "");
    ++pages;
  } while (!marker.empty());
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 121u);
  EXPECT_EQ(seen[0], "$LATEST");
  for (int i = 1; i <= 120; ++i) EXPECT_EQ(seen[i], std::to_string(i));
  json small = body_of(call("GET", "/2015-03-31/functions/fn/versions?MaxItems=7"));
  EXPECT_EQ(small["Versions"].size(), 7u);
  EXPECT_EQ(call("GET", "/2015-03-31/functions/fn/versions?Marker=garbage").status, 400);
}

TEST_F(LambdaApiTest, AliasRulesAndConflicts) {
  create("fn");
  settle();
  call("POST", "/2015-03-31/functions/fn/versions", json::object());
  call("PUT", "/2015-03-31/functions/fn/code", json{{"ZipFile", zip_b64("v2")}});
  settle();
  call("POST", "/2015-03-31/functions/fn/versions", json::object());
  auto created = call("POST", "/2015-03-31/functions/fn/aliases", json{{"Name", "live"}, {"FunctionVersion", "1"}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(body_of(created)["AliasArn"], "arn:aws:lambda:us-east-1:123456789012:function:fn:live");
  EXPECT_EQ(call("POST", "/2015-03-31/functions/fn/aliases", json{{"Name", "live"}, {"FunctionVersion", "1"}}).status,
            409);
  EXPECT_EQ(call("POST", "/2015-03-31/functions/fn/aliases", json{{"Name", "123"}, {"FunctionVersion", "1"}}).status,
            400);
  EXPECT_EQ(call("POST", "/2015-03-31/functions/fn/aliases", json{{"Name", "x"}, {"FunctionVersion", "9"}}).status,
            404);
  // Routing: one extra version, weight in 0..1, not the primary, not with $LATEST.
  auto two_extra = call("PUT", "/2015-03-31/functions/fn/aliases/live",
                        json{{"RoutingConfig", {{"AdditionalVersionWeights", {{"2", 0.1}, {"3", 0.1}}}}}});
  EXPECT_EQ(two_extra.status, 400);
  auto heavy = call("PUT", "/2015-03-31/functions/fn/aliases/live",
                    json{{"RoutingConfig", {{"AdditionalVersionWeights", {{"2", 1.5}}}}}});
  EXPECT_EQ(heavy.status, 400);
  auto same = call("PUT", "/2015-03-31/functions/fn/aliases/live",
                   json{{"RoutingConfig", {{"AdditionalVersionWeights", {{"1", 0.5}}}}}});
  EXPECT_EQ(same.status, 400);
  auto canary = call("PUT", "/2015-03-31/functions/fn/aliases/live",
                     json{{"RoutingConfig", {{"AdditionalVersionWeights", {{"2", 0.25}}}}}});
  ASSERT_EQ(canary.status, 200) << canary.body;
  json c = body_of(canary);
  EXPECT_EQ(c["RoutingConfig"]["AdditionalVersionWeights"]["2"], 0.25);
  EXPECT_NE(c["RevisionId"], body_of(created)["RevisionId"]);
  auto stale = call("PUT", "/2015-03-31/functions/fn/aliases/live",
                    json{{"FunctionVersion", "2"}, {"RevisionId", body_of(created)["RevisionId"]}});
  EXPECT_EQ(stale.status, 412);
  // Both versions are referenced now.
  auto del1 = call("DELETE", "/2015-03-31/functions/fn?Qualifier=1");
  EXPECT_EQ(del1.status, 409);
  EXPECT_EQ(body_of(del1)["message"], "Unable to delete version because the following aliases reference it: [live]");
  EXPECT_EQ(call("DELETE", "/2015-03-31/functions/fn?Qualifier=2").status, 409);
  EXPECT_EQ(call("DELETE", "/2015-03-31/functions/fn?Qualifier=$LATEST").status, 400);
  EXPECT_EQ(call("DELETE", "/2015-03-31/functions/fn/aliases/live").status, 204);
  EXPECT_EQ(call("DELETE", "/2015-03-31/functions/fn?Qualifier=1").status, 204);
  EXPECT_EQ(call("GET", "/2015-03-31/functions/fn/aliases/live").status, 404);
}

TEST_F(LambdaApiTest, NamesInEveryForm) {
  create("fn");
  settle();
  call("POST", "/2015-03-31/functions/fn/versions", json::object());
  for (const std::string& name :
       {std::string("fn"), std::string("arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Afn"),
        std::string("123456789012%3Afunction%3Afn")}) {
    auto r = call("GET", "/2015-03-31/functions/" + name + "/configuration");
    EXPECT_EQ(r.status, 200) << name;
  }
  auto by_qualified_name = body_of(call("GET", "/2015-03-31/functions/fn%3A1/configuration"));
  EXPECT_EQ(by_qualified_name["Version"], "1");
  auto mismatch = call("GET", "/2015-03-31/functions/fn%3A1/configuration?Qualifier=2");
  EXPECT_EQ(mismatch.status, 400);
  auto missing = call("GET", "/2015-03-31/functions/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(body_of(missing)["Message"], "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope");
  EXPECT_EQ(body_of(missing)["Type"], "User");
  EXPECT_EQ(call("GET", "/2015-03-31/functions/bad%20name").status, 400);
}

TEST_F(LambdaApiTest, ValidationErrors) {
  auto timeout = call("POST", "/2015-03-31/functions",
                      json{{"FunctionName", "v"}, {"Runtime", "nodejs20.x"}, {"Role", "arn:aws:iam::123456789012:role/r"},
                           {"Handler", "index.handler"}, {"Timeout", 3000}, {"Code", {{"ZipFile", zip_b64("x")}}}});
  EXPECT_EQ(timeout.status, 400);
  EXPECT_EQ(error_type(timeout), "ValidationException");
  EXPECT_EQ(body_of(timeout)["message"],
            "1 validation error detected: Value '3000' at 'timeout' failed to satisfy constraint: Member must have "
            "value less than or equal to 900");
  auto not_zip = call("POST", "/2015-03-31/functions",
                      json{{"FunctionName", "v"}, {"Runtime", "nodejs20.x"}, {"Role", "arn:aws:iam::123456789012:role/r"},
                           {"Handler", "index.handler"}, {"Code", {{"ZipFile", base64_encode("not a zip")}}}});
  EXPECT_EQ(not_zip.status, 400);
  EXPECT_EQ(error_type(not_zip), "InvalidParameterValueException");
  auto escape = call("POST", "/2015-03-31/functions",
                     json{{"FunctionName", "v"}, {"Runtime", "nodejs20.x"}, {"Role", "arn:aws:iam::123456789012:role/r"},
                          {"Handler", "index.handler"},
                          {"Code", {{"ZipFile", base64_encode(make_zip({{"../evil.js", "x"}}))}}}});
  EXPECT_EQ(escape.status, 400);
  EXPECT_EQ(error_type(escape), "InvalidParameterValueException");
  auto reserved = call("POST", "/2015-03-31/functions",
                       json{{"FunctionName", "v"}, {"Runtime", "nodejs20.x"}, {"Role", "arn:aws:iam::123456789012:role/r"},
                            {"Handler", "index.handler"}, {"Environment", {{"Variables", {{"AWS_REGION", "x"}}}}},
                            {"Code", {{"ZipFile", zip_b64("x")}}}});
  EXPECT_EQ(reserved.status, 400);
  auto bad_json = call("POST", "/2015-03-31/functions", json("{not json"));
  EXPECT_EQ(bad_json.status, 400);
  auto too_big = call("POST", "/2015-03-31/functions", json(std::string(70167212, 'a')));
  EXPECT_EQ(too_big.status, 413);
  EXPECT_EQ(error_type(too_big), "RequestEntityTooLargeException");
}

// With no InProgress window (update delay 0) nothing else keeps the package an invoke has just
// resolved: the update must not remove it before the invoke has extracted it.
TEST_F(LambdaApiTest, AnUpdateWaitsForTheInvokeThatResolvedTheOldPackage) {
  start(LambdaApiOptions{}, 0);
  create("fn", "exports.handler=async()=>'old'");
  const std::string old_sha = body_of(call("GET", "/2015-03-31/functions/fn"))["Configuration"]["CodeSha256"];
  std::filesystem::path package;
  bool present_while_preparing = false;
  std::thread updater;
  m_invoker.on_prepare = [&](const runtime::FunctionSnapshot& function) {
    package = function.code_zip;
    updater = std::thread([&] {
      call("PUT", "/2015-03-31/functions/fn/code", json{{"ZipFile", zip_b64("exports.handler=async()=>'new'")}});
    });
    // The update commits (its CodeSha256 shows) and would release the old package next.
    for (int i = 0; i < 1000; ++i) {
      if (body_of(call("GET", "/2015-03-31/functions/fn"))["Configuration"]["CodeSha256"] != old_sha) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    present_while_preparing = std::filesystem::exists(function.code_zip);
  };
  auto r = call("POST", "/2015-03-31/functions/fn/invocations", json::object());
  updater.join();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(m_invoker.last.function.code_sha256, old_sha);
  EXPECT_NE(body_of(call("GET", "/2015-03-31/functions/fn"))["Configuration"]["CodeSha256"], old_sha);
  EXPECT_TRUE(present_while_preparing);
  EXPECT_FALSE(std::filesystem::exists(package)) << "released once the invoke let go of it";
}

TEST_F(LambdaApiTest, InvokeResolvesQualifiersAndHeaders) {
  create("fn");
  settle();
  call("POST", "/2015-03-31/functions/fn/versions", json::object());
  call("POST", "/2015-03-31/functions/fn/aliases", json{{"Name", "live"}, {"FunctionVersion", "1"}});
  auto r = call("POST", "/2015-03-31/functions/fn/invocations?Qualifier=live", json{{"a", 1}},
                {{"X-Amz-Log-Type", "Tail"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(m_invoker.last.function.version, "1");
  EXPECT_EQ(m_invoker.last.invoked_arn, "arn:aws:lambda:us-east-1:123456789012:function:fn:live");
  bool saw_version = false, saw_log = false;
  for (const auto& [k, v] : r.headers) {
    if (k == "X-Amz-Executed-Version") saw_version = (v == "1");
    if (k == "X-Amz-Log-Result") saw_log = (base64_decode(v).value_or("").find("START") == 0);
  }
  EXPECT_TRUE(saw_version);
  EXPECT_TRUE(saw_log);
  EXPECT_EQ(call("POST", "/2015-03-31/functions/fn/invocations", json("{bad")).status, 400);
  EXPECT_EQ(call("POST", "/2015-03-31/functions/fn/invocations", json(std::string(6291457, ' '))).status, 413);
  EXPECT_EQ(call("POST", "/2015-03-31/functions/fn/invocations", json::object(), {{"X-Amz-Invocation-Type", "DryRun"}})
                .status,
            204);
  EXPECT_EQ(call("POST", "/2015-03-31/functions/fn/invocations", json::object(), {{"X-Amz-Invocation-Type", "Event"}})
                .status,
            202);
  EXPECT_EQ(m_invoker.async_count, 1);
  EXPECT_EQ(call("POST", "/2015-03-31/functions/fn/invocations?Qualifier=99", json::object()).status, 404);
}

TEST_F(LambdaApiTest, AliasWeightsSplitTraffic) {
  create("fn");
  settle();
  call("POST", "/2015-03-31/functions/fn/versions", json::object());
  call("PUT", "/2015-03-31/functions/fn/code", json{{"ZipFile", zip_b64("v2")}});
  settle();
  call("POST", "/2015-03-31/functions/fn/versions", json::object());
  call("POST", "/2015-03-31/functions/fn/aliases",
       json{{"Name", "live"}, {"FunctionVersion", "1"}, {"RoutingConfig", {{"AdditionalVersionWeights", {{"2", 0.3}}}}}});
  int second = 0;
  for (int i = 0; i < 1000; ++i) {
    call("POST", "/2015-03-31/functions/fn:live/invocations", json::object());
    if (m_invoker.last.function.version == "2") ++second;
  }
  EXPECT_GT(second, 220);
  EXPECT_LT(second, 380);
}

TEST_F(LambdaApiTest, TagsAndAccountSettings) {
  create("fn");
  std::string arn = "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Afn";
  EXPECT_EQ(call("POST", "/2017-03-31/tags/" + arn, json{{"Tags", {{"a", "1"}, {"b", "2"}}}}).status, 204);
  EXPECT_EQ(call("DELETE", "/2017-03-31/tags/" + arn + "?tagKeys=a").status, 204);
  json tags = body_of(call("GET", "/2017-03-31/tags/" + arn));
  EXPECT_EQ(tags["Tags"], (json{{"b", "2"}}));
  json settings = body_of(call("GET", "/2016-08-19/account-settings"));
  EXPECT_EQ(settings["AccountUsage"]["FunctionCount"], 1);
  EXPECT_EQ(settings["AccountLimit"]["CodeSizeUnzipped"], 262144000);
}

TEST_F(LambdaApiTest, CodeLocationDownloadsTheExactZip) {
  create("fn", "exports.handler=async()=>'exact'");
  json got = body_of(call("GET", "/2015-03-31/functions/fn"));
  std::string location = got["Code"]["Location"];
  std::string prefix = "http://127.0.0.1:9999";
  ASSERT_EQ(location.rfind(prefix, 0), 0u);
  auto download = call("GET", location.substr(prefix.size()));
  ASSERT_EQ(download.status, 200);
  EXPECT_EQ(base64_encode(sha256(download.body)), got["Configuration"]["CodeSha256"]);
}

TEST(ServiceRouter, RegionAndAccountFromTheRequestKeepFunctionsApart) {
  TempDir dir("lcd-router");
  auto store = LambdaStore::open(dir.path(), "123456789012");
  ASSERT_TRUE(store);
  BlobStore blobs(dir.path() / "blobs");
  LambdaApi api(LambdaApiOptions{"123456789012", 0, dir.path()}, **store, blobs, system_clock(), nullptr, nullptr);
  RouterOptions options;
  options.default_account = "123456789012";
  ServiceRouter router(options, nullptr, system_clock());
  router.add_service("lambda", api, ServiceInfo{});
  auto signed_request = [](const std::string& method, const std::string& path, const std::string& key,
                           const std::string& region, const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.raw_path = path;
    r.headers = {{"Authorization", "AWS4-HMAC-SHA256 Credential=" + key + "/20261126/" + region +
                                       "/lambda/aws4_request, SignedHeaders=host, Signature=00"}};
    r.body = body;
    return r;
  };
  const std::string create = json{{"FunctionName", "f"}, {"Runtime", "nodejs20.x"},
                                  {"Role", "arn:aws:iam::123456789012:role/r"}, {"Handler", "index.handler"},
                                  {"Code", {{"ZipFile", zip_b64("x")}}}}
                                 .dump();
  auto created = router.handle(signed_request("POST", "/2015-03-31/functions", "test", "eu-central-1", create));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json::parse(created.body)["FunctionArn"], "arn:aws:lambda:eu-central-1:123456789012:function:f");
  // A 12-digit access key id acts as that account: its own namespace, its own ARNs.
  auto other_account = router.handle(signed_request("GET", "/2015-03-31/functions/f", "222233334444", "eu-central-1"));
  EXPECT_EQ(other_account.status, 404);
  auto its_own = router.handle(signed_request("POST", "/2015-03-31/functions", "222233334444", "eu-central-1", create));
  ASSERT_EQ(its_own.status, 201) << its_own.body;
  EXPECT_EQ(json::parse(its_own.body)["FunctionArn"], "arn:aws:lambda:eu-central-1:222233334444:function:f");
  // Naming the other account's function by ARN is refused as AWS refuses it.
  auto foreign = router.handle(signed_request(
      "GET", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-central-1%3A123456789012%3Afunction%3Af", "222233334444",
      "eu-central-1"));
  EXPECT_EQ(foreign.status, 403);
  HttpRequest unsigned_get;
  unsigned_get.method = "GET";
  unsigned_get.raw_path = "/2015-03-31/functions/f";
  EXPECT_EQ(router.handle(unsigned_get).status, 404);  // unsigned: default region us-east-1, no such function there
}

TEST(FaultInjector, ParsesAndIsDeterministic) {
  auto rates = parse_fault_rates("throttle=0.2,error500=0.05,error503=0.05,reset=0.02,conflict=0.1,seed=7");
  ASSERT_TRUE(rates) << rates.error().message;
  EXPECT_DOUBLE_EQ(rates->throttle, 0.2);
  EXPECT_EQ(rates->seed, 7u);
  FaultInjector a(*rates), b(*rates);
  int throttled = 0;
  for (int i = 0; i < 2000; ++i) {
    Fault fa = a.next_request_fault();
    EXPECT_EQ(fa, b.next_request_fault());
    if (fa == Fault::throttle) ++throttled;
  }
  EXPECT_GT(throttled, 300);
  EXPECT_LT(throttled, 500);
  EXPECT_FALSE(parse_fault_rates("throttle=2"));
  EXPECT_FALSE(parse_fault_rates("bogus=0.1"));
  EXPECT_FALSE(parse_fault_rates("throttle"));
}

// A package leaves the disk once nothing refers to it: the code an update replaced (unless a
// version or the pre-update $LATEST of the InProgress window still has it), and the code of a
// refused create or update.
TEST_F(LambdaApiTest, ReplacedAndRefusedPackagesLeaveTheDisk) {
  auto package = [](const std::string& body) {
    std::string zip = make_zip({{"index.js", body}});
    return std::make_pair(base64_encode(zip), hex_encode(sha256(zip)));
  };
  auto update_code = [&](const std::string& b64, const std::string& revision = "") {
    json body{{"ZipFile", b64}};
    if (!revision.empty()) body["RevisionId"] = revision;
    return call("PUT", "/2015-03-31/functions/fn/code", body);
  };
  auto [a64, a] = package("exports.handler=async()=>'a'");
  auto [b64, b] = package("exports.handler=async()=>'b'");
  auto [c64, c] = package("exports.handler=async()=>'c'");
  auto [d64, d] = package("exports.handler=async()=>'d'");
  auto created = create_body("fn");
  created["Code"]["ZipFile"] = a64;
  ASSERT_EQ(call("POST", "/2015-03-31/functions", created).status, 201);
  settle();
  ASSERT_EQ(call("POST", "/2015-03-31/functions/fn/versions", json::object()).status, 201);  // version 1 keeps a
  settle();
  ASSERT_EQ(update_code(b64).status, 200);
  settle();
  EXPECT_TRUE(m_blobs->contains(a));  // version 1
  ASSERT_EQ(update_code(c64).status, 200);
  EXPECT_TRUE(m_blobs->contains(b));  // invokes during the InProgress window still run b
  settle();
  ASSERT_EQ(update_code(d64).status, 200);
  EXPECT_FALSE(m_blobs->contains(b));  // neither $LATEST, a version nor the pre-update $LATEST any more
  EXPECT_TRUE(m_blobs->contains(a));
  EXPECT_TRUE(m_blobs->contains(c));  // the pre-update $LATEST of this window
  EXPECT_TRUE(m_blobs->contains(d));
  settle();

  auto [e64, e] = package("exports.handler=async()=>'e'");
  EXPECT_EQ(update_code(e64, "not-the-revision").status, 412);
  EXPECT_FALSE(m_blobs->contains(e));
  auto [f64, f] = package("exports.handler=async()=>'f'");
  auto again = create_body("fn");
  again["Code"]["ZipFile"] = f64;
  EXPECT_EQ(call("POST", "/2015-03-31/functions", again).status, 409);
  EXPECT_FALSE(m_blobs->contains(f));
  // A refused create of bytes a version already has keeps them.
  again["Code"]["ZipFile"] = a64;
  EXPECT_EQ(call("POST", "/2015-03-31/functions", again).status, 409);
  EXPECT_TRUE(m_blobs->contains(a));
}
