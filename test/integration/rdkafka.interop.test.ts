// librdkafka 2.12 (node-rdkafka 3.6.1, built from its bundled source with libcurl: features http, oidc) against
// `oauthbearer serve`: librdkafka's own OIDC method fetching from oidc-provider (client_credentials with a client
// secret; the jwt-bearer grant with a locally signed assertion), our oauthbearer/rdkafka provider with a KIP-1258
// client assertion (which librdkafka lacks), and KIP-368 re-authentication on the same connection.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rdkafkaOauthBearer } from '../../src/node/providers/rdkafka.js';
import { tlsHttp } from '../../src/node/http.js';
import { sleepMs } from '../../src/node/holder.js';
import { SECRET, startOidcServer, type OidcServer } from './oidc-server.js';
import { jwtBroker, startServe, unsecuredBroker } from './serve-harness.js';

interface Producer {
  connect(options: { timeout: number }, callback: (error: Error | null, metadata?: { brokers: unknown[] }) => void): void;
  disconnect(callback: () => void): void;
  setOauthBearerToken(value: string): unknown;
  on(event: string, listener: (...args: never[]) => void): unknown;
}
const Kafka = createRequire(import.meta.url)('node-rdkafka') as { Producer: new (config: Record<string, unknown>) => Producer; librdkafkaVersion: string; features: string[] };

const MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';

function producer(address: string, config: Record<string, unknown>): { client: Producer; logs: string[] } {
  const logs: string[] = [];
  const client = new Kafka.Producer({
    'metadata.broker.list': address, 'security.protocol': 'sasl_plaintext', 'sasl.mechanisms': 'OAUTHBEARER',
    'client.id': 'rdkafka-interop', 'reconnect.backoff.ms': 500, 'log.connection.close': true, event_cb: true, debug: 'security', ...config,
  });
  client.on('event.log', ((log: { message: string }) => logs.push(log.message)) as never);
  client.on('event.error', ((error: Error) => logs.push(`error: ${error.message}`)) as never);
  return { client, logs };
}

const connect = (client: Producer, timeoutMs = 8_000) =>
  new Promise<{ brokers: unknown[] }>((resolve, reject) => client.connect({ timeout: timeoutMs }, (error, metadata) => (error ? reject(error) : resolve(metadata!))));
// node-rdkafka's disconnect throws "Producer not connected" for a producer whose connect failed.
const disconnect = (client: Producer) => new Promise<void>((resolve) => {
  try {
    client.disconnect(() => resolve());
  } catch {
    resolve();
  }
});

let oidc: OidcServer;
beforeAll(async () => {
  oidc = await startOidcServer();
});
afterAll(async () => oidc?.close());

