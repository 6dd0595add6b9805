// The remote key source to the edge: JwksCache's settings, the expedited-refresh limits at their boundaries (per
// kid, the LRU size, the global floor from the first fetch, a wall clock set back), the retry budget when the
// clock does not move, and the schedule without keys; createRemoteJwks' errors (their code, message and cause),
// the Accept header, the deadline released after each attempt, concurrent lookups sharing one fetch, hasKey,
// refreshIfDue, onFetchFailed, and lookups that must not wait.
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import { createRemoteJwks, JwksCache, readBoundedText, type RemoteJwksOptions } from '../../src/jose/jwks.js';
import { parseJwks } from '../../src/jose/jwk.js';
import type { Jwk } from '../../src/ports.js';
import { fakeTime, never, settle } from '../faults/fake-time.js';
import { testKey } from './ports.js';
import { caught } from '../helpers.js';

const k1: Jwk = { ...testKey('ES256', 'k1').publicJwk, kid: 'k1' };
const k2: Jwk = { ...testKey('ES256', 'k2').publicJwk, kid: 'k2' };
const set1 = parseJwks({ keys: [k1] });
const jwksResponse = (...keys: Jwk[]) => new Response(JSON.stringify({ keys }), { status: 200 });

function started(cache: JwksCache, now: number): JwksCache {
  expect(cache.poll(now)).toEqual({ type: 'fetch' });
  cache.fetched(set1, now);
  return cache;
}

const thrown = caught;

describe('JwksCache settings', () => {
  it('refuses a zero refreshMs, a negative or non-number setting, naming it and what it must be', () => {
    const zero = thrown(() => new JwksCache({ refreshMs: 0 }));
    expect([zero.code, zero.message]).toEqual(['ERR_USAGE_ARGUMENT', 'The JWKS setting refreshMs must be a positive number']);
    const negative = thrown(() => new JwksCache({ retryBackoffMs: -1 }));
    expect([negative.code, negative.message]).toEqual(['ERR_USAGE_ARGUMENT', 'The JWKS setting retryBackoffMs must be a non-negative number']);
    const text = thrown(() => new JwksCache({ maxMissingKids: '16' as unknown as number }));
    expect(text.message).toBe('The JWKS setting maxMissingKids must be a non-negative number');
    expect(() => new JwksCache({ missingKidIntervalMs: 0, expeditedIntervalMs: 0, retryBackoffMs: 0 })).not.toThrow();
  });

  it('names misuse of fetched and fetchFailed', () => {
    const fetched = thrown(() => new JwksCache().fetched(set1, 0));
    expect([fetched.code, fetched.message]).toEqual(['ERR_USAGE_STATE', 'JwksCache.fetched called with no fetch under way']);
    const e = thrown(() => new JwksCache().fetchFailed(new Error(), 0));
    expect([e.code, e.message]).toEqual(['ERR_USAGE_STATE', 'JwksCache.fetchFailed called with no fetch under way']);
  });
});

describe('JwksCache expedited refresh', () => {
  it('before the first key set, a lookup asks for nothing more (the first fetch is due anyway)', () => {
    expect(new JwksCache().select('ES256', 'k1', 0)).toEqual({ keys: [], refresh: false });
  });

  it('a JWS without kid that no key fits asks for nothing', () => {
    const cache = started(new JwksCache(), 0);
    expect(cache.select('RS256', undefined, 1000)).toEqual({ keys: [], refresh: false });
  });

  it('the first unknown kid after the initial fetch is fetched at once: the initial fetch is not an expedited one', () => {
    const cache = started(new JwksCache({ expeditedIntervalMs: 10_000 }), 0);
    expect(cache.select('ES256', 'new', 1000).refresh).toBe(true);
    expect(cache.poll(1000)).toEqual({ type: 'fetch' });
    cache.fetched(set1, 1000);
    // The miss was served: next comes the regular refresh, not another expedited fetch at the floor's end.
    expect(cache.poll(1000)).toEqual({ type: 'wait', untilMs: 1000 + 3_600_000 });
  });

  it('a regular refresh does not start the floor: a kid missing right after it is fetched at once', () => {
    const cache = started(new JwksCache({ refreshMs: 60_000, expeditedIntervalMs: 10_000 }), 0);
    expect(cache.poll(60_000)).toEqual({ type: 'fetch' });
    cache.fetched(set1, 60_000);
    expect(cache.select('ES256', 'new', 61_000).refresh).toBe(true);
    expect(cache.poll(61_000)).toEqual({ type: 'fetch' });
  });

  it('per kid: asks again exactly missingKidIntervalMs after the last ask, measured from that ask', () => {
    const cache = started(new JwksCache({ expeditedIntervalMs: 0 }), 0);
    expect(cache.select('ES256', 'new', 100_000).refresh).toBe(true);
    expect(cache.select('ES256', 'new', 110_000).refresh).toBe(false);
    expect(cache.select('ES256', 'new', 159_999).refresh).toBe(false);
    expect(cache.select('ES256', 'new', 160_000).refresh).toBe(true);
  });

  it('with missingKidIntervalMs 0 a kid may ask every time, even twice in the same millisecond', () => {
    const cache = started(new JwksCache({ missingKidIntervalMs: 0, expeditedIntervalMs: 0 }), 0);
    expect(cache.select('ES256', 'new', 5000).refresh).toBe(true);
    expect(cache.select('ES256', 'new', 5000).refresh).toBe(true);
  });

  it('a wall clock set back counts the miss as made at the new time', () => {
    const cache = started(new JwksCache({ expeditedIntervalMs: 0 }), 0);
    expect(cache.select('ES256', 'new', 100_000).refresh).toBe(true);
    expect(cache.select('ES256', 'new', 50_000).refresh).toBe(false);
    expect(cache.select('ES256', 'new', 109_999).refresh).toBe(false);
    expect(cache.select('ES256', 'new', 110_000).refresh).toBe(true);
  });

  it('remembers exactly maxMissingKids kids: with 16 missing, the first is still remembered', () => {
    const cache = started(new JwksCache(), 0);
    for (let i = 0; i < 16; i++) expect(cache.select('ES256', `kid${i}`, 1000).refresh).toBe(true);
    expect(cache.select('ES256', 'kid0', 1000).refresh).toBe(false);
  });
});

