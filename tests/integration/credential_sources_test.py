"""Every credential source lambda-cd reads, end to end: the real binary with `--target aws` against a
`lambda-cd local --verify-signatures` that accepts only the temporary keys the source hands out, so a
deploy succeeds only when the source was used and its keys signed the requests. Container
credentials, EC2 instance metadata (IMDSv2) and the SSO portal are served on loopback by a small
http.server here; credential_process is a real script. Secrets never show up in output, even at -vv."""
import base64
import datetime
import fcntl
import hashlib
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import termios
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from lcd_harness import LAMBDA_CD, Endpoint, TestRun, project_copy  # noqa: E402

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "hello")
KEY, SECRET, TOKEN = "ASIATEMPORARYKEY", "temporary-secret-value-0123456789", "temporary-session-token-abcdef"
EXPIRES = "2099-01-01T00:00:00Z"
KEYS = {"AccessKeyId": KEY, "SecretAccessKey": SECRET, "Token": TOKEN, "Expiration": EXPIRES}
ROTATING = [("ASIAROTATINGKEYAAAA", "rotating-secret-aaaa-0123456789"), ("ASIAROTATINGKEYBBBB", "rotating-secret-bbbb-0123456789")]


class MetadataHandler(BaseHTTPRequestHandler):
    """Container credentials (/container), IMDSv2 (/latest/...) and the SSO portal (/federation/...)."""
    seen = []
    rotations = 0

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self):
        MetadataHandler.seen.append(("PUT", self.path))
        if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return self.reply(200, b"imds-token", "text/plain")
        self.reply(400)

    def do_GET(self):
        MetadataHandler.seen.append(("GET", self.path))
        if self.path == "/container/rotating":
            # Keys that expire within the refresh window, a new pair on every fetch.
            MetadataHandler.rotations += 1
            key, secret = ROTATING[MetadataHandler.rotations % 2]
            expires = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=4))
            return self.reply(200, json.dumps({"AccessKeyId": key, "SecretAccessKey": secret, "Token": TOKEN,
                                               "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ")}).encode())
        if self.path == "/container/creds":
            if self.headers.get("Authorization") != "container-auth-token":
                return self.reply(401, b'{"message":"bad token"}')
            return self.reply(200, json.dumps(KEYS).encode())
        if self.path.startswith("/latest/"):
            if self.headers.get("X-aws-ec2-metadata-token") != "imds-token":
                return self.reply(401)
            if self.path == "/latest/meta-data/iam/security-credentials/":
                return self.reply(200, b"ci-instance-role", "text/plain")
            if self.path == "/latest/meta-data/iam/security-credentials/ci-instance-role":
                return self.reply(200, json.dumps(dict(KEYS, Code="Success")).encode())
            return self.reply(404)
        if self.path == "/federation/credentials?account_id=111122223333&role_name=Deployer":
            if self.headers.get("x-amz-sso_bearer_token") != "sso-access-token":
                return self.reply(401, b'{"message":"Session token not found or invalid"}')
            body = {"roleCredentials": {"accessKeyId": KEY, "secretAccessKey": SECRET, "sessionToken": TOKEN,
                                        "expiration": 4070908800000}}
            return self.reply(200, json.dumps(body).encode())
        self.reply(404)


class Servers:
    """Loopback metadata/SSO server + a lambda-cd local; `verify` makes the endpoint accept only KEY
    (and test:test), otherwise it takes any signature and acts for the account of STS-issued keys."""

    def __init__(self, verify=True, accepted=((KEY, SECRET),)):
        self.verify = verify
        self.accepted = accepted

    def __enter__(self):
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), MetadataHandler)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        local_credentials = ",".join(f"{k}:{v}" for k, v in self.accepted) + ",test:test"
        args = ["--verify-signatures"] if self.verify else []
        self.ep = Endpoint(*args, env={"LAMBDA_CD_LOCAL_CREDENTIALS": local_credentials}).start()
        self.home = tempfile.mkdtemp(prefix="lcd-home-")
        return self

    def __exit__(self, *exc):
        self.ep.close()
        self.http.shutdown()
        self.http.server_close()
        shutil.rmtree(self.home, ignore_errors=True)

    def run(self, project, env_extra, *args):
        """lambda-cd against AWS-at-the-local-endpoint with only the given environment (no caller AWS_*)."""
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.home,
               "AWS_EC2_METADATA_DISABLED": "true", "AWS_MAX_ATTEMPTS": "1"}
        env.update(env_extra)
        cmd = [LAMBDA_CD, "--target", "aws", "--endpoint-url", self.ep.url, "--region", "eu-west-1", *args]
        return subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, timeout=120)


