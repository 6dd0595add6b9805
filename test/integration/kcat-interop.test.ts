// kcat 1.7.1 (Debian; librdkafka 2.0.2, no OIDC) against `oauthbearer serve`: librdkafka's unsecured token from
// sasl.oauthbearer.config with extensions; and a token serve refuses, with librdkafka's report and serve's reason.
import { describe, expect, it } from 'vitest';
import { run, startServe, unsecuredBroker } from './serve-harness.js';

const kcat = (address: string, config: string, timeoutMs = 3_000) => run('kcat', [
  '-b', address, '-L', '-m', String(Math.ceil(timeoutMs / 1000)),
  '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=OAUTHBEARER',
  '-X', 'enable.sasl.oauthbearer.unsecure.jwt=true', '-X', `sasl.oauthbearer.config=${config}`,
], { timeoutMs: timeoutMs + 5_000 });

describe('kcat (librdkafka 2.0.2)', () => {
  it('an unsecured token with extensions: metadata listed, serve shows principal, scope and extensions', async () => {
    const serve = await startServe(unsecuredBroker());
    try {
      const result = await kcat(serve.address, 'principal=alice scope=kafka extension_traceId=abc extension_tenant=t1');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/1 brokers:\s+broker 0 at 127\.0\.0\.1:\d+/);
      const line = await serve.waitFor(/ authenticated principal="alice"/);
      expect(line).toContain('extensions={"traceId":"abc","tenant":"t1"}');
      expect(line).toMatch(/client="librdkafka\/2\.0\.2"|session_lifetime_ms=/);
    } finally {
      await serve.stop();
    }
  });

  it('a token serve refuses (scope required): kcat fails with librdkafka\'s SASL error, serve says why', async () => {
    const serve = await startServe(unsecuredBroker('unsecuredValidatorRequiredScope="kafka"'));
    try {
      const result = await kcat(serve.address, 'principal=alice scope=other', 2_000);
      expect(result.code).not.toBe(0);
      const failed = await serve.waitFor(/ authentication failed: /);
      expect(failed).toMatch(/scope/i);
      expect(failed).toContain('SASL_AUTHENTICATION_FAILED (58)');
      // librdkafka shows the broker's error challenge (Kafka's JSON, List.toString scope and all), not the final
      // SASL_AUTHENTICATION_FAILED message that follows its %x01.
      expect(result.stderr).toContain('SASL authentication error: {"status":"insufficient_scope", "scope":"[kafka]"}');
      expect(result.stderr).toContain('Failed to acquire metadata');
    } finally {
      await serve.stop();
    }
  });
});
