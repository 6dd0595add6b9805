// The three client providers (src/node/providers/), each fed through the client's own SASL/OAUTHBEARER message
// builder (KafkaJS 2.2.4's protocol/sasl/oauthBearer/request.js, @platformatic/kafka's protocol/sasl/oauth-bearer.js)
// and decoded by our Kafka-profile parser; retrieval runs against oidc-provider (test/integration/oidc-server.ts).
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saslOAuthBearer } from '@platformatic/kafka';
import { oauthBearerProvider } from '../../src/node/providers/kafkajs.js';
import { oauthBearerSasl } from '../../src/node/providers/platformatic.js';
import { rdkafkaOauthBearer } from '../../src/node/providers/rdkafka.js';
import { kafkaTokenSource } from '../../src/node/providers/source.js';
import { decodeClientResponse } from '../../src/sasl/gs2.js';
import { unsecuredValidator } from '../../src/kafka/unsecured.js';
import { encodeBase64url } from '../../src/encoding/base64.js';
import { tlsHttp } from '../../src/node/http.js';
import { sleepMs } from '../../src/node/holder.js';
import { OAuthBearerError } from '../../src/errors.js';
import { SECRET, startOidcServer, type OidcServer } from '../integration/oidc-server.js';

const require = createRequire(import.meta.url);
// KafkaJS builds its client response here (the same module its authenticator calls).
const kafkajsRequest = require('kafkajs/src/protocol/sasl/oauthBearer/request.js') as
  (sasl: { authorizationIdentity?: string }, token: { value: string; extensions?: Record<string, string> }) => Promise<{ encode(): Promise<Buffer> }>;

const MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';
const unsecuredJaas = `${MODULE} required unsecuredLoginStringClaim_sub="alice" unsecuredLoginExtension_traceId="abc";`;

/** KafkaJS writes `writeBytes(message)`: a 4-byte length, then the message. */
async function viaKafkajs(token: { value: string; extensions?: Record<string, string> }, authorizationIdentity?: string): Promise<Uint8Array> {
  const encoded = await (await kafkajsRequest(authorizationIdentity === undefined ? {} : { authorizationIdentity }, token)).encode();
  return new Uint8Array(encoded.subarray(4));
}

/** @platformatic/kafka's authenticate with its own builder; the authenticate API call is where bytes go on the wire. */
function viaPlatformatic(sasl: ReturnType<typeof oauthBearerSasl>): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const api = (_connection: unknown, bytes: Buffer, callback: (error: Error | null, response?: unknown) => void) => {
      resolve(new Uint8Array(bytes));
      callback(null, { authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n });
    };
    saslOAuthBearer.authenticate(api as never, {} as never, sasl.token, sasl.oauthBearerExtensions, (error: Error | null) => {
      if (error) reject(error);
    });
  });
}

const nowMs = () => Date.now();

