"""Safe releases end to end (issue 13, "Done when"): the real lambda-cd binary shifts PROD on a real
`lambda-cd local` while a thread sends traffic through the PROD alias, and the gates read the
endpoint's own CloudWatch metrics and alarms.

One endpoint, one project, the scenarios in order (each leaves PROD where the next expects it):
  build 2 fails 30% of its requests, canary:20:10s  -> rolled back by the error-rate gate, exit 1
  build 3 (healthy), canary:20:60s, killed mid-shift -> status shows the shift, rollback -> version 1
  build 3, a failing before_traffic                  -> PROD never moved (same RevisionId), exit 1
  build 3, canary:20:60s, alarm set to ALARM          -> rolled back by the alarm gate, exit 1
  build 3, linear:50:5s                              -> PROD on version 3 with no routing, exit 0
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from lcd_harness import LAMBDA_CD, Endpoint, TestRun  # noqa: E402

FN = "shifty"
ALARM = "shifty-prod-errors"

# Fails `FAIL_IN_TEN` requests of every ten in each execution environment: an exact rate, not a random one.
HANDLER = """'use strict';
const FAIL_IN_TEN = %d;
let served = 0;
exports.handler = async (event, context) => {
  served += 1;
  if (served %% 10 < FAIL_IN_TEN) throw new Error('flaky build ' + context.functionVersion);
  return { ok: true, version: context.functionVersion };
};
"""

CONFIG = """[function]
name = "%s"
runtime = "nodejs20.x"
handler = "index.handler"
role = "arn:aws:iam::000000000000:role/shifty-role"
memory = 128
timeout = 5

[package]
include = ["index.js"]

[test]
unit = "true"
integration = "true"

[aliases]
stage = "STAGE"
prod = "PROD"

[release]
max_error_rate = 0.1
min_invocations = 10
%s
"""


class Traffic:
    """Invokes FN:PROD back to back on a thread and counts the answers per executed version."""

    def __init__(self, ep):
        self.lam = ep.boto3("lambda", read_timeout=10)
        self.stop_flag = threading.Event()
        self.by_version = {}
        self.failures = 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop_flag.is_set():
            try:
                r = self.lam.invoke(FunctionName=FN, Qualifier="PROD", Payload=b"{}")
                r["Payload"].read()
                v = r.get("ExecutedVersion", "?")
                ok, bad = self.by_version.get(v, (0, 0))
                self.by_version[v] = (ok, bad + 1) if r.get("FunctionError") else (ok + 1, bad)
            except Exception:  # noqa: BLE001 - an endpoint hiccup is counted, the traffic goes on
                self.failures += 1
                time.sleep(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        self.thread.join(timeout=15)


class Project:
    def __init__(self, ep):
        self.ep = ep
        self.dir = tempfile.mkdtemp(prefix="lcd-release-")
        self.configure("")

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def configure(self, extra_release):
        with open(os.path.join(self.dir, "lambda-cd.toml"), "w") as f:
            f.write(CONFIG % (FN, extra_release))

    def code(self, fail_in_ten):
        with open(os.path.join(self.dir, "index.js"), "w") as f:
            f.write(HANDLER % fail_in_ten)

    def lcd(self, *args):
        return self.ep.lcd(*args, cwd=self.dir, timeout=120)

    def start(self, *args):
        """lambda-cd with --output json, running: its JSON events (stderr) are read line by line."""
        return subprocess.Popen([LAMBDA_CD, "--endpoint-url", self.ep.url, "--output", "json", *args], cwd=self.dir,
                                env=self.ep.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def alias(self):
        return self.ep.boto3().get_alias(FunctionName=FN, Name="PROD")


def traffic_events(stderr_text):
    events = []
    for line in stderr_text.splitlines():
        if line.startswith("{"):
            e = json.loads(line)
            if e.get("event") == "traffic":
                events.append(e)
    return events


def wait_for_step(proc, percent, seen):
    """Reads proc's stderr until the shift reports its step to `percent`; returns the events so far."""
    for line in proc.stderr:
        seen.append(line)
        if line.startswith("{"):
            e = json.loads(line)
            if e.get("event") == "traffic" and e.get("phase") == "step" and e.get("percent") == percent:
                return
    raise AssertionError("the shift never reached %d%%:\n%s" % (percent, "".join(seen)))


def finish(proc, seen, timeout=60):
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, "".join(seen) + err


def assert_prod_on(project, version):
    a = project.alias()
    assert a["FunctionVersion"] == version, a
    assert not a.get("RoutingConfig", {}).get("AdditionalVersionWeights"), a
    return a


def error_rate_rolls_back(project, traffic):
    project.code(3)
    r = project.lcd("pipeline", "--build", "2")
    assert r.returncode == 0, r.stdout + r.stderr
    proc = project.start("promote", "PROD", "--build", "2", "--strategy", "canary:20:10s")
    code, out, err = finish(proc, [])
    assert code == 1, (code, out, err)
    doc = json.loads(out)
    message = doc["error"]["message"]
    assert "error rate" in message and "Rolled back: PROD on version 1" in message, message
    events = traffic_events(err)
    steps = [e["percent"] for e in events if e["phase"] == "step"]
    assert steps == [20], ("one evaluation: 20% and never further", events)
    assert events[-1]["phase"] == "rollback", events
    assert_prod_on(project, "1")
    assert traffic.by_version.get("2", (0, 0))[1] > 0, ("build 2 served no failures", traffic.by_version)


