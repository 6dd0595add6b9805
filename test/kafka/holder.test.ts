import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import { TokenHolder, driveTokenHolder, type HolderAction } from '../../src/kafka/holder.js';
import { DEFAULT_REFRESH_CONFIG, RELOGIN_RETRY_DELAY_MS, nextRefreshWakeMs } from '../../src/kafka/refresh.js';
import type { BearerToken } from '../../src/token.js';

const T0 = 1_700_000_000_000;
const token = (principal: string, startTimeMs: number | null, lifetimeMs: number): BearerToken =>
  ({ value: `v-${principal}`, principal, scope: [], lifetimeMs, startTimeMs });
const wakeAt = (a: HolderAction): number => {
  if (a.action !== 'wake') throw new Error(`expected wake, got ${a.action}`);
  return a.atMs;
};

describe('TokenHolder transitions', () => {
  it('fetches, schedules Kafka\'s refresh time, fetches again at it', () => {
    const h = new TokenHolder();
    expect(h.start()).toEqual({ action: 'fetch' });
    expect(h.state).toBe('fetching');
    const at = wakeAt(h.tokenReceived(token('a', T0, T0 + 3_600_000), T0, 0));
    expect(at).toBe(T0 + 2_880_000);
    expect(h.wake(at - 1)).toEqual({ action: 'wake', atMs: at });
    expect(h.wake(at)).toEqual({ action: 'fetch' });
    expect(h.token?.principal).toBe('a');
    const s = h.snapshot();
    expect(s).toMatchObject({ state: 'fetching', principal: 'a', expiresAtMs: T0 + 3_600_000, fetches: 2, failures: 0, nextWakeMs: null });
  });
  it('keeps the token and retries in 10 s after a failure, forever, and reports the error', () => {
    const h = new TokenHolder();
    h.start();
    h.tokenReceived(token('a', T0, T0 + 3_600_000), T0, 0);
    h.wake(T0 + 2_880_000);
    for (let i = 0; i < 3; i++) {
      const now = T0 + 2_880_000 + i * RELOGIN_RETRY_DELAY_MS;
      expect(wakeAt(h.fetchFailed(new OAuthBearerError('ERR_TOKEN_ENDPOINT', 'endpoint said 503'), now))).toBe(now + RELOGIN_RETRY_DELAY_MS);
      expect(h.token?.principal).toBe('a');
      expect(h.wake(now + RELOGIN_RETRY_DELAY_MS)).toEqual({ action: 'fetch' });
    }
    expect(h.snapshot()).toMatchObject({ failures: 3, lastError: { code: 'ERR_TOKEN_ENDPOINT' } });
  });
  it('keeps a valid token when the provider hands back an already expired one', () => {
    const h = new TokenHolder();
    h.start();
    h.tokenReceived(token('good', T0, T0 + 3_600_000), T0, 0);
    h.wake(T0 + 2_880_000);
    expect(wakeAt(h.tokenReceived(token('stale', T0 - 10, T0 - 1), T0 + 2_880_000, 0))).toBe(T0 + 2_880_000 + RELOGIN_RETRY_DELAY_MS);
    expect(h.token?.principal).toBe('good');
    expect(h.snapshot().rejectedTokens).toBe(1);
  });
  it('refuses events out of order with ERR_USAGE_STATE', () => {
    const h = new TokenHolder();
    expect(() => h.wake(T0)).toThrow(expect.objectContaining({ code: 'ERR_USAGE_STATE' }));
    h.start();
    expect(() => h.start()).toThrow(expect.objectContaining({ code: 'ERR_USAGE_STATE' }));
    expect(() => h.tokenReceived(token('a', T0, T0 + 1000), T0, 1)).toThrow(expect.objectContaining({ code: 'ERR_USAGE_ARGUMENT' }));
    h.stop();
    expect(() => h.fetchFailed(new Error('x'), T0)).toThrow(expect.objectContaining({ code: 'ERR_USAGE_STATE' }));
  });
});

type Outcome = { kind: 'fail' } | { kind: 'token'; lifeMs: number; startOffsetMs: number | null; draw: number };
const outcomeArb: fc.Arbitrary<Outcome> = fc.oneof(
  fc.constant<Outcome>({ kind: 'fail' }),
  fc.record({
    kind: fc.constant('token' as const),
    lifeMs: fc.oneof(fc.integer({ min: -5000, max: 5 }), fc.integer({ min: 0, max: 7_200_000 })),
    startOffsetMs: fc.option(fc.integer({ min: -7_200_000, max: 1000 }), { nil: null }),
    draw: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  }),
);

