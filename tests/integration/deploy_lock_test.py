"""Many hands on one function, against a real `lambda-cd local`:

  two pipelines race on one function 20 times   -> each time both finish (one waited for the
                                                   other) or one fails naming the holder; every
                                                   version's CodeSha256 is its own build's package;
                                                   STAGE is on a version whose build's integration
                                                   tests ran against that very code
  a holder killed with SIGKILL                  -> its lease expires; the next run takes it over
  lock status / unlock --force                  -> who holds it; breaking it says whose it was
  prune --keep 5 over 60 versions, 3 aliased    -> exactly the 5 newest plus the 3 stay; --dry-run
                                                   changes nothing
"""
import base64
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from lcd_harness import Endpoint, TestRun  # noqa: E402

LOCKS = "team-locks"

# Integration test: invokes $LATEST through the endpoint (unsigned, as curl can) and records what
# code it ran against in the shared log, then checks it is this checkout's code.
ITEST = r"""#!/bin/sh
set -e
out=$(curl -sf -X POST "$AWS_ENDPOINT_URL/2015-03-31/functions/$LAMBDA_CD_FUNCTION_NAME/invocations?Qualifier=%24LATEST" -d '{}')
echo "$BUILD_MARK $out" >> "${ITEST_LOG:-/dev/null}"
echo "$out" | grep -q "\"mark\":\"$BUILD_MARK\""
"""


def write_project(root, function, mark, unit="true", lease=None):
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "index.js"), "w") as f:
        f.write("exports.handler = async () => ({ mark: %s });\n" % json.dumps(mark))
    with open(os.path.join(root, "itest.sh"), "w") as f:
        f.write(ITEST)
    toml = (f'[function]\nname = "{function}"\nruntime = "nodejs20.x"\nhandler = "index.handler"\n'
            f'role = "arn:aws:iam::000000000000:role/r"\n\n[package]\ninclude = ["index.js"]\n\n'
            f'[test]\nunit = "{unit}"\nintegration = "BUILD_MARK={mark} sh itest.sh"\n\n'
            f'[lock]\nbucket = "{LOCKS}"\n')
    if lease:
        toml += f'lease = "{lease}"\n'
    with open(os.path.join(root, "lambda-cd.toml"), "w") as f:
        f.write(toml)


def package_sha(root):
    with open(os.path.join(root, ".lambda-cd", "package.zip"), "rb") as f:
        return base64.b64encode(hashlib.sha256(f.read()).digest()).decode()


