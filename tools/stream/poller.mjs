// Our Kinesis event source mapping: polls every shard of the stream with the
// AWS SDK for JavaScript v3 (GetShardIterator, GetRecords), makes the event
// Lambda would send, and invokes the real bootstrap through the Runtime API
// emulator, one function instance per shard x ParallelizationFactor. The
// rules (checkpoints, bisect, retries, record age, the destination) are in
// esm.mjs; this file is the I/O around them. A child process of main.mjs
// (fork, IPC); its config is argv[2] (JSON).
//
//   -> { type: 'ready', emulators: [pid, ...] }
//   -> { type: 'destination', shard, sequenceNumbers, condition }  per discarded batch
//   -> { type: 'stats', ... }  once a second, and a last time before exiting
//   <- { type: 'stop' }  readers stop, each lane finishes the batch it has
//
// Polling follows Lambda's documented cadence for standard iterators: a
// shard whose last GetRecords came back empty is polled again after
// pollIntervalMs (Lambda: once a second); while records keep coming, after
// getIntervalMs (Kinesis allows 5 GetRecords a second per shard). A lane
// invokes when it holds BatchSize records, 6 MB of event, or records and
// its batching window (which starts when its previous invocation ended) has
// passed. Starting position: TRIM_HORIZON (the stream is made for the run).

import fs from 'node:fs';
import path from 'node:path';

import { Kinesis, kinesisClient } from './kinesis_client.mjs';
import { Invoker } from './invoker.mjs';
import {
  MAX_PAYLOAD_BYTES, batchLength, eventBody, eventRecord, invocationRecord, laneOf, runBatch,
} from './esm.mjs';

const cfg = JSON.parse(process.argv[2]);
const client = kinesisClient(cfg.endpoint, { sockets: cfg.shards.length * 2 });
const accountId = cfg.streamArn.split(':')[4];
const region = cfg.streamArn.split(':')[3];
const ctxBase = {
  streamArn: cfg.streamArn,
  awsRegion: region,
  invokeIdentityArn: `arn:aws:iam::${accountId}:role/${cfg.functionName}-role`,
  functionArn: `arn:aws:lambda:${region}:${accountId}:function:${cfg.functionName}`,
};
const MAX_BUFFERED_PER_SHARD = Math.max(10000, cfg.batchSize * cfg.parallelization * 4);

let stopping = false;
const totals = { getRecordsCalls: 0, getRecordsErrors: 0, read: 0, invocations: 0, functionErrors: 0, partials: 0,
                 failures: 0, retries: 0, bisections: 0, discarded: 0, abandoned: 0, invokeMs: 0, getRecordsMs: 0 };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

class Lane {
  constructor(shardId, index) {
    this.shardId = shardId;
    this.index = index;
    this.buffer = [];
    this.bytes = 0;
    this.inflight = 0;
    this.wake = null;
    this.invoker = new Invoker({
      bootstrap: cfg.bootstrap, env: cfg.functionEnv, timeoutMs: cfg.functionTimeoutMs, functionName: cfg.functionName,
      logFile: path.join(cfg.logDir, `${shardId}-lane${index}.log`),
    });
    this.ctx = { ...ctxBase, shardId };
  }

  push(rec) {
    this.buffer.push(rec);
    this.bytes += rec.json.length + 1;
    if (this.wake) this.wake();
  }

  ready(now, windowEnds) {
    if (this.buffer.length === 0) return false;
    return this.buffer.length >= cfg.batchSize || this.bytes >= MAX_PAYLOAD_BYTES || now >= windowEnds;
  }

  async run() {
    const esmCfg = {
      reportBatchItemFailures: cfg.reportBatchItemFailures, bisect: cfg.bisect, maxRetries: cfg.maxRetries,
      maxRecordAgeS: cfg.maxRecordAgeS, retryBackoffMs: cfg.retryBackoffMs, retryBackoffCapMs: cfg.retryBackoffCapMs,
    };
    const io = {
      now: () => Date.now(),
      stopped: () => stopping,
      sleep: (ms) => this.pause(ms),
      invoke: async (records) => {
        const t = Date.now();
        const result = await this.invoker.invoke(eventBody(records));
        totals.invokeMs += Date.now() - t;
        return result;
      },
      discard: async (records, info) => {
        const doc = invocationRecord(records, info, { ...this.ctx, nowMs: Date.now() });
        fs.appendFileSync(cfg.destinationFile, JSON.stringify(doc) + '\n');
        process.send({ type: 'destination', shard: this.shardId, condition: info.condition,
                       sequenceNumbers: records.map((r) => r.sequenceNumber) });
      },
    };
    let windowStart = Date.now();
    while (!stopping) {
      const windowEnds = windowStart + cfg.windowMs;
      if (!this.ready(Date.now(), windowEnds)) {
        await this.pause(this.buffer.length ? windowEnds - Date.now() : 1000, true);
        continue;
      }
      const n = batchLength(this.buffer, cfg.batchSize);
      const batch = this.buffer.splice(0, n);
      for (const r of batch) this.bytes -= r.json.length + 1;
      this.inflight = batch.length;
      const stats = await runBatch(batch, esmCfg, io);
      this.inflight = 0;
      for (const k of Object.keys(stats)) totals[k] += stats[k];
      windowStart = Date.now();  // "the next window begins as soon as the previous invocation completes"
    }
  }

