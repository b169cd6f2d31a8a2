"""An AWS CLI v2 plugin for lambda-cd's compatibility tests, loaded only through the config file a
test writes ([plugins] cli_legacy_plugin_path = this folder). Nothing in lambda-cd uses it.

AWS CLI 2.9 (Debian 12) predates S3 conditional writes and has no --if-none-match / --if-match; this
adds those headers to every PutObject and CompleteMultipartUpload the CLI sends (LCD_TEST_IF_NONE_MATCH,
LCD_TEST_IF_MATCH) before the CLI signs the request. With LCD_TEST_RACE_DIR set, each PutObject also
waits, just before it is sent, until LCD_TEST_RACE_WRITERS writers have a request for the same key
ready (marker files in that folder, 10 s at most), so racing CLI processes reach the endpoint
together instead of one after the other.
"""
import glob
import hashlib
import os
import time
import urllib.parse


def awscli_initialize(cli):
    for operation in ("PutObject", "CompleteMultipartUpload"):
        cli.register(f"before-sign.s3.{operation}", _add_condition_headers)
    cli.register("before-send.s3.PutObject", _wait_for_the_other_writers)


def _add_condition_headers(request, **_):
    if os.environ.get("LCD_TEST_IF_NONE_MATCH"):
        request.headers["If-None-Match"] = os.environ["LCD_TEST_IF_NONE_MATCH"]
    if os.environ.get("LCD_TEST_IF_MATCH"):
        request.headers["If-Match"] = os.environ["LCD_TEST_IF_MATCH"]


def _wait_for_the_other_writers(request, **_):
    race_dir = os.environ.get("LCD_TEST_RACE_DIR")
    if not race_dir:
        return None
    writers = int(os.environ.get("LCD_TEST_RACE_WRITERS", "2"))
    key = hashlib.sha256(urllib.parse.urlparse(request.url).path.encode()).hexdigest()
    with open(os.path.join(race_dir, f"{key}.{os.getpid()}"), "w"):
        pass
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(glob.glob(os.path.join(race_dir, key + ".*"))) < writers:
        time.sleep(0.002)
    return None  # send the request as it is
