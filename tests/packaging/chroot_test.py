#!/usr/bin/env python3
"""SPEC §1: build/function.zip runs with nothing else on the machine.

    chroot_test.py ZIP SERVERS_ENV

Unzips ZIP into var/task of an otherwise empty directory (plus mount points
/proc and /dev, bind-mounted, and an /etc/hosts that names localhost, as
Lambda's sandbox has one), chroots there and runs /var/task/bootstrap under
the Runtime API emulator (which stays outside, on 127.0.0.1: the chroot shares
the network namespace) against the local ClickHouse and dynalite of the CTest
fixture. ClickHouse is addressed as `localhost`, so name resolution inside the
chroot is exercised too. Checks:
  * the sample orders event lands its 100 rows, answered {"batchItemFailures":[]};
  * under strace, bootstrap opens no file outside /var/task except /proc, /dev
    and /etc/{resolv.conf,hosts,nsswitch.conf,gai.conf} (and the zone file of
    TZ=:UTC, which Lambda sets), and executes nothing
    but /var/task/bootstrap and /var/task/bin/bootstrap.bin;
  * the same, once each with CLICKHOUSE_COMPRESSION=gzip, zstd and lz4, through
    a proxy in front of ClickHouse that records every request. The INSERT
    carries that Content-Encoding; gzip goes to ClickHouse as sent, while
    zstd and lz4 (which 18.16 cannot decode) are decoded by Debian's zstd and
    lz4 tools and sent on plain. The decoded bodies of the three runs are
    identical, and the table holds exactly the rows of the uncompressed run.
Runs in a private mount namespace (unshare -m; unshare -r -m when not root), so
the bind mounts disappear with the process whatever happens. Exit 77 (skipped)
when no namespace can be made.
"""
import gzip
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
ORDERS_ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders"
ALLOWED_FILES = {"/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/gai.conf"}
# Lambda sets TZ=:UTC and glibc looks for that zone file; missing, it is UTC
# all the same (the function formats UTC only), so a miss or a read is harmless.
ALLOWED_PREFIXES = ("/var/task/", "/proc/", "/dev/", "/usr/share/zoneinfo/")
ALLOWED_EXEC = {"/var/task/bootstrap", "/var/task/bin/bootstrap.bin"}
CODECS = ("gzip", "zstd", "lz4")
# Not forwarded by the proxy: hop-by-hop, or recomputed for the forwarded body.
PROXY_DROPPED_HEADERS = {"host", "connection", "keep-alive", "transfer-encoding", "content-length",
                         "expect"}


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("export "):
                line = line[7:]
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


def enter_private_mount_namespace():
    if os.environ.get("K2C_CHROOT_TEST_NS") == "1":
        return
    os.environ["K2C_CHROOT_TEST_NS"] = "1"
    unshare = shutil.which("unshare")
    if unshare is None:
        print("SKIP: no unshare(1)", file=sys.stderr)
        sys.exit(77)
    flags = ["--mount", "--propagation", "private"]
    if os.geteuid() != 0:
        flags = ["--map-root-user"] + flags
    else:
        os.environ["K2C_CHROOT_AS_ROOT"] = "1"
    probe = subprocess.run([unshare] + flags + ["true"], capture_output=True)
    if probe.returncode != 0:
        print("SKIP: cannot create a mount namespace: " + probe.stderr.decode().strip(), file=sys.stderr)
        sys.exit(77)
    os.execv(unshare, [unshare] + flags + [sys.executable] + sys.argv)


