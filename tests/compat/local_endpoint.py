"""Starting and stopping `lambda-cd local` for tests: `$LAMBDA_CD local --port 0 --state <tmp>`,
waiting for its "listening on" line. Shared by the Lambda control-plane compat tests."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

LISTEN_RE = re.compile(r"lambda-cd local listening on (http://[^\s]+)")


class LocalEndpoint:
    def __init__(self, *extra_args, state_dir=None, env=None):
        self.extra_args = list(extra_args)
        self.own_state = state_dir is None
        self.state_dir = state_dir or tempfile.mkdtemp(prefix="lcd-compat-")
        self.env = env
        self.proc = None
        self.url = None

    def start(self):
        binary = os.environ["LAMBDA_CD"]
        env = dict(os.environ)
        if self.env:
            env.update(self.env)
        self.proc = subprocess.Popen([binary, "local", "--port", "0", "--state", self.state_dir, *self.extra_args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = self.proc.stdout.readline()
        m = LISTEN_RE.search(line)
        if not m:
            try:
                self.proc.wait(timeout=10)
                err = self.proc.stderr.read()
            except subprocess.TimeoutExpired:
                err = "(still running)"
            raise RuntimeError(f"endpoint did not start: {line!r} {err}")
        self.url = m.group(1)
        return self

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def close(self):
        self.stop()
        if self.own_state:
            shutil.rmtree(self.state_dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def boto3(self, service="lambda", region="us-east-1", access_key="test", secret_key="test", **config):
        import boto3
        from botocore.config import Config
        config.setdefault("retries", {"max_attempts": 1, "mode": "standard"})
        cfg = Config(**config)
        return boto3.client(service, endpoint_url=self.url, region_name=region, aws_access_key_id=access_key,
                            aws_secret_access_key=secret_key, config=cfg)

    def aws(self, *args, check=True):
        """Runs AWS CLI v2 (/usr/bin/aws) against the endpoint; returns CompletedProcess."""
        env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1",
                   AWS_PAGER="", AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        r = subprocess.run(["/usr/bin/aws", "--endpoint-url", self.url, *args], capture_output=True, text=True,
                           env=env, timeout=400)
        if check and r.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed ({r.returncode}): {r.stderr}")
        return r


def make_zip(files):
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in files.items():
            z.writestr(name, body)
    return buf.getvalue()


def handler_zip(body="exports.handler = async (event) => ({ ok: true, event });"):
    return make_zip({"index.js": body})
