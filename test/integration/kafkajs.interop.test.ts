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

  it('a refused token (unsigned, to a KIP-768 broker): what KafkaJS reports and what serve says', async () => {
    const serve = await startServe(jwtBroker(oidc.jwksUrl, oidc.file('ca.crt')));
    const provider = oauthBearerProvider({ 'sasl.jaas.config': `${MODULE} required unsecuredLoginStringClaim_sub="mallory";` });
    const client = admin(serve.address, provider);
    try {
      const error = (await client.connect().then(() => client.fetchTopicMetadata({ topics: [] })).then(() => null, (e: unknown) => e)) as Error & { name: string };
      expect(error).not.toBeNull();
      const failed = await serve.waitFor(/ authentication failed: /);
      expect(failed).toMatch(/ERR_JWS_ALG|alg/);
      // Observed: KafkaJS ignores the error challenge (no %x01 reply), so the broker's SASL_AUTHENTICATION_FAILED
      // message never reaches it; see the README's compatibility table.
      expect({ name: error.name, message: error.message }).toMatchSnapshot();
    } finally {
      await client.disconnect().catch(() => undefined);
      await provider.stop();
      await serve.stop();
    }
  });

  it('KIP-368: connections.max.reauth.ms=3000, what KafkaJS does past the session lifetime', async () => {
    const serve = await startServe(unsecuredBroker('', { 'connections.max.reauth.ms': '3000' }));
    const provider = oauthBearerProvider({ 'sasl.jaas.config': `${MODULE} required unsecuredLoginStringClaim_sub="alice";` });
    const client = admin(serve.address, provider);
    try {
      await client.connect();
      await client.fetchTopicMetadata({ topics: [] });
      const first = await serve.waitFor(/ authenticated principal="alice"/);
      expect(first).toContain('session_lifetime_ms=3000');
      const peer = first.split(' ')[0]!;
      await sleepMs(3_500);
      await client.fetchTopicMetadata({ topics: [] });
      await sleepMs(200);
      const after = serve.lines.slice(serve.lines.indexOf(first) + 1);
      expect(after.length).toBeGreaterThan(0);
      expect({ samePeer: after.filter((l) => l.startsWith(peer)).map((l) => l.replace(/ token=.*$/, '').replace(peer, 'PEER')) }).toMatchSnapshot();
    } finally {
      await client.disconnect();
      await provider.stop();
      await serve.stop();
    }
  }, 15_000);
});

export type { RunningServe };
