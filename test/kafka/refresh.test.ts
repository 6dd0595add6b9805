import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import {
  DEFAULT_REFRESH_CONFIG, RELOGIN_RETRY_DELAY_MS, nextRefreshWakeMs, refreshAtMs, refreshConfig, type RefreshConfig,
} from '../../src/kafka/refresh.js';

// Every legal configuration (SaslConfigs ranges, inclusive).
const configArb: fc.Arbitrary<RefreshConfig> = fc.record({
  windowFactor: fc.double({ min: 0.5, max: 1.0, noNaN: true }),
  windowJitter: fc.double({ min: 0, max: 0.25, noNaN: true }),
  minPeriodSeconds: fc.integer({ min: 0, max: 900 }),
  bufferSeconds: fc.integer({ min: 0, max: 3600 }),
});
const drawArb = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const NOW = 1_700_000_000_000;
const tokenArb = fc.record({
  nowMs: fc.integer({ min: NOW, max: NOW + 10 ** 9 }),
  lifetimeMs: fc.integer({ min: -10_000, max: 2 * 86_400_000 }),
  startOffsetMs: fc.option(fc.integer({ min: -86_400_000, max: 86_400_000 }), { nil: null }),
}).map(({ nowMs, lifetimeMs, startOffsetMs }) => ({
  nowMs, expiryMs: nowMs + lifetimeMs, startMs: startOffsetMs === null ? null : nowMs + startOffsetMs,
}));

// kafka-java.md §5, written independently as a closed form: the short-token branch, else a clamp.
function closedForm(t: { nowMs: number; expiryMs: number; startMs: number | null }, c: RefreshConfig, draw: number): number | null {
  if (t.nowMs > t.expiryMs) return null;
  const pct = c.windowFactor + c.windowJitter * draw;
  const min = c.minPeriodSeconds * 1000;
  const buffer = c.bufferSeconds * 1000;
  if (t.nowMs + min + buffer > t.expiryMs) return t.nowMs + Math.trunc((t.expiryMs - t.nowMs) * pct);
  const start = t.startMs ?? t.nowMs;
  const proposed = start + Math.trunc((t.expiryMs - start) * pct);
  return Math.min(Math.max(proposed, t.nowMs + min), t.expiryMs - buffer);
}

describe('refreshAtMs properties (numRuns 1000 each)', () => {
  it('is null exactly when now > expiry, and otherwise never precedes now', () => {
    fc.assert(fc.property(tokenArb, configArb, drawArb, (t, c, d) => {
      const at = refreshAtMs(t, c, d);
      expect(at === null).toBe(t.nowMs > t.expiryMs);
      if (at !== null) expect(at).toBeGreaterThanOrEqual(t.nowMs);
    }), { numRuns: 1000 });
  });
  it('respects min period and buffer when the token is long enough for both, and ignores them otherwise', () => {
    fc.assert(fc.property(tokenArb, configArb, drawArb, (t, c, d) => {
      const at = refreshAtMs(t, c, d);
      if (at === null) return;
      const fits = t.nowMs + 1000 * (c.minPeriodSeconds + c.bufferSeconds) <= t.expiryMs;
      if (fits) {
        expect(at).toBeGreaterThanOrEqual(t.nowMs + 1000 * c.minPeriodSeconds);
        expect(at).toBeLessThanOrEqual(t.expiryMs - 1000 * c.bufferSeconds);
      } else {
        expect(at).toBe(t.nowMs + Math.trunc((t.expiryMs - t.nowMs) * (c.windowFactor + c.windowJitter * d)));
      }
    }), { numRuns: 1000 });
  });
  it('lies at or before expiry whenever the window fraction is at most 1 (as Kafka\'s does)', () => {
    fc.assert(fc.property(tokenArb, configArb, drawArb, (t, c, d) => {
      const at = refreshAtMs(t, c, d);
      if (at !== null && c.windowFactor + c.windowJitter * d <= 1) expect(at).toBeLessThanOrEqual(t.expiryMs);
    }), { numRuns: 1000 });
  });
  it('is monotone in the draw (for tokens that start before they expire)', () => {
    fc.assert(fc.property(tokenArb.filter((t) => (t.startMs ?? t.nowMs) <= t.expiryMs), configArb, drawArb, drawArb, (t, c, a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const x = refreshAtMs(t, c, lo);
      const y = refreshAtMs(t, c, hi);
      if (x !== null && y !== null) expect(x).toBeLessThanOrEqual(y);
    }), { numRuns: 1000 });
  });
  it('equals the closed form, including on the boundaries now + min + buffer = expiry ± 1', () => {
    const boundary = fc.tuple(fc.integer({ min: NOW, max: NOW + 10 ** 9 }), configArb, fc.integer({ min: -1, max: 1 }), fc.integer({ min: -(10 ** 7), max: 10 ** 7 }))
      .map(([nowMs, c, delta, startOffset]) => ({
        t: { nowMs, expiryMs: nowMs + 1000 * (c.minPeriodSeconds + c.bufferSeconds) + delta, startMs: nowMs + startOffset }, c,
      }));
    fc.assert(fc.property(fc.oneof(boundary, fc.tuple(tokenArb, configArb).map(([t, c]) => ({ t, c }))), drawArb, ({ t, c }, d) => {
      expect(refreshAtMs(t, c, d)).toBe(closedForm(t, c, d));
    }), { numRuns: 1000 });
  });
});

