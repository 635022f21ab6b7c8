// The rules of our local Kinesis event source mapping, as Lambda documents them.
//
// Pure: no network, no clock of its own, no processes. poller.mjs feeds it
// records read from kinesalite and an `invoke` that goes through the Runtime
// API emulator; tests/stream/esm_test.mjs feeds it fakes. What each rule
// follows (AWS Lambda Developer Guide, "Using Lambda with Kinesis"):
//
// * ReportBatchItemFailures: success is an empty or null batchItemFailures
//   list, an empty or null response; complete failure is an empty or null
//   itemIdentifier or an item with a bad key name (and, our reading, an
//   identifier that names no record of the batch). Several items: Lambda
//   checkpoints at the lowest sequence number and retries from there.
// * BisectBatchOnFunctionError: a function error (the invocation failed)
//   splits the batch in two, each half retried on its own, halves first; a
//   split does not consume the retry quota. A partial response with both
//   settings on: the batch is cut at the returned sequence number and only
//   the rest is retried.
// * MaximumRetryAttempts (-1 = until the records expire) and
//   MaximumRecordAgeInSeconds (-1 = never): past either, the records are
//   discarded and their batch's metadata goes to the on-failure destination.
// * ParallelizationFactor: up to that many batches of one shard at once;
//   records of one partition key stay in order, so a record's lane is a
//   function of its partition key.
// * The invocation payload is at most 6 MB (the synchronous limit).
//
// What Lambda does not document, and we chose (docs/stream.md says so too):
// a response that is not JSON, or JSON that is neither an object nor null,
// is a complete failure (never a silent success); retries wait
// retryBackoffMs * 2^(n-1), at most retryBackoffCapMs; the condition of a
// batch that aged out is "RecordAgeExceeded".

import { createHash } from 'node:crypto';

export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

// A record as the poller keeps it: its sequence number, partition key,
// arrival time (ms since the epoch) and its entry of the event's Records
// array, already serialized (json), so a retry re-sends the same bytes.
//   { sequenceNumber, partitionKey, arrivalMs, json }

export function laneOf(partitionKey, parallelization) {
  if (parallelization <= 1) return 0;
  const digest = createHash('md5').update(partitionKey, 'utf8').digest();
  // Kinesis picks the shard from the top of the MD5; take the lane from the bottom.
  return digest.readUInt32BE(12) % parallelization;
}

export function compareSequence(a, b) {
  const x = BigInt(a), y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

// How many records from the front of `records` make the next batch.
export function batchLength(records, batchSize, maxPayloadBytes = MAX_PAYLOAD_BYTES) {
  const envelope = '{"Records":[]}'.length;
  let bytes = envelope, n = 0;
  while (n < records.length && n < batchSize) {
    const add = Buffer.byteLength(records[n].json) + (n > 0 ? 1 : 0);
    if (n > 0 && bytes + add > maxPayloadBytes) break;
    bytes += add;
    n++;
  }
  return n;
}

export function eventBody(records) {
  return '{"Records":[' + records.map((r) => r.json).join(',') + ']}';
}

// The leading records older than maxAgeS at nowMs (records are in order).
export function expiredPrefix(records, nowMs, maxAgeS) {
  if (maxAgeS < 0) return 0;
  let n = 0;
  while (n < records.length && nowMs - records[n].arrivalMs > maxAgeS * 1000) n++;
  return n;
}

export function retryDelayMs(retry, cfg) {
  return Math.min(cfg.retryBackoffMs * 2 ** Math.max(0, retry - 1), cfg.retryBackoffCapMs);
}

const success = { kind: 'success' };
const failure = (reason, functionError = false) => ({ kind: 'failure', functionError, reason });

// What Lambda makes of one invocation's result.
//   result: { outcome: 'response' | 'error' | 'init_error', body, error_type }
//   -> { kind: 'success' }
//    | { kind: 'partial', retryFrom }      checkpoint before records[retryFrom]
//    | { kind: 'failure', functionError, reason }
export function classifyResult(result, records, reportBatchItemFailures) {
  if (result.outcome !== 'response') {
    return failure(`function error: ${result.error_type || result.outcome}`, true);
  }
  if (!reportBatchItemFailures) return success;  // any answer checkpoints the whole batch
  const text = (result.body || '').trim();
  if (text === '') return success;  // an empty EventResponse
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return failure('response is not JSON');
  }
  if (value === null) return success;  // a null EventResponse
  if (typeof value !== 'object' || Array.isArray(value)) return failure('response is not a JSON object');
  const items = value.batchItemFailures;
  if (items === undefined || items === null) return success;  // no list, or a null one
  if (!Array.isArray(items)) return failure('batchItemFailures is not a list');
  if (items.length === 0) return success;
  const position = new Map(records.map((r, i) => [r.sequenceNumber, i]));
  let lowest = -1;
  for (const item of items) {
    if (item === null || typeof item !== 'object' || !Object.hasOwn(item, 'itemIdentifier')) {
      return failure('a batch item failure without an itemIdentifier key');
    }
    const id = item.itemIdentifier;
    if (id === null || id === '' || typeof id !== 'string') return failure('an empty or null itemIdentifier');
    const at = position.get(id);
    if (at === undefined) return failure(`itemIdentifier ${id} is no record of the batch`);
    if (lowest < 0 || compareSequence(id, records[lowest].sequenceNumber) < 0) lowest = at;
  }
  return { kind: 'partial', retryFrom: lowest };
}

