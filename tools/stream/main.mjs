#!/usr/bin/env node
// ./dev stream: the whole Kinesis -> Lambda -> ClickHouse path on this machine.
//
//   node tools/stream/main.mjs [OPTION...]     (--help lists them; docs/stream.md explains)
//
// Starts ClickHouse and dynalite (tools/servers) and kinesalite, all on
// 127.0.0.1; makes the stream, the table and its route; forks the producer
// (producer.mjs) and our event source mapping (poller.mjs, which runs the
// real bootstrap under the Runtime API emulator, one per shard x
// ParallelizationFactor); watches ClickHouse for rows and dead letters
// while it runs, injects the faults asked for, and ends with the accounting
// of every record. Everything it starts is stopped by PID at the end, or on
// a second Ctrl-C (the first one stops the producer and lets the rest land).
//
// stdout: the report; its last line is machine-readable:
//   put=N rows=N dead_letters=N failed_destination=N duplicates=N missing=N rows_per_s=X p50_ms=X p99_ms=X
// stderr: progress. Exit status 0 when no record is missing and none was
// invented, 1 otherwise, 2 when the run could not be set up.

import { execFile, fork, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { account, lastRowSeen, latencies } from './accounting.mjs';
import { series, svg } from './chart.mjs';
import { query, quoteString, tsv } from './clickhouse.mjs';
import { sample, shares } from './cpu.mjs';
import { Kinesis, kinesisClient } from './kinesis_client.mjs';
import { DEAD, DEST, Ledger, ROW } from './ledger.mjs';
import { parse, usage } from './options.mjs';
import { SHAPES, isBad } from './records.mjs';
import { chartTitles, fmt, machineLine, reportLines } from './report.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HERE = path.join(ROOT, 'tools/stream');
const run = promisify(execFile);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const KPL_MAGIC_HEX = 'F3899AC2';
const DEAD_LETTER_TABLE = 'kinesis_dead_letter';
const REGION = 'eu-west-1', ACCOUNT = '123456789012';

function readEnv(file) {
  const env = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

async function waitFor(what, fn, seconds) {
  const end = Date.now() + seconds * 1000;
  for (let i = 0; Date.now() < end; i++) {
    const v = await fn();
    if (v) return v;
    await sleep(Math.min(200, 20 * (i + 1)));
  }
  throw new Error(`${what} did not happen within ${seconds} s`);
}


class StreamRun {
  constructor(opts) {
    this.o = opts;
    this.work = path.resolve(ROOT, opts.workDir);
    this.procs = [];            // what we started, stopped by PID in cleanup()
    this.ownServers = !opts.serversEnv;
    this.events = [];           // faults, for the report and the chart
    this.stopAsked = false;
    this.poller = { stats: null, emulators: [], exited: false, destinations: 0 };
    this.producer = { stats: null, done: null, exited: false };
    this.log = [];
  }

  note(text) { this.log.push(text); process.stderr.write(`\n${text}\n`); }

  // --- setup -------------------------------------------------------------

  async setup() {
    const o = this.o;
    fs.mkdirSync(this.work, { recursive: true });
    this.logDir = path.join(this.work, 'logs');
    fs.rmSync(this.logDir, { recursive: true, force: true });
    fs.mkdirSync(this.logDir, { recursive: true });
    this.destinationFile = path.join(this.work, 'on-failure-destination.jsonl');
    fs.rmSync(this.destinationFile, { force: true });
    this.runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;

    if (this.ownServers) {
      this.serversDir = path.join(this.work, 'servers');
      await run(path.join(ROOT, 'tools/servers'), ['up', this.serversDir]);
      this.serversEnvFile = path.join(this.serversDir, 'env');
    } else {
      this.serversEnvFile = path.resolve(o.serversEnv);
      this.serversDir = path.dirname(this.serversEnvFile);
    }
    this.servers = readEnv(this.serversEnvFile);
    this.ch = this.servers.K2C_CLICKHOUSE_URL;

    // kinesalite
    const portFile = path.join(this.work, `kinesalite-${this.runId}.port`);
    const klog = fs.openSync(path.join(this.logDir, 'kinesalite.log'), 'a');
    const k = spawn(process.execPath, [path.join(HERE, 'kinesalite.cjs'), portFile],
                    { stdio: ['ignore', klog, klog], env: { ...process.env, AWS_ACCOUNT_ID: ACCOUNT, AWS_REGION: REGION } });
    fs.closeSync(klog);
    this.procs.push({ name: 'kinesalite', proc: k });
    const port = await waitFor('kinesalite listening', () => fs.existsSync(portFile) && fs.readFileSync(portFile, 'utf8'), 15);
    fs.rmSync(portFile, { force: true });
    this.kinesisUrl = `http://127.0.0.1:${port}`;
    this.kinesis = kinesisClient(this.kinesisUrl);

    // the stream
    this.stream = `k2c-stream-${this.runId}`;
    await this.kinesis.send(new Kinesis.CreateStreamCommand({ StreamName: this.stream, ShardCount: o.shards }));
    const summary = await waitFor('the stream ACTIVE', async () => {
      const d = (await this.kinesis.send(new Kinesis.DescribeStreamSummaryCommand({ StreamName: this.stream }))).StreamDescriptionSummary;
      return d.StreamStatus === 'ACTIVE' && d;
    }, 15);
    this.streamArn = summary.StreamARN;
    const shards = await this.kinesis.send(new Kinesis.ListShardsCommand({ StreamName: this.stream }));
    this.shardIds = shards.Shards.map((s) => s.ShardId);

    // the table and its route
    this.table = SHAPES[o.shape].table;
    await query(this.ch, `DROP TABLE IF EXISTS \`${this.table}\``);
    await query(this.ch, SHAPES[o.shape].ddl);
    this.routesTable = `k2c-stream-routes-${this.runId}`;
    const admin = path.join(ROOT, 'tests/integration/dynamo_admin.py');
    await run('python3', [admin, this.servers.K2C_DYNAMODB_URL, 'create', this.routesTable]);
    await run('python3', [admin, this.servers.K2C_DYNAMODB_URL, 'put', this.routesTable, this.streamArn, this.table]);

    // the function's view of ClickHouse: direct, or through the slow proxy
    let functionCh = this.ch;
    if (o.slowClickhouse !== null) {
      const pf = path.join(this.work, `slow-proxy-${this.runId}.port`);
      const p = spawn(process.execPath, [path.join(HERE, 'slow_proxy.mjs'), this.servers.K2C_CLICKHOUSE_HTTP_PORT,
                                         String(o.slowClickhouse), pf], { stdio: 'ignore' });
      this.procs.push({ name: 'slow-proxy', proc: p });
      const pport = await waitFor('the slow proxy listening', () => fs.existsSync(pf) && fs.readFileSync(pf, 'utf8'), 10);
      fs.rmSync(pf, { force: true });
      functionCh = `http://127.0.0.1:${pport}`;
    }
    this.functionEnv = {
      CLICKHOUSE_URL: functionCh, ROUTES_TABLE: this.routesTable,
      AWS_ENDPOINT_URL_DYNAMODB: this.servers.K2C_DYNAMODB_URL, AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', ROUTE_CACHE_TTL_SECONDS: '60',
    };
  }

  // --- the two children --------------------------------------------------

  startPoller() {
    const o = this.o;
    const cfg = {
      endpoint: this.kinesisUrl, stream: this.stream, streamArn: this.streamArn, shards: this.shardIds,
      bootstrap: path.resolve(ROOT, o.bootstrap), functionEnv: this.functionEnv, functionName: 'k2c-stream',
      functionTimeoutMs: Math.round(o.functionTimeout * 1000), logDir: this.logDir, destinationFile: this.destinationFile,
      batchSize: o.batchSize, windowMs: Math.round(o.window * 1000), parallelization: o.parallelization,
      reportBatchItemFailures: !o.noReportBatchItemFailures, bisect: !o.noBisect, maxRetries: o.maxRetries,
      maxRecordAgeS: o.maxRecordAge, retryBackoffMs: o.retryBackoffMs, retryBackoffCapMs: o.retryBackoffCapMs,
      pollIntervalMs: o.pollIntervalMs, getIntervalMs: o.getIntervalMs,
    };
    const p = fork(path.join(HERE, 'poller.mjs'), [JSON.stringify(cfg)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.procs.push({ name: 'poller', proc: p });
    this.pollerProc = p;
    p.on('message', (m) => {
      if (m.type === 'ready') this.poller.emulators = m.emulators;
      else if (m.type === 'stats') { this.poller.stats = m; if (m.emulators) this.poller.emulators = m.emulators; }
      else if (m.type === 'destination') {
        this.poller.destinations++;
        this.ledger.markDestination(Number(m.shard.split('-')[1]), m.sequenceNumbers, Date.now());
      } else if (m.type === 'log') this.note(m.text);
    });
    p.on('exit', () => { this.poller.exited = true; });
    return waitFor('the poller ready', () => this.poller.emulators.length > 0, 30);
  }

  startProducer() {
    const o = this.o;
    const cfg = { endpoint: this.kinesisUrl, stream: this.stream, shape: o.shape, rate: o.rate, total: o.total,
                  kpl: o.kpl, gzip: o.gzip, badRatio: o.badRecords, seed: o.seed };
    const p = fork(path.join(HERE, 'producer.mjs'), [JSON.stringify(cfg)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.procs.push({ name: 'producer', proc: p });
    this.producerProc = p;
    p.on('message', (m) => {
      if (m.type === 'put') this.ledger.onPut(m.at, m.outers);
      else if (m.type === 'stats') this.producer.stats = m;
      else if (m.type === 'done') { this.producer.done = m; this.producer.doneAt = Date.now(); }
      else if (m.type === 'log') this.note(m.text);
    });
    p.on('exit', () => { this.producer.exited = true; if (!this.producer.doneAt) this.producer.doneAt = Date.now(); });
  }

  // --- watching ClickHouse ------------------------------------------------

  async pollRows() {
    const t = Date.now();  // a SELECT sees the parts committed when it starts
    let text;
    try {
      text = await query(this.ch, `SELECT rec_id FROM \`${this.table}\` WHERE rec_id > ${this.ledger.watermark} FORMAT TSV`,
                         { timeoutMs: 5000 });
    } catch {
      return false;  // ClickHouse down or busy: the next poll tries again
    }
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; start = nl + 1, nl = text.indexOf('\n', start)) {
      this.ledger.mark(Number(text.slice(start, nl)), ROW, t);
    }
    this.ledger.advance();
    return true;
  }

  async deadLetterQuery(grouped) {
    const cols = await query(this.ch, `SELECT name FROM system.columns WHERE database = currentDatabase() ` +
                                      `AND table = '${DEAD_LETTER_TABLE}' FORMAT TSV`, { timeoutMs: 5000 });
    const names = new Set(cols.split('\n'));
    if (!names.has('sequence_number')) return [];  // not created yet: no bad record so far
    const sub = names.has('sub_sequence_number') ? 'sub_sequence_number' : '0';
    const sql = `SELECT shard_id, sequence_number, ${sub} AS sub, startsWith(raw_data, unhex('${KPL_MAGIC_HEX}')) AS whole` +
                (grouped ? ', count()' : '') + ` FROM \`${DEAD_LETTER_TABLE}\` WHERE stream_arn = ${quoteString(this.streamArn)}` +
                (grouped ? ' GROUP BY shard_id, sequence_number, sub, whole' : '') + ' FORMAT TSV';
    return tsv(await query(this.ch, sql, { timeoutMs: 30000 })).map(([shard, seq, s, whole, count]) => ({
      shard: Number(shard.split('-')[1]), seq, sub: whole === '1' ? null : Number(s), count: Number(count || 1),
      whole: whole === '1',
    }));
  }

  async pollDeadLetters() {
    try {
      const t = Date.now();
      for (const d of await this.deadLetterQuery(false)) this.ledger.markDeadLetter(d.shard, d.seq, d.sub, t);
      this.ledger.advance();
    } catch { /* down or busy */ }
  }

  // --- faults -------------------------------------------------------------

  faults(now) {
    const o = this.o;
    if (o.killClickhouseAt === null) return;
    const at = this.t0 + o.killClickhouseAt * 1000;
    if (!this.killing && now >= at) {
      // SIGKILL, as a crash (tools/servers stop-clickhouse): the server is gone at once.
      const stopping = Date.now();
      this.events.push({ t: (stopping - this.t0) / 1000, label: 'ClickHouse killed' });
      this.killing = run(path.join(ROOT, 'tools/servers'), ['stop-clickhouse', this.serversDir]).then(() => {
        this.killedAt = stopping;
      }, (err) => this.note(`stream: could not kill ClickHouse: ${err.message}`));
    }
    if (this.killedAt && !this.restarting && now >= this.killedAt + o.clickhouseDownFor * 1000) {
      this.restarting = run(path.join(ROOT, 'tools/servers'), ['start-clickhouse', this.serversDir]).then(() => {
        this.restartedAt = Date.now();
        this.events.push({ t: (this.restartedAt - this.t0) / 1000, label: 'ClickHouse started' });
        this.servers = readEnv(this.serversEnvFile);
      }, (err) => {
        this.restartedAt = Date.now();  // the accounting below waits for ClickHouse, and says so if it never came
        this.note(`stream: could not start ClickHouse again: ${err.message}`);
      });
    }
  }

  get faultPending() {
    if (this.o.killClickhouseAt === null) return false;
    return (this.killing && !this.restartedAt) || false;
  }

  // --- progress -----------------------------------------------------------

  progress(now, final = false) {
    const l = this.ledger;
    const rowsNow = l.resolved[ROW];
    const rate = this.lastProgress ? (rowsNow - this.lastProgress.rows) / ((now - this.lastProgress.at) / 1000) : 0;
    this.lastProgress = { at: now, rows: rowsNow };
    const ps = this.poller.stats || {};
    const line = `[${((now - this.t0) / 1000).toFixed(0).padStart(4)}s] put ${fmt(l.put)}  written ${fmt(rowsNow)}  ` +
                 `dead-lettered ${fmt(l.resolved[DEAD])}  destination ${fmt(l.resolved[DEST])}  ` +
                 `in flight ${fmt(l.unresolved)}  rows/s ${fmt(rate)}  lag ${(l.lagMs(now) / 1000).toFixed(1)}s` +
                 (ps.retries ? `  retries ${fmt(ps.retries)}` : '');
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}${final ? '\n' : ''}`);
    else if ((final && now - this.lastPrinted >= 1000) || !this.lastPrinted || now - this.lastPrinted >= 5000) {
      process.stderr.write(`${line}\n`);
      this.lastPrinted = now;
    }
  }

  cpuRoles() {
    const roles = {
      kinesalite: [this.procs.find((p) => p.name === 'kinesalite').proc.pid],
      producer: [this.producerProc && this.producerProc.pid],
      poller: [this.pollerProc && this.pollerProc.pid],
      emulator: this.poller.emulators,
      clickhouse: [Number(this.servers.K2C_CLICKHOUSE_PID) || 0],
      dynalite: [Number(this.servers.K2C_DYNAMODB_PID) || 0],
    };
    const proxy = this.procs.find((p) => p.name === 'slow-proxy');
    if (proxy) roles['slow-proxy'] = [proxy.proc.pid];
    return roles;
  }

  // --- the run ------------------------------------------------------------

  async go() {
    const o = this.o;
    process.stderr.write(`stream: setting up (servers, kinesalite, a stream of ${o.shards} shards)\n`);
    await this.setup();
    this.ledger = new Ledger(o.total, o.parallelization);
    await this.startPoller();
    process.stderr.write(`stream: ${this.shardIds.length} shards x ParallelizationFactor ${o.parallelization} = ` +
                         `${this.poller.emulators.length} function instances; putting ${fmt(o.total)} ${o.shape} records ` +
                         `at ${fmt(o.rate)}/s${o.kpl ? ' (KPL-aggregated)' : ''}${o.gzip ? ' (gzip)' : ''}\n`);
    this.t0 = Date.now();
    this.startProducer();
    this.cpuBefore = sample(this.cpuRoles(), { bootstrap: 'emulator' });
    this.loadBefore = os.loadavg()[0];
    let lastSlow = 0, ended = '';
    // Bounded: the producer ends after `duration` (or on stop); then at most drain-timeout seconds.
    for (;;) {
      const now = Date.now();
      if (this.stopAsked && this.producerProc && !this.producer.doneAt) this.producerProc.send({ type: 'stop' });
      await this.pollRows();
      if (now - lastSlow >= 1000) {
        lastSlow = now;
        await this.pollDeadLetters();
        this.faults(now);
        this.progress(now);
      }
      if (this.producer.doneAt) {
        if (this.ledger.unresolved === 0 && !this.faultPending) { ended = 'every record landed'; break; }
        if (now > this.producer.doneAt + o.drainTimeout * 1000) { ended = `drain timeout (${o.drainTimeout} s)`; break; }
      }
      if (this.poller.exited) { ended = 'the poller exited'; break; }
      await sleep(o.monitorMs - (Date.now() - now));
    }
    this.tEnd = Date.now();
    this.cpuAfter = sample(this.cpuRoles(), { bootstrap: 'emulator' });
    this.loadAfter = os.loadavg()[0];
    this.progress(this.tEnd, true);
    process.stderr.write(`stream: ${ended}; stopping the event source mapping\n`);
    if (this.restarting) await this.restarting;
    await this.stopChild(this.producerProc, 'producer');
    if (this.pollerProc && !this.poller.exited) this.pollerProc.send({ type: 'stop' });
    await this.stopChild(this.pollerProc, 'poller', 60000);
    return this.report(ended);
  }

  async stopChild(proc, name, graceMs = 10000) {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    const within = (t) => Promise.race([exited.then(() => true), sleep(t).then(() => false)]);
    if (name === 'producer') proc.send({ type: 'stop' });
    if (await within(graceMs)) return;
    proc.kill('SIGTERM');
    if (await within(5000)) return;
    proc.kill('SIGKILL');
    await within(5000);
  }

  async report(ended) {
    const o = this.o, l = this.ledger;
    await waitFor('ClickHouse answering', async () => {
      try { return (await query(this.ch, 'SELECT 1', { timeoutMs: 2000 })).trim() === '1'; } catch { return false; }
    }, 60);
    // The monitor's last look, so rows that landed while the poller stopped have a time.
    await this.pollRows();
    const rows = tsv(await query(this.ch, `SELECT rec_id, count() FROM \`${this.table}\` GROUP BY rec_id FORMAT TSV`,
                                 { timeoutMs: 120000 })).map(([id, c]) => [Number(id), Number(c)]);
    const deadLetters = await this.deadLetterQuery(true);
    const destination = fs.existsSync(this.destinationFile)
      ? fs.readFileSync(this.destinationFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];
    const acc = account(l, { rows, deadLetters, destination, isBad: (r) => isBad(r, o.badRecords, o.seed) });
    const lat = latencies(l);
    const last = lastRowSeen(l);
    const rowsPerS = acc.rows > 0 && last > l.firstPutAt ? acc.rows / ((last - l.firstPutAt) / 1000) : 0;
    const putSeconds = this.producer.done ? this.producer.done.seconds : (this.tEnd - this.t0) / 1000;
    const cpu = shares(this.cpuBefore, this.cpuAfter);
    // The producer is gone by now; it reported its own CPU time when it finished.
    if (this.producer.done && this.producer.done.cpuSeconds !== undefined) cpu.cpuSeconds.producer = this.producer.done.cpuSeconds;
    // Steady state: rows that became queryable from a quarter of the put time
    // to its end, per second. Equal to the put rate when the pipeline keeps up.
    const points = series(l, this.t0, (this.tEnd - this.t0) / 1000 + 1);
    const from = Math.floor(putSeconds / 4), to = Math.max(from + 1, Math.floor(putSeconds));
    const steady = { from, to, rate: points.slice(from, to).reduce((n, p) => n + p.rows, 0) / (to - from) };
    const wholeAggregates = deadLetters.filter((d) => d.whole).reduce((n, d) => n + d.count, 0);
    const figures = {
      o, ended, acc, lat, rowsPerS, steady, putSeconds, wholeAggregates, cpu, events: this.events,
      destinationBatches: destination.length, destinationFile: path.relative(process.cwd(), this.destinationFile),
      esm: this.poller.stats || {}, load: [this.loadBefore, this.loadAfter],
    };
    const out = reportLines(figures);
    if (o.chart) {
      fs.writeFileSync(path.resolve(o.chart), svg({ points, events: this.events, ...chartTitles(figures) }));
      out.push(`Chart: ${o.chart}`);
    }
    const machine = machineLine(figures);
    if (o.jsonOut) {
      fs.writeFileSync(path.resolve(o.jsonOut), JSON.stringify({
        options: o, ended, accounting: acc, rowsPerS, steadyRowsPerS: steady.rate, loadAverage: figures.load,
        latency: { count: lat.count, p50: lat.p50, p99: lat.p99, max: lat.max },
        wholeAggregateDeadLetters: wholeAggregates, esm: figures.esm, producer: this.producer.done, cpu, events: this.events,
        perSecond: points, notes: this.log, machine,
      }, null, 1) + '\n');
    }
    out.push('', machine);
    process.stdout.write(out.join('\n') + '\n');
    return acc.missing === 0 && acc.inventedRows === 0 && acc.inventedDeadLetters === 0 ? 0 : 1;
  }

  async cleanup() {
    for (const { proc } of this.procs.reverse()) {
      if (proc.exitCode !== null || proc.signalCode !== null) continue;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      if (!(await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]))) proc.kill('SIGKILL');
    }
    if (this.ownServers && this.serversDir) {
      if (this.restarting) await this.restarting.catch(() => {});
      await run(path.join(ROOT, 'tools/servers'), ['down', this.serversDir]).catch(() => {});
    }
  }
}

