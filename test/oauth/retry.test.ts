// Kafka's Retry (org.apache.kafka.common.security.oauthbearer.internals.secured.Retry) as properties: the waits
// double from backoff, the total never exceeds backoff.max.ms, the first error is the one reported, and a
// non-retryable error stops at once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retry, retryDelayMs } from '../../src/oauth/retry.js';

describe('retry', () => {
  it('waits min(backoff × 2^(n-1), deadline − now), spends at most backoff.max.ms, reports the first error', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 30 }),
      async (backoffMs, extra, attemptCostMs, failures) => {
        const backoffMaxMs = backoffMs + extra;
        let now = 1_000_000;
        const start = now;
        const sleeps: number[] = [];
        let calls = 0;
        const outcome = await retry(async (n) => {
          calls++;
          now += attemptCostMs;
          if (n <= failures) throw new Error(`failure ${n}`);
          return n;
        }, { backoffMs, backoffMaxMs }, () => true, { clock: { nowMs: () => now }, sleep: async (ms) => { sleeps.push(ms); now += ms; } })
          .then((v) => ({ ok: v }), (e: Error) => ({ error: e.message }));
        sleeps.forEach((ms, i) => {
          expect(ms).toBeGreaterThan(0);
          expect(ms).toBeLessThanOrEqual(backoffMs * 2 ** i);
        });
        expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(backoffMaxMs);
        if ('error' in outcome) expect(outcome.error).toBe('failure 1');
        else expect(outcome.ok).toBe(failures + 1);
        expect(calls).toBe(sleeps.length + 1);
        // Attempts start only while now ≤ deadline.
        expect(now - start - attemptCostMs).toBeLessThanOrEqual(backoffMaxMs + attemptCostMs * calls);
      }), { numRuns: 1000 });
  });

  it('stops at once on a non-retryable error', async () => {
    let calls = 0;
    await expect(retry(async () => { calls++; throw new Error('fatal'); }, { backoffMs: 100, backoffMaxMs: 10_000 }, () => false,
      { clock: { nowMs: () => 0 }, sleep: async () => { throw new Error('must not sleep'); } })).rejects.toThrow('fatal');
    expect(calls).toBe(1);
  });

  it('retryDelayMs follows Kafka: 100, 200, 400, … cut at the deadline, null when nothing is left', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 0, 10_000, 100))).toEqual([100, 200, 400, 800]);
    expect(retryDelayMs(8, 9_900, 10_000, 100)).toBe(100);
    expect(retryDelayMs(1, 10_000, 10_000, 100)).toBeNull();
    expect(retryDelayMs(1, 0, 10_000, 0)).toBeNull();
  });

  // Regression (issue 12; test/oauth/node-http.test.ts "times out a body that stalls" failed once under load with
  // "No attempt was made"): with backoffMaxMs 0 a clock tick between reading the deadline and testing it skipped
  // every attempt. The first attempt always runs now, and its error is the one reported.
  it('makes the first attempt even when the clock ticks past a zero budget', async () => {
    let now = 1000;
    let calls = 0;
    const ticking = { nowMs: () => now++ };
    await expect(retry(async () => { calls++; throw new Error('read timeout'); }, { backoffMs: 0, backoffMaxMs: 0 }, () => true,
      { clock: ticking, sleep: async () => undefined })).rejects.toThrow('read timeout');
    expect(calls).toBe(1);
  });
});