  // Sleeps up to ms; a new record (when wakeable) or stop() ends it early.
  pause(ms, wakeable = false) {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms));
      function done() { clearTimeout(timer); resolve(); }
      if (wakeable) this.wake = () => { this.wake = null; done(); };
      this.stopWake = done;
    });
  }
}

class Shard {
  constructor(shardId) {
    this.shardId = shardId;
    this.lanes = Array.from({ length: cfg.parallelization }, (_, i) => new Lane(shardId, i));
    this.lastSequence = null;
  }

  buffered() { return this.lanes.reduce((n, l) => n + l.buffer.length, 0); }

  async iterator() {
    const params = { StreamName: cfg.stream, ShardId: this.shardId };
    Object.assign(params, this.lastSequence
      ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: this.lastSequence }
      : { ShardIteratorType: 'TRIM_HORIZON' });
    return (await client.send(new Kinesis.GetShardIteratorCommand(params))).ShardIterator;
  }

  async read() {
    let iterator = await this.iterator();
    let lastCall = 0, lastEmpty = true;
    while (!stopping && iterator) {
      const room = MAX_BUFFERED_PER_SHARD - this.buffered();
      if (room <= 0) {
        await sleep(20);
        continue;
      }
      await sleep(lastCall + (lastEmpty ? cfg.pollIntervalMs : cfg.getIntervalMs) - Date.now());
      if (stopping) break;
      lastCall = Date.now();
      let out;
      try {
        totals.getRecordsCalls++;
        out = await client.send(new Kinesis.GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(10000, room) }));
        totals.getRecordsMs += Date.now() - lastCall;
      } catch (err) {
        totals.getRecordsErrors++;
        if (err.name === 'ExpiredIteratorException') iterator = await this.iterator();
        else await sleep(500);
        continue;
      }
      for (const r of out.Records) {
        const rec = {
          sequenceNumber: r.SequenceNumber, partitionKey: r.PartitionKey,
          arrivalMs: r.ApproximateArrivalTimestamp.getTime(),
        };
        rec.json = JSON.stringify(eventRecord({ ...rec, data: r.Data }, this.lanes[0].ctx));
        this.lanes[laneOf(rec.partitionKey, cfg.parallelization)].push(rec);
        this.lastSequence = r.SequenceNumber;
      }
      totals.read += out.Records.length;
      lastEmpty = out.Records.length === 0;
      iterator = out.NextShardIterator;  // null once a closed shard is read to its end
    }
  }
}

function stats() {
  let buffered = 0, inflight = 0;
  for (const s of shards) for (const l of s.lanes) { buffered += l.buffer.length; inflight += l.inflight; }
  return { type: 'stats', ...totals, buffered, inflight };
}

const shards = cfg.shards.map((id) => new Shard(id));
const lanes = shards.flatMap((s) => s.lanes);

process.on('message', (msg) => {
  if (msg && msg.type === 'stop') {
    stopping = true;
    for (const l of lanes) if (l.stopWake) l.stopWake();
  }
});
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => { stopping = true; for (const l of lanes) if (l.stopWake) l.stopWake(); });
}

async function main() {
  fs.mkdirSync(cfg.logDir, { recursive: true });
  for (const l of lanes) l.invoker.start();
  process.send({ type: 'ready', emulators: lanes.map((l) => l.invoker.pid) });
  const timer = setInterval(() => process.send(stats()), 1000);
  const work = [...shards.map((s) => s.read()), ...lanes.map((l) => l.run())];
  const results = await Promise.allSettled(work);
  clearInterval(timer);
  const failed = results.filter((r) => r.status === 'rejected');
  await Promise.all(lanes.map((l) => l.invoker.stop()));
  for (const f of failed) process.send({ type: 'log', text: `poller: ${f.reason && f.reason.stack || f.reason}` });
  process.send({ ...stats(), final: true, emulators: lanes.flatMap((l) => l.invoker.pids) },
               () => process.exit(failed.length ? 1 : 0));
}

main().catch((err) => {
  process.send({ type: 'log', text: `poller failed: ${err.stack || err}` }, () => process.exit(1));
});