// Runs one batch to its end: written, or discarded to the destination.
//   cfg: { reportBatchItemFailures, bisect, maxRetries, maxRecordAgeS,
//          retryBackoffMs, retryBackoffCapMs }
//   io:  { invoke(records) -> result (with request_id), now() -> ms,
//          sleep(ms), discard(records, info), stopped() -> bool (optional) }
// discard gets { condition, invokeCount, result } (result null when no
// invocation was made). When stopped() turns true the batch is left where
// it is (its records counted as abandoned). Returns counters for the
// progress line.
export async function runBatch(records, cfg, io) {
  const stats = { invocations: 0, functionErrors: 0, partials: 0, failures: 0, retries: 0, bisections: 0, discarded: 0,
                  abandoned: 0 };
  // Pieces still to do, in order; bisect puts two halves in place of one.
  const pieces = [{ records, retries: 0, invokeCount: 0, last: null }];
  while (pieces.length > 0) {
    if (io.stopped && io.stopped()) {
      stats.abandoned = pieces.reduce((n, p) => n + p.records.length, 0);
      break;
    }
    const piece = pieces[0];
    const expired = expiredPrefix(piece.records, io.now(), cfg.maxRecordAgeS);
    if (expired > 0) {
      await io.discard(piece.records.slice(0, expired),
                       { condition: 'RecordAgeExceeded', invokeCount: piece.invokeCount, result: piece.last });
      stats.discarded += expired;
      piece.records = piece.records.slice(expired);
      if (piece.records.length === 0) {
        pieces.shift();
        continue;
      }
    }
    const result = await io.invoke(piece.records);
    stats.invocations++;
    piece.invokeCount++;
    piece.last = result;
    const verdict = classifyResult(result, piece.records, cfg.reportBatchItemFailures);
    if (verdict.kind === 'success') {
      pieces.shift();
      continue;
    }
    if (verdict.kind === 'partial') {
      stats.partials++;
      piece.records = piece.records.slice(verdict.retryFrom);  // the checkpoint moves up to there
    } else if (verdict.functionError) {
      stats.functionErrors++;
      if (cfg.bisect && piece.records.length > 1) {
        const half = Math.ceil(piece.records.length / 2);
        pieces.splice(0, 1,
                      { records: piece.records.slice(0, half), retries: piece.retries, invokeCount: 0, last: null },
                      { records: piece.records.slice(half), retries: piece.retries, invokeCount: 0, last: null });
        stats.bisections++;
        continue;  // a split is not a retry
      }
    } else {
      stats.failures++;
    }
    if (cfg.maxRetries >= 0 && piece.retries >= cfg.maxRetries) {
      await io.discard(piece.records,
                       { condition: 'RetryAttemptsExhausted', invokeCount: piece.invokeCount, result });
      stats.discarded += piece.records.length;
      pieces.shift();
      continue;
    }
    piece.retries++;
    stats.retries++;
    await io.sleep(retryDelayMs(piece.retries, cfg));
  }
  return stats;
}

// The document Lambda sends to an on-failure destination for a discarded batch.
export function invocationRecord(records, info, ctx) {
  const iso = (ms) => new Date(ms).toISOString();
  const response = { statusCode: 200, executedVersion: '$LATEST' };
  if (info.result && info.result.outcome !== 'response') response.functionError = 'Unhandled';
  return {
    requestContext: {
      requestId: info.result ? info.result.request_id : null,
      functionArn: ctx.functionArn,
      condition: info.condition,
      approximateInvokeCount: info.invokeCount,
    },
    responseContext: response,
    version: '1.0',
    timestamp: iso(ctx.nowMs),
    KinesisBatchInfo: {
      shardId: ctx.shardId,
      startSequenceNumber: records[0].sequenceNumber,
      endSequenceNumber: records[records.length - 1].sequenceNumber,
      approximateArrivalOfFirstRecord: iso(records[0].arrivalMs),
      approximateArrivalOfLastRecord: iso(records[records.length - 1].arrivalMs),
      batchSize: records.length,
      streamArn: ctx.streamArn,
    },
  };
}

// One element of an event's Records array, exactly as Lambda writes it.
export function eventRecord(rec, ctx) {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: rec.partitionKey,
      sequenceNumber: rec.sequenceNumber,
      data: Buffer.from(rec.data).toString('base64'),
      approximateArrivalTimestamp: rec.arrivalMs / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${ctx.shardId}:${rec.sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: ctx.invokeIdentityArn,
    awsRegion: ctx.awsRegion,
    eventSourceARN: ctx.streamArn,
  };
}
