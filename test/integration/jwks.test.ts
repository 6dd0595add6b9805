// JWKS rotation through the HttpPort (global fetch) against a real node:http server on 127.0.0.1 started by this
// test: keys rotate; an unknown kid triggers one refresh; a burst of 1,000 bogus kids costs one fetch (the global
// floor), the server's own count says so; an outage (HTTP 500, then the server stopped) keeps the last good keys;
// a key that leaves the set takes its cached tokens with it. The clock is simulated, the network is not.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import type { Jwk } from '../../src/ports.js';
import { createRemoteJwks, type RemoteJwks } from '../../src/jose/jwks.js';
import { createJwtValidator } from '../../src/jose/validator.js';
import { nodeCryptoPort } from '../../src/node/crypto.js';
import { remoteJwks } from '../../src/node/jwks.js';
import { signJwt, testKey } from '../jose/ports.js';

const k1 = testKey('ES256', 'k1');
const k2 = testKey('ES256', 'k2');
const pub = (key: typeof k1, kid: string): Jwk => ({ ...key.publicJwk, kid });

let served: { keys: Jwk[] } = { keys: [pub(k1, 'k1')] };
let mode: 'ok' | 'error' = 'ok';
let requests = 0;
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    if (mode === 'error') {
      res.writeHead(500).end('{"error":"down"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
});
afterAll(() => new Promise<void>((resolve) => {
  if (!server.listening) return resolve();
  server.close(() => resolve());
  server.closeAllConnections();
}));

describe('remote JWKS against a real HTTP server', () => {
  let now = 1_700_000_000_000;
  const clock = { nowMs: () => now };
  let jwks: RemoteJwks;
  const claims = () => ({ sub: 'alice', iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 86_400 });
  let validate: ReturnType<typeof createJwtValidator>;
  const ctx = () => ({ nowMs: now });

  beforeAll(() => {
    jwks = createRemoteJwks({ url, http: (r) => fetch(r), clock, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))), retryBackoffMs: 10, retryBackoffMaxMs: 200 });
    validate = createJwtValidator({ keys: jwks, crypto: nodeCryptoPort });
  });

  it('fetches on first use and validates', async () => {
    const result = await validate(signJwt(k1, claims(), { kid: 'k1' }), ctx());
    expect(result.principal).toBe('alice');
    expect(requests).toBe(1);
  });

  it('rotation: a token with a new kid triggers exactly one refresh and validates', async () => {
    served = { keys: [pub(k1, 'k1'), pub(k2, 'k2')] };
    const before = requests;
    const result = await validate(signJwt(k2, claims(), { kid: 'k2' }), ctx());
    expect(result.principal).toBe('alice');
    expect(requests - before).toBe(1);
    // A repeat of an unknown kid within 60 s does not fetch again.
    const again = requests;
    await expect(Promise.resolve().then(() => validate(signJwt(k2, claims(), { kid: 'nope' }), ctx()))).rejects.toMatchObject({ status: 'invalid_token' });
    now += 11_000;
    await expect(Promise.resolve().then(() => validate(signJwt(k2, { ...claims(), jti: 'x' }, { kid: 'nope' }), ctx()))).rejects.toMatchObject({ status: 'invalid_token' });
    expect(requests - again).toBeLessThanOrEqual(1);
  });

  it('a burst of 1,000 bogus kids causes one fetch (server count), then one deferred fetch after the floor', async () => {
    now += 61_000;
    const before = requests;
    const tokens = Array.from({ length: 1000 }, (_, i) => signJwt(k2, claims(), { kid: `bogus-${i}` }));
    const outcomes = await Promise.allSettled(tokens.map((t) => Promise.resolve().then(() => validate(t, ctx()))));
    expect(outcomes.every((o) => o.status === 'rejected' && (o.reason as OAuthBearerError).status === 'invalid_token')).toBe(true);
    expect(requests - before).toBe(1);
    // Still inside the floor: valid tokens keep working without any fetch.
    await validate(signJwt(k1, claims(), { kid: 'k1' }), ctx());
    expect(requests - before).toBe(1);
    now += 10_000;
    await validate(signJwt(k1, { ...claims(), jti: 'y' }, { kid: 'k1' }), ctx());
    await jwks.refresh();
    expect(requests - before).toBe(2);
  });

  it('an outage (HTTP 500, then the server stopped) keeps the last good keys', async () => {
    mode = 'error';
    now += 3_600_001;
    const before = requests;
    const token = signJwt(k1, claims(), { kid: 'k1' });
    expect((await validate(token, ctx())).principal).toBe('alice'); // answered from the kept keys
    await jwks.refresh(); // let the background refresh and its retries finish
    expect(requests - before).toBeGreaterThan(1); // retried within the budget
    expect(jwks.cache.hasKeys).toBe(true);
    expect((await validate(signJwt(k2, claims(), { kid: 'k2' }), ctx())).principal).toBe('alice');

    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    now += 3_600_001;
    await validate(signJwt(k1, { ...claims(), jti: 'z' }, { kid: 'k1' }), ctx());
    await jwks.refresh();
    expect(jwks.cache.lastError).toBeInstanceOf(OAuthBearerError);
    expect((await validate(signJwt(k1, { ...claims(), jti: 'w' }, { kid: 'k1' }), ctx())).principal).toBe('alice');
  });
});

