#!/usr/bin/env python3
"""Randomized soak: nothing lost, nothing written twice, under bad records and faults.

    soak.py SERVERS_ENV BOOTSTRAP [--batches 50] [--max-records 1000] [--seed 1]

Against the local ClickHouse and dynalite (SERVERS_ENV from tools/servers), with
the fault proxy (fault_proxy.py) in front of ClickHouse: sends BATCHES batches
of up to MAX_RECORDS records, about 3% of them bad (invalid base64, invalid
JSON, not an object, a rejected value), while about 70% of all INSERT requests
fail (connection reset mid-body or 503). Each batch is replayed through the
real bootstrap; whatever it reports for retry is sent again from the reported
record on, as Lambda does, until every batch succeeds. Then target rows plus
dead-letter rows must equal the records sent, with no sequence number twice and
none missing. Prints the counts. Exit status 0 = all held.
"""
import argparse
import base64
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
STREAM = "arn:aws:kinesis:eu-west-1:123456789012:stream/soak"


def read_env(path):
    return dict(l.rstrip("\n").split("=", 1) for l in open(path) if "=" in l)


def ch(url, sql, db=""):
    q = f"{url}/" + (f"?database={db}" if db else "")
    with urllib.request.urlopen(urllib.request.Request(q, data=sql.encode()), timeout=60) as r:
        return r.read().decode()


def record(seq, data):
    return {"kinesis": {"partitionKey": seq[-3:], "sequenceNumber": seq, "data": data,
                        "approximateArrivalTimestamp": 1700000000.25},
            "eventID": "shardId-000000000007:" + seq, "eventSourceARN": STREAM}


def make_batch(rng, b, n):
    recs = []
    for i in range(n):
        seq = f"4959{b:06d}{i:06d}"
        payload = {"id": b * 1000000 + i, "v": rng.randrange(-2**31, 2**31), "s": "x" * rng.randrange(0, 40)}
        kind = rng.random()
        if kind < 0.01:
            data = "%%not-base64%%"
        elif kind < 0.02:
            data = base64.b64encode(b'{"id": 1,').decode()
        elif kind < 0.025:
            data = base64.b64encode(b'"a string"').decode()
        elif kind < 0.03:
            payload["v"] = "not a number"
            data = base64.b64encode(json.dumps(payload).encode()).decode()
        else:
            data = base64.b64encode(json.dumps(payload).encode()).decode()
        recs.append(record(seq, data))
    return recs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("servers_env")
    ap.add_argument("bootstrap")
    ap.add_argument("--batches", type=int, default=50)
    ap.add_argument("--max-records", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    env = read_env(a.servers_env)
    url, dynamo = env["K2C_CLICKHOUSE_URL"], env["K2C_DYNAMODB_URL"]
    db, routes = f"soak_{a.seed}", f"routes-soak-{a.seed}"
    ch(url, f"DROP DATABASE IF EXISTS {db}")
    ch(url, f"CREATE DATABASE {db}")
    ch(url, "CREATE TABLE soak (id UInt64, v Int32, s String, _sequence_number String, "
            "_shard_id String) ENGINE = MergeTree ORDER BY id", db)
    admin = [sys.executable if os.path.exists("/usr/bin/python3") else "python3",
             os.path.join(HERE, "dynamo_admin.py"), dynamo]
    subprocess.run(["/usr/bin/python3"] + admin[1:] + ["create", routes], check=True)
    subprocess.run(["/usr/bin/python3"] + admin[1:] + ["put", routes, STREAM, "soak", db], check=True)

    work = tempfile.mkdtemp(prefix="k2c-soak-")
    port_file, plan_file = os.path.join(work, "port"), os.path.join(work, "plan")
    proxy = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "fault_proxy.py"),
                              url.rsplit(":", 1)[1], port_file, plan_file])
    try:
        for _ in range(500):
            if os.path.exists(port_file):
                break
            time.sleep(0.01)
        proxy_url = "http://127.0.0.1:" + open(port_file).read()
        batches = [make_batch(rng, b, rng.randrange(1, a.max_records + 1)) for b in range(a.batches)]
        sent = sum(len(b) for b in batches)
        pending = {b: recs for b, recs in enumerate(batches)}
        rounds = invocations = retries_reported = 0
        while pending and rounds < 40:
            rounds += 1
            with open(plan_file, "w") as f:
                for _ in range(4000):
                    r = rng.random()
                    f.write("reset\n" if r < 0.35 else "503\n" if r < 0.7 else "pass\n")
            files = []
            for b, recs in sorted(pending.items()):
                path = os.path.join(work, f"batch-{b:03d}.json")
                json.dump({"Records": recs}, open(path, "w"))
                files.append((b, path))
            out = os.path.join(work, "results.json")
            cmd = ["/usr/bin/python3", os.path.join(ROOT, "tools/emulator.py"), "--bootstrap", a.bootstrap,
                   "--json-out", out, "--timeout-ms", "30000",
                   "--env", f"CLICKHOUSE_URL={proxy_url}", "--env", f"CLICKHOUSE_DATABASE={db}",
                   "--env", f"ROUTES_TABLE={routes}", "--env", f"AWS_ENDPOINT_URL_DYNAMODB={dynamo}",
                   "--env", "AWS_REGION=eu-west-1", "--env", "AWS_ACCESS_KEY_ID=a",
                   "--env", "AWS_SECRET_ACCESS_KEY=b"] + [p for _, p in files]
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            results = json.load(open(out))
            by_event = {r["event"]: r for r in results}
            for b, path in files:
                invocations += 1
                r = by_event.get(path)
                if r is None or r["outcome"] != "response":
                    continue  # an invocation error: Lambda retries the whole batch
                failures = json.loads(r["body"])["batchItemFailures"]
                if not failures:
                    del pending[b]
                    continue
                retries_reported += 1
                seq = failures[0]["itemIdentifier"]
                recs = pending[b]
                start = next(i for i, x in enumerate(recs) if x["kinesis"]["sequenceNumber"] == seq)
                pending[b] = recs[start:]
        q = lambda sql: ch(url, sql, db).strip()
        target = int(q("SELECT count() FROM soak"))
        target_unique = int(q("SELECT uniqExact(_sequence_number) FROM soak"))
        dead = int(q("SELECT count() FROM kinesis_dead_letter"))
        dead_unique = int(q("SELECT uniqExact(sequence_number) FROM kinesis_dead_letter"))
        both = int(q("SELECT count() FROM soak WHERE _sequence_number IN "
                     "(SELECT sequence_number FROM kinesis_dead_letter)"))
        all_seqs = {x["kinesis"]["sequenceNumber"] for recs in batches for x in recs}
        landed = set(q("SELECT _sequence_number FROM soak").split()) | \
            set(q("SELECT sequence_number FROM kinesis_dead_letter").split())
        print(f"soak: {a.batches} batches, {sent} records sent, {rounds} rounds, {invocations} invocations, "
              f"{retries_reported} reported for retry")
        print(f"soak: target rows {target} (unique {target_unique}), dead-letter rows {dead} "
              f"(unique {dead_unique}), in both {both}, missing {len(all_seqs - landed)}, "
              f"pending batches {len(pending)}")
        ok = (not pending and target + dead == sent and target == target_unique and dead == dead_unique
              and both == 0 and landed == all_seqs and retries_reported > 0)
        print("soak: " + ("PASS" if ok else "FAIL"))
        return 0 if ok else 1
    finally:
        proxy.kill()
        proxy.wait()


if __name__ == "__main__":
    sys.exit(main())
