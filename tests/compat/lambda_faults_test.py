"""Fault injection of `lambda-cd local --faults`: throttles (429 + Retry-After), 500/503, connection
resets and forced in-progress conflicts, seeded; boto3's standard retries get through them."""
import http.client
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from lcd_harness import Endpoint as LocalEndpoint, handler_zip  # noqa: E402

import botocore.exceptions  # noqa: E402

ROLE = "arn:aws:iam::123456789012:role/r"


def raw_outcomes(url, n):
    host, port = url.split("//")[1].split(":")
    seen = {}
    for _ in range(n):
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            conn.request("GET", "/2016-08-19/account-settings")
            r = conn.getresponse()
            body = r.read()
            key = (r.status, r.getheader("x-amzn-ErrorType"))
            if r.status == 429:
                assert r.getheader("Retry-After") == "1", r.getheaders()
                assert json.loads(body)["Reason"] == "CallerRateLimitExceeded"
            seen[key] = seen.get(key, 0) + 1
        except (ConnectionError, http.client.HTTPException, OSError):
            seen["reset"] = seen.get("reset", 0) + 1
        finally:
            conn.close()
    return seen


def main():
    spec = "throttle=0.2,error500=0.1,error503=0.1,reset=0.05,seed=7"
    with LocalEndpoint("--faults", spec, "--update-delay-ms", "0") as ep:
        seen = raw_outcomes(ep.url, 400)
        print("outcomes:", seen)
        assert seen.get((429, "TooManyRequestsException"), 0) > 40, seen
        assert seen.get((500, "ServiceException"), 0) > 15, seen
        assert seen.get((503, "ServiceUnavailableException"), 0) > 15, seen
        assert seen.get("reset", 0) > 5, seen
        assert seen.get((200, None), 0) > 150, seen
        lam = ep.boto3(retries={"max_attempts": 20, "mode": "standard"})
        lam.create_function(FunctionName="flaky", Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
                            Code={"ZipFile": handler_zip()})
        for _ in range(10):
            lam.get_function(FunctionName="flaky")
        assert lam.publish_version(FunctionName="flaky")["Version"] == "1"

    # Same seed, same sequence of faults.
    with LocalEndpoint("--faults", spec) as a, LocalEndpoint("--faults", spec) as b:
        assert raw_outcomes(a.url, 100) == raw_outcomes(b.url, 100)

    with tempfile.NamedTemporaryFile("w", suffix=".faults", delete=False) as f:
        f.write("# every update looks in progress\nconflict=1.0\nseed=3\n")
    try:
        with LocalEndpoint("--faults", "@" + f.name, "--update-delay-ms", "0") as ep:
            lam = ep.boto3()
            lam.create_function(FunctionName="busy", Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
                                Code={"ZipFile": handler_zip()})
            try:
                lam.update_function_configuration(FunctionName="busy", Timeout=5)
                raise AssertionError("conflict=1.0 must make updates fail")
            except botocore.exceptions.ClientError as e:
                assert e.response["Error"]["Code"] == "ResourceConflictException", e.response
                assert "An update is in progress" in e.response["Error"]["Message"]
    finally:
        os.unlink(f.name)

    bad = LocalEndpoint("--faults", "throttle=7")
    try:
        bad.start()
        raise AssertionError("an invalid --faults spec must refuse to start")
    except RuntimeError as e:
        assert "between 0 and 1" in str(e), e
    finally:
        bad.close()
    print("ok")


if __name__ == "__main__":
    main()
