#!/usr/bin/env python3
"""./dev connect: onboard a stream. Infers a ClickHouse table from a sample of
its records, prints the CREATE TABLE and the route for review, and with
--apply creates the table and puts the route.

    ./dev connect SAMPLE.json [options]           a Lambda Kinesis event file (or get-records output)
    ./dev connect --stream NAME|ARN [--limit 500] records read from a stream (TRIM_HORIZON)

  --table NAME, --database DB   the target (default: the stream's name, `default`)
  --format json|text            take one shape from a mixed sample (json: the JSON
                                objects; text: every payload whole in _raw)
  --for current|18.16           print for that server (default: current ClickHouse,
                                or the server of --clickhouse-url / --apply, probed)
  --apply                       create the table and put the route item
  --clickhouse-url URL          ClickHouse to create it in (else CLICKHOUSE_URL, with
                                CLICKHOUSE_USER / CLICKHOUSE_PASSWORD; else the local
                                server, started with tools/servers when none runs)
  --routes-table NAME           DynamoDB routes table (else ROUTES_TABLE; the local
                                dynalite's when ClickHouse is the local one); endpoint
                                from AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL, region
                                from AWS_REGION or the stream ARN
  --replace-route               replace a route that sends the stream elsewhere (the
                                local routes table is always replaced)
  --servers-env FILE            the local servers to apply to (default: ./dev up's, or
                                ./dev replay --keep's); --connect-dir: where the local
                                table and route are registered (build/connect)

Reading a stream: endpoint from --kinesis-url, AWS_ENDPOINT_URL_KINESIS or
AWS_ENDPOINT_URL (kinesalite for a local stream), credentials as botocore finds
them. Applied to the local servers, the table and route are also registered in
build/connect/, which ./dev replay creates on its fresh servers (rm -r
build/connect to forget them).
"""
import argparse
import json
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chsql  # noqa: E402
import connect_infer as ci  # noqa: E402

ROOT = chsql.ROOT
LOCAL_ROUTES_TABLE = "kinesis-clickhouse-routes"  # tools/replay.py's
CONNECT_DIR = os.path.join(ROOT, "build/connect")


def fail(msg, code=1):
    print(f"./dev connect: {msg}", file=sys.stderr)
    sys.exit(code)


def region_of(arn):
    parts = (arn or "").split(":")
    return parts[3] if len(parts) > 5 and parts[3] else None


def botocore_client(service, endpoint, region):
    import botocore.session  # Debian's python3-botocore
    session = botocore.session.get_session()
    kw = {"region_name": region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
          or "us-east-1"}
    if endpoint:
        kw["endpoint_url"] = endpoint
        if session.get_credentials() is None:  # a local server takes any key
            kw.update(aws_access_key_id="local", aws_secret_access_key="local")
    return session.create_client(service, **kw)


