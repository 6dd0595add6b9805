// Issue 12 item 1: a stalled JWKS response froze the key source for good (no deadline on the HTTP call or the
// body; one fetch at a time). Now each attempt has a deadline through the Request's signal; a timed-out attempt
// is a failed fetch (backoff, the schedule resumes, the last good keys stay); a validation waiting on a fetch fails
// typed at its deadline. Fake ports inject the stall (one ignores its signal on purpose); a real server on
// 127.0.0.1 drips one byte every 200 ms, the reproduction from the issue.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJwks } from '../../src/jose/jwks.js';
import { remoteJwks } from '../../src/node/jwks.js';
import type { Jwk } from '../../src/ports.js';
import { fakeTime, never, stalledResponse } from '../faults/fake-time.js';
import { testKey } from './ports.js';

const k1: Jwk = { ...testKey('ES256', 'k1').publicJwk, kid: 'k1' };
const k2: Jwk = { ...testKey('ES256', 'k2').publicJwk, kid: 'k2' };
const jwksResponse = (...keys: Jwk[]) => new Response(JSON.stringify({ keys }), { status: 200 });

describe('createRemoteJwks: a deadline per attempt (fake ports)', () => {
  it('a body that stalls times out, counts as a failed fetch, and the next attempt brings the new keys', async () => {
    const time = fakeTime();
    const answers: Array<() => Promise<Response>> = [
      async () => jwksResponse(k1),
      async () => stalledResponse('{"keys":['),
      async () => jwksResponse(k1, k2),
    ];
    const requests: Request[] = [];
    const jwks = createRemoteJwks({
      url: 'https://idp.example/jwks', clock: time.clock, sleep: time.sleep, timeout: time.timeout,
      connectTimeoutMs: 1000, readTimeoutMs: 2000, refreshMs: 60_000,
      http: (request) => { requests.push(request); return answers[requests.length - 1]!(); },
    });
    await jwks.refresh();
    expect(jwks.cache.fetchCount).toBe(1);
    await time.advance(60_000);
    // The regular refresh starts in the background; the old key answers meanwhile.
    expect(jwks.keysFor('ES256', 'k1', time.clock.nowMs())).toHaveLength(1);
    expect(requests).toHaveLength(2);
    expect(requests[1]!.signal).toBeInstanceOf(AbortSignal);
    await time.advance(1999);
    expect(jwks.cache.busy).toBe(true);
    await time.advance(1);
    // Read timeout: the request's signal aborted, the failure kept with its reason, backoff 100 ms, then retry.
    expect(requests[1]!.signal.aborted).toBe(true);
    expect(jwks.cache.lastError).toMatchObject({ code: 'ERR_HTTP_TIMEOUT', message: expect.stringContaining('reading the response body took longer than 2000 ms') });
    expect(time.sleeps).toEqual([100]);
    await time.advance(100);
    expect(requests).toHaveLength(3);
    expect(jwks.cache.busy).toBe(false);
    expect(jwks.keysFor('ES256', 'k2', time.clock.nowMs())).toHaveLength(1);
  });

  it('a port that ignores its signal still cannot hold the source: the attempt ends at connect + read', async () => {
    const time = fakeTime();
    let calls = 0;
    const jwks = createRemoteJwks({
      url: 'https://idp.example/jwks', clock: time.clock, sleep: time.sleep, timeout: time.timeout,
      connectTimeoutMs: 1000, readTimeoutMs: 2000, retryBackoffMs: 100, retryBackoffMaxMs: 5000,
      http: () => { calls++; return calls === 1 ? jwksResponse(k1) as unknown as Promise<Response> : never<Response>(); },
    });
    await jwks.refresh();
    // An unknown kid asks for an expedited fetch, which hangs; the validation waits at most connect + read.
    time.jump(20_000);
    const waiting = Promise.resolve(jwks.keysFor('ES256', 'k9', time.clock.nowMs()));
    const outcome = waiting.then(() => 'resolved', (e: unknown) => e);
    await time.advance(2999);
    expect(await Promise.race([outcome, Promise.resolve('pending')])).toBe('pending');
    await time.advance(1);
    expect(await outcome).toMatchObject({ code: 'ERR_HTTP_TIMEOUT', message: expect.stringContaining('3000 ms') });
    // The hung attempt timed out too and is retried after 100 ms; the retry hangs and times out at 6100, past the
    // 5000 ms budget, so the source is idle again, the keys kept, the next refresh scheduled.
    expect(jwks.cache.busy).toBe(true);
    expect(time.sleeps).toEqual([100]);
    await time.advance(3100);
    expect(calls).toBe(3);
    expect(jwks.cache.busy).toBe(false);
    expect(jwks.cache.poll(time.clock.nowMs()).type).toBe('wait');
    expect(jwks.cache.lastError).toMatchObject({ code: 'ERR_HTTP_TIMEOUT', message: expect.stringContaining('the whole attempt') });
    expect(jwks.keysFor('ES256', 'k1', time.clock.nowMs())).toHaveLength(1);
  });

  it('with no keys yet, a validation fails typed when every attempt fails, with the reason', async () => {
    const time = fakeTime();
    const jwks = createRemoteJwks({
      url: 'https://idp.example/jwks', clock: time.clock, sleep: time.sleep, timeout: time.timeout,
      retryBackoffMs: 100, retryBackoffMaxMs: 300,
      http: async () => new Response('down', { status: 503 }),
    });
    const outcome = Promise.resolve(jwks.keysFor('ES256', 'k1', time.clock.nowMs())).then(() => 'resolved', (e: unknown) => e);
    await time.advance(1000);
    expect(await outcome).toMatchObject({ code: 'ERR_JWKS', message: expect.stringContaining('HTTP 503') });
  });
});

describe('remoteJwks against a server that drips one byte every 200 ms (the issue\'s reproduction)', () => {
  let server: Server;
  let url: string;
  const sockets = new Set<Socket>();
  let drip = true;
  let closedEarly = 0;
  beforeAll(async () => {
    server = createServer((_req, res: ServerResponse) => {
      if (!drip) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [k1] }));
      res.writeHead(200, { 'content-type': 'application/json' });
      const body = JSON.stringify({ keys: [k1] });
      let at = 0;
      const timer = setInterval(() => { if (at < body.length) res.write(body[at++]!); }, 200);
      res.on('close', () => { clearInterval(timer); if (at < body.length) closedEarly++; });
    });
    server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails the first fetch with ERR_HTTP_TIMEOUT within its deadline, closes the connection, and recovers', async () => {
    const started = Date.now();
    const error = await remoteJwks(url, { connectTimeoutMs: 300, readTimeoutMs: 600, retryBackoffMs: 50, retryBackoffMaxMs: 50 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_HTTP_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(5000);
    for (let i = 0; i < 50 && closedEarly === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(closedEarly).toBeGreaterThanOrEqual(1);
    drip = false;
    const jwks = await remoteJwks(url, { connectTimeoutMs: 300, readTimeoutMs: 600 });
    expect(jwks.keysFor('ES256', 'k1', Date.now())).toHaveLength(1);
  }, 10_000);
});
