import { describe, expect, it } from 'vitest';
import { TokenHolder, driveTokenHolder } from '../../src/kafka/holder.js';
import { RELOGIN_RETRY_DELAY_MS } from '../../src/kafka/refresh.js';
import type { BearerToken } from '../../src/token.js';

const T0 = 1_700_000_000_000;
const token = (principal: string, lifetimeMs: number, startTimeMs: number | null = null): BearerToken =>
  ({ value: `v-${principal}`, principal, scope: [], lifetimeMs, startTimeMs });
const state = (message: string) => expect.objectContaining({ code: 'ERR_USAGE_STATE', message });
const fetching = (): TokenHolder => {
  const h = new TokenHolder();
  h.start();
  return h;
};

describe('TokenHolder: events out of order name the event and the state', () => {
  it('each event', () => {
    const h = new TokenHolder();
    expect(() => h.tokenReceived(token('a', T0), T0, 0)).toThrow(state('TokenHolder.tokenReceived is not allowed in state idle'));
    expect(() => h.fetchFailed(new Error('x'), T0)).toThrow(state('TokenHolder.fetchFailed is not allowed in state idle'));
    expect(() => h.wake(T0)).toThrow(state('TokenHolder.wake is not allowed in state idle'));
    h.start();
    expect(() => h.start()).toThrow(state('TokenHolder.start is not allowed in state fetching'));
    expect(() => h.wake(T0)).toThrow(state('TokenHolder.wake is not allowed in state fetching'));
    expect(h.stop()).toEqual({ action: 'stop' });
    expect(() => h.wake(T0)).toThrow(state('TokenHolder.wake is not allowed in state stopped'));
  });
  it('a draw outside [0, 1) is refused', () => {
    for (const draw of [-0.1, 1, Number.NaN]) {
      expect(() => fetching().tokenReceived(token('a', T0 + 3_600_000), T0, draw)).toThrow(expect.objectContaining({
        code: 'ERR_USAGE_ARGUMENT', message: 'tokenReceived needs a uniform draw in [0, 1)',
      }));
    }
    expect(fetching().tokenReceived(token('a', T0 + 3_600_000, T0), T0, 0)).toEqual({ action: 'wake', atMs: T0 + 2_880_000 });
  });
});

describe('TokenHolder: which token it keeps, at the expiry boundaries', () => {
  const withCurrent = (lifetimeMs: number): TokenHolder => {
    const h = fetching();
    h.tokenReceived(token('current', lifetimeMs), T0 - 1000, 0);
    h.wake(Number.MAX_SAFE_INTEGER);
    return h;
  };
  it('a new token expiring exactly now is taken (it is not yet expired)', () => {
    const h = withCurrent(T0 + 3_600_000);
    h.tokenReceived(token('new', T0), T0, 0);
    expect(h.token?.principal).toBe('new');
    expect(h.snapshot().rejectedTokens).toBe(0);
  });
  it('an expired new token is refused while the current one expires exactly now (still valid)', () => {
    const h = withCurrent(T0);
    expect(h.tokenReceived(token('new', T0 - 1), T0, 0)).toEqual({ action: 'wake', atMs: T0 + RELOGIN_RETRY_DELAY_MS });
    expect(h.token?.principal).toBe('current');
    expect(h.snapshot().rejectedTokens).toBe(1);
  });
  it('an expired new token replaces an expired current one', () => {
    const h = withCurrent(T0 - 500);
    h.tokenReceived(token('new', T0 - 1), T0, 0);
    expect(h.token?.principal).toBe('new');
  });
});