def check_trace(trace_path):
    """Returns the problems found in an strace -f -o log of the chrooted run."""
    problems, started = [], False
    call = re.compile(r'^(?:\[pid\s+)?\d+\]?\s+(openat|open|execve)\((.*)\)\s+=\s+(-?\d+|\?)(.*)$')
    with open(trace_path, errors="replace") as f:
        for line in f:
            m = call.match(line.strip())
            if not m:
                continue
            name, args, rc, rest = m.groups()
            path_m = re.search(r'"((?:[^"\\]|\\.)*)"', args)
            path = path_m.group(1) if path_m else ""
            if name == "execve":
                if path == "/var/task/bootstrap":
                    started = True  # before this: chroot(1) itself, on the host
                if started and path not in ALLOWED_EXEC:
                    problems.append("executed " + path + " (" + rc + rest + ")")
                continue
            if not started:
                continue
            if path.startswith(ALLOWED_PREFIXES) or path in ALLOWED_FILES:
                continue
            problems.append(f"{name} {path} = {rc}{rest}")
    if not started:
        problems.append("no execve of /var/task/bootstrap in the trace")
    return problems


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    zip_path, env_path = (os.path.abspath(p) for p in sys.argv[1:3])
    if not os.path.isfile(zip_path):
        fail(zip_path + " is missing: the package_zip fixture builds it")
    enter_private_mount_namespace()

    servers = read_env(env_path)
    ch_url, ddb_url = servers["K2C_CLICKHOUSE_URL"], servers["K2C_DYNAMODB_URL"]
    strace = shutil.which("strace")
    if strace is None:
        fail("strace is not installed (./dev deps installs it)")

    database = "t_package_chroot"
    clickhouse(ch_url, f"DROP DATABASE IF EXISTS {database}")
    clickhouse(ch_url, f"CREATE DATABASE {database}")
    with open(os.path.join(SOURCE, "schema/examples/orders.sql")) as f:
        clickhouse(ch_url, f.read(), database)
    routes = f"routes-package-chroot-{os.getpid()}"
    admin = [sys.executable, os.path.join(SOURCE, "tests/integration/dynamo_admin.py"), ddb_url]
    subprocess.run(admin + ["create", routes], check=True)
    subprocess.run(admin + ["put", routes, ORDERS_ARN, "orders", database], check=True)

    tmp = tempfile.mkdtemp(prefix="k2c-chroot-")
    root = os.path.join(tmp, "root")
    proc = os.path.join(root, "proc")
    try:
        task = os.path.join(root, "var/task")
        os.makedirs(task)
        subprocess.run(["unzip", "-q", zip_path, "-d", task], check=True)
        # The function's view of the machine: the zip, a fresh /proc (where
        # the kernel allows one) and the /etc/hosts every Lambda sandbox has.
        # No libc, no certificates, no shell, no nsswitch.conf, no /dev.
        for d in ("proc", "etc"):
            os.makedirs(os.path.join(root, d))
        with open(os.path.join(root, "etc/hosts"), "w") as f:
            f.write("127.0.0.1 localhost\n::1 localhost\n")
        if os.environ.get("K2C_CHROOT_AS_ROOT") == "1":
            subprocess.run(["mount", "-t", "proc", "-o", "ro,nosuid,nodev,noexec", "proc", proc],
                           check=True)
        ch_local = re.sub(r"^http://127\.0\.0\.1:", "http://localhost:", ch_url)
        if ch_local == ch_url:
            fail("unexpected ClickHouse URL " + ch_url)
        t0 = time.monotonic()
        run_in_chroot(tmp, root, ch_local, ddb_url, database, routes, None)
        check_landed(ch_url, database)
        print(f"ok: 100 rows landed from the chroot in {time.monotonic() - t0:.1f}s; "
              "no file opened outside the zip but the allowed ones")
        plain_rows = table_rows(ch_url, database)
        check_compression(tmp, root, ch_url, ddb_url, database, routes, plain_rows)
    finally:
        if os.path.ismount(proc):
            subprocess.run(["umount", proc], check=False)
        if os.path.ismount(proc):
            print(f"leaving {tmp} in place: {proc} is still mounted", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    clickhouse(ch_url, f"DROP DATABASE IF EXISTS {database}")
    return 0


def run_in_chroot(tmp, root, clickhouse_url, ddb_url, database, routes, compression):
    """Serves events/orders-batch.json with the chrooted bootstrap, with
    CLICKHOUSE_COMPRESSION unset (None) or set; fails unless it answers
    {"batchItemFailures":[]} and the strace log is clean."""
    trace = os.path.join(tmp, "strace.log")
    wrapper = os.path.join(tmp, "bootstrap-in-chroot")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\n"
                f"exec {shutil.which('strace')} -f -qq -e trace=openat,open,execve -o {trace} "
                f"{shutil.which('chroot')} {root} /var/task/bootstrap\n")
    os.chmod(wrapper, 0o755)

    out = os.path.join(tmp, "results.json")
    cmd = [sys.executable, os.path.join(SOURCE, "tools/emulator.py"), "--bootstrap", wrapper,
           "--timeout-ms", "20000", "--json-out", out,
           "--env", "LAMBDA_TASK_ROOT=/var/task",
           "--env", "CLICKHOUSE_URL=" + clickhouse_url,
           "--env", "CLICKHOUSE_DATABASE=" + database,
           "--env", "ROUTES_TABLE=" + routes,
           "--env", "AWS_ENDPOINT_URL_DYNAMODB=" + ddb_url,
           "--env", "AWS_REGION=eu-west-1",
           "--env", "AWS_ACCESS_KEY_ID=local",
           "--env", "AWS_SECRET_ACCESS_KEY=local"]
    if compression is not None:
        cmd += ["--env", "CLICKHOUSE_COMPRESSION=" + compression]
    cmd.append(os.path.join(SOURCE, "events/orders-batch.json"))
    label = compression or "default"
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    print(run.stdout, end="")
    print(run.stderr, end="", file=sys.stderr)
    if run.returncode != 0:
        fail(f"{label}: emulator exited {run.returncode}")
    results = json.load(open(out))
    if len(results) != 1 or results[0]["outcome"] != "response":
        fail(f"{label}: unexpected outcome: " + json.dumps(results))
    if json.loads(results[0]["body"]) != {"batchItemFailures": []}:
        fail(f"{label}: batch not fully written: " + results[0]["body"])
    problems = check_trace(trace)
    if problems:
        shown = "\n  ".join(problems[:40])
        fail(f"{label}: bootstrap touched the host outside /var/task:\n  {shown}")


