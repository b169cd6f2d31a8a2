"""Durability of `lambda-cd local`: SIGKILL in the middle of a burst of PublishVersion and UpdateAlias
calls, restart on the same state, and every acknowledged change is there; the database passes
PRAGMA integrity_check."""
import base64
import http.client
import io
import json
import os
import random
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from lcd_harness import Endpoint as LocalEndpoint  # noqa: E402

ROLE = "arn:aws:iam::123456789012:role/r"


def zip_b64(text):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.js", text)
    return base64.b64encode(buf.getvalue()).decode()


class Client:
    def __init__(self, url):
        host, port = url.split("//")[1].split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=30)

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        self.conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
        r = self.conn.getresponse()
        payload = r.read()
        return r.status, (json.loads(payload) if payload else None)


def worker(url, fn, alias, acked, stop, errors):
    """Alternates config update + publish, then points the alias at the new version."""
    c = Client(url)
    i = 0
    while not stop.is_set():
        i += 1
        try:
            st, _ = c.call("PUT", f"/2015-03-31/functions/{fn}/configuration", {"Description": f"{fn} {i}"})
            if st != 200:
                errors.append((st, "update"))
                continue
            st, v = c.call("POST", f"/2015-03-31/functions/{fn}/versions", {})
            if st != 201:
                errors.append((st, "publish"))
                continue
            acked["versions"].append((fn, v["Version"], v["Description"], v["CodeSha256"]))
            acked["inflight"][alias] = v["Version"]
            st, a = c.call("PUT", f"/2015-03-31/functions/{fn}/aliases/{alias}", {"FunctionVersion": v["Version"]})
            if st != 200:
                errors.append((st, "alias"))
                continue
            acked["aliases"][alias] = (a["FunctionVersion"], a["RevisionId"])
        except (ConnectionError, OSError, http.client.HTTPException):
            return  # the server was killed


def main():
    state = tempfile.mkdtemp(prefix="lcd-crash-")
    try:
        ep = LocalEndpoint("--update-delay-ms", "0", state_dir=state).start()
        setup = Client(ep.url)
        functions = [f"crash{i}" for i in range(4)]
        for fn in functions:
            st, _ = setup.call("POST", "/2015-03-31/functions", {
                "FunctionName": fn, "Runtime": "nodejs20.x", "Role": ROLE, "Handler": "index.handler",
                "Code": {"ZipFile": zip_b64(f"exports.handler=async()=>'{fn}'")}})
            assert st == 201, st
            st, v = setup.call("POST", f"/2015-03-31/functions/{fn}/versions", {})
            assert st == 201
            st, _ = setup.call("POST", f"/2015-03-31/functions/{fn}/aliases", {"Name": "live", "FunctionVersion": "1"})
            assert st == 201
        acked = {"versions": [], "aliases": {}, "inflight": {}}
        stop = threading.Event()
        errors = []
        threads = [threading.Thread(target=worker, args=(ep.url, fn, "live", {"versions": acked["versions"],
                   "aliases": acked["aliases"].setdefault(fn, {}), "inflight": acked["inflight"].setdefault(fn, {})},
                   stop, errors)) for fn in functions]
        for t in threads:
            t.start()
        time.sleep(random.uniform(1.5, 2.5))
        ep.proc.send_signal(signal.SIGKILL)  # mid-burst: requests are in flight
        ep.proc.wait()
        stop.set()
        for t in threads:
            t.join()
        assert not errors, errors[:5]
        n_versions = len(acked["versions"])
        assert n_versions > 20, f"burst too small to mean anything: {n_versions}"

        integrity = sqlite3.connect(os.path.join(state, "lambda.sqlite3")).execute("PRAGMA integrity_check").fetchone()
        assert integrity[0] == "ok", integrity

        ep2 = LocalEndpoint("--update-delay-ms", "0", state_dir=state).start()
        try:
            c = Client(ep2.url)
            for fn, version, description, sha in acked["versions"]:
                st, v = c.call("GET", f"/2015-03-31/functions/{fn}/configuration?Qualifier={version}")
                assert st == 200, (fn, version, st)
                assert v["Description"] == description and v["CodeSha256"] == sha, (v, description)
            for fn in functions:
                st, a = c.call("GET", f"/2015-03-31/functions/{fn}/aliases/live")
                assert st == 200
                last = acked["aliases"][fn].get("live")
                inflight = acked["inflight"][fn].get("live")
                # The alias shows the last acknowledged update, or the one in flight at the kill (committed
                # but not yet answered) -- never anything older.
                allowed = {x for x in (last[0] if last else None, inflight) if x}
                assert a["FunctionVersion"] in allowed, (fn, a["FunctionVersion"], allowed)
                if last and a["FunctionVersion"] == last[0]:
                    assert a["RevisionId"] == last[1]
                # Version numbers keep counting up: nothing acknowledged gets reused.
                st, pub = c.call("PUT", f"/2015-03-31/functions/{fn}/configuration", {"Description": "after"})
                st, pub = c.call("POST", f"/2015-03-31/functions/{fn}/versions", {})
                highest = max(int(v) for f, v, _, _ in acked["versions"] if f == fn)
                assert int(pub["Version"]) > highest, (pub["Version"], highest)
            assert ep2.stop() == 0
        finally:
            ep2.close()
        print(f"ok: {n_versions} acknowledged publishes and {sum(len(a) for a in acked['aliases'].values())} "
              "alias states survived SIGKILL; integrity_check ok")
    finally:
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    main()
