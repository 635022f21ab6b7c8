// The text ./dev stream prints at the end, from the figures main.mjs gathered.
// The last line is for scripts and keeps this exact shape:
//   put=N rows=N dead_letters=N failed_destination=N duplicates=N missing=N rows_per_s=X p50_ms=X p99_ms=X

export const fmt = (n) => Math.round(n).toLocaleString('en-US');
export const ms = (v) => (Number.isFinite(v) ? `${Math.round(v)}` : 'nan');

const ROLES = ['kinesalite', 'producer', 'poller', 'emulator', 'bootstrap', 'clickhouse', 'dynalite', 'slow-proxy', 'monitor'];

export function machineLine({ acc, rowsPerS, lat }) {
  return `put=${acc.put} rows=${acc.rows} dead_letters=${acc.deadLetters} failed_destination=${acc.destination} ` +
         `duplicates=${acc.duplicates} missing=${acc.missing} rows_per_s=${rowsPerS.toFixed(1)} ` +
         `p50_ms=${ms(lat.p50)} p99_ms=${ms(lat.p99)}`;
}

export function chartTitles({ o, acc, rowsPerS, lat }) {
  return {
    title: `./dev stream: ${o.shards} shards, ${fmt(o.rate)} ${o.shape}/s${o.kpl ? ', KPL' : ''}` +
           `${o.gzip ? ', gzip' : ''}, BatchSize ${o.batchSize}, window ${o.window} s, PF ${o.parallelization}`,
    subtitle: `put ${fmt(acc.put)}, rows ${fmt(acc.rows)}, dead letters ${fmt(acc.deadLetters)}, destination ` +
              `${fmt(acc.destination)}, missing ${fmt(acc.missing)}, duplicates ${fmt(acc.duplicates)}; ` +
              `${rowsPerS.toFixed(0)} rows/s, p50 ${ms(lat.p50)} ms, p99 ${ms(lat.p99)} ms`,
  };
}

// r: { o, ended, acc, lat, rowsPerS, steady: { rate, from, to }, putSeconds, wholeAggregates,
//      destinationBatches, destinationFile, esm, cpu, load: [before, after], events }
export function reportLines(r) {
  const { o, acc, lat, esm: ps, cpu } = r;
  const out = [];
  out.push('', `Run: ${o.shards} shards, ${fmt(o.rate)} ${o.shape} records/s for ${o.duration} s` +
               `${o.kpl ? ', KPL' : ''}${o.gzip ? ', gzip' : ''}${o.badRecords ? `, ${o.badRecords * 100}% bad` : ''}; ` +
               `BatchSize ${o.batchSize}, window ${o.window} s, ParallelizationFactor ${o.parallelization}, ` +
               `retries ${o.maxRetries}, bisect ${o.noBisect ? 'off' : 'on'}` +
               `${o.killClickhouseAt !== null ? `; ClickHouse killed at ${o.killClickhouseAt} s, started ${o.clickhouseDownFor} s later` : ''}` +
               `${o.slowClickhouse !== null ? `; ClickHouse ${o.slowClickhouse} ms slower` : ''}`);
  out.push(`Ended: ${r.ended}.`);
  out.push('', 'Accounting (every record put is in exactly one place):');
  out.push(`  put                 ${fmt(acc.put).padStart(10)}   (${fmt(acc.badPut)} bad on purpose; puts took ` +
           `${r.putSeconds.toFixed(1)} s, ${fmt(acc.put / r.putSeconds)}/s achieved)`);
  out.push(`  rows                ${fmt(acc.rows).padStart(10)}`);
  out.push(`  dead letters        ${fmt(acc.deadLetters).padStart(10)}` + (r.wholeAggregates
    ? `   (${fmt(r.wholeAggregates)} of them whole KPL aggregates: this bootstrap did not de-aggregate)` : ''));
  out.push(`  on-failure dest.    ${fmt(acc.destination).padStart(10)}   (${r.destinationBatches} batches in ${r.destinationFile})`);
  out.push(`  missing             ${fmt(acc.missing).padStart(10)}` + (acc.missing
    ? `   (rec_ids ${acc.missingIds.join(', ')}${acc.missing > acc.missingIds.length ? ', ...' : ''})` : ''));
  out.push(`  duplicates          ${fmt(acc.duplicates).padStart(10)}   (rows ${fmt(acc.duplicateRows)}, ` +
           `dead letters ${fmt(acc.duplicateDeadLetters)}, in two places ${fmt(acc.duplicateAcross)})`);
  out.push(`  unexpected          ${fmt(acc.unexpectedGoodNotRow + acc.unexpectedBadRow).padStart(10)}   ` +
           `(good records dead-lettered ${fmt(acc.unexpectedGoodNotRow)}, bad records written ${fmt(acc.unexpectedBadRow)})`);
  if (acc.inventedRows || acc.inventedDeadLetters || acc.destinationMismatches) {
    out.push(`  invented            rows ${fmt(acc.inventedRows)}, dead letters ${fmt(acc.inventedDeadLetters)}; ` +
             `destination entries that match no put batch ${acc.destinationMismatches}`);
  }
  out.push('', `Throughput: ${r.rowsPerS.toFixed(1)} rows/s (rows / first put to last row seen); ` +
           `steady ${r.steady.rate.toFixed(1)} rows/s while putting (seconds ${r.steady.from}-${r.steady.to})`);
  out.push(`Latency put -> queryable: p50 ${ms(lat.p50)} ms, p99 ${ms(lat.p99)} ms, max ${ms(lat.max)} ms ` +
           `(${fmt(lat.count)} rows, SELECT every ${o.monitorMs} ms)`);
  const avg = (total, n) => (n ? Math.round(total / n) : 0);
  out.push(`Event source mapping: ${fmt(ps.invocations || 0)} invocations (${avg(ps.invokeMs, ps.invocations)} ms each), ` +
           `${fmt(ps.getRecordsCalls || 0)} GetRecords (${avg(ps.getRecordsMs, ps.getRecordsCalls)} ms each), ` +
           `${fmt(ps.functionErrors || 0)} function errors, ${fmt(ps.partials || 0)} partial failures, ` +
           `${fmt(ps.failures || 0)} failed responses, ${fmt(ps.retries || 0)} retries, ${fmt(ps.bisections || 0)} bisections` +
           `${ps.abandoned ? `, ${fmt(ps.abandoned)} records abandoned at stop` : ''}`);
  const roles = ROLES.filter((role) => cpu.cpuSeconds[role] !== undefined)
    .map((role) => `${role} ${Math.round((cpu.cpuSeconds[role] / cpu.seconds) * 100)}%`).join(', ');
  out.push(`CPU, share of one core over ${cpu.seconds.toFixed(1)} s: ${roles}; ` +
           `machine ${(cpu.machineBusyCores * 100).toFixed(0)}% of one core busy of ${cpu.cores * 100}% (all users), ` +
           `load average ${r.load[0].toFixed(1)} -> ${r.load[1].toFixed(1)}`);
  for (const e of r.events) out.push(`Fault: ${e.label} at ${e.t.toFixed(1)} s`);
  return out;
}
