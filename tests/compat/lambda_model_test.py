"""Issue 11 with boto3 against `lambda-cd local`: a function walked through create -> update ->
publish -> alias -> tag -> delete. Every response's members are compared with the output shape of
the Lambda service model (tests/compat/data/lambda_output_shapes.json, written by
scripts/lambda_model_shapes.py from the newest botocore model) and with the members AWS returns for
a zip function (responses recorded from AWS Lambda on 2025-11-25 in LocalStack's AWS-validated
parity snapshots, tests/aws/services/lambda_/test_lambda_api.snapshot.json); RevisionId must change
exactly where AWS changes it.

The raw response bodies are checked (an after-call hook): Debian's boto3 parses with an older model
and would drop members it does not know."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from lcd_harness import Endpoint as LocalEndpoint, TestRun, handler_zip  # noqa: E402

import botocore.exceptions  # noqa: E402
import lambda_model_shapes  # noqa: E402

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "lambda_output_shapes.json")
with open(DATA) as f:
    MODEL = json.load(f)
ROLE = "arn:aws:iam::000000000000:role/lambda-role"

# What AWS returns for a zip function without Environment, VPC, layers or KMS (recorded 2025).
CONFIG = {"Architectures", "CodeSha256", "CodeSize", "Description", "EphemeralStorage", "FunctionArn", "FunctionName",
          "Handler", "LastModified", "LoggingConfig", "MemorySize", "PackageType", "RevisionId", "Role", "Runtime",
          "RuntimeVersionConfig", "SnapStart", "Timeout", "TracingConfig", "Version"}
PENDING = CONFIG | {"State", "StateReason", "StateReasonCode"}
ACTIVE = CONFIG | {"State", "LastUpdateStatus"}
IN_PROGRESS = ACTIVE | {"LastUpdateStatusReason", "LastUpdateStatusReasonCode"}
LISTED = CONFIG - {"RuntimeVersionConfig"}
ALIAS = {"AliasArn", "Description", "FunctionVersion", "Name", "RevisionId"}


def shape(operation):
    return set(MODEL["shapes"][MODEL["operations"][operation]])


class Recorder:
    """Keeps the raw JSON body of every response, per operation."""

    def __init__(self, client):
        self.last = {}
        client.meta.events.register("after-call.lambda", self._after)

    def _after(self, http_response, model, **_):
        body = http_response.content
        self.last[model.name] = json.loads(body) if body else None

    def body(self, operation):
        return self.last[operation]


def expect_members(recorder, operation, expected, where=None):
    """The raw response (or its member `where`) has exactly `expected`, all in the model's shape."""
    raw = recorder.body(operation)
    members = set(raw if where is None else raw[where])
    model = shape(operation) if where is None else set(MODEL["shapes"][where_shape(operation, where)])
    assert members <= model, f"{operation}: members not in the service model: {sorted(members - model)}"
    assert members == expected, (f"{operation}: missing {sorted(expected - members)}, "
                                 f"unexpected {sorted(members - expected)}")
    return raw if where is None else raw[where]


def where_shape(operation, member):
    return {"Configuration": "FunctionConfiguration", "Code": "FunctionCodeLocation", "Concurrency": "Concurrency",
            "AccountLimit": "AccountLimit", "AccountUsage": "AccountUsage"}[member]


def expect_nested(config):
    for member, nested in (("LoggingConfig", "LoggingConfig"), ("RuntimeVersionConfig", "RuntimeVersionConfig"),
                           ("EphemeralStorage", "EphemeralStorage"), ("SnapStart", "SnapStartResponse"),
                           ("TracingConfig", "TracingConfigResponse")):
        keys = set(config[member])
        assert keys <= set(MODEL["shapes"][nested]), (member, keys)
    assert config["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/aws/lambda/" + config["FunctionName"]}
    assert config["SnapStart"] == {"ApplyOn": "None", "OptimizationStatus": "Off"}
    assert config["EphemeralStorage"] == {"Size": 512}


