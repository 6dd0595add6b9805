// @platformatic/kafka 1.35 against `oauthbearer serve`, with our oauthbearer/platformatic SASL option: an unsecured
// token with JAAS extensions; client_credentials from oidc-provider checked by serve's KIP-768 validator; a refused
// token as the client reports it; and KIP-368 with connections.max.reauth.ms=3000 (the client re-authenticates on a
// timer at 80% of the session lifetime).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '@platformatic/kafka';
import { oauthBearerSasl } from '../../src/node/providers/platformatic.js';
import { tlsHttp } from '../../src/node/http.js';
import { sleepMs } from '../../src/node/holder.js';
import { SECRET, startOidcServer, type OidcServer } from './oidc-server.js';
import { jwtBroker, startServe, unsecuredBroker } from './serve-harness.js';

const MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';

function admin(address: string, sasl: ReturnType<typeof oauthBearerSasl>): Admin {
  return new Admin({ clientId: 'platformatic-interop', bootstrapBrokers: [address], sasl, retries: 0, connectTimeout: 3_000, requestTimeout: 5_000 });
}

let oidc: OidcServer;
beforeAll(async () => {
  oidc = await startOidcServer();
});
afterAll(async () => oidc?.close());

describe('@platformatic/kafka with oauthbearer/platformatic', () => {
  it('an unsecured token with JAAS extensions: authenticated, metadata answered, serve shows the extensions', async () => {
    const serve = await startServe(unsecuredBroker());
    const sasl = oauthBearerSasl({ 'sasl.jaas.config': `${MODULE} required unsecuredLoginStringClaim_sub="alice" unsecuredLoginExtension_traceId="abc";` });
    const client = admin(serve.address, sasl);
    try {
      const metadata = await client.metadata({ topics: [] });
      expect(metadata.brokers.size).toBe(1);
      const line = await serve.waitFor(/ authenticated principal="alice"/);
      expect(line).toContain('extensions={"traceId":"abc"}');
    } finally {
      await client.close();
      await sasl.stop();
      await serve.stop();
    }
  });

  it('client_credentials from oidc-provider, validated by serve with the JWKS (KIP-768)', async () => {
    const serve = await startServe(jwtBroker(oidc.jwksUrl, oidc.file('ca.crt')));
    const http = tlsHttp({ ca: oidc.pem('ca.crt') });
    const sasl = oauthBearerSasl({
      'sasl.oauthbearer.token.endpoint.url': oidc.tokenEndpoint, 'sasl.oauthbearer.scope': 'kafka',
      'sasl.jaas.config': `${MODULE} required clientId="basic-client" clientSecret="${SECRET}" extension_traceId="cc1";`,
    }, { allowedUrls: oidc.tokenEndpoint, http });
    const client = admin(serve.address, sasl);
    try {
      await client.metadata({ topics: [] });
      const line = await serve.waitFor(/ authenticated principal="basic-client"/);
      expect(line).toContain('extensions={"traceId":"cc1"}');
    } finally {
      await client.close();
      await sasl.stop();
      http.close();
      await serve.stop();
    }
  });

  it('quirk: a refused token surfaces as ILLEGAL_SASL_STATE on the next request; serve says why it failed', async () => {
    const serve = await startServe(jwtBroker(oidc.jwksUrl, oidc.file('ca.crt')));
    const sasl = oauthBearerSasl({ 'sasl.jaas.config': `${MODULE} required unsecuredLoginStringClaim_sub="mallory";` });
    const client = admin(serve.address, sasl);
    try {
      const error = (await client.metadata({ topics: [] }).then(() => null, (e: unknown) => e)) as Error | null;
      expect(error).not.toBeNull();
      const failed = await serve.waitFor(/ authentication failed: /);
      expect(failed).toContain('ERR_JWS_ALG');
      // The client, too, ignores the error challenge (no %x01 reply) and sends ApiVersions next, which Kafka answers
      // with ILLEGAL_SASL_STATE: the user sees that, not the broker's reason.
      expect(failed).toMatch(/The client sent ApiVersions instead of the %x01 reply/);
      const chain: string[] = [];
      for (let e: unknown = error; e instanceof Error && chain.length < 6; e = (e as { cause?: unknown }).cause ?? (e as { errors?: unknown[] }).errors?.[0]) {
        chain.push(`${e.name}: ${e.message}`);
      }
      expect(chain).toEqual(['AggregateError: Received response with error while executing API ApiVersions(v3)', 'Error: Request is not valid given the current SASL state.']);
    } finally {
      await client.close().catch(() => undefined);
      await sasl.stop();
      await serve.stop();
    }
  });

  it('KIP-368: connections.max.reauth.ms=3000, the client re-authenticates on the same connection', async () => {
    const serve = await startServe(unsecuredBroker('', { 'connections.max.reauth.ms': '3000' }));
    const sasl = oauthBearerSasl({ 'sasl.jaas.config': `${MODULE} required unsecuredLoginStringClaim_sub="alice";` });
    const client = admin(serve.address, sasl);
    try {
      await client.metadata({ topics: [] });
      const first = await serve.waitFor(/ authenticated principal="alice"/);
      expect(first).toContain('session_lifetime_ms=3000');
      const peer = first.split(' ')[0]!;
      await sleepMs(3_500);
      await client.metadata({ topics: [], forceUpdate: true });
      // A timer at 80% of the session lifetime (2.4 s): one re-authentication on the same connection, no close.
      const after = serve.lines.slice(serve.lines.indexOf(first) + 1);
      expect(after.filter((l) => l.startsWith(`${peer} re-authenticated principal="alice" session_lifetime_ms=3000`))).toHaveLength(1);
      expect(after.filter((l) => / closed /.test(l))).toEqual([]);
    } finally {
      await client.close();
      await sasl.stop();
      await serve.stop();
    }
  }, 15_000);
});
