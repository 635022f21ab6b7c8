// The final accounting: where every record put ended, counted again from
// what is really there (the target table, the dead-letter table, the
// on-failure destination file), not from what the monitor saw on the way.
//
// Every put user record is in exactly one of: a row, a dead letter, the
// destination file; or it is missing. Extra copies (a row twice, a dead
// letter twice, or a record both dead-lettered and in the destination) are
// duplicates, counted apart. Rows or dead letters of records never put are
// "invented". A good record that is not a row, or a bad one that is not a
// dead letter, is "unexpected" unless it went to the destination.
//
// A destination entry names a shard and a sequence-number range. With
// ParallelizationFactor > 1 a range also spans records of other lanes of
// the shard, so its members are the records of the range in the lane of its
// first record (the lane is the partition key's, esm.laneOf).

import { ROW } from './ledger.mjs';

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1));
  return sorted[i];
}

// Outer records of each shard, sorted by sequence number.
function outersByShard(ledger) {
  const by = new Map();
  ledger.outers.seq.forEach((seq, o) => {
    const s = ledger.outers.shard[o];
    if (!by.has(s)) by.set(s, []);
    by.get(s).push({ o, seq: BigInt(seq) });
  });
  for (const list of by.values()) list.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  return by;
}

function lowerBound(list, seq) {
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].seq < seq) lo = mid + 1; else hi = mid;
  }
  return lo;
}

//   rows:        [[recId, count], ...]  from the target table
//   deadLetters: [{ shard, seq, sub (null = the whole outer record), count }]
//   destination: the destination file's documents
//   isBad(recId)
export function account(ledger, { rows, deadLetters, destination, isBad }) {
  const n = ledger.capacity;
  const rowCount = new Uint32Array(n), deadCount = new Uint32Array(n), destCount = new Uint32Array(n);
  let inventedRows = 0, inventedDeadLetters = 0, destinationMismatches = 0;
  const isPut = (r) => r >= 0 && r < n && !Number.isNaN(ledger.putAt[r]);

  for (const [recId, count] of rows) {
    if (isPut(recId)) rowCount[recId] += count; else inventedRows += count;
  }
  for (const d of deadLetters) {
    const o = ledger.outerIndex(d.shard, d.seq);
    if (o < 0) { inventedDeadLetters += d.count; continue; }
    const first = ledger.outers.first[o], count = ledger.outers.count[o];
    if (d.sub === null) for (let r = first; r < first + count; r++) deadCount[r] += d.count;
    else if (d.sub < count) deadCount[first + d.sub] += d.count;
    else inventedDeadLetters += d.count;
  }
  const byShard = outersByShard(ledger);
  for (const doc of destination) {
    const info = doc.KinesisBatchInfo;
    const shard = Number(info.shardId.split('-')[1]);
    const list = byShard.get(shard) || [];
    const start = BigInt(info.startSequenceNumber), end = BigInt(info.endSequenceNumber);
    let i = lowerBound(list, start);
    if (i >= list.length || list[i].seq !== start) { destinationMismatches++; continue; }
    const lane = ledger.outers.lane[list[i].o];
    let members = 0;
    for (; i < list.length && list[i].seq <= end; i++) {
      const o = list[i].o;
      if (ledger.outers.lane[o] !== lane) continue;
      members++;
      for (let r = ledger.outers.first[o]; r < ledger.outers.first[o] + ledger.outers.count[o]; r++) destCount[r]++;
    }
    if (members !== info.batchSize) destinationMismatches++;
  }

  const out = {
    put: 0, rows: 0, deadLetters: 0, destination: 0, missing: 0, duplicates: 0,
    duplicateRows: 0, duplicateDeadLetters: 0, duplicateAcross: 0,
    badPut: 0, unexpectedGoodNotRow: 0, unexpectedBadRow: 0,
    inventedRows, inventedDeadLetters, destinationMismatches, missingIds: [],
  };
  for (let r = 0; r < n; r++) {
    if (!isPut(r)) continue;
    out.put++;
    const bad = isBad(r);
    if (bad) out.badPut++;
    const rc = rowCount[r], dc = deadCount[r], fc = destCount[r];
    if (rc + dc + fc === 0) {
      out.missing++;
      if (out.missingIds.length < 20) out.missingIds.push(r);
      continue;
    }
    if (rc > 0) out.rows++; else if (dc > 0) out.deadLetters++; else out.destination++;
    out.duplicates += rc + dc + fc - 1;
    out.duplicateRows += Math.max(0, rc - 1);
    out.duplicateDeadLetters += Math.max(0, dc - 1);
    out.duplicateAcross += (rc > 0) + (dc > 0) + (fc > 0) - 1;
    if (!bad && rc === 0 && fc === 0) out.unexpectedGoodNotRow++;
    if (bad && rc > 0) out.unexpectedBadRow++;
  }
  return out;
}

// put -> first seen as a row, over the records the monitor saw as rows.
export function latencies(ledger) {
  const values = [];
  for (let r = 0; r < ledger.capacity; r++) {
    if (ledger.state[r] === ROW && !Number.isNaN(ledger.putAt[r])) values.push(Math.max(0, ledger.seenAt[r] - ledger.putAt[r]));
  }
  const sorted = Float64Array.from(values).sort();
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99),
           max: sorted.length ? sorted[sorted.length - 1] : NaN, sorted };
}

export function lastRowSeen(ledger) {
  let last = -Infinity;
  for (let r = 0; r < ledger.capacity; r++) if (ledger.state[r] === ROW && ledger.seenAt[r] > last) last = ledger.seenAt[r];
  return last;
}
