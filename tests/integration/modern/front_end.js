#!/usr/bin/env node
// A ClickHouse HTTP interface in front of chDB (ClickHouse 26.7 in-process),
// for the tests only, on 127.0.0.1.
//
//   node front_end.js DATA_DIR PORT_FILE [PLAN_FILE [INSERTS_LOG]]
//
// chDB has no HTTP server; this one answers the subset the function uses:
// POST / with a statement as the body (SELECT version(), system.settings,
// DESCRIBE, CREATE TABLE IF NOT EXISTS, SELECT ... FORMAT X), and POST
// /?query=INSERT ... FORMAT RowBinary[WithDefaults] with the data as the
// body, optionally with Content-Encoding gzip, deflate, zstd, lz4, br or xz.
// Other URL parameters are settings of that INSERT; `database` is the current
// database. Errors answer HTTP 500 with "Code: N. DB::Exception: ..." and the
// X-ClickHouse-Exception-Code header, as a server does.
//
// An insert body is never passed inline: libchdb ends inline data at the
// first 0A 0A byte pair and runs the rest as SQL. It is written to a file and
// read with INSERT ... FROM INFILE, which decodes the Content-Encoding
// itself (COMPRESSION), so the engine sees exactly the bytes a server would.
//
// PLAN_FILE, read at each INSERT: its first line is the insert's fate and is
// removed: "pass" (or no plan) or "lose" = run the insert, then close the
// connection without answering (a committed insert whose answer is lost).
// INSERTS_LOG gets one JSON line per INSERT: table, format, encoding, settings.
//
// One process per data directory (libchdb binds one per process); requests
// run one at a time. Ready when PORT_FILE holds the port.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const { Session } = require(path.join(__dirname, '../../../node_modules/chdb'));

const [dataDir, portFile, planFile, insertsLog] = process.argv.slice(2);
if (!dataDir || !portFile) {
  console.error('usage: front_end.js DATA_DIR PORT_FILE [PLAN_FILE [INSERTS_LOG]]');
  process.exit(2);
}
fs.mkdirSync(path.join(dataDir, 'bodies'), { recursive: true });
// A server's defaults, where chDB's differ: inserts are synchronous unless asked.
const session = new Session(path.join(dataDir, 'db'), { connectionArgs: ['--async_insert=0'] });

// URL parameters that are not settings (the HTTP interface's own).
const NOT_SETTINGS = new Set(['query', 'database', 'user', 'password', 'query_id', 'session_id',
  'default_format', 'compress', 'decompress', 'enable_http_compression']);
const COMPRESSION = { gzip: 'gzip', deflate: 'deflate', br: 'br', xz: 'xz', zstd: 'zstd', lz4: 'lz4' };
const INSERT = /^\s*INSERT\s+INTO\s+([\s\S]+?)\s+FORMAT\s+(\w+)\s*$/i;

let currentDb = 'default';
let bodies = 0;
let queue = Promise.resolve();

class ClientError extends Error {
  constructor(code, message) {
    super(`Code: ${code}. DB::Exception: ${message}`);
    this.clickhouseCode = code;
  }
}

function settingsClause(params) {
  const parts = [];
  for (const [name, value] of params) {
    if (NOT_SETTINGS.has(name)) continue;
    if (!/^[A-Za-z0-9_]+$/.test(name)) throw new ClientError(115, `Unknown setting '${name}'`);
    const literal = /^-?[0-9]+$/.test(value) ? value : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    parts.push(`${name} = ${literal}`);
  }
  return parts;
}

function nextFate() {
  if (!planFile || !fs.existsSync(planFile)) return 'pass';
  const lines = fs.readFileSync(planFile, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) return 'pass';
  fs.writeFileSync(planFile, lines.slice(1).map((l) => l + '\n').join(''));
  return lines[0];
}

async function useDatabase(db) {
  if (db === currentDb) return;
  await session.queryAsync(`USE \`${db.replace(/`/g, '\\`')}\``);
  currentDb = db;
}

// Runs one request; resolves to { body } or { lose: true }.
async function run(params, body, encoding) {
  await useDatabase(params.get('database') || 'default');
  const query = params.get('query');
  const insert = query ? INSERT.exec(query) : null;
  if (insert) {
    let compression = '';
    if (encoding) {
      if (!COMPRESSION[encoding]) throw new ClientError(89, `Unknown Content-Encoding of HTTP request: ${encoding}`);
      compression = ` COMPRESSION '${COMPRESSION[encoding]}'`;
    }
    const file = path.join(dataDir, 'bodies', `${process.pid}-${++bodies}.bin`);
    fs.writeFileSync(file, body);
    const settings = settingsClause(params);
    const sql = `INSERT INTO ${insert[1]} FROM INFILE '${file}'${compression}` +
      (settings.length ? ` SETTINGS ${settings.join(', ')}` : '') + ` FORMAT ${insert[2]}`;
    const fate = nextFate();
    if (insertsLog) {
      const table = insert[1].replace(/\s*\(.*$/s, '');
      fs.appendFileSync(insertsLog, JSON.stringify({ fate, table, format: insert[2],
        encoding: encoding || '', bytes: body.length, settings: Object.fromEntries(
          [...params].filter(([k]) => !NOT_SETTINGS.has(k))) }) + '\n');
    }
    try {
      await session.queryAsync(sql);
    } finally {
      fs.rmSync(file, { force: true });
    }
    return fate === 'lose' ? { lose: true } : { body: Buffer.alloc(0) };
  }
  if (settingsClause(params).length)
    throw new ClientError(36, 'this test front end takes URL settings on INSERT only');
  const sql = [query, body.length ? body.toString('utf8') : ''].filter(Boolean).join('\n');
  const result = await session.queryAsync(sql, { format: 'TabSeparated' });
  return { body: Buffer.from(result.bytes()) };
}

function answerError(res, e) {
  const code = e.clickhouseCode || 1001;  // 1001 = STD_EXCEPTION
  let text = String(e.message || e);
  if (!text.startsWith('Code: ')) text = `Code: ${code}. DB::Exception: ${text}`;
  res.writeHead(500, { 'Content-Type': 'text/plain; charset=UTF-8',
    'X-ClickHouse-Exception-Code': String(code) });
  res.end(text + '\n');
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/ping') {
      res.end('Ok.\n');
      return;
    }
    const body = Buffer.concat(chunks);
    const encoding = (req.headers['content-encoding'] || '').trim().toLowerCase();
    queue = queue.then(() => run(url.searchParams, body, encoding)).then((r) => {
      if (r.lose) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      res.end(r.body);
    }, (e) => answerError(res, e));
  });
});

server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(portFile + '.tmp', String(server.address().port));
  fs.renameSync(portFile + '.tmp', portFile);
});

function stop() {
  server.close();
  queue.finally(() => {
    session.close();
    process.exit(0);
  });
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
