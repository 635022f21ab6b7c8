// The final accounting of ./dev stream (tools/stream/accounting.mjs): each
// record put in exactly one place, duplicates apart. node --test.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { account, latencies, percentile } from '../../tools/stream/accounting.mjs';
import { laneOf } from '../../tools/stream/esm.mjs';
import { Ledger, ROW } from '../../tools/stream/ledger.mjs';

const seq = (i) => `4968${String(i).padStart(52, '0')}`;
const none = () => false;

// n single records on shard 0, rec_id i at sequence number i, keys pk-i.
function ledgerOf(n, parallelization = 1) {
  const l = new Ledger(n, parallelization);
  l.onPut(1000, Array.from({ length: n }, (_, i) => [0, seq(i), i, 1, `pk-${i}`]));
  return l;
}

const destinationDoc = (start, end, batchSize, shard = 0) => ({
  KinesisBatchInfo: { shardId: `shardId-${String(shard).padStart(12, '0')}`, startSequenceNumber: seq(start),
                      endSequenceNumber: seq(end), batchSize },
});

test('rows, dead letters and the destination each take their records; nothing else is missing', () => {
  const l = ledgerOf(6);
  const a = account(l, {
    rows: [[0, 1], [1, 1], [2, 1]],
    deadLetters: [{ shard: 0, seq: seq(3), sub: 0, count: 1 }],
    destination: [destinationDoc(4, 4, 1)],
    isBad: (r) => r === 3,
  });
  assert.deepEqual([a.put, a.rows, a.deadLetters, a.destination, a.missing, a.duplicates], [6, 3, 1, 1, 1, 0]);
  assert.deepEqual(a.missingIds, [5]);
  assert.equal(a.unexpectedGoodNotRow, 0);
});

test('copies are duplicates, not extra records', () => {
  const l = ledgerOf(2);
  const a = account(l, { rows: [[0, 3], [1, 1]], deadLetters: [{ shard: 0, seq: seq(1), sub: 0, count: 2 }],
                         destination: [], isBad: none });
  assert.deepEqual([a.rows, a.deadLetters, a.duplicates, a.duplicateRows, a.duplicateDeadLetters, a.duplicateAcross],
                   [2, 0, 4, 2, 1, 1]);
  assert.equal(a.unexpectedGoodNotRow, 0);
});

test('rows and dead letters of records never put are invented', () => {
  const a = account(ledgerOf(1), { rows: [[0, 1], [7, 1]], deadLetters: [{ shard: 0, seq: seq(99), sub: 0, count: 1 }],
                                   destination: [], isBad: none });
  assert.deepEqual([a.inventedRows, a.inventedDeadLetters, a.missing], [1, 1, 0]);
});

test('a whole-aggregate dead letter covers every user record of its Kinesis record', () => {
  const l = new Ledger(4, 1);
  l.onPut(1000, [[1, seq(10), 0, 3, 'k'], [1, seq(11), 3, 1, 'k']]);  // an aggregate of 3, then a single
  const a = account(l, { rows: [[3, 1]], deadLetters: [{ shard: 1, seq: seq(10), sub: null, count: 1 }],
                         destination: [], isBad: none });
  assert.deepEqual([a.put, a.rows, a.deadLetters, a.missing, a.unexpectedGoodNotRow], [4, 1, 3, 0, 3]);
});

test('a dead letter with a sub-sequence number is one user record of an aggregate', () => {
  const l = new Ledger(3, 1);
  l.onPut(1000, [[0, seq(5), 0, 3, 'k']]);
  const a = account(l, { rows: [[0, 1], [2, 1]], deadLetters: [{ shard: 0, seq: seq(5), sub: 1, count: 1 }],
                         destination: [], isBad: (r) => r === 1 });
  assert.deepEqual([a.rows, a.deadLetters, a.missing, a.unexpectedGoodNotRow], [2, 1, 0, 0]);
});

test('with ParallelizationFactor > 1 a destination range holds only the records of its lane', () => {
  const pf = 3;
  const l = ledgerOf(30, pf);
  const lane = laneOf('pk-0', pf);
  const members = Array.from({ length: 30 }, (_, i) => i).filter((i) => laneOf(`pk-${i}`, pf) === lane);
  const others = Array.from({ length: 30 }, (_, i) => i).filter((i) => !members.includes(i));
  const a = account(l, { rows: others.map((i) => [i, 1]), deadLetters: [],
                         destination: [destinationDoc(0, members[members.length - 1], members.length)], isBad: none });
  assert.deepEqual([a.rows, a.destination, a.missing, a.duplicates, a.destinationMismatches],
                   [others.length, members.length, 0, 0, 0]);
});

test('a destination entry that matches no batch put is reported', () => {
  const a = account(ledgerOf(3), { rows: [[0, 1], [1, 1], [2, 1]], deadLetters: [],
                                   destination: [destinationDoc(1, 2, 5)], isBad: none });
  assert.equal(a.destinationMismatches, 1);
});

test('latency is first seen minus put, over the rows seen', () => {
  const l = ledgerOf(4);
  l.mark(0, ROW, 1100);
  l.mark(1, ROW, 1300);
  l.mark(2, ROW, 2000);
  const lat = latencies(l);
  assert.deepEqual([lat.count, lat.p50, lat.p99, lat.max], [3, 300, 1000, 1000]);
  assert.equal(percentile(Float64Array.from([1, 2, 3, 4]), 50), 2);
});

test('the watermark stops at the first record not yet resolved', () => {
  const l = ledgerOf(5);
  l.mark(0, ROW, 1);
  l.mark(1, ROW, 1);
  l.mark(3, ROW, 1);
  assert.equal(l.advance(), 1);
  l.markDestination(0, [seq(2)], 2);
  assert.equal(l.advance(), 3);
  assert.equal(l.lagMs(1500), 500);
});