def read_stream(stream, limit, endpoint):
    """Up to `limit` records from every shard of the stream, from TRIM_HORIZON -> (records, arn)."""
    import botocore.exceptions
    name = stream.rsplit("/", 1)[-1]
    kinesis = botocore_client("kinesis", endpoint, region_of(stream))
    try:
        desc = kinesis.describe_stream(StreamName=name)["StreamDescription"]
    except botocore.exceptions.ClientError as e:
        fail(f"cannot read stream {name}: {e}")
    except botocore.exceptions.BotoCoreError as e:
        fail(f"cannot reach Kinesis for stream {name}: {e}")
    arn, recs = desc["StreamARN"], []
    for shard in desc["Shards"]:
        it = kinesis.get_shard_iterator(StreamName=name, ShardId=shard["ShardId"],
                                        ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        for _ in range(20):  # bounded: a few empty answers mean the shard is read up to now
            if not it or len(recs) >= limit:
                break
            r = kinesis.get_records(ShardIterator=it, Limit=min(10000, limit - len(recs)))
            for x in r["Records"]:
                recs.append(ci.Record(len(recs) + 1, x["Data"], arn, x["SequenceNumber"], x["PartitionKey"]))
            it = r.get("NextShardIterator")
            if not r["Records"] and r.get("MillisBehindLatest", 0) == 0:
                break
    if not recs:
        fail(f"stream {name} has no records to sample (from TRIM_HORIZON); put some first")
    return recs, arn


def probe(url, user=None, password=None):
    kw = {"user": user, "password": password}
    version = chsql.server_version(url, **kw)
    families = chsql.type_families(url, **kw)
    settings = {}
    text = chsql.query(url, "SELECT name, value FROM system.settings WHERE name IN "
                            "('allow_experimental_low_cardinality_type') FORMAT TSV", **kw)
    for line in text.splitlines():
        k, v = line.split("\t", 1)
        settings[k] = v
    return ci.caps_from_server(version, families, settings)


def local_servers():
    env = chsql.running_servers()
    if env:
        return env, False
    d = os.path.join(ROOT, "build/servers")
    print(f"no local servers running: starting them (tools/servers up {d}; stop with ./dev down)",
          file=sys.stderr)
    subprocess.run([os.path.join(ROOT, "tools/servers"), "up", d], check=True, stdout=sys.stderr)
    return chsql.read_env(os.path.join(d, "env")), True


def register_local(ddl, database, table, route, directory=CONNECT_DIR):
    """Keeps the applied table and route for ./dev replay, which starts clean servers."""
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, f"{database}.{table}.sql")
    create_db = "" if database == "default" else f"CREATE DATABASE IF NOT EXISTS {ci.quote(database)};\n"
    with open(path, "w") as f:
        f.write(create_db + ddl + "\n")
    routes_path = os.path.join(directory, "routes.json")
    routes = json.load(open(routes_path)) if os.path.exists(routes_path) else []
    routes = [r for r in routes if r["stream_arn"] != route["stream_arn"]] + [route]
    with open(routes_path, "w") as f:
        json.dump(routes, f, indent=1)
        f.write("\n")
    return path


