#!/usr/bin/env python3
"""The seed workloads end to end, against the real local servers.

    seed_test.py SERVERS_ENV BOOTSTRAP

SERVERS_ENV is tools/servers' env (Debian's 18.16), or the env of the k2c_modern
fixture (tests/integration/modern/engine: ClickHouse 26.7 in chDB, behind
front_end.js, with a dynalite of its own); then only the Seed tests run, on
the current-server DDL (shop.sql, telemetry.sql). The ./dev connect tests
(class Connect) are for tools/servers only.

The DDL the server runs (on Debian's 18.16: shop.18.16.sql, telemetry.18.16.sql;
on 26.7: shop.sql, telemetry.sql) is created for real; the seed events are replayed through the real bootstrap
under the Runtime API emulator; every record lands; and each seed question
(tools/seed_questions.py) gets the answer computed here, independently, from
the event files themselves. Then ./dev connect: the telemetry sample gives a
table with tstamp DateTime64(6) for current ClickHouse, --apply creates the
18.16 form and routes the stream to it, and a replay lands every record there;
and a sample read from a local stream (kinesalite, started and stopped here by
PID) infers the same table. No timed assertion.
"""
import base64
import collections
import datetime as dt
import decimal
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import warnings
import zoneinfo

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import chsql  # noqa: E402
import connect_infer as ci  # noqa: E402
import replay  # noqa: E402
import seed_questions  # noqa: E402

SERVERS_ENV, BOOTSTRAP = sys.argv[1], sys.argv[2]
MODERN = "K2C_MODERN_URL" in chsql.read_env(SERVERS_ENV)


def servers_env():
    """The servers' env; the modern fixture's engine URL under the name tools/servers use."""
    env = chsql.read_env(SERVERS_ENV)
    if MODERN:
        env.setdefault("K2C_CLICKHOUSE_URL", env["K2C_MODERN_URL"])
    return env
ROUTES_TABLE = "routes-seed-test"
EVENTS = {s: os.path.join(ROOT, "events", s + ".json") for s in ("shop-clickstream", "shop-orders", "app-telemetry")}
SEED_ROUTES = [r for r in json.load(open(os.path.join(ROOT, "schema/examples/routes.json")))
               if r.get("database") in ("shop", "telemetry")]


def payloads(stream):
    with open(EVENTS[stream]) as f:
        return [json.loads(base64.b64decode(r["kinesis"]["data"])) for r in json.load(f)["Records"]]


def seconds(text):
    """ISO 8601 or 'YYYY-MM-DD hh:mm:ss.ffffff' -> whole Unix seconds (what DateTime keeps)."""
    d = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.timezone.utc)
    return int(d.timestamp())


def cents(x):
    return round(x * 100)


def money(c):
    return f"{c // 100}.{c % 100:02d}"


def as_money(text):
    """A Decimal(S, 2) as the server wrote it -> money(): 18.16 writes 672.00, current servers 672
    (output_format_decimal_trailing_zeros is 0 by default since 21.9). The value itself is compared."""
    return f"{decimal.Decimal(text):.2f}"


def money_at(rows, i):
    return [[*r[:i], as_money(r[i]), *r[i + 1:]] for r in rows]


def emulate(events, extra_env=(), routes_table=ROUTES_TABLE):
    servers = servers_env()
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable, os.path.join(ROOT, "tools/emulator.py"), "--bootstrap", BOOTSTRAP,
               "--timeout-ms", "30000", "--json-out", out.name,
               "--env", f"CLICKHOUSE_URL={servers['K2C_CLICKHOUSE_URL']}",
               "--env", f"ROUTES_TABLE={routes_table}",
               "--env", f"AWS_ENDPOINT_URL_DYNAMODB={servers['K2C_DYNAMODB_URL']}",
               "--env", "AWS_REGION=eu-west-1", "--env", "AWS_ACCESS_KEY_ID=local",
               "--env", "AWS_SECRET_ACCESS_KEY=local", "--env", "ROUTE_CACHE_TTL_SECONDS=0",
               *[x for e in extra_env for x in ("--env", e)], *events]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        results = json.load(open(out.name)) if os.path.getsize(out.name) else []
    return proc, results


