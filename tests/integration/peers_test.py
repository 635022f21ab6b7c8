#!/usr/bin/python3
"""Smoke test of the side-by-side bench's functions (bench/peers), no timing.

    peers_test.py SERVERS_ENV BOOTSTRAP

Packages the peers (bench/peers/package into a temporary directory), then for
ours (BOOTSTRAP) and each peer, under tools/emulator.py against the local
servers: a 5-record orders batch and an empty batch are answered
{"batchItemFailures":[]} and the function's table holds the 5 records value
for value (the bench's own check). Each peer's DynamoDB request, sent to a
capturing server with a session token, carries the signature botocore computes
(tests/integration/verify_sigv4.py). Exit 0 when all of it holds.
"""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bench/peers"))
import harness as h  # noqa: E402

PEERS = ("node", "python", "go")
TOKEN = "session-token-for-the-test"


def served(f, batch):
    inv = f.invoke(batch.for_function(f.name))
    return h.answered_ok(inv), inv.result_body[:300]


def check_signatures(zips, work, log, failures):
    capture, port_file = os.path.join(work, "capture.json"), os.path.join(work, "capture.port")
    server = subprocess.Popen([sys.executable, os.path.join(HERE, "capture_server.py"),
                               capture, port_file])
    try:
        for _ in range(200):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        endpoint = "http://127.0.0.1:" + open(port_file).read()
        env = {"CLICKHOUSE_URL": "http://127.0.0.1:9", "ROUTES_TABLE": "routes",
               "AWS_ENDPOINT_URL_DYNAMODB": endpoint, "AWS_REGION": "eu-west-1",
               "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret/key+example",
               "AWS_SESSION_TOKEN": TOKEN}
        batch = h.Batch(1, 90)
        for name in (n for n in PEERS if os.path.isfile(zips[n])):
            f = h.Function(name, zips[name], os.path.join(work, "sig-" + name), env, log)
            try:
                inv = f.invoke(batch.for_function(name))  # `{}`: no route, so an error
            finally:
                f.close()
            verify = subprocess.run(
                [sys.executable, os.path.join(HERE, "verify_sigv4.py"), capture,
                 "--access-key", env["AWS_ACCESS_KEY_ID"], "--secret-key", env["AWS_SECRET_ACCESS_KEY"],
                 "--region", "eu-west-1", "--token", TOKEN], capture_output=True, text=True)
            if inv.outcome != "error" or verify.returncode != 0:
                failures.append(f"{name}: SigV4 GetItem: outcome {inv.outcome}; {verify.stderr.strip()}")
            else:
                print(f"{name}: SigV4 GetItem signed as botocore signs it")
    finally:
        server.terminate()
        server.wait()


def main():
    servers = h.replay.read_env(sys.argv[1])
    bootstrap = sys.argv[2]
    failures = []
    with tempfile.TemporaryDirectory(prefix="k2c-peers-test-") as work:
        subprocess.run([os.path.join(ROOT, "bench/peers/package"), os.path.join(work, "zips")],
                       check=True, stdout=subprocess.DEVNULL)
        zips = {name: os.path.join(work, "zips", f"{name}.zip") for name in PEERS}
        missing = [n for n, z in zips.items() if not os.path.isfile(z)]
        if missing:
            failures.append(f"not packaged: {missing}")
        sources = {"k2c": bootstrap, **{n: z for n, z in zips.items() if n not in missing}}
        h.setup(servers, list(sources))
        url = servers["K2C_CLICKHOUSE_URL"]
        batch, empty = h.Batch(5, 1), h.Batch(0, 2)
        log = open(os.path.join(work, "functions.log"), "w")
        for name, source in sources.items():
            f = h.Function(name, source, os.path.join(work, name), h.function_env(servers), log)
            try:
                results = [served(f, batch), served(f, empty)]
            finally:
                f.close()
            bad = [body for ok, body in results if not ok]
            problems = h.check_table(url, name, {batch.shard_id(): batch.digest()})
            if bad or problems:
                failures.append(f"{name}: answers {bad}, table {problems}: "
                                + h.first_difference(url, name, batch))
            else:
                print(f"{name}: 5 records landed value for value; discount {h.discounts(url, name)}")
        check_signatures(zips, work, log, failures)
        log.close()
        if failures:
            print(open(log.name).read()[-3000:], file=sys.stderr)
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