describe('the KafkaJS provider (unsecured login)', () => {
  it.each([
    ['properties text', `sasl.jaas.config=${unsecuredJaas}\n`],
    ['a Map', new Map([['sasl.jaas.config', unsecuredJaas]])],
    ['a plain object', { 'sasl.jaas.config': unsecuredJaas }],
  ])('from %s: KafkaJS sends our token and JAAS extensions; one token for many connections', async (_name, props) => {
    const provider = oauthBearerProvider(props);
    try {
      const answers = await Promise.all([provider(), provider(), provider()]);
      expect(answers[0]).toEqual(answers[2]);
      const decoded = decodeClientResponse(await viaKafkajs(answers[0]!), { profile: 'kafka' });
      expect(Object.fromEntries(decoded.extensions)).toEqual({ traceId: 'abc' });
      const token = await unsecuredValidator({})(decoded.token, { nowMs: nowMs() });
      expect(token.principal).toBe('alice');
      expect(provider.source.snapshot().fetches).toBe(1);
    } finally {
      await provider.stop();
    }
  });

  it('quirk: KafkaJS 2.2.4 writes a stray double quote before a=authzid, so the GS2 header is malformed', async () => {
    const provider = oauthBearerProvider({ 'sasl.jaas.config': unsecuredJaas });
    try {
      const bytes = await viaKafkajs(await provider(), 'alice');
      expect(new TextDecoder().decode(bytes).startsWith('n,"a=alice,')).toBe(true);
      expect(() => decodeClientResponse(bytes, { profile: 'kafka' })).toThrow(OAuthBearerError);
    } finally {
      await provider.stop();
    }
  });

  it('refuses settings Kafka refuses, at once, naming them', () => {
    expect(() => oauthBearerProvider({ 'sasl.jaas.config': `${MODULE} required unsecuredLoginStringClaim_sub="a" unsecuredLoginExtension_bad1="x";` }))
      .toThrow(expect.objectContaining({ code: 'ERR_CONFIG', message: expect.stringContaining('unsecuredLoginExtension_bad1') }));
    expect(() => oauthBearerProvider({})).toThrow(expect.objectContaining({ code: 'ERR_CONFIG' }));
    expect(() => oauthBearerProvider({
      'sasl.oauthbearer.token.endpoint.url': 'https://idp.example/token', 'org.apache.kafka.sasl.oauthbearer.allowed.urls': 'https://idp.example/token',
      'sasl.jaas.config': `${MODULE} required clientId="a" clientSecret="b" extension_auth="x";`,
    })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG', message: expect.stringContaining('extension_auth') }));
    expect(() => oauthBearerProvider({ 'sasl.oauthbearer.token.endpoint.url': 'https://idp.example/token', 'sasl.oauthbearer.client.credentials.client.id': 'a',
      'sasl.oauthbearer.client.credentials.client.secret': 'b' })).toThrow(expect.objectContaining({ code: 'ERR_URL_NOT_ALLOWED' }));
    expect(() => oauthBearerProvider({ 'sasl.login.callback.handler.class': 'com.example.Custom', 'sasl.jaas.config': unsecuredJaas }))
      .toThrow(expect.objectContaining({ code: 'ERR_CONFIG', message: expect.stringContaining('sasl.login.callback.handler.class') }));
    expect(() => oauthBearerProvider({ 'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";' }))
      .toThrow(expect.objectContaining({ code: 'ERR_JAAS_CONFIG' }));
  });
});

describe('the @platformatic/kafka SASL option (unsecured login)', () => {
  it('its own builder sends our token and extensions; the option has only the keys its schema allows', async () => {
    const sasl = oauthBearerSasl(`sasl.jaas.config=${unsecuredJaas}`);
    try {
      expect(Object.keys(sasl).sort()).toEqual(['mechanism', 'oauthBearerExtensions', 'token']);
      const decoded = decodeClientResponse(await viaPlatformatic(sasl), { profile: 'kafka' });
      expect(Object.fromEntries(decoded.extensions)).toEqual({ traceId: 'abc' });
      expect((await unsecuredValidator({})(decoded.token, { nowMs: nowMs() })).principal).toBe('alice');
    } finally {
      await sasl.stop();
    }
  });
});

describe('the librdkafka provider (unsecured login)', () => {
  it('refreshCallback answers in @confluentinc/kafka-javascript\'s shape; attach sets the token on the client', async () => {
    const auth = rdkafkaOauthBearer({ 'sasl.jaas.config': unsecuredJaas });
    try {
      const refreshed = await auth.refreshCallback('ignored');
      expect(refreshed).toMatchObject({ principal: 'alice', extensions: { traceId: 'abc' } });
      expect(refreshed.lifetime).toBeGreaterThan(nowMs());
      const set: string[] = [];
      const client = { setOauthBearerToken: (value: string) => set.push(value) };
      expect(await auth.attach(client)).toBe(client);
      expect(set).toEqual([refreshed.tokenValue]);
      const admin: string[] = [];
      await auth.attach({ refreshOauthBearerToken: (value: string) => admin.push(value) });
      expect(admin).toEqual([refreshed.tokenValue]);
    } finally {
      await auth.stop();
    }
  });
});

describe('an identity-provider outage (oidc-provider issuing 5-second tokens; the HTTP port made to fail)', () => {
  let oidc: OidcServer;
  beforeAll(async () => {
    oidc = await startOidcServer({ ttlSeconds: 5 });
  });
  afterAll(async () => oidc?.close());

  it('keeps the last good token through a failing refresh, then says why once it has expired', async () => {
    const real = tlsHttp({ ca: oidc.pem('ca.crt') });
    let down = false;
    const http = (request: Request) => (down ? Promise.reject(new TypeError('fetch failed (connect ECONNREFUSED)')) : real(request));
    const provider = oauthBearerProvider({
      'sasl.oauthbearer.token.endpoint.url': oidc.tokenEndpoint, 'sasl.oauthbearer.scope': 'kafka',
      'sasl.login.retry.backoff.ms': 10, 'sasl.login.retry.backoff.max.ms': 20,
      'sasl.jaas.config': `${MODULE} required clientId="basic-client" clientSecret="${SECRET}";`,
    }, { allowedUrls: oidc.tokenEndpoint, http });
    try {
      const first = await provider();
      const expMs = JSON.parse(Buffer.from(first.value.split('.')[1]!, 'base64url').toString()).exp * 1000;
      down = true;
      // Kafka's short-token branch refreshes at 80-85% of the remaining life (0.75-1 s before expiry); it fails.
      while (provider.source.snapshot().failures === 0 && Date.now() < expMs - 100) await sleepMs(25);
      const snapshot = provider.source.snapshot();
      expect(snapshot.failures).toBe(1);
      expect(snapshot.lastError?.code).toBe('ERR_HTTP');
      expect(await provider()).toEqual(first);
      await sleepMs(Math.max(0, expMs - Date.now() + 50));
      const error = (await provider().catch((e: unknown) => e)) as OAuthBearerError;
      expect(error).toMatchObject({ code: 'ERR_TOKEN_PROVIDER', message: expect.stringMatching(/expired at .*ERR_HTTP/) });
      expect((error.cause as OAuthBearerError).code).toBe('ERR_HTTP');
    } finally {
      await provider.stop();
      real.close();
    }
  }, 15_000);
});

describe('retrieval from oidc-provider (client_credentials)', () => {
  let oidc: OidcServer;
  beforeAll(async () => {
    oidc = await startOidcServer();
  });
  afterAll(async () => oidc?.close());

  const props = (secret: string) => [
    `sasl.oauthbearer.token.endpoint.url=${oidc.tokenEndpoint}`,
    'sasl.oauthbearer.scope=kafka',
    'sasl.login.retry.backoff.max.ms=200',
    `sasl.jaas.config=${MODULE} required clientId="basic-client" clientSecret="${secret}" extension_traceId="t1";`,
  ].join('\n');

  it('one token request serves many connections; the JAAS extension_* option is sent', async () => {
    const http = tlsHttp({ ca: oidc.pem('ca.crt') });
    const before = oidc.requests.length;
    const provider = oauthBearerProvider(props(SECRET), { allowedUrls: oidc.tokenEndpoint, http });
    try {
      const [a, b] = await Promise.all([provider(), provider()]);
      expect(a).toEqual(b);
      expect(a.extensions).toEqual({ traceId: 't1' });
      expect(provider.source.snapshot()).toMatchObject({ principal: 'basic-client', fetches: 1 });
      expect(oidc.requests.length - before).toBe(1);
    } finally {
      await provider.stop();
      http.close();
    }
  });

  it('a failed first fetch: ready rejects with the token endpoint\'s error; the provider says why, with it as cause', async () => {
    const http = tlsHttp({ ca: oidc.pem('ca.crt') });
    const source = kafkaTokenSource(props('wrong-secret-789'), { allowedUrls: oidc.tokenEndpoint, http });
    try {
      await expect(source.ready).rejects.toMatchObject({ code: 'ERR_TOKEN_ENDPOINT', status: 'invalid_client' });
      const error = (await source.current().catch((e: unknown) => e)) as OAuthBearerError;
      expect(error).toMatchObject({ code: 'ERR_TOKEN_PROVIDER', message: expect.stringContaining('invalid_client') });
      expect(error.cause).toMatchObject({ code: 'ERR_TOKEN_ENDPOINT' });
      expect(error.message).not.toContain('wrong-secret-789');
    } finally {
      await source.stop();
      http.close();
    }
  });

  it('the platformatic option and the rdkafka callback answer with the same retrieved token', async () => {
    const http = tlsHttp({ ca: oidc.pem('ca.crt') });
    const sasl = oauthBearerSasl(props(SECRET), { allowedUrls: oidc.tokenEndpoint, http });
    const auth = rdkafkaOauthBearer(props(SECRET), { allowedUrls: oidc.tokenEndpoint, http });
    try {
      const decoded = decodeClientResponse(await viaPlatformatic(sasl), { profile: 'kafka' });
      expect(Object.fromEntries(decoded.extensions)).toEqual({ traceId: 't1' });
      expect(await auth.refreshCallback()).toMatchObject({ principal: 'basic-client', extensions: { traceId: 't1' } });
    } finally {
      await sasl.stop();
      await auth.stop();
      http.close();
    }
  });
});