def deploy_succeeds(s, project, env):
    """Deploys at -vv with `env`; the function exists afterwards and no secret was printed."""
    r = s.run(project, env, "-vv", "deploy")
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert SECRET not in out and TOKEN not in out, "a secret reached the output"
    lam = boto3.client("lambda", endpoint_url=s.ep.url, region_name="eu-west-1", aws_access_key_id="test",
                       aws_secret_access_key="test")
    assert lam.get_function(FunctionName="hello")["Configuration"]["FunctionArn"].startswith(
        "arn:aws:lambda:eu-west-1:")
    return out


def container_credentials():
    with Servers() as s, project_copy(FIXTURE) as project:
        token_file = os.path.join(s.home, "auth-token")
        with open(token_file, "w") as f:
            f.write("container-auth-token\n")
        env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": s.url + "/container/creds",
               "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": token_file}
        deploy_succeeds(s, project, env)
        assert ("GET", "/container/creds") in MetadataHandler.seen
        # A wrong token is refused by the container endpoint, and the error says which source failed.
        with open(token_file, "w") as f:
            f.write("stale\n")
        r = s.run(project, env, "deploy")
        assert r.returncode == 1, r.stderr
        assert "container credentials" in r.stderr and "HTTP 401" in r.stderr, r.stderr


def instance_metadata_v2():
    with Servers() as s, project_copy(FIXTURE) as project:
        env = {"AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": s.url}
        MetadataHandler.seen.clear()
        deploy_succeeds(s, project, env)
        assert MetadataHandler.seen[:3] == [("PUT", "/latest/api/token"),
                                            ("GET", "/latest/meta-data/iam/security-credentials/"),
                                            ("GET", "/latest/meta-data/iam/security-credentials/ci-instance-role")]


def credential_process():
    with Servers() as s, project_copy(FIXTURE) as project:
        script = os.path.join(s.home, "creds helper.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\necho 'helper ran' >&2\n")
            f.write("echo '%s'\n" % json.dumps(dict(Version=1, AccessKeyId=KEY, SecretAccessKey=SECRET,
                                                      SessionToken=TOKEN, Expiration=EXPIRES)))
        os.chmod(script, 0o700)
        os.makedirs(os.path.join(s.home, ".aws"))
        with open(os.path.join(s.home, ".aws", "config"), "w") as f:
            f.write('[profile tool]\ncredential_process = "%s" --for lambda-cd\n' % script)
        out = deploy_succeeds(s, project, {"AWS_PROFILE": "tool"})
        assert "helper ran" in out  # the helper's stderr reaches the terminal


def sso_profile():
    with Servers() as s, project_copy(FIXTURE) as project:
        os.makedirs(os.path.join(s.home, ".aws", "sso", "cache"))
        with open(os.path.join(s.home, ".aws", "config"), "w") as f:
            f.write("[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Deployer\n"
                    "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-central-1\n")
        cache = os.path.join(s.home, ".aws", "sso", "cache", hashlib.sha1(b"corp").hexdigest() + ".json")
        env = {"AWS_ENDPOINT_URL_SSO": s.url}
        r = s.run(project, env, "--profile", "dev", "deploy")
        assert r.returncode == 1 and "run `aws sso login --profile dev`" in r.stderr, r.stderr
        with open(cache, "w") as f:
            json.dump({"accessToken": "sso-access-token", "expiresAt": "2099-01-01T00:00:00Z"}, f)
        deploy_succeeds(s, project, dict(env, AWS_PROFILE="dev"))
        with open(cache, "w") as f:
            json.dump({"accessToken": "sso-access-token", "expiresAt": "2020-01-01T00:00:00Z"}, f)
        r = s.run(project, env, "--profile", "dev", "deploy")
        assert r.returncode == 1 and "expired at 2020-01-01T00:00:00Z" in r.stderr, r.stderr
        # A legacy profile (no sso_session): the token is cached under the SHA-1 of the start URL.
        start_url = "https://legacy.awsapps.com/start"
        with open(os.path.join(s.home, ".aws", "config"), "a") as f:
            f.write(f"[profile legacy]\nsso_start_url = {start_url}\nsso_region = eu-central-1\n"
                    "sso_account_id = 111122223333\nsso_role_name = Deployer\n")
        with open(os.path.join(s.home, ".aws", "sso", "cache", hashlib.sha1(start_url.encode()).hexdigest() + ".json"),
                  "w") as f:
            json.dump({"startUrl": start_url, "region": "eu-central-1", "accessToken": "sso-access-token",
                       "expiresAt": "2099-01-01T00:00:00Z"}, f)
        deploy_succeeds(s, project, dict(env, AWS_PROFILE="legacy"))


