"""What the side-by-side bench and the peers' smoke test share.

  * Function: one Lambda function (ours or a peer) unzipped into a directory
    and served by its own tools/emulator.py instance (its own Runtime API
    port, in this process), with the kernel's view of its process: CPU
    clock, utime+stime, peak RSS.
  * setup(): one copy of the orders table per function in DATABASE, and a
    routes table whose route for each function's stream ARN names that copy.
  * orders_batch(): a distinct orders batch (tools/make_events.py) per shard,
    and the canonical rows it must become; check_table() compares a table
    with them value for value.

Each function's stream is arn:...:stream/orders-<name>, so the same batch
lands in orders_<name> whichever function serves it.
"""
import argparse
import base64
import contextlib
import datetime
import hashlib
import io
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import emulator  # noqa: E402
import make_events  # noqa: E402
import replay  # noqa: E402  (botocore DynamoDB client for the setup)

DATABASE = "peers_bench"
ROUTES_TABLE = "peers-bench-routes"
ORDERS_ARN = make_events.arn("orders")
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Columns as selected for the comparison, canonical text per value (TSV): every
# column a record gives a value to. `discount` is not among them: no record
# has it, so it holds the table's DEFAULT 0.05 where the insert leaves the
# column to the server, and 0 where ClickHouse 18.16's JSONEachRow fills an
# omitted field with the type's zero value; discounts() reports it.
COLUMNS = ("_shard_id, _sequence_number, toString(order_id), toUInt32(event_time), customer_id, "
           "sku, quantity, toString(price), currency, toString(status), "
           "arrayStringConcat(tags, ','), coupon, _partition_key, "
           "toUInt32(_approximate_arrival_timestamp)")


def arn(name):
    return make_events.arn(f"orders-{name}")


def table(name):
    return f"orders_{name}"


def clickhouse(url, sql, database=DATABASE):
    q = "/?" + urllib.parse.urlencode({"database": database}) if database else "/"
    with urllib.request.urlopen(urllib.request.Request(url + q, data=sql.encode()), timeout=60) as r:
        return r.read().decode()


def setup(servers, names, routes_table=ROUTES_TABLE):
    url = servers["K2C_CLICKHOUSE_URL"]
    clickhouse(url, f"DROP DATABASE IF EXISTS {DATABASE}", None)
    clickhouse(url, f"CREATE DATABASE {DATABASE}", None)
    ddl = open(os.path.join(ROOT, "schema/examples/orders.sql")).read()
    ddb = replay.dynamodb(servers["K2C_DYNAMODB_URL"])
    if routes_table not in ddb.list_tables()["TableNames"]:
        ddb.create_table(TableName=routes_table, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "stream_arn", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "stream_arn", "KeyType": "HASH"}])
        while ddb.describe_table(TableName=routes_table)["Table"]["TableStatus"] != "ACTIVE":
            time.sleep(0.02)
    for name in names:
        clickhouse(url, ddl.replace("CREATE TABLE IF NOT EXISTS orders",
                                    f"CREATE TABLE {table(name)}"))
        ddb.put_item(TableName=routes_table, Item={"stream_arn": {"S": arn(name)},
                                                   "table": {"S": table(name)},
                                                   "database": {"S": DATABASE}})


class Batch:
    """An orders batch of n records on shard `shard` (seeded by it), as event text."""

    def __init__(self, n, shard):
        self.n, self.shard = n, shard
        self.event = make_events.orders_event(n, seed=shard, shard=shard)
        self.text = json.dumps(self.event, indent=1)  # as tools/make_events.py writes it

    def for_function(self, name):
        return self.text.replace(f'"{ORDERS_ARN}"', f'"{arn(name)}"').encode()

    def expected_lines(self):
        """The rows the batch must become, as COLUMNS selects them, minus _shard_id."""
        lines = []
        for r in self.event["Records"]:
            k = r["kinesis"]
            o = json.loads(base64.b64decode(k["data"]))
            when = int(datetime.datetime.fromisoformat(o["event_time"]).timestamp())
            lines.append("\t".join(str(v) for v in (
                k["sequenceNumber"], o["order_id"], when, o["customer_id"], o["sku"], o["quantity"],
                o["price"], o["currency"], o["status"], ",".join(o["tags"]),
                "\\N" if o["coupon"] is None else o["coupon"],
                k["partitionKey"], int(k["approximateArrivalTimestamp"]))))
        return lines

    def shard_id(self):
        return self.event["Records"][0]["eventID"].split(":")[0]

    def digest(self):
        return digest_lines(self.expected_lines())


def digest_lines(lines):
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode() + b"\n")
    return len(lines), h.hexdigest()


