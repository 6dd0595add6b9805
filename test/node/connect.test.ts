// `oauthbearer connect`: usage and configuration errors (exit 2), an unreachable broker and a peer that is not a
// Kafka broker (exit 1, with the network's own words), and Kafka's OAuthBearerLoginCallbackHandler getting its
// token from a client_credentials endpoint over HTTPS (trust from the JAAS options' ssl.*, as Kafka's
// JaasOptionsUtils reads it), then authenticating to serve; a wrong secret fails with the endpoint's answer.
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command as connect } from '../../src/node/cli/connect.js';
import { makePki, recordingIO, runConnect, startServe, tempDir, unsecuredClientProps, type ServeRun } from './serve-harness.js';

const d = tempDir();
const signing = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const SECRET = 'client-secret-that-must-never-print';
let endpoint: Server;
let tokenUrl: string;
let broker: ServeRun;
let requestsSeen = 0;

beforeAll(async () => {
  makePki(d.dir);
  endpoint = createHttpsServer({ key: d.read('server.key'), cert: d.read('server.crt') }, (req, res) => {
    requestsSeen++;
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      const ok = req.headers.authorization === `Basic ${Buffer.from(`svc:${SECRET}`).toString('base64')}` && body.includes('grant_type=client_credentials');
      if (!ok) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client","error_description":"bad client credentials"}');
        return;
      }
      const now = Math.floor(Date.now() / 1000);
      void new jose.SignJWT({ sub: 'svc', iat: now, exp: now + 300, scope: 'kafka' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(signing.privateKey)
        .then((jwt) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: jwt, token_type: 'Bearer', expires_in: 300 })));
    });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  tokenUrl = `https://127.0.0.1:${(endpoint.address() as AddressInfo).port}/token`;
  const jwks = `file:${d.write('jwks.json', JSON.stringify({ keys: [{ ...signing.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256' }] }))}`;
  broker = await startServe(['--listen', '127.0.0.1:0', '--config', d.write('broker.properties', [
    'sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
    `sasl.oauthbearer.jwks.endpoint.url=${jwks}`, `org.apache.kafka.sasl.oauthbearer.allowed.urls=${jwks}`,
  ].join('\n'))]);
}, 30_000);

afterAll(async () => {
  await broker?.stop();
  await new Promise((r) => endpoint?.close(r));
  d.cleanup();
});

function oauthProps(name: string, secret: string): string {
  return d.write(`${name}.properties`, [
    'security.protocol=SASL_PLAINTEXT',
    'sasl.mechanism=OAUTHBEARER',
    'sasl.login.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
    `sasl.oauthbearer.token.endpoint.url=${tokenUrl}`,
    `org.apache.kafka.sasl.oauthbearer.allowed.urls=${tokenUrl}`,
    'sasl.oauthbearer.client.credentials.client.id=svc',
    `sasl.oauthbearer.client.credentials.client.secret=${secret}`,
    'sasl.login.retry.backoff.max.ms=200',
    `sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ssl.truststore.type="PEM" ssl.truststore.location="${d.dir}/ca.crt" extension_tenant="blue";`,
  ].join('\n'));
}

describe('connect', () => {
  it('gets a token from the client_credentials endpoint over HTTPS and authenticates to serve with it and its extension', async () => {
    const result = await runConnect(['--bootstrap', `127.0.0.1:${broker.port}`, '--config', oauthProps('good', SECRET)]);
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    // Kafka's broker sends the token's remaining lifetime even with connections.max.reauth.ms unset (KIP-368).
    expect(result.out[1]).toMatch(/^authenticated principal="svc" session_lifetime_ms=(\d+) reauthenticate_in_ms=\d+$/);
    expect(Number(/session_lifetime_ms=(\d+)/.exec(result.out[1]!)![1])).toBeLessThanOrEqual(300_000);
    expect(requestsSeen).toBeGreaterThanOrEqual(1);
    expect(await broker.io.waitFor(/ authenticated principal="svc" client="oauthbearer\/[^"]+" session_lifetime_ms=\d+ extensions=\{"tenant":"blue"\}/)).toBeTruthy();
  });

  it('exits 1 with the endpoint\'s error when the secret is wrong, never printing the secret', async () => {
    const wrong = 'wrong-secret-also-never-printed';
    const result = await runConnect(['--bootstrap', `127.0.0.1:${broker.port}`, '--config', oauthProps('bad', wrong)]);
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toMatch(/^oauthbearer connect: no token: ERR_\w+: .*invalid_client/m);
    for (const line of [...result.out, ...result.err, ...broker.io.lines]) {
      expect(line).not.toContain(wrong);
      expect(line).not.toContain(SECRET);
    }
  });

  it('exits 1 naming the network error when nothing listens, and when the peer is not a Kafka broker', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const s = createNetServer();
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const props = d.write('plain.properties', unsecuredClientProps('alice'));
    const refused = await runConnect(['--bootstrap', `127.0.0.1:${closedPort}`, '--config', props]);
    expect(refused.code).toBe(1);
    expect(refused.err).toEqual([`oauthbearer connect: ERR_NETWORK: connect ECONNREFUSED 127.0.0.1:${closedPort}`]);

    const notKafka = createNetServer((socket) => socket.resume().end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => notKafka.listen(0, '127.0.0.1', resolve));
    try {
      const result = await runConnect(['--bootstrap', `127.0.0.1:${(notKafka.address() as AddressInfo).port}`, '--config', props]);
      expect(result.code).toBe(1);
      expect(result.out.at(-1)).toMatch(/^closed by (client: ERR_KAFKA_\w+: |broker)/);
    } finally {
      await new Promise((r) => notKafka.close(r));
    }
  });

  it('refuses usage and configuration errors with exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /--bootstrap HOST:PORT is required/],
      [['--bootstrap', '127.0.0.1:9092'], /--config client\.properties is required/],
      [['--bootstrap', '127.0.0.1:9092', '--config', 'x', '--stay', 'forever'], /--stay takes a number of seconds/],
      [['--bootstrap', 'nohost', '--config', d.write('ok.properties', unsecuredClientProps('a'))], /--bootstrap: "nohost" is not HOST:PORT/],
      [['--bootstrap', '127.0.0.1:9092', '--config', d.write('plaintext.properties', 'security.protocol=PLAINTEXT')], /security\.protocol: PLAINTEXT has no SASL/],
      [['--bootstrap', '127.0.0.1:9092', '--config', d.write('nojaas.properties', unsecuredClientProps('a').replace(/sasl\.jaas\.config=.*/, ''))], /sasl\.jaas\.config: missing/],
    ];
    for (const [argv, message] of cases) {
      const io = recordingIO();
      expect(await connect.run(argv, io), argv.join(' ')).toBe(2);
      expect(io.errLines.join('\n')).toMatch(message);
    }
    const help = recordingIO();
    expect(await connect.run(['--help'], help)).toBe(0);
    expect(help.lines.join('\n')).toContain('Usage: oauthbearer connect --bootstrap HOST:PORT --config client.properties [--stay SECONDS]');
  });
});