class Seed(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.servers = servers_env()
        cls.url = cls.servers["K2C_CLICKHOUSE_URL"]
        for db in ("shop", "telemetry", "seed_connect"):
            chsql.query(cls.url, f"DROP DATABASE IF EXISTS {db}")
        cls.version = chsql.server_version(cls.url)
        cls.ddl = replay.setup(cls.servers, SEED_ROUTES, routes_table=ROUTES_TABLE)
        if not cls.version.startswith("18."):
            # The sample events have fixed dates; with the current DDL's TTLs
            # a merge would drop them once they are older than the TTL. The
            # test is of the layout and the answers, not of the calendar: no
            # TTL merges while it runs.
            chsql.query(cls.url, "SYSTEM STOP TTL MERGES")
        cls.proc, cls.results = emulate(list(EVENTS.values()))
        tz = chsql.query(cls.url, "SELECT timezone()").strip()
        try:
            cls.tz = zoneinfo.ZoneInfo(tz)
        except zoneinfo.ZoneInfoNotFoundError:  # no tzdata: fine for the usual UTC server
            if tz not in ("UTC", "Etc/UTC"):
                raise
            cls.tz = dt.timezone.utc

    def answer(self, key):
        q = next(q for q in seed_questions.QUESTIONS if q["key"] == key)
        names, _, rows, totals = chsql.select(self.url, q["sql"])
        return names, rows, totals

    def test_the_ddl_the_server_runs_is_created(self):
        names = [os.path.basename(p) for p in self.ddl]
        if self.version.startswith("18.16"):
            self.assertIn("shop.18.16.sql", names)
            self.assertIn("telemetry.18.16.sql", names)
        else:
            self.assertIn("shop.sql", names)
            self.assertIn("telemetry.sql", names)
            self.assertNotIn("shop.18.16.sql", names)
        tables = dict(line.split("\t") for line in chsql.query(
            self.url, "SELECT concat(database, '.', name), engine FROM system.tables "
                      "WHERE database IN ('shop', 'telemetry') FORMAT TSV").splitlines())
        self.assertEqual(tables["shop.events"], "MergeTree")
        self.assertEqual(tables["shop.events_hourly"], "SummingMergeTree")
        self.assertEqual(tables["shop.funnel_hourly"], "AggregatingMergeTree")
        self.assertEqual(tables["shop.country_daily"], "SummingMergeTree")
        self.assertEqual(tables["shop.product_revenue_daily"], "SummingMergeTree")
        for mv in ("events_hourly_mv", "funnel_hourly_mv", "country_daily_mv", "product_revenue_daily_mv"):
            self.assertEqual(tables["shop." + mv], "MaterializedView")
        self.assertEqual(tables["telemetry.app_events"], "MergeTree")
        self.assertEqual(tables["telemetry.app_events_parsed"], "View")

    def test_the_current_features_are_in_the_tables(self):
        """What shop.sql and telemetry.sql have and 18.16 lacks is there as written, not dropped."""
        if self.version.startswith("18.16"):
            self.skipTest("18.16 runs the *.18.16.sql variants")
        indexes = set(chsql.query(self.url, "SELECT concat(database, '.', table, '.', name, ' ', type) FROM "
                                            "system.data_skipping_indices WHERE database IN ('shop', 'telemetry') "
                                            "FORMAT TSV").splitlines())
        self.assertEqual(indexes, {
            "shop.events.idx_session bloom_filter", "shop.events.idx_product bloom_filter",
            "shop.events.idx_country set", "shop.events.idx_price minmax",
            "shop.orders.idx_order bloom_filter", "shop.orders.idx_product bloom_filter",
            "telemetry.app_events.idx_md5 bloom_filter", "telemetry.app_events.idx_session bloom_filter"})
        columns = {k: (t, c) for k, t, c in (line.split("\t") for line in chsql.query(
            self.url, "SELECT concat(database, '.', table, '.', name), type, compression_codec FROM system.columns "
                      "WHERE database IN ('shop', 'telemetry') FORMAT TSVRaw").splitlines())}
        self.assertEqual(columns["shop.events.event_timestamp"], ("DateTime64(3, 'UTC')", "CODEC(Delta(8), ZSTD(1))"))
        self.assertEqual(columns["shop.events.user_id"], ("UInt64", "CODEC(T64, ZSTD(1))"))
        self.assertEqual(columns["telemetry.app_events.tstamp"], ("DateTime64(6, 'UTC')", "CODEC(Delta(8), ZSTD(1))"))
        self.assertEqual(columns["telemetry.app_events.payload_json"][0], "JSON")
        for table in ("shop.events", "shop.orders", "shop.events_hourly", "shop.funnel_hourly", "shop.country_daily",
                      "shop.product_revenue_daily", "telemetry.app_events"):
            create = chsql.query(self.url, f"SELECT create_table_query FROM system.tables WHERE "
                                           f"concat(database, '.', name) = '{table}' FORMAT TSVRaw")
            self.assertIn(" TTL ", create, table)

    def test_the_views_fill(self):
        """Each materialized view's table holds what its source's rows add up to."""
        def one(sql):
            return chsql.query(self.url, sql + " FORMAT TSV").split()
        self.assertEqual(one("SELECT sum(events), sum(units), sum(value) FROM shop.events_hourly"),
                         one("SELECT count(), sum(quantity), sum(price * quantity) FROM shop.events"))
        self.assertEqual(one("SELECT sum(events), sum(purchases) FROM shop.country_daily"),
                         one("SELECT count(), countIf(event_type = 'purchase') FROM shop.events"))
        self.assertEqual(one("SELECT uniqIfMerge(viewed) FROM shop.funnel_hourly"),
                         one("SELECT uniqIf(session_id, event_type = 'page_view') FROM shop.events"))
        self.assertEqual(one("SELECT sum(orders), sum(units), sum(revenue) FROM shop.product_revenue_daily"),
                         one("SELECT count(), sum(quantity), sum(order_total) FROM shop.orders"))
        self.assertNotEqual(one("SELECT count() FROM shop.events"), ["0"])

    def test_every_batch_is_written(self):
        self.assertEqual(len(self.results), 3, self.proc.stderr[-3000:])
        for r in self.results:
            self.assertEqual(r.get("body"), '{"batchItemFailures":[]}', r)

    def test_every_record_lands(self):
        for stream, table in (("shop-clickstream", "shop.events"), ("shop-orders", "shop.orders"),
                              ("app-telemetry", "telemetry.app_events")):
            n = chsql.query(self.url, f"SELECT count() FROM {table}").strip()
            self.assertEqual(int(n), len(payloads(stream)), table)
        if chsql.query(self.url, "EXISTS TABLE kinesis_dead_letter").strip() == "1":
            dead = chsql.query(self.url, "SELECT count() FROM kinesis_dead_letter WHERE target_table IN "
                                         "('shop.events', 'shop.orders', 'telemetry.app_events')").strip()
            self.assertEqual(dead, "0")

    def test_top_products_viewed_in_the_last_hour(self):
        clicks = payloads("shop-clickstream")
        newest = max(seconds(e["event_timestamp"]) for e in clicks)
        views = collections.Counter(e["product_id"] for e in clicks
                                    if e["event_type"] == "page_view" and e.get("product_id")
                                    and seconds(e["event_timestamp"]) >= newest - 3600)
        category = {e["product_id"]: e["category"] for e in clicks if e.get("product_id")}
        want = sorted(views.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        _, rows, _ = self.answer("top_products_viewed")
        self.assertEqual(rows, [[p, category[p], str(n)] for p, n in want])

    def test_hourly_events_from_the_summing_view(self):
        hours = collections.defaultdict(lambda: [0, 0, 0, 0, 0])
        for e in payloads("shop-clickstream"):
            t = dt.datetime.fromtimestamp(seconds(e["event_timestamp"]), self.tz)
            h = hours[t.replace(minute=0, second=0).strftime("%Y-%m-%d %H:%M:%S")]
            h[0] += 1
            h[1] += e["event_type"] == "page_view"
            h[2] += e["event_type"] == "add_to_cart"
            h[3] += e["event_type"] == "purchase"
            if e["event_type"] == "purchase":
                h[4] += cents(e["price"]) * e["quantity"]
        _, rows, _ = self.answer("hourly_events")
        self.assertEqual(money_at(rows, 5), [[h, *map(str, v[:4]), money(v[4])] for h, v in sorted(hours.items())])

    def test_conversion_funnel_from_the_aggregating_view(self):
        steps = collections.defaultdict(set)
        for e in payloads("shop-clickstream"):
            steps[e["event_type"]].add(e["session_id"])
        names, rows, _ = self.answer("funnel")
        got = dict(zip(names, rows[0]))
        want = [len(steps[s]) for s in ("page_view", "add_to_cart", "begin_checkout", "purchase")]
        self.assertEqual([int(got[k]) for k in ("viewed", "added_to_cart", "began_checkout", "purchased")], want)
        self.assertAlmostEqual(float(got["conversion_pct"]), 100 * want[3] / want[0], delta=0.051)

    def test_average_order_value_with_a_discount_code(self):
        orders = payloads("shop-orders")
        newest = max(seconds(o["order_timestamp"]) for o in orders)
        groups = collections.defaultdict(list)
        for o in orders:
            if seconds(o["order_timestamp"]) >= newest - 3600:
                groups["no code" if o["discount_code"] is None else "discount code"].append(cents(o["order_total"]))
        names, rows, _ = self.answer("aov_discount")
        self.assertEqual([r[0] for r in rows], sorted(groups))
        for r in rows:
            got = dict(zip(names, r))
            totals = groups[got["orders_with"]]
            self.assertEqual(int(got["orders"]), len(totals))
            self.assertEqual(as_money(got["revenue"]), money(sum(totals)))
            self.assertAlmostEqual(float(got["avg_order_value"]), sum(totals) / len(totals) / 100, delta=0.0051)
        self.assertIn("discount code", groups)  # the sample has coded orders in its last hour

    def test_revenue_per_product_from_the_view(self):
        per = collections.defaultdict(lambda: [0, 0, 0])
        for o in payloads("shop-orders"):
            p = per[o["product_id"]]
            p[0] += 1
            p[1] += o["quantity"]
            p[2] += cents(o["order_total"])
        want = sorted(per.items(), key=lambda kv: (-kv[1][2], kv[0]))[:5]
        _, rows, _ = self.answer("revenue_per_product")
        self.assertEqual(money_at(rows, 3), [[p, str(v[0]), str(v[1]), money(v[2])] for p, v in want])

    def test_per_country_stats_from_the_view(self):
        per = collections.defaultdict(lambda: [0, 0, 0, 0])
        for e in payloads("shop-clickstream"):
            c = per[e["country"]]
            c[0] += 1
            c[1] += e["event_type"] == "page_view"
            if e["event_type"] == "purchase":
                c[2] += 1
                c[3] += cents(e["price"]) * e["quantity"]
        want = sorted(per.items(), key=lambda kv: (-kv[1][0], kv[0]))[:5]
        _, rows, _ = self.answer("countries")
        self.assertEqual(money_at(rows, 4), [[k, *map(str, v[:3]), money(v[3])] for k, v in want])

    def test_distinct_telemetry_events_after_duplicates(self):
        events = payloads("app-telemetry")
        rows_by, md5s = collections.Counter(), collections.defaultdict(set)
        for e in events:
            rows_by[e["name"]] += 1
            md5s[e["name"]].add(e["payload_md5"])
        _, rows, totals = self.answer("telemetry_distinct")
        want = [[n, str(rows_by[n]), str(len(md5s[n])), str(rows_by[n] - len(md5s[n]))] for n in sorted(rows_by)]
        self.assertEqual(rows, want)
        distinct = len({e["payload_md5"] for e in events})
        self.assertEqual(totals[1:], [str(len(events)), str(distinct), str(len(events) - distinct)])
        self.assertGreater(len(events), distinct)  # duplicates on purpose

    def test_the_parsed_view_reads_the_payload(self):
        got = chsql.query(self.url, "SELECT uniqExact(session_id), countIf(dvce_os != '') FROM "
                                    "telemetry.app_events_parsed WHERE name = 'anonymous_visited' FORMAT TSV")
        visits = [json.loads(e["payload"]) for e in payloads("app-telemetry") if e["name"] == "anonymous_visited"]
        self.assertEqual(got.split(), [str(len({v["session_id"] for v in visits})), str(len(visits))])
        measured = [json.loads(e["payload"]) for e in payloads("app-telemetry") if e["name"] == "measurement_recorded"]
        got = chsql.query(self.url, "SELECT count(), uniqExact(metric), round(sum(value), 1) FROM "
                                    "telemetry.app_events_parsed WHERE name = 'measurement_recorded' FORMAT TSV")
        self.assertEqual(got.split()[:2], [str(len(measured)), str(len({m["metric"] for m in measured}))])
        self.assertAlmostEqual(float(got.split()[2]), sum(m["value"] for m in measured), delta=0.05)

    def test_replay_prints_every_answer(self):
        out = io.StringIO()
        replay.answers(self.servers, SEED_ROUTES, out=out)
        text = out.getvalue()
        for q in seed_questions.QUESTIONS:
            self.assertIn(q["title"], text)
        self.assertNotIn("refused", text)


class Connect(unittest.TestCase):
    """./dev connect on the telemetry sample, printed, applied and replayed into."""

    def connect(self, *args, env=None):
        return subprocess.run([sys.executable, os.path.join(ROOT, "tools/connect.py"), *args],
                              capture_output=True, text=True, env=env)

    def test_prints_datetime64_6_and_string_payload_for_current_clickhouse(self):
        p = self.connect(EVENTS["app-telemetry"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"`tstamp` DateTime64\(6\)")
        self.assertRegex(p.stdout, r"`payload` (JSON|String)")
        self.assertIn('"format": {"S": "json"}', p.stdout)
        self.assertIn("Nothing created", p.stdout)

    def test_bad_samples_get_a_clear_message(self):
        for name, words in (("not-kinesis.json", "not a Kinesis event"), ("empty-batch.json", "no records"),
                            ("clicks-mixed.json", "mixed shapes")):
            p = self.connect(os.path.join(ROOT, "events", name))
            self.assertEqual(p.returncode, 1, name)
            self.assertIn(words, p.stderr, name)
            self.assertNotIn("Traceback", p.stderr, name)

    def test_apply_then_replay_lands_the_sample(self):
        servers = chsql.read_env(SERVERS_ENV)
        url = servers["K2C_CLICKHOUSE_URL"]
        chsql.query(url, "DROP DATABASE IF EXISTS seed_connect")
        env = dict(os.environ, AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local")
        replay.ensure_routes_table(replay.dynamodb(servers["K2C_DYNAMODB_URL"]), ROUTES_TABLE)
        args = [EVENTS["app-telemetry"], "--apply", "--clickhouse-url", url, "--database", "seed_connect",
                "--routes-table", ROUTES_TABLE, "--dynamodb-url", servers["K2C_DYNAMODB_URL"], "--replace-route"]
        p = self.connect(*args, env=env)
        self.assertEqual(p.returncode, 0, p.stderr + p.stdout)
        self.assertIn("created seed_connect.app_telemetry", p.stdout)
        described = dict(line.split("\t")[:2] for line in
                         chsql.query(url, "DESCRIBE TABLE seed_connect.app_telemetry FORMAT TSV").splitlines())
        want_ts = "DateTime64(6)" if "DateTime64" in chsql.type_families(url) else "DateTime"
        self.assertEqual(described["tstamp"], want_ts)
        self.assertIn(described["payload"], ("JSON", "String"))
        item = replay.dynamodb(servers["K2C_DYNAMODB_URL"]).get_item(
            TableName=ROUTES_TABLE, Key={"stream_arn": {"S": "arn:aws:kinesis:eu-west-1:123456789012:stream/app-telemetry"}})
        self.assertEqual(item["Item"]["table"]["S"], "app_telemetry")
        self.assertEqual(item["Item"]["format"]["S"], "json")

        proc, results = emulate([EVENTS["app-telemetry"]])
        self.assertEqual([r.get("body") for r in results], ['{"batchItemFailures":[]}'], proc.stderr[-2000:])
        n = chsql.query(url, "SELECT count(), uniqExact(payload_md5) FROM seed_connect.app_telemetry FORMAT TSV")
        events = payloads("app-telemetry")
        self.assertEqual(n.split(), [str(len(events)), str(len({e["payload_md5"] for e in events}))])

        # Applying again leaves the table as it is; a stream routed elsewhere needs --replace-route.
        p = self.connect(*args[:-1], env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("exists already", p.stdout)

    def test_apply_locally_then_dev_replay_lands_it(self):
        """The local path: --apply on the local servers registers the table and route, and the
        replay (tools/replay.py, as ./dev replay runs it) creates them and lands the sample."""
        servers = chsql.read_env(SERVERS_ENV)
        chsql.query(servers["K2C_CLICKHOUSE_URL"], "DROP TABLE IF EXISTS default.app_telemetry")
        with tempfile.TemporaryDirectory() as registry:
            p = self.connect(EVENTS["app-telemetry"], "--apply", "--servers-env", SERVERS_ENV,
                             "--connect-dir", registry)
            self.assertEqual(p.returncode, 0, p.stderr + p.stdout)
            self.assertIn("registered for ./dev replay", p.stdout)
            self.assertTrue(os.path.exists(os.path.join(registry, "default.app_telemetry.sql")))
            chsql.query(servers["K2C_CLICKHOUSE_URL"], "DROP TABLE default.app_telemetry")  # the replay makes it again
            r = subprocess.run([sys.executable, os.path.join(ROOT, "tools/replay.py"), "--bootstrap", BOOTSTRAP,
                                "--servers-env", SERVERS_ENV, "--connect-dir", registry, EVENTS["app-telemetry"]],
                               capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertRegex(r.stdout, r"app_telemetry +237 rows")
        self.assertIn("not answered: its stream is routed elsewhere now", r.stdout)

    def test_every_sample_lands_whole_in_its_inferred_table(self):
        """What connect infers for the server takes every payload of its sample, dead-lettering none."""
        servers = chsql.read_env(SERVERS_ENV)
        url, dyn = servers["K2C_CLICKHOUSE_URL"], servers["K2C_DYNAMODB_URL"]
        routes = "routes-seed-connect-all"
        chsql.query(url, "DROP DATABASE IF EXISTS seed_connect_all")
        replay.ensure_routes_table(replay.dynamodb(dyn), routes)
        env = dict(os.environ, AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local")
        samples = [("orders-batch", []), ("shop-clickstream", []), ("shop-orders", []), ("app-telemetry", []),
                   ("kpl-orders", []), ("cloudwatch-logs", []), ("text-lines", ["--format", "text"])]
        samples = [(n, x) for n, x in samples if os.path.exists(os.path.join(ROOT, "events", n + ".json"))]
        want = {}
        for name, extra in samples:
            path = os.path.join(ROOT, "events", name + ".json")
            p = self.connect(path, *extra, "--apply", "--clickhouse-url", url, "--database", "seed_connect_all",
                             "--routes-table", routes, "--dynamodb-url", dyn, env=env)
            self.assertEqual(p.returncode, 0, name + ": " + p.stderr)
            with open(path) as f:
                records = ci.records_from_event(f.read())
            table = ci.table_name_for(records[0].stream_arn)
            want[table] = ci.infer(ci.classify(records), ci.CURRENT, extra[1] if extra else None).payloads
        proc, results = emulate([os.path.join(ROOT, "events", n + ".json") for n, _ in samples],
                                routes_table=routes)
        self.assertEqual([r.get("body") for r in results], ['{"batchItemFailures":[]}'] * len(samples),
                         proc.stderr[-3000:])
        for table, n in want.items():
            got = chsql.query(url, f"SELECT count() FROM seed_connect_all.`{table}`").strip()
            self.assertEqual(int(got), n, table)
        if chsql.query(url, "EXISTS TABLE kinesis_dead_letter").strip() == "1":
            dead = chsql.query(url, "SELECT count() FROM kinesis_dead_letter "
                                    "WHERE target_table LIKE 'seed_connect_all.%'").strip()
            self.assertEqual(dead, "0")

    def test_sample_read_from_a_local_stream(self):
        kinesalite = os.path.join(ROOT, "node_modules/kinesalite/cli.js")
        self.assertTrue(os.path.exists(kinesalite), "kinesalite is not installed: ./dev deps")
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        log = tempfile.TemporaryFile()
        server = subprocess.Popen(["node", kinesalite, "--port", str(port), "--createStreamMs", "0"],
                                  stdout=log, stderr=log)
        try:
            import botocore.session
            endpoint = f"http://127.0.0.1:{port}"
            k = botocore.session.get_session().create_client(
                "kinesis", endpoint_url=endpoint, region_name="eu-west-1",
                aws_access_key_id="local", aws_secret_access_key="local")
            for _ in range(200):  # bounded wait for the server to listen
                try:
                    k.create_stream(StreamName="app-telemetry", ShardCount=1)
                    break
                except Exception:  # noqa: BLE001  (not listening yet)
                    time.sleep(0.05)
            for _ in range(200):
                if k.describe_stream(StreamName="app-telemetry")["StreamDescription"]["StreamStatus"] == "ACTIVE":
                    break
                time.sleep(0.05)
            with open(EVENTS["app-telemetry"]) as f:
                for r in json.load(f)["Records"][:40]:
                    k.put_record(StreamName="app-telemetry", Data=base64.b64decode(r["kinesis"]["data"]),
                                 PartitionKey=r["kinesis"]["partitionKey"])
            env = dict(os.environ, AWS_ENDPOINT_URL_KINESIS=endpoint, AWS_ACCESS_KEY_ID="local",
                       AWS_SECRET_ACCESS_KEY="local", AWS_REGION="eu-west-1")
            p = self.connect("--stream", "app-telemetry", "--limit", "25", env=env)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("(25 records)", p.stdout)
            self.assertRegex(p.stdout, r"`tstamp` DateTime64\(6\)")
            self.assertIn("CREATE TABLE IF NOT EXISTS `default`.`app_telemetry`", p.stdout)
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()


if __name__ == "__main__":
    warnings.simplefilter("ignore", ResourceWarning)  # botocore's pooled sockets, closed at exit
    unittest.main(argv=[sys.argv[0]], verbosity=2, defaultTest="Seed" if MODERN else None)
