"""Packages over Lambda's 50 MB direct-upload limit (issue 6): the real lambda-cd binary against a
real `lambda-cd local` serving Lambda and S3; state inspected with boto3.

  deploy of a ~52 MiB package       -> staged in s3://<bucket>/<fn>/packages/<sha>.zip, CreateFunction from S3
  invoke                            -> the function runs and sees its large file
  deploy of a changed large package -> UpdateFunctionCode from S3 (JSON outcome says so)
  deploy --dry-run                  -> says the s3:// location it would use, changes nothing
  publish --build 1, status         -> status lists backed-up build 1 (text and JSON)
  no [backup] bucket                -> configuration error (exit 2) naming [backup] bucket

The large file is incompressible random bytes written at test time (never committed).
"""
import base64
import hashlib
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from lcd_harness import Endpoint, TestRun  # noqa: E402

FUNCTION = "big"
BUCKET = "large-artifacts"
LARGE = 52 * 1024 * 1024  # over 50 MiB even after deflate: random bytes do not compress

HANDLER = """const fs = require('fs');
exports.handler = async () => ({
  marker: '%s',
  blob: fs.statSync(__dirname + '/blob.bin').size,
});
"""


def out(r):
    return f"exit {r.returncode}\nstdout:\n{r.stdout[-3000:]}\nstderr:\n{r.stderr[-3000:]}"


def write_project(project, marker, bucket=BUCKET):
    with open(os.path.join(project, "index.js"), "w") as f:
        f.write(HANDLER % marker)
    with open(os.path.join(project, "blob.bin"), "wb") as f:
        f.write(os.urandom(LARGE))
    toml = f'[function]\nname = "{FUNCTION}"\nruntime = "nodejs20.x"\nhandler = "index.handler"\n'
    if bucket:
        toml += f'\n[backup]\nbucket = "{bucket}"\n'
    with open(os.path.join(project, "lambda-cd.toml"), "w") as f:
        f.write(toml)


def package_sha(project):
    with open(os.path.join(project, ".lambda-cd", "package.zip"), "rb") as f:
        data = f.read()
    return base64.b64encode(hashlib.sha256(data).digest()).decode(), hashlib.sha256(data).hexdigest(), len(data)


def invoke(lam):
    res = lam.invoke(FunctionName=FUNCTION, Payload=b"{}")
    body = res["Payload"].read()
    assert "FunctionError" not in res, body
    return json.loads(body)


