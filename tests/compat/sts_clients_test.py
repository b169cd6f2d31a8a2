"""STS on `lambda-cd local` through real clients: AWS CLI v2 (/usr/bin/aws) and boto3.

GetCallerIdentity answers each request's own account; AssumeRole, AssumeRoleWithWebIdentity and
GetSessionToken issue temporary credentials that then act for the role's account. Starts its own
endpoint from $LAMBDA_CD.
"""
import base64
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import lcd_harness  # noqa: E402
from lcd_harness import AWS_CLI, TestRun  # noqa: E402

import botocore.exceptions  # noqa: E402
from botocore import UNSIGNED  # noqa: E402

HOME = tempfile.mkdtemp(prefix="lcd-sts-home-")
os.environ.update({"HOME": HOME, "AWS_CONFIG_FILE": os.path.join(HOME, "config"),
                   "AWS_SHARED_CREDENTIALS_FILE": os.path.join(HOME, "credentials")})
for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"):
    os.environ.pop(name, None)

ROLE = "arn:aws:iam::444455556666:role/deployers/deployer"


def jwt(claims):
    def part(d):
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")
    return part({"alg": "RS256", "kid": "test"}) + "." + part(claims) + ".c2lnbmF0dXJl"


def cli(ep, *args, key="test", secret="test", token=None, check=True):
    env = ep.env()
    env.update({"HOME": HOME, "AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret,
                "AWS_DEFAULT_REGION": "eu-west-1", "AWS_REGION": "eu-west-1"})
    env.pop("AWS_SESSION_TOKEN", None)
    if token:
        env["AWS_SESSION_TOKEN"] = token
    r = subprocess.run([AWS_CLI, "--endpoint-url", ep.url, "--output", "json", *args], env=env,
                       capture_output=True, text=True, timeout=120)
    if check and r.returncode != 0:
        raise AssertionError(f"aws {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return json.loads(r.stdout) if r.returncode == 0 and r.stdout.strip() else r


def sts(ep, key="test", secret="test", token=None, unsigned=False):
    import boto3
    from botocore.config import Config
    config = Config(retries={"max_attempts": 1, "mode": "standard"}, signature_version=UNSIGNED if unsigned else None)
    return boto3.client("sts", endpoint_url=ep.url, region_name="ap-southeast-2", aws_access_key_id=key,
                        aws_secret_access_key=secret, aws_session_token=token, config=config)


def error_of(fn):
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Message"]
    raise AssertionError("expected a ClientError")


def cli_caller_identity_per_account(ep):
    default = cli(ep, "sts", "get-caller-identity")
    assert default == {"UserId": "000000000000", "Account": "000000000000",
                       "Arn": "arn:aws:iam::000000000000:root"}, default
    other = cli(ep, "sts", "get-caller-identity", key="111122223333")
    assert other["Account"] == "111122223333" and other["Arn"] == "arn:aws:iam::111122223333:root", other


def cli_assume_role_then_act_as_the_role(ep):
    out = cli(ep, "sts", "assume-role", "--role-arn", ROLE, "--role-session-name", "cli-session",
              "--duration-seconds", "900", key="111122223333")
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20, creds
    assert out["AssumedRoleUser"]["Arn"] == "arn:aws:sts::444455556666:assumed-role/deployer/cli-session", out
    assert out["AssumedRoleUser"]["AssumedRoleId"].startswith("AROA"), out
    who = cli(ep, "sts", "get-caller-identity", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"],
              token=creds["SessionToken"])
    assert who["Account"] == "444455556666", who
    assert who["Arn"] == out["AssumedRoleUser"]["Arn"], who
    assert who["UserId"] == out["AssumedRoleUser"]["AssumedRoleId"], who


def cli_errors(ep):
    r = cli(ep, "sts", "assume-role", "--role-arn", ROLE, "--role-session-name", "has space", check=False)
    assert r.returncode == 254 and "(ValidationError)" in r.stderr and "roleSessionName" in r.stderr, r.stderr


def cli_web_identity(ep):
    token = jwt({"iss": "https://token.actions.githubusercontent.com", "sub": "repo:org/app:ref:refs/heads/main",
                 "aud": "sts.amazonaws.com", "exp": 4102444800})
    out = cli(ep, "sts", "assume-role-with-web-identity", "--role-arn", ROLE, "--role-session-name", "gha",
              "--web-identity-token", token)
    assert out["SubjectFromWebIdentityToken"] == "repo:org/app:ref:refs/heads/main", out
    assert out["Audience"] == "sts.amazonaws.com", out
    assert out["AssumedRoleUser"]["Arn"] == "arn:aws:sts::444455556666:assumed-role/deployer/gha", out


def boto3_session_token_and_key_info(ep):
    session = sts(ep, key="111122223333").get_session_token()["Credentials"]
    client = sts(ep, session["AccessKeyId"], session["SecretAccessKey"], session["SessionToken"])
    assert client.get_caller_identity()["Arn"] == "arn:aws:iam::111122223333:root"
    info = sts(ep).get_access_key_info(AccessKeyId=session["AccessKeyId"])
    assert info["Account"] == "111122223333", info
    code, status, _ = error_of(lambda: sts(ep).assume_role(RoleArn="arn:aws:iam::444455556666:user/someone",
                                                           RoleSessionName="s1"))
    assert (code, status) == ("ValidationError", 400), (code, status)


def boto3_assume_role_chain(ep):
    first = sts(ep, key="111122223333").assume_role(RoleArn=ROLE, RoleSessionName="boto-one")
    c = first["Credentials"]
    assert c["Expiration"].tzinfo is not None, c
    chained = sts(ep, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
    assert chained.get_caller_identity()["Arn"] == "arn:aws:sts::444455556666:assumed-role/deployer/boto-one"
    code, status, message = error_of(lambda: chained.assume_role(
        RoleArn="arn:aws:iam::777788889999:role/next", RoleSessionName="boto-two", DurationSeconds=7200))
    assert (code, status) == ("ValidationError", 400) and "role chaining" in message, (code, status, message)
    second = chained.assume_role(RoleArn="arn:aws:iam::777788889999:role/next", RoleSessionName="boto-two")
    c2 = second["Credentials"]
    who = sts(ep, c2["AccessKeyId"], c2["SecretAccessKey"], c2["SessionToken"]).get_caller_identity()
    assert who["Account"] == "777788889999" and who["Arn"].endswith(":assumed-role/next/boto-two"), who
    code, status, _ = error_of(lambda: chained.get_session_token())
    assert (code, status) == ("AccessDenied", 403), (code, status)


def boto3_unsigned_web_identity(ep):
    """The SDKs send AssumeRoleWithWebIdentity without a signature; the endpoint routes it by Action."""
    client = sts(ep, unsigned=True)
    token = jwt({"iss": "https://oidc.example.com", "sub": "workload-1", "aud": "my-app"})
    out = client.assume_role_with_web_identity(RoleArn=ROLE, RoleSessionName="wi", WebIdentityToken=token)
    assert out["Provider"] == "https://oidc.example.com" and out["Audience"] == "my-app", out
    code, status, _ = error_of(lambda: client.assume_role_with_web_identity(
        RoleArn=ROLE, RoleSessionName="wi", WebIdentityToken="an-opaque-access-token"))
    assert (code, status) == ("InvalidIdentityToken", 400), (code, status)
    expired = jwt({"iss": "https://oidc.example.com", "sub": "w", "exp": 1000})
    code, status, _ = error_of(lambda: client.assume_role_with_web_identity(
        RoleArn=ROLE, RoleSessionName="wi", WebIdentityToken=expired))
    assert (code, status) == ("ExpiredTokenException", 400), (code, status)


def credentials_survive_a_restart(_):
    state = tempfile.mkdtemp(prefix="lcd-sts-state-")
    try:
        with lcd_harness.Endpoint(state_dir=state) as ep:
            c = sts(ep, key="111122223333").assume_role(RoleArn=ROLE, RoleSessionName="keep")["Credentials"]
        with lcd_harness.Endpoint(state_dir=state) as ep:
            who = sts(ep, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]).get_caller_identity()
            assert who["Account"] == "444455556666", who
    finally:
        import shutil
        shutil.rmtree(state, ignore_errors=True)


def main():
    run = TestRun()
    with lcd_harness.Endpoint() as ep:
        run.case("cli: GetCallerIdentity answers each request's account", cli_caller_identity_per_account, ep)
        run.case("cli: AssumeRole credentials act as the role in its account", cli_assume_role_then_act_as_the_role, ep)
        run.case("cli: STS errors", cli_errors, ep)
        run.case("cli: AssumeRoleWithWebIdentity", cli_web_identity, ep)
        run.case("boto3: GetSessionToken, GetAccessKeyInfo", boto3_session_token_and_key_info, ep)
        run.case("boto3: role chaining and its one-hour limit", boto3_assume_role_chain, ep)
        run.case("boto3: unsigned AssumeRoleWithWebIdentity", boto3_unsigned_web_identity, ep)
    run.case("issued credentials keep their account across a restart", credentials_survive_a_restart, None)
    run.finish()


if __name__ == "__main__":
    main()