def wait(lam, predicate, what, qualifier=None):
    for _ in range(200):
        kwargs = {"FunctionName": "walk"}
        if qualifier:
            kwargs["Qualifier"] = qualifier
        config = lam.get_function_configuration(**kwargs)
        if predicate(config):
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def revision(lam, qualifier=None):
    kwargs = {"FunctionName": "walk"}
    if qualifier:
        kwargs["Qualifier"] = qualifier
    return lam.get_function_configuration(**kwargs)["RevisionId"]


def model_file_is_current():
    """The committed shapes are the newest model's, when a model at least as new is on this machine."""
    recorded = tuple(int(p) for p in MODEL["source"]["botocore"].split("."))
    models = [m for m in lambda_model_shapes.candidate_models() if m[0] >= recorded]
    if not models:
        print(f"note: no botocore >= {MODEL['source']['botocore']} here; the committed shapes are used as they are")
        return
    version, path = models[-1]
    fresh = lambda_model_shapes.shapes_of(lambda_model_shapes.load(path))
    for name, members in MODEL["shapes"].items():
        missing = set(members) - set(fresh["shapes"].get(name, []))
        assert not missing, f"{name}: {sorted(missing)} no longer in botocore {version} ({path})"
    if version == recorded:
        assert fresh["shapes"] == MODEL["shapes"], "regenerate with scripts/lambda_model_shapes.py"


