// CPU time of the run's processes, from /proc, to say what bounds the pipeline.
//
// A sample is the user+system time (seconds) of each process we know by PID,
// grouped by role, plus the bootstrap processes (children of the emulators)
// and the whole machine's busy time from /proc/stat. Two samples give each
// role's share of one core over the interval. A process that exited between
// samples takes its time with it (the kernel adds it to its parent only once
// reaped): counts are lower bounds for roles whose processes were replaced
// (ClickHouse after --kill-clickhouse-at, a crashed bootstrap).

import fs from 'node:fs';

const TICKS = 100;  // USER_HZ on Linux

function stat(pid) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid = field 4, utime = 14, stime = 15
    return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / TICKS };
  } catch {
    return null;
  }
}

function childrenOf(parents) {
  const kids = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(name);
    if (s && parents.has(s.ppid)) kids.push(Number(name));
  }
  return kids;
}

function machineBusy() {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = line[3] + (line[4] || 0);
  const total = line.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / TICKS, total: total / TICKS };
}

// roles: { name: [pid, ...] }; childRoles: { name: parentRoleName } (children of that role's PIDs)
export function sample(roles, childRoles = {}) {
  const out = { at: Date.now(), perPid: {}, machine: machineBusy() };
  for (const [role, pids] of Object.entries(roles)) {
    for (const pid of pids.filter(Boolean)) {
      const s = stat(pid);
      if (s) out.perPid[pid] = { role, cpu: s.cpu };
    }
  }
  for (const [role, parentRole] of Object.entries(childRoles)) {
    for (const pid of childrenOf(new Set((roles[parentRole] || []).filter(Boolean)))) {
      const s = stat(pid);
      if (s) out.perPid[pid] = { role, cpu: s.cpu };
    }
  }
  out.self = process.cpuUsage();
  return out;
}

// Share of one core per role between two samples; a PID absent from `before` started after it.
export function shares(before, after) {
  const seconds = (after.at - before.at) / 1000;
  const byRole = {};
  for (const [pid, { role, cpu }] of Object.entries(after.perPid)) {
    const start = before.perPid[pid] ? before.perPid[pid].cpu : 0;
    byRole[role] = (byRole[role] || 0) + (cpu - start);
  }
  byRole.monitor = ((after.self.user - before.self.user) + (after.self.system - before.self.system)) / 1e6;
  const machine = (after.machine.busy - before.machine.busy) / seconds;
  const cores = (after.machine.total - before.machine.total) / seconds;
  return { seconds, cpuSeconds: byRole, machineBusyCores: machine, cores: Math.round(cores) };
}
