// The Node HTTP ports against real misbehaving servers on 127.0.0.1: a server that never answers (the timeout
// fires), one that stalls mid-body (read timeout), one that streams 10 MiB (the read stops at 1 MiB), one that
// resets the connection (retried, then ERR_HTTP). Both ports: the global fetch and node:https/http (tlsHttp).
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientSecretBasic } from '../../src/oauth/client-auth.js';
import { createTokenRetriever } from '../../src/oauth/retriever.js';
import { fetchHttp, tlsHttp } from '../../src/node/http.js';
import { nodeRetrieverPorts } from '../../src/node/token-retriever.js';
import type { HttpPort } from '../../src/ports.js';

const SECRET = 'node-http-secret-value';
let server: Server;
let base: string;
const sockets = new Set<Socket>();
let sentBytes = 0;
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res: ServerResponse) => {
    requests++;
    req.resume();
    switch (req.url) {
      case '/hang': return; // never answers
      case '/stall': res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"access_'); return;
      case '/huge': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          while (sentBytes < 10 * 1024 * 1024) {
            sentBytes += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('close', () => res.removeAllListeners('drain'));
        return pump();
      }
      case '/reset': return req.socket.destroy();
      default: res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"access_token":"tok"}');
    }
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const ports: Array<[string, () => HttpPort & { close?: () => void }]> = [['global fetch', () => fetchHttp], ['tlsHttp (node:http)', () => tlsHttp({ keepAlive: false })]];

function retrieve(path: string, http: HttpPort, timeouts: { connectTimeoutMs?: number; readTimeoutMs?: number }, retry = { backoffMs: 0, backoffMaxMs: 0 }) {
  const url = `${base}${path}`;
  return createTokenRetriever({ tokenEndpoint: url, allowedUrls: [url], grantType: 'client_credentials', clientAuth: clientSecretBasic('c', SECRET), retry, ...timeouts },
    nodeRetrieverPorts({ http }))();
}

describe.each(ports)('%s', (_name, make) => {
  it('gets a token from a well-behaved server', async () => {
    const http = make();
    try {
      expect((await retrieve('/ok', http, {})).accessToken).toBe('tok');
    } finally {
      http.close?.();
    }
  });

  it('times out a server that never answers', async () => {
    const http = make();
    const started = Date.now();
    try {
      await expect(retrieve('/hang', http, { connectTimeoutMs: 100, readTimeoutMs: 100 })).rejects.toMatchObject({ code: 'ERR_HTTP_TIMEOUT' });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      http.close?.();
    }
  });

  it('times out a body that stalls (read timeout)', async () => {
    const http = make();
    try {
      await expect(retrieve('/stall', http, { readTimeoutMs: 150 })).rejects.toMatchObject({ code: 'ERR_HTTP_TIMEOUT' });
    } finally {
      http.close?.();
    }
  });

  it('stops reading a 10 MiB answer at 1 MiB', async () => {
    const http = make();
    sentBytes = 0;
    try {
      const error = await retrieve('/huge', http, {}).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_TOKEN_RESPONSE', status: 'invalid_response', message: expect.stringContaining('1048576') });
      await new Promise((r) => setTimeout(r, 100));
      expect(sentBytes).toBeLessThan(10 * 1024 * 1024);
    } finally {
      http.close?.();
    }
  });

  it('retries a reset connection within the budget, then reports ERR_HTTP without the secret', async () => {
    const http = make();
    const before = requests;
    try {
      // A 2 s budget: with 100 ms, one slow first attempt on a loaded machine spent it all (Kafka's budget counts
      // from the first attempt's start), which made this test flaky in the full suite.
      const error = (await retrieve('/reset', http, {}, { backoffMs: 20, backoffMaxMs: 2000 }).catch((e: unknown) => e)) as Error;
      expect(error).toMatchObject({ code: 'ERR_HTTP', message: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET|socket hang up|TypeError/) });
      expect(error.message).not.toContain(SECRET);
      expect(requests - before).toBeGreaterThanOrEqual(3);
    } finally {
      http.close?.();
    }
  });
});
