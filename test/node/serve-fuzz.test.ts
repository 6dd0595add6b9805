// fast-check properties for what serve and connect read from outside: broker and client properties (any keys and
// values: a config or an OAuthBearerError, nothing else), HOST:PORT, PEM text, tokens shown in lines; and random
// bytes in random splits at serve's socket: every connection is answered or closed, serve stays up.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import { parseBrokerConfig, parseHostPort } from '../../src/node/broker-config.js';
import { loadClientConfig } from '../../src/node/client-config.js';
import { formatEvent, tokenParts } from '../../src/node/cli/serve.js';
import { normalizePem } from '../../src/node/net/tls.js';
import { rawConnect, requests } from './raw-kafka.js';
import { runConnect, startServe, tempDir, unsecuredClientProps, type ServeRun } from './serve-harness.js';

const KEYS = ['listeners', 'advertised.listeners', 'listener.security.protocol.map', 'sasl.enabled.mechanisms', 'sasl.server.callback.handler.class',
  'sasl.jaas.config', 'connections.max.idle.ms', 'connections.max.reauth.ms', 'sasl.server.max.receive.size', 'node.id', 'broker.id',
  'sasl.oauthbearer.jwks.endpoint.url', 'sasl.oauthbearer.expected.audience', 'sasl.oauthbearer.clock.skew.seconds', 'ssl.client.auth',
  'security.protocol', 'sasl.mechanism', 'sasl.login.callback.handler.class', 'sasl.oauthbearer.token.endpoint.url', 'request.timeout.ms',
  'listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config', 'org.apache.kafka.sasl.oauthbearer.allowed.urls'];
const VALUES = fc.oneof(fc.string(), fc.constantFrom('SASL_PLAINTEXT://127.0.0.1:0', 'SASL_SSL', 'OAUTHBEARER', '-1', '0', '2000', 'https://x/jwks',
  'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
  'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
  'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="a";'));
const propsArb = fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string()), VALUES).map((o) => new Map(Object.entries(o)));

function onlyOurErrors(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof OAuthBearerError)) throw error;
  }
}

describe('config and display decoders take any input', () => {
  it('parseBrokerConfig returns a config or throws OAuthBearerError', () => {
    fc.assert(fc.property(propsArb, fc.option(fc.string()), (props, listen) => onlyOurErrors(() => parseBrokerConfig(props, listen ?? undefined))), { numRuns: 500 });
  });

  it('loadClientConfig resolves or rejects with OAuthBearerError', async () => {
    await fc.assert(fc.asyncProperty(propsArb, async (props) => {
      try {
        (await loadClientConfig(props)).close();
      } catch (error) {
        if (!(error instanceof OAuthBearerError)) throw error;
      }
    }), { numRuns: 300 });
  });

  it('parseHostPort, normalizePem and tokenParts take any text', () => {
    fc.assert(fc.property(fc.string(), (text) => {
      onlyOurErrors(() => parseHostPort(text, 'x'));
      onlyOurErrors(() => normalizePem(text, 'x', /CERTIFICATE/));
      const parts = tokenParts(text);
      expect(parts === null || typeof parts === 'object').toBe(true);
      const line = formatEvent({ type: 'authentication-failed', connection: 1, peer: 'p', reauthentication: false,
        error: new OAuthBearerError('ERR_AUTHENTICATION_FAILED', 'x'), kafkaErrorCode: 58, kafkaErrorMessage: text, clientSoftware: null, token: text }, true);
      expect(() => JSON.parse(line!)).not.toThrow();
    }), { numRuns: 1000 });
  });
});

describe('random bytes at serve\'s socket', () => {
  const d = tempDir();
  let broker: ServeRun;
  beforeAll(async () => {
    broker = await startServe(['--listen', '127.0.0.1:0', '--config', d.write('b.properties', 'connections.max.idle.ms=300\n')]);
  });
  afterAll(async () => {
    await broker?.stop();
    d.cleanup();
  });

  it('answers or closes every connection, and still authenticates a client afterwards', async () => {
    const valid = [requests.apiVersions(3), requests.handshake(), requests.metadata(1)];
    await fc.assert(fc.asyncProperty(
      fc.array(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(...valid)), { minLength: 1, maxLength: 4 }),
      fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 8 }),
      async (pieces, cuts) => {
        const bytes = Uint8Array.from(pieces.flatMap((p) => [...p]));
        const c = await rawConnect(broker.port);
        let at = 0;
        for (let i = 0; at < bytes.length; i++) {
          const n = cuts[i % cuts.length]!;
          await c.write(bytes.subarray(at, at + n));
          at += n;
        }
        // Within the idle timeout, every connection is either answered or closed by serve.
        const frame = await c.nextFrame(2_000);
        if (frame === null) {
          await Promise.race([c.closed, new Promise((r) => setTimeout(r, 3_000))]);
          expect(c.isClosed()).toBe(true);
        }
        c.socket.destroy();
      },
    ), { numRuns: 100 });
    const result = await runConnect(['--bootstrap', `127.0.0.1:${broker.port}`, '--config', d.write('c.properties', unsecuredClientProps('after-fuzz'))]);
    expect(result.code).toBe(0);
    expect(await broker.io.waitFor(/ authenticated principal="after-fuzz"/)).toBeTruthy();
  }, 120_000);
});
