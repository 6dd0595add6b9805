// The JWKS refresh machine on a simulated clock (quinn-style: time is an argument): Kafka's refresh period, Retry
// backoff (doubling, capped by the total budget), per-kid expedited refresh once per 60 s, kids over 1000
// characters ignored, LRU of 16 missing kids, and our global floor, as a property over random event sequences.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import { JwksCache, staticKeySource } from '../../src/jose/jwks.js';
import { parseJwks } from '../../src/jose/jwk.js';
import type { Jwk } from '../../src/ports.js';
import { testKey } from './ports.js';

const k1 = { ...testKey('ES256').publicJwk, kid: 'k1' };
const set1 = parseJwks({ keys: [k1] });

function started(cache: JwksCache, now: number): JwksCache {
  expect(cache.poll(now)).toEqual({ type: 'fetch' });
  cache.fetched(set1, now);
  return cache;
}

describe('JwksCache', () => {
  it('fetches first, then waits refreshMs (Kafka sasl.oauthbearer.jwks.endpoint.refresh.ms)', () => {
    const cache = started(new JwksCache({ refreshMs: 3_600_000 }), 0);
    expect(cache.poll(1)).toEqual({ type: 'wait', untilMs: 3_600_000 });
    expect(cache.poll(3_600_000)).toEqual({ type: 'fetch' });
    expect(cache.poll(3_600_001)).toEqual({ type: 'busy' });
    expect(cache.select('ES256', 'k1', 0).keys).toHaveLength(1);
  });

  it('retries with Kafka Retry: sleeps 100, 200, 400 ... each capped by what is left of the 10 000 ms budget', () => {
    const cache = started(new JwksCache(), 0);
    let now = 3_600_000;
    expect(cache.poll(now).type).toBe('fetch');
    const sleeps: number[] = [];
    for (;;) {
      const retry = cache.fetchFailed(new Error('down'), now);
      if (retry === null) break;
      sleeps.push(retry.retryAtMs - now);
      now = retry.retryAtMs;
      expect(cache.poll(now - 1)).toEqual({ type: 'wait', untilMs: now });
      expect(cache.poll(now).type).toBe('fetch');
    }
    expect(sleeps).toEqual([100, 200, 400, 800, 1600, 3200, 3700]);
    // The last good set is kept and the next regular refresh is scheduled.
    expect(cache.select('ES256', 'k1', now).keys).toHaveLength(1);
    expect(cache.poll(now)).toEqual({ type: 'wait', untilMs: now + 3_600_000 });
  });

  it('an unknown kid asks once per kid per 60 s; kids over 1000 characters never ask', () => {
    const cache = started(new JwksCache({ expeditedIntervalMs: 0 }), 0);
    expect(cache.select('ES256', 'new', 1000)).toEqual({ keys: [], refresh: true });
    expect(cache.poll(1000).type).toBe('fetch');
    cache.fetched(set1, 1000);
    expect(cache.select('ES256', 'new', 30_000).refresh).toBe(false);
    expect(cache.select('ES256', 'new', 61_000).refresh).toBe(true);
    expect(cache.select('ES256', 'x'.repeat(1001), 61_000).refresh).toBe(false);
    expect(cache.select('ES256', 'x'.repeat(1000), 61_000).refresh).toBe(true);
    expect(cache.select('ES256', undefined, 61_000).refresh).toBe(false);
  });

  it('remembers 16 missing kids (LRU): the 17th pushes out the oldest, which may then ask again', () => {
    const cache = started(new JwksCache(), 0);
    for (let i = 0; i < 17; i++) cache.select('ES256', `kid${i}`, 1000);
    expect(cache.select('ES256', 'kid16', 1000).refresh).toBe(false);
    expect(cache.select('ES256', 'kid0', 1000).refresh).toBe(true);
  });

  it('global floor: 1000 distinct bogus kids cause one fetch now and one deferred fetch at the window end', () => {
    const cache = started(new JwksCache({ expeditedIntervalMs: 10_000 }), 0);
    let fetches = 0;
    for (let i = 0; i < 1000; i++) {
      cache.select('ES256', `bogus${i}`, 100_000);
      if (cache.poll(100_000).type === 'fetch') fetches++;
      if (i === 500) cache.fetched(set1, 100_000);
    }
    expect(fetches).toBe(1);
    expect(cache.poll(105_000)).toEqual({ type: 'wait', untilMs: 110_000 });
    expect(cache.poll(110_000)).toEqual({ type: 'fetch' });
  });

  it('refuses misuse', () => {
    expect(() => new JwksCache({ refreshMs: 0 })).toThrow(OAuthBearerError);
    expect(() => new JwksCache({ retryBackoffMs: -1 })).toThrow(OAuthBearerError);
    expect(() => new JwksCache().fetched(set1, 0)).toThrow(OAuthBearerError);
    expect(() => new JwksCache().fetchFailed(new Error(), 0)).toThrow(OAuthBearerError);
  });

  it('property: fetches never overlap and stay within 1 + T/floor + T/refresh + retries for any event sequence (numRuns 1000)', () => {
    const event = fc.oneof(
      fc.record({ type: fc.constant('select' as const), kid: fc.oneof(fc.constant('k1'), fc.string({ maxLength: 3 }), fc.constant(undefined)) }),
      fc.record({ type: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 20_000 }) }),
      fc.record({ type: fc.constant('complete' as const), ok: fc.boolean() }),
    );
    fc.assert(fc.property(fc.array(event, { maxLength: 200 }), fc.integer({ min: 1000, max: 50_000 }), (events, refreshMs) => {
      const floor = 10_000;
      const cache = new JwksCache({ refreshMs, expeditedIntervalMs: floor, retryBackoffMs: 100, retryBackoffMaxMs: 1000 });
      let now = 0;
      let inFlight = false;
      let starts = 0;
      let failures = 0;
      for (const e of events) {
        if (e.type === 'advance') now += e.ms;
        else if (e.type === 'select') cache.select('ES256', e.kid, now);
        else if (inFlight) {
          inFlight = false;
          if (e.ok) cache.fetched(set1, now);
          else {
            failures++;
            cache.fetchFailed(new Error('x'), now);
          }
        }
        const action = cache.poll(now);
        if (action.type === 'fetch') {
          expect(inFlight).toBe(false);
          inFlight = true;
          starts++;
        } else {
          expect(action.type === 'busy').toBe(inFlight);
        }
      }
      expect(starts).toBeLessThanOrEqual(1 + Math.floor(now / floor) + Math.floor(now / refreshMs) + failures + 1);
    }), { numRuns: 1000 });
  });
});

describe('staticKeySource', () => {
  it('selects by kid and alg, drops private members and unknown key types (RFC 7517 §5)', () => {
    const ed = testKey('EdDSA');
    const source = staticKeySource({ keys: [{ ...ed.privateJwk, kid: 'e' }, { kty: 'oct', k: 'AA' }, { kty: 'weird' }, 5] });
    const found = source.keysFor('EdDSA', 'e', 0) as Jwk[];
    expect(found).toHaveLength(1);
    const key = found[0]!;
    expect(key).toMatchObject({ kid: 'e', x: ed.publicJwk.x });
    expect(key.d).toBeUndefined();
    expect(source.keysFor('ES256', 'e', 0)).toEqual([]);
    expect(source.hasKey(key)).toBe(true);
    expect(() => staticKeySource('{"keys":1}')).toThrow(OAuthBearerError);
    expect(() => staticKeySource('nope')).toThrow(OAuthBearerError);
  });
});
