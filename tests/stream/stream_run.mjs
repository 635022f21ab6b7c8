// A short ./dev stream run as a test: runs tools/stream/main.mjs with the
// given options (its own servers and kinesalite under WORK_DIR, stopped by
// PID when it ends), then checks the accounting it reports:
//
//   * the last line is the machine-readable one, and missing=0;
//   * nothing invented, nothing unexpected: every good record is a row and
//     every bad one a dead letter, unless it went to the destination;
//   * with --expect-fault: the fault happened and the event source mapping
//     saw failures because of it (so the run proves something).
//
//   node tests/stream/stream_run.mjs WORK_DIR [--expect-fault] [--pending REASON] -- STREAM_OPTION...
//
// --pending REASON: the test waits for a feature another branch brings.
// If the run shows that this build lacks it (whole KPL aggregates in the
// dead-letter table), the test is skipped (exit 77, CTest SKIP_RETURN_CODE)
// with REASON; once the build has it, the test runs in full.
// The run is bounded: main.mjs is killed (by PID) after 300 s.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
const own = sep >= 0 ? argv.slice(0, sep) : argv;
const streamArgs = sep >= 0 ? argv.slice(sep + 1) : [];
const workDir = path.resolve(own[0]);
const expectFault = own.includes('--expect-fault');
const pending = own.includes('--pending') ? own[own.indexOf('--pending') + 1] : null;

fs.mkdirSync(workDir, { recursive: true });
const report = path.join(workDir, 'report.json');
fs.rmSync(report, { force: true });

const child = spawn(process.execPath, [path.join(ROOT, 'tools/stream/main.mjs'), '--work-dir', workDir,
                                       '--json-out', report, ...streamArgs],
                    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
let stdout = '';
child.stdout.on('data', (c) => { stdout += c; process.stdout.write(c); });
const killer = setTimeout(() => child.kill('SIGTERM'), 300000);
const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 128 : 1))));
clearTimeout(killer);

const failures = [];
const fail = (text) => failures.push(text);
const lines = stdout.trim().split('\n');
const last = lines[lines.length - 1] || '';
const re = /^put=(\d+) rows=(\d+) dead_letters=(\d+) failed_destination=(\d+) duplicates=(\d+) missing=(\d+) rows_per_s=([\d.]+) p50_ms=(\d+|nan) p99_ms=(\d+|nan)$/;
const m = last.match(re);
if (code === 2 || !fs.existsSync(report)) {
  console.error(`FAIL: the run did not complete (exit ${code})`);
  process.exit(1);
}
const r = JSON.parse(fs.readFileSync(report, 'utf8'));
const a = r.accounting;

if (pending && r.wholeAggregateDeadLetters > 0) {
  console.log(`SKIPPED: ${pending} (${r.wholeAggregateDeadLetters} whole KPL aggregates were dead-lettered: ` +
              'this bootstrap does not de-aggregate yet)');
  process.exit(77);
}

if (!m) fail(`the last line is not the machine-readable one: ${last}`);
else {
  const [put, rows, dead, dest, , missing] = m.slice(1, 7).map(Number);
  if (missing !== 0) fail(`missing=${missing}`);
  if (put + 0 !== rows + dead + dest + missing) fail('put != rows + dead_letters + failed_destination + missing');
  if (put !== a.put || missing !== a.missing) fail('the last line disagrees with the report');
  if (put === 0) fail('nothing was put');
}
if (a.inventedRows || a.inventedDeadLetters) fail(`invented: rows ${a.inventedRows}, dead letters ${a.inventedDeadLetters}`);
if (a.destinationMismatches) fail(`${a.destinationMismatches} destination entries match no batch that was put`);
if (a.unexpectedGoodNotRow || a.unexpectedBadRow) {
  fail(`unexpected outcomes: ${a.unexpectedGoodNotRow} good records not written, ${a.unexpectedBadRow} bad records written`);
}
if (a.badPut > 0 && a.deadLetters === 0) fail('bad records were put but none was dead-lettered');
if (expectFault) {
  if (r.events.length < 2) fail(`the fault did not happen in full: ${JSON.stringify(r.events)}`);
  const e = r.esm || {};
  if (!((e.partials || 0) + (e.functionErrors || 0) + (e.failures || 0) > 0)) fail('no invocation failed while ClickHouse was down');
}
if (code !== 0) fail(`exit status ${code}`);
if (pending) console.log(`note: this build de-aggregates; the --pending marker (${pending}) can go`);

if (failures.length) {
  for (const f of failures) console.error(`FAIL: ${f}`);
  process.exit(1);
}
console.log('PASS');
