// End to end: a SASL/OAUTHBEARER client authenticates to our server mechanism with a JWT signed through our
// node:crypto port, validated by createJwtValidator with keys from a real JWKS endpoint (node:http on 127.0.0.1).
// Success gives Kafka's empty final message and the principal; a bad token gives {"status":"invalid_token"}, the
// client's %x01, and Kafka's failure with the JSON as its message; a certificate-bound token needs its certificate.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JwsAlgorithm } from '../../src/ports.js';
import { encodeBase64url } from '../../src/encoding/base64.js';
import { createJwtValidator } from '../../src/jose/validator.js';
import { createRemoteJwks } from '../../src/jose/jwks.js';
import { createClient } from '../../src/sasl/client.js';
import { authenticateStep, createServer } from '../../src/sasl/server.js';
import { nodeBase64url, nodeCryptoPort } from '../../src/node/crypto.js';
import { testKey } from '../jose/ports.js';

const NOW_MS = 1_700_000_000_000;
const NOW = NOW_MS / 1000;
const ALGS: JwsAlgorithm[] = ['EdDSA', 'ES256', 'RS256', 'PS256'];
let http: HttpServer;
let url: string;
let fetches = 0;

beforeAll(async () => {
  const keys = ALGS.map((alg) => ({ ...testKey(alg).publicJwk, kid: `kid-${alg}`, use: 'sig' }));
  http = createHttpServer((_req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(() => new Promise<void>((resolve) => {
  http.close(() => resolve());
  http.closeAllConnections();
}));

/** A compact JWT signed with our port (the same path client assertions take). */
async function signed(alg: JwsAlgorithm, claims: Record<string, unknown>): Promise<string> {
  const key = await nodeCryptoPort.importPrivateKey(testKey(alg).pkcs8, alg);
  const enc = (v: unknown) => encodeBase64url(new TextEncoder().encode(JSON.stringify(v)));
  const input = `${enc({ alg, typ: 'JWT', kid: `kid-${alg}` })}.${enc(claims)}`;
  return `${input}.${encodeBase64url(await nodeCryptoPort.sign(key, new TextEncoder().encode(input)))}`;
}

describe('SASL/OAUTHBEARER with a signed JWT and a remote JWKS', () => {
  const claims = { iss: 'https://idp.test', sub: 'alice', aud: 'kafka', iat: NOW - 5, exp: NOW + 300, scope: ['produce', 'consume'] };
  let validator: ReturnType<typeof createJwtValidator>;
  beforeAll(() => {
    const keys = createRemoteJwks({ url, http: (r) => fetch(r), clock: { nowMs: () => NOW_MS }, sleep: async () => {} });
    validator = createJwtValidator({ keys, crypto: nodeCryptoPort, base64url: nodeBase64url, audience: ['kafka'], issuer: 'https://idp.test' });
  });

  it.each(ALGS)('%s: the exchange succeeds with the token\'s principal and Kafka\'s empty final message', async (alg) => {
    const token = await signed(alg, claims);
    const client = createClient({ token, extensions: { traceId: 'abc' } });
    const server = createServer();
    const reply = await authenticateStep(server, client.start(), { validator, context: { nowMs: NOW_MS } });
    expect(reply.state).toBe('success');
    expect(reply.principal).toBe('alice');
    expect(reply.token?.scope).toEqual(['produce', 'consume']);
    expect(reply.token?.lifetimeMs).toBe((NOW + 300) * 1000);
    expect(reply.extensions?.get('traceId')).toBe('abc');
    expect(reply.challenge).toEqual(new Uint8Array(0));
    expect(client.receive(reply.challenge!)).toEqual({ action: 'success' });
    expect(fetches).toBe(1); // one JWKS fetch served every algorithm
  });

  it('an expired token: invalid_token challenge, the client\'s %x01, then Kafka\'s failure carrying the JSON', async () => {
    const token = await signed('EdDSA', { ...claims, exp: NOW - 60 });
    const client = createClient({ token });
    const server = createServer();
    const first = await authenticateStep(server, client.start(), { validator, context: { nowMs: NOW_MS } });
    expect(first.state).toBe('continue');
    expect(new TextDecoder().decode(first.challenge!)).toBe('{"status":"invalid_token"}');
    const step = client.receive(first.challenge!);
    expect(step.action).toBe('send');
    const last = await authenticateStep(server, (step as { message: Uint8Array }).message, { validator, context: { nowMs: NOW_MS } });
    expect(last.state).toBe('failure');
    expect(last.kafkaErrorMessage).toBe('{"status":"invalid_token"}');
  });

  it('a token for another audience, or with alg none, fails the same way', async () => {
    for (const token of [
      await signed('ES256', { ...claims, aud: 'other' }),
      `${encodeBase64url(new TextEncoder().encode('{"alg":"none"}'))}.${encodeBase64url(new TextEncoder().encode(JSON.stringify(claims)))}.`,
    ]) {
      const reply = await authenticateStep(createServer(), createClient({ token }).start(), { validator, context: { nowMs: NOW_MS } });
      expect(reply.state).toBe('continue');
      expect(new TextDecoder().decode(reply.challenge!)).toBe('{"status":"invalid_token"}');
    }
  });

  it('a certificate-bound token (RFC 8705) authenticates only on a connection with that certificate', async () => {
    const thumbprint = encodeBase64url(new Uint8Array(32).fill(7));
    const token = await signed('EdDSA', { ...claims, cnf: { 'x5t#S256': thumbprint } });
    const run = (certificateThumbprint: string | null) =>
      authenticateStep(createServer(), createClient({ token }).start(), { validator, context: { nowMs: NOW_MS, certificateThumbprint } });
    expect((await run(thumbprint)).state).toBe('success');
    expect((await run(null)).state).toBe('continue');
    expect((await run(encodeBase64url(new Uint8Array(32)))).state).toBe('continue');
  });
});
