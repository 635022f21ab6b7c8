#!/usr/bin/env python3
"""Replays Kinesis events through the real bootstrap against local servers.

    tools/replay.py --bootstrap build/bootstrap [--keep] [--servers-env FILE] [--metrics-out FILE] [EVENT_FILE...]

Starts ClickHouse and dynalite on 127.0.0.1 (tools/servers, data under
build/replay-servers), creates the example tables (schema/examples/*.sql, the
variant the server can run, see example_ddl) and the routes
(schema/examples/routes.json), then the tables and routes that
`./dev connect --apply` registered (build/connect/), runs bootstrap under the
local Runtime API emulator (tools/emulator.py) with every event file (default:
events/*.json), prints each batch's outcome, the metrics lines bootstrap wrote
on stdout (CloudWatch Embedded Metric Format, one JSON document per line,
exactly as CloudWatch Logs would receive them; also kept in --metrics-out,
default build/replay-metrics.jsonl), a summary of what landed where and the
seed workloads' questions answered (tools/seed_questions.py), then stops the
servers by PID (unless --keep). With --servers-env it uses servers that are
already running (tools/servers up DIR wrote FILE) and leaves them be.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chsql  # noqa: E402
import seed_questions  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROUTES_TABLE = "kinesis-clickhouse-routes"
DEAD_LETTER_TABLE = "kinesis_dead_letter"
CONNECT_DIR = os.path.join(ROOT, "build/connect")
# A layout NAME.sql is for current ClickHouse; NAME.18.16.sql, where there is
# one, is what older servers run instead (no TTL, skipping indexes, codecs,
# DateTime64 or JSON type). JSON is production-ready from 25.3 on.
CURRENT_FROM = (25, 3)


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


read_env = chsql.read_env


def clickhouse(url, sql):
    try:
        return chsql.query(url, sql)
    except chsql.QueryError as e:
        raise SystemExit(f"ClickHouse refused: {sql[:80]}...\n{e}")


def version_tuple(text):
    return tuple(int(x) for x in re.findall(r"\d+", text)[:2])


def example_ddl(version, directory=None):
    """The example DDL files the server of this version runs, in name order."""
    directory = directory or os.path.join(ROOT, "schema/examples")
    current = version_tuple(version) >= CURRENT_FROM
    chosen = []
    for path in sorted(glob.glob(os.path.join(directory, "*.sql"))):
        name = os.path.basename(path)
        if name.endswith(".18.16.sql"):
            if not current:
                chosen.append(path)
        elif current or not os.path.exists(path[:-4] + ".18.16.sql"):
            chosen.append(path)
    return chosen


def connected(connect_dir):
    """What ./dev connect --apply registered: (DDL files, routes)."""
    if not connect_dir or not os.path.isdir(connect_dir):
        return [], []
    routes_file = os.path.join(connect_dir, "routes.json")
    routes = json.load(open(routes_file)) if os.path.exists(routes_file) else []
    return sorted(glob.glob(os.path.join(connect_dir, "*.sql"))), routes


def route_item(r):
    item = {"stream_arn": {"S": r["stream_arn"]}, "table": {"S": r["table"]}}
    for attr in ("database", "format", "table_field"):
        if r.get(attr):
            item[attr] = {"S": r[attr]}
    return item


def dynamodb(endpoint):
    import botocore.session  # Debian's python3-botocore
    session = botocore.session.get_session()
    return session.create_client(
        "dynamodb", endpoint_url=endpoint, region_name="eu-west-1",
        aws_access_key_id="local", aws_secret_access_key="local")


def ensure_routes_table(ddb, name):
    if name not in ddb.list_tables()["TableNames"]:
        ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "stream_arn", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "stream_arn", "KeyType": "HASH"}])
        for _ in range(200):  # creation is asynchronous, even with --createTableMs 0
            if ddb.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE":
                break
            time.sleep(0.02)


def setup(servers, routes, routes_table=ROUTES_TABLE, ddl_files=None):
    """Creates the tables (the example DDL the server runs, unless ddl_files) and puts the routes."""
    url = servers["K2C_CLICKHOUSE_URL"]
    if ddl_files is None:
        ddl_files = example_ddl(chsql.server_version(url))
    for ddl in ddl_files:
        for statement in chsql.statements(open(ddl).read()):
            clickhouse(url, statement)
    ddb = dynamodb(servers["K2C_DYNAMODB_URL"])
    ensure_routes_table(ddb, routes_table)
    for r in routes:
        ddb.put_item(TableName=routes_table, Item=route_item(r))
    return ddl_files


def qualified(r):
    db = r.get("database") or "default"
    return r["table"] if db == "default" else f"{db}.{r['table']}"


def quoted(name):
    return ".".join(f"`{part}`" for part in name.split("."))


def summary(servers, routes):
    url = servers["K2C_CLICKHOUSE_URL"]
    print("\nWhat landed:")
    for table in sorted({qualified(r) for r in routes}):
        n = clickhouse(url, f"SELECT count() FROM {quoted(table)}").strip()
        print(f"  {table:<28} {n:>6} rows")
    exists = clickhouse(url, f"EXISTS TABLE `{DEAD_LETTER_TABLE}`").strip()
    if exists == "1":
        rows = clickhouse(url, f"SELECT target_table, error_kind, count() FROM `{DEAD_LETTER_TABLE}` "
                               "GROUP BY target_table, error_kind ORDER BY target_table, error_kind "
                               "FORMAT TSV").strip()
        total = clickhouse(url, f"SELECT count() FROM `{DEAD_LETTER_TABLE}`").strip()
        print(f"  {DEAD_LETTER_TABLE:<28} {total:>6} rows")
        for line in rows.splitlines():
            t, kind, n = line.split("\t")
            print(f"    {t:<26} {kind:<18} {n:>4}")
    else:
        print(f"  {DEAD_LETTER_TABLE:<28}      0 rows (not created: no bad records)")


def table_rows(url, name):
    exists = clickhouse(url, f"EXISTS TABLE {quoted(name)}").strip() == "1"
    return int(clickhouse(url, f"SELECT count() FROM {quoted(name)}").strip()) if exists else -1


def answers(servers, routes, out=sys.stdout):
    """The seed questions, answered from the server; those whose tables are empty are left out."""
    url = servers["K2C_CLICKHOUSE_URL"]
    routed = {qualified(r) for r in routes}
    shown = 0
    for q in seed_questions.QUESTIONS:
        if any(table_rows(url, t) <= 0 for t in q["tables"]):
            source = q["tables"][0]
            if source in {"shop.events", "shop.orders", "telemetry.app_events"} and source not in routed:
                print(f"\n{q['title']}:\n  not answered: its stream is routed elsewhere now "
                      f"(./dev connect --apply; build/connect/routes.json)", file=out)
            continue
        if shown == 0:
            print("\nAnswers from the seed workloads (tools/seed_questions.py; "
                  "try your own with ./dev sql):", file=out)
        shown += 1
        print(f"\n{q['title']}:", file=out)
        try:
            table = chsql.render(*chsql.select(url, q["sql"]))
        except chsql.QueryError as e:
            table = f"ClickHouse refused the question: {e}"
        print("  " + table.replace("\n", "\n  "), file=out)


def metrics(path):
    with open(path) as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    print(f"\nMetrics (bootstrap's stdout: {len(lines)} EMF line(s), also in {os.path.relpath(path)}):")
    for line in lines:
        print(line)  # whole and alone on its line, so it can be copied as it is


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--keep", action="store_true", help="leave the servers running")
    ap.add_argument("--servers-dir", default=os.path.join(ROOT, "build/replay-servers"))
    ap.add_argument("--metrics-out", default=os.path.join(ROOT, "build/replay-metrics.jsonl"),
                    help="where bootstrap's stdout (its EMF lines) is kept")
    ap.add_argument("--servers-env", help="use the running servers this env file names (tools/servers up)")
    ap.add_argument("--connect-dir", default=CONNECT_DIR,
                    help="tables and routes registered by ./dev connect --apply ('' for none)")
    ap.add_argument("events", nargs="*")
    a = ap.parse_args()
    events = a.events or sorted(glob.glob(os.path.join(ROOT, "events/*.json")))
    routes = json.load(open(os.path.join(ROOT, "schema/examples/routes.json")))
    own_ddl, own_routes = connected(a.connect_dir)
    streams = {r["stream_arn"] for r in own_routes}
    routes = [r for r in routes if r["stream_arn"] not in streams] + own_routes

    start = not a.servers_env
    if start:
        subprocess.run([os.path.join(ROOT, "tools/servers"), "up", a.servers_dir], check=True)
    try:
        servers = read_env(a.servers_env or os.path.join(a.servers_dir, "env"))
        ddl = setup(servers, routes)
        if own_ddl:
            setup(servers, [], ddl_files=own_ddl)
            print(f"Tables and routes of ./dev connect --apply: {', '.join(qualified(r) for r in own_routes)} "
                  f"({os.path.relpath(a.connect_dir, ROOT)}; rm -r it to forget them)")
        print("Tables from: " + ", ".join(os.path.relpath(p, ROOT) for p in ddl + own_ddl))
        os.makedirs(os.path.dirname(os.path.abspath(a.metrics_out)), exist_ok=True)
        open(a.metrics_out, "w").close()  # this replay's lines only
        with tempfile.NamedTemporaryFile(suffix=".json") as out, tempfile.TemporaryDirectory() as staging:
            events = stage_events(events, staging)
            cmd = [sys.executable, os.path.join(ROOT, "tools/emulator.py"),
                   "--bootstrap", a.bootstrap, "--json-out", out.name,
                   "--bootstrap-stdout", a.metrics_out,
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
        metrics(a.metrics_out)
        summary(servers, routes)
        answers(servers, routes)
        if a.keep and start:
            print(f"\nServers left running (./dev sql queries them); stop them with: "
                  f"tools/servers down {a.servers_dir}")
        return rc
    finally:
        if start and not a.keep:
            subprocess.run([os.path.join(ROOT, "tools/servers"), "down", a.servers_dir])


if __name__ == "__main__":
    sys.exit(main())
