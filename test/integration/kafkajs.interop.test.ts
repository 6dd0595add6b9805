// KafkaJS 2.2.4 against `oauthbearer serve`, with our oauthbearer/kafkajs provider: an unsecured token with JAAS
// extensions; client_credentials from oidc-provider checked by serve's KIP-768 validator; a refused token as KafkaJS
// reports it; and KIP-368 with connections.max.reauth.ms=3000.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { oauthBearerProvider } from '../../src/node/providers/kafkajs.js';
import { tlsHttp } from '../../src/node/http.js';
import { sleepMs } from '../../src/node/holder.js';
import { SECRET, startOidcServer, type OidcServer } from './oidc-server.js';
import { jwtBroker, startServe, unsecuredBroker, type RunningServe } from './serve-harness.js';

const MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';

function admin(address: string, oauthBearerProvider: () => Promise<{ value: string; extensions?: Record<string, string> }>): Admin {
  return new Kafka({
    clientId: 'kafkajs-interop', brokers: [address], logLevel: logLevel.NOTHING,
    retry: { retries: 0 }, connectionTimeout: 3_000, requestTimeout: 5_000,
    sasl: { mechanism: 'oauthbearer', oauthBearerProvider },
  }).admin();
}

let oidc: OidcServer;
beforeAll(async () => {
  oidc = await startOidcServer();
});
afterAll(async () => oidc?.close());

