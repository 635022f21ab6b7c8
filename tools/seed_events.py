#!/usr/bin/env python3
"""Makes the seed workloads' Kinesis events, at any volume (deterministic).

    python3 tools/seed_events.py [--out events] [--sessions 200] [--telemetry-sessions 60]
                                 [--batch-size N] [--start 2026-11-30T10:00:00Z|now] [--hours 4]

Writes one Lambda Kinesis event per stream (or several of at most --batch-size
records, NAME-0001.json, ...):

  shop-clickstream.json  e-commerce clickstream: page_view, add_to_cart,
                         begin_checkout, purchase (-> shop.events)
  shop-orders.json       one order per purchase (-> shop.orders)
  app-telemetry.json     app telemetry: anonymous_visited, account_created,
                         measurement_recorded, with some events sent twice on
                         purpose (-> telemetry.app_events)

The same arguments give the same files. tools/make_events.py calls this with
the defaults for events/; the tables are in schema/examples/shop*.sql and
telemetry*.sql, the questions in tools/seed_questions.py.
"""
import argparse
import base64
import datetime as dt
import hashlib
import json
import os
import random
import uuid

REGION = "eu-west-1"
ACCOUNT = "123456789012"
DEFAULT_START = "2026-11-30T10:00:00Z"

CATEGORIES = ["shoes", "shirts", "bags", "hats", "socks", "jackets"]
COUNTRIES = [("DE", 24), ("FR", 16), ("GB", 15), ("US", 14), ("NL", 9), ("ES", 8), ("IT", 7),
             ("PL", 4), ("SE", 3)]
DEVICES = [("mobile", 55), ("desktop", 35), ("tablet", 10)]
BROWSERS = {"mobile": [("Chrome", 50), ("Safari", 40), ("Samsung Internet", 10)],
            "desktop": [("Chrome", 55), ("Firefox", 15), ("Edge", 15), ("Safari", 15)],
            "tablet": [("Safari", 70), ("Chrome", 30)]}
DISCOUNT_CODES = [(None, 65), ("WELCOME10", 20), ("WINTER15", 15)]
DISCOUNT_PERCENT = {"WELCOME10": 10, "WINTER15": 15}
PAYMENT_METHODS = [("card", 60), ("paypal", 30), ("klarna", 10)]
OSES = [("Android 14", 30), ("Android 13", 15), ("Android 4.3.1", 5), ("iOS 18.1", 30),
        ("iOS 17.6", 20)]
METRICS = [("heart_rate", "bpm", 55, 120), ("steps", "count", 0, 12000),
           ("weight", "kg", 50, 110), ("sleep", "h", 4, 10)]


def arn(stream):
    return f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{stream}"


def pick(rng, weighted):
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def uid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def iso_ms(t):
    """Unix seconds (float) -> ISO 8601 with milliseconds and Z."""
    d = dt.datetime.fromtimestamp(t, dt.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def products(rng):
    """The catalogue: 40 products with a category, a price in cents and a popularity."""
    out = []
    for i in range(1, 41):
        out.append({"product_id": f"SKU-{i:04d}", "category": CATEGORIES[i % len(CATEGORIES)],
                    "price_cents": rng.randrange(900, 18000, 10), "weight": 1.0 / i ** 0.8})
    return out


def kinesis_record(stream, shard, seq, data: bytes, pkey, arrival):
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": pkey,
            "sequenceNumber": seq,
            "data": base64.b64encode(data).decode(),
            "approximateArrivalTimestamp": round(arrival, 3),
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"shardId-{shard:012d}:{seq}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": f"arn:aws:iam::{ACCOUNT}:role/kinesis-clickhouse",
        "awsRegion": REGION,
        "eventSourceARN": arn(stream),
    }


def to_records(stream, shard, items):
    """items: (payload dict, partition key, arrival) in arrival order -> Kinesis records."""
    recs = []
    for i, (payload, pkey, arrival) in enumerate(items):
        data = json.dumps(payload, separators=(",", ":")).encode()
        recs.append(kinesis_record(stream, shard, f"4960{shard:04d}{i:040d}", data, pkey, arrival))
    return recs