ROLE_ACCOUNT = "444455556666"
ROLE = f"arn:aws:iam::{ROLE_ACCOUNT}:role/deployers/ci-deployer"


def jwt(claims):
    def part(d):
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")
    return part({"alg": "RS256", "kid": "k"}) + "." + part(claims) + ".c2lnbmF0dXJl"


def signed_for_role(s, output):
    """The Lambda requests (shown at -vv with the key id, never the signature) were signed with keys the
    local endpoint's STS issued for ROLE: GetAccessKeyInfo names the role's account for them."""
    keys = set(re.findall(r"Credential=(\w+)/\d{8}/eu-west-1/lambda/aws4_request", output))
    assert len(keys) == 1, f"expected one signing key, saw {keys}:\n{output}"
    key = keys.pop()
    assert key.startswith("ASIA"), key
    sts = boto3.client("sts", endpoint_url=s.ep.url, region_name="eu-west-1", aws_access_key_id="test",
                       aws_secret_access_key="test")
    assert sts.get_access_key_info(AccessKeyId=key)["Account"] == ROLE_ACCOUNT
    return key


def web_identity_from_the_environment():
    """GitHub Actions OIDC: a token file and a role, exchanged at the local endpoint's STS."""
    with Servers(verify=False) as s, project_copy(FIXTURE) as project:
        token_file = os.path.join(s.home, "oidc-token")
        with open(token_file, "w") as f:
            f.write(jwt({"iss": "https://token.actions.githubusercontent.com", "sub": "repo:acme/app:ref:refs/heads/main",
                         "aud": "sts.amazonaws.com", "exp": 4070908800}))
        env = {"AWS_WEB_IDENTITY_TOKEN_FILE": token_file, "AWS_ROLE_ARN": ROLE, "AWS_ROLE_SESSION_NAME": "gha-run-7"}
        r = s.run(project, env, "-vv", "deploy")
        out = r.stdout + r.stderr
        assert r.returncode == 0, out
        assert "X-Amz-Security-Token: <redacted>" in out and "Signature=<redacted>" in out, out
        signed_for_role(s, out)
        # A token that is not a JWT is refused by STS, and the error names the source and the role.
        with open(token_file, "w") as f:
            f.write("not-a-jwt")
        r = s.run(project, env, "deploy")
        assert r.returncode == 1 and "web identity token" in r.stderr and "InvalidIdentityToken" in r.stderr, r.stderr


def web_identity_from_a_profile():
    with Servers(verify=False) as s, project_copy(FIXTURE) as project:
        os.makedirs(os.path.join(s.home, ".aws"))
        token_file = os.path.join(s.home, "token")
        with open(token_file, "w") as f:
            f.write(jwt({"iss": "https://gitlab.example.com", "sub": "project_path:acme/app", "aud": "aws"}))
        with open(os.path.join(s.home, ".aws", "config"), "w") as f:
            f.write(f"[profile oidc]\nweb_identity_token_file = {token_file}\nrole_arn = {ROLE}\n")
        r = s.run(project, {}, "--profile", "oidc", "-vv", "deploy")
        assert r.returncode == 0, r.stdout + r.stderr
        signed_for_role(s, r.stdout + r.stderr)


def assume_role_chain_from_a_source_profile():
    """base (long-term keys of account 111122223333) -> hop role -> deploy role, with external_id."""
    with Servers(verify=False) as s, project_copy(FIXTURE) as project:
        os.makedirs(os.path.join(s.home, ".aws"))
        with open(os.path.join(s.home, ".aws", "credentials"), "w") as f:
            f.write("[base]\naws_access_key_id = 111122223333\naws_secret_access_key = base-secret\n")
        with open(os.path.join(s.home, ".aws", "config"), "w") as f:
            f.write("[profile hop]\nrole_arn = arn:aws:iam::222233334444:role/hop\nsource_profile = base\n"
                    f"[profile deploy]\nrole_arn = {ROLE}\nsource_profile = hop\nexternal_id = acme-ci\n"
                    "role_session_name = release\nduration_seconds = 900\n")
        r = s.run(project, {}, "--profile", "deploy", "-vv", "deploy")
        assert r.returncode == 0, r.stdout + r.stderr
        assert "base-secret" not in r.stdout + r.stderr
        signed_for_role(s, r.stdout + r.stderr)
        # AWS_PROFILE picks the same profile, but environment keys still win over it (as in the SDKs).
        r = s.run(project, {"AWS_PROFILE": "deploy", "AWS_ACCESS_KEY_ID": "999988887777",
                            "AWS_SECRET_ACCESS_KEY": "x"}, "-vv", "deploy")
        assert r.returncode == 0, r.stdout + r.stderr
        assert "Credential=999988887777/" in r.stdout + r.stderr


