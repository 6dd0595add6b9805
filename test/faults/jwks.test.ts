// Issue 12 item 8: the JWKS endpoint misbehaving, against a real server on 127.0.0.1 through the global fetch:
// 5xx, never answering, dripping one byte every 50 ms, cut mid-body, 10 MiB. Each refresh ends within its
// deadlines, each failed attempt is reported once with its reason, the last good keys answer throughout, and the
// schedule resumes (the next refresh brings new keys).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJwks } from '../../src/jose/jwks.js';
import { fetchHttp } from '../../src/node/http.js';
import type { Jwk } from '../../src/ports.js';
import { testKey } from '../jose/ports.js';
import { startFaultServer, type FaultServer, type Mode } from './server.js';

const k1: Jwk = { ...testKey('ES256', 'k1').publicJwk, kid: 'k1' };
const k2: Jwk = { ...testKey('ES256', 'k2').publicJwk, kid: 'k2' };
let served: Jwk[] = [k1];
let server: FaultServer;
beforeAll(async () => {
  // Padded so that the drip outlasts the read limit and the truncation cuts inside the JSON.
  server = await startFaultServer(() => JSON.stringify({ keys: served, note: 'x'.repeat(200) }));
});
afterAll(() => server.close());

const CASES: Array<{ mode: Mode; code: string; message: RegExp }> = [
  { mode: '5xx', code: 'ERR_JWKS', message: /HTTP 503/ },
  { mode: 'hang', code: 'ERR_HTTP_TIMEOUT', message: /the whole attempt/ },
  { mode: 'drip', code: 'ERR_HTTP_TIMEOUT', message: /reading the response body took longer than 400 ms/ },
  { mode: 'truncate', code: 'ERR_HTTP', message: /Reading the JWKS failed|aborted/ },
  { mode: 'huge', code: 'ERR_INPUT_TOO_LARGE', message: /over 524288 bytes/ },
];

describe('JWKS endpoint faults (global fetch, real server)', () => {
  it('keeps the last good keys through every fault, reports each failed attempt once, and resumes', async () => {
    let mode: Mode = 'ok';
    const failures: unknown[] = [];
    // The wall clock moves a refresh period ahead before each case, so exactly one refresh is due each time.
    let offsetMs = 0;
    const clock = { nowMs: () => Date.now() + offsetMs };
    const jwks = createRemoteJwks({
      url: `${server.base}/jwks`, clock, sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      http: (request) => fetchHttp(new Request(`${server.base}/${mode}`, request)),
      refreshMs: 60_000, retryBackoffMs: 20, retryBackoffMaxMs: 300, connectTimeoutMs: 200, readTimeoutMs: 400,
      onFetchFailed: (error) => failures.push(error),
    });
    await jwks.refresh();
    expect(jwks.cache.fetchCount).toBe(1);
    for (const { mode: m, code, message } of CASES) {
      mode = m;
      offsetMs += 60_000;
      const before = server.requests[m];
      const reported = failures.length;
      const started = Date.now();
      await jwks.refresh();
      // Bounded: the 300 ms budget plus one attempt's 600 ms deadline, with room for a loaded machine.
      expect(Date.now() - started, m).toBeLessThan(4000);
      expect(jwks.cache.busy, m).toBe(false);
      const attempts = server.requests[m] - before;
      expect(attempts, m).toBeGreaterThanOrEqual(1);
      // Each failed attempt reported once, with its reason.
      expect(failures.length - reported, m).toBe(attempts);
      for (const f of failures.slice(reported)) expect(f, `${m}: ${(f as Error).message}`).toMatchObject({ code, message: expect.stringMatching(message) });
      expect(jwks.cache.lastError, m).toBe(failures.at(-1));
      // The last good key answers, synchronously.
      expect(jwks.keysFor('ES256', 'k1', clock.nowMs()), m).toHaveLength(1);
    }
    expect(server.hugeBytesSent).toBeLessThan(10 * 1024 * 1024);
    // The schedule resumes: the next refresh brings the rotated set.
    mode = 'ok';
    served = [k2];
    offsetMs += 60_000;
    await jwks.refresh();
    expect(jwks.cache.fetchCount).toBe(2);
    expect(jwks.keysFor('ES256', 'k2', clock.nowMs())).toHaveLength(1);
    expect(jwks.cache.select('ES256', 'k1', clock.nowMs()).keys).toHaveLength(0);
  }, 30_000);
});