def check_table(url, name, expected):
    """Compares orders_<name> with {shard_id: (rows, sha256)}; returns a list of problems."""
    problems = []
    wrong_arn = clickhouse(url, f"SELECT count() FROM {table(name)} "
                                f"WHERE _stream_arn != '{arn(name)}'").strip()
    if wrong_arn != "0":
        problems.append(f"{wrong_arn} rows with another _stream_arn")
    q = f"SELECT {COLUMNS} FROM {table(name)} ORDER BY _shard_id, _sequence_number FORMAT TSV"
    req = urllib.request.Request(url + "/?" + urllib.parse.urlencode({"database": DATABASE}),
                                 data=q.encode())
    got, shard, lines = {}, None, []
    with urllib.request.urlopen(req, timeout=300) as r:
        for raw in io.TextIOWrapper(r, encoding="utf-8", newline="\n"):
            s, _, rest = raw.rstrip("\n").partition("\t")
            if s != shard:
                if shard is not None:
                    got[shard] = digest_lines(lines)
                shard, lines = s, []
            lines.append(rest)
    if shard is not None:
        got[shard] = digest_lines(lines)
    for s in sorted(set(expected) | set(got)):
        if expected.get(s) != got.get(s):
            want, have = expected.get(s, (0, "")), got.get(s, (0, ""))
            problems.append(f"{s}: {have[0]} rows, expected {want[0]}"
                            + ("" if have[0] != want[0] else " (values differ)"))
    return problems


def discounts(url, name):
    """What the omitted `discount` column holds: "0.05 in 1,000 rows", ..."""
    rows = clickhouse(url, f"SELECT discount, count() FROM {table(name)} GROUP BY discount "
                           "ORDER BY discount FORMAT TSV").split()
    return ", ".join(f"{v} in {int(n):,} rows" for v, n in zip(rows[::2], rows[1::2])) or "no rows"


def first_difference(url, name, batch):
    """For a report: the first row of `batch` that orders_<name> holds differently."""
    q = (f"SELECT {COLUMNS} FROM {table(name)} WHERE _shard_id = '{batch.shard_id()}' "
         "ORDER BY _sequence_number FORMAT TSV")
    have = [line.partition("\t")[2] for line in clickhouse(url, q).splitlines()]
    want = batch.expected_lines()
    for i in range(max(len(want), len(have))):
        w = want[i] if i < len(want) else None
        h = have[i] if i < len(have) else None
        if w != h:
            return f"row {i}: expected {w!r}\n    got {h!r}"
    return "no difference"


class Function:
    """One function served by its own emulator: a Lambda zip, unzipped into
    `task_dir`, or a bootstrap executable run where it is."""

    def __init__(self, name, source, task_dir, env, log, memory_mb=128):
        self.name = name
        bootstrap = source
        if source.endswith(".zip"):
            os.makedirs(task_dir, exist_ok=True)
            subprocess.run(["unzip", "-q", "-o", source, "-d", task_dir], check=True)
            bootstrap = os.path.join(task_dir, "bootstrap")
        args = argparse.Namespace(
            bootstrap=bootstrap, env=sorted(env.items()),
            timeout_ms=60000, init_timeout_ms=10000, json_out=None, function_name=f"peers-{name}",
            memory_mb=memory_mb, inherit_env=False)
        self.emu = emulator.Emulator(args)
        self.emu.child_output = log
        threading.Thread(target=self.emu.server.serve_forever, daemon=True).start()

    def invoke(self, body, label="event"):
        """Serves one event (starting the process if needed); returns the Invocation."""
        inv = emulator.Invocation(label, body, self.emu.args.timeout_ms, self.emu.arn)
        with contextlib.redirect_stdout(io.StringIO()):  # the emulator's cold_start_ms line
            if not self.emu.invoke(inv):
                raise RuntimeError(f"{self.name}: init error {self.emu.state.init_error}")
        return inv

    def cold_start_ms(self):
        return self.emu.cold_start_ms

    @property
    def pid(self):
        return self.emu.proc.pid

    def cpu_ns(self):
        """The process's CPU clock (every thread, user + system), as clock_getcpuclockid(pid)."""
        return time.clock_gettime_ns(((~self.pid) << 3) | 2)

    def stat_cpu_ms(self):
        """utime + stime from /proc/<pid>/stat, in clock ticks turned into ms."""
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / CLK_TCK

    def peak_rss_kib(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmHWM")

    def stop(self):
        self.emu.stop()

    def close(self):
        if self.emu.state.stopping:
            return
        self.emu.stop()
        with self.emu.state.cond:
            self.emu.state.stopping = True
            self.emu.state.cond.notify_all()
        self.emu.server.shutdown()
        self.emu.server.server_close()


def function_env(servers, routes_table=ROUTES_TABLE):
    """The same environment for every function, ours included."""
    return {"CLICKHOUSE_URL": servers["K2C_CLICKHOUSE_URL"], "ROUTES_TABLE": routes_table,
            "AWS_ENDPOINT_URL_DYNAMODB": servers["K2C_DYNAMODB_URL"], "AWS_REGION": "eu-west-1",
            "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}


def answered_ok(inv):
    try:
        return inv.outcome == "response" and json.loads(inv.result_body) == {"batchItemFailures": []}
    except ValueError:
        return False
