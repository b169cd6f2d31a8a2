"""Regenerates the seed corpora in tests/fuzz/corpus/ from real traffic: boto3 (Debian's
python3-boto3) against a real `lambda-cd local`, recorded at botocore's send/receive hooks (the
exact request bytes a client sends, the exact response bodies the endpoint returns), plus the
repository's own templates, configs and packages. Hand-written seeds for shapes no client here
sends (aws-chunked bodies, runtime requests, hostile zips) are written next to them.

    LAMBDA_CD=build/lambda-cd /usr/bin/python3 tests/fuzz/make_seeds.py

Seeds are content-named (sha1), so re-running adds new shapes and never duplicates one."""
import hashlib
import io
import json
import os
import stat
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from lcd_harness import Endpoint, node_handler_zip  # noqa: E402

CORPUS = os.path.join(HERE, "corpus")


def seed(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def body_bytes(request):
    body = request.body or b""
    if hasattr(body, "read"):
        pos = body.tell()
        data = body.read()
        body.seek(pos)
        body = data
    return body.encode() if isinstance(body, str) else body


def raw_http(request):
    """The HTTP/1.1 bytes of a botocore AWSPreparedRequest."""
    from urllib.parse import urlsplit
    url = urlsplit(request.url)
    target = url.path or "/"
    if url.query:
        target += "?" + url.query
    body = body_bytes(request)
    lines = [f"{request.method} {target} HTTP/1.1", f"Host: {url.netloc}"]
    for k, v in request.headers.items():
        if k.lower() in ("host", "content-length", "transfer-encoding"):
            continue
        lines.append(f"{k}: {v.decode() if isinstance(v, bytes) else v}")
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def record(client, requests, responses):
    def before_send(request, **_):
        requests.append(request)

    def after_call(http_response, **_):
        responses.append(http_response.content)

    client.meta.events.register("before-send", before_send)
    client.meta.events.register("after-call", after_call)
    client.meta.events.register("after-call-error", lambda **kw: None)
    return client


def traffic():
    requests, responses = [], []
    with Endpoint() as ep:
        lam = record(ep.boto3("lambda"), requests, responses)
        s3 = record(ep.boto3("s3"), requests, responses)
        cfn = record(ep.boto3("cloudformation"), requests, responses)
        lam.create_function(FunctionName="seed", Runtime="nodejs20.x", Handler="index.handler",
                            Role="arn:aws:iam::000000000000:role/r", Code={"ZipFile": node_handler_zip("return 1;")},
                            Description="seed", Timeout=5, MemorySize=256, Environment={"Variables": {"AB": "b"}})
        lam.get_waiter("function_active_v2").wait(FunctionName="seed")
        v1 = lam.publish_version(FunctionName="seed")["Version"]
        lam.update_function_configuration(FunctionName="seed", Description="two")
        lam.get_waiter("function_updated_v2").wait(FunctionName="seed")
        v2 = lam.publish_version(FunctionName="seed")["Version"]
        lam.create_alias(FunctionName="seed", Name="live", FunctionVersion=v1, Description="d")
        lam.update_alias(FunctionName="seed", Name="live", FunctionVersion=v2,
                         RoutingConfig={"AdditionalVersionWeights": {v1: 0.25}})
        import base64
        lam.invoke(FunctionName="seed", Qualifier="live", Payload=b'{"a":1}', LogType="Tail",
                   ClientContext=base64.b64encode(b'{"custom":{"k":"v"}}').decode())
        lam.invoke(FunctionName="seed", InvocationType="Event", Payload=b"[1,2]")
        lam.invoke(FunctionName="seed", InvocationType="DryRun")
        s3.create_bucket(Bucket="seed")
        s3.put_object(Bucket="seed", Key="a/b.txt", Body=b"hello", Metadata={"k": "v"})
        s3.put_object(Bucket="seed", Key="a&b <c>.txt", Body=b"x")
        s3.list_objects_v2(Bucket="seed", Prefix="a", Delimiter="/")
        s3.list_objects_v2(Bucket="seed", MaxKeys=1)
        up = s3.create_multipart_upload(Bucket="seed", Key="big")["UploadId"]
        etag = s3.upload_part(Bucket="seed", Key="big", UploadId=up, PartNumber=1, Body=b"p" * 10)["ETag"]
        s3.complete_multipart_upload(Bucket="seed", Key="big", UploadId=up,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
        s3.delete_objects(Bucket="seed", Delete={"Objects": [{"Key": "a/b.txt"}, {"Key": "a&b <c>.txt"}],
                                                 "Quiet": False})
        for call in (lambda: s3.get_object(Bucket="seed", Key="missing"),
                     lambda: lam.get_function(FunctionName="missing"),
                     lambda: cfn.describe_stacks(StackName="missing")):
            try:
                call()
            except Exception:  # the error bodies are what we want
                pass
        with open(os.path.join(ROOT, "tests", "compat", "cloudformation_templates", "function_with_role.yaml")) as f:
            body = f.read()
        cfn.validate_template(TemplateBody=body)
        cfn.create_stack(StackName="seed", TemplateBody=body, Capabilities=["CAPABILITY_IAM"],
                         Parameters=[{"ParameterKey": k, "ParameterValue": "seed"} for k in ()])
        cfn.get_waiter("stack_create_complete").wait(StackName="seed", WaiterConfig={"Delay": 1})
        cfn.describe_stacks(StackName="seed")
        cfn.describe_stack_events(StackName="seed")
        cfn.describe_stack_resources(StackName="seed")
        presigned = [s3.generate_presigned_url("get_object", Params={"Bucket": "seed", "Key": "big"}, ExpiresIn=300),
                     s3.generate_presigned_url("put_object", Params={"Bucket": "seed", "Key": "k y"})]
    return requests, responses, presigned


def main():
    requests, responses, presigned = traffic()
    from urllib.parse import urlsplit
    for r in requests:
        wire = raw_http(r)
        seed("http_request", wire)
        auth = r.headers.get("Authorization", b"")
        auth = auth.decode() if isinstance(auth, bytes) else auth
        url = urlsplit(r.url)
        seed("sigv4", f"{auth}\n{url.query}\n{url.path}")
        body = body_bytes(r)
        if body.lstrip().startswith(b"<"):
            seed("s3_xml", body)
            seed("xml_document", body)
        if "/functions" in url.path and body.lstrip().startswith(b"{"):
            seed("lambda_json", bytes([0 if "/aliases" not in url.path else 1]) + body)
        if url.path.endswith("/invocations"):
            headers = "".join(f"{k}: {v.decode() if isinstance(v, bytes) else v}\n" for k, v in r.headers.items())
            seed("lambda_json", b"\x02" + headers.encode() + b"\n" + body)
        if body.startswith(b"Action=") and b"TemplateBody=" in body:
            from urllib.parse import parse_qs
            seed("cfn_template", parse_qs(body.decode())["TemplateBody"][0])
    for u in presigned:
        url = urlsplit(u)
        seed("sigv4", f"\n{url.query}\n{url.path}")
    for body in responses:
        if body.lstrip().startswith(b"<"):
            seed("client_xml", body)
            seed("xml_document", body)

    # Templates, configs and packages from the repository.
    for d, names in ((os.path.join(ROOT, "tests", "compat", "cloudformation_templates"), None),
                     (os.path.join(ROOT, "examples", "greeting"), ["template.yaml"])):
        for n in names or sorted(os.listdir(d)):
            with open(os.path.join(d, n), "rb") as f:
                seed("cfn_template", f.read())
    with open(os.path.join(ROOT, "examples", "greeting", "lambda-cd.toml"), "rb") as f:
        seed("toml_config", f.read())
    seed("toml_config", '[function]\nname = "f"\nruntime = "nodejs20.x"\nmemory = 256\n[function.environment]\n'
                        'A = "b"\n[stack]\ncapabilities = ["CAPABILITY_IAM"]\n[stack.parameters]\nN = 3\nB = true\n'
                        '[target]\nkind = "aws"\nregion = "eu-west-1"\n[backup]\nbucket = "b"\n')
    seed("ini_config", "[default]\nregion = eu-west-1\noutput = json\n\n[profile dev]\nregion=ap-southeast-2\n"
                       "s3 =\n  max_concurrent_requests = 10\n# comment\n; other\n[sso-session x]\nsso_region = us-east-1\n")
    seed("ini_config", "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n"
                       "aws_session_token = token\n[x]\naws_access_key_id=A\n")

    zips = []
    zips.append(node_handler_zip("return 'seed';"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("index.js", "exports.handler = async () => 1;\n")
        z.writestr("lib/", "")
        info = zipfile.ZipInfo("lib/link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(info, "../index.js")
        z.writestr("bootstrap", "#!/bin/sh\n")
    zips.append(buf.getvalue())
    for hostile in ("../escape.js", "/abs.js", "a/../../b.js"):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr(hostile, "x")
        zips.append(buf.getvalue())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo("out")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(info, "/etc/passwd")
    zips.append(buf.getvalue())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("bomb", b"\0" * (4 << 20))  # 4 MiB that deflates to a few KiB
    zips.append(buf.getvalue())
    for z in zips:
        seed("zip_reader", z)
        seed("lambda_json", b"\x00" + json.dumps({"FunctionName": "f", "Runtime": "nodejs20.x", "Handler": "i.h",
                                                  "Role": "arn:aws:iam::123456789012:role/r",
                                                  "Code": {"ZipFile": __import__("base64").b64encode(z).decode()}}).encode())


def handwritten():
    """Shapes the recorded clients do not send here: aws-chunked and chunked bodies, pipelining,
    and what a function's runtime sends to the Runtime API."""
    host = "Host: 127.0.0.1:4566\r\n"
    sig = "AWS4-HMAC-SHA256 Credential=test/20261127/us-east-1/s3/aws4_request, " \
          "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + "0" * 64
    seed("http_request", "PUT /seed/obj HTTP/1.1\r\n" + host + "Content-Encoding: aws-chunked\r\n"
         "x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER\r\nx-amz-decoded-content-length: 5\r\n"
         "x-amz-trailer: x-amz-checksum-crc32\r\nx-amz-date: 20261127T120000Z\r\nAuthorization: " + sig + "\r\n"
         "Content-Length: 47\r\n\r\n5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n")
    chunk_sig = "a" * 64
    signed = f"5;chunk-signature={chunk_sig}\r\nhello\r\n0;chunk-signature={chunk_sig}\r\n\r\n"
    seed("http_request", "PUT /seed/obj2 HTTP/1.1\r\n" + host +
         "x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD\r\nx-amz-decoded-content-length: 5\r\n"
         "x-amz-date: 20261127T120000Z\r\nAuthorization: " + sig + "\r\n"
         f"Content-Length: {len(signed)}\r\n\r\n" + signed)
    seed("http_request", "POST /2015-03-31/functions/seed/invocations HTTP/1.1\r\n" + host +
         "Transfer-Encoding: chunked\r\nX-Amz-Invocation-Type: Event\r\n\r\n3\r\n{}\n\r\n0\r\n\r\n"
         "GET /2015-03-31/functions/?MaxItems=1&Marker=x HTTP/1.1\r\n" + host + "\r\n")
    seed("http_request", "POST / HTTP/1.1\r\n" + host + "Content-Type: application/x-amz-json-1.1\r\n"
         "X-Amz-Target: Logs_20140328.PutLogEvents\r\nContent-Length: 2\r\n\r\n{}")
    seed("http_request", "POST / HTTP/1.1\r\n" + host + "Content-Type: application/x-www-form-urlencoded\r\n"
         "Content-Length: 88\r\n\r\nAction=CreateStack&Version=2010-05-15&Parameters.member.1.ParameterKey=K&Tags.member.1.Key=a")
    runtime = [
        "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nUser-Agent: node\r\n\r\n",
        "POST /2018-06-01/runtime/invocation/abc/response HTTP/1.1\r\nHost: 127.0.0.1:9001\r\n"
        "Content-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}",
        "POST /2018-06-01/runtime/invocation/abc/response HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        "4\r\n\"ok\"\r\n0\r\n\r\nGET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: h\r\n\r\n",
        "POST /2018-06-01/runtime/invocation/abc/error HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
        "Lambda-Runtime-Function-Error-Type: Unhandled\r\nContent-Length: 40\r\n\r\n"
        "{\"errorMessage\":\"x\",\"errorType\":\"Error\"}",
        "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nHost: h\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}",
    ]
    for i, r in enumerate(runtime):
        seed("runtime_api", bytes([i * 7 % 64]) + r.encode())
    seed("xml_document", '<?xml version="1.0"?><r xmlns="urn:a" xmlns:p="urn:p"><p:k a="1" p:b="&lt;">t&amp;'
                         '<![CDATA[<x>]]>&#x1F600;</p:k><!-- c --><?pi x?></r>')
    seed("s3_xml", "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                   "<LocationConstraint>ap-southeast-2</LocationConstraint></CreateBucketConfiguration>")
    seed("cfn_template", json.dumps({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {"Env": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]},
                       "Ids": {"Type": "CommaDelimitedList", "Default": "a,b"}},
        "Mappings": {"M": {"dev": {"Size": "128"}, "prod": {"Size": "512"}}},
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
                       "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]}},
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket", "Condition": "NotProd",
                       "Properties": {"BucketName": {"Fn::Sub": "${AWS::StackName}-${Env}-${!Literal}"}}},
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17"}}},
            "Fn": {"Type": "AWS::Lambda::Function", "DependsOn": ["Bucket"], "Properties": {
                "Runtime": "nodejs20.x", "Handler": "index.handler", "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "MemorySize": {"Fn::FindInMap": ["M", {"Ref": "Env"}, "Size"]},
                "Description": {"Fn::Join": ["-", [{"Fn::Select": [1, {"Ref": "Ids"}]}, {"Ref": "AWS::Region"}]]},
                "Environment": {"Variables": {"B": {"Fn::If": ["IsProd", {"Ref": "AWS::NoValue"}, {"Ref": "Bucket"}]},
                                              "S": {"Fn::Join": [",", {"Fn::Split": [";", "a;b"]}]},
                                              "Z": {"Fn::Base64": "x"}, "A": {"Fn::GetAZs": ""}}},
                "Code": {"ZipFile": "exports.handler = async () => 1;"}}}},
        "Outputs": {"Arn": {"Value": {"Fn::GetAtt": "Fn.Arn"}, "Condition": "NotProd"}}}))


if __name__ == "__main__":
    main()
    handwritten()
