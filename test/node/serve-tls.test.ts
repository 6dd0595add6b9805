// serve on SASL_SSL with PEM keystores (Kafka's ssl.keystore.type=PEM, KIP-651), required and requested client
// certificates, and a certificate-bound token (RFC 8705 §3, cnf x5t#S256): the right certificate is accepted,
// another is refused with the reason, no certificate is refused at the TLS handshake when one is required.
import { generateKeyPairSync } from 'node:crypto';
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePki, runConnect, startServe, tempDir, type ServeRun } from './serve-harness.js';

const d = tempDir();
const signing = generateKeyPairSync('ec', { namedCurve: 'P-256' });
let thumbprints: Record<string, string>;
let required: ServeRun;
let requested: ServeRun;

async function sign(claims: Record<string, unknown>): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new jose.SignJWT({ sub: 'mtls-app', iat: now, exp: now + 600, ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(signing.privateKey);
}

function brokerProps(clientAuth: string): string {
  const jwks = `file:${d.dir}/jwks.json`;
  return d.write(`broker-${clientAuth}.properties`, [
    'listeners=SASL_SSL://127.0.0.1:0',
    'sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
    `sasl.oauthbearer.jwks.endpoint.url=${jwks}`,
    `org.apache.kafka.sasl.oauthbearer.allowed.urls=${jwks}`,
    'ssl.keystore.type=PEM',
    `ssl.keystore.location=${d.dir}/server-keystore.pem`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${d.dir}/ca.crt`,
    `ssl.client.auth=${clientAuth}`,
  ].join('\n'));
}

/** Client properties over SASL_SSL with the `cert` client certificate (or none), logging in with `tokenFile`. */
function clientProps(name: string, cert: string | null, token: string): string {
  const tokenFile = d.write(`${name}.jwt`, token);
  // The keystore inline, continued over lines, as a properties file holds PEM values.
  const continued = (pem: string) => pem.trim().split('\n').join(' \\\n    ');
  return d.write(`${name}.properties`, [
    'security.protocol=SASL_SSL',
    'sasl.mechanism=OAUTHBEARER',
    'sasl.login.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
    `sasl.oauthbearer.token.endpoint.url=file:${tokenFile}`,
    `org.apache.kafka.sasl.oauthbearer.allowed.urls=file:${tokenFile}`,
    'sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ;',
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${d.dir}/ca.crt`,
    ...(cert === null ? [] : ['ssl.keystore.type=PEM', `ssl.keystore.key=${continued(d.read(`${cert}.key`))}`, `ssl.keystore.certificate.chain=${continued(d.read(`${cert}.crt`))}`]),
  ].join('\n'));
}

beforeAll(async () => {
  thumbprints = makePki(d.dir, ['client', 'intruder']);
  d.write('server-keystore.pem', d.read('server.key') + d.read('server.crt'));
  d.write('jwks.json', JSON.stringify({ keys: [{ ...signing.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256' }] }));
  required = await startServe(['--listen', '127.0.0.1:0', '--config', brokerProps('required')]);
  requested = await startServe(['--listen', '127.0.0.1:0', '--config', brokerProps('requested')]);
}, 30_000);

afterAll(async () => {
  await required?.stop();
  await requested?.stop();
  d.cleanup();
});

describe('serve over TLS with client certificates', () => {
  it('accepts a certificate-bound token over the connection with that certificate, and shows its thumbprint', async () => {
    const token = await sign({ cnf: { 'x5t#S256': thumbprints.client } });
    const result = await runConnect(['--bootstrap', `127.0.0.1:${required.port}`, '--config', clientProps('right', 'client', token)]);
    expect(result.err).toEqual([]);
    expect(result.out[0]).toBe(`connected to 127.0.0.1:${required.port} (SASL_SSL)`);
    expect(result.code).toBe(0);
    const line = await required.io.waitFor(/ authenticated principal="mtls-app"/);
    expect(line).toContain(` certificate=${thumbprints.client} `);
  });

  it('refuses the same token over a connection with another trusted certificate, saying why', async () => {
    const token = await sign({ cnf: { 'x5t#S256': thumbprints.client }, sub: 'stolen' });
    const result = await runConnect(['--bootstrap', `127.0.0.1:${required.port}`, '--config', clientProps('other', 'intruder', token)]);
    expect(result.code).toBe(1);
    expect(result.out.join('\n')).toMatch(/authentication failed: .*invalid_token/);
    const line = await required.io.waitFor(/ authentication failed: .*"sub":"stolen"/);
    expect(line).toMatch(/ERR_CNF_MISMATCH: The token is bound to a different client certificate than this connection's \(RFC 8705 §3\)/);
  });

  it('with ssl.client.auth=required, fails a client without a certificate at the TLS handshake', async () => {
    const token = await sign({});
    const result = await runConnect(['--bootstrap', `127.0.0.1:${required.port}`, '--config', clientProps('none', null, token)]);
    expect(result.code).toBe(1);
    expect(result.out.at(-1)).toBe('closed by broker (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)');
    expect(await required.io.waitFor(/^127\.0\.0\.1:\d+ tls failed: peer did not return a certificate \(tls_process_client_certificate\)$/)).toBeTruthy();
  });

  it('with ssl.client.auth=requested, takes an unbound token without a certificate and refuses a bound one', async () => {
    const unbound = await runConnect(['--bootstrap', `127.0.0.1:${requested.port}`, '--config', clientProps('plain', null, await sign({ sub: 'no-cert' }))]);
    expect(unbound.code).toBe(0);
    const ok = await requested.io.waitFor(/ authenticated principal="no-cert"/);
    expect(ok).not.toContain('certificate=');
    const bound = await runConnect(['--bootstrap', `127.0.0.1:${requested.port}`, '--config',
      clientProps('bound', null, await sign({ sub: 'needs-cert', cnf: { 'x5t#S256': thumbprints.client } }))]);
    expect(bound.code).toBe(1);
    const line = await requested.io.waitFor(/ authentication failed: .*"sub":"needs-cert"/);
    expect(line).toMatch(/ERR_CNF_MISMATCH: The token is bound to a client certificate \(cnf x5t#S256\) but the connection presented none/);
  });
});
