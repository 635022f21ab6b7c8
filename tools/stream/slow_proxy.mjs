// A loopback TCP proxy in front of ClickHouse that holds every chunk the
// function sends for DELAY_MS before passing it on: each request reaches
// ClickHouse DELAY_MS late (./dev stream --slow-clickhouse). Answers come
// back at once. Its own process, so its CPU is counted apart.
//
//   node tools/stream/slow_proxy.mjs UPSTREAM_PORT DELAY_MS PORT_FILE

import fs from 'node:fs';
import net from 'node:net';

const [upstreamPort, delayMs, portFile] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];

const server = net.createServer((client) => {
  const upstream = net.connect(upstreamPort, '127.0.0.1');
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    client.destroy();
    upstream.destroy();
  };
  // Same delay for every chunk, so order is kept.
  client.on('data', (chunk) => setTimeout(() => { if (!closed) upstream.write(chunk); }, delayMs));
  client.on('end', () => setTimeout(() => { if (!closed) upstream.end(); }, delayMs));
  upstream.pipe(client);
  client.on('error', close);
  upstream.on('error', close);
  client.on('close', () => setTimeout(close, delayMs));
  upstream.on('close', close);
});
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(portFile + '.tmp', String(server.address().port));
  fs.renameSync(portFile + '.tmp', portFile);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