describe('a key leaving the JWKS', () => {
  it('takes its cached tokens with it after the next refresh', async () => {
    let keys: Jwk[] = [pub(k1, 'k1'), pub(k2, 'k2')];
    let count = 0;
    const local = createServer((_req, res) => {
      count++;
      res.writeHead(200).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
    try {
      let now = 1_700_000_000_000;
      const source = await remoteJwks(`http://127.0.0.1:${(local.address() as AddressInfo).port}/`, { refreshMs: 60_000 });
      const jwks = createRemoteJwks({ url: `http://127.0.0.1:${(local.address() as AddressInfo).port}/`, http: (r) => fetch(r), clock: { nowMs: () => now }, sleep: async () => {} , refreshMs: 60_000 });
      await jwks.refresh();
      expect(source.cache.hasKeys).toBe(true);
      const validate = createJwtValidator({ keys: jwks, crypto: nodeCryptoPort });
      const token = signJwt(k1, { sub: 'bob', iat: now / 1000, exp: now / 1000 + 3600 }, { kid: 'k1' });
      expect((await validate(token, { nowMs: now })).principal).toBe('bob');
      keys = [pub(k2, 'k2')];
      now += 60_000;
      // A cache hit still answers, and starts the due refresh in the background (stale while refreshing).
      expect((await validate(token, { nowMs: now })).principal).toBe('bob');
      await jwks.refresh();
      await expect(Promise.resolve().then(() => validate(token, { nowMs: now }))).rejects.toMatchObject({ code: 'ERR_JWKS_NO_KEY', status: 'invalid_token' });
      // remoteJwks' first fetch, ours, the background refresh, and one expedited refresh for the now-unknown kid.
      expect(count).toBe(4);
    } finally {
      const closed = new Promise<void>((resolve) => local.close(() => resolve()));
      local.closeAllConnections();
      await closed;
    }
  });

  it('remoteJwks throws when the first fetch fails', async () => {
    await expect(remoteJwks('http://127.0.0.1:1/jwks', { retryBackoffMs: 5, retryBackoffMaxMs: 20 })).rejects.toBeInstanceOf(OAuthBearerError);
  });
});

describe('jwksFile (Kafka file: JWKS URL)', () => {
  it('reads a JWKS file by path or file: URL once, and refuses missing, oversized or malformed files', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { pathToFileURL } = await import('node:url');
    const { jwksFile } = await import('../../src/node/jwks.js');
    const dir = await mkdtemp(join(tmpdir(), 'jwks-'));
    try {
      const path = join(dir, 'jwks.json');
      await writeFile(path, JSON.stringify({ keys: [pub(k1, 'k1')] }));
      for (const where of [path, pathToFileURL(path).href]) {
        const validate = createJwtValidator({ keys: await jwksFile(where), crypto: nodeCryptoPort });
        expect((await validate(signJwt(k1, { sub: 'f', iat: 1, exp: 4_000_000_000 }, { kid: 'k1' }), { nowMs: 2000 })).principal).toBe('f');
      }
      await expect(jwksFile(join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'ERR_FILE' });
      await writeFile(join(dir, 'big.json'), 'x'.repeat(600 * 1024));
      await expect(jwksFile(join(dir, 'big.json'))).rejects.toMatchObject({ code: 'ERR_FILE' });
      await writeFile(join(dir, 'bad.json'), '{"keys":');
      await expect(jwksFile(join(dir, 'bad.json'))).rejects.toMatchObject({ code: 'ERR_JWKS' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
