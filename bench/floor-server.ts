/**
 * The floor for bench/broker.bench.ts: a server that answers the frames of an OAUTHBEARER authentication
 * (ApiVersions, SaslHandshake, SaslAuthenticate) with bytes prepared once, only the correlation id patched in. No
 * parsing beyond the frame size and the api key, no validation: what loopback I/O and framing alone cost.
 * `--session-lifetime-ms N` puts N in the SaslAuthenticate response, so KIP-368 clients re-authenticate.
 */
import { createServer, type Socket } from 'node:net';
import { API_KEY, SUPPORTED_VERSIONS, encodeResponse } from '../src/kafka/wire/index.js';
import type { CliIO, Command } from '../src/node/cli/io.js';

function prepared(sessionLifetimeMs: number): Map<number, Uint8Array> {
  const apiKeys = SUPPORTED_VERSIONS.map((v) => ({ apiKey: v.apiKey, minVersion: v.minVersion, maxVersion: v.maxVersion }));
  return new Map([
    [API_KEY.API_VERSIONS, encodeResponse({ apiKey: API_KEY.API_VERSIONS, apiVersion: 3, correlationId: 0, body: { errorCode: 0, apiKeys, throttleTimeMs: 0 } })],
    [API_KEY.SASL_HANDSHAKE, encodeResponse({ apiKey: API_KEY.SASL_HANDSHAKE, apiVersion: 1, correlationId: 0, body: { errorCode: 0, mechanisms: ['OAUTHBEARER'] } })],
    [API_KEY.SASL_AUTHENTICATE, encodeResponse({ apiKey: API_KEY.SASL_AUTHENTICATE, apiVersion: 2, correlationId: 0, body: { errorCode: 0, errorMessage: null, authBytes: new Uint8Array(0), sessionLifetimeMs } })],
  ]);
}

function serveConnection(socket: Socket, answers: Map<number, Uint8Array>): void {
  socket.setNoDelay(true);
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const size = pending.readInt32BE(0);
      if (pending.length < 4 + size) break;
      const apiKey = pending.readInt16BE(4);
      const correlationId = pending.readInt32BE(8);
      pending = pending.subarray(4 + size);
      const answer = answers.get(apiKey);
      if (answer === undefined) {
        socket.destroy();
        return;
      }
      const out = Buffer.from(answer);
      out.writeInt32BE(correlationId, 4);
      socket.write(out);
    }
  });
  socket.on('error', () => socket.destroy());
}

export const command: Command = {
  name: 'floor',
  summary: 'prepared-bytes Kafka authentication floor server',
  usage: 'floor [--listen 127.0.0.1:0] [--session-lifetime-ms N]',
  async run(argv, io: CliIO) {
    const at = argv.indexOf('--session-lifetime-ms');
    const answers = prepared(at >= 0 ? Number(argv[at + 1]) : 0);
    const server = createServer((socket) => serveConnection(socket, answers));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    io.out(`listening on 127.0.0.1:${(server.address() as { port: number }).port}`);
    await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
    server.close();
    return 0;
  },
};
