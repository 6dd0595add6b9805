// A misbehaving HTTP server on 127.0.0.1 for fault tests: per path it answers well, with a 5xx, never, dripping
// one byte at a time, truncated (the connection cut mid-body), or with 10 MiB. Counts requests and bytes sent,
// and connections closed before the body was done (so a test sees that a client gave up and hung up).
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Mode = 'ok' | '5xx' | 'hang' | 'drip' | 'truncate' | 'huge';

export interface FaultServer {
  readonly base: string;
  /** Requests per mode. */
  readonly requests: Record<Mode, number>;
  /** Most bytes of the 10 MiB answer written on one response. */
  hugeBytesSent: number;
  /** Responses whose connection closed before their body was complete. */
  closedEarly: number;
  close(): Promise<void>;
}

export async function startFaultServer(okBody: () => string, contentType = 'application/json'): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  const state: FaultServer = {
    base: '', requests: { ok: 0, '5xx': 0, hang: 0, drip: 0, truncate: 0, huge: 0 }, hugeBytesSent: 0, closedEarly: 0,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server: Server = createServer((req, res: ServerResponse) => {
    req.resume();
    const mode = (req.url ?? '/').slice(1).split('?')[0] as Mode;
    if (!(mode in state.requests)) return void res.writeHead(404).end();
    state.requests[mode]++;
    const body = okBody();
    let done = false;
    res.on('close', () => { if (!done && mode !== 'ok' && mode !== '5xx') state.closedEarly++; });
    switch (mode) {
      case 'ok':
        done = true;
        return void res.writeHead(200, { 'content-type': contentType }).end(body);
      case '5xx':
        done = true;
        return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"temporarily_unavailable"}');
      case 'hang':
        return;
      case 'drip': {
        res.writeHead(200, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) });
        let at = 0;
        const timer = setInterval(() => {
          if (at < body.length) res.write(body[at++]!);
          else { clearInterval(timer); done = true; res.end(); }
        }, 50);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case 'truncate':
        res.writeHead(200, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body) + 1000) });
        res.write(body.slice(0, Math.floor(body.length / 2)), () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      case 'huge': {
        res.writeHead(200, { 'content-type': contentType });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        const pump = (): void => {
          while (sent < 10 * 1024 * 1024) {
            sent += chunk.length;
            state.hugeBytesSent = Math.max(state.hugeBytesSent, sent);
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          done = true;
          res.end();
        };
        res.on('close', () => res.removeAllListeners('drain'));
        return pump();
      }
    }
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (state as { base: string }).base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