def walk_through_the_lifecycle():
    with LocalEndpoint("--update-delay-ms", "400") as ep:
        lam = ep.boto3()
        rec = Recorder(lam)

        created = lam.create_function(FunctionName="walk", Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
                                      Code={"ZipFile": handler_zip()})
        raw = expect_members(rec, "CreateFunction", PENDING)
        expect_nested(raw)
        pending_rev = created["RevisionId"]
        assert revision(lam) == pending_rev, "Pending keeps the creation's RevisionId"
        wait(lam, lambda c: c["State"] == "Active", "Active")
        lam.get_function(FunctionName="walk")
        expect_members(rec, "GetFunction", {"Configuration", "Code"})
        expect_members(rec, "GetFunction", ACTIVE, "Configuration")
        expect_members(rec, "GetFunction", {"RepositoryType", "Location"}, "Code")
        active_rev = revision(lam)
        expect_members(rec, "GetFunctionConfiguration", ACTIVE)
        assert active_rev != pending_rev, "RevisionId changes when the function leaves Pending"

        updated = lam.update_function_configuration(FunctionName="walk", Description="first change")
        expect_members(rec, "UpdateFunctionConfiguration", IN_PROGRESS)
        assert updated["RevisionId"] != active_rev
        wait(lam, lambda c: c["LastUpdateStatus"] == "Successful", "update")
        settled_rev = revision(lam)
        assert settled_rev != updated["RevisionId"], "RevisionId changes when the update completes"

        code = lam.update_function_code(FunctionName="walk", ZipFile=handler_zip("exports.handler = async () => 2;"),
                                        Publish=True, RevisionId=settled_rev)
        raw = expect_members(rec, "UpdateFunctionCode", PENDING)
        assert raw["Version"] == "1" and raw["FunctionArn"].endswith(":walk:1"), raw
        v1_rev = raw["RevisionId"]
        assert lam.get_function_configuration(FunctionName="walk", Qualifier="1")["State"] == "Pending"
        busy_rev = revision(lam)
        assert busy_rev not in (settled_rev, v1_rev)
        wait(lam, lambda c: c["LastUpdateStatus"] == "Successful", "code update")
        wait(lam, lambda c: c["State"] == "Active", "version 1 Active", qualifier="1")
        assert revision(lam, "1") == v1_rev, "a version keeps its RevisionId when it becomes Active"
        after_code_rev = revision(lam)
        assert after_code_rev != busy_rev

        again = lam.publish_version(FunctionName="walk")  # nothing changed: AWS hands back version 1
        expect_members(rec, "PublishVersion", ACTIVE)
        assert again["Version"] == "1" and again["RevisionId"] == v1_rev, again
        lam.update_function_configuration(FunctionName="walk", Description="second change")
        wait(lam, lambda c: c["LastUpdateStatus"] == "Successful", "update")
        before_publish = revision(lam)
        v2 = lam.publish_version(FunctionName="walk", RevisionId=before_publish)
        expect_members(rec, "PublishVersion", ACTIVE)
        assert v2["Version"] == "2"
        after_publish = revision(lam)
        assert after_publish != before_publish, "publishing changes $LATEST's RevisionId"
        assert v2["RevisionId"] not in (before_publish, after_publish), "a version has its own RevisionId"
        try:
            lam.update_function_configuration(FunctionName="walk", Timeout=9, RevisionId=before_publish)
            raise AssertionError("a RevisionId from before the publish was accepted")
        except botocore.exceptions.ClientError as e:
            assert e.response["Error"]["Code"] == "PreconditionFailedException", e.response

        lam.list_versions_by_function(FunctionName="walk")
        for entry in rec.body("ListVersionsByFunction")["Versions"]:
            assert set(entry) <= set(MODEL["shapes"]["FunctionConfiguration"])
            assert set(entry) == LISTED, sorted(set(entry) ^ LISTED)
        lam.list_functions()
        for entry in rec.body("ListFunctions")["Functions"]:
            assert set(entry) == LISTED, sorted(set(entry) ^ LISTED)

        alias = lam.create_alias(FunctionName="walk", Name="live", FunctionVersion="1")
        expect_members(rec, "CreateAlias", ALIAS)
        assert revision(lam) == after_publish, "an alias does not change $LATEST's RevisionId"
        moved = lam.update_alias(FunctionName="walk", Name="live", RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}},
                                 RevisionId=alias["RevisionId"])
        expect_members(rec, "UpdateAlias", ALIAS | {"RoutingConfig"})
        assert moved["RevisionId"] != alias["RevisionId"]
        lam.get_alias(FunctionName="walk", Name="live")
        expect_members(rec, "GetAlias", ALIAS | {"RoutingConfig"})
        lam.list_aliases(FunctionName="walk")
        expect_members(rec, "ListAliases", {"Aliases"})
        by_alias = lam.get_function_configuration(FunctionName="walk", Qualifier="live")
        assert by_alias["FunctionArn"].endswith(":walk:live") and by_alias["Version"] == "1", by_alias

        arn = created["FunctionArn"]
        lam.tag_resource(Resource=arn, Tags={"team": "cd"})
        tagged_rev = revision(lam)
        assert tagged_rev != after_publish, "tagging changes RevisionId"
        lam.list_tags(Resource=arn)
        expect_members(rec, "ListTags", {"Tags"})
        lam.get_function(FunctionName="walk")
        expect_members(rec, "GetFunction", {"Configuration", "Code", "Tags"})
        lam.untag_resource(Resource=arn, TagKeys=["team"])
        assert revision(lam) != tagged_rev, "untagging changes RevisionId"
        assert revision(lam, "1") == v1_rev and revision(lam, "2") == v2["RevisionId"], "versions keep theirs"

        lam.add_permission(FunctionName="walk", StatementId="s3", Action="lambda:InvokeFunction",
                           Principal="s3.amazonaws.com")
        expect_members(rec, "AddPermission", {"Statement"})
        policy = lam.get_policy(FunctionName="walk")
        expect_members(rec, "GetPolicy", {"Policy", "RevisionId"})
        assert revision(lam) == policy["RevisionId"], "AddPermission gives the function the policy's RevisionId"
        lam.get_account_settings()
        expect_members(rec, "GetAccountSettings", {"AccountLimit", "AccountUsage"})
        expect_members(rec, "GetAccountSettings", set(MODEL["shapes"]["AccountLimit"]), "AccountLimit")
        expect_members(rec, "GetAccountSettings", set(MODEL["shapes"]["AccountUsage"]), "AccountUsage")

        deleted = lam.delete_function(FunctionName="walk")
        assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
        try:
            lam.get_function(FunctionName="walk")
            raise AssertionError("deleted function still there")
        except botocore.exceptions.ClientError as e:
            assert e.response["Error"]["Code"] == "ResourceNotFoundException"


if __name__ == "__main__":
    t = TestRun()
    t.case("model_file_is_current", model_file_is_current)
    t.case("walk_through_the_lifecycle", walk_through_the_lifecycle)
    t.finish()