describe('TokenHolder regressions', () => {
  it('an expired token refused after an immediate refresh does not delay the next immediate refresh (fast-check seed 262030154)', () => {
    const h = new TokenHolder();
    h.start();
    // A token expiring now: Kafka refreshes at once.
    expect(h.tokenReceived(token('p', null, T0), T0, 0)).toEqual({ action: 'wake', atMs: T0 });
    h.wake(T0);
    // An already-expired token while the current one is still valid: kept, retried in 10 s.
    expect(h.tokenReceived(token('p', null, T0 - 1), T0, 0)).toEqual({ action: 'wake', atMs: T0 + RELOGIN_RETRY_DELAY_MS });
    const later = T0 + RELOGIN_RETRY_DELAY_MS;
    h.wake(later);
    // After that 10 s wait, an immediate refresh is Kafka's schedule again, not another 10 s.
    expect(h.tokenReceived(token('p', null, later), later, 0)).toEqual({ action: 'wake', atMs: later });
  });
});

describe('TokenHolder properties (numRuns 1000)', () => {
  it('never drops a valid token, follows Kafka\'s schedule, and never wakes at or before now twice in a row', () => {
    fc.assert(fc.property(fc.array(fc.tuple(outcomeArb, fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 40 }), (steps) => {
      const h = new TokenHolder();
      let now = T0;
      let step = h.start();
      let previousImmediate = false;
      for (const [outcome, lateMs] of steps) {
        expect(step).toEqual({ action: 'fetch' });
        const before = h.token;
        const beforeValid = before !== null && before.lifetimeMs >= now;
        if (outcome.kind === 'fail') {
          step = h.fetchFailed(new Error('down'), now);
          expect(wakeAt(step)).toBe(now + RELOGIN_RETRY_DELAY_MS);
          expect(h.token).toBe(before);
        } else {
          const t = token('p', outcome.startOffsetMs === null ? null : now + outcome.startOffsetMs, now + outcome.lifeMs);
          step = h.tokenReceived(t, now, outcome.draw);
          const at = wakeAt(step);
          const kafka = nextRefreshWakeMs({ nowMs: now, expiryMs: t.lifetimeMs, startMs: t.startTimeMs }, DEFAULT_REFRESH_CONFIG, outcome.draw, now);
          const rejected = t.lifetimeMs < now && beforeValid;
          if (rejected) expect(at).toBe(now + RELOGIN_RETRY_DELAY_MS);
          else if (kafka <= now && previousImmediate) expect(at).toBe(now + RELOGIN_RETRY_DELAY_MS);
          else expect(at).toBe(kafka);
        }
        const at = wakeAt(step);
        // Never drops a valid token.
        if (beforeValid) expect(h.token !== null && h.token.lifetimeMs >= now).toBe(true);
        // No busy loop: an immediate wake is never followed by another.
        const immediate = at <= now;
        expect(immediate && previousImmediate).toBe(false);
        previousImmediate = immediate;
        now = Math.max(now, at) + lateMs;
        step = h.wake(now);
      }
    }), { numRuns: 1000 });
  });
});

describe('driveTokenHolder (simulated clock, injected sleep)', () => {
  it('retries a failing provider every 10 s, then refreshes on schedule, and stops on abort', async () => {
    let now = T0;
    const sleeps: number[] = [];
    const controller = new AbortController();
    let calls = 0;
    const holder = new TokenHolder();
    await driveTokenHolder(holder, {
      clock: { nowMs: () => now },
      random: () => 0,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
        if (sleeps.length === 4) controller.abort();
      },
      provider: async () => {
        calls++;
        if (calls <= 2) throw new Error('unavailable');
        return token(`t${calls}`, now, now + 3_600_000);
      },
    }, controller.signal);
    expect(sleeps).toEqual([RELOGIN_RETRY_DELAY_MS, RELOGIN_RETRY_DELAY_MS, 2_880_000, 2_880_000]);
    expect(calls).toBe(4);
    expect(holder.state).toBe('stopped');
    expect(holder.token?.principal).toBe('t4');
  });
});
