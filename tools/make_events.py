#!/usr/bin/env python3
"""Writes the sample Kinesis events in events/ (deterministic: same files every run).

    python3 tools/make_events.py [--out events] [--orders N] [--sessions N] [--telemetry-sessions N]
    python3 tools/make_events.py --orders-jsonl N [--seed S]

Each file is one Lambda invocation event, exactly as Lambda delivers a Kinesis batch.
The seed workloads' events (shop-clickstream, shop-orders, app-telemetry) come
from tools/seed_events.py, which also makes them at any volume and batch size.
--orders-jsonl prints N order payloads instead, one JSON object a line, for
producers that make their own records (tools/stream, ./dev stream).
"""
import argparse
import base64
import json
import os
import random
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seed_events  # noqa: E402

REGION = "eu-west-1"
ACCOUNT = "123456789012"


def arn(stream):
    return f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{stream}"


def record(stream, shard, seq, data: bytes, pkey, arrival):
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": pkey,
            "sequenceNumber": seq,
            "data": base64.b64encode(data).decode() if isinstance(data, bytes) else data,
            "approximateArrivalTimestamp": arrival,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"shardId-{shard:012d}:{seq}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": f"arn:aws:iam::{ACCOUNT}:role/kinesis-clickhouse",
        "awsRegion": REGION,
        "eventSourceARN": arn(stream),
    }


def seq_number(shard, i):
    return f"4959{shard:04d}{i:040d}"


def order(rng, i):
    t = 1714564800 + i * 37
    return {
        "order_id": str(uuid.UUID(int=rng.getrandbits(128))),
        "event_time": f"2024-05-01T{(t // 3600) % 24:02d}:{(t // 60) % 60:02d}:{t % 60:02d}.{i % 1000:03d}Z",
        "customer_id": rng.randrange(1, 10**9),
        "sku": f"SKU-{rng.randrange(10000):05d}",
        "quantity": rng.randrange(1, 20),
        "price": f"{rng.randrange(100, 100000) / 100:.2f}",
        "currency": rng.choice(["EUR", "USD", "GBP"]),
        "status": rng.choice(["created", "paid", "shipped", "cancelled"]),
        "tags": rng.sample(["gift", "express", "b2b", "promo", "fragile"], rng.randrange(0, 3)),
        "coupon": rng.choice([None, "SPRING24", "WELCOME"]),
        "note": "ignored: not a column",
    }


def orders_event(n, seed=7, shard=1):
    rng = random.Random(seed)
    recs = []
    for i in range(n):
        body = json.dumps(order(rng, i), separators=(",", ":")).encode()
        recs.append(record("orders", shard, seq_number(shard, i), body, f"customer-{i % 17}",
                           1714564800.123 + i))
    return {"Records": recs}


def clicks_event():
    """A mixed batch: good records and one of each kind of bad record."""
    good = [
        {"ts": "2024-05-01 10:00:00", "day": "2024-05-01", "user_id": 1, "session": "s-1",
         "page": "/", "duration_ms": 1200, "score": 0.5, "referrer": None},
        {"ts": 1714557600, "day": "2024-05-01", "user_id": "2", "page": "/cart",
         "duration_ms": 350, "score": "1.25"},
        {"page": "/help", "user_id": -3, "ts": "2024-05-01T12:30:00+02:00", "day": "2024-05-01",
         "duration_ms": 10.0, "score": 2, "extra": {"nested": [1, 2, 3]}},
    ]
    raw = [json.dumps(g).encode() for g in good]
    raw.insert(1, b"not json at all")                                    # invalid_json
    raw.insert(3, "not base64!".encode())                                # replaced below
    raw.append(b"[1, 2, 3]")                                             # not_an_object
    raw.append(json.dumps({"ts": "yesterday", "day": "2024-05-01", "user_id": 4, "page": "/x",
                           "duration_ms": 1, "score": 1}).encode())      # value_rejected
    raw.append(json.dumps({"ts": "2024-05-01 10:00:00", "day": "2024-05-01", "user_id": 5,
                           "page": "/y", "duration_ms": -1, "score": 1}).encode())  # value_rejected
    raw.append(b'{"page": "/z"} trailing')                               # invalid_json
    recs = []
    for i, data in enumerate(raw):
        r = record("clicks", 2, seq_number(2, i), data, f"user-{i}", 1714557600.5 + i)
        if data == b"not base64!":
            r["kinesis"]["data"] = "not base64!"
        recs.append(r)
    return {"Records": recs}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="events")
    ap.add_argument("--orders", type=int, default=100)
    ap.add_argument("--sessions", type=int, default=200, help="seed shop sessions")
    ap.add_argument("--telemetry-sessions", type=int, default=60, help="seed app sessions")
    ap.add_argument("--orders-jsonl", type=int, metavar="N", help="print N orders as JSON lines and stop")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    if a.orders_jsonl is not None:
        rng = random.Random(a.seed)
        for i in range(a.orders_jsonl):
            print(json.dumps(order(rng, i), separators=(",", ":")))
        return
    files = {
        "orders-batch.json": orders_event(a.orders),
        "clicks-mixed.json": clicks_event(),
        "empty-batch.json": {"Records": []},
        "not-kinesis.json": {"detail-type": "Scheduled Event", "source": "aws.events"},
    }
    for name, event in files.items():
        with open(f"{a.out}/{name}", "w") as f:
            json.dump(event, f, indent=1)
            f.write("\n")
    seed_events.write(a.out, seed_events.make(a.sessions, a.telemetry_sessions))


if __name__ == "__main__":
    main()