describe('JwksCache retries', () => {
  it('with a clock that does not move, the waits granted still add up to retryBackoffMaxMs', () => {
    const cache = new JwksCache();
    expect(cache.poll(0).type).toBe('fetch');
    const waits: number[] = [];
    for (let i = 0; i < 20; i++) {
      const retry = cache.fetchFailed(new Error('down'), 0);
      if (retry === null) break;
      waits.push(retry.retryAtMs);
      expect(cache.poll(retry.retryAtMs).type).toBe('fetch');
    }
    expect(waits).toEqual([100, 200, 400, 800, 1600, 3200, 3700]);
  });

  it('without any keys, a spent budget tries again after the floor, not a whole refresh period', () => {
    const cache = new JwksCache({ retryBackoffMaxMs: 0, expeditedIntervalMs: 10_000 });
    expect(cache.poll(0).type).toBe('fetch');
    expect(cache.fetchFailed(new Error('down'), 0)).toBeNull();
    expect(cache.poll(0)).toEqual({ type: 'wait', untilMs: 10_000 });
  });
});

describe('readBoundedText', () => {
  it('names the document and the limit, with the declared size when there is one', async () => {
    const declared = new Response('x'.repeat(600), { headers: { 'content-length': '600' } });
    await expect(readBoundedText(declared, 500, 'JWKS')).rejects.toMatchObject({ code: 'ERR_INPUT_TOO_LARGE', message: 'The JWKS is 600 bytes; the limit is 500' });
    const streamed = new Response(new ReadableStream({ start(c) { c.enqueue(new Uint8Array(600)); c.close(); } }));
    await expect(readBoundedText(streamed, 500, 'JWKS')).rejects.toMatchObject({ code: 'ERR_INPUT_TOO_LARGE', message: 'The JWKS is over 500 bytes' });
  });
});

type Port = RemoteJwksOptions['http'];

function remote(http: Port, extra: Partial<RemoteJwksOptions> = {}) {
  const time = fakeTime();
  const jwks = createRemoteJwks({
    url: 'https://idp.example/jwks', clock: time.clock, sleep: time.sleep, timeout: time.timeout,
    connectTimeoutMs: 1000, readTimeoutMs: 2000, ...extra, http,
  });
  return { time, jwks };
}