def killed_shift_is_shown_and_undone(project, traffic):
    project.code(0)
    r = project.lcd("pipeline", "--build", "3")
    assert r.returncode == 0, r.stdout + r.stderr
    proc = project.start("promote", "PROD", "--build", "3", "--strategy", "canary:20:60s")
    seen = []
    try:
        wait_for_step(proc, 20, seen)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=15)
    a = project.alias()
    assert a["FunctionVersion"] == "1" and a["RoutingConfig"]["AdditionalVersionWeights"] == {"3": 0.2}, a
    status = project.lcd("status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert "shifting PROD 20% to version 3 (build 3)" in status.stdout, status.stdout
    # The killed promote still holds the deploy lock until its lease runs out; whoever cleans up
    # sees whose it is and breaks it, as the README says.
    held = project.lcd("lock", "status")
    assert f"pid {proc.pid}" in held.stdout and "promote PROD build 3" in held.stdout, held.stdout
    r = project.lcd("unlock", "--force")
    assert r.returncode == 0 and f"pid {proc.pid}" in r.stderr, r.stdout + r.stderr
    r = project.lcd("rollback", "PROD")
    assert r.returncode == 0, r.stdout + r.stderr
    assert_prod_on(project, "1")
    status = project.lcd("status")
    assert "shifting PROD" not in status.stdout, status.stdout


def failing_before_traffic_never_moves(project, traffic):
    before = project.alias()
    hook_env = os.path.join(project.dir, "hook.env")
    project.configure('before_traffic = "env | grep ^LAMBDA_CD_ > hook.env; echo smoke test failed; exit 3"')
    try:
        r = project.lcd("promote", "PROD", "--build", "3", "--strategy", "canary:20:10s")
    finally:
        project.configure("")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "before_traffic" in r.stderr and "Nothing moved" in r.stderr, r.stderr
    after = project.alias()
    assert after["RevisionId"] == before["RevisionId"], (before, after)
    assert_prod_on(project, "1")
    with open(hook_env) as f:
        env = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
    assert env.get("LAMBDA_CD_QUALIFIER") == "3" and env.get("LAMBDA_CD_ALIAS") == "PROD", env
    assert env.get("LAMBDA_CD_FUNCTION_NAME") == FN, env


def alarm_rolls_back(project, traffic):
    ep = project.ep
    ep.aws("cloudwatch", "put-metric-alarm", "--alarm-name", ALARM, "--namespace", "AWS/Lambda",
           "--metric-name", "Errors", "--dimensions", f"Name=FunctionName,Value={FN}", "Name=Resource,Value=" + FN +
           ":PROD", "--statistic", "Sum", "--period", "60", "--evaluation-periods", "1", "--threshold", "1000",
           "--comparison-operator", "GreaterThanThreshold", "--treat-missing-data", "notBreaching")
    project.configure('[release.PROD]\nalarms = ["%s"]' % ALARM)
    # A state set by set-alarm-state lasts until the alarm's next evaluation, at the next minute here:
    # start early enough in a minute that the gate (checked every 5 s) sees it first.
    while time.time() % 60 > 40:
        time.sleep(0.5)
    try:
        proc = project.start("promote", "PROD", "--build", "3", "--strategy", "canary:20:60s")
        seen = []
        try:
            wait_for_step(proc, 20, seen)
            ep.aws("cloudwatch", "set-alarm-state", "--alarm-name", ALARM, "--state-value", "ALARM",
                   "--state-reason", "raised by the test mid-shift")
            code, out, err = finish(proc, seen)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    finally:
        project.configure("")
        ep.aws("cloudwatch", "delete-alarms", "--alarm-names", ALARM)
    assert code == 1, (code, out, err)
    message = json.loads(out)["error"]["message"]
    assert "alarm" in message and ALARM in message and "Rolled back: PROD on version 1" in message, message
    assert_prod_on(project, "1")


def linear_shift_completes(project, traffic):
    served_before = traffic.by_version.get("3", (0, 0))[0]
    proc = project.start("promote", "PROD", "--build", "3", "--strategy", "linear:50:5s")
    code, out, err = finish(proc, [])
    assert code == 0, (code, out, err)
    events = traffic_events(err)
    assert [e["percent"] for e in events if e["phase"] == "step"] == [50, 100], events
    assert events[-1]["phase"] == "done", events
    a = assert_prod_on(project, "3")
    assert "build=3" in a["Description"], a
    assert traffic.by_version.get("3", (0, 0))[0] > served_before, traffic.by_version


def main():
    t = TestRun()
    with Endpoint() as ep:
        project = Project(ep)
        try:
            project.code(0)
            r = project.lcd("pipeline", "--build", "1", "--to", "PROD")
            assert r.returncode == 0, r.stdout + r.stderr
            assert_prod_on(project, "1")
            with Traffic(ep) as traffic:
                for name, fn in (("error rate rolls back", error_rate_rolls_back),
                                 ("killed shift is shown and undone", killed_shift_is_shown_and_undone),
                                 ("failing before_traffic never moves", failing_before_traffic_never_moves),
                                 ("alarm rolls back", alarm_rolls_back),
                                 ("linear shift completes", linear_shift_completes)):
                    t.case(name, fn, project, traffic)
            print("traffic through PROD: %s (client errors %d)" % (traffic.by_version, traffic.failures))
        finally:
            project.close()
    t.finish()


if __name__ == "__main__":
    main()
