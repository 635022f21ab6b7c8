// The event source mapping's checkpoint rules (tools/stream/esm.mjs) against
// SPEC §8 and Lambda's documented behaviour. node --test; no network, no clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  batchLength, classifyResult, eventBody, eventRecord, expiredPrefix, invocationRecord, laneOf,
  retryDelayMs, runBatch,
} from '../../tools/stream/esm.mjs';

const seq = (i) => `4968${String(i).padStart(52, '0')}`;
const records = (n, from = 0) => Array.from({ length: n }, (_, k) => ({
  sequenceNumber: seq(from + k), partitionKey: `pk-${from + k}`, arrivalMs: 1_000_000 + k,
  json: JSON.stringify({ i: from + k }),
}));
const response = (body) => ({ outcome: 'response', body, request_id: 'req' });
const failures = (...ids) => response(JSON.stringify({ batchItemFailures: ids.map((id) => ({ itemIdentifier: id })) }));

const cfg = (over = {}) => ({
  reportBatchItemFailures: true, bisect: false, maxRetries: 3, maxRecordAgeS: -1,
  retryBackoffMs: 10, retryBackoffCapMs: 40, ...over,
});

// A scripted function: answers[i] answers the i-th invocation; the batches it saw are kept.
function fakeIo(answer, { now = () => 2_000_000 } = {}) {
  const io = {
    seen: [], slept: [], discarded: [],
    now,
    async invoke(recs) {
      io.seen.push(recs.map((r) => r.sequenceNumber));
      return answer(recs, io.seen.length - 1);
    },
    async sleep(ms) { io.slept.push(ms); },
    async discard(recs, info) { io.discarded.push({ seqs: recs.map((r) => r.sequenceNumber), ...info }); },
  };
  return io;
}

test('an empty batchItemFailures list is a complete success', () => {
  assert.deepEqual(classifyResult(response('{"batchItemFailures":[]}'), records(3), true), { kind: 'success' });
});

test('a null list, an empty response and a null response are complete successes', () => {
  for (const body of ['{"batchItemFailures":null}', '{}', '', 'null', '  \n']) {
    assert.equal(classifyResult(response(body), records(3), true).kind, 'success', body);
  }
});

test('the checkpoint is the lowest reported sequence number, whatever the order of the list', () => {
  const batch = records(5);
  const verdict = classifyResult(failures(batch[3].sequenceNumber, batch[1].sequenceNumber, batch[4].sequenceNumber), batch, true);
  assert.deepEqual(verdict, { kind: 'partial', retryFrom: 1 });
});

test('an identifier that names no record of the batch fails the whole batch', () => {
  const verdict = classifyResult(failures(seq(99)), records(3), true);
  assert.equal(verdict.kind, 'failure');
  assert.equal(verdict.functionError, false);
});

test('an empty or null itemIdentifier, or a bad key name, fails the whole batch', () => {
  const batch = records(2);
  for (const body of ['{"batchItemFailures":[{"itemIdentifier":""}]}',
                      '{"batchItemFailures":[{"itemIdentifier":null}]}',
                      `{"batchItemFailures":[{"itemIdentifer":"${batch[1].sequenceNumber}"}]}`,
                      '{"batchItemFailures":[null]}']) {
    assert.equal(classifyResult(response(body), batch, true).kind, 'failure', body);
  }
});

test('a response that is not JSON, or not an object, is a failure, not a silent success', () => {
  for (const body of ['not json', '[1,2]', '"ok"', '{"batchItemFailures":"all"}']) {
    const verdict = classifyResult(response(body), records(2), true);
    assert.equal(verdict.kind, 'failure', body);
    assert.equal(verdict.functionError, false, body);
  }
});

test('an invocation error is a function error', () => {
  const verdict = classifyResult({ outcome: 'error', error_type: 'Runtime.ExitError', body: '{}' }, records(2), true);
  assert.deepEqual([verdict.kind, verdict.functionError], ['failure', true]);
});

test('without ReportBatchItemFailures any response checkpoints the whole batch', () => {
  assert.equal(classifyResult(failures(seq(0)), records(2), false).kind, 'success');
});