async function main(argv) {
  let opts;
  try {
    opts = parse(argv);
  } catch (err) {
    process.stderr.write(`stream: ${err.message}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(usage() + '\n');
    return 0;
  }
  if (Number(process.versions.node.split('.')[0]) < 20) {
    process.stderr.write(`stream: needs Node.js 20 or later (the AWS SDK for JavaScript v3 does); this is ${process.version}\n`);
    return 2;
  }
  if (!fs.existsSync(path.resolve(ROOT, opts.bootstrap))) {
    process.stderr.write(`stream: no ${opts.bootstrap}; build first (./dev build)\n`);
    return 2;
  }
  const r = new StreamRun(opts);
  let interrupts = 0;
  const onSignal = () => {
    if (++interrupts === 1) {
      r.stopAsked = true;
      process.stderr.write('\nstream: stopping the producer; waiting for what was put (Ctrl-C again to abort)\n');
    } else {
      r.cleanup().finally(() => process.exit(130));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', () => r.cleanup().finally(() => process.exit(143)));
  try {
    return await r.go();
  } catch (err) {
    process.stderr.write(`\nstream: ${err.stack || err.message}\n`);
    return 2;
  } finally {
    await r.cleanup();
  }
}

// Exit at once: idle keep-alive sockets of the HTTP clients would hold the
// event loop open for a while. (stdout and stderr are synchronous on Linux.)
process.exit(await main(process.argv.slice(2)));
