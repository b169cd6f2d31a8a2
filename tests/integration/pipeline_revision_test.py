"""The pipeline against the RevisionId lifecycle AWS has (issue 11): a function has one RevisionId
while Pending or InProgress and another once settled, and publishing changes $LATEST's. The
pipeline must guard its publish with the settled one (it waits for the update to finish first),
and a RevisionId changed by its own publish must not make it refuse what it already published.
Wide Pending/InProgress windows (--update-delay-ms 1500) make a RevisionId taken too early fail."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from lcd_harness import Endpoint, TestRun, project_copy  # noqa: E402

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "hello")


def set_mark(project, mark):
    path = os.path.join(project, "index.js")
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(re.sub(r"const MARK = '[^']*';", f"const MARK = '{mark}';", text))


def deployed_revision(project):
    with open(os.path.join(project, ".lambda-cd", "state.json")) as f:
        return json.load(f)["revision_id"]


def ok(r):
    assert r.returncode == 0, r.stdout + r.stderr
    return r


def publishes_with_the_settled_revision():
    with Endpoint("--update-delay-ms", "1500") as ep, project_copy(FIXTURE) as project:
        lam = ep.boto3()
        ok(ep.lcd("deploy", cwd=project))
        config = lam.get_function_configuration(FunctionName="hello")
        assert config["State"] == "Active", config
        # What deploy recorded is the RevisionId after Pending ended, not the one CreateFunction answered.
        assert deployed_revision(project) == config["RevisionId"], (deployed_revision(project), config)
        ok(ep.lcd("itest", cwd=project))
        ok(ep.lcd("publish", "--build", "1", cwd=project))
        after = lam.get_function_configuration(FunctionName="hello")
        assert after["RevisionId"] != config["RevisionId"], "publishing should change $LATEST's RevisionId"
        # Publishing the same build again is a no-op, not a refusal over the RevisionId the publish changed.
        again = ok(ep.lcd("publish", "--build", "1", cwd=project))
        assert "already published" in again.stdout + again.stderr, again.stdout + again.stderr

        # An update (InProgress for 1.5 s) then a publish: the guard holds the settled RevisionId.
        set_mark(project, "build-2")
        ok(ep.lcd("pipeline", "--build", "2", cwd=project))
        versions = [v for v in lam.list_versions_by_function(FunctionName="hello")["Versions"] if v["Version"] != "$LATEST"]
        assert [v["Version"] for v in versions] == ["1", "2"], versions
        v2 = lam.get_function_configuration(FunctionName="hello", Qualifier="2")
        assert v2["State"] == "Active" and v2["Description"] == "build 2", v2
        assert lam.get_alias(FunctionName="hello", Name="STAGE")["FunctionVersion"] == "2"


if __name__ == "__main__":
    t = TestRun()
    t.case("publishes_with_the_settled_revision", publishes_with_the_settled_revision)
    t.finish()
