"""A fork bomb in a handler, on a real `lambda-cd local --process-limit 64`, with each way the limit
is enforced (`--process-limit-by auto`: a pids cgroup where the endpoint can make one, else the /proc
watchdog; `--process-limit-by watchdog`). The invocation fails with Runtime.ExitError naming the
limit, the endpoint answers a well-behaved function afterwards, the sandbox never held more than the
bound asserted below, and nothing is left behind: no process, no cgroup directory. A function that
starts a `detached: true` (setsid) child and exits does not leave that child running either.

Safe on a shared machine: the bomb is a depth-bounded binary tree of `sh` processes (at most 767
processes even if nothing stopped it, each idling in `sleep 1`), not an unbounded one."""
import base64
import json
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from lcd_harness import Endpoint, TestRun, handler_zip  # noqa: E402

ROLE = "arn:aws:iam::000000000000:role/r"
LIMIT = 64
DEPTH = 8  # 2^9 - 1 = 511 shells, 256 of them looping on sleep: 767 processes unbounded

BOMB = ('b(){ if [ "$1" -lt %d ]; then b $(($1+1)) & b $(($1+1)) & wait; '
        'else while :; do sleep 1; done; fi; }; b 0') % DEPTH

FUNCTIONS = {
    "bomb": ("const { spawn } = require('child_process');\n"
             "exports.handler = async () => {\n"
             "  const child = spawn('/bin/sh', ['-c', %s, 'lcd-fork-bomb'], { stdio: 'ignore' });\n"
             "  await new Promise((resolve) => child.on('exit', resolve));\n"
             "  return { survived: true };\n"
             "};\n") % json.dumps(BOMB),
    "detaches": ("const { spawn } = require('child_process');\n"
                 "exports.handler = async () => {\n"
                 "  spawn('/bin/sh', ['-c', 'while :; do sleep 1; done', 'lcd-detached'],\n"
                 "        { detached: true, stdio: 'ignore' }).unref();\n"
                 "  await new Promise((resolve) => setTimeout(resolve, 300));\n"
                 "  process.exit(2);\n"
                 "};\n"),
    "good": "exports.handler = async () => ({ ok: true, pid: process.pid });",
}


def tasks_of(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


ENDPOINT_PID = [0]


def sandbox_processes(state, exclude=()):
    """Pids running out of the endpoint's state directory (the task root is every function's working
    directory, inherited by what it starts) or naming it, except the endpoint and `exclude`."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) in exclude or int(pid) == ENDPOINT_PID[0]:
            continue
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cwd.startswith(state) or state in cmdline:
            found.append((int(pid), cmdline.strip()))
    return found


class Sampler:
    """Counts the sandbox's processes + threads as often as it can while an invoke runs."""

    def __init__(self, state):
        self.state = state
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            total = sum(tasks_of(pid) or 1 for pid, _ in sandbox_processes(self.state))
            self.peak = max(self.peak, total)
            self.samples += 1

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def invoke(lam, name):
    r = lam.invoke(FunctionName=name, Payload=b"{}", LogType="Tail")
    payload = r["Payload"].read()
    logs = base64.b64decode(r.get("LogResult", "")).decode(errors="replace")
    return r, payload, logs


def wait_until(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def bomb_is_stopped(mode):
    with Endpoint("--update-delay-ms", "0", "--process-limit", str(LIMIT), "--process-limit-by", mode) as ep:
        lam = ep.boto3(read_timeout=60)
        state = os.path.realpath(ep.state_dir)
        ENDPOINT_PID[0] = ep.proc.pid
        for name, source in FUNCTIONS.items():
            lam.create_function(FunctionName=name, Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
                                Code={"ZipFile": handler_zip(source)}, Timeout=30)
        described = next((line for line in ep.output if "process limit:" in line), "")
        assert f"{LIMIT} processes and threads per environment" in described, ep.output
        cgroup = re.search(r"cgroup v[12] pids under (\S+)", described)
        if mode == "watchdog":
            assert "watchdog" in described and not cgroup, described
        mechanism = "cgroup" if cgroup else "watchdog"

        started = time.monotonic()
        with Sampler(state) as sampler:
            r, payload, logs = invoke(lam, "bomb")
        seconds = time.monotonic() - started
        body = json.loads(payload)
        assert r.get("FunctionError") == "Unhandled", (r, body)
        assert body["errorType"] == "Runtime.ExitError", body
        assert "Runtime exited with error: signal: killed" in body["errorMessage"], body
        assert f"reached its limit of {LIMIT} processes and threads" in body["errorMessage"], body
        # A cgroup cannot go past pids.max. The watchdog looks every 50 ms and may find more: what
        # forked since its last look. Either way far below the 767 the bomb builds unstopped.
        bound = LIMIT if mechanism == "cgroup" else 4 * LIMIT
        assert sampler.peak <= bound, f"{sampler.peak} processes and threads seen, bound {bound}"
        assert sampler.samples > 0
        notice = next((line for line in ep.output if "environment stopped" in line), "")
        assert "function bomb" in notice and f"limit of {LIMIT}" in notice, ep.output
        print(f"{mode} ({mechanism}): bomb stopped in {seconds:.2f} s; peak seen by the test "
              f"{sampler.peak} in {sampler.samples} samples; endpoint: {notice.strip()}")

        # Nothing of the bomb is left, and the endpoint serves.
        assert wait_until(lambda: not sandbox_processes(state)), f"left behind: {sandbox_processes(state)[:10]}"
        assert ep.proc.poll() is None, "the endpoint exited"
        r, payload, _ = invoke(lam, "good")
        assert "FunctionError" not in r and json.loads(payload)["ok"] is True, payload
        good_pid = json.loads(payload)["pid"]

        # A setsid child outlives its parent's process group, not its sandbox.
        r, payload, _ = invoke(lam, "detaches")
        body = json.loads(payload)
        assert body["errorType"] == "Runtime.ExitError" and "exit status 2" in body["errorMessage"], body
        assert wait_until(lambda: not sandbox_processes(state, exclude={good_pid})), \
            f"left behind: {sandbox_processes(state, exclude={good_pid})}"

        if cgroup:
            root = cgroup.group(1)
            # Only the good function's environment still has a sandbox cgroup.
            assert wait_until(lambda: len([d for d in os.listdir(root) if d.startswith("sandbox-")]) == 1), \
                os.listdir(root)
        ep.stop()
        ENDPOINT_PID[0] = 0
        assert wait_until(lambda: not sandbox_processes(state)), f"left behind: {sandbox_processes(state)}"
        if cgroup:
            assert not os.path.exists(cgroup.group(1)), f"{cgroup.group(1)} left behind"


if __name__ == "__main__":
    t = TestRun()
    t.case("bomb_is_stopped_auto", bomb_is_stopped, "auto")
    t.case("bomb_is_stopped_watchdog", bomb_is_stopped, "watchdog")
    t.finish()
