"""CloudWatch metrics, alarms and Logs of `lambda-cd local` through real clients (issue 13,
aws-api-notes-2 §14-§15): AWS CLI v2 (query), Debian's boto3 (query, which its botocore 1.29 model
speaks), the same botocore made to speak JSON 1.0 by loading CloudWatch's model with the protocol
boto3 1.43 uses, and a raw RPC v2 CBOR request built here and signed with botocore's SigV4. All of
them read the same invocation counts per alias and ExecutedVersion; alarms are put, described and set
across protocols; logs are filtered and tailed (once and with --follow) by the AWS CLI.
"""
import copy
import datetime
import gzip
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from lcd_harness import AWS_CLI, Endpoint, TestRun, node_handler_zip  # noqa: E402

import botocore.auth  # noqa: E402
import botocore.awsrequest  # noqa: E402
import botocore.credentials  # noqa: E402
import botocore.exceptions  # noqa: E402
import botocore.session  # noqa: E402
from botocore.config import Config  # noqa: E402

REGION = "eu-central-1"  # not the harness's region: everything here names its own
ACCOUNT = "123456789012"  # a 12-digit access key acts as that account (not the endpoint's default)
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambda-role"
FN = "observed"
NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})


# ---- RPC v2 CBOR, just what the test needs (RFC 8949) --------------------------------------------

def cbor_encode(value):
    def head(major, n):
        if n < 24:
            return bytes([major << 5 | n])
        for info, size, fmt in ((24, 1, ">B"), (25, 2, ">H"), (26, 4, ">I"), (27, 8, ">Q")):
            if n < 1 << (8 * size):
                return bytes([major << 5 | info]) + struct.pack(fmt, n)
        raise ValueError(n)

    if isinstance(value, bool):
        return b"\xf5" if value else b"\xf4"
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, datetime.datetime):
        return b"\xc1" + cbor_encode(int(value.timestamp()))
    if isinstance(value, str):
        data = value.encode()
        return head(3, len(data)) + data
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(cbor_encode(v) for v in value)
    if isinstance(value, dict):
        return head(5, len(value)) + b"".join(cbor_encode(k) + cbor_encode(v) for k, v in value.items())
    raise TypeError(type(value))


def cbor_decode(data):
    """Definite-length items only (what the endpoint sends); tag 1 becomes ("timestamp", seconds)."""
    def item(pos):
        initial = data[pos]
        major, info = initial >> 5, initial & 31
        pos += 1
        if major == 7:
            if info == 20:
                return False, pos
            if info == 21:
                return True, pos
            if info == 22:
                return None, pos
            if info == 27:
                return struct.unpack(">d", data[pos:pos + 8])[0], pos + 8
            raise ValueError(f"simple {info}")
        if info < 24:
            n = info
        else:
            size = 1 << (info - 24)
            n = int.from_bytes(data[pos:pos + size], "big")
            pos += size
        if major == 0:
            return n, pos
        if major == 1:
            return -1 - n, pos
        if major in (2, 3):
            chunk = data[pos:pos + n]
            return (chunk.decode() if major == 3 else chunk), pos + n
        if major == 4:
            out = []
            for _ in range(n):
                v, pos = item(pos)
                out.append(v)
            return out, pos
        if major == 5:
            out = {}
            for _ in range(n):
                k, pos = item(pos)
                out[k], pos = item(pos)
            return out, pos
        if major == 6:
            v, pos = item(pos)
            return ("timestamp", v) if n == 1 else v, pos
        raise ValueError(major)

    value, end = item(0)
    assert end == len(data), "trailing bytes"
    return value