describe(`librdkafka ${Kafka.librdkafkaVersion} (node-rdkafka)`, () => {
  it('is built with OIDC token retrieval', () => {
    expect(Kafka.librdkafkaVersion).toBe('2.12.0');
    expect(Kafka.features).toEqual(expect.arrayContaining(['sasl_oauthbearer', 'http', 'oidc']));
  });

  it('its own OIDC method: client_credentials (client secret, HTTP Basic) from oidc-provider, accepted by serve', async () => {
    const serve = await startServe(jwtBroker(oidc.jwksUrl, oidc.file('ca.crt')));
    const { client, logs } = producer(serve.address, {
      'sasl.oauthbearer.method': 'oidc', 'sasl.oauthbearer.token.endpoint.url': oidc.tokenEndpoint,
      'sasl.oauthbearer.client.id': 'basic-client', 'sasl.oauthbearer.client.secret': SECRET, 'sasl.oauthbearer.scope': 'kafka',
      'sasl.oauthbearer.extensions': 'traceId=rd1', 'https.ca.location': oidc.file('ca.crt'),
    });
    try {
      const metadata = await connect(client).catch((e: Error) => { throw new Error(`${e.message}\n${logs.join('\n')}`); });
      expect(metadata.brokers).toHaveLength(1);
      const line = await serve.waitFor(/ authenticated principal="basic-client"/);
      expect(line).toContain('extensions={"traceId":"rd1"}');
      expect(line).toMatch(/client="librdkafka\//);
    } finally {
      await disconnect(client);
      await serve.stop();
    }
  }, 20_000);

  const jwtBearer = (alg: 'RS256' | 'ES256') => ({
    'sasl.oauthbearer.method': 'oidc', 'sasl.oauthbearer.grant.type': 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    'sasl.oauthbearer.token.endpoint.url': oidc.bearerTokenEndpoint, 'sasl.oauthbearer.scope': 'kafka',
    'sasl.oauthbearer.assertion.algorithm': alg, 'sasl.oauthbearer.assertion.private.key.file': oidc.keyFile(alg),
    'sasl.oauthbearer.assertion.claim.iss': 'rd-svc', 'sasl.oauthbearer.assertion.claim.sub': 'rd-svc',
    'sasl.oauthbearer.assertion.claim.aud': oidc.bearerTokenEndpoint, 'https.ca.location': oidc.file('ca.crt'),
  });

  it('its own OIDC method: the jwt-bearer grant with a locally signed RS256 assertion (the endpoint written for it)', async () => {
    const serve = await startServe(jwtBroker(oidc.bearerJwksUrl, oidc.file('ca.crt')));
    const { client, logs } = producer(serve.address, jwtBearer('RS256'));
    try {
      await connect(client).catch((e: Error) => { throw new Error(`${e.message}\n${logs.join('\n')}`); });
      await serve.waitFor(/ authenticated principal="rd-svc"/);
    } finally {
      await disconnect(client);
      await serve.stop();
    }
  }, 20_000);

  it('quirk: its ES256 assertion carries a DER ECDSA signature (72 bytes), not JWS R||S (64), so it is refused', async () => {
    const serve = await startServe(jwtBroker(oidc.bearerJwksUrl, oidc.file('ca.crt')));
    const { client, logs } = producer(serve.address, jwtBearer('ES256'));
    const before = oidc.requests.length;
    try {
      await expect(connect(client, 3_000)).rejects.toThrow();
      const refused = oidc.requests.slice(before).find((r) => r.refused !== undefined);
      // RFC 7518 §3.4: an ES256 JWS signature is the 64-octet R || S; a DER SEQUENCE of two INTEGERs is 70-72.
      expect(refused?.refused).toMatch(/^signature verification failed; ES256 signature of (6[5-9]|7[0-2]) bytes$/);
      expect(logs.join('\n')).toContain('Failed to retrieve JWT token');
      expect(() => client.disconnect(() => undefined)).toThrow('Producer not connected');
    } finally {
      await disconnect(client);
      await serve.stop();
    }
  }, 20_000);

  it('oauthbearer/rdkafka: client_credentials with a KIP-1258 client assertion (private_key_jwt), which librdkafka lacks', async () => {
    const serve = await startServe(jwtBroker(oidc.jwksUrl, oidc.file('ca.crt')));
    const http = tlsHttp({ ca: oidc.pem('ca.crt') });
    const keyFile = oidc.keyFile('RS256');
    const auth = rdkafkaOauthBearer({
      'sasl.oauthbearer.token.endpoint.url': oidc.tokenEndpoint, 'sasl.oauthbearer.scope': 'kafka',
      'sasl.oauthbearer.client.credentials.client.id': 'pkjwt-RS256',
      'sasl.oauthbearer.assertion.private.key.file': keyFile,
      'sasl.oauthbearer.assertion.claim.iss': 'pkjwt-RS256', 'sasl.oauthbearer.assertion.claim.sub': 'pkjwt-RS256',
      'sasl.oauthbearer.assertion.claim.aud': oidc.tokenEndpoint, 'sasl.oauthbearer.assertion.claim.jti.include': 'true',
    }, { allowedUrls: oidc.tokenEndpoint, allowedFiles: keyFile, http });
    const { client, logs } = producer(serve.address, {});
    try {
      await auth.attach(client);
      await connect(client).catch((e: Error) => { throw new Error(`${e.message}\n${logs.join('\n')}`); });
      await serve.waitFor(/ authenticated principal="pkjwt-RS256"/);
      expect(oidc.requests.filter((r) => r.client === 'pkjwt-RS256').length).toBeGreaterThan(0);
    } finally {
      await disconnect(client);
      await auth.stop();
      http.close();
      await serve.stop();
    }
  }, 20_000);

  it('a refused token: librdkafka reports the broker\'s error challenge, serve says why', async () => {
    const serve = await startServe(jwtBroker(oidc.jwksUrl, oidc.file('ca.crt')));
    const auth = rdkafkaOauthBearer({ 'sasl.jaas.config': `${MODULE} required unsecuredLoginStringClaim_sub="mallory";` });
    const { client, logs } = producer(serve.address, {});
    try {
      await auth.attach(client);
      await expect(connect(client, 2_000)).rejects.toThrow();
      const failed = await serve.waitFor(/ authentication failed: /);
      expect(failed).toContain('ERR_JWS_ALG');
      expect(failed).toContain('kafka: SASL_AUTHENTICATION_FAILED (58)');
      expect(logs.join('\n')).toContain('SASL authentication error: {"status":"invalid_token"}');
    } finally {
      await disconnect(client);
      await auth.stop();
      await serve.stop();
    }
  }, 20_000);

  it('KIP-368: connections.max.reauth.ms=3000, librdkafka re-authenticates on the same connection and stays connected', async () => {
    const serve = await startServe(unsecuredBroker('', { 'connections.max.reauth.ms': '3000' }));
    const auth = rdkafkaOauthBearer({ 'sasl.jaas.config': `${MODULE} required unsecuredLoginStringClaim_sub="alice";` });
    const { client, logs } = producer(serve.address, {});
    try {
      await auth.attach(client);
      await connect(client).catch((e: Error) => { throw new Error(`${e.message}\n${logs.join('\n')}`); });
      // librdkafka drops its bootstrap connection once it knows broker 0 and keeps the one to broker 0.
      const reauth = await serve.waitFor(/ re-authenticated principal="alice"/, 4_000);
      const peer = reauth.split(' ')[0]!;
      await sleepMs(1_500);
      const lines = serve.lines.filter((l) => l.startsWith(`${peer} `)).map((l) => l.slice(peer.length + 1).replace(/ token=.*$/, ''));
      expect(lines[0]).toBe('authenticated principal="alice" client="librdkafka/2.12.0" session_lifetime_ms=3000 extensions={}');
      expect(lines.slice(1).every((l) => l.startsWith('re-authenticated principal="alice"'))).toBe(true);
      expect(lines.length).toBeGreaterThanOrEqual(2);
      // node-rdkafka's setOauthBearerToken passes an empty principal (src/connection.cc NodeSetToken).
      expect(logs.join('\n')).toContain('SASL OAUTHBEARER authentication successful (principal=)');
    } finally {
      await disconnect(client);
      await auth.stop();
      await serve.stop();
    }
  }, 20_000);
});
