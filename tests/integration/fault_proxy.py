#!/usr/bin/env python3
"""A loopback HTTP proxy that injects the faults a real ClickHouse will not show on demand.

    fault_proxy.py UPSTREAM_PORT PORT_FILE PLAN_FILE [INSERTS_LOG]

Listens on 127.0.0.1 (a free port, written to PORT_FILE) and forwards every
request to 127.0.0.1:UPSTREAM_PORT, except INSERT requests, whose fate is read
from PLAN_FILE each time: one word per line, the first line is used and
removed. The fates:
  pass   forward it and pass the answer on;
  reset  close the connection with RST mid-body;
  stall  hold the request for 10 s without answering;
  503    answer 503 without forwarding;
  lose   forward the whole request, wait for the server's whole answer, then
         close the connection with RST without passing it on: the insert is
         committed and its answer lost.
A line ending in "*" (e.g. "503*") is never removed. An empty plan means
"pass". Every fault but "lose" is injected before anything reaches the server,
so such a faulted insert never writes. With INSERTS_LOG, every INSERT request
appends one line there: its fate, its Content-Encoding ("-" if none), its
Content-Length and its table, e.g. "pass gzip 10534 orders". Used only by the
tests, on 127.0.0.1.
"""
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse

upstream_port = int(sys.argv[1])
port_file, plan_file = sys.argv[2], sys.argv[3]
inserts_log = sys.argv[4] if len(sys.argv) > 4 else None
lock = threading.Lock()


def next_fault():
    with lock:
        try:
            lines = [l.strip() for l in open(plan_file) if l.strip()]
        except FileNotFoundError:
            return "pass"
        if not lines:
            return "pass"
        first = lines[0]
        if first.endswith("*"):
            return first[:-1]
        with open(plan_file, "w") as f:
            f.write("".join(l + "\n" for l in lines[1:]))
        return first


def log_insert(fault, head, length):
    if not inserts_log:
        return
    lines = head.split(b"\r\n")
    encoding = b"-"
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-encoding":
            encoding = value.strip()
    target = lines[0].split(b" ")[1].decode("latin-1")
    sql = urllib.parse.parse_qs(urllib.parse.urlsplit(target).query).get("query", [""])[0]
    # INSERT INTO `db`.`table` (...): the table is the second quoted name.
    names = sql.split("`")
    table = names[3] if len(names) > 3 else "?"
    with lock, open(inserts_log, "a") as f:
        f.write(f"{fault} {encoding.decode('latin-1')} {length} {table}\n")


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None, None, 0
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    return head, rest, length


def reset(conn):
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def forward(head, body):
    up = socket.create_connection(("127.0.0.1", upstream_port))
    lines = [l for l in head.split(b"\r\n") if not l.lower().startswith(b"connection:")]
    up.sendall(b"\r\n".join(lines) + b"\r\nConnection: close\r\n\r\n" + body)
    response = b""
    while True:
        chunk = up.recv(65536)
        if not chunk:
            break
        response += chunk
    up.close()
    # Re-frame the answer for a kept-alive client: ClickHouse's may be chunked.
    rhead, _, rbody = response.partition(b"\r\n\r\n")
    rlines = rhead.split(b"\r\n")
    chunked = any(l.lower().startswith(b"transfer-encoding: chunked") for l in rlines)
    if chunked:
        out, rest = b"", rbody
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                break
            out += rest[:size]
            rest = rest[size + 2:]
        rbody = out
    keep = [l for l in rlines if not l.lower().startswith((b"transfer-encoding", b"content-length", b"connection"))]
    return b"\r\n".join(keep) + b"\r\nContent-Length: " + str(len(rbody)).encode() + b"\r\n\r\n" + rbody


def serve(conn):
    try:
        while True:
            got = read_request(conn)
            if got[0] is None:
                return
            head, rest, length = got
            is_insert = b"query=INSERT" in head.split(b"\r\n")[0]
            fault = next_fault() if is_insert else "pass"
            if is_insert:
                log_insert(fault, head, length)
            if fault == "reset":
                if length > 1:  # take part of the body, then reset
                    while len(rest) < length // 2:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        rest += chunk
                reset(conn)
                return
            while len(rest) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                rest += chunk
            if fault == "stall":
                time.sleep(10)
                conn.close()
                return
            if fault == "503":
                msg = b"Service Unavailable (injected)"
                conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: " +
                             str(len(msg)).encode() + b"\r\n\r\n" + msg)
                continue
            answer = forward(head, rest[:length])
            if fault == "lose":
                reset(conn)
                return
            conn.sendall(answer)
    except OSError:
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass


def main():
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.getsockname()[1]))
    os.rename(tmp, port_file)
    deadline = time.time() + 600  # never outlive a test run
    srv.settimeout(1)
    while time.time() < deadline:
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
