import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientReauthAtMs, serverSessionLifetimeMs } from '../../src/kafka/reauth.js';

describe('clientReauthAtMs (KIP-368)', () => {
  it('matches the observed double arithmetic: 1000 × 0.6 → 909, 100 × 0.6 → 90', () => {
    expect(clientReauthAtMs({ authenticationEndMs: 0, sessionLifetimeMs: 1000, draw: 0.6 })).toBe(909);
    expect(clientReauthAtMs({ authenticationEndMs: 0, sessionLifetimeMs: 100, draw: 0.6 })).toBe(90);
    expect(clientReauthAtMs({ authenticationEndMs: 5, sessionLifetimeMs: 1, draw: 0.99 })).toBe(5);
    expect(clientReauthAtMs({ authenticationEndMs: 5, sessionLifetimeMs: 0, draw: 0.5 })).toBeNull();
  });
  it('lies in [end + 0.85·L, end + 0.95·L] for every lifetime and draw (numRuns 1000)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 4 * 10 ** 12 }), fc.integer({ min: 1, max: 9 * 10 ** 12 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (end, life, draw) => {
        const at = clientReauthAtMs({ authenticationEndMs: end, sessionLifetimeMs: life, draw })!;
        expect(at).toBeGreaterThanOrEqual(end + Math.floor(0.85 * life));
        expect(at).toBeLessThanOrEqual(end + 0.95 * life);
        expect(Number.isInteger(at)).toBe(true);
      },
    ), { numRuns: 1000 });
  });
  it('refuses a draw outside [0, 1)', () => {
    expect(() => clientReauthAtMs({ authenticationEndMs: 0, sessionLifetimeMs: 10, draw: 1 })).toThrow();
  });
});

describe('serverSessionLifetimeMs (KIP-368)', () => {
  it('is the remaining token lifetime, capped by connections.max.reauth.ms, never negative', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 10 ** 13 }), fc.option(fc.integer({ min: -10, max: 10 ** 9 }), { nil: null }), fc.integer({ min: -(10 ** 9), max: 10 ** 9 }),
      (now, max, remaining) => {
        const life = serverSessionLifetimeMs({ nowMs: now, maxReauthMs: max, tokenExpiryMs: now + remaining });
        expect(life).toBeGreaterThanOrEqual(0);
        expect(life).toBeLessThanOrEqual(Math.max(0, remaining));
        if (max !== null && max > 0) expect(life).toBeLessThanOrEqual(max);
        else expect(life).toBe(Math.max(0, remaining));
      },
    ), { numRuns: 1000 });
  });
});