def signed_call(url, service, method, path, headers, body):
    """A request signed with botocore's SigV4, sent as is; returns (status, headers, body bytes)."""
    request = botocore.awsrequest.AWSRequest(method=method, url=url + path, data=body, headers=headers)
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(ACCOUNT, "secret"), service, REGION).add_auth(request)
    prepared = request.prepare()
    raw = urllib.request.Request(prepared.url, data=body, method=method, headers=dict(prepared.headers))
    try:
        with urllib.request.urlopen(raw, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def cbor_call(url, operation, payload):
    status, headers, body = signed_call(
        url, "monitoring", "POST", f"/service/GraniteServiceVersion20100801/operation/{operation}",
        {"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor", "Accept": "application/cbor",
         "x-amzn-query-mode": "true"}, cbor_encode(payload))
    return status, headers, cbor_decode(body) if body else {}


# ---- clients ----------------------------------------------------------------------------------

def boto3_client(ep, service, data_dir=None):
    session = botocore.session.get_session()
    if data_dir:
        session.get_component("data_loader").search_paths.insert(0, data_dir)
    return session.create_client(service, endpoint_url=ep.url, region_name=REGION, aws_access_key_id=ACCOUNT,
                                 aws_secret_access_key="secret", config=NO_RETRIES)


def json10_model_dir():
    """CloudWatch's model from Debian's botocore with the protocol boto3 1.43 picks for it (JSON 1.0,
    awsQueryCompatible), so the real botocore serializer and parser speak JSON 1.0."""
    import botocore.loaders
    model = botocore.loaders.Loader().load_service_model("cloudwatch", "service-2")
    version = model["metadata"]["apiVersion"]
    model = copy.deepcopy(model)
    model["metadata"].update({"protocol": "json", "jsonVersion": "1.0",
                              "targetPrefix": "GraniteServiceVersion20100801", "awsQueryCompatible": {}})
    root = tempfile.mkdtemp(prefix="lcd-cw-model-")
    os.makedirs(os.path.join(root, "cloudwatch", version))
    with open(os.path.join(root, "cloudwatch", version, "service-2.json"), "w") as f:
        json.dump(model, f)
    return root


def cli(ep, *args, check=True):
    env = ep.env()
    env.update({"AWS_ACCESS_KEY_ID": ACCOUNT, "AWS_SECRET_ACCESS_KEY": "secret", "AWS_DEFAULT_REGION": REGION,
                "AWS_REGION": REGION, "HOME": ep.state_dir})
    r = subprocess.run([AWS_CLI, "--endpoint-url", ep.url, "--region", REGION, "--output", "json", *args], env=env,
                       capture_output=True, text=True, timeout=120)
    if check and r.returncode != 0:
        raise AssertionError(f"aws {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return r


def cli_json(ep, *args):
    out = cli(ep, *args).stdout
    return json.loads(out) if out.strip() else None


# ---- the scenario -----------------------------------------------------------------------------

HANDLER = "console.log('serving', context.functionVersion); if (event.fail) throw new Error('asked to fail'); return {v: context.functionVersion};"


def deploy_and_invoke(ep):
    """live -> v1: three invokes; live -> v2: two invokes, one failing; one unqualified invoke."""
    lam = boto3_client(ep, "lambda")
    lam.create_function(FunctionName=FN, Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
                        Code={"ZipFile": node_handler_zip(HANDLER)})
    lam.get_waiter("function_active_v2").wait(FunctionName=FN, WaiterConfig={"Delay": 1})
    v1 = lam.publish_version(FunctionName=FN)["Version"]
    lam.update_function_code(FunctionName=FN, ZipFile=node_handler_zip(HANDLER + " /* v2 */"))
    lam.get_waiter("function_updated_v2").wait(FunctionName=FN, WaiterConfig={"Delay": 1})
    v2 = lam.publish_version(FunctionName=FN)["Version"]
    lam.create_alias(FunctionName=FN, Name="live", FunctionVersion=v1)
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=2)
    for _ in range(3):
        r = lam.invoke(FunctionName=FN, Qualifier="live")
        assert "FunctionError" not in r, r["Payload"].read()
    lam.update_alias(FunctionName=FN, Name="live", FunctionVersion=v2)
    assert "FunctionError" not in lam.invoke(FunctionName=FN, Qualifier="live")
    assert lam.invoke(FunctionName=FN, Qualifier="live", Payload=b'{"fail": true}')["FunctionError"] == "Unhandled"
    lam.invoke(FunctionName=FN)
    end = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=2)
    return v1, v2, start, end


def dims(resource=None, executed=None):
    out = [{"Name": "FunctionName", "Value": FN}]
    if resource:
        out.append({"Name": "Resource", "Value": f"{FN}:{resource}"})
    if executed:
        out.append({"Name": "ExecutedVersion", "Value": executed})
    return out


