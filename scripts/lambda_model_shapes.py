#!/usr/bin/env python3
"""Writes tests/compat/data/lambda_output_shapes.json: for each Lambda operation the compat tests
call, the members of its output shape (and of the structures inside it) in the botocore service
model given (default: the newest botocore found on this machine).

    python3 scripts/lambda_model_shapes.py [path/to/service-2.json[.gz]]

The compat tests use the file to check that every response member is in the model's output shape.
The suite runs Debian's python3-boto3, whose model is older than AWS; the file records the newest
model's shapes, and lambda_model_test.py checks it against any newer model it finds.
"""
import glob
import gzip
import json
import os
import pwd
import re
import sys

OPERATIONS = [
    "CreateFunction", "GetFunction", "GetFunctionConfiguration", "UpdateFunctionCode",
    "UpdateFunctionConfiguration", "PublishVersion", "ListVersionsByFunction", "ListFunctions",
    "CreateAlias", "GetAlias", "UpdateAlias", "ListAliases", "ListTags", "AddPermission", "GetPolicy",
    "PutFunctionConcurrency", "GetFunctionConcurrency", "GetAccountSettings", "DeleteFunction",
]
NESTED = ["FunctionConfiguration", "AliasConfiguration", "FunctionCodeLocation", "Concurrency", "AccountLimit",
          "AccountUsage", "LoggingConfig", "RuntimeVersionConfig", "EphemeralStorage", "SnapStartResponse",
          "TracingConfigResponse", "EnvironmentResponse", "AliasRoutingConfiguration"]


def candidate_models():
    """Every botocore Lambda model on this machine: (version, path)."""
    roots = set()
    # The account's own home (tests replace HOME with an empty folder) and pyenv's, wherever they are.
    home = pwd.getpwuid(os.getuid()).pw_dir
    pyenv = os.environ.get("PYENV_ROOT") or os.path.join(home, ".pyenv")
    for pattern in (os.path.join(pyenv, "versions/*/lib/python3*/site-packages/botocore"),
                    "/usr/local/lib/python3*/dist-packages/botocore", "/usr/local/lib/python3*/site-packages/botocore",
                    "/usr/lib/python3/dist-packages/botocore", "/usr/lib/python3/dist-packages/awscli/botocore",
                    os.path.join(home, ".local/lib/python3*/site-packages/botocore")):
        roots.update(glob.glob(pattern))
    found = []
    for root in roots:
        model = None
        for name in ("service-2.json.gz", "service-2.json"):
            path = os.path.join(root, "data", "lambda", "2015-03-31", name)
            if os.path.exists(path):
                model = path
                break
        if not model:
            continue
        version = (0,)
        try:
            with open(os.path.join(root, "__init__.py")) as f:
                m = re.search(r"__version__\s*=\s*['\"]([0-9.]+)['\"]", f.read())
            if m:
                version = tuple(int(p) for p in m.group(1).split("."))
        except OSError:
            pass
        found.append((version, model))
    return sorted(found)


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return json.load(f)


def shapes_of(model):
    shapes = model["shapes"]
    out = {"operations": {}, "shapes": {}}
    for op in OPERATIONS:
        output = model["operations"][op].get("output", {}).get("shape")
        out["operations"][op] = output
        if output:
            out["shapes"][output] = sorted(shapes[output].get("members", {}))
    for name in NESTED:
        if name in shapes:
            out["shapes"][name] = sorted(shapes[name].get("members", {}))
    return out


def main():
    if len(sys.argv) > 1:
        path, version = sys.argv[1], None
    else:
        models = candidate_models()
        if not models:
            sys.exit("no botocore Lambda model found")
        version, path = models[-1]
    data = shapes_of(load(path))
    data["source"] = {"botocore": ".".join(map(str, version)) if version else "unknown",
                      "model": "botocore/data/lambda/2015-03-31/service-2.json"}
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "compat", "data",
                          "lambda_output_shapes.json")
    with open(target, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {os.path.normpath(target)} from {path}")


if __name__ == "__main__":
    main()
