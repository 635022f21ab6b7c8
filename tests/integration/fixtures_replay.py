#!/usr/bin/env python3
"""Every published Lambda Kinesis event fixture, through the real bootstrap.

    fixtures_replay.py SERVERS_ENV BOOTSTRAP [FIXTURES_DIR]

The 22 Kinesis event files in ../shared/fixtures/external (AWS's runtimes,
SAM, Powertools, the KPL aggregation library, lorrystream; SOURCES.md there
says where each comes from) are replayed one by one through bootstrap under
tools/emulator.py against the local ClickHouse and dynalite, first with a
json route, then with a text route. Each file's outcome must be what SPEC
§4.1/§5 says: the rows, the dead letters by kind, and nothing for control
messages; every batch answers {"batchItemFailures":[]} (nothing is left for
retry). Each replay starts with an empty dead-letter table, since several
files hold the same records. The .NET files start with a byte-order mark (the replay tool drops
it). Exits 77 (skipped) when the fixtures folder is absent.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import replay  # noqa: E402  (the replay tool's helpers: BOM, servers, routes)

# file -> (json route: rows, {dead-letter kind: n}), (text route: rows, {kind: n})
EXPECTED = {
    "aws-lambda-dotnet/Kinesis.json": ((0, {"invalid_json": 1}), (1, {})),
    "aws-lambda-dotnet/kinesis-event.json": ((0, {"invalid_json": 2}), (2, {})),
    "aws-lambda-dotnet/kinesis-timewindow-event.json": ((0, {"invalid_json": 1}), (1, {})),
    "aws-lambda-go/kinesis-event.json": ((0, {"invalid_json": 2}), (2, {})),
    "aws-lambda-go/kinesis-time-window-event.json": ((0, {"invalid_json": 1}), (1, {})),
    "aws-lambda-java-libs/kinesis_event.json": ((0, {"invalid_json": 1}), (1, {})),
    "aws-lambda-java-libs/kinesis_event_roundtrip.json": ((0, {"invalid_json": 1}), (1, {})),
    "aws-lambda-java-libs/kinesis_time_window_event.json": ((0, {"invalid_json": 1}), (1, {})),
    "aws-lambda-rust-runtime/example-kinesis-event-encrypted.json": ((0, {"invalid_json": 2}), (2, {})),
    "aws-lambda-rust-runtime/example-kinesis-event.json": ((0, {"invalid_json": 2}), (2, {})),
    # a mustache template: data is "{{{data}}}", not base64
    "aws-sam-cli/Kinesis.json": ((0, {"invalid_base64": 1}), (0, {"invalid_base64": 1})),
    # one record, a KPL aggregate of 100 text user records
    "kinesis-aggregation/SampleLambdaEvent.json": ((0, {"invalid_json": 100}), (100, {})),
    "lorrystream/kinesis_dynamodb.json": ((1, {}), (1, {})),
    "powertools-python/getting_started_kinesis_event.json": ((1, {"invalid_json": 1}), (2, {})),
    # two CloudWatch Logs messages of 3 events each; a text route keeps each inflated message whole
    "powertools-python/kinesisStreamCloudWatchLogsEvent.json": ((6, {}), (2, {})),
    "powertools-python/kinesisStreamEvent.json": ((0, {"invalid_json": 2}), (2, {})),
    "powertools-python/kinesisStreamEventOneRecord.json": ((1, {}), (1, {})),
    "powertools-python/pydantic_kinesis_event.json": ((2, {}), (2, {})),
    "powertools-typescript/dynamodb-stream.json": ((2, {}), (2, {})),
    "powertools-typescript/sampleKinesisEvent.json": ((1, {"invalid_json": 1}), (2, {})),
    "powertools-typescript/stream-cloudwatch-logs.json": ((6, {}), (2, {})),
    "powertools-typescript/stream.json": ((0, {"invalid_json": 2}), (2, {})),
}

DDL = ("CREATE TABLE `{t}` (`_sequence_number` String, `_sub_sequence_number` UInt64, "
       "`_partition_key` String, `_raw` String, `_message` String, `_log_group` String) "
       "ENGINE = MergeTree ORDER BY tuple()")


def run(servers, bootstrap, event_path):
    with tempfile.NamedTemporaryFile(suffix=".json") as out, tempfile.TemporaryDirectory() as staging:
        events = replay.stage_events([event_path], staging)
        cmd = [sys.executable, os.path.join(ROOT, "tools/emulator.py"), "--bootstrap", bootstrap,
               "--json-out", out.name,
               "--env", f"CLICKHOUSE_URL={servers['K2C_CLICKHOUSE_URL']}",
               "--env", f"ROUTES_TABLE={replay.ROUTES_TABLE}",
               "--env", f"AWS_ENDPOINT_URL_DYNAMODB={servers['K2C_DYNAMODB_URL']}",
               "--env", "AWS_REGION=eu-west-1", "--env", "AWS_ACCESS_KEY_ID=local",
               "--env", "AWS_SECRET_ACCESS_KEY=local"] + events
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        return json.load(open(out.name))


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    servers = replay.read_env(sys.argv[1])
    bootstrap = sys.argv[2]
    fixtures = sys.argv[3] if len(sys.argv) > 3 else os.path.join(ROOT, "..", "shared", "fixtures", "external")
    if not os.path.isdir(fixtures):
        print(f"SKIP: no fixtures folder {fixtures}")
        return 77
    url = servers["K2C_CLICKHOUSE_URL"]
    replay.setup(servers, [])
    failures = []
    print(f"{'file':<60} {'route':<5} {'rows':>5}  dead letters")
    for i, (name, expected) in enumerate(sorted(EXPECTED.items())):
        path = os.path.join(fixtures, name)
        event = json.loads(replay.load_event(path))
        arns = sorted({r["eventSourceARN"] for r in event["Records"]})
        for fmt, (want_rows, want_dead) in zip(("json", "text"), expected):
            table = f"fixture_{i}_{fmt}"
            replay.clickhouse(url, f"DROP TABLE IF EXISTS `{table}`")
            replay.clickhouse(url, DDL.format(t=table))
            # Several files hold the same records (the runtimes' "Hello World"
            # sample): a dead letter already written for a record is not
            # written again, so each replay starts with no dead-letter table
            # (bootstrap, started anew for each, creates it).
            replay.clickhouse(url, f"DROP TABLE IF EXISTS `{replay.DEAD_LETTER_TABLE}`")
            replay.setup(servers, [{"stream_arn": a, "table": table, "format": fmt} for a in arns])
            results = run(servers, bootstrap, path)
            answers = [r.get("body") for r in results]
            rows = int(replay.clickhouse(url, f"SELECT count() FROM `{table}`"))
            dead = {}
            if replay.clickhouse(url, f"EXISTS TABLE `{replay.DEAD_LETTER_TABLE}`").strip() == "1":
                for line in replay.clickhouse(
                        url, f"SELECT error_kind, count() FROM `{replay.DEAD_LETTER_TABLE}` "
                             f"WHERE target_table = 'default.{table}' GROUP BY error_kind "
                             "FORMAT TSV").splitlines():
                    kind, n = line.split("\t")
                    dead[kind] = int(n)
            print(f"{name:<60} {fmt:<5} {rows:>5}  {dead or '-'}")
            if answers != ['{"batchItemFailures":[]}']:
                failures.append(f"{name} ({fmt}): answered {answers}")
            if (rows, dead) != (want_rows, want_dead):
                failures.append(f"{name} ({fmt}): {rows} rows, dead letters {dead}; "
                                f"expected {want_rows} rows, {want_dead}")
    # The aggregate's user records keep their sub-sequence numbers and key.
    i = sorted(EXPECTED).index("kinesis-aggregation/SampleLambdaEvent.json")
    subs = replay.clickhouse(url, f"SELECT min(_sub_sequence_number), max(_sub_sequence_number), "
                                  f"uniqExact(_sub_sequence_number), any(_partition_key) "
                                  f"FROM `fixture_{i}_text` FORMAT TSV").split()
    if subs != ["0", "99", "100", "abc"]:
        failures.append(f"SampleLambdaEvent sub-sequence numbers / key: {subs}")
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    print(f"{len(EXPECTED)} files, {2 * len(EXPECTED)} replays, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
