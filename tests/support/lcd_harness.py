"""Shared harness for integration and compatibility tests.

Starts a real `lambda-cd local --port 0` in its own state directory, reads its
"listening" line, and hands out real clients (boto3 from Debian's python3-boto3,
AWS CLI v2 at /usr/bin/aws) pointed at it. Nothing here is a mock.
"""
import atexit
import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile

LAMBDA_CD = os.environ.get("LAMBDA_CD") or shutil.which("lambda-cd")
AWS_CLI = "/usr/bin/aws"  # AWS CLI v2 from Debian; a pip `aws` (v1) may come first in PATH
REGION = "us-east-1"
ACCOUNT = "000000000000"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": REGION,
               "AWS_REGION": REGION}


def _forget_the_callers_aws_settings():
    """Only what a test sets counts: whatever AWS_* / LAMBDA_CD_* the caller's shell exports and
    whatever ~/.aws holds never reach boto3 in this process or any child (the endpoint, the AWS CLI,
    lambda-cd). HOME becomes an empty folder of this run; AWS_CONFIG_FILE and
    AWS_SHARED_CREDENTIALS_FILE name files that do not exist."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "LAMBDA_CD_", "XDG_")):
            del os.environ[name]
    home = tempfile.mkdtemp(prefix="lcd-test-home-")
    atexit.register(shutil.rmtree, home, True)
    os.environ["HOME"] = home
    os.environ["AWS_CONFIG_FILE"] = os.path.join(home, "no-aws-config")
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(home, "no-aws-credentials")


_forget_the_callers_aws_settings()


class Endpoint:
    """A running `lambda-cd local`; use as a context manager."""

    def __init__(self, *extra_args, state_dir=None, env=None):
        if not LAMBDA_CD:
            raise RuntimeError("set LAMBDA_CD to the lambda-cd binary")
        self._owned_state = state_dir is None
        self.state_dir = state_dir or tempfile.mkdtemp(prefix="lcd-state-")
        self.extra_args = list(extra_args)
        self.process_env = env  # extra environment for the endpoint process
        self.proc = None
        self.url = None

    def start(self):
        env = dict(os.environ, **(self.process_env or {}))
        self.proc = subprocess.Popen([LAMBDA_CD, "local", "--port", "0", "--state", self.state_dir, *self.extra_args],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        deadline = time.time() + 30
        seen = []
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            if line.startswith("lambda-cd local listening on "):
                self.url = line.split(" on ", 1)[1].strip()
                break
        if not self.url:
            self.proc.kill()
            raise RuntimeError("endpoint did not start:\n" + "".join(seen))
        # Drain the rest of the output so the server never blocks on a full pipe; keep its lines
        # (the endpoint's warnings) for tests that look at them.
        import threading
        self.output = seen

        def drain():
            for line in self.proc.stdout:
                self.output.append(line)
        threading.Thread(target=drain, daemon=True).start()
        return self

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Stops the endpoint and removes its state directory if this harness made it."""
        self.stop()
        if self._owned_state:
            shutil.rmtree(self.state_dir, ignore_errors=True)

    def boto3(self, service="lambda", access_key="test", secret_key="test", region=REGION, **config):
        """A boto3 client; `config` goes to botocore's Config (default: no retries). A 12-digit
        `access_key` acts as that account."""
        import boto3
        from botocore.config import Config
        config.setdefault("retries", {"max_attempts": 1, "mode": "standard"})
        return boto3.client(service, endpoint_url=self.url, region_name=region, aws_access_key_id=access_key,
                            aws_secret_access_key=secret_key, config=Config(**config))

    def env(self):
        env = dict(os.environ)
        env.update(CREDENTIALS)
        env["AWS_ENDPOINT_URL"] = self.url
        env.pop("AWS_PROFILE", None)
        return env

    def aws_raw(self, *args, check=True):
        """Runs AWS CLI v2 against the endpoint; returns the CompletedProcess."""
        r = subprocess.run([AWS_CLI, "--endpoint-url", self.url, *args], env=self.env(), capture_output=True,
                           text=True, timeout=400)
        if check and r.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed ({r.returncode}): {r.stderr}")
        return r

    def aws(self, *args, check=True):
        """Runs AWS CLI v2 against the endpoint; returns parsed JSON output (or None), or the failed process."""
        r = self.aws_raw("--output", "json", *args, check=check)
        if r.returncode != 0:
            return r
        return json.loads(r.stdout) if r.stdout.strip() else None

    def lcd(self, *args, cwd=None, check=False, timeout=600):
        """Runs the lambda-cd CLI against this endpoint."""
        cmd = [LAMBDA_CD, "--endpoint-url", self.url, *args]
        return subprocess.run(cmd, cwd=cwd, env=self.env(), capture_output=True, text=True, timeout=timeout,
                              check=check)


def zip_bytes(files):
    """A zip of {name: text}; node handlers are plain text."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


def handler_zip(source="exports.handler = async (event) => ({ ok: true, event });"):
    """A package whose index.js is `source`."""
    return zip_bytes({"index.js": source})


def node_handler_zip(body="return { ok: true, event };"):
    """A package whose async handler has `body` as its body."""
    return handler_zip("exports.handler = async (event, context) => { %s };\n" % body)


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def under_thread_sanitizer(pid):
    """True when the process runs a ThreadSanitizer build (LCD_SANITIZE=thread): its RSS counts shadow
    memory for every address it touches and race-detection history, so RSS bounds measured on the
    release build do not apply to it."""
    with open(f"/proc/{pid}/maps") as f:
        return any("libtsan.so" in line for line in f)


def processes_under(path, exclude=(), skip_exe=None):
    """(pid, cwd, cmdline) of every live process whose working directory or command line names `path`
    (the endpoint's state directory), except this process, the pids in `exclude` and processes running
    the executable `skip_exe`."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid() or int(pid) in exclude:
            continue
        try:
            if skip_exe and os.path.realpath(f"/proc/{pid}/exe") == skip_exe:
                continue
            cwd = os.readlink(f"/proc/{pid}/cwd")
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cwd.startswith(path) or path in cmdline:
            found.append((int(pid), cwd, cmdline.strip()))
    return found


class TestRun:
    """Minimal test bookkeeping that ends with the plain 'N passed, N failed' line."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def case(self, name, fn, *args):
        try:
            fn(*args)
        except Exception as e:  # noqa: BLE001 - report every failure, keep going
            self.failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
        else:
            self.passed += 1
            print(f"ok   {name}", flush=True)

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)


@contextlib.contextmanager
def project_copy(source_dir):
    """A throwaway copy of a project (node_modules symlinked, not copied)."""
    tmp = tempfile.mkdtemp(prefix="lcd-project-")
    dest = os.path.join(tmp, os.path.basename(source_dir.rstrip("/")))
    shutil.copytree(source_dir, dest, ignore=shutil.ignore_patterns("node_modules", ".lambda-cd", "reports"))
    nm = os.path.join(source_dir, "node_modules")
    if os.path.isdir(nm):
        os.symlink(nm, os.path.join(dest, "node_modules"))
    try:
        yield dest
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