test('a partial failure retries only the records from the checkpoint on', async () => {
  const batch = records(6);
  const io = fakeIo((recs, i) => (i === 0 ? failures(batch[4].sequenceNumber, batch[2].sequenceNumber)
                                          : response('{"batchItemFailures":[]}')));
  const stats = await runBatch(batch, cfg(), io);
  assert.deepEqual(io.seen, [batch.map((r) => r.sequenceNumber), batch.slice(2).map((r) => r.sequenceNumber)]);
  assert.deepEqual([stats.partials, stats.retries, io.discarded.length], [1, 1, 0]);
});

test('with bisect on, a partial failure still retries from the returned sequence number, not halves', async () => {
  const batch = records(4);
  const io = fakeIo((recs, i) => (i === 0 ? failures(batch[3].sequenceNumber) : response('')));
  await runBatch(batch, cfg({ bisect: true }), io);
  assert.deepEqual(io.seen[1], [batch[3].sequenceNumber]);
});

test('a function error with bisect on splits the batch in two, first half first, without using a retry', async () => {
  const batch = records(4);
  const io = fakeIo((recs, i) => (i === 0 ? { outcome: 'error', error_type: 'Unhandled', body: '' } : response('')));
  const stats = await runBatch(batch, cfg({ bisect: true, maxRetries: 0 }), io);
  assert.deepEqual(io.seen.slice(1), [batch.slice(0, 2).map((r) => r.sequenceNumber),
                                      batch.slice(2).map((r) => r.sequenceNumber)]);
  assert.deepEqual([stats.bisections, stats.retries, io.discarded.length, io.slept.length], [1, 0, 0, 0]);
});

test('bisecting isolates one poisoned record, and only it reaches the destination', async () => {
  const batch = records(8);
  const poison = batch[5].sequenceNumber;
  const io = fakeIo((recs) => (recs.some((r) => r.sequenceNumber === poison)
    ? { outcome: 'error', error_type: 'Unhandled', body: '' } : response('')));
  const stats = await runBatch(batch, cfg({ bisect: true, maxRetries: 2 }), io);
  assert.deepEqual(io.discarded.map((d) => [d.seqs, d.condition]), [[[poison], 'RetryAttemptsExhausted']]);
  assert.equal(stats.discarded, 1);
  // Every other record was answered by a successful invocation.
  const written = new Set(io.seen.filter((s) => !s.includes(poison)).flat());
  assert.equal(written.size, 7);
});

test('without bisect a function error retries the whole batch', async () => {
  const batch = records(3);
  const io = fakeIo((recs, i) => (i < 2 ? { outcome: 'error', error_type: 'Sandbox.Timedout', body: '' } : response('')));
  const stats = await runBatch(batch, cfg(), io);
  assert.equal(io.seen.length, 3);
  assert.ok(io.seen.every((s) => s.length === 3));
  assert.equal(stats.retries, 2);
});

test('past MaximumRetryAttempts the batch goes to the destination and the shard moves on', async () => {
  const batch = records(3);
  const io = fakeIo(() => failures(batch[0].sequenceNumber));
  const stats = await runBatch(batch, cfg({ maxRetries: 2 }), io);
  assert.equal(io.seen.length, 3);  // the first attempt and two retries
  assert.deepEqual(io.discarded.map((d) => [d.seqs.length, d.condition, d.invokeCount]),
                   [[3, 'RetryAttemptsExhausted', 3]]);
  assert.equal(stats.discarded, 3);
});

test('MaximumRetryAttempts 0 sends a failed batch to the destination after its first attempt', async () => {
  const io = fakeIo(() => ({ outcome: 'error', error_type: 'Unhandled', body: '' }));
  await runBatch(records(2), cfg({ maxRetries: 0 }), io);
  assert.deepEqual([io.seen.length, io.discarded.length], [1, 1]);
});

test('retries back off exponentially up to the cap', () => {
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, cfg())), [10, 20, 40, 40, 40]);
});