describe('TokenHolder: wake-up times', () => {
  it('an expired first token is retried in 10 s, also at time 0', () => {
    expect(fetching().tokenReceived(token('a', -1), 0, 0)).toEqual({ action: 'wake', atMs: RELOGIN_RETRY_DELAY_MS });
    expect(fetching().tokenReceived(token('a', T0 - 1), T0, 0)).toEqual({ action: 'wake', atMs: T0 + RELOGIN_RETRY_DELAY_MS });
  });
  it('a refresh time in the past (a window factor below Kafka\'s range) waits 10 s (KAFKA-7945)', () => {
    const h = new TokenHolder({ windowFactor: -1, windowJitter: 0, minPeriodSeconds: 10, bufferSeconds: 0 });
    h.start();
    expect(h.tokenReceived(token('a', T0 + 1000), T0, 0)).toEqual({ action: 'wake', atMs: T0 + RELOGIN_RETRY_DELAY_MS });
  });
  it('immediate refreshes alternate with 10 s waits; a scheduled refresh resets the alternation', () => {
    const h = fetching();
    let now = T0;
    const next = (lifetimeMs: number): number => {
      const a = h.tokenReceived(token('a', lifetimeMs, now), now, 0);
      if (a.action !== 'wake') throw new Error('expected wake');
      h.wake(a.atMs);
      const at = a.atMs;
      now = at;
      return at;
    };
    expect(next(now)).toBe(T0); // expires now: refresh at once
    expect(next(now)).toBe(T0 + RELOGIN_RETRY_DELAY_MS); // again: wait 10 s instead of a busy loop
    const t1 = now;
    expect(next(now)).toBe(t1); // after the wait, at once again
    const t2 = now;
    expect(next(now + 3_600_000)).toBe(t2 + 2_880_000); // a normal schedule
    const t3 = now;
    expect(next(now)).toBe(t3); // resets: at once
  });
});

describe('TokenHolder: snapshot and errors', () => {
  it('before any token: no principal, no expiry', () => {
    expect(new TokenHolder().snapshot()).toEqual({
      state: 'idle', principal: null, expiresAtMs: null, nextWakeMs: null, lastError: null, fetches: 0, failures: 0, rejectedTokens: 0,
    });
  });
  it('a provider error keeps its message; a thrown non-Error gets a generic one', () => {
    const h = fetching();
    h.fetchFailed(new Error('connection refused'), T0);
    expect(h.snapshot().lastError).toEqual({ code: 'ERR_TOKEN_PROVIDER', message: 'connection refused' });
    h.wake(T0 + RELOGIN_RETRY_DELAY_MS);
    h.fetchFailed('nope', T0 + RELOGIN_RETRY_DELAY_MS);
    expect(h.snapshot().lastError).toEqual({ code: 'ERR_TOKEN_PROVIDER', message: 'token provider failed' });
  });
});

describe('driveTokenHolder edge cases', () => {
  const ports = (over: Partial<Parameters<typeof driveTokenHolder>[1]>): Parameters<typeof driveTokenHolder>[1] => ({
    provider: async () => token('a', T0 + 3_600_000, T0), clock: { nowMs: () => T0 }, random: () => 0, sleep: async () => {}, ...over,
  });
  it('runs without a signal until a port fails', async () => {
    const holder = new TokenHolder();
    await expect(driveTokenHolder(holder, ports({ sleep: async () => { throw new Error('sleep broke'); } }))).rejects.toThrow('sleep broke');
    expect(holder.token?.principal).toBe('a');
  });
  it('an abort during the sleep stops without another fetch', async () => {
    const holder = new TokenHolder();
    const controller = new AbortController();
    await driveTokenHolder(holder, ports({ sleep: async () => controller.abort() }), controller.signal);
    expect(holder.snapshot()).toMatchObject({ state: 'stopped', fetches: 1 });
  });
  it('a clock set back during the sleep still fetches at the wake-up time', async () => {
    const holder = new TokenHolder();
    const controller = new AbortController();
    let calls = 0;
    let sleeps = 0;
    await driveTokenHolder(holder, ports({
      clock: { nowMs: () => T0 }, // never advances: as if set back by each sleep's length
      provider: async () => {
        calls++;
        return token('a', T0 + 3_600_000, T0);
      },
      sleep: async () => {
        if (++sleeps === 3) controller.abort();
      },
    }), controller.signal);
    expect(calls).toBe(3);
  });
});
