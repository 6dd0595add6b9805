// Issue 12 item 8: the token endpoint misbehaving, through both Node HTTP ports, against a real server on
// 127.0.0.1: 5xx (retried within Kafka's budget, the first error reported), never answering, dripping one byte
// every 50 ms, cut mid-body, 10 MiB. Nothing hangs (each case ends within its deadlines), the read stops early,
// and under the token holder each failure is reported once, with its reason, while the last good token stays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import { TokenHolder, driveTokenHolder, type HolderSnapshot } from '../../src/kafka/holder.js';
import { clientSecretBasic } from '../../src/oauth/client-auth.js';
import { createTokenRetriever } from '../../src/oauth/retriever.js';
import { fetchHttp, tlsHttp } from '../../src/node/http.js';
import { nodeRetrieverPorts } from '../../src/node/token-retriever.js';
import type { HttpPort } from '../../src/ports.js';
import { startFaultServer, type FaultServer, type Mode } from './server.js';

const SECRET = 'fault-test-secret-value';
let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer(() => JSON.stringify({ access_token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.', token_type: 'Bearer', expires_in: 3600 }));
});
afterAll(() => server.close());

const LIMITS = { connectTimeoutMs: 200, readTimeoutMs: 400 };
const RETRY = { backoffMs: 20, backoffMaxMs: 1000 };

function retriever(mode: Mode, http: HttpPort) {
  const url = `${server.base}/${mode}`;
  return createTokenRetriever({
    tokenEndpoint: url, allowedUrls: [url], grantType: 'client_credentials', clientAuth: clientSecretBasic('c', SECRET), retry: RETRY, ...LIMITS,
  }, nodeRetrieverPorts({ http }));
}

const CASES: Array<{ mode: Mode; code: string; message: RegExp; retried: boolean }> = [
  { mode: '5xx', code: 'ERR_TOKEN_ENDPOINT', message: /HTTP 503/, retried: true },
  { mode: 'hang', code: 'ERR_HTTP_TIMEOUT', message: /the whole attempt \(headers and body\) took longer than 600 ms/, retried: false },
  { mode: 'drip', code: 'ERR_HTTP_TIMEOUT', message: /reading the response body took longer than 400 ms/, retried: false },
  { mode: 'truncate', code: 'ERR_HTTP', message: /token endpoint request failed/, retried: true },
  { mode: 'huge', code: 'ERR_TOKEN_RESPONSE', message: /larger than 1048576 bytes/, retried: false },
];

const PORTS: Array<[string, () => HttpPort & { close?: () => void }]> = [['global fetch', () => fetchHttp], ['tlsHttp', () => tlsHttp({ keepAlive: false })]];

describe.each(PORTS)('token endpoint faults through %s', (_name, make) => {
  it.each(CASES)('$mode: $code, bounded in time', async ({ mode, code, message, retried }) => {
    const http = make();
    const before = server.requests[mode];
    const closedBefore = server.closedEarly;
    server.hugeBytesSent = 0;
    const started = Date.now();
    try {
      const error = await retriever(mode, http)().then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(OAuthBearerError);
      expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
      expect((error as Error).message).not.toContain(SECRET);
      // The retry budget (1000 ms) plus one attempt's deadline (600 ms), with room for a loaded machine.
      expect(Date.now() - started).toBeLessThan(5000);
      const attempts = server.requests[mode] - before;
      if (retried) expect(attempts).toBeGreaterThanOrEqual(2);
      else expect(attempts).toBeGreaterThanOrEqual(1);
      if (mode === 'huge') expect(server.hugeBytesSent).toBeLessThan(10 * 1024 * 1024);
      if (mode === 'drip' || mode === 'hang' || mode === 'huge') {
        // The client hung up rather than leaving the connection to the server.
        for (let i = 0; i < 50 && server.closedEarly === closedBefore; i++) await new Promise((r) => setTimeout(r, 20));
        expect(server.closedEarly).toBeGreaterThan(closedBefore);
      }
    } finally {
      http.close?.();
    }
  }, 10_000);
});

describe('under the token holder', () => {
  it('reports each failure once with its reason, keeps the last good token, and never busy-loops', async () => {
    let mode: Mode = 'ok';
    const http = fetchHttp;
    const retrieve = () => retriever(mode, http)();
    const holder = new TokenHolder();
    const snapshots: HolderSnapshot[] = [];
    const sleeps: number[] = [];
    const controller = new AbortController();
    let offsetMs = 0;
    const modes: Mode[] = ['hang', 'drip', '5xx', 'truncate', 'huge'];
    const done = driveTokenHolder(holder, {
      provider: async () => {
        const token = await retrieve();
        return { value: token.accessToken, principal: 'alice', scope: [], lifetimeMs: Date.now() + offsetMs + 3_600_000, startTimeMs: Date.now() + offsetMs };
      },
      clock: { nowMs: () => Date.now() + offsetMs },
      random: () => 0.5,
      // The holder's own 10 s retry and refresh waits are recorded and skipped, not slept: each is one wake-up.
      sleep: async (ms) => {
        sleeps.push(ms);
        offsetMs += ms;
        mode = modes[sleeps.length - 1] ?? 'ok';
        if (sleeps.length > modes.length + 1) controller.abort();
      },
      onFetched: (s) => snapshots.push(s),
    }, controller.signal);
    await done;
    expect(snapshots.map((s) => s.lastError?.code ?? 'ok')).toEqual(['ok', 'ERR_HTTP_TIMEOUT', 'ERR_HTTP_TIMEOUT', 'ERR_TOKEN_ENDPOINT', 'ERR_HTTP', 'ERR_TOKEN_RESPONSE', 'ok']);
    expect(snapshots.map((s) => s.failures)).toEqual([0, 1, 2, 3, 4, 5, 5]);
    // The good token stayed through every failure.
    expect(snapshots.every((s) => s.principal === 'alice')).toBe(true);
    // One wake-up per outcome: the first refresh, then 10 s after each failure (Kafka's relogin retry).
    // (the real clock may tick between the holder's time and the driver's).
    expect(sleeps.slice(1, 6).map((ms) => Math.round(ms / 1000))).toEqual([10, 10, 10, 10, 10]);
    expect(sleeps).toHaveLength(7);
  }, 20_000);
});
