#!/usr/bin/env python3
"""An independent aggregator: AWS's aws-kinesis-agg writes, our function reads.

    kpl_agg_test.py SERVERS_ENV BOOTSTRAP

kpl_agg_make.js (Node, aws-kinesis-agg from npm, pinned in package.json)
aggregates 250 user records, 60 to a Kinesis record, plus one plain record;
the real bootstrap de-aggregates them under tools/emulator.py into the local
ClickHouse. Every user record must land exactly once, value for value, with
its own partition key and its index inside its aggregate; the batch answers
{"batchItemFailures":[]} and nothing is dead-lettered.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import replay  # noqa: E402

N, PER = 250, 60
TABLE = "kpl_agg"


def main():
    servers = replay.read_env(sys.argv[1])
    bootstrap = sys.argv[2]
    url = servers["K2C_CLICKHOUSE_URL"]
    event = subprocess.run(["node", os.path.join(HERE, "kpl_agg_make.js"), str(N), str(PER)],
                           cwd=ROOT, check=True, capture_output=True, text=True).stdout
    records = json.loads(event)["Records"]
    replay.clickhouse(url, f"DROP TABLE IF EXISTS `{TABLE}`")
    replay.clickhouse(url, f"CREATE TABLE `{TABLE}` (id UInt32, note String, _partition_key String, "
                           "_sequence_number String, _sub_sequence_number UInt32) "
                           "ENGINE = MergeTree ORDER BY id")
    replay.setup(servers, [{"stream_arn": records[0]["eventSourceARN"], "table": TABLE}])
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "kpl-agg.json")
        with open(path, "w") as f:
            f.write(event)
        out = os.path.join(tmp, "out.json")
        subprocess.run([sys.executable, os.path.join(ROOT, "tools/emulator.py"), "--bootstrap", bootstrap,
                        "--json-out", out,
                        "--env", f"CLICKHOUSE_URL={url}",
                        "--env", f"ROUTES_TABLE={replay.ROUTES_TABLE}",
                        "--env", f"AWS_ENDPOINT_URL_DYNAMODB={servers['K2C_DYNAMODB_URL']}",
                        "--env", "AWS_REGION=eu-west-1", "--env", "AWS_ACCESS_KEY_ID=local",
                        "--env", "AWS_SECRET_ACCESS_KEY=local", path],
                       check=True, capture_output=True, timeout=120)
        answers = [r.get("body") for r in json.load(open(out))]
    failures = []
    if answers != ['{"batchItemFailures":[]}']:
        failures.append(f"answered {answers}")
    rows = replay.clickhouse(url, f"SELECT id, note, _partition_key, _sequence_number, _sub_sequence_number "
                                  f"FROM `{TABLE}` ORDER BY id FORMAT JSONEachRow").splitlines()
    got = [json.loads(r) for r in rows]
    want = []
    for i in range(N):
        want.append({"id": i, "note": f"user record {i} \u00fc", "_partition_key": f"pk-{i % 7}-{i}",
                     "_sequence_number": records[i // PER]["kinesis"]["sequenceNumber"],
                     "_sub_sequence_number": i % PER})
    want.append({"id": N, "note": "not aggregated", "_partition_key": "plain",
                 "_sequence_number": records[-1]["kinesis"]["sequenceNumber"], "_sub_sequence_number": 0})
    if got != want:
        bad = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        failures.append(f"{len(got)} rows, {len(want)} expected; first difference at {bad}: "
                        f"{got[bad] if bad < len(got) else None} vs {want[bad] if bad < len(want) else None}")
    if replay.clickhouse(url, f"EXISTS TABLE `{replay.DEAD_LETTER_TABLE}`").strip() == "1":
        n = replay.clickhouse(url, f"SELECT count() FROM `{replay.DEAD_LETTER_TABLE}` "
                                   f"WHERE target_table = 'default.{TABLE}'").strip()
        if n != "0":
            failures.append(f"{n} dead letters")
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    print(f"{len(records)} Kinesis records ({len(records) - 1} aggregates), {len(got)} rows")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
