#!/usr/bin/env python3
"""Writes the samples of what real producers send (deterministic: the same
files every run), each with its table in schema/examples/ and its route in
schema/examples/routes.json:

    python3 tools/make_producer_events.py [--out events]

  events/kpl-orders.json        two KPL aggregates of 5 orders each (as the
                                Kinesis Producer Library writes them: magic,
                                protobuf, MD5) and one plain record -> orders_kpl
  events/cloudwatch-logs.json   a CloudWatch Logs subscription: gzip DATA_MESSAGE
                                records with plain and JSON log lines, and the
                                CONTROL_MESSAGE the service sends first -> app_logs
  events/text-lines.json        plain log lines on a route with format "text"
                                -> access_log
"""
import argparse
import gzip
import hashlib
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_events import order, record, seq_number  # noqa: E402


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append(v & 0x7F | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def kpl_aggregate(user_records):
    """An AggregatedRecord of (partition key, data) pairs, framed as the KPL frames it."""
    keys = []
    body = b""
    for key, _ in user_records:
        if key not in keys:
            keys.append(key)
    for key in keys:
        body += field(1, key.encode())
    for key, data in user_records:
        rec = varint(1 << 3) + varint(keys.index(key)) + field(3, data)
        body += field(3, rec)
    return b"\xf3\x89\x9a\xc2" + body + hashlib.md5(body).digest()


def kpl_event():
    rng = random.Random(11)
    recs = []
    i = 0
    for r in range(2):
        users = []
        for _ in range(5):
            users.append((f"customer-{i % 3}", json.dumps(order(rng, i), separators=(",", ":")).encode()))
            i += 1
        recs.append(record("orders-kpl", 2, seq_number(2, r), kpl_aggregate(users), "aggregate",
                           1714564800.5 + r))
    plain = json.dumps(order(rng, i), separators=(",", ":")).encode()
    recs.append(record("orders-kpl", 2, seq_number(2, 2), plain, "customer-plain", 1714564802.5))
    return {"Records": recs}


def log_message(kind, events, group="/aws/lambda/checkout", stream="2024/05/01/[$LATEST]abc"):
    msg = {"messageType": kind, "owner": "123456789012", "logGroup": group, "logStream": stream,
           "subscriptionFilters": ["to-kinesis"], "logEvents": events}
    return gzip.compress(json.dumps(msg, separators=(",", ":")).encode(), mtime=0)


def cloudwatch_event():
    control = log_message("CONTROL_MESSAGE", [
        {"id": "", "timestamp": 1714564800000,
         "message": "CWL CONTROL MESSAGE: Checking health of destination Kinesis stream."}], "", "")
    lines = [
        "START RequestId: 6f1c Version: $LATEST",
        json.dumps({"level": "INFO", "message": "order accepted", "order_id": "o-1", "ms": 12}),
        json.dumps({"level": "ERROR", "message": "payment declined", "order_id": "o-2", "ms": 340}),
        "END RequestId: 6f1c",
        "REPORT RequestId: 6f1c Duration: 352.11 ms Billed Duration: 353 ms",
    ]
    events = [{"id": f"3{i:055d}", "timestamp": 1714564801000 + i * 7, "message": m}
              for i, m in enumerate(lines)]
    recs = [record("app-logs", 3, seq_number(3, 0), control, "control", 1714564800.9),
            record("app-logs", 3, seq_number(3, 1), log_message("DATA_MESSAGE", events[:3]), "a", 1714564801.9),
            record("app-logs", 3, seq_number(3, 2), log_message("DATA_MESSAGE", events[3:]), "b", 1714564802.9)]
    return {"Records": recs}


def text_event():
    lines = [
        '203.0.113.7 - - [01/May/2024:12:00:00 +0000] "GET /cart HTTP/1.1" 200 512',
        '198.51.100.23 - - [01/May/2024:12:00:01 +0000] "POST /checkout HTTP/1.1" 302 0',
        '{"this": "is stored as text too, never parsed"}',
        '192.0.2.99 - - [01/May/2024:12:00:03 +0000] "GET /favicon.ico HTTP/1.1" 404 0',
    ]
    return {"Records": [record("access-log", 4, seq_number(4, i), line.encode(), f"host-{i % 2}",
                               1714564800.25 + i) for i, line in enumerate(lines)]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", default="events")
    a = ap.parse_args()
    for name, event in (("kpl-orders.json", kpl_event()), ("cloudwatch-logs.json", cloudwatch_event()),
                        ("text-lines.json", text_event())):
        with open(os.path.join(a.out, name), "w") as f:
            json.dump(event, f, indent=2)
            f.write("\n")
        print(f"wrote {os.path.join(a.out, name)}: {len(event['Records'])} records")


if __name__ == "__main__":
    main()