def apply(a, ddl, database, table, fmt, stream_arn, ch):
    url, user, password, local = ch
    kw = {"user": user, "password": password}
    exists = chsql.query(url, f"EXISTS TABLE {ci.quote(database)}.{ci.quote(table)}", **kw).strip() == "1"
    if database != "default":
        chsql.query(url, f"CREATE DATABASE IF NOT EXISTS {ci.quote(database)}", **kw)
    if exists:
        print(f"table {database}.{table} exists already: left as it is")
    else:
        chsql.query(url, ddl.rstrip().rstrip(";"), **kw)
        print(f"created {database}.{table} at {url}")

    if local:
        endpoint, routes_table, region = local["K2C_DYNAMODB_URL"], a.routes_table or LOCAL_ROUTES_TABLE, "eu-west-1"
    else:
        routes_table = a.routes_table or os.environ.get("ROUTES_TABLE")
        if not routes_table:
            fail("say which routes table gets the route: --routes-table NAME (the stack's "
                 "RoutesTableName output) or ROUTES_TABLE")
        endpoint = a.dynamodb_url or os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or os.environ.get("AWS_ENDPOINT_URL")
        region = region_of(stream_arn)
    ddb = botocore_client("dynamodb", endpoint, region)
    if local:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import replay
        replay.ensure_routes_table(ddb, routes_table)
    item = ci.route_item(stream_arn, database, table, fmt)
    old = ddb.get_item(TableName=routes_table, Key={"stream_arn": {"S": stream_arn}}).get("Item")
    if old and old != item:
        where = f"{old.get('database', {}).get('S', 'default')}.{old.get('table', {}).get('S', '?')}"
        if not local and not a.replace_route:
            fail(f"the stream is routed to {where} already; --replace-route replaces that route")
        print(f"replacing the route to {where}")
    ddb.put_item(TableName=routes_table, Item=item)
    print(f"route put in {routes_table}: {stream_arn} -> {database}.{table} (format {fmt})")
    if local:
        route = {"stream_arn": stream_arn, "table": table, "database": database, "format": fmt}
        path = register_local(ddl, database, table, route, a.connect_dir)
        print(f"registered for ./dev replay: {os.path.relpath(path, ROOT)}, "
              f"{os.path.relpath(os.path.join(a.connect_dir, 'routes.json'), ROOT)}")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="./dev connect", description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("sample", nargs="?", help="a Lambda Kinesis event file")
    ap.add_argument("--stream", help="read the sample from this stream (name or ARN)")
    ap.add_argument("--stream-arn", help="the stream ARN, for samples that do not carry it")
    ap.add_argument("--limit", type=int, default=500, help="records to read from --stream")
    ap.add_argument("--kinesis-url")
    ap.add_argument("--table")
    ap.add_argument("--database", default="default")
    ap.add_argument("--format", choices=["json", "text"])
    ap.add_argument("--for", dest="target", choices=["current", "18.16"])
    ap.add_argument("--apply", action="store_true")
    ap.add_argument("--clickhouse-url")
    ap.add_argument("--routes-table")
    ap.add_argument("--dynamodb-url")
    ap.add_argument("--replace-route", action="store_true")
    ap.add_argument("--servers-env", help="local servers to apply to (tools/servers up DIR wrote this file)")
    ap.add_argument("--connect-dir", default=CONNECT_DIR, help="where ./dev replay finds what --apply made locally")
    a = ap.parse_args(argv)
    if bool(a.sample) == bool(a.stream):
        fail("give a sample file or --stream NAME (one of them)", 2)

    if a.stream:
        endpoint = a.kinesis_url or os.environ.get("AWS_ENDPOINT_URL_KINESIS") or os.environ.get("AWS_ENDPOINT_URL")
        records, arn = read_stream(a.stream, a.limit, endpoint)
        source = f"stream {arn} ({len(records)} records)"
    else:
        try:
            text = open(a.sample, encoding="utf-8").read()
        except (OSError, UnicodeDecodeError) as e:
            fail(f"cannot read {a.sample}: {e}")
        try:
            records = ci.records_from_event(text, a.stream_arn)
        except ci.SampleError as e:
            fail(f"{a.sample}: {e}")
        arn = next((r.stream_arn for r in records if r.stream_arn), a.stream_arn or "")
        source = os.path.relpath(a.sample) if not os.path.isabs(a.sample) else a.sample

    for name, value in (("--table", a.table), ("--database", a.database)):
        if value and not ci.IDENT.match(value):
            fail(f"{name} {value!r}: table and database names are identifiers, [A-Za-z_][A-Za-z0-9_]*")
    table = a.table or ci.table_name_for(arn)

    ch = None
    if a.apply or a.clickhouse_url:
        url = a.clickhouse_url or os.environ.get("CLICKHOUSE_URL")
        if a.servers_env:
            env = chsql.read_env(a.servers_env)
            ch = (env["K2C_CLICKHOUSE_URL"], None, None, env)
        elif url:
            ch = (url, os.environ.get("CLICKHOUSE_USER"), os.environ.get("CLICKHOUSE_PASSWORD"), None)
        else:
            env, _ = local_servers()
            ch = (env["K2C_CLICKHOUSE_URL"], None, None, env)
        try:
            caps = probe(ch[0], ch[1], ch[2])
        except chsql.QueryError as e:
            fail(str(e))
        if a.target:
            print(f"-- note: --for {a.target} ignored: the DDL is for the server it goes to", file=sys.stderr)
    else:
        caps = ci.CH_18_16 if a.target == "18.16" else ci.CURRENT

    try:
        layout = ci.infer(ci.classify(records), caps, a.format)
    except ci.SampleError as e:
        fail(f"{source}: {e}")
    ddl = ci.create_table(layout, a.database, table, caps, source)
    print(ddl)
    print()
    for note in layout.notes:
        print(f"-- note: {note}")
    if not arn:
        print("-- note: the sample names no stream: pass --stream-arn ARN for the route")
    item = ci.route_item(arn or "<stream ARN>", a.database, table, layout.format)
    print("-- Route, an item of the routes table (DynamoDB JSON):")
    print("-- " + json.dumps(item))
    if not a.apply:
        print("-- Nothing created. --apply creates the table and puts the route.")
        return 0
    if not arn:
        fail("--apply needs the stream's ARN: --stream-arn ARN")
    print()
    try:
        apply(a, ddl, a.database, table, layout.format, arn, ch)
    except chsql.QueryError as e:
        fail(f"ClickHouse refused: {e}")
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends it quietly
    sys.exit(main())
