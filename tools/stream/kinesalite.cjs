#!/usr/bin/env node
// kinesalite (npm, pinned in package-lock.json) on 127.0.0.1 only.
//
//   node tools/stream/kinesalite.cjs PORT_FILE
//
// kinesalite's own cli.js listens on every interface; this starts the same
// server bound to loopback, on a free port, in memory (no LevelDB files),
// with streams ACTIVE at once. It writes the port to PORT_FILE once it
// listens and runs until it gets SIGTERM or SIGINT. The account and region
// in stream ARNs come from AWS_ACCOUNT_ID and AWS_REGION, as kinesalite reads them.
'use strict';
const fs = require('fs');
const kinesalite = require('kinesalite');

const portFile = process.argv[2];
if (!portFile) {
  console.error('usage: kinesalite.cjs PORT_FILE');
  process.exit(2);
}
const server = kinesalite({createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 64});
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(portFile + '.tmp', String(server.address().port));
  fs.renameSync(portFile + '.tmp', portFile);  // readers never see a half-written port
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
