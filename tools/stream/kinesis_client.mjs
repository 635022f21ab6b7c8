// The AWS SDK for JavaScript v3 Kinesis client, pointed at the local kinesalite.
//
// HTTP/1.1 (NodeHttpHandler): the SDK's default handler for Kinesis speaks
// HTTP/2, which kinesalite does not. Keep-alive connections, 127.0.0.1 only.

import http from 'node:http';

// The SDK warns once per process that its next releases need Node.js 22; the
// version pinned here supports the Node.js 20 we run on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const sdk = await import('@aws-sdk/client-kinesis');
const { NodeHttpHandler } = await import('@smithy/node-http-handler');

export const Kinesis = sdk;

export function kinesisClient(endpoint, { region = 'eu-west-1', sockets = 16, maxAttempts = 3 } = {}) {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(endpoint)) throw new Error(`not a loopback endpoint: ${endpoint}`);
  return new sdk.KinesisClient({
    endpoint,
    region,
    maxAttempts,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: sockets }),
      connectionTimeout: 5000,
      requestTimeout: 30000,
    }),
  });
}