describe('refreshAtMs examples (kafka-java.md §5)', () => {
  it('defaults: a one-hour token refreshes at 48–51 minutes', () => {
    expect(refreshAtMs({ nowMs: 0, expiryMs: 3_600_000, startMs: 0 }, DEFAULT_REFRESH_CONFIG, 0)).toBe(2_880_000);
    expect(refreshAtMs({ nowMs: 0, expiryMs: 3_600_000, startMs: 0 }, DEFAULT_REFRESH_CONFIG, 0.999)).toBe(3_059_820);
  });
  it('a 300 s token takes the short branch: 240–255 s', () => {
    expect(refreshAtMs({ nowMs: 0, expiryMs: 300_000, startMs: 0 }, DEFAULT_REFRESH_CONFIG, 0)).toBe(240_000);
  });
  it('truncates toward zero when start is after expiry (neg-product-trunc-toward-zero)', () => {
    const c = { windowFactor: 1.0, windowJitter: 0.25, minPeriodSeconds: 0, bufferSeconds: 0 };
    // pct = 1.2: (expiry − start)·pct = −1201.2 → (long) −1201, not −1202; 11001 − 1201 = 9800.
    expect(refreshAtMs({ nowMs: 0, expiryMs: 10_000, startMs: 11_001 }, c, 0.8)).toBe(9800);
  });
  it('refuses non-finite times', () => {
    expect(() => refreshAtMs({ nowMs: NaN, expiryMs: 0, startMs: null }, DEFAULT_REFRESH_CONFIG, 0)).toThrow(OAuthBearerError);
  });
});

describe('nextRefreshWakeMs (the refresher loop)', () => {
  it('retries in 10 s without a token or with an expired one', () => {
    expect(nextRefreshWakeMs(null, DEFAULT_REFRESH_CONFIG, 0, 5)).toBe(5 + RELOGIN_RETRY_DELAY_MS);
    expect(nextRefreshWakeMs({ nowMs: 5, expiryMs: 4, startMs: 0 }, DEFAULT_REFRESH_CONFIG, 0, 5)).toBe(5 + RELOGIN_RETRY_DELAY_MS);
  });
  it('applies the KAFKA-7945 safety net to a time in the past', () => {
    // A negative window fraction (outside Kafka's ranges) is the only way to get a past time.
    const c = { windowFactor: -1, windowJitter: 0, minPeriodSeconds: 900, bufferSeconds: 0 };
    expect(nextRefreshWakeMs({ nowMs: 1000, expiryMs: 2000, startMs: 1000 }, c, 0, 1000)).toBe(11_000);
  });
});

describe('refreshConfig', () => {
  it('reads Kafka property names with defaults and ranges', () => {
    expect(refreshConfig({})).toEqual(DEFAULT_REFRESH_CONFIG);
    expect(refreshConfig(new Map([['sasl.login.refresh.window.jitter', ' 0.25 ']])).windowJitter).toBe(0.25);
    expect(() => refreshConfig({ 'sasl.login.refresh.window.jitter': '0.26' })).toThrow(OAuthBearerError);
  });
});
