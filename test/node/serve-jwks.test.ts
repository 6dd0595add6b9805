// serve with Kafka's KIP-768 validator: signed JWTs checked against a JWKS fetched from a local HTTPS server (test CA,
// trusted through the JAAS options' ssl.truststore.*, as Kafka's JaasOptionsUtils does); connect logs in with
// Kafka's OAuthBearerLoginCallbackHandler reading a file: token. Each refusal shows the validator's own reason.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBroker } from '../../src/node/net/client.js';
import { makePki, runConnect, startServe, tempDir, type ServeRun } from './serve-harness.js';

const d = tempDir();
const signing = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
let https: Server;
let broker: ServeRun;
let jwksFetches = 0;

async function sign(claims: Record<string, unknown>, kid = 'k1', key = signing.privateKey): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new jose.SignJWT({ sub: 'svc', aud: 'kafka', iss: 'https://idp.test', iat: now, exp: now + 600, scope: 'kafka', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
    .sign(key);
}

beforeAll(async () => {
  makePki(d.dir);
  const jwks = JSON.stringify({ keys: [{ ...signing.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' }] });
  https = createServer({ key: d.read('server.key'), cert: d.read('server.crt') }, (req, res) => {
    jwksFetches++;
    res.writeHead(req.url === '/jwks' ? 200 : 404, { 'content-type': 'application/json' }).end(req.url === '/jwks' ? jwks : '{}');
  });
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(https.address() as AddressInfo).port}/jwks`;
  const config = d.write('broker.properties', [
    'sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
    `sasl.oauthbearer.jwks.endpoint.url=${url}`,
    `org.apache.kafka.sasl.oauthbearer.allowed.urls=${url}`,
    'sasl.oauthbearer.expected.audience=kafka',
    'sasl.oauthbearer.expected.issuer=https://idp.test',
    `listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ssl.truststore.type="PEM" ssl.truststore.location="${d.dir}/ca.crt";`,
  ].join('\n'));
  broker = await startServe(['--listen', '127.0.0.1:0', '--config', config]);
}, 30_000);

afterAll(async () => {
  await broker?.stop();
  await new Promise((r) => https?.close(r));
  d.cleanup();
});

function clientProps(tokenFile: string): string {
  return d.write('client.properties', [
    'security.protocol=SASL_PLAINTEXT',
    'sasl.mechanism=OAUTHBEARER',
    'sasl.login.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
    `sasl.oauthbearer.token.endpoint.url=file:${tokenFile}`,
    `org.apache.kafka.sasl.oauthbearer.allowed.urls=file:${tokenFile}`,
    'sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ;',
  ].join('\n'));
}

async function refusal(token: string): Promise<string> {
  const connection = await connectBroker({ host: '127.0.0.1', port: broker.port, token: () => ({ value: token }) });
  const event = await connection.next(10_000);
  connection.close();
  expect(event?.type).toBe('failed');
  const from = broker.io.lines.length;
  void from;
  return broker.io.waitFor(new RegExp(`^127\\.0\\.0\\.1:\\d+ authentication failed: .*"kid":"${JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid}"`));
}

describe('serve with a JWKS over HTTPS', () => {
  it('fetched the JWKS at startup through the JAAS truststore and accepts connect with a signed token', async () => {
    expect(jwksFetches).toBeGreaterThanOrEqual(1);
    expect(broker.io.errLines.join('\n')).toMatch(/validating signed JWTs with the JWKS at https:\/\/127\.0\.0\.1:\d+\/jwks/);
    const token = await sign({});
    const result = await runConnect(['--bootstrap', `127.0.0.1:${broker.port}`, '--config', clientProps(d.write('token.jwt', token))]);
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.out[1]).toMatch(/^authenticated principal="svc" session_lifetime_ms=\d+ /);
    const line = await broker.io.waitFor(/ authenticated principal="svc"/);
    expect(line).toMatch(/token=\{"alg":"ES256","kid":"k1","typ":"JWT"\}\.\{"sub":"svc","aud":"kafka"/);
    expect(line).not.toContain(token.split('.')[2]!);
  });

  it('says the token expired 3 min ago, and connect exits 1 with the broker\'s answer', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await sign({ iat: now - 900, exp: now - 200 }, 'k1');
    const result = await runConnect(['--bootstrap', `127.0.0.1:${broker.port}`, '--config', clientProps(d.write('expired.jwt', token))]);
    expect(result.code).toBe(1);
    expect(result.out.join('\n')).toMatch(/authentication failed: .*invalid_token/);
    const line = await broker.io.waitFor(/ authentication failed: .*ERR_JWT_EXPIRED/);
    expect(line).toMatch(/ERR_JWT_EXPIRED: The token expired 3 min ago \(exp \d+, now \d+, clock skew 30 s\)/);
    expect(line).toContain('| kafka: SASL_AUTHENTICATION_FAILED (58) "{\\"status\\":\\"invalid_token\\"}"');
  });

  it('says the audience does not match', async () => {
    const line = await refusal(await sign({ aud: 'billing' }, 'k1'));
    expect(line).toMatch(/ERR_JWT_AUDIENCE: The token's audience does not match: "aud" \["billing"\] holds none of \["kafka"\]/);
  });

  it('says kid k7 is not in the JWKS, and that a signature by another key does not verify', async () => {
    const missing = await refusal(await sign({}, 'k7'));
    expect(missing).toMatch(/ERR_JWKS_NO_KEY: kid "k7" is not in the JWKS/);
    const forged = await sign({ sub: 'forger' }, 'k1', other.privateKey);
    const connection = await connectBroker({ host: '127.0.0.1', port: broker.port, token: () => ({ value: forged }) });
    expect((await connection.next(10_000))?.type).toBe('failed');
    connection.close();
    const line = await broker.io.waitFor(/ authentication failed: .*"sub":"forger"/);
    expect(line).toMatch(/ERR_JWS_SIGNATURE: /);
    expect(line).not.toContain(forged.split('.')[2]!);
  });
});
