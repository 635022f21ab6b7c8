// What ./dev stream puts into the stream: the record shapes, their tables,
// and which records are bad on purpose.
//
// Every user record has a rec_id (0, 1, 2, ... in put order) in its payload
// and its table, so the monitor can tell when each one becomes queryable.
// Whether a record is bad, and how, is a pure function of its rec_id, the
// seed and the ratio, so the producer and the accounting agree without
// telling each other.
//
//   orders     the e-commerce orders of tools/make_events.py (a pool of
//              distinct orders made once by it, rec_id spliced in front)
//   telemetry  a device reading: ids, a timestamp, a few numbers
//
// Bad records cycle through three kinds, each of which the function must
// dead-letter: invalid JSON, JSON that is not an object, and a value its
// column refuses.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ORDER_POOL = 4096;

export const SHAPES = {
  orders: {
    table: 'stream_orders',
    ddl: `CREATE TABLE IF NOT EXISTS stream_orders (
    rec_id UInt64,
    order_id UUID,
    event_time DateTime,
    customer_id UInt64,
    sku String,
    quantity UInt16,
    price Decimal(12, 2),
    currency FixedString(3),
    status Enum8('created' = 1, 'paid' = 2, 'shipped' = 3, 'cancelled' = 4),
    tags Array(String),
    coupon Nullable(String),
    _shard_id String,
    _sequence_number String,
    _approximate_arrival_timestamp DateTime
) ENGINE = MergeTree ORDER BY rec_id`,
  },
  telemetry: {
    table: 'stream_telemetry',
    ddl: `CREATE TABLE IF NOT EXISTS stream_telemetry (
    rec_id UInt64,
    device_id String,
    ts DateTime,
    temperature Float32,
    humidity Float32,
    battery UInt8,
    rssi Int16,
    firmware String,
    _shard_id String,
    _sequence_number String
) ENGINE = MergeTree ORDER BY rec_id`,
  },
};

// A 32-bit mix (splitmix-like), so bad records are spread evenly and the same every run.
function mix(x) {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

export function isBad(recId, ratio, seed) {
  if (!(ratio > 0)) return false;
  return mix((recId ^ Math.imul(seed, 0x9e3779b9)) >>> 0) / 4294967296 < ratio;
}

export const BAD_KINDS = ['invalid_json', 'not_an_object', 'value_rejected'];

export class RecordMaker {
  constructor(shape, { badRatio = 0, seed = 1 } = {}) {
    if (!SHAPES[shape]) throw new Error(`unknown shape ${shape} (orders or telemetry)`);
    this.shape = shape;
    this.badRatio = badRatio;
    this.seed = seed;
    this.badCount = 0;
    if (shape === 'orders') {
      const lines = execFileSync('python3', [path.join(ROOT, 'tools/make_events.py'), '--orders-jsonl',
                                              String(ORDER_POOL), '--seed', String(seed)],
                                 { encoding: 'utf8', maxBuffer: 64 << 20 }).trim().split('\n');
      this.pool = lines.map((line) => ({ rest: line.slice(1), key: `customer-${JSON.parse(line).customer_id % 1000}` }));
    }
  }

  // { data: Buffer, partitionKey, bad }
  make(recId, nowMs) {
    const bad = isBad(recId, this.badRatio, this.seed);
    let text, key;
    if (this.shape === 'orders') {
      const o = this.pool[recId % this.pool.length];
      key = o.key;
      text = `{"rec_id":${recId},${o.rest}`;
      if (bad) text = badVersion(text, recId, /"quantity":\d+/, '"quantity":"lots"');
    } else {
      const device = mix(recId * 7 + 1) % 1000;
      key = `device-${String(device).padStart(4, '0')}`;
      const r = mix(recId);
      text = `{"rec_id":${recId},"device_id":"${key}","ts":"${new Date(nowMs).toISOString()}",` +
             `"temperature":${(15 + (r % 2000) / 100).toFixed(2)},"humidity":${(30 + (r >>> 11) % 500 / 10).toFixed(1)},` +
             `"battery":${r % 101},"rssi":${-40 - (r >>> 20) % 60},"firmware":"2.${r % 4}.${r % 10}"}`;
      if (bad) text = badVersion(text, recId, /"battery":\d+/, '"battery":300');
    }
    if (bad) this.badCount++;
    return { data: Buffer.from(text), partitionKey: key, bad };
  }
}

function badVersion(good, recId, field, rejected) {
  switch (recId % 3) {
    case 0: return good.slice(0, good.length >> 1);  // invalid_json: cut in the middle
    case 1: return `[${recId},"not an object"]`;      // not_an_object
    default: return good.replace(field, rejected);   // value_rejected
  }
}
