// Issue 12 item 8: the wall clock jumping back and forward under the token holder's driver and the JWKS key
// source. Fake time (test/faults/fake-time.ts): timers run on a monotonic timeline, the wall clock jumps without
// moving it. Nothing hangs, nothing busy-loops (wake-ups are counted), the last good token and keys are kept,
// each failure is reported once with its reason, and a jump does not defer a refresh by its size.
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import { TokenHolder, driveTokenHolder, type HolderSnapshot } from '../../src/kafka/holder.js';
import { createRemoteJwks } from '../../src/jose/jwks.js';
import type { Jwk } from '../../src/ports.js';
import type { BearerToken } from '../../src/token.js';
import { testKey } from '../jose/ports.js';
import { fakeTime, never } from './fake-time.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('token holder under clock jumps', () => {
  it('keeps its token, reports each failure once, and neither loops nor waits out a jump', async () => {
    const time = fakeTime();
    let failing = false;
    let issued = 0;
    const provider = async (): Promise<BearerToken> => {
      if (failing) throw new OAuthBearerError('ERR_HTTP_TIMEOUT', 'The token endpoint request timed out');
      issued++;
      const now = time.clock.nowMs();
      return { value: `t${issued}`, principal: 'alice', scope: [], lifetimeMs: now + HOUR, startTimeMs: now };
    };
    const holder = new TokenHolder();
    const snapshots: HolderSnapshot[] = [];
    const controller = new AbortController();
    const done = driveTokenHolder(holder, { provider, clock: time.clock, random: () => 0.5, sleep: time.sleep, onFetched: (s) => snapshots.push(s) }, controller.signal);
    await time.advance(0);
    expect(holder.token?.value).toBe('t1');
    const firstWake = holder.snapshot().nextWakeMs! - time.clock.nowMs();
    expect(firstWake).toBeGreaterThan(0.75 * HOUR);
    // The wall clock goes back a day while the driver sleeps: the refresh still comes on time (monotonic).
    time.jump(-DAY);
    await time.advance(firstWake);
    expect(holder.token?.value).toBe('t2');
    expect(time.wakeups).toBe(1);
    // Forward a day, and the endpoint fails: the refresh fires at its time, the failure is reported once with its
    // reason, retried every 10 s (one wake-up each), and the last token stays.
    time.jump(DAY);
    failing = true;
    const wakeupsBefore = time.wakeups;
    const reportsBefore = snapshots.length;
    await time.advance(HOUR);
    const failures = snapshots.slice(reportsBefore);
    expect(failures.length).toBeGreaterThanOrEqual(1);
    expect(failures.every((s, i) => s.lastError?.code === 'ERR_HTTP_TIMEOUT' && s.failures === i + 1)).toBe(true);
    // ~one wake-up per 10 s retry: a busy loop would make thousands in an hour of fake time.
    expect(time.wakeups - wakeupsBefore).toBeLessThanOrEqual(failures.length + 2);
    expect(holder.token?.value).toBe('t2');
    failing = false;
    await time.advance(10_000);
    expect(holder.token?.value).toBe('t3');
    controller.abort();
    await time.advance(HOUR);
    await done;
  });
});

describe('JWKS key source under clock jumps', () => {
  const k1: Jwk = { ...testKey('ES256', 'k1').publicJwk, kid: 'k1' };
  const k2: Jwk = { ...testKey('ES256', 'k2').publicJwk, kid: 'k2' };

  it('a clock set back does not defer the next refresh by the jump; forward, one refresh, not a burst', async () => {
    const time = fakeTime();
    let served = [k1];
    let fetches = 0;
    const jwks = createRemoteJwks({
      url: 'https://idp.example/jwks', clock: time.clock, sleep: time.sleep, timeout: time.timeout, refreshMs: HOUR,
      http: async () => { fetches++; return new Response(JSON.stringify({ keys: served })); },
    });
    await jwks.refresh();
    time.jump(-DAY);
    await time.advance(HOUR);
    served = [k2];
    // The source has no timer of its own: the first lookup after the jump re-anchors the schedule, so the refresh
    // comes at most one period later (two after the last fetch), not a day later; the old key answers meanwhile.
    expect(jwks.keysFor('ES256', 'k1', time.clock.nowMs())).toHaveLength(1);
    await time.advance(HOUR);
    expect(jwks.keysFor('ES256', 'k1', time.clock.nowMs())).toHaveLength(1);
    await time.advance(0);
    expect(fetches).toBe(2);
    expect(jwks.keysFor('ES256', 'k2', time.clock.nowMs())).toHaveLength(1);
    time.jump(DAY * 2);
    for (let i = 0; i < 100; i++) jwks.keysFor('ES256', 'k2', time.clock.nowMs());
    await time.advance(0);
    expect(fetches).toBe(3);
  });

  it('a failing fetch under a clock set back mid-retry keeps its budget: waits sum to at most retry.backoff.max.ms', async () => {
    const time = fakeTime();
    let failing = false;
    const failures: unknown[] = [];
    const jwks = createRemoteJwks({
      url: 'https://idp.example/jwks', clock: time.clock, sleep: time.sleep, timeout: time.timeout, refreshMs: HOUR,
      connectTimeoutMs: 1000, readTimeoutMs: 1000,
      onFetchFailed: (e) => {
        failures.push(e);
        if (failures.length === 2) time.jump(-HOUR); // the wall clock goes back during the run
      },
      http: async () => (failing ? never<Response>() : new Response(JSON.stringify({ keys: [k1] }))),
    });
    await jwks.refresh();
    failing = true;
    await time.advance(HOUR);
    const run = jwks.refresh();
    await time.advance(60_000);
    await run;
    expect(jwks.cache.busy).toBe(false);
    // Kafka's schedule from 100 ms, capped by the 10 s budget; each failure (a timed-out attempt) reported once.
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_000);
    expect(failures.length).toBe(time.sleeps.length + 1);
    expect(failures.every((e) => (e as OAuthBearerError).code === 'ERR_HTTP_TIMEOUT')).toBe(true);
    expect(jwks.keysFor('ES256', 'k1', time.clock.nowMs())).toHaveLength(1);
  });
});
