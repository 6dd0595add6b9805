import { describe, expect, it } from 'vitest';
import { clientReauthAtMs, serverSessionLifetimeMs } from '../../src/kafka/reauth.js';
import { DEFAULT_REFRESH_CONFIG, RELOGIN_RETRY_DELAY_MS, nextRefreshWakeMs, refreshAtMs } from '../../src/kafka/refresh.js';

describe('refreshAtMs / nextRefreshWakeMs arguments and expiry', () => {
  it('refuses a start time that is not finite', () => {
    for (const startMs of [Number.NaN, Infinity]) {
      expect(() => refreshAtMs({ nowMs: 0, expiryMs: 3_600_000, startMs }, DEFAULT_REFRESH_CONFIG, 0)).toThrow(expect.objectContaining({
        code: 'ERR_USAGE_ARGUMENT', message: 'refreshAtMs needs finite nowMs, expiryMs and startMs (or null) in epoch milliseconds',
      }));
    }
  });
  it('an expired token waits 10 s, also at time 0', () => {
    expect(nextRefreshWakeMs({ nowMs: 0, expiryMs: -1, startMs: null }, DEFAULT_REFRESH_CONFIG, 0, 0)).toBe(RELOGIN_RETRY_DELAY_MS);
    expect(nextRefreshWakeMs({ nowMs: -5000, expiryMs: -6000, startMs: null }, DEFAULT_REFRESH_CONFIG, 0, -5000)).toBe(5000);
  });
});

describe('re-authentication arguments', () => {
  it('clientReauthAtMs refuses a draw outside [0, 1) and non-finite times', () => {
    const usage = expect.objectContaining({ code: 'ERR_USAGE_ARGUMENT', message: 'clientReauthAtMs needs finite times and a draw in [0, 1)' });
    expect(() => clientReauthAtMs({ authenticationEndMs: 0, sessionLifetimeMs: 1000, draw: -0.5 })).toThrow(usage);
    expect(() => clientReauthAtMs({ authenticationEndMs: 0, sessionLifetimeMs: 1000, draw: 1 })).toThrow(usage);
    expect(() => clientReauthAtMs({ authenticationEndMs: Number.NaN, sessionLifetimeMs: 1000, draw: 0 })).toThrow(usage);
    expect(clientReauthAtMs({ authenticationEndMs: 0, sessionLifetimeMs: 1000, draw: 0 })).toBe(850);
  });
  it('serverSessionLifetimeMs with no expiry and no max is 0', () => {
    expect(serverSessionLifetimeMs({ nowMs: 0, maxReauthMs: null, tokenExpiryMs: null })).toBe(0);
    expect(serverSessionLifetimeMs({ nowMs: 0, maxReauthMs: 5000, tokenExpiryMs: null })).toBe(5000);
  });
});