def static_keys_from_the_environment_and_the_shared_files():
    """Long-term or session keys as written: the environment, ~/.aws/credentials, ~/.aws/config."""
    with Servers() as s, project_copy(FIXTURE) as project:
        deploy_succeeds(s, project, {"AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET,
                                     "AWS_SESSION_TOKEN": TOKEN})
        os.makedirs(os.path.join(s.home, ".aws"))
        with open(os.path.join(s.home, ".aws", "credentials"), "w") as f:
            f.write(f"[ci]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n")
        with open(os.path.join(s.home, ".aws", "config"), "w") as f:
            f.write(f"[profile cfg]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n")
        deploy_succeeds(s, project, {"AWS_PROFILE": "ci"})
        deploy_succeeds(s, project, {"AWS_PROFILE": "cfg"})
        # A profile that does not exist is an error naming it, not a fall-through to other sources.
        r = s.run(project, {"AWS_PROFILE": "missing"}, "deploy")
        assert r.returncode != 0 and "AWS profile 'missing' (from AWS_PROFILE) not found" in r.stderr, r.stderr


def role_from_a_credential_source():
    """credential_source = EcsContainer / Ec2InstanceMetadata: the container's or instance's keys assume the role."""
    with Servers(verify=False) as s, project_copy(FIXTURE) as project:
        token_file = os.path.join(s.home, "auth-token")
        with open(token_file, "w") as f:
            f.write("container-auth-token\n")
        os.makedirs(os.path.join(s.home, ".aws"))
        with open(os.path.join(s.home, ".aws", "config"), "w") as f:
            f.write(f"[profile ecs]\nrole_arn = {ROLE}\ncredential_source = EcsContainer\n"
                    f"[profile ec2]\nrole_arn = {ROLE}\ncredential_source = Ec2InstanceMetadata\n")
        MetadataHandler.seen.clear()
        r = s.run(project, {"AWS_CONTAINER_CREDENTIALS_FULL_URI": s.url + "/container/creds",
                            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": token_file}, "--profile", "ecs", "-vv", "deploy")
        assert r.returncode == 0, r.stdout + r.stderr
        assert ("GET", "/container/creds") in MetadataHandler.seen
        signed_for_role(s, r.stdout + r.stderr)
        MetadataHandler.seen.clear()
        r = s.run(project, {"AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": s.url},
                  "--profile", "ec2", "-vv", "deploy")
        assert r.returncode == 0, r.stdout + r.stderr
        assert ("GET", "/latest/meta-data/iam/security-credentials/ci-instance-role") in MetadataHandler.seen
        signed_for_role(s, r.stdout + r.stderr)


def temporary_keys_are_refreshed_during_a_run():
    """Keys within 5 minutes of expiry are fetched again before the next request, and the new ones sign it."""
    with Servers(accepted=ROTATING) as s, project_copy(FIXTURE) as project:
        MetadataHandler.rotations = 0
        env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": s.url + "/container/rotating"}
        out = deploy_succeeds(s, project, env)
        for key, secret in ROTATING:
            assert secret not in out
            assert re.search(rf"Credential={key}/\d{{8}}/eu-west-1/lambda/aws4_request", out), f"{key} never signed:\n{out}"
        assert MetadataHandler.rotations >= 3, MetadataHandler.rotations


def with_a_terminal(cmd, env, cwd, answer):
    """Runs cmd with a pseudo-terminal as its controlling terminal (stdin/stdout stay pipes), answers the
    first prompt written to the terminal, and returns (result, what the terminal showed)."""
    master, slave = os.openpty()

    def take_terminal():
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=take_terminal,
                         pass_fds=(slave,))
    os.close(slave)
    shown = b""
    try:
        while not shown.endswith(b": "):
            ready, _, _ = select.select([master], [], [], 60)
            assert ready, f"no prompt on the terminal: {shown!r}"
            try:
                shown += os.read(master, 1024)
            except OSError:  # the terminal was closed: lambda-cd ended without asking
                break
        os.write(master, answer.encode() + b"\n")
        out, err = p.communicate(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
        os.close(master)
    return subprocess.CompletedProcess(cmd, p.returncode, out, err), shown.decode()


def mfa_code_asked_on_the_terminal():
    """mfa_serial: the code typed on the terminal goes to STS with the serial (STS checks its form)."""
    with Servers(verify=False) as s, project_copy(FIXTURE) as project:
        os.makedirs(os.path.join(s.home, ".aws"))
        with open(os.path.join(s.home, ".aws", "config"), "w") as f:
            f.write(f"[profile admin]\nrole_arn = {ROLE}\ncredential_source = Environment\n"
                    "mfa_serial = arn:aws:iam::111122223333:mfa/ada\n")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": s.home, "AWS_ACCESS_KEY_ID": "111122223333",
               "AWS_SECRET_ACCESS_KEY": "x", "AWS_EC2_METADATA_DISABLED": "true", "AWS_MAX_ATTEMPTS": "1"}
        cmd = [LAMBDA_CD, "--target", "aws", "--endpoint-url", s.ep.url, "--region", "eu-west-1", "--profile", "admin"]
        r, shown = with_a_terminal(cmd + ["deploy"], env, project, "12345")
        assert "Enter MFA code for arn:aws:iam::111122223333:mfa/ada: " in shown, shown
        assert r.returncode == 1 and "tokenCode" in r.stderr, r.stdout + r.stderr
        r, shown = with_a_terminal(cmd + ["-vv", "deploy"], env, project, "123456")
        assert r.returncode == 0, r.stdout + r.stderr
        signed_for_role(s, r.stdout + r.stderr)


def mfa_profile_without_a_terminal_is_a_clear_error():
    with Servers(verify=False) as s, project_copy(FIXTURE) as project:
        os.makedirs(os.path.join(s.home, ".aws"))
        with open(os.path.join(s.home, ".aws", "config"), "w") as f:
            f.write(f"[profile admin]\nrole_arn = {ROLE}\ncredential_source = Environment\n"
                    "mfa_serial = arn:aws:iam::111122223333:mfa/ada\n")
        r = subprocess.run([LAMBDA_CD, "--target", "aws", "--endpoint-url", s.ep.url, "--region", "eu-west-1",
                            "--profile", "admin", "deploy"], cwd=project, capture_output=True, text=True, timeout=60,
                           env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": s.home,
                                "AWS_ACCESS_KEY_ID": "111122223333", "AWS_SECRET_ACCESS_KEY": "x",
                                "AWS_EC2_METADATA_DISABLED": "true"},
                           start_new_session=True)  # no controlling terminal
        assert r.returncode == 1, r.stdout + r.stderr
        assert "needs an MFA code for arn:aws:iam::111122223333:mfa/ada" in r.stderr, r.stderr


