import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import { parseJaasConfig } from '../../src/kafka/jaas.js';
import { createUnsecuredToken } from '../../src/kafka/unsecured.js';

const M = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';

describe('parseJaasConfig', () => {
  it('feeds createUnsecuredToken the way a Kafka client would', () => {
    const { options } = parseJaasConfig(`${M} required unsecuredLoginStringClaim_sub="alice" unsecuredLoginLifetimeSeconds="60";`);
    const t = createUnsecuredToken(options, 0);
    expect(t.principal).toBe('alice');
    expect(t.lifetimeMs).toBe(60_000);
  });
  it('reads back any option map written with quoted, escaped strings', () => {
    const key = fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$.-]{0,12}$/);
    fc.assert(fc.property(fc.dictionary(key, fc.string({ maxLength: 20 }).filter((s) => !/[\n\r]/.test(s))), (options) => {
      const body = Object.entries(options).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(' ');
      const entry = parseJaasConfig(`${M} required ${body};`);
      expect(Object.fromEntries(entry.options)).toEqual(options);
    }), { numRuns: 1000 });
  });
  it('throws only OAuthBearerError on any text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (text) => {
      try {
        parseJaasConfig(text);
      } catch (e) {
        expect(e).toBeInstanceOf(OAuthBearerError);
      }
    }), { numRuns: 1000 });
  });
  it('never echoes a value in its errors', () => {
    try {
      parseJaasConfig(`${M} required password="hunter2" x=1;`);
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
  });
});

// Issue 12 item 5: an error quoted text after a space inside an unquoted value, which can be part of a secret.
describe('parseJaasConfig errors never quote the rest of an unquoted value', () => {
  const M = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required';
  const message = (text: string): string => {
    try {
      parseJaasConfig(text);
    } catch (err) {
      expect(err).toMatchObject({ code: 'ERR_JAAS_CONFIG' });
      return (err as Error).message;
    }
    return 'accepted';
  };
  it('names the option by position after the first, and quotes only the first key', () => {
    expect(message(`${M} clientSecret=abc defSecretTail;`)).toMatch(/option 2\b/);
    expect(message(`${M} clientSecret=abc defSecretTail;`)).not.toContain('defSecretTail');
    expect(message(`${M} clientSecret=ab cdSecret=ef ghSecret;`)).not.toMatch(/cdSecret|ghSecret/);
    expect(message(`${M} lonely;`)).toContain('"lonely"');
  });
});

