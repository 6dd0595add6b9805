// The Node driver of the token holder (src/node/holder.ts), with real timers.
import { describe, expect, it } from 'vitest';
import { sleepMs, startTokenHolder } from '../../src/node/holder.js';
import { createUnsecuredToken } from '../../src/kafka/unsecured.js';

describe('startTokenHolder (real timers)', () => {
  it('fetches a token, refreshes a short-lived one on schedule, and stops', async () => {
    let n = 0;
    const running = startTokenHolder(async () => {
      n++;
      // A 2-second token: Kafka's short-token branch refreshes after (long)(2000 × pct) ≈ 1.6–1.7 s.
      return createUnsecuredToken({ unsecuredLoginStringClaim_sub: `user${n}`, unsecuredLoginLifetimeSeconds: '2' }, Date.now());
    });
    await running.ready;
    expect(running.holder.token?.principal).toBe('user1');
    await sleepMs(2500);
    expect(n).toBe(2);
    expect(running.holder.token?.principal).toBe('user2');
    await running.stop();
    expect(running.holder.state).toBe('stopped');
  }, 10_000);
  it('issue 11: a failed first fetch rejects ready with the provider\'s own error, and the holder keeps retrying', async () => {
    const failure = new Error('identity provider down (ECONNREFUSED 127.0.0.1:1)');
    const running = startTokenHolder(async () => {
      throw failure;
    });
    await expect(running.ready).rejects.toBe(failure);
    expect(running.lastError).toBe(failure);
    expect(running.holder.token).toBeNull();
    expect(running.holder.state).toBe('retrying');
    await running.stop();
  });
  it('sleepMs ends early on abort', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = sleepMs(60_000, controller.signal);
    controller.abort();
    await pending;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
