#!/usr/bin/env python3
"""A local Lambda Runtime API (2018-06-01) that drives a `bootstrap` binary.

Serves each EVENT_FILE, in order, as one invocation to a bootstrap process it
starts itself, and records what comes back. Python 3.11 standard library only.

    python3 tools/emulator.py --bootstrap build/bootstrap \
        --env CLICKHOUSE_URL=http://127.0.0.1:8123 --env ROUTES_TABLE=routes \
        [--timeout-ms 30000] [--json-out results.json] events/*.json

Contract, as Lambda does it:
  * GET  /2018-06-01/runtime/invocation/next blocks until an event is queued and
    answers it with Lambda-Runtime-Aws-Request-Id, -Deadline-Ms (now +
    --timeout-ms), -Invoked-Function-Arn and -Trace-Id.
  * POST .../invocation/{id}/response and .../invocation/{id}/error record the
    outcome (202); an unknown or already answered id gets 400; a response over
    6 MiB gets 413 and the invocation stays open.
  * POST /2018-06-01/runtime/init/error is recorded; the emulator then stops
    bootstrap and exits 2.
  * bootstrap exiting before it answers: the invocation is an error
    "Runtime.ExitError" and bootstrap is started again for the next event. No
    answer by the deadline: error "Sandbox.Timedout", bootstrap is killed and
    started again.
  * bootstrap not asking for an event within --init-timeout-ms (default
    10000, Lambda's init limit) of it being queued: "Sandbox.Timedout" too.
  * cold_start_ms: time from spawning bootstrap to its first GET /next.

stdout has one tab-separated line per invocation (event file, outcome, body,
with errors also the error type), a cold_start_ms line per bootstrap start
and a bootstrap_cpu_ms line per bootstrap stop (the CPU time, user + system,
that process used in all); bootstrap's own stderr goes to our stderr, and its
stdout too unless --bootstrap-stdout names a file for it (on Lambda, both
streams go to CloudWatch Logs; stdout carries the function's metrics lines). --json-out writes a list of
{"event","outcome","body","error_type","duration_ms","cold_start_ms"} where
cold_start_ms is set on the first invocation served by a freshly started
bootstrap and null otherwise.

Exit status: 0 when every event got an outcome, 2 on an init error, 1 when
the emulator itself failed (bad arguments, unreadable event, spawn failure).

--serve (instead of EVENT_FILEs) keeps one bootstrap serving for as long as
stdin is open, for a caller that makes the events itself (tools/stream, the
local event source mapping). Each request on stdin is a line holding the
event's length in bytes, then the event; each answer on stdout is one JSON
line, the same fields as --json-out plus "request_id". An init error is
answered as outcome "init_error" and the next event starts a new bootstrap,
as Lambda does. EOF on stdin, SIGTERM or SIGINT stop bootstrap, then the
emulator; the per-invocation lines go to stderr.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import resource
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid

API_PREFIX = "/2018-06-01/runtime"
MAX_RESPONSE_BYTES = 6 * 1024 * 1024  # Lambda's synchronous payload limit
POLL_SECONDS = 0.02
KILLING_ERRORS = ("Runtime.ExitError", "Sandbox.Timedout")  # bootstrap is replaced after these
TERM_GRACE_SECONDS = 2.0


class Invocation:
    def __init__(self, event_file: str, body: bytes, timeout_ms: int, arn: str):
        self.event_file = event_file
        self.body = body
        self.request_id = str(uuid.uuid4())
        self.timeout_ms = timeout_ms
        self.arn = arn
        self.trace_id = "Root=1-{:08x}-{};Parent={};Sampled=0".format(
            int(time.time()), secrets.token_hex(12), secrets.token_hex(8))
        self.queued_at = time.monotonic()
        self.started_at: float | None = None  # handed out by /next
        self.deadline_ms = 0
        self.outcome: str | None = None  # "response" | "error"
        self.result_body = b""
        self.error_type: str | None = None
        self.finished_at: float | None = None


class State:
    """Everything the HTTP threads and the main thread share, under one lock."""

    def __init__(self):
        self.cond = threading.Condition()
        self.current: Invocation | None = None
        # Bumped whenever bootstrap is replaced: a /next from a dead process's
        # connection must not take the next event.
        self.generation = 0
        self.spawned_at = 0.0
        self.first_next_at: float | None = None
        self.init_error: tuple[str, bytes] | None = None
        self.stopping = False


class RuntimeApiHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real Runtime API
    state: State  # set on the subclass made by make_server

    def log_message(self, format, *args):  # noqa: A002 (BaseHTTPRequestHandler's name)
        pass  # requests are reported as invocation lines, not access logs

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_error(self, status: int, error_type: str, message: str):
        body = json.dumps({"errorMessage": message, "errorType": error_type}).encode()
        self._send(status, body)

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def do_GET(self):
        if self.path != API_PREFIX + "/invocation/next":
            self._send_error(404, "NotFound", "unknown path " + self.path)
            return
        st = self.state
        with st.cond:
            generation = st.generation
            if st.first_next_at is None:
                st.first_next_at = time.monotonic()
                st.cond.notify_all()
            while True:
                inv = st.current
                if st.stopping or st.generation != generation:
                    inv = None
                    break
                if inv is not None and inv.started_at is None and inv.outcome is None:
                    inv.started_at = time.monotonic()
                    inv.deadline_ms = int(time.time() * 1000) + inv.timeout_ms
                    break
                st.cond.wait()
        if inv is None:
            self.close_connection = True
            self._send_error(500, "Runtime.Stopping", "the emulator is replacing bootstrap")
            return
        self._send(200, inv.body, {
            "Lambda-Runtime-Aws-Request-Id": inv.request_id,
            "Lambda-Runtime-Deadline-Ms": str(inv.deadline_ms),
            "Lambda-Runtime-Invoked-Function-Arn": inv.arn,
            "Lambda-Runtime-Trace-Id": inv.trace_id,
        })

    def do_POST(self):
        body = self._read_body()
        path = self.path
        st = self.state
        error_type = self.headers.get("Lambda-Runtime-Function-Error-Type")
        if path == API_PREFIX + "/init/error":
            with st.cond:
                accepted = st.first_next_at is None
                if accepted:
                    st.init_error = (error_type or error_type_from_body(body), body)
                    st.cond.notify_all()
            if accepted:
                self._send(202, b'{"status":"OK"}')
            else:
                self._send_error(403, "InvalidStateTransition",
                                 "init error after the runtime asked for an invocation")
            return
        prefix = API_PREFIX + "/invocation/"
        parts = path[len(prefix):].split("/") if path.startswith(prefix) else []
        if len(parts) != 2 or parts[1] not in ("response", "error"):
            self._send_error(404, "NotFound", "unknown path " + path)
            return
        request_id, kind = parts
        if kind == "response" and len(body) > MAX_RESPONSE_BYTES:
            self._send_error(413, "RequestEntityTooLarge",
                             f"response of {len(body)} bytes exceeds {MAX_RESPONSE_BYTES}")
            return
        with st.cond:
            inv = st.current
            if inv is None or inv.request_id != request_id or inv.started_at is None:
                status, err = 400, ("InvalidRequestID", "unknown request id " + request_id)
            elif inv.outcome is not None:
                status, err = 400, ("InvalidStateTransition", "invocation already answered")
            else:
                status, err = 202, None
                inv.outcome = kind
                inv.result_body = body
                inv.finished_at = time.monotonic()
                if kind == "error":
                    inv.error_type = error_type or error_type_from_body(body)
                st.cond.notify_all()
        if err:
            self._send_error(status, *err)
        else:
            self._send(202, b'{"status":"OK"}')


def error_type_from_body(body: bytes) -> str:
    try:
        value = json.loads(body).get("errorType")
        return value if isinstance(value, str) else "Unhandled"
    except (ValueError, AttributeError):
        return "Unhandled"


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True  # a /next still blocked must not hold up exit

    def handle_error(self, request, client_address):
        # A bootstrap that was killed leaves broken connections behind; that
        # is expected, not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def make_server(state: State) -> http.server.ThreadingHTTPServer:
    handler = type("BoundRuntimeApiHandler", (RuntimeApiHandler,), {"state": state})
    return QuietServer(("127.0.0.1", 0), handler)


def lambda_env(args, port: int, bootstrap: str) -> dict[str, str]:
    """The environment Lambda gives a provided.al2023 function, plus --env."""
    extra = dict(args.env)
    region = extra.get("AWS_REGION", "us-east-1")
    name = extra.get("AWS_LAMBDA_FUNCTION_NAME", args.function_name)
    task_root = os.path.dirname(bootstrap)
    env = dict(os.environ) if args.inherit_env else {}
    env.update({
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}",
        "LAMBDA_TASK_ROOT": task_root,
        "LAMBDA_RUNTIME_DIR": task_root,
        "_HANDLER": "bootstrap",
        "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(args.memory_mb),
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/" + name,
        "AWS_LAMBDA_LOG_STREAM_NAME": time.strftime("%Y/%m/%d/[$LATEST]") + uuid.uuid4().hex,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "TZ": ":UTC",
        "LANG": "en_US.UTF-8",
        "PATH": "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
    })
    env.update(extra)
    return env


def parse_env(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"--env wants KEY=VALUE, got {text!r}")
    return key, value


class Emulator:
    def __init__(self, args):
        self.args = args
        self.bootstrap = os.path.abspath(args.bootstrap)
        self.state = State()
        self.server = make_server(self.state)
        self.port = self.server.server_address[1]
        self.env = lambda_env(args, self.port, self.bootstrap)
        self.arn = "arn:aws:lambda:{}:123456789012:function:{}".format(
            self.env["AWS_REGION"], self.env["AWS_LAMBDA_FUNCTION_NAME"])
        self.proc: subprocess.Popen | None = None
        # Appended to across restarts, as a log stream is.
        self.stdout_file = open(args.bootstrap_stdout, "ab") if args.bootstrap_stdout else None
        self.children_cpu_ms = children_cpu_ms()
        self.cold_start_pending = False  # the next result reports cold_start_ms
        self.cold_start_ms: float | None = None
        self.child_output = sys.stderr  # where bootstrap's stdout and stderr go
        self.log = sys.stdout  # the per-invocation lines; stderr when stdout is the --serve channel

    def spawn(self):
        with self.state.cond:
            self.state.generation += 1
            self.state.first_next_at = None
            self.state.spawned_at = time.monotonic()
            self.state.cond.notify_all()  # stale /next waiters give up
        self.proc = subprocess.Popen(
            [self.bootstrap], env=self.env, cwd=os.path.dirname(self.bootstrap),
            stdin=subprocess.DEVNULL, stdout=self.stdout_file or self.child_output,
            stderr=self.child_output,
            start_new_session=True)  # its own process group: stop() ends its children too
        self.cold_start_pending = True
        self.cold_start_ms = None

    def stop(self):
        """SIGTERM bootstrap's process group, SIGKILL it after a grace period.

        The group is signalled even when bootstrap itself has exited: a child
        it left behind must not outlive the sandbox, as on Lambda."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        signal_group(proc.pid, signal.SIGTERM)
        try:
            proc.wait(TERM_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            pass
        signal_group(proc.pid, signal.SIGKILL)
        proc.wait()
        # bootstrap is our only child: what reaped children used grew by its share.
        now = children_cpu_ms()
        print(f"bootstrap_cpu_ms\t{now - self.children_cpu_ms:.1f}", flush=True)
        self.children_cpu_ms = now

    def _note_cold_start(self):
        st = self.state
        if self.cold_start_ms is None and st.first_next_at is not None:
            self.cold_start_ms = (st.first_next_at - st.spawned_at) * 1000.0
            print(f"cold_start_ms\t{self.cold_start_ms:.1f}", file=self.log, flush=True)

    def invoke(self, inv: Invocation) -> bool:
        """Serves one event; False when bootstrap reported an init error."""
        if self.proc is None:
            self.spawn()
        st = self.state
        with st.cond:
            st.current = inv
            st.cond.notify_all()
            while True:
                self._note_cold_start()
                if st.init_error is not None or inv.outcome is not None:
                    break
                now = time.monotonic()
                if inv.started_at is not None:
                    if now >= inv.started_at + inv.timeout_ms / 1000.0:
                        self._finish(inv, "Sandbox.Timedout",
                                     f"Task timed out after {inv.timeout_ms / 1000.0:.2f} seconds")
                        break
                elif now >= inv.queued_at + self.args.init_timeout_ms / 1000.0:
                    self._finish(inv, "Sandbox.Timedout",
                                 "bootstrap did not ask for the invocation within "
                                 f"{self.args.init_timeout_ms} ms")
                    break
                if self.proc.poll() is not None:
                    self._finish(inv, "Runtime.ExitError",
                                 "Runtime exited with error: " + describe_exit(self.proc.returncode))
                    break
                st.cond.wait(POLL_SECONDS)
            st.current = None
            init_error = st.init_error
        if init_error is not None or inv.error_type in KILLING_ERRORS:
            self.stop()  # a new bootstrap serves the next event, as Lambda does
        return init_error is None

    def _finish(self, inv: Invocation, error_type: str, message: str):
        inv.outcome = "error"
        inv.error_type = error_type
        inv.result_body = json.dumps({"errorMessage": message, "errorType": error_type}).encode()
        inv.finished_at = time.monotonic()

    def record(self, inv: Invocation) -> dict:
        start = inv.started_at if inv.started_at is not None else inv.queued_at
        entry = {
            "event": inv.event_file,
            "outcome": inv.outcome,
            "body": inv.result_body.decode("utf-8", errors="replace"),
            "error_type": inv.error_type,
            "duration_ms": round(((inv.finished_at or time.monotonic()) - start) * 1000.0, 3),
            "cold_start_ms": None,
        }
        if self.cold_start_pending and self.cold_start_ms is not None:
            entry["cold_start_ms"] = round(self.cold_start_ms, 3)
            self.cold_start_pending = False
        fields = [inv.event_file, entry["outcome"], one_line(entry["body"])]
        if inv.error_type:
            fields.insert(2, inv.error_type)
        print("\t".join(fields), file=self.log, flush=True)
        return entry

    def serve(self, inp, out) -> int:
        """--serve: one invocation per length-prefixed event on inp, one JSON line on out."""
        self.log = sys.stderr
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        served = 0
        try:
            while True:
                header = inp.readline()
                if not header.strip():
                    return 0  # EOF (or an empty line): the caller is done
                length = int(header)
                body = inp.read(length)
                if len(body) != length:
                    return 1  # the caller went away mid-event
                served += 1
                inv = Invocation(f"invocation-{served}", body, self.args.timeout_ms, self.arn)
                if self.invoke(inv):
                    entry = self.record(inv)
                else:
                    error_type, err_body = self.state.init_error
                    entry = {"event": inv.event_file, "outcome": "init_error",
                             "body": err_body.decode("utf-8", errors="replace"),
                             "error_type": error_type, "duration_ms": None, "cold_start_ms": None}
                    print(f"{inv.event_file}\tinit_error\t{error_type}", file=self.log, flush=True)
                    with self.state.cond:
                        self.state.init_error = None  # a fresh bootstrap gets the next event
                entry["request_id"] = inv.request_id
                out.write((json.dumps(entry) + "\n").encode())
                out.flush()
        finally:
            self.stop()
            with self.state.cond:
                self.state.stopping = True
                self.state.cond.notify_all()
            self.server.shutdown()
            self.server.server_close()

    def run(self, events: list[tuple[str, bytes]]) -> int:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        results: list[dict] = []
        status = 0
        try:
            for event_file, body in events:
                inv = Invocation(event_file, body, self.args.timeout_ms, self.arn)
                if not self.invoke(inv):
                    error_type, err_body = self.state.init_error
                    text = err_body.decode("utf-8", errors="replace")
                    print(f"{event_file}\tinit_error\t{error_type}\t{one_line(text)}", flush=True)
                    results.append({"event": event_file, "outcome": "init_error", "body": text,
                                    "error_type": error_type, "duration_ms": None,
                                    "cold_start_ms": None})
                    status = 2
                    break
                results.append(self.record(inv))
        finally:
            self.stop()  # before releasing /next: bootstrap must not see a 500
            with self.state.cond:
                self.state.stopping = True
                self.state.cond.notify_all()
            self.server.shutdown()
            self.server.server_close()
            if self.stdout_file:
                self.stdout_file.close()
        if self.args.json_out:
            with open(self.args.json_out, "w", encoding="utf-8") as f:
                json.dump(results, f, indent=2)
                f.write("\n")
        return status


def describe_exit(returncode: int) -> str:
    if returncode < 0:  # killed by a signal, worded as Lambda words it
        try:
            return "signal: " + signal.Signals(-returncode).name
        except ValueError:
            return f"signal: {-returncode}"
    return f"exit status {returncode}"


def children_cpu_ms() -> float:
    """User + system CPU time of our reaped children, in milliseconds."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000.0


def signal_group(pgid: int, sig: int):
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass  # the whole group is gone already


def one_line(text: str) -> str:
    # For humans: bodies are JSON, whose line breaks only sit between tokens.
    return text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap", required=True, help="the bootstrap executable")
    parser.add_argument("--env", action="append", default=[], type=parse_env,
                        metavar="KEY=VALUE", help="extra environment for bootstrap (repeatable)")
    parser.add_argument("--timeout-ms", type=int, default=30000,
                        help="function timeout: deadline = hand-out time + this (default 30000)")
    parser.add_argument("--init-timeout-ms", type=int, default=10000,
                        help="how long bootstrap may take to ask for an event (default 10000)")
    parser.add_argument("--json-out", metavar="FILE", help="write the results as a JSON list")
    parser.add_argument("--bootstrap-stdout", metavar="FILE",
                        help="append bootstrap's stdout (its metrics lines) to FILE instead of "
                             "writing it to our stderr")
    parser.add_argument("--function-name", default="k2c-local")
    parser.add_argument("--memory-mb", type=int, default=512)
    parser.add_argument("--inherit-env", action="store_true",
                        help="start from this process's environment instead of an empty one")
    parser.add_argument("--serve", action="store_true",
                        help="take length-prefixed events on stdin, answer JSON lines on stdout")
    parser.add_argument("events", nargs="*", metavar="EVENT_FILE",
                        help="one file per invocation: the whole JSON event")
    args = parser.parse_args(argv)
    if args.timeout_ms <= 0:
        parser.error("--timeout-ms must be positive")
    if bool(args.events) == args.serve:
        parser.error("give EVENT_FILEs or --serve, not both and not neither")
    if not os.access(args.bootstrap, os.X_OK):
        print(f"emulator: {args.bootstrap} is not an executable file", file=sys.stderr)
        return 1
    if args.serve:
        def stop_on_signal(signum, _frame):
            raise SystemExit(128 + signum)  # unwinds through serve(): bootstrap is stopped first
        signal.signal(signal.SIGTERM, stop_on_signal)
        signal.signal(signal.SIGINT, stop_on_signal)
        try:
            return Emulator(args).serve(sys.stdin.buffer, sys.stdout.buffer)
        except OSError as e:
            print(f"emulator: {e}", file=sys.stderr)
            return 1
    try:
        events = []
        for path in args.events:
            with open(path, "rb") as f:
                events.append((path, f.read()))
    except OSError as e:
        print(f"emulator: cannot read event: {e}", file=sys.stderr)
        return 1
    try:
        return Emulator(args).run(events)
    except OSError as e:
        print(f"emulator: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
