// One function instance: tools/emulator.py --serve running one bootstrap,
// fed one event at a time (Lambda never gives an instance two at once).
//
// The emulator is our child; its stderr (its per-invocation lines and
// bootstrap's own log) goes to logFile. stop() closes its stdin, which makes
// it stop bootstrap and exit; SIGTERM, then SIGKILL, by PID if it lingers.
// If the emulator itself dies, the invocation in flight is a function error
// and the next one starts a new emulator, at most MAX_RESPAWNS times.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAX_RESPAWNS = 20;

export class Invoker {
  constructor({ bootstrap, env, timeoutMs, logFile, functionName }) {
    this.args = [path.join(ROOT, 'tools/emulator.py'), '--serve', '--bootstrap', bootstrap,
                 '--timeout-ms', String(timeoutMs), '--function-name', functionName];
    for (const [k, v] of Object.entries(env)) this.args.push('--env', `${k}=${v}`);
    this.logFile = logFile;
    this.proc = null;
    this.pending = null;
    this.respawns = -1;
    this.pids = [];  // every emulator we started, for the CPU accounting
  }

  get pid() { return this.proc ? this.proc.pid : null; }

  start() {
    if (++this.respawns > MAX_RESPAWNS) throw new Error(`the emulator died ${MAX_RESPAWNS} times; see ${this.logFile}`);
    const log = fs.openSync(this.logFile, 'a');
    const proc = spawn('python3', this.args, { stdio: ['pipe', 'pipe', log] });
    fs.closeSync(log);
    this.proc = proc;
    this.pids.push(proc.pid);
    let partial = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk) => {
      partial += chunk;
      let nl;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        const done = this.pending;
        this.pending = null;
        if (done) done(JSON.parse(line));
      }
    });
    proc.stdin.on('error', () => {});  // a dead emulator: 'exit' below answers for it
    proc.on('exit', (code, signal) => {
      if (this.proc === proc) this.proc = null;
      const done = this.pending;
      this.pending = null;
      if (done) {
        done({ outcome: 'error', error_type: 'Emulator.Exited', request_id: null,
               body: JSON.stringify({ errorMessage: `emulator exited (${signal || code})`, errorType: 'Emulator.Exited' }) });
      }
    });
  }

  invoke(body) {
    if (this.pending) throw new Error('one invocation at a time');
    if (!this.proc) this.start();
    const bytes = Buffer.from(body);
    return new Promise((resolve) => {
      this.pending = resolve;
      this.proc.stdin.write(`${bytes.length}\n`);
      this.proc.stdin.write(bytes);
    });
  }

  async stop() {
    const proc = this.proc;
    if (!proc) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    const within = (ms) => Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), ms))]);
    proc.stdin.end();
    if (await within(10000)) return;
    proc.kill('SIGTERM');
    if (await within(5000)) return;
    proc.kill('SIGKILL');
    await within(5000);
  }
}
