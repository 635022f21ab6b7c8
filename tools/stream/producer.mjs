// The producer of ./dev stream: puts records into the stream at a chosen rate,
// with the AWS SDK for JavaScript v3 (PutRecords), plain, gzip or
// KPL-aggregated with aws-kinesis-agg. A child process of main.mjs (fork,
// IPC): the config comes as argv[2] (JSON), and every acknowledged
// Kinesis record is reported back with the time its PutRecords returned.
//
//   -> { type: 'put', at, outers: [[shard, sequenceNumber, firstRecId, count, partitionKey], ...] }
//   -> { type: 'stats', due, put, queued, inflight, putCalls, retriedEntries }  once a second
//   -> { type: 'done', ... }  then the process exits
//   <- { type: 'stop' }  stop making records; what is made is still put
//
// User records get rec_ids 0..N-1 in the order they are made. In KPL mode
// consecutive user records share an aggregate, flushed as the KPL does by
// default: at 51,200 bytes (AggregationMaxSize) or when its oldest record
// has waited 100 ms (RecordMaxBufferedTime). Rates are of user records.

import zlib from 'node:zlib';
import { createRequire } from 'node:module';

import { Kinesis, kinesisClient } from './kinesis_client.mjs';
import { RecordMaker } from './records.mjs';

const require = createRequire(import.meta.url);
const { RecordAggregator } = require('aws-kinesis-agg');

const KPL_MAX_BYTES = 51200;
const KPL_MAX_BUFFERED_MS = 100;
const PUT_MAX_RECORDS = 500;
const PUT_MAX_BYTES = 5 * 1024 * 1024;
const MAX_INFLIGHT_CALLS = 8;
const MAX_ENTRY_ATTEMPTS = 20;
const TICK_MS = 5;

const cfg = JSON.parse(process.argv[2]);
const client = kinesisClient(cfg.endpoint, { sockets: MAX_INFLIGHT_CALLS });
const maker = new RecordMaker(cfg.shape, { badRatio: cfg.badRatio, seed: cfg.seed });
const total = cfg.total;

let made = 0;            // user records made (rec_ids 0..made-1)
let put = 0;             // user records acknowledged
let inflight = 0;        // PutRecords calls in flight
let putCalls = 0, retriedEntries = 0, failedEntries = 0;
let stopping = false;
const queue = [];        // entries ready to put: { data, partitionKey, first, count, attempts }

let aggregator = null, aggFirst = 0, aggCount = 0, aggSince = 0;
if (cfg.kpl) aggregator = new RecordAggregator();

function addUserRecord(recId, now) {
  let { data, partitionKey } = maker.make(recId, now);
  if (cfg.gzip) data = zlib.gzipSync(data);
  if (!aggregator) {
    queue.push({ data, partitionKey, first: recId, count: 1, attempts: 0 });
    return;
  }
  const user = { data, partitionKey };
  if (aggCount > 0 && aggregator.totalBytes + aggregator.calculateUserRecordSize(user) > KPL_MAX_BYTES) flushAggregate();
  if (aggCount === 0) { aggFirst = recId; aggSince = now; }
  aggregator.addUserRecord(user);
  aggCount++;
}

function flushAggregate() {
  if (aggCount === 0) return;
  const encoded = aggregator.build();  // { partitionKey (the first user record's), data }
  queue.push({ data: encoded.data, partitionKey: encoded.partitionKey, first: aggFirst, count: aggCount, attempts: 0 });
  aggCount = 0;
}

function takeCall() {
  const entries = [];
  let bytes = 0;
  while (queue.length && entries.length < PUT_MAX_RECORDS) {
    const size = queue[0].data.length + Buffer.byteLength(queue[0].partitionKey);
    if (entries.length && bytes + size > PUT_MAX_BYTES) break;
    bytes += size;
    entries.push(queue.shift());
  }
  return entries;
}

async function putCall(entries) {
  inflight++;
  putCalls++;
  try {
    const out = await client.send(new Kinesis.PutRecordsCommand({
      StreamName: cfg.stream,
      Records: entries.map((e) => ({ Data: e.data, PartitionKey: e.partitionKey })),
    }));
    const at = Date.now();
    const outers = [];
    out.Records.forEach((r, i) => {
      const e = entries[i];
      if (r.SequenceNumber) {
        outers.push([Number(r.ShardId.split('-')[1]), r.SequenceNumber, e.first, e.count, e.partitionKey]);
        put += e.count;
      } else {
        retry(e);
      }
    });
    if (outers.length) process.send({ type: 'put', at, outers });
  } catch (err) {
    // Not acknowledged: put again. (Were they stored after all, a copy lands
    // twice in the stream, as with any producer; the accounting counts it.)
    for (const e of entries) retry(e, err);
  } finally {
    inflight--;
  }
}

function retry(entry, err) {
  entry.attempts++;
  if (entry.attempts >= MAX_ENTRY_ATTEMPTS) {
    failedEntries++;
    process.send({ type: 'log', text: `producer: gave up on rec_ids ${entry.first}..${entry.first + entry.count - 1}` +
                                      (err ? `: ${err.message}` : '') });
    return;
  }
  retriedEntries++;
  queue.unshift(entry);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

process.on('message', (msg) => { if (msg && msg.type === 'stop') stopping = true; });

async function main() {
  const start = Date.now();
  const statsTimer = setInterval(() => process.send({
    type: 'stats', due: Math.min(total, Math.floor((Date.now() - start) / 1000 * cfg.rate)), made, put,
    queued: queue.length + aggCount, inflight, putCalls, retriedEntries,
  }), 1000);
  // Bounded: `total` records at `rate`, then what is queued; each entry at most MAX_ENTRY_ATTEMPTS times.
  for (;;) {
    const now = Date.now();
    if (!stopping) {
      const due = Math.min(total, Math.floor((now - start) / 1000 * cfg.rate));
      // Making records never runs ahead of putting them by more than a few calls' worth.
      while (made < due && queue.length < MAX_INFLIGHT_CALLS * PUT_MAX_RECORDS * 2) addUserRecord(made++, now);
    }
    const finished = stopping || made >= total;
    if (aggregator && aggCount > 0 && (finished || now - aggSince >= KPL_MAX_BUFFERED_MS)) flushAggregate();
    while (queue.length && inflight < MAX_INFLIGHT_CALLS) putCall(takeCall());
    if (finished && queue.length === 0 && inflight === 0 && aggCount === 0) break;
    await sleep(TICK_MS);
  }
  clearInterval(statsTimer);
  const cpu = process.cpuUsage();
  process.send({ type: 'done', made, put, putCalls, retriedEntries, failedEntries, bad: maker.badCount,
                 seconds: (Date.now() - start) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 },
               () => process.exit(0));
}

main().catch((err) => {
  process.send({ type: 'log', text: `producer failed: ${err.stack || err}` }, () => process.exit(1));
});
