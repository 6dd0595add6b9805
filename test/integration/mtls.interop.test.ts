// mTLS end to end (RFC 8705): a client certificate gets a certificate-bound token (cnf.x5t#S256) from oidc-provider
// by tls_client_auth; KafkaJS presents the same certificate on a SASL_SSL connection to `oauthbearer serve`
// (ssl.client.auth=required, KIP-768 validator), which checks the binding; the same token on a connection with
// another certificate is refused, and serve says why.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import * as jose from 'jose';
import { oauthBearerProvider } from '../../src/node/providers/kafkajs.js';
import { createTokenRetriever } from '../../src/oauth/retriever.js';
import { tlsClientAuth } from '../../src/oauth/client-auth.js';
import { nodeRetrieverPorts } from '../../src/node/token-retriever.js';
import { tlsHttp } from '../../src/node/http.js';
import { startOidcServer, type OidcServer } from './oidc-server.js';
import { jwtBroker, startServe, type RunningServe } from './serve-harness.js';

let oidc: OidcServer;
let serve: RunningServe;
beforeAll(async () => {
  oidc = await startOidcServer();
  const keystore = oidc.file('server-keystore.pem');
  writeFileSync(keystore, oidc.pem('server.key') + oidc.pem('server.crt'));
  serve = await startServe(jwtBroker(oidc.jwksUrl, oidc.file('ca.crt'), {
    listeners: 'SASL_SSL://127.0.0.1:0',
    'ssl.keystore.type': 'PEM', 'ssl.keystore.location': keystore,
    'ssl.truststore.type': 'PEM', 'ssl.truststore.location': oidc.file('ca.crt'),
    'ssl.client.auth': 'required',
  }));
}, 30_000);
afterAll(async () => {
  await serve?.stop();
  await oidc?.close();
});

const kafka = (cert: 'client' | 'other', oauthBearerProvider: () => Promise<{ value: string }>) => new Kafka({
  clientId: 'mtls-interop', brokers: [serve.address], logLevel: logLevel.NOTHING, retry: { retries: 0 },
  ssl: { ca: oidc.pem('ca.crt'), cert: oidc.pem(`${cert}.crt`), key: oidc.pem(`${cert}.key`) },
  sasl: { mechanism: 'oauthbearer', oauthBearerProvider },
}).admin();

describe('mTLS: a certificate-bound token over SASL_SSL', () => {
  let token = '';

  it('tls_client_auth token, presented with its certificate: authenticated, serve shows the certificate', async () => {
    const http = tlsHttp({ ca: oidc.pem('ca.crt'), cert: oidc.pem('client.crt'), key: oidc.pem('client.key') });
    const retrieve = createTokenRetriever({
      tokenEndpoint: oidc.tokenEndpoint, allowedUrls: [oidc.tokenEndpoint], grantType: 'client_credentials',
      clientAuth: tlsClientAuth('mtls-client'), scope: 'kafka', retry: { backoffMs: 50, backoffMaxMs: 200 },
    }, nodeRetrieverPorts({ http }));
    const provider = oauthBearerProvider({}, { retrieve });
    const client = kafka('client', provider);
    try {
      token = (await provider()).value;
      expect((jose.decodeJwt(token).cnf as Record<string, string>)['x5t#S256']).toBe(oidc.thumbprint('client'));
      await client.connect();
      await client.fetchTopicMetadata({ topics: [] });
      const line = await serve.waitFor(/ authenticated principal="mtls-client"/);
      expect(line).toContain(`certificate=${oidc.thumbprint('client')}`);
    } finally {
      await client.disconnect();
      await provider.stop();
      http.close();
    }
  });

  it('the same token on a connection with another certificate: refused, and serve says the binding does not match', async () => {
    expect(token).not.toBe('');
    const from = serve.lines.length;
    const client = kafka('other', async () => ({ value: token }));
    try {
      await client.connect();
      // KafkaJS ignores the error challenge; its next request meets ILLEGAL_SASL_STATE (see kafkajs.interop.test.ts).
      await expect(client.fetchTopicMetadata({ topics: [] })).rejects.toThrow();
      const failed = await serve.waitFor(/ authentication failed: /, 10_000, from);
      expect(failed).toContain('ERR_CNF_MISMATCH');
      expect(failed).toContain('bound to a different client certificate');
    } finally {
      await client.disconnect().catch(() => undefined);
    }
  });
});
