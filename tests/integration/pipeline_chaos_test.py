"""Pipelines on a bad day: the real lambda-cd binary against `lambda-cd local --faults` (throttles
with Retry-After, 500s, 503s, connections reset before and after the request was served, updates
that look in progress). Every release must end correct (right version for its build, right alias,
no duplicate version) within the retry budget; at a fault rate no budget outlasts, each fails with a
message naming the budget and leaves nothing half-way. The outcome is read through a fault-free
endpoint over the same state.

CHAOS_PIPELINES (default 4) endpoints run the two-build release each, four at a time;
scripts/chaos.sh runs 30."""
import concurrent.futures
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from lcd_harness import Endpoint, TestRun, project_copy  # noqa: E402

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "hello")
BAD_DAY = "throttle=0.2,error500=0.05,error503=0.05,reset=0.02,lost=0.02,conflict=0.05"
PIPELINES = int(os.environ.get("CHAOS_PIPELINES", "4"))
# The fixture's integration test calls Lambda through AWS CLI v2 on its own: its SDK retries are the
# project's business, not lambda-cd's, so they get enough attempts for this fault rate.
ITEST_ENV = {"AWS_MAX_ATTEMPTS": "12", "AWS_RETRY_MODE": "standard"}


def set_mark(project, mark):
    path = os.path.join(project, "index.js")
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(re.sub(r"const MARK = '[^']*';", f"const MARK = '{mark}';", text))


def lcd(ep, project, *args):
    os.environ.update(ITEST_ENV)
    try:
        return ep.lcd(*args, cwd=project, timeout=900)
    finally:
        for k in ITEST_ENV:
            os.environ.pop(k, None)


def versions(lam, name="hello"):
    out, marker = [], None
    while True:
        page = lam.list_versions_by_function(FunctionName=name, **({"Marker": marker} if marker else {}))
        out += [v for v in page["Versions"] if v["Version"] != "$LATEST"]
        marker = page.get("NextMarker")
        if not marker:
            return out


def alias_version(lam, alias, name="hello"):
    try:
        return lam.get_alias(FunctionName=name, Name=alias)["FunctionVersion"]
    except lam.exceptions.ResourceNotFoundException:
        return None


def one_bad_day(seed):
    """Build 1 and build 2 through the pipeline and build 2 to PROD, all on a faulty endpoint."""
    state = tempfile.mkdtemp(prefix="lcd-chaos-")
    log = []
    try:
        with Endpoint("--faults", f"{BAD_DAY},seed={seed}", "--update-delay-ms", "20", state_dir=state) as ep, \
                project_copy(FIXTURE) as project:
            for args in (("pipeline", "--build", "1"), ("pipeline", "--build", "2"), ("promote", "PROD", "--build", "2")):
                if args[-1] == "2" and args[0] == "pipeline":
                    set_mark(project, "build-2")
                r = lcd(ep, project, *args)
                log.append(r.stdout + r.stderr)
                assert r.returncode == 0, f"seed {seed}: {' '.join(args)} failed:\n" + r.stdout + r.stderr
        with Endpoint(state_dir=state) as clean:
            lam = clean.boto3()
            vs = versions(lam)
            assert [(v["Version"], v["Description"]) for v in vs] == [("1", "build 1"), ("2", "build 2")], \
                f"seed {seed}: versions {[(v['Version'], v['Description']) for v in vs]}"
            assert alias_version(lam, "STAGE") == "2", f"seed {seed}: STAGE at {alias_version(lam, 'STAGE')}"
            assert alias_version(lam, "PROD") == "2", f"seed {seed}: PROD at {alias_version(lam, 'PROD')}"
            code = {v["Version"]: v["CodeSha256"] for v in vs}
            assert code["1"] != code["2"], f"seed {seed}: both versions have the same code"
        return "".join(log)
    finally:
        shutil.rmtree(state, ignore_errors=True)


def bad_days_end_correct():
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        logs = list(pool.map(one_bad_day, range(1, PIPELINES + 1)))
    waits = sum(text.count("retry budget used") for text in logs)
    # The faults were real: the runs waited and said so (a line per wait naming the budget).
    assert waits >= PIPELINES, f"only {waits} retry progress lines in {PIPELINES} runs"
    print(f"{PIPELINES} faulty endpoints, 3 releases each: all correct; {waits} retries reported")


def a_worse_day_fails_within_its_budget():
    state = tempfile.mkdtemp(prefix="lcd-chaos-")
    try:
        with project_copy(FIXTURE) as project:
            with Endpoint(state_dir=state) as ep:
                r = lcd(ep, project, "pipeline", "--build", "1")
                assert r.returncode == 0, r.stdout + r.stderr
            set_mark(project, "build-2")
            with Endpoint("--faults", "throttle=0.5,error503=0.2,seed=5", state_dir=state) as ep:
                r = lcd(ep, project, "--retry-budget", "3s", "pipeline", "--build", "2")
                out = r.stdout + r.stderr
                assert r.returncode == 1, f"exit {r.returncode}:\n{out}"
                assert "the retry budget of 3s spent" in out, out
                # Whichever call gave up: Lambda's codes, or STS's and S3's (the deploy lock) in their words.
                assert re.search(r"(TooManyRequestsException \(429\)|ServiceUnavailable(Exception)? \(503\)|"
                                 r"Throttling \(400\)|SlowDown \(503\))", out), out
        with Endpoint(state_dir=state) as clean:
            lam = clean.boto3()
            described = [v["Description"] for v in versions(lam)]
            assert len(described) == len(set(described)), f"duplicate versions: {described}"
            stage = alias_version(lam, "STAGE")
            by_version = {v["Version"]: v["Description"] for v in versions(lam)}
            # STAGE is where build 1 left it, or on build 2 only if every step before promote passed.
            assert by_version.get(stage) in ("build 1", "build 2"), (stage, by_version)
            if by_version.get(stage) == "build 2":
                assert "promote" in out, out
            assert alias_version(lam, "PROD") is None
    finally:
        shutil.rmtree(state, ignore_errors=True)


def an_unreachable_endpoint_fails_fast():
    with project_copy(FIXTURE) as project:
        ep = Endpoint()
        ep.url = "http://127.0.0.1:9"  # discard port: nothing listens
        # --target aws: a named local endpoint that is not listening is refused before any call.
        r = lcd(ep, project, "--target", "aws", "--retry-budget", "10m", "status")
        out = r.stdout + r.stderr
        assert r.returncode != 0, out
        assert "after 3 attempts" in out, out
        assert "budget of 10m spent" not in out, out


if __name__ == "__main__":
    t = TestRun()
    for case in (an_unreachable_endpoint_fails_fast, a_worse_day_fails_within_its_budget, bad_days_end_correct):
        t.case(case.__name__, case)
    t.finish()
