#!/usr/bin/env python3
"""Replays Kinesis events through the real bootstrap against local servers.

    tools/replay.py --bootstrap build/bootstrap [--keep] [EVENT_FILE...]

Starts ClickHouse and dynalite on 127.0.0.1 (tools/servers, data under
build/replay-servers), creates the example tables (schema/examples/*.sql) and
the routes (schema/examples/routes.json), runs bootstrap under the local
Runtime API emulator (tools/emulator.py) with every event file (default:
events/*.json), prints each batch's outcome and a summary of what landed
where, then stops the servers by PID (unless --keep).
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROUTES_TABLE = "kinesis-clickhouse-routes"
DEAD_LETTER_TABLE = "kinesis_dead_letter"


UTF8_BOM = b"\xef\xbb\xbf"


def load_event(path):
    """The event file's bytes, without a leading UTF-8 byte-order mark.

    Files written on Windows (the .NET Lambda tools' samples) start with one;
    Lambda itself never sends it, so the tool drops it rather than bootstrap.
    """
    with open(path, "rb") as f:
        data = f.read()
    return data[len(UTF8_BOM):] if data.startswith(UTF8_BOM) else data


def stage_events(paths, directory):
    """The event files to hand the emulator: each file with a byte-order mark
    is written without it under `directory` (one sub-directory per file, so
    the batch keeps its file name in the report); the others as they are."""
    staged = []
    for i, path in enumerate(paths):
        try:
            data = load_event(path)
        except OSError:
            staged.append(path)  # the emulator reports it, as any unreadable event
            continue
        if os.path.getsize(path) == len(data):
            staged.append(path)
            continue
        copy = os.path.join(directory, str(i), os.path.basename(path))
        os.makedirs(os.path.dirname(copy))
        with open(copy, "wb") as f:
            f.write(data)
        staged.append(copy)
    return staged


def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                env[k] = v
    return env


def clickhouse(url, sql):
    req = urllib.request.Request(url + "/", data=sql.encode(), method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.read().decode()
    except urllib.error.HTTPError as e:
        raise SystemExit(f"ClickHouse refused: {sql[:80]}...\n{e.read().decode()}")


def dynamodb(endpoint):
    import botocore.session  # Debian's python3-botocore
    session = botocore.session.get_session()
    return session.create_client(
        "dynamodb", endpoint_url=endpoint, region_name="eu-west-1",
        aws_access_key_id="local", aws_secret_access_key="local")


def setup(servers, routes):
    url = servers["K2C_CLICKHOUSE_URL"]
    for ddl in sorted(glob.glob(os.path.join(ROOT, "schema/examples/*.sql"))):
        clickhouse(url, open(ddl).read())
    ddb = dynamodb(servers["K2C_DYNAMODB_URL"])
    if ROUTES_TABLE not in ddb.list_tables()["TableNames"]:
        ddb.create_table(TableName=ROUTES_TABLE, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "stream_arn", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "stream_arn", "KeyType": "HASH"}])
        for _ in range(200):  # creation is asynchronous, even with --createTableMs 0
            if ddb.describe_table(TableName=ROUTES_TABLE)["Table"]["TableStatus"] == "ACTIVE":
                break
            time.sleep(0.02)
    for r in routes:
        item = {"stream_arn": {"S": r["stream_arn"]}, "table": {"S": r["table"]}}
        for optional in ("database", "format", "table_field"):
            if r.get(optional):
                item[optional] = {"S": r[optional]}
        ddb.put_item(TableName=ROUTES_TABLE, Item=item)


def summary(servers, routes):
    url = servers["K2C_CLICKHOUSE_URL"]
    print("\nWhat landed:")
    for table in sorted({r["table"] for r in routes}):
        n = clickhouse(url, f"SELECT count() FROM `{table}`").strip()
        print(f"  {table:<24} {n:>6} rows")
    exists = clickhouse(url, f"EXISTS TABLE `{DEAD_LETTER_TABLE}`").strip()
    if exists == "1":
        rows = clickhouse(url, f"SELECT target_table, error_kind, count() FROM `{DEAD_LETTER_TABLE}` "
                               "GROUP BY target_table, error_kind ORDER BY target_table, error_kind "
                               "FORMAT TSV").strip()
        total = clickhouse(url, f"SELECT count() FROM `{DEAD_LETTER_TABLE}`").strip()
        print(f"  {DEAD_LETTER_TABLE:<24} {total:>6} rows")
        for line in rows.splitlines():
            t, kind, n = line.split("\t")
            print(f"    {t:<22} {kind:<18} {n:>4}")
    else:
        print(f"  {DEAD_LETTER_TABLE:<24}      0 rows (not created: no bad records)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--keep", action="store_true", help="leave the servers running")
    ap.add_argument("--servers-dir", default=os.path.join(ROOT, "build/replay-servers"))
    ap.add_argument("events", nargs="*")
    a = ap.parse_args()
    events = a.events or sorted(glob.glob(os.path.join(ROOT, "events/*.json")))
    routes = json.load(open(os.path.join(ROOT, "schema/examples/routes.json")))

    subprocess.run([os.path.join(ROOT, "tools/servers"), "up", a.servers_dir], check=True)
    try:
        servers = read_env(os.path.join(a.servers_dir, "env"))
        setup(servers, routes)
        with tempfile.NamedTemporaryFile(suffix=".json") as out, tempfile.TemporaryDirectory() as staging:
            events = stage_events(events, staging)
            cmd = [sys.executable, os.path.join(ROOT, "tools/emulator.py"),
                   "--bootstrap", a.bootstrap, "--json-out", out.name,
                   "--env", f"CLICKHOUSE_URL={servers['K2C_CLICKHOUSE_URL']}",
                   "--env", f"ROUTES_TABLE={ROUTES_TABLE}",
                   "--env", f"AWS_ENDPOINT_URL_DYNAMODB={servers['K2C_DYNAMODB_URL']}",
                   "--env", "AWS_REGION=eu-west-1",
                   "--env", "AWS_ACCESS_KEY_ID=local",
                   "--env", "AWS_SECRET_ACCESS_KEY=local",
                   "--env", "ROUTE_CACHE_TTL_SECONDS=60"] + events
            print(f"Replaying {len(events)} event file(s) through {a.bootstrap}")
            rc = subprocess.run(cmd).returncode
            results = json.load(open(out.name)) if os.path.getsize(out.name) else []
        print("\nPer batch:")
        for r in results:
            name = os.path.basename(r.get("event") or "")
            detail = r.get("body") if r["outcome"] == "response" else f"{r.get('error_type')}: {r.get('body')}"
            print(f"  {name:<24} {r['outcome']:<9} {detail}")
        summary(servers, routes)
        if a.keep:
            print(f"\nServers left running; stop them with: tools/servers down {a.servers_dir}")
        return rc
    finally:
        if not a.keep:
            subprocess.run([os.path.join(ROOT, "tools/servers"), "down", a.servers_dir])


if __name__ == "__main__":
    sys.exit(main())
