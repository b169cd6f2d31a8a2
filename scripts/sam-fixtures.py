#!/usr/bin/env python3
"""Checks (or, with --write, regenerates) the SAM expansion fixtures in
tests/unit/local_cloudformation/sam_fixtures against AWS's own SAM translator.

Needs the aws-sam-translator Python package (not a Debian package, so not part of CI; CI compares
lambda-cd's expansion with the stored outputs in sam_transform_test.cpp). Each <name>.input.yaml is
expanded with samtranslator.translator.transform.transform(template, {}, None) in us-east-1 and
compared with <name>.expected.json (written with json.dumps(..., indent=2, sort_keys=True)).
Exit status 0 when every fixture matches, 1 otherwise.
"""
import glob
import json
import os
import sys

os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
os.environ["AWS_REGION"] = "us-east-1"

try:
    import samtranslator
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse
except ImportError:
    sys.exit("aws-sam-translator is not installed: this check needs AWS's SAM translator")

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "unit",
                        "local_cloudformation", "sam_fixtures")


def main():
    write = "--write" in sys.argv[1:]
    bad = 0
    for source in sorted(glob.glob(os.path.join(FIXTURES, "*.input.yaml"))):
        name = os.path.basename(source)[: -len(".input.yaml")]
        with open(source) as f:
            expanded = transform(yaml_parse(f.read()), {}, None)
        text = json.dumps(expanded, indent=2, sort_keys=True) + "\n"
        target = os.path.join(FIXTURES, name + ".expected.json")
        if write:
            with open(target, "w") as f:
                f.write(text)
            print(f"wrote {name}.expected.json")
            continue
        with open(target) as f:
            stored = json.load(f)
        same = json.dumps(stored, sort_keys=True) == json.dumps(expanded, sort_keys=True)
        print(f"{'ok  ' if same else 'DIFF'} {name} (aws-sam-translator {samtranslator.__version__})")
        bad += not same
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