describe('KafkaJS 2.2.4 with oauthbearer/kafkajs', () => {
  it('an unsecured token with JAAS extensions: authenticated, metadata answered, serve shows the extensions', async () => {
    const serve = await startServe(unsecuredBroker());
    const provider = oauthBearerProvider({ 'sasl.jaas.config': `${MODULE} required unsecuredLoginStringClaim_sub="alice" unsecuredLoginExtension_traceId="abc";` });
    const client = admin(serve.address, provider);
    try {
      await client.connect();
      const metadata = await client.fetchTopicMetadata({ topics: [] });
      expect(metadata.topics).toEqual([]);
      const line = await serve.waitFor(/ authenticated principal="alice"/);
      expect(line).toContain('extensions={"traceId":"abc"}');
    } finally {
      await client.disconnect();
      await provider.stop();
      await serve.stop();
    }
  });

  it('client_credentials from oidc-provider, validated by serve with the JWKS (KIP-768)', async () => {
    const serve = await startServe(jwtBroker(oidc.jwksUrl, oidc.file('ca.crt')));
    const http = tlsHttp({ ca: oidc.pem('ca.crt') });
    const provider = oauthBearerProvider([
      `sasl.oauthbearer.token.endpoint.url=${oidc.tokenEndpoint}`,
      'sasl.oauthbearer.scope=kafka',
      `sasl.jaas.config=${MODULE} required clientId="basic-client" clientSecret="${SECRET}" extension_traceId="cc1";`,
    ].join('\n'), { allowedUrls: oidc.tokenEndpoint, http });
    const client = admin(serve.address, provider);
    try {
      await client.connect();
      await client.fetchTopicMetadata({ topics: [] });
      const line = await serve.waitFor(/ authenticated principal="basic-client"/);
      expect(line).toContain('extensions={"traceId":"cc1"}');
    } finally {
      await client.disconnect();
      await provider.stop();
      http.close();
      await serve.stop();
    }
  });

  it('quirk: a refused token looks authenticated to KafkaJS (it ignores the error challenge); serve says why it failed', async () => {
    const serve = await startServe(jwtBroker(oidc.jwksUrl, oidc.file('ca.crt')));
    const provider = oauthBearerProvider({ 'sasl.jaas.config': `${MODULE} required unsecuredLoginStringClaim_sub="mallory";` });
    const client = admin(serve.address, provider);
    try {
      // The broker answers the unsigned token with the error challenge (errorCode 0, the JSON as authBytes); KafkaJS
      // takes that for success and sends Metadata instead of %x01, which Kafka answers with ILLEGAL_SASL_STATE.
      await client.connect();
      const error = await client.fetchTopicMetadata({ topics: [] }).then(() => null, (e: unknown) => e);
      expect(error).toMatchObject({ name: 'KafkaJSNumberOfRetriesExceeded', message: 'No brokers in the broker pool' });
      const failed = await serve.waitFor(/ authentication failed: /);
      expect(failed).toContain('The client sent Metadata instead of the %x01 reply to the error challenge');
      expect(failed).toContain('ERR_JWS_ALG');
      expect(failed).toContain('kafka: ILLEGAL_SASL_STATE (34)');
    } finally {
      await client.disconnect().catch(() => undefined);
      await provider.stop();
      await serve.stop();
    }
  });

  it('the broker\'s message reaches the user when the broker fails the exchange at once: the authzid quirk\'s malformed GS2 header', async () => {
    const serve = await startServe(unsecuredBroker());
    const provider = oauthBearerProvider({ 'sasl.jaas.config': `${MODULE} required unsecuredLoginStringClaim_sub="alice";` });
    // KafkaJS writes `n,"a=alice,`; Kafka's broker answers SASL_AUTHENTICATION_FAILED with its fixed message.
    const client = new Kafka({
      clientId: 'kafkajs-interop', brokers: [serve.address], logLevel: logLevel.NOTHING, retry: { retries: 0 },
      sasl: { mechanism: 'oauthbearer', oauthBearerProvider: provider, authorizationIdentity: 'alice' } as never,
    }).admin();
    try {
      const error = await client.connect().then(() => null, (e: unknown) => e);
      expect(error).toMatchObject({
        name: 'KafkaJSSASLAuthenticationError',
        message: 'SASL OAUTHBEARER authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism OAUTHBEARER',
      });
      const failed = await serve.waitFor(/ authentication failed: /);
      expect(failed).toContain('ERR_GS2_HEADER');
      expect(failed).toContain('kafka: SASL_AUTHENTICATION_FAILED (58) "Authentication failed during authentication due to invalid credentials with SASL mechanism OAUTHBEARER"');
    } finally {
      await client.disconnect().catch(() => undefined);
      await provider.stop();
      await serve.stop();
    }
  });

  it('a provider failure is KafkaJS\'s connection error, with our error and its cause inside', async () => {
    const serve = await startServe(unsecuredBroker());
    const http = tlsHttp({ ca: oidc.pem('ca.crt') });
    const provider = oauthBearerProvider({
      'sasl.oauthbearer.token.endpoint.url': oidc.tokenEndpoint, 'sasl.login.retry.backoff.max.ms': '100',
      'sasl.jaas.config': `${MODULE} required clientId="basic-client" clientSecret="wrong-secret-789";`,
    }, { allowedUrls: oidc.tokenEndpoint, http });
    const client = admin(serve.address, provider);
    try {
      const error = (await client.connect().then(() => null, (e: unknown) => e)) as Error & { cause?: unknown };
      expect(error).toMatchObject({ code: 'ERR_TOKEN_PROVIDER', message: expect.stringContaining('invalid_client') });
      expect(error.cause).toMatchObject({ code: 'ERR_TOKEN_ENDPOINT', status: 'invalid_client' });
    } finally {
      await client.disconnect().catch(() => undefined);
      await provider.stop();
      http.close();
      await serve.stop();
    }
  });

  it('KIP-368 (connections.max.reauth.ms=3000), default 10 s threshold: re-authenticates before every request, and Kafka\'s once-a-second limit refuses the second', async () => {
    const serve = await startServe(unsecuredBroker('', { 'connections.max.reauth.ms': '3000' }));
    const provider = oauthBearerProvider({ 'sasl.jaas.config': `${MODULE} required unsecuredLoginStringClaim_sub="alice";` });
    const client = admin(serve.address, provider);
    try {
      await client.connect();
      // elapsed + reauthenticationThreshold (10 000) >= session lifetime (3000) at once: KafkaJS re-authenticates
      // before each request. A second re-authentication within a second gets ILLEGAL_SASL_STATE for its
      // SaslHandshake (Kafka's KafkaChannel.maybeBeginServerReauthentication: at most one a second).
      let error: unknown = null;
      for (let i = 0; i < 3 && error === null; i++) error = await client.fetchTopicMetadata({ topics: [] }).then(() => null, (e: unknown) => e);
      expect(error).toMatchObject({ name: 'KafkaJSProtocolError', type: 'ILLEGAL_SASL_STATE', message: 'Request is not valid given the current SASL state' });
      const first = await serve.waitFor(/ authenticated principal="alice"/);
      expect(first).toContain('session_lifetime_ms=3000');
      const peer = first.split(' ')[0]!;
      expect(serve.lines.some((l) => l.startsWith(`${peer} re-authenticated principal="alice"`))).toBe(true);
    } finally {
      await client.disconnect();
      await provider.stop();
      await serve.stop();
    }
  }, 15_000);

  it('KIP-368 with reauthenticationThreshold 1000: idle past the session lifetime, the next request re-authenticates on the same connection', async () => {
    const serve = await startServe(unsecuredBroker('', { 'connections.max.reauth.ms': '3000' }));
    const provider = oauthBearerProvider({ 'sasl.jaas.config': `${MODULE} required unsecuredLoginStringClaim_sub="alice";` });
    const client = new Kafka({
      clientId: 'kafkajs-interop', brokers: [serve.address], logLevel: logLevel.NOTHING, retry: { retries: 0 }, reauthenticationThreshold: 1_000,
      sasl: { mechanism: 'oauthbearer', oauthBearerProvider: provider },
    }).admin();
    try {
      await client.connect();
      await client.fetchTopicMetadata({ topics: [] });
      const first = await serve.waitFor(/ authenticated principal="alice"/);
      const peer = first.split(' ')[0]!;
      await sleepMs(3_500);
      // Nothing happens while idle (KafkaJS checks lazily, before a request; the broker closes an expired session
      // only when a request other than SaslHandshake arrives).
      expect(serve.lines.slice(serve.lines.indexOf(first) + 1)).toEqual([]);
      await client.fetchTopicMetadata({ topics: [] });
      const again = await serve.waitFor(/ re-authenticated principal="alice"/);
      expect(again.startsWith(`${peer} `)).toBe(true);
      expect(serve.lines.filter((l) => / closed /.test(l))).toEqual([]);
    } finally {
      await client.disconnect();
      await provider.stop();
      await serve.stop();
    }
  }, 15_000);
});

export type { RunningServe };
