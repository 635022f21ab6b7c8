// The options of ./dev stream, their defaults and checks. The event source
// mapping defaults are those template.yaml deploys (BatchSize 1000, a 1 s
// window, ParallelizationFactor 1, 10 retries, records kept a day, bisect
// and ReportBatchItemFailures on); the function timeout is its 60 s.

const OPTIONS = [
  // name, kind, default, help
  ['shards', 'int', 4, 'shards of the stream (1-64)'],
  ['rate', 'num', 1000, 'user records put per second, over all shards'],
  ['duration', 'num', 20, 'seconds of putting'],
  ['shape', 'choice:orders,telemetry', 'orders', 'orders (tools/make_events.py) or telemetry'],
  ['kpl', 'flag', false, 'aggregate user records with aws-kinesis-agg, as the KPL does (51,200 bytes or 100 ms)'],
  ['gzip', 'flag', false, 'gzip each user record'],
  ['bad-records', 'num', 0, 'share of records made bad on purpose (0-1); each must end as a dead letter'],
  ['batch-size', 'int', 1000, 'BatchSize (1-10000)'],
  ['window', 'num', 1, 'MaximumBatchingWindowInSeconds (0-300; fractions allowed here)'],
  ['parallelization', 'int', 1, 'ParallelizationFactor (1-10): function instances per shard'],
  ['max-retries', 'int', 10, 'MaximumRetryAttempts (-1 = until the records expire)'],
  ['max-record-age', 'int', 86400, 'MaximumRecordAgeInSeconds (-1 = never)'],
  ['no-bisect', 'flag', false, 'BisectBatchOnFunctionError off'],
  ['no-report-batch-item-failures', 'flag', false, 'FunctionResponseTypes without ReportBatchItemFailures'],
  ['retry-backoff-ms', 'int', 200, 'first retry delay; doubles per retry (not documented by Lambda)'],
  ['retry-backoff-cap-ms', 'int', 5000, 'longest retry delay'],
  ['poll-interval-ms', 'int', 1000, 'wait after an empty GetRecords (Lambda: once a second)'],
  ['get-interval-ms', 'int', 200, 'wait after a GetRecords with records (Kinesis: 5 a second per shard)'],
  ['function-timeout', 'num', 60, 'function timeout, seconds (template.yaml: 60)'],
  ['kill-clickhouse-at', 'num', null, 'stop ClickHouse this many seconds after the producer starts'],
  ['clickhouse-down-for', 'num', 5, 'seconds until it is started again, on the same data'],
  ['slow-clickhouse', 'int', null, 'delay every request to ClickHouse by this many ms (a proxy)'],
  ['chart', 'str', null, 'draw throughput and latency over time into this .svg file'],
  ['json-out', 'str', null, 'write the whole report as JSON'],
  ['servers-env', 'str', null, 'use running servers (tools/servers up DIR wrote DIR/env) instead of starting them'],
  ['work-dir', 'str', 'build/stream', 'servers, logs, the destination file'],
  ['drain-timeout', 'num', 60, 'seconds to wait after the last put for every record to land'],
  ['monitor-ms', 'int', 100, 'how often the monitor asks ClickHouse for new rows'],
  ['seed', 'int', 1, 'seed for records and bad records'],
  ['bootstrap', 'str', 'build/bootstrap', 'the function'],
  ['help', 'flag', false, 'this text'],
];

export function usage() {
  const lines = ['usage: ./dev stream [OPTION...]', '',
    'Producers put records into a local Kinesis (kinesalite); our event source mapping polls it and',
    'invokes the real bootstrap through the Runtime API emulator; the rows land in a local ClickHouse.',
    'Ends with the accounting of every record, throughput and put -> queryable latency.', ''];
  for (const [name, kind, def, help] of OPTIONS) {
    const arg = kind === 'flag' ? '' : kind.startsWith('choice:') ? ` ${kind.slice(7).replace(',', '|')}` : ' N';
    const d = def === null || def === false ? '' : ` (default ${def})`;
    lines.push(`  --${name}${arg}`.padEnd(36) + help + d);
  }
  return lines.join('\n');
}

const camel = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());

export function parse(argv) {
  const opts = {};
  for (const [name, , def] of OPTIONS) opts[camel(name)] = def;
  const byName = new Map(OPTIONS.map((o) => [o[0], o]));
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i], value = null;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    arg = arg.slice(2);
    const eq = arg.indexOf('=');
    if (eq >= 0) { value = arg.slice(eq + 1); arg = arg.slice(0, eq); }
    const spec = byName.get(arg);
    if (!spec) throw new Error(`unknown option --${arg} (see --help)`);
    const [, kind] = spec;
    if (kind === 'flag') {
      if (value !== null) throw new Error(`--${arg} takes no value`);
      opts[camel(arg)] = true;
      continue;
    }
    if (value === null) {
      if (i + 1 >= argv.length) throw new Error(`--${arg} needs a value`);
      value = argv[++i];
    }
    if (kind === 'int' || kind === 'num') {
      const v = Number(value);
      if (!Number.isFinite(v) || (kind === 'int' && !Number.isInteger(v))) throw new Error(`--${arg} wants a number, got ${value}`);
      opts[camel(arg)] = v;
    } else if (kind.startsWith('choice:')) {
      if (!kind.slice(7).split(',').includes(value)) throw new Error(`--${arg} is one of ${kind.slice(7)}, got ${value}`);
      opts[camel(arg)] = value;
    } else {
      opts[camel(arg)] = value;
    }
  }
  check(opts);
  return opts;
}

function check(o) {
  const range = (name, v, lo, hi) => {
    if (!(v >= lo && v <= hi)) throw new Error(`--${name} must be in ${lo}..${hi}, got ${v}`);
  };
  range('shards', o.shards, 1, 64);
  range('rate', o.rate, 0.1, 1e6);
  range('duration', o.duration, 0.1, 86400);
  range('bad-records', o.badRecords, 0, 1);
  range('batch-size', o.batchSize, 1, 10000);
  range('window', o.window, 0, 300);
  range('parallelization', o.parallelization, 1, 10);
  range('max-retries', o.maxRetries, -1, 10000);
  if (o.maxRecordAge !== -1) range('max-record-age', o.maxRecordAge, 60, 604800);
  range('function-timeout', o.functionTimeout, 1, 900);
  range('clickhouse-down-for', o.clickhouseDownFor, 0, 3600);
  range('drain-timeout', o.drainTimeout, 1, 86400);
  range('monitor-ms', o.monitorMs, 10, 10000);
  if (o.killClickhouseAt !== null) range('kill-clickhouse-at', o.killClickhouseAt, 0, 86400);
  if (o.slowClickhouse !== null) range('slow-clickhouse', o.slowClickhouse, 1, 60000);
  if (o.chart && !o.chart.endsWith('.svg')) throw new Error('--chart writes SVG: give a FILE.svg');
  const total = Math.floor(o.rate * o.duration);
  if (total < 1) throw new Error('--rate x --duration must make at least one record');
  if (total > 20_000_000) throw new Error(`--rate x --duration = ${total} records; at most 20,000,000`);
  o.total = total;
}
