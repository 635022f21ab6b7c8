#!/usr/bin/env python3
"""End to end: a 5,000-record batch through the real bootstrap, the local
Runtime API emulator and the local ClickHouse (routes in dynalite).

    bench/end_to_end.py BOOTSTRAP [--records 5000] [--invocations 10] [--compression none,gzip]

Runs once per CLICKHOUSE_COMPRESSION value (by default none and gzip, the two
that ClickHouse 18.16 decodes) with metrics on (the default), and once more for
the first value with METRICS=off, and prints, per run, the wall time the
emulator measured from handing out the event to receiving the answer (median,
min, max), the function's own CPU time per batch and per 1,000 records (cpu_ms
of its summary line, which the metrics line carries when metrics are on) and
the whole process's CPU time per invocation (what the emulator saw bootstrap
use in all, start-up and the writing of every log and metrics line included,
divided by the invocations). Servers are started on 127.0.0.1 and stopped by
PID at the end. A measurement, not a test: nothing is asserted but that every
batch was written.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tools"))
import replay  # noqa: E402  (setup of tables and routes, shared with ./dev replay)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bootstrap")
    ap.add_argument("--records", type=int, default=5000)
    ap.add_argument("--invocations", type=int, default=10)
    ap.add_argument("--compression", default="none,gzip",
                    help="comma-separated CLICKHOUSE_COMPRESSION values, one run each")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="k2c-e2e-")
    subprocess.run([sys.executable, os.path.join(ROOT, "tools/make_events.py"), "--out", work,
                    "--orders", str(a.records)], check=True)
    event = os.path.join(work, "orders-batch.json")
    servers_dir = os.path.join(work, "servers")
    subprocess.run([os.path.join(ROOT, "tools/servers"), "up", servers_dir], check=True,
                   stdout=subprocess.DEVNULL)
    try:
        servers = replay.read_env(os.path.join(servers_dir, "env"))
        routes = json.load(open(os.path.join(ROOT, "schema/examples/routes.json")))
        replay.setup(servers, routes)
        all_ok = True
        codecs = a.compression.split(",")
        runs = [(codec, "on") for codec in codecs]
        runs.insert(1, (codecs[0], "off"))  # the same batch without metrics, beside the default
        cpu_by_metrics = {}
        for codec, metrics in runs:
            replay.clickhouse(servers["K2C_CLICKHOUSE_URL"], "TRUNCATE TABLE orders")
            out = os.path.join(work, f"results-{codec}-metrics-{metrics}.json")
            stdout_file = out + ".stdout"
            cmd = [sys.executable, os.path.join(ROOT, "tools/emulator.py"), "--bootstrap", a.bootstrap,
                   "--json-out", out, "--bootstrap-stdout", stdout_file,
                   "--env", f"METRICS={metrics}",
                   "--env", f"CLICKHOUSE_URL={servers['K2C_CLICKHOUSE_URL']}",
                   "--env", f"CLICKHOUSE_COMPRESSION={codec}",
                   "--env", f"ROUTES_TABLE={replay.ROUTES_TABLE}",
                   "--env", f"AWS_ENDPOINT_URL_DYNAMODB={servers['K2C_DYNAMODB_URL']}",
                   "--env", "AWS_REGION=eu-west-1", "--env", "AWS_ACCESS_KEY_ID=local",
                   "--env", "AWS_SECRET_ACCESS_KEY=local"] + [event] * a.invocations
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            results = json.load(open(out))
            ok = len(results) == a.invocations and all(
                r["body"] == '{"batchItemFailures":[]}' for r in results)
            # The first invocation also pays the route lookup and DESCRIBE: report the rest.
            walls = [r["duration_ms"] for r in results[1:]]
            # The summary: in the metrics line on stdout, or a log line on stderr.
            lines = open(stdout_file).read() + proc.stderr
            cpus = [float(m) for m in re.findall(r'"cpu_ms":([0-9.]+)', lines)][1:]
            process_cpu = sum(float(m) for m in re.findall(r"^bootstrap_cpu_ms\t([0-9.]+)$",
                                                           proc.stdout, re.M))
            rows = replay.clickhouse(servers["K2C_CLICKHOUSE_URL"], "SELECT count() FROM orders").strip()
            ok = ok and rows == str(a.records * a.invocations)
            all_ok = all_ok and ok
            print(f"end to end, CLICKHOUSE_COMPRESSION={codec}, METRICS={metrics}: {a.records}-record batch "
                  f"({os.path.getsize(event) / 1e6:.2f} MB event), "
                  f"{a.invocations} invocations, all written: {ok} ({rows} rows)")
            if not walls or not cpus:
                print(proc.stderr[-2000:], file=sys.stderr)
                continue
            print(f"  wall per batch (emulator, hand-out to answer): median {statistics.median(walls):.1f} ms, "
                  f"min {min(walls):.1f}, max {max(walls):.1f}")
            print(f"  function CPU time: median {statistics.median(cpus):.2f} ms per batch = "
                  f"{statistics.median(cpus) * 1000 / a.records:.2f} ms per 1,000 records")
            print(f"  process CPU time (bootstrap, start-up included): {process_cpu:.1f} ms for "
                  f"{a.invocations} invocations = {process_cpu / a.invocations:.2f} ms per invocation")
            if codec == codecs[0]:
                cpu_by_metrics[metrics] = (statistics.median(cpus), process_cpu / a.invocations)
        if len(cpu_by_metrics) == 2:
            (f_on, p_on), (f_off, p_off) = cpu_by_metrics["on"], cpu_by_metrics["off"]
            print(f"metrics cost, CLICKHOUSE_COMPRESSION={codecs[0]}: function CPU per batch "
                  f"{f_on:.2f} ms with metrics, {f_off:.2f} ms without; process CPU per invocation "
                  f"{p_on:.2f} ms with, {p_off:.2f} ms without")
        return 0 if all_ok else 1
    finally:
        subprocess.run([os.path.join(ROOT, "tools/servers"), "down", servers_dir])


if __name__ == "__main__":
    sys.exit(main())