def large_package_through_s3():
    project = tempfile.mkdtemp(prefix="lcd-large-")
    try:
        with Endpoint() as ep:
            lam, s3 = ep.boto3("lambda"), ep.boto3("s3")
            write_project(project, "v1")

            # Create through S3.
            r = ep.lcd("deploy", cwd=project)
            assert r.returncode == 0, out(r)
            sha, hexsha, size = package_sha(project)
            assert size > 50 * 1024 * 1024, size
            key = f"{FUNCTION}/packages/{hexsha}.zip"
            assert f"created the function through s3://{BUCKET}/{key}" in r.stdout, out(r)
            # Not a terminal: the multipart upload is one line, not one per part.
            assert f"uploading package (52.0 MiB) to s3://{BUCKET}/{key}" in r.stdout, out(r)
            assert r.stdout.count("uploading package: done, part 7/7, 52.0 of 52.0 MiB") == 1, out(r)
            assert "part 3/7" not in r.stdout, out(r)
            head = s3.head_object(Bucket=BUCKET, Key=key)
            assert head["ContentLength"] == size, head
            fn = lam.get_function(FunctionName=FUNCTION)["Configuration"]
            assert fn["CodeSha256"] == sha and fn["CodeSize"] == size, fn
            assert invoke(lam) == {"marker": "v1", "blob": LARGE}

            # A changed large package updates the function through S3.
            write_project(project, "v2")
            r = ep.lcd("--output", "json", "deploy", cwd=project)
            assert r.returncode == 0, out(r)
            result = json.loads(r.stdout)["result"]
            sha2, hexsha2, _ = package_sha(project)
            assert sha2 != sha
            assert result["created"] is False and result["code_uploaded"] is True, result
            assert result["via_s3"] is True, result
            assert result["s3_location"] == f"s3://{BUCKET}/{FUNCTION}/packages/{hexsha2}.zip", result
            events = [json.loads(line) for line in r.stderr.splitlines() if line.startswith("{")]
            assert sum(1 for e in events if e.get("event") == "progress") == 1, r.stderr
            fn = lam.get_function(FunctionName=FUNCTION)["Configuration"]
            assert fn["CodeSha256"] == sha2, fn
            assert invoke(lam)["marker"] == "v2"

            # A dry run names the object it would use and changes nothing.
            write_project(project, "v3")
            r = ep.lcd("deploy", "--dry-run", cwd=project)
            assert r.returncode == 0, out(r)
            _, hexsha3, _ = package_sha(project)
            assert f"through s3://{BUCKET}/{FUNCTION}/packages/{hexsha3}.zip" in r.stdout, out(r)
            assert lam.get_function(FunctionName=FUNCTION)["Configuration"]["CodeSha256"] == sha2
            listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=f"{FUNCTION}/packages/").get("Contents", [])
            assert len(listed) == 2, listed

            # v3 for real, published as build 1: status lists its backup.
            r = ep.lcd("deploy", cwd=project)
            assert r.returncode == 0, out(r)
            sha3, _, size3 = package_sha(project)
            r = ep.lcd("publish", "--build", "1", cwd=project)
            assert r.returncode == 0, out(r)
            assert f"backed up build 1 to s3://{BUCKET}/{FUNCTION}/builds/1/package.zip" in r.stdout, out(r)

            r = ep.lcd("status", cwd=project)
            assert r.returncode == 0, out(r)
            assert f"backed-up builds in s3://{BUCKET} (1)" in r.stdout, out(r)
            line = next(x for x in r.stdout.splitlines() if x.strip().startswith("build 1 "))
            assert "version 1" in line and sha3 in line and "MiB" in line, line

            r = ep.lcd("--output", "json", "status", cwd=project)
            assert r.returncode == 0, out(r)
            backups = json.loads(r.stdout)["result"]["backups"]
            assert backups["configured"] is True and backups["error"] is None, backups
            assert [(b["build"], b["version"], b["code_sha256"], b["zip_size"]) for b in backups["builds"]] == \
                [("1", "1", sha3, size3)], backups
            assert backups["builds"][0]["time"].endswith("Z"), backups
    finally:
        shutil.rmtree(project, ignore_errors=True)


def status_says_why_backups_cannot_be_listed():
    project = tempfile.mkdtemp(prefix="lcd-large-")
    try:
        with Endpoint() as ep:
            with open(os.path.join(project, "index.js"), "w") as f:
                f.write(HANDLER % "small")
            with open(os.path.join(project, "lambda-cd.toml"), "w") as f:
                f.write(f'[function]\nname = "{FUNCTION}"\n\n[backup]\nbucket = "never-created"\n'
                        f'\n[lock]\nbucket = "deploy-locks"\n')
            r = ep.lcd("deploy", cwd=project)
            assert r.returncode == 0, out(r)
            r = ep.lcd("status", cwd=project)
            assert r.returncode == 0, out(r)
            assert "$LATEST" in r.stdout, out(r)
            assert "backed-up builds in s3://never-created: could not be listed: bucket never-created does not " \
                   "exist yet" in r.stdout, out(r)
    finally:
        shutil.rmtree(project, ignore_errors=True)


def no_bucket_is_a_configuration_error():
    project = tempfile.mkdtemp(prefix="lcd-large-")
    try:
        with Endpoint() as ep:
            write_project(project, "v1", bucket=None)
            r = ep.lcd("--no-lock", "deploy", cwd=project)
            assert r.returncode == 2, out(r)
            assert "over Lambda's direct-upload limit" in r.stderr and "set [backup] bucket" in r.stderr, out(r)
            lam = ep.boto3("lambda")
            assert lam.list_functions()["Functions"] == []
            assert not os.path.exists(os.path.join(project, ".lambda-cd", "package.zip"))
    finally:
        shutil.rmtree(project, ignore_errors=True)


if __name__ == "__main__":
    t = TestRun()
    t.case("a large package is created and updated through S3; status lists its backup", large_package_through_s3)
    t.case("status says why backups cannot be listed", status_says_why_backups_cannot_be_listed)
    t.case("a large package without a bucket is a configuration error", no_bucket_is_a_configuration_error)
    t.finish()