describe('createRemoteJwks', () => {
  it('names a bad timeout setting', () => {
    const base = { url: 'https://idp.example/jwks', clock: { nowMs: () => 0 }, sleep: async () => undefined, http: never };
    expect(() => createRemoteJwks({ ...base, connectTimeoutMs: -1 })).toThrow(/^connectTimeoutMs must be a whole number/);
    expect(() => createRemoteJwks({ ...base, readTimeoutMs: 1.5 })).toThrow(/^readTimeoutMs must be a whole number/);
  });

  it('asks for JSON, and releases the attempt\'s deadline when it ends', async () => {
    const requests: Request[] = [];
    const { time, jwks } = remote(async (r) => { requests.push(r as Request); return jwksResponse(k1); });
    await jwks.refresh();
    expect(requests[0]!.headers.get('accept')).toBe('application/json');
    await time.advance(10_000);
    expect(requests[0]!.signal.aborted).toBe(false);
  });

  it('with the default timeout port, a first lookup waits for the first key set and gets its key', async () => {
    const jwks = createRemoteJwks({ url: 'https://idp.example/jwks', clock: { nowMs: () => 1000 }, sleep: async () => undefined, http: async () => jwksResponse(k1) });
    const keys = await jwks.keysFor('ES256', 'k1', 1000);
    expect(keys.map((k) => k.kid)).toEqual(['k1']);
    expect(jwks.hasKey(keys[0]!)).toBe(true);
    expect(jwks.hasKey({ ...keys[0]! })).toBe(false);
  });

  it('concurrent lookups before the first key set share one fetch and all get the key', async () => {
    let calls = 0;
    const { jwks } = remote(async () => { calls++; return jwksResponse(k1); });
    const [a, b, c] = await Promise.all([jwks.keysFor('ES256', 'k1', 0), jwks.keysFor('ES256', 'k1', 0), jwks.refresh()]);
    expect([(a as Jwk[]).length, (b as Jwk[]).length, c, calls]).toEqual([1, 1, undefined, 1]);
  });

  it('a second refresh() during a fetch resolves when that fetch is done', async () => {
    let release: (() => void) | undefined;
    const { jwks } = remote(() => new Promise((resolve) => { release = () => resolve(jwksResponse(k1)); }));
    const first = jwks.refresh();
    let secondDone = false;
    const second = jwks.refresh().then(() => { secondDone = true; });
    await settle();
    expect(secondDone).toBe(false);
    release!();
    await Promise.all([first, second]);
    expect(jwks.cache.hasKeys).toBe(true);
  });

  it('hasKey follows rotation: a key that left the set is no longer there', async () => {
    const answers = [jwksResponse(k1), jwksResponse(k2)];
    const { time, jwks } = remote(async () => answers.shift()!, { refreshMs: 60_000 });
    await jwks.refresh();
    const [old] = jwks.keysFor('ES256', 'k1', time.clock.nowMs()) as Jwk[];
    expect(jwks.hasKey(old!)).toBe(true);
    await time.advance(60_000);
    await jwks.refresh();
    expect(jwks.hasKey(old!)).toBe(false);
  });

  it('refreshIfDue starts a due refresh without waiting, and does nothing (nor throws) when none is due', async () => {
    let calls = 0;
    const { time, jwks } = remote(async () => { calls++; return jwksResponse(k1); }, { refreshMs: 60_000 });
    await jwks.refresh();
    expect(() => jwks.refreshIfDue!(time.clock.nowMs())).not.toThrow();
    await settle();
    expect(calls).toBe(1);
    await time.advance(60_000);
    jwks.refreshIfDue!(time.clock.nowMs());
    await settle();
    expect(calls).toBe(2);
  });

  it('a failing request is ERR_HTTP naming the cause without its text; our own errors from the port pass as they are', async () => {
    const seen: unknown[] = [];
    const own = new OAuthBearerError('ERR_HTTP', 'the port says no');
    const answers: Array<() => Promise<Response>> = [
      () => Promise.reject(new TypeError('fetch failed for https://secret.example/?token=abc')),
      () => Promise.reject(own),
    ];
    const { time, jwks } = remote(() => answers.shift()!(), { onFetchFailed: (e) => seen.push(e), retryBackoffMaxMs: 100 });
    const done = jwks.refresh();
    await time.advance(100);
    await done;
    expect(seen).toHaveLength(2);
    const first = seen[0] as OAuthBearerError;
    expect([first.code, first.message]).toEqual(['ERR_HTTP', 'Fetching the JWKS failed (TypeError); check the JWKS URL, the TLS trust and the network']);
    expect(first.cause).toBeInstanceOf(Error);
    expect((first.cause as Error).message).toBe('TypeError');
    expect(seen[1]).toBe(own);
  });

  it('an HTTP error status with no body is ERR_JWKS naming the status', async () => {
    const { jwks } = remote(async () => new Response(null, { status: 500 }), { retryBackoffMaxMs: 0 });
    await jwks.refresh();
    expect(jwks.cache.lastError).toMatchObject({ code: 'ERR_JWKS', message: 'The JWKS endpoint answered HTTP 500; expected 200' });
  });

  it('a body over the limit names the JWKS; a body whose stream fails is ERR_HTTP "Reading the JWKS failed"', async () => {
    const answers = [
      new Response('{}', { status: 200, headers: { 'content-length': String(600 * 1024) } }),
      new Response(new ReadableStream({ start(c) { c.error(new TypeError('socket hang up at 10.0.0.1')); } }), { status: 200 }),
    ];
    const seen: unknown[] = [];
    const { time, jwks } = remote(async () => answers.shift()!, { onFetchFailed: (e) => seen.push(e), retryBackoffMaxMs: 100 });
    const done = jwks.refresh();
    await time.advance(100);
    await done;
    expect(seen[0]).toMatchObject({ code: 'ERR_INPUT_TOO_LARGE', message: `The JWKS is ${600 * 1024} bytes; the limit is ${512 * 1024}` });
    const second = seen[1] as OAuthBearerError;
    expect([second.code, second.message]).toEqual(['ERR_HTTP', 'Reading the JWKS failed (TypeError)']);
    expect((second.cause as Error).message).toBe('TypeError');
  });

  it('an attempt whose limit has already passed when it starts is a timeout, whatever the port then throws', async () => {
    const { jwks } = remote(() => { throw new TypeError('port broke'); }, { timeout: () => AbortSignal.abort(), retryBackoffMaxMs: 0 });
    await jwks.refresh();
    expect(jwks.cache.lastError).toMatchObject({ code: 'ERR_HTTP_TIMEOUT' });
  });

  it('an attempt past its limit is ERR_HTTP_TIMEOUT naming the JWKS settings', async () => {
    const { time, jwks } = remote(() => never(), { retryBackoffMaxMs: 0 });
    const done = jwks.refresh();
    await time.advance(3000);
    await done;
    expect(jwks.cache.lastError).toMatchObject({
      code: 'ERR_HTTP_TIMEOUT',
      message: 'Fetching the JWKS timed out: the whole attempt (headers and body) took longer than 3000 ms; raise the JWKS connectTimeoutMs / readTimeoutMs or check the endpoint',
    });
  });

  it('a lookup that times out keeps the last failed attempt\'s reason as cause', async () => {
    const answers: Array<() => Promise<Response>> = [async () => new Response(null, { status: 503 }), () => never()];
    const { time, jwks } = remote(() => answers.shift()!());
    const lookup = Promise.resolve(jwks.keysFor('ES256', 'k1', time.clock.nowMs()));
    lookup.catch(() => undefined);
    await time.advance(3000);
    const e = await lookup.then(() => null, (error: unknown) => error as OAuthBearerError);
    expect(e).toMatchObject({ code: 'ERR_HTTP_TIMEOUT', message: 'No JWKS key set arrived within 3000 ms (connectTimeoutMs + readTimeoutMs); the fetch goes on in the background' });
    expect(e!.cause).toMatchObject({ code: 'ERR_JWKS', message: 'The JWKS endpoint answered HTTP 503; expected 200' });
  });

  it('a lookup whose wait signal is already aborted fails at once', async () => {
    const aborted = AbortSignal.abort();
    const { jwks } = remote(() => never(), { timeout: () => aborted });
    let outcome: unknown = 'pending';
    Promise.resolve(jwks.keysFor('ES256', 'k1', 0)).then(() => { outcome = 'keys'; }, (e: unknown) => { outcome = e; });
    await settle();
    expect(outcome).toMatchObject({ code: 'ERR_HTTP_TIMEOUT' });
  });

  it('with no keys after the whole budget, the lookup fails with the reason, whatever its type, kept as cause', async () => {
    const odd = new TypeError('cancel failed');
    const response = { status: 500, headers: new Headers(), body: { cancel() { throw odd; } } } as unknown as Response;
    const { jwks } = remote(async () => response, { retryBackoffMaxMs: 0 });
    const e = await Promise.resolve(jwks.keysFor('ES256', 'k1', 0)).then(() => null, (error: unknown) => error as OAuthBearerError);
    expect(e).toMatchObject({ code: 'ERR_JWKS', message: 'No JWKS key set could be fetched' });
    expect(e!.cause).toBe(odd);
  });

  it('when nothing is being fetched or no refresh is asked, a lookup answers at once, even with no key', async () => {
    const { time, jwks } = remote(async () => new Response(null, { status: 500 }), { retryBackoffMaxMs: 0, refreshMs: 60_000 });
    await jwks.refresh();
    // No keys, and the next attempt is not due until the floor: the answer is an empty list, not a promise.
    expect(jwks.keysFor('ES256', 'k1', time.clock.nowMs())).toEqual([]);
  });

  it('during a regular refresh, a lookup that asks for no expedited fetch answers from the current keys at once', async () => {
    let release: (() => void) | undefined;
    const answers: Array<() => Promise<Response>> = [
      async () => jwksResponse(k1),
      () => new Promise((resolve) => { release = () => resolve(jwksResponse(k1)); }),
    ];
    const { time, jwks } = remote(() => answers.shift()!(), { refreshMs: 60_000 });
    await jwks.refresh();
    await time.advance(60_000);
    const now = time.clock.nowMs();
    expect(jwks.keysFor('RS256', undefined, now)).toEqual([]);
    expect(jwks.cache.busy).toBe(true);
    release!();
    await settle();
  });
});