def shop(rng, start, hours, sessions):
    """Clickstream events and the orders of their purchases, each sorted by arrival."""
    catalogue = products(rng)
    weights = [p["weight"] for p in catalogue]
    users = [rng.randrange(100000, 1000000) for _ in range(max(1, sessions * 2 // 3))]
    clicks, orders = [], []
    for _ in range(sessions):
        user = rng.choice(users)
        session = "s-" + uid(rng)[:13]
        country, device = pick(rng, COUNTRIES), pick(rng, DEVICES)
        browser = pick(rng, BROWSERS[device])
        t = start + rng.uniform(0, hours * 3600 - 900)

        def event(event_type, url, product=None, quantity=None):
            nonlocal t
            t += rng.uniform(5, 90)
            e = {"event_id": uid(rng), "user_id": user, "session_id": session,
                 "event_type": event_type, "page_url": "https://shop.example.com" + url}
            if product:
                e["product_id"] = product["product_id"]
                e["category"] = product["category"]
                e["price"] = product["price_cents"] / 100
            if quantity is not None:
                e["quantity"] = quantity
            e.update({"country": country, "device": device, "browser": browser,
                      "event_timestamp": iso_ms(t)})
            clicks.append((e, session, t + rng.uniform(0.05, 2.0)))
            return e

        landing = rng.choice(["/", "/c/" + rng.choice(CATEGORIES), "/search?q=winter"])
        event("page_view", landing)
        viewed = [rng.choices(catalogue, weights=weights)[0] for _ in range(rng.randrange(1, 7))]
        for p in viewed:
            event("page_view", f"/p/{p['product_id'].lower()}", p)
        if rng.random() >= 0.45:
            continue
        product = rng.choice(viewed)
        quantity = rng.choices([1, 2, 3, 4], weights=[70, 20, 7, 3])[0]
        event("add_to_cart", f"/p/{product['product_id'].lower()}", product, quantity)
        if rng.random() >= 0.7:
            continue
        event("begin_checkout", "/checkout", product, quantity)
        if rng.random() >= 0.8:
            continue
        purchase = event("purchase", "/checkout/done", product, quantity)
        code = pick(rng, DISCOUNT_CODES)
        subtotal = product["price_cents"] * quantity
        discount = subtotal * DISCOUNT_PERCENT[code] // 100 if code else 0
        orders.append(({"order_id": uid(rng), "user_id": user, "session_id": session,
                        "product_id": product["product_id"], "quantity": quantity,
                        "unit_price": product["price_cents"] / 100, "discount_code": code,
                        "discount_amount": discount / 100, "order_total": (subtotal - discount) / 100,
                        "currency": "EUR", "country": country,
                        "payment_method": pick(rng, PAYMENT_METHODS),
                        "order_timestamp": purchase["event_timestamp"]},
                       str(user), t + rng.uniform(0.5, 3.0)))
    clicks.sort(key=lambda x: x[2])
    orders.sort(key=lambda x: x[2])
    return clicks, orders


def telemetry(rng, start, hours, sessions, duplicate_share=0.1):
    """App telemetry events, sorted by arrival; some sent a second time later."""
    items = []
    for _ in range(sessions):
        session = uid(rng)
        os_name = pick(rng, OSES)
        t = start + rng.uniform(0, hours * 3600 - 1200)

        def emit(name, payload):
            nonlocal t
            t += rng.uniform(1, 240)
            when = dt.datetime.fromtimestamp(t, dt.timezone.utc)
            # Whole seconds now and then, as in "2023-06-18 14:27:52.000000".
            micro = 0 if rng.random() < 0.2 else rng.randrange(1, 1000000)
            text = json.dumps(payload)
            items.append(({"name": name,
                           "tstamp": when.strftime("%Y-%m-%d %H:%M:%S") + f".{micro:06d}",
                           "payload": text,
                           "payload_md5": hashlib.md5(text.encode()).hexdigest()},
                          session, t + rng.uniform(0.1, 5.0)))

        emit("anonymous_visited", {"dvce_os": os_name, "session_id": session,
                                   "app_version": rng.choice(["3.2.0", "3.2.1", "3.3.0"])})
        if rng.random() < 0.45:
            emit("account_created", {"session_id": session, "user_id": rng.randrange(10**6, 10**7),
                                     "plan": rng.choice(["free", "free", "premium"])})
        for seq in range(rng.randrange(0, 6)):
            metric, unit, lo, hi = rng.choice(METRICS)
            emit("measurement_recorded", {"session_id": session, "seq": seq, "metric": metric,
                                          "value": round(rng.uniform(lo, hi), 1), "unit": unit})
    # Producers retry: resend some events, unchanged, a little later.
    resent = [(p, k, a + rng.uniform(10, 600)) for p, k, a in items if rng.random() < duplicate_share]
    items += resent
    items.sort(key=lambda x: x[2])
    return items


def parse_start(text):
    if text == "now":  # the last `hours` hours, ending now (for servers that apply a TTL)
        return None
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def make(sessions=200, telemetry_sessions=60, start=DEFAULT_START, hours=4, seed=2026):
    """-> {stream: [kinesis records]}"""
    t0 = parse_start(start)
    if t0 is None:
        t0 = int(dt.datetime.now(dt.timezone.utc).timestamp()) - hours * 3600
    rng = random.Random(seed)
    clicks, orders = shop(rng, t0, hours, sessions)
    tele = telemetry(random.Random(seed + 1), t0, hours, telemetry_sessions)
    return {"shop-clickstream": to_records("shop-clickstream", 0, clicks),
            "shop-orders": to_records("shop-orders", 0, orders),
            "app-telemetry": to_records("app-telemetry", 0, tele)}


def write(out, streams, batch_size=0):
    """Writes each stream's records as one event file, or several of batch_size records."""
    written = []
    for stream, recs in streams.items():
        if not batch_size or len(recs) <= batch_size:
            batches = [(f"{stream}.json", recs)]
        else:
            batches = [(f"{stream}-{i // batch_size + 1:04d}.json", recs[i:i + batch_size])
                       for i in range(0, len(recs), batch_size)]
        for name, batch in batches:
            path = os.path.join(out, name)
            with open(path, "w") as f:
                json.dump({"Records": batch}, f, indent=1)
                f.write("\n")
            written.append(path)
    return written


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", default="events")
    ap.add_argument("--sessions", type=int, default=200, help="shop sessions (about 5 events each)")
    ap.add_argument("--telemetry-sessions", type=int, default=60, help="app sessions (about 4 events each)")
    ap.add_argument("--batch-size", type=int, default=0,
                    help="records per event file (Lambda allows up to 10,000); 0 = one file per stream")
    ap.add_argument("--start", default=DEFAULT_START, help="ISO 8601 time of the first event, or 'now'")
    ap.add_argument("--hours", type=int, default=4, help="time span of the events")
    ap.add_argument("--seed", type=int, default=2026)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    streams = make(a.sessions, a.telemetry_sessions, a.start, a.hours, a.seed)
    for path in write(a.out, streams, a.batch_size):
        print(path)


if __name__ == "__main__":
    main()