def check_landed(ch_url, database):
    rows = clickhouse(ch_url, "SELECT count() FROM orders", database).strip()
    if rows != "100":
        fail("expected 100 rows in orders, found " + rows)


def table_rows(ch_url, database):
    return clickhouse(ch_url, "SELECT * FROM orders ORDER BY order_id FORMAT TabSeparated", database)


class DecodingProxy:
    """An HTTP proxy to ClickHouse on 127.0.0.1 that records each request as
    (query, Content-Encoding, decoded body or None). zstd and lz4 bodies are
    decoded with Debian's zstd and lz4 tools and forwarded without the
    header; anything else (gzip included) is forwarded as sent."""

    def __init__(self, target):
        self.requests = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                self.forward(None)

            def do_POST(self):
                self.forward(self.rfile.read(int(self.headers.get("Content-Length", "0"))))

            def forward(self, body):
                encoding = self.headers.get("Content-Encoding", "")
                decoded = body
                try:
                    if encoding in ("zstd", "lz4"):
                        decoded = subprocess.run([encoding, "-dc"], input=body, capture_output=True,
                                                 check=True, timeout=30).stdout
                    elif encoding == "gzip":
                        decoded = gzip.decompress(body)
                except (subprocess.CalledProcessError, OSError, EOFError) as e:
                    decoded = None
                    print(f"proxy: cannot decode the {encoding} body: {e}", file=sys.stderr)
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("query", [""])[0]
                proxy.requests.append((query, encoding, decoded))
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in PROXY_DROPPED_HEADERS}
                if encoding in ("zstd", "lz4"):
                    headers.pop("Content-Encoding", None)
                    body = decoded if decoded is not None else b""
                req = urllib.request.Request(target + self.path, data=body, headers=headers,
                                             method=self.command)
                try:
                    with urllib.request.urlopen(req, timeout=60) as r:
                        status, reply, reply_headers = r.status, r.read(), r.headers
                except urllib.error.HTTPError as e:
                    status, reply, reply_headers = e.code, e.read(), e.headers
                self.send_response(status)
                for k, v in reply_headers.items():
                    if k.lower() not in PROXY_DROPPED_HEADERS:
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://localhost:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def check_compression(tmp, root, ch_url, ddb_url, database, routes, plain_rows):
    for tool in ("zstd", "lz4"):
        if shutil.which(tool) is None:
            fail(f"{tool} is not installed (./dev deps installs it)")
    with open(os.path.join(SOURCE, "schema/examples/orders.sql")) as f:
        schema = f.read()
    bodies = {}
    for codec in CODECS:
        clickhouse(ch_url, "DROP TABLE IF EXISTS orders", database)
        clickhouse(ch_url, schema, database)
        proxy = DecodingProxy(ch_url)
        t0 = time.monotonic()
        try:
            run_in_chroot(tmp, root, proxy.url, ddb_url, database, routes, codec)
        finally:
            proxy.close()
        inserts = [(enc, body) for query, enc, body in proxy.requests if query.startswith("INSERT")]
        if not inserts:
            fail(f"{codec}: the proxy saw no INSERT")
        for enc, body in inserts:
            if enc != codec:
                fail(f"{codec}: an INSERT was sent with Content-Encoding {enc!r}")
            if body is None:
                fail(f"{codec}: an INSERT body did not decode")
        bodies[codec] = b"".join(body for _, body in inserts)
        check_landed(ch_url, database)
        if table_rows(ch_url, database) != plain_rows:
            fail(f"{codec}: the rows differ from those of the uncompressed run")
        print(f"ok: {codec}: 100 rows landed from the chroot in {time.monotonic() - t0:.1f}s, "
              f"INSERT body of {len(bodies[codec])} bytes")
    if len(set(bodies.values())) != 1:
        fail("the decoded INSERT bodies differ between " + ", ".join(CODECS))


if __name__ == "__main__":
    sys.exit(main())