def start(ep, project, *args, env_extra=None):
    env = ep.env()
    env.update(env_extra or {})
    return subprocess.Popen([os.environ["LAMBDA_CD"], "--endpoint-url", ep.url, *args], cwd=project, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def two_pipelines_race():
    work = tempfile.mkdtemp(prefix="lcd-race-")
    log = os.path.join(work, "itest.log")
    try:
        with Endpoint() as ep:
            lam = ep.boto3()
            waited = 0
            for i in range(20):
                function = f"race-{i}"
                a, b = os.path.join(work, f"a{i}"), os.path.join(work, f"b{i}")
                # Unit tests of a second make the two runs overlap however fast the machine is.
                write_project(a, function, f"30-{i}", unit="sleep 1")
                write_project(b, function, f"31-{i}", unit="sleep 1")
                env = {"ITEST_LOG": log}
                runs = [start(ep, a, "--lock-timeout", "2m", "pipeline", "--build", "30", env_extra=env),
                        start(ep, b, "--lock-timeout", "2m", "pipeline", "--build", "31", env_extra=env)]
                outputs = [r.communicate(timeout=300)[0] for r in runs]
                codes = [r.returncode for r in runs]
                for code, output in zip(codes, outputs):
                    assert code == 0 or (code == 1 and "is held by" in output), output
                assert 0 in codes, outputs
                waited += sum("waiting for the deploy lock: held by" in o for o in outputs)

                shas = {"30": package_sha(a), "31": package_sha(b)}
                versions = [v for v in lam.list_versions_by_function(FunctionName=function)["Versions"]
                            if v["Version"] != "$LATEST"]
                for v in versions:
                    build = v["Description"].removeprefix("build ")
                    assert v["CodeSha256"] == shas[build], (i, v, shas)
                stage = lam.get_alias(FunctionName=function, Name="STAGE")["FunctionVersion"]
                staged = next(v for v in versions if v["Version"] == stage)
                build = staged["Description"].removeprefix("build ")
                ran = [line for line in open(log).read().splitlines() if line.startswith(f"{build}-{i} ")]
                assert ran and all(f'"mark":"{build}-{i}"' in line for line in ran), (i, build, ran)
            assert waited >= 10, f"only {waited} of 20 races had a run wait for the other"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def a_killed_holders_lock_is_taken_over_after_its_lease():
    work = tempfile.mkdtemp(prefix="lcd-kill-")
    try:
        with Endpoint() as ep:
            project = os.path.join(work, "p")
            write_project(project, "killed", "k1", unit="sleep 60", lease="5s")
            holder = start(ep, project, "pipeline", "--build", "1")
            deadline = time.time() + 60
            while time.time() < deadline:
                r = ep.lcd("--output", "json", "lock", "status", cwd=project)
                assert r.returncode == 0, r.stdout + r.stderr
                if json.loads(r.stdout)["result"]["held"]:
                    break
                time.sleep(0.2)
            else:
                raise AssertionError("the pipeline never took the lock")
            status = json.loads(ep.lcd("--output", "json", "lock", "status", cwd=project).stdout)["result"]
            assert status["holder"]["pid"] == holder.pid and status["command"] == "pipeline", status
            assert status["build"] == "1", status
            holder.send_signal(signal.SIGKILL)
            holder.wait()

            write_project(project, "killed", "k2", lease="5s")
            started = time.time()
            r = ep.lcd("--lock-timeout", "1m", "deploy", cwd=project)
            assert r.returncode == 0, r.stdout + r.stderr
            assert "took over the deploy lock of" in r.stderr + r.stdout, r.stdout + r.stderr
            assert f"pid {holder.pid}" in r.stderr + r.stdout, r.stdout + r.stderr
            assert time.time() - started >= 3, "took over before the lease expired"
            r = ep.lcd("--output", "json", "lock", "status", cwd=project)
            assert json.loads(r.stdout)["result"]["held"] is False, r.stdout  # released on exit
    finally:
        shutil.rmtree(work, ignore_errors=True)


def lock_status_and_unlock_force():
    work = tempfile.mkdtemp(prefix="lcd-unlock-")
    try:
        with Endpoint() as ep:
            project = os.path.join(work, "p")
            gate = os.path.join(work, "gate")
            # The holder's unit tests wait until the lock has been broken, however slow the machine.
            write_project(project, "broken", "b1", unit="sh wait-gate.sh")
            with open(os.path.join(project, "wait-gate.sh"), "w") as f:
                f.write(f"while [ ! -e {gate} ]; do sleep 0.1; done\n")
            holder = start(ep, project, "pipeline", "--build", "7")
            deadline = time.time() + 60
            while time.time() < deadline:
                r = ep.lcd("lock", "status", cwd=project)
                if "held by" in r.stdout:
                    break
                time.sleep(0.2)
            assert f"pid {holder.pid}" in r.stdout and "pipeline build 7" in r.stdout, r.stdout
            r = ep.lcd("unlock", cwd=project)
            assert r.returncode == 2 and "--force" in r.stderr, r.stdout + r.stderr
            r = ep.lcd("unlock", "--force", cwd=project)
            assert r.returncode == 0 and "broke the deploy lock held by" in r.stderr, r.stdout + r.stderr
            open(gate, "w").close()
            # The holder notices before its next step and stops instead of deploying beside another.
            out = holder.communicate(timeout=120)[0]
            assert holder.returncode == 1 and "lost the deploy lock" in out, out
            lam = ep.boto3()
            assert lam.list_functions()["Functions"] == [], "a run that lost its lock still deployed"
            r = ep.lcd("lock", "status", cwd=project)
            assert "free" in r.stdout, r.stdout
            r = ep.lcd("unlock", "--force", cwd=project)
            assert r.returncode == 0 and "was not held" in r.stdout + r.stderr, r.stdout + r.stderr
    finally:
        shutil.rmtree(work, ignore_errors=True)


def no_bucket_configured_locks_in_the_default_bucket():
    """Without [lock] or [backup] bucket, the lock lives in lambda-cd-locks-<account>-<region>,
    created in the run's region; a second run in another account gets its own."""
    work = tempfile.mkdtemp(prefix="lcd-default-lock-")
    try:
        with Endpoint() as ep:
            project = os.path.join(work, "p")
            write_project(project, "plain", "p1", unit="sleep 3")
            toml = os.path.join(project, "lambda-cd.toml")
            with open(toml) as f:
                text = f.read()
            with open(toml, "w") as f:
                # Its integration test asks nothing of the endpoint (the shared one invokes unsigned,
                # which reaches the default account, not this run's).
                f.write(text.replace(f'[lock]\nbucket = "{LOCKS}"\n', "").replace("BUILD_MARK=p1 sh itest.sh", "true"))
            env = {"AWS_REGION": "sa-east-1", "AWS_ACCESS_KEY_ID": "210987654321"}
            holder = start(ep, project, "pipeline", "--build", "1", env_extra=env)
            bucket = "lambda-cd-locks-210987654321-sa-east-1"
            s3 = ep.boto3("s3", access_key="210987654321", region="sa-east-1")
            deadline = time.time() + 60
            record = None
            while time.time() < deadline and record is None:
                try:
                    record = json.loads(s3.get_object(Bucket=bucket, Key="plain/lock/sa-east-1.json")["Body"].read())
                except Exception:
                    time.sleep(0.2)
            assert record and record["owner"]["pid"] == holder.pid, record
            assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] == "sa-east-1"
            out = holder.communicate(timeout=120)[0]
            assert holder.returncode == 0, out
            assert f"s3://{bucket}/plain/lock/sa-east-1.json" in out, out
            assert "Contents" not in s3.list_objects_v2(Bucket=bucket), "lock left behind"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def prune_keeps_the_newest_and_the_aliased():
    work = tempfile.mkdtemp(prefix="lcd-prune-")
    try:
        with Endpoint("--update-delay-ms", "0") as ep:
            project = os.path.join(work, "p")
            write_project(project, "pruned", "p")
            lam = ep.boto3()
            import io
            import zipfile
            for n in range(1, 61):
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w") as z:
                    z.writestr("index.js", f"exports.handler = async () => ({n});\n")
                if n == 1:
                    lam.create_function(FunctionName="pruned", Runtime="nodejs20.x", Handler="index.handler",
                                        Role="arn:aws:iam::000000000000:role/r", Code={"ZipFile": buf.getvalue()})
                    lam.get_waiter("function_active_v2").wait(FunctionName="pruned")
                else:
                    lam.update_function_code(FunctionName="pruned", ZipFile=buf.getvalue())
                    lam.get_waiter("function_updated_v2").wait(FunctionName="pruned")
                lam.publish_version(FunctionName="pruned", Description=f"build {n}")
            lam.create_alias(FunctionName="pruned", Name="PROD", FunctionVersion="10")
            lam.create_alias(FunctionName="pruned", Name="STAGE", FunctionVersion="20",
                             RoutingConfig={"AdditionalVersionWeights": {"30": 0.25}})

            def remaining():
                pages = lam.get_paginator("list_versions_by_function").paginate(FunctionName="pruned")
                return sorted(int(v["Version"]) for p in pages for v in p["Versions"] if v["Version"] != "$LATEST")

            r = ep.lcd("--output", "json", "prune", "--keep", "5", "--dry-run", cwd=project)
            assert r.returncode == 0, r.stdout + r.stderr
            assert len(remaining()) == 60
            plan = json.loads(r.stdout)["result"]
            assert sum(v["delete"] for v in plan["versions"]) == 52, plan
            r = ep.lcd("prune", "--keep", "5", cwd=project)
            assert r.returncode == 0, r.stdout + r.stderr
            assert remaining() == [10, 20, 30, 56, 57, 58, 59, 60], remaining()
            assert "alias STAGE (routing 25%)" in r.stdout + r.stderr, r.stdout + r.stderr
            assert lam.get_function(FunctionName="pruned")["Configuration"]["Version"] == "$LATEST"
            r = ep.lcd("status", cwd=project)
            assert r.returncode == 0 and "code storage" in r.stdout, r.stdout + r.stderr
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    t = TestRun()
    t.case("two pipelines race on one function, 20 times", two_pipelines_race)
    t.case("a SIGKILLed holder's lock is taken over after its lease", a_killed_holders_lock_is_taken_over_after_its_lease)
    t.case("lock status and unlock --force", lock_status_and_unlock_force)
    t.case("no bucket configured: the lock lives in the account's default bucket",
           no_bucket_configured_locks_in_the_default_bucket)
    t.case("prune --keep 5 keeps the newest five and the aliased", prune_keeps_the_newest_and_the_aliased)
    t.finish()