def queries(v1, v2):
    def q(qid, metric, d):
        return {"Id": qid, "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": metric, "Dimensions": d},
                                          "Period": 3600, "Stat": "Sum"}}
    return [q("alias", "Invocations", dims("live")), q("one", "Invocations", dims("live", v1)),
            q("two", "Invocations", dims("live", v2)), q("errtwo", "Errors", dims("live", v2)),
            q("fn", "Invocations", dims())]


EXPECTED = {"alias": 5.0, "one": 3.0, "two": 2.0, "errtwo": 1.0, "fn": 6.0}


def totals(results):
    return {r["Id"]: sum(r["Values"]) for r in results}


def metrics_through_every_protocol(ep, v1, v2, start, end, model_dir):
    # AWS CLI v2: query protocol.
    cli_data = cli_json(ep, "cloudwatch", "get-metric-data", "--metric-data-queries", json.dumps(queries(v1, v2)),
                        "--start-time", start.strftime("%Y-%m-%dT%H:%M:%SZ"), "--end-time",
                        end.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert totals(cli_data["MetricDataResults"]) == EXPECTED, cli_data
    stats = cli_json(ep, "cloudwatch", "get-metric-statistics", "--namespace", "AWS/Lambda", "--metric-name",
                     "Invocations", "--dimensions", f"Name=FunctionName,Value={FN}", f"Name=Resource,Value={FN}:live",
                     f"Name=ExecutedVersion,Value={v1}", "--statistics", "Sum", "--period", "60", "--start-time",
                     start.strftime("%Y-%m-%dT%H:%M:%SZ"), "--end-time", end.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert sum(d["Sum"] for d in stats["Datapoints"]) == 3.0, stats
    assert all(d["Unit"] == "Count" for d in stats["Datapoints"])

    # Debian's boto3: its model speaks query.
    query_client = boto3_client(ep, "cloudwatch")
    assert query_client.meta.service_model.protocol == "query"
    got = query_client.get_metric_data(MetricDataQueries=queries(v1, v2), StartTime=start, EndTime=end)
    assert totals(got["MetricDataResults"]) == EXPECTED, got
    duration = query_client.get_metric_statistics(Namespace="AWS/Lambda", MetricName="Duration", Dimensions=dims("live"),
                                                  StartTime=start, EndTime=end, Period=3600,
                                                  ExtendedStatistics=["p50", "p99"])
    assert duration["Datapoints"] and "p99" in duration["Datapoints"][0]["ExtendedStatistics"], duration

    # The same botocore speaking JSON 1.0, as boto3 1.43 and the JavaScript SDK v3 do.
    json_client = boto3_client(ep, "cloudwatch", model_dir)
    assert json_client.meta.service_model.protocol == "json"
    got = json_client.get_metric_data(MetricDataQueries=queries(v1, v2), StartTime=start, EndTime=end,
                                      ScanBy="TimestampAscending")
    assert totals(got["MetricDataResults"]) == EXPECTED, got
    assert all(isinstance(t, datetime.datetime) for r in got["MetricDataResults"] for t in r["Timestamps"])
    listed = json_client.list_metrics(Namespace="AWS/Lambda", MetricName="Invocations",
                                      Dimensions=[{"Name": "ExecutedVersion"}])["Metrics"]
    assert sorted(d["Value"] for m in listed for d in m["Dimensions"] if d["Name"] == "ExecutedVersion") == [v1, v2]

    # RPC v2 CBOR, built and signed here.
    status, headers, body = cbor_call(ep.url, "GetMetricData",
                                      {"MetricDataQueries": queries(v1, v2), "StartTime": start, "EndTime": end})
    assert status == 200, body
    assert headers.get("Smithy-Protocol") == "rpc-v2-cbor" and headers.get("Content-Type") == "application/cbor"
    assert totals(body["MetricDataResults"]) == EXPECTED, body
    stamp = body["MetricDataResults"][0]["Timestamps"][0]
    assert isinstance(stamp, tuple) and stamp[0] == "timestamp", f"timestamps must be tag 1: {stamp!r}"


def errors_in_every_protocol(ep, model_dir):
    r = cli(ep, "cloudwatch", "set-alarm-state", "--alarm-name", "missing", "--state-value", "OK", "--state-reason", "x",
            check=False)
    assert r.returncode == 254 and "(ResourceNotFound)" in r.stderr, r.stderr
    json_client = boto3_client(ep, "cloudwatch", model_dir)
    try:
        json_client.set_alarm_state(AlarmName="missing", StateValue="OK", StateReason="x")
        raise AssertionError("expected ResourceNotFound")
    except json_client.exceptions.ResourceNotFound as e:
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    try:
        json_client.get_metric_statistics(Namespace="N", MetricName="M", StartTime=datetime.datetime(2026, 1, 1),
                                          EndTime=datetime.datetime(2025, 1, 1), Period=60, Statistics=["Sum"])
        raise AssertionError("expected InvalidParameterValueException")
    except json_client.exceptions.InvalidParameterValueException as e:
        assert "StartTime" in str(e)
    status, headers, body = cbor_call(ep.url, "SetAlarmState",
                                      {"AlarmName": "missing", "StateValue": "OK", "StateReason": "x"})
    assert status == 404 and body["__type"] == "ResourceNotFound", body
    assert headers.get("x-amzn-query-error") == "ResourceNotFound;Sender", headers


def alarms_across_protocols(ep, model_dir):
    cli(ep, "cloudwatch", "put-metric-alarm", "--alarm-name", "live-errors", "--metric-name", "Errors", "--namespace",
        "AWS/Lambda", "--statistic", "Sum", "--dimensions", f"Name=FunctionName,Value={FN}",
        f"Name=Resource,Value={FN}:live", "--period", "60", "--evaluation-periods", "3", "--datapoints-to-alarm", "2",
        "--threshold", "1", "--comparison-operator", "GreaterThanOrEqualToThreshold", "--treat-missing-data",
        "notBreaching")
    json_client = boto3_client(ep, "cloudwatch", model_dir)
    described = json_client.describe_alarms(AlarmNames=["live-errors", "not-there"])["MetricAlarms"]
    assert len(described) == 1, described
    alarm = described[0]
    assert alarm["AlarmArn"] == f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:live-errors"
    assert alarm["EvaluationPeriods"] == 3 and alarm["DatapointsToAlarm"] == 2 and alarm["Threshold"] == 1.0
    assert alarm["StateValue"] in ("INSUFFICIENT_DATA", "OK", "ALARM"), alarm
    status, _, body = cbor_call(ep.url, "SetAlarmState", {"AlarmName": "live-errors", "StateValue": "ALARM",
                                                          "StateReason": "rehearsal",
                                                          "StateReasonData": json.dumps({"by": "test"})})
    assert status == 200, body
    seen = cli_json(ep, "cloudwatch", "describe-alarms", "--alarm-names", "live-errors", "--state-value", "ALARM")
    assert [a["StateReason"] for a in seen["MetricAlarms"]] == ["rehearsal"], seen
    query_client = boto3_client(ep, "cloudwatch")
    paged = list(query_client.get_paginator("describe_alarms").paginate(PaginationConfig={"PageSize": 1}))
    assert sum(len(p["MetricAlarms"]) for p in paged) == 1
    cli(ep, "cloudwatch", "delete-alarms", "--alarm-names", "live-errors")
    assert json_client.describe_alarms()["MetricAlarms"] == []


def put_metric_data_compressed(ep):
    """boto3 1.43 gzips PutMetricData bodies of 10 KB and more (aws-api-notes-2 §14.1)."""
    data = [{"MetricName": "Compressed", "Dimensions": [{"Name": "N", "Value": str(i)}], "Value": float(i)}
            for i in range(200)]
    body = gzip.compress(json.dumps({"Namespace": "App", "MetricData": data}).encode())
    status, _, out = signed_call(ep.url, "monitoring", "POST", "/",
                                 {"X-Amz-Target": "GraniteServiceVersion20100801.PutMetricData",
                                  "Content-Type": "application/x-amz-json-1.0", "Content-Encoding": "gzip",
                                  "x-amzn-query-mode": "true"}, body)
    assert status == 200, out
    listed = cli_json(ep, "cloudwatch", "list-metrics", "--namespace", "App", "--metric-name", "Compressed")
    assert len(listed["Metrics"]) == 200, len(listed["Metrics"])


def logs_filter_and_tail(ep, v2):
    group = f"/aws/lambda/{FN}"
    streams = cli_json(ep, "logs", "describe-log-streams", "--log-group-name", group)["logStreams"]
    names = [s["logStreamName"] for s in streams]
    assert any(f"[{v2}]" in n for n in names) and any("[$LATEST]" in n for n in names), names
    for n in names:
        date, _, rest = n.rpartition("/")
        assert len(date) == 10 and rest.startswith("[") and len(rest.split("]")[1]) == 32, n
    failed = cli_json(ep, "logs", "filter-log-events", "--log-group-name", group, "--filter-pattern", "asked to fail")
    assert len(failed["events"]) == 1 and "Error: asked to fail" in failed["events"][0]["message"], failed
    reports = cli_json(ep, "logs", "filter-log-events", "--log-group-name", group, "--filter-pattern", "REPORT",
                       "--max-items", "100")
    assert len(reports["events"]) == 6, reports
    tail = cli(ep, "logs", "tail", group, "--since", "30m").stdout
    assert tail.count("START RequestId:") == 6 and f"Version: {v2}" in tail, tail
    stream = next(n for n in names if f"[{v2}]" in n)
    events = boto3_client(ep, "logs").get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
    assert events["events"][0]["message"].startswith("START RequestId:"), events
    missing = cli(ep, "logs", "tail", "/aws/lambda/nope", check=False)
    assert missing.returncode == 254 and "The specified log group does not exist." in missing.stderr


def logs_tail_follow(ep):
    """`aws logs tail --follow` prints an invocation made while it runs, once."""
    env = ep.env()
    env.update({"AWS_ACCESS_KEY_ID": ACCOUNT, "AWS_SECRET_ACCESS_KEY": "secret", "AWS_DEFAULT_REGION": REGION,
                "HOME": ep.state_dir})
    out = tempfile.TemporaryFile(mode="w+")
    follower = subprocess.Popen([AWS_CLI, "--endpoint-url", ep.url, "--region", REGION, "logs", "tail",
                                 f"/aws/lambda/{FN}", "--follow", "--since", "1m", "--format", "short"],
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        time.sleep(1.5)
        request_id = boto3_client(ep, "lambda").invoke(FunctionName=FN)["ResponseMetadata"]["RequestId"]
        deadline = time.time() + 20
        text = ""
        while time.time() < deadline:
            out.seek(0)
            text = out.read()
            if f"END RequestId: {request_id}" in text:
                break
            time.sleep(0.5)
        assert text.count(f"START RequestId: {request_id}") == 1, text
        time.sleep(6)  # one more poll of the follower: nothing printed twice
        out.seek(0)
        assert out.read().count(f"START RequestId: {request_id}") == 1
    finally:
        follower.terminate()
        follower.wait(timeout=10)


def main():
    run = TestRun()
    model_dir = json10_model_dir()
    ep = Endpoint()
    ep.start()
    try:
        v1, v2, start, end = deploy_and_invoke(ep)
        run.case("invocation counts per alias and ExecutedVersion: CLI, boto3 query and JSON 1.0, raw CBOR",
                 metrics_through_every_protocol, ep, v1, v2, start, end, model_dir)
        run.case("errors in each protocol's shape raise the modeled exceptions", errors_in_every_protocol, ep, model_dir)
        run.case("alarms put by the CLI, described over JSON 1.0, set over CBOR, seen by the CLI",
                 alarms_across_protocols, ep, model_dir)
        run.case("gzip-compressed PutMetricData", put_metric_data_compressed, ep)
        run.case("logs: streams named as Lambda names them, filter-log-events, tail", logs_filter_and_tail, ep, v2)
        run.case("logs tail --follow prints a new invocation once", logs_tail_follow, ep)
    finally:
        ep.close()
        shutil.rmtree(model_dir, ignore_errors=True)
    run.finish()


if __name__ == "__main__":
    main()
