// Writes a Lambda Kinesis event whose records were aggregated by AWS's own
// Node library, aws-kinesis-agg (RecordAggregator, the KPL format), for
// kpl_agg_test.py: N user records, each a JSON object {"id", "note"} with its
// own partition key, packed `per` to an aggregate, plus one record that is
// not aggregated. Prints the event on stdout.
//
//   node kpl_agg_make.js N PER
'use strict';
const { RecordAggregator } = require('aws-kinesis-agg');

const n = Number(process.argv[2] || 250);
const per = Number(process.argv[3] || 60);
const arn = 'arn:aws:kinesis:eu-west-1:123456789012:stream/kpl-agg';
const records = [];
let seq = 0;
function push(partitionKey, data) {
  const s = `4959${String(++seq).padStart(52, '0')}`;
  records.push({
    kinesis: {
      kinesisSchemaVersion: '1.0', partitionKey, sequenceNumber: s,
      data: Buffer.from(data).toString('base64'), approximateArrivalTimestamp: 1714564800.5 + seq,
    },
    eventSource: 'aws:kinesis', eventVersion: '1.0', eventID: `shardId-000000000000:${s}`,
    eventName: 'aws:kinesis:record', invokeIdentityArn: 'arn:aws:iam::123456789012:role/r',
    awsRegion: 'eu-west-1', eventSourceARN: arn,
  });
}
let agg = new RecordAggregator();
for (let i = 0; i < n; i++) {
  agg.addUserRecord({ partitionKey: `pk-${i % 7}-${i}`, data: Buffer.from(JSON.stringify({ id: i, note: `user record ${i} \u00fc` })) });
  if (agg.length() === per || i === n - 1) {
    const built = agg.build();  // { partitionKey, data }: one Kinesis record
    push(built.partitionKey, built.data);
    agg = new RecordAggregator();
  }
}
push('plain', JSON.stringify({ id: n, note: 'not aggregated' }));
process.stdout.write(JSON.stringify({ Records: records }));