test('records older than MaximumRecordAgeInSeconds are discarded before they are sent', async () => {
  const batch = records(4);  // arrivals 1_000_000 .. 1_000_003 ms
  const io = fakeIo(() => response(''), { now: () => 1_000_002 + 60_000 });
  await runBatch(batch, cfg({ maxRecordAgeS: 60 }), io);
  assert.deepEqual(io.discarded.map((d) => [d.seqs, d.condition]),
                   [[batch.slice(0, 2).map((r) => r.sequenceNumber), 'RecordAgeExceeded']]);
  assert.deepEqual(io.seen, [batch.slice(2).map((r) => r.sequenceNumber)]);
  assert.equal(expiredPrefix(batch, 5_000_000, -1), 0);
});

test('a batch stops at BatchSize and at the 6 MB payload limit', () => {
  const small = records(10);
  assert.equal(batchLength(small, 4), 4);
  assert.equal(batchLength(small, 100), 10);
  const big = Array.from({ length: 10 }, (_, i) => ({ ...small[i], json: 'x'.repeat(1_000_000) }));
  assert.equal(batchLength(big, 100), 6);
  assert.ok(Buffer.byteLength(eventBody(big.slice(0, 6))) <= 6 * 1024 * 1024);
  assert.equal(batchLength(big, 100, 10), 1);  // one record always goes, even over the limit
});

test('a partition key always gets the same lane, and lanes are all used', () => {
  assert.equal(laneOf('customer-7', 1), 0);
  assert.equal(laneOf('customer-7', 10), laneOf('customer-7', 10));
  const used = new Set(Array.from({ length: 500 }, (_, i) => laneOf(`k${i}`, 10)));
  assert.equal(used.size, 10);
});

test('event records carry the fields Lambda sends', () => {
  const ctx = { shardId: 'shardId-000000000003', streamArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/s',
                awsRegion: 'eu-west-1', invokeIdentityArn: 'arn:aws:iam::123456789012:role/r' };
  const r = eventRecord({ partitionKey: 'k', sequenceNumber: seq(1), data: Buffer.from('{"a":1}'), arrivalMs: 1545084650987 }, ctx);
  assert.deepEqual(r, {
    kinesis: { kinesisSchemaVersion: '1.0', partitionKey: 'k', sequenceNumber: seq(1), data: 'eyJhIjoxfQ==',
               approximateArrivalTimestamp: 1545084650.987 },
    eventSource: 'aws:kinesis', eventVersion: '1.0', eventID: `shardId-000000000003:${seq(1)}`,
    eventName: 'aws:kinesis:record', invokeIdentityArn: ctx.invokeIdentityArn, awsRegion: 'eu-west-1',
    eventSourceARN: ctx.streamArn,
  });
});

test('the destination record has the shape of Lambda\'s Kinesis invocation record', () => {
  const batch = records(3);
  const doc = invocationRecord(batch, { condition: 'RetryAttemptsExhausted', invokeCount: 4,
                                        result: { outcome: 'error', request_id: 'r-1' } },
                               { functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:f', shardId: 'shardId-000000000001',
                                 streamArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/s', nowMs: 0 });
  assert.deepEqual(Object.keys(doc), ['requestContext', 'responseContext', 'version', 'timestamp', 'KinesisBatchInfo']);
  assert.deepEqual(doc.requestContext, { requestId: 'r-1', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:f',
                                         condition: 'RetryAttemptsExhausted', approximateInvokeCount: 4 });
  assert.equal(doc.responseContext.functionError, 'Unhandled');
  assert.deepEqual([doc.KinesisBatchInfo.startSequenceNumber, doc.KinesisBatchInfo.endSequenceNumber, doc.KinesisBatchInfo.batchSize],
                   [batch[0].sequenceNumber, batch[2].sequenceNumber, 3]);
});

test('a stopped mapping leaves the rest of a failing batch alone instead of retrying it', async () => {
  let stop = false;
  const io = fakeIo(() => { stop = true; return { outcome: 'error', error_type: 'Unhandled', body: '' }; });
  io.stopped = () => stop;
  const stats = await runBatch(records(4), cfg({ maxRetries: -1 }), io);
  assert.deepEqual([io.seen.length, stats.abandoned, io.discarded.length], [1, 4, 0]);
});