def nothing_configured_names_every_source():
    with Servers() as s, project_copy(FIXTURE) as project:
        r = s.run(project, {}, "deploy")
        assert r.returncode == 1, r.stdout + r.stderr
        for source in ("environment variables", "assume role", "web identity token", "IAM Identity Center (SSO)",
                       "shared credentials file", "credential_process", "shared config file",
                       "container credentials", "EC2 instance metadata (IMDSv2)"):
            assert source + ":" in r.stderr, f"{source} not named:\n{r.stderr}"


def wrong_keys_are_refused_by_the_endpoint():
    """The check above is real: keys the endpoint does not know fail the deploy."""
    with Servers() as s, project_copy(FIXTURE) as project:
        keys = {"AWS_ACCESS_KEY_ID": "AKIDUNKNOWN", "AWS_SECRET_ACCESS_KEY": "nope-nope"}
        # The deploy lock's bucket is named after the account, which STS refuses to tell.
        r = s.run(project, keys, "deploy")
        assert r.returncode == 1, r.stdout + r.stderr
        assert "GetCallerIdentity" in r.stderr and "InvalidClientTokenId" in r.stderr, r.stderr
        # Without the lock, Lambda refuses them in its own words.
        r = s.run(project, keys, "--no-lock", "deploy")
        assert r.returncode == 1, r.stdout + r.stderr
        assert "UnrecognizedClientException" in r.stderr, r.stderr


if __name__ == "__main__":
    t = TestRun()
    for case in (static_keys_from_the_environment_and_the_shared_files, container_credentials, instance_metadata_v2,
                 role_from_a_credential_source, temporary_keys_are_refreshed_during_a_run, credential_process, sso_profile,
                 web_identity_from_the_environment, web_identity_from_a_profile,
                 assume_role_chain_from_a_source_profile, mfa_code_asked_on_the_terminal,
                 mfa_profile_without_a_terminal_is_a_clear_error,
                 nothing_configured_names_every_source, wrong_keys_are_refused_by_the_endpoint):
        t.case(case.__name__, case)
    t.finish()
