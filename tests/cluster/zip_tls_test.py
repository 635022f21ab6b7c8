#!/usr/bin/env python3
"""The packaged zip over TLS, against node 1 of tools/cluster.

    zip_tls_test.py ZIP CLUSTER_ENV

Unzips ZIP into a temporary directory and runs its bootstrap under the Runtime
API emulator. The zip's launcher points libcurl at its bundled CA directory
(K2C_CA_PATH=<dir>/certs, Debian's selection of the Mozilla set); the node's
certificate comes from a CA made at test time, which that set does not hold.
Checks:
  * with CLICKHOUSE_CA_FILE = that CA, over https://localhost:PORT, the sample
    orders batch lands its 100 rows, answered {"batchItemFailures":[]};
  * without it, the server is refused: the batch is reported for retry, the
    log names the certificate problem, and no row is written;
  * with it, node 2 over https://localhost:PORT (its certificate names
    other.k2c.invalid only), the server is refused too, and the log names
    the host name.
Routes come from the cluster's dynalite; everything is on 127.0.0.1.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
ORDERS_ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders"
NO_FAILURES = {"batchItemFailures": []}
RETRY_ALL = {"batchItemFailures": [{"itemIdentifier": "495900010000000000000000000000000000000000000000"}]}


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            k, v = line.split("=", 1)
            env[k] = v.strip("'\"")
    return env


def clickhouse(url, sql, database=""):
    q = "/?database=" + urllib.parse.quote(database) if database else "/"
    req = urllib.request.Request(url + q, data=sql.encode(), method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.read().decode()


def run_zip(tmp, bootstrap, clickhouse_url, ddb_url, database, routes, extra_env):
    """One invocation of events/orders-batch.json; returns (answer, log)."""
    out = os.path.join(tmp, "results.json")
    cmd = [sys.executable, os.path.join(SOURCE, "tools/emulator.py"), "--bootstrap", bootstrap,
           "--timeout-ms", "20000", "--json-out", out,
           "--env", "CLICKHOUSE_URL=" + clickhouse_url,
           "--env", "CLICKHOUSE_DATABASE=" + database,
           "--env", "ROUTES_TABLE=" + routes,
           "--env", "AWS_ENDPOINT_URL_DYNAMODB=" + ddb_url,
           "--env", "AWS_REGION=eu-west-1",
           "--env", "AWS_ACCESS_KEY_ID=local",
           "--env", "AWS_SECRET_ACCESS_KEY=local"]
    for e in extra_env:
        cmd += ["--env", e]
    cmd.append(os.path.join(SOURCE, "events/orders-batch.json"))
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    log = run.stdout + run.stderr
    if run.returncode != 0:
        fail(f"emulator exited {run.returncode}:\n{log}")
    results = json.load(open(out))
    if len(results) != 1 or results[0]["outcome"] != "response":
        fail("unexpected outcome: " + json.dumps(results) + "\n" + log)
    return json.loads(results[0]["body"]), log


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    zip_path = os.path.abspath(sys.argv[1])
    if not os.path.isfile(zip_path):
        fail(zip_path + " is missing: the package_zip fixture checks it (./dev package builds it)")
    cluster = read_env(sys.argv[2])
    ddb_url = cluster["K2C_DYNAMODB_URL"]
    ch_url, https_url, ca_file = cluster["K2C_CH1_URL"], cluster["K2C_CH1_HTTPS_URL"], cluster["K2C_CA_FILE"]
    other_host = cluster["K2C_CH2_HTTPS_URL"]  # https://localhost:PORT, certificate for other.k2c.invalid

    database = "t_package_zip_tls"
    clickhouse(ch_url, f"DROP DATABASE IF EXISTS {database}")
    clickhouse(ch_url, f"CREATE DATABASE {database}")
    with open(os.path.join(SOURCE, "schema/examples/orders.sql")) as f:
        clickhouse(ch_url, f.read(), database)
    routes = f"routes-package-zip-tls-{os.getpid()}"
    admin = [sys.executable, os.path.join(SOURCE, "tests/integration/dynamo_admin.py"), ddb_url]
    subprocess.run(admin + ["create", routes], check=True)
    subprocess.run(admin + ["put", routes, ORDERS_ARN, "orders", database], check=True)

    def rows():
        return clickhouse(ch_url, "SELECT count(), uniqExact(_sequence_number) FROM orders FORMAT TSV",
                          database).strip()

    tmp = tempfile.mkdtemp(prefix="k2c-zip-tls-")
    try:
        task = os.path.join(tmp, "task")
        subprocess.run(["unzip", "-q", zip_path, "-d", task], check=True)
        bootstrap = os.path.join(task, "bootstrap")
        if not os.path.isdir(os.path.join(task, "certs")):
            fail("the zip has no certs/ directory")

        answer, log = run_zip(tmp, bootstrap, https_url, ddb_url, database, routes, [])
        if answer != RETRY_ALL:
            fail(f"without CLICKHOUSE_CA_FILE: expected the batch reported for retry, got {answer}\n{log}")
        if "SSL certificate problem" not in log:
            fail("without CLICKHOUSE_CA_FILE: the log does not name the certificate problem:\n" + log)
        if rows() != "0\t0":
            fail("without CLICKHOUSE_CA_FILE: rows were written: " + rows())
        print("ok: without CLICKHOUSE_CA_FILE the server is refused and the batch reported for retry")

        answer, log = run_zip(tmp, bootstrap, other_host, ddb_url, database, routes,
                              ["CLICKHOUSE_CA_FILE=" + ca_file])
        if answer != RETRY_ALL:
            fail(f"{other_host}: expected the batch reported for retry, got {answer}\n{log}")
        if "subject name matches target host name 'localhost'" not in log:
            fail(f"{other_host}: the log does not name the host name mismatch:\n" + log)
        if rows() != "0\t0":
            fail(f"{other_host}: rows were written: " + rows())
        print("ok: a certificate for another host name is refused")

        answer, log = run_zip(tmp, bootstrap, https_url, ddb_url, database, routes,
                              ["CLICKHOUSE_CA_FILE=" + ca_file])
        if answer != NO_FAILURES:
            fail(f"with CLICKHOUSE_CA_FILE: expected every row written, got {answer}\n{log}")
        if rows() != "100\t100":
            fail("with CLICKHOUSE_CA_FILE: expected 100 distinct rows, found " + rows())
        print("ok: with CLICKHOUSE_CA_FILE the zip lands 100 rows over https")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    clickhouse(ch_url, f"DROP DATABASE IF EXISTS {database}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
