// A minimal ClickHouse HTTP client for the monitor and the accounting:
// one query, its text answer, a bounded time. 127.0.0.1 only.

import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

export function query(baseUrl, sql, { timeoutMs = 10000 } = {}) {
  const url = new URL(baseUrl);
  if (url.hostname !== '127.0.0.1') throw new Error(`not a loopback ClickHouse: ${baseUrl}`);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: url.port, path: '/', method: 'POST', agent,
                               timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) resolve(text);
        else reject(new Error(`ClickHouse ${res.statusCode}: ${text.trim().slice(0, 300)}`));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`ClickHouse did not answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(sql);
  });
}

export function tsv(text) {
  return text.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

export const quoteString = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
