// A raw Kafka connection for tests that must send what no well-behaved client sends: any bytes, any split, a
// request out of order. Frames are read back with the wire codec.
import { connect, type Socket } from 'node:net';
import { API_KEY, createFrameDecoder, decodeResponse, encodeRequest } from '../../src/kafka/wire/index.js';
import { encodeUtf8 } from '../../src/encoding/utf8.js';

export interface RawConnection {
  readonly socket: Socket;
  /** Our address as serve names it: `127.0.0.1:PORT`. */
  readonly peer: string;
  /** Resolves when the socket has closed (the broker closed it, or we did). */
  readonly closed: Promise<void>;
  readonly isClosed: () => boolean;
  write(bytes: Uint8Array): Promise<void>;
  /** The next whole response frame (size removed), or null when the socket closes first or `timeoutMs` passes. */
  nextFrame(timeoutMs?: number): Promise<Uint8Array | null>;
}

export async function rawConnect(port: number): Promise<RawConnection> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  const frames = createFrameDecoder({ maxFrameBytes: 1 << 24 });
  const ready: Uint8Array[] = [];
  let wake: (() => void) | null = null;
  let isClosed = false;
  socket.on('data', (chunk: Buffer) => {
    frames.push(chunk);
    for (let f = frames.next(); f !== null; f = frames.next()) ready.push(f);
    wake?.();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => {
    isClosed = true;
    wake?.();
    resolve();
  }));
  return {
    socket, closed, peer: `127.0.0.1:${socket.localPort}`,
    isClosed: () => isClosed,
    write: (bytes) => new Promise<void>((resolve) => {
      if (isClosed) resolve();
      else socket.write(bytes, () => resolve());
    }),
    async nextFrame(timeoutMs = 5_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const f = ready.shift();
        if (f !== undefined) return f;
        if (isClosed || Date.now() >= until) return null;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, until - Date.now());
          wake = () => {
            clearTimeout(t);
            wake = null;
            resolve();
          };
        });
      }
    },
  };
}

let correlation = 1;

export const requests = {
  apiVersions: (version = 3) => encodeRequest({
    apiKey: API_KEY.API_VERSIONS, apiVersion: version, correlationId: correlation++, clientId: 'raw-test',
    body: version >= 3 ? { clientSoftwareName: 'raw-test', clientSoftwareVersion: '1.0' } : {},
  }),
  handshake: (mechanism = 'OAUTHBEARER') => encodeRequest({ apiKey: API_KEY.SASL_HANDSHAKE, apiVersion: 1, correlationId: correlation++, clientId: 'raw-test', body: { mechanism } }),
  authenticate: (token: string, version = 1) => encodeRequest({
    apiKey: API_KEY.SASL_AUTHENTICATE, apiVersion: version, correlationId: correlation++, clientId: 'raw-test',
    body: { authBytes: encodeUtf8(`n,,\x01auth=Bearer ${token}\x01\x01`) },
  }),
  authenticateBytes: (bytes: Uint8Array, version = 1) => encodeRequest({
    apiKey: API_KEY.SASL_AUTHENTICATE, apiVersion: version, correlationId: correlation++, clientId: 'raw-test', body: { authBytes: bytes },
  }),
  metadata: (version = 1) => encodeRequest({ apiKey: API_KEY.METADATA, apiVersion: version, correlationId: correlation++, clientId: 'raw-test', body: { topics: null } }),
};

export function decode<T>(frame: Uint8Array | null, apiKey: number, apiVersion: number): T {
  if (frame === null) throw new Error('no response frame');
  return decodeResponse(frame, apiKey, apiVersion).body as T;
}
