// What was put, and where each record is known to be so far.
//
// User records are numbered by rec_id (0..capacity-1), as the producer made
// them; a Kinesis record ("outer") holds one user record, or a KPL
// aggregate of consecutive ones. The ledger keeps, per user record, the
// time its PutRecords returned and the first time the monitor saw it
// somewhere, and per outer record its shard, sequence number and lane. The
// live state here drives the progress line and the latency figures; the
// final accounting (accounting.mjs) recounts everything from ClickHouse and
// the destination file.

import { laneOf } from './esm.mjs';

export const NONE = 0, ROW = 1, DEAD = 2, DEST = 3;

export class Ledger {
  constructor(capacity, parallelization) {
    this.capacity = capacity;
    this.parallelization = parallelization;
    this.putAt = new Float64Array(capacity).fill(NaN);
    this.seenAt = new Float64Array(capacity).fill(NaN);
    this.state = new Uint8Array(capacity);
    this.outerOf = new Int32Array(capacity).fill(-1);
    this.outers = { shard: [], seq: [], first: [], count: [], lane: [] };
    this.byKey = new Map();  // "shard:sequenceNumber" -> outer index
    this.put = 0;
    this.resolved = [0, 0, 0, 0];
    this.watermark = -1;     // every rec_id <= watermark is put and resolved
    this.firstPutAt = Infinity;
  }

  onPut(at, outers) {
    for (const [shard, seq, first, count, partitionKey] of outers) {
      const o = this.outers.shard.length;
      this.outers.shard.push(shard);
      this.outers.seq.push(seq);
      this.outers.first.push(first);
      this.outers.count.push(count);
      this.outers.lane.push(laneOf(partitionKey, this.parallelization));
      this.byKey.set(`${shard}:${seq}`, o);
      for (let r = first; r < first + count; r++) {
        this.putAt[r] = at;
        this.outerOf[r] = o;
      }
      this.put += count;
    }
    if (at < this.firstPutAt) this.firstPutAt = at;
  }

  mark(recId, state, at) {
    if (recId < 0 || recId >= this.capacity || this.state[recId] !== NONE) return;
    this.state[recId] = state;
    this.seenAt[recId] = at;
    this.resolved[state]++;
  }

  outerIndex(shard, seq) {
    const o = this.byKey.get(`${shard}:${seq}`);
    return o === undefined ? -1 : o;
  }

  // A dead letter names its outer record and, with sub (the sub-sequence
  // number), one user record of it; sub === null: the whole outer record.
  markDeadLetter(shard, seq, sub, at) {
    const o = this.outerIndex(shard, seq);
    if (o < 0) return false;
    const first = this.outers.first[o], count = this.outers.count[o];
    if (sub === null) for (let r = first; r < first + count; r++) this.mark(r, DEAD, at);
    else if (sub < count) this.mark(first + sub, DEAD, at);
    return true;
  }

  markDestination(shard, seqs, at) {
    for (const seq of seqs) {
      const o = this.outerIndex(shard, seq);
      if (o < 0) continue;
      for (let r = this.outers.first[o]; r < this.outers.first[o] + this.outers.count[o]; r++) this.mark(r, DEST, at);
    }
  }

  advance() {
    while (this.watermark + 1 < this.capacity && this.state[this.watermark + 1] !== NONE &&
           !Number.isNaN(this.putAt[this.watermark + 1])) {
      this.watermark++;
    }
    return this.watermark;
  }

  get unresolved() { return this.put - this.resolved[ROW] - this.resolved[DEAD] - this.resolved[DEST]; }

  // How long the oldest record put and not yet resolved has been waiting.
  lagMs(now) {
    const end = Math.min(this.capacity, this.watermark + 1 + 100000);  // a bounded scan
    for (let r = this.watermark + 1; r < end; r++) {
      if (Number.isNaN(this.putAt[r])) continue;  // not put yet (or never)
      if (this.state[r] === NONE) return now - this.putAt[r];
    }
    return 0;
  }
}
