// The Kinesis → ClickHouse job as a Node user writes it, for the side-by-side
// bench (bench/peers/side_by_side.py); never part of the function's zip.
//
// Its own Runtime API loop; per batch: one SigV4-signed DynamoDB GetItem for
// the route (no cache), Buffer base64 + JSON.parse per record, the Kinesis
// metadata columns added, and one JSONEachRow INSERT over a keep-alive
// connection. Node's standard library only. Any failure fails the whole
// invocation (no dead letters, no batchItemFailures).
'use strict';
const http = require('node:http');
const https = require('node:https');
const crypto = require('node:crypto');

const env = process.env;
const runtime = `http://${env.AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime`;
const clickhouse = new URL(env.CLICKHOUSE_URL);
const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
const dynamo = new URL(env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL ||
                       `https://dynamodb.${region}.amazonaws.com`);
const agents = { 'http:': new http.Agent({ keepAlive: true }),
                 'https:': new https.Agent({ keepAlive: true }) };

function request(url, method, headers, body) {
  return new Promise((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(url, { method, headers, agent: agents[url.protocol] }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
                                    body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const hmac = (key, text) => crypto.createHmac('sha256', key).update(text).digest();
const sha256 = (text) => crypto.createHash('sha256').update(text).digest('hex');

// AWS Signature Version 4 for one DynamoDB JSON call (POST /).
function signedHeaders(target, body) {
  const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');  // 20240501T120000Z
  const day = date.slice(0, 8);
  const headers = { 'content-type': 'application/x-amz-json-1.0', host: dynamo.host,
                    'x-amz-date': date, 'x-amz-target': target };
  if (env.AWS_SESSION_TOKEN) headers['x-amz-security-token'] = env.AWS_SESSION_TOKEN;
  const names = Object.keys(headers).sort();
  const signed = names.join(';');
  const canonical = ['POST', '/', '', names.map((n) => `${n}:${headers[n]}\n`).join(''),
                     signed, sha256(body)].join('\n');
  const scope = `${day}/${region}/dynamodb/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonical)].join('\n');
  let key = hmac('AWS4' + env.AWS_SECRET_ACCESS_KEY, day);
  for (const part of [region, 'dynamodb', 'aws4_request']) key = hmac(key, part);
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${env.AWS_ACCESS_KEY_ID}/${scope}, ` +
                          `SignedHeaders=${signed}, Signature=${hmac(key, toSign).toString('hex')}`;
  return headers;
}

async function route(streamArn) {
  const body = JSON.stringify({ TableName: env.ROUTES_TABLE, Key: { stream_arn: { S: streamArn } } });
  const res = await request(dynamo, 'POST', signedHeaders('DynamoDB_20120810.GetItem', body), body);
  if (res.status !== 200) throw new Error(`DynamoDB ${res.status}: ${res.body}`);
  const item = JSON.parse(res.body).Item;
  if (!item) throw new Error(`no route for ${streamArn}`);
  return { table: item.table.S, database: item.database ? item.database.S : env.CLICKHOUSE_DATABASE || 'default' };
}

async function insert({ database, table }, rows) {
  const url = new URL(clickhouse);
  url.searchParams.set('query', `INSERT INTO \`${database}\`.\`${table}\` FORMAT JSONEachRow`);
  url.searchParams.set('input_format_skip_unknown_fields', '1');
  const res = await request(url, 'POST', { 'X-ClickHouse-User': env.CLICKHOUSE_USER || 'default',
                                           'X-ClickHouse-Key': env.CLICKHOUSE_PASSWORD || '' }, rows);
  if (res.status !== 200) throw new Error(`ClickHouse ${res.status}: ${res.body}`);
}

async function handle(event) {
  const records = event.Records;
  if (!Array.isArray(records)) throw new Error('not a Kinesis event');
  if (records.length === 0) return { batchItemFailures: [] };
  const target = await route(records[0].eventSourceARN);  // a batch comes from one shard
  const rows = records.map((r) => {
    const row = JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8'));
    // ClickHouse 18.16's JSONEachRow reads DateTime as text or Unix seconds, Decimal unquoted.
    row.event_time = Math.floor(Date.parse(row.event_time) / 1000);
    row.price = Number(row.price);
    row._stream_arn = r.eventSourceARN;
    row._shard_id = r.eventID.split(':')[0];
    row._sequence_number = r.kinesis.sequenceNumber;
    row._partition_key = r.kinesis.partitionKey;
    row._approximate_arrival_timestamp = Math.floor(r.kinesis.approximateArrivalTimestamp);
    return JSON.stringify(row);
  });
  await insert(target, rows.join('\n'));
  console.log(JSON.stringify({ table: `${target.database}.${target.table}`, records: rows.length }));
  return { batchItemFailures: [] };
}

async function main() {
  const next = new URL(`${runtime}/invocation/next`);
  for (;;) {
    const inv = await request(next, 'GET', {});
    const id = inv.headers['lambda-runtime-aws-request-id'];
    let kind = 'response', answer;
    try {
      answer = JSON.stringify(await handle(JSON.parse(inv.body)));
    } catch (e) {
      kind = 'error';
      answer = JSON.stringify({ errorMessage: String(e.message), errorType: e.name || 'Error' });
    }
    await request(new URL(`${runtime}/invocation/${id}/${kind}`), 'POST',
                  { 'content-type': 'application/json' }, answer);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
