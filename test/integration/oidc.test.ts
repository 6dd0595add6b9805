// Token retrieval against a real authorization server: oidc-provider 9 on 127.0.0.1 over HTTPS with a test CA,
// one client per method (client_secret_basic, client_secret_post, private_key_jwt with EdDSA/ES256/RS256,
// tls_client_auth with certificate-bound JWT access tokens, RFC 8705 §3). Every token then passes our KIP-768
// validator with the JWKS served by the same server.
//
// The jwt-bearer grant (RFC 7523 §2.1, Kafka KIP-1139) runs against a small token endpoint written here:
// oidc-provider authenticates the client before any grant handler runs (lib/shared/client_auth.js), and Kafka's
// JwtBearerRequestFormatter sends no client_id or client authentication at all, so oidc-provider answers
// invalid_request; the test shows that too.
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jose from 'jose';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The part of oidc-provider's Koa context these hooks read (the package ships no types). */
interface ProviderContext { socket: unknown }
import { createJwtValidator } from '../../src/jose/validator.js';
import { createRemoteJwks } from '../../src/jose/jwks.js';
import { allowListedHttp } from '../../src/oauth/urls.js';
import { clientSecretBasic, clientSecretPost, none, privateKeyJwt, tlsClientAuth, type ClientAuthMethod } from '../../src/oauth/client-auth.js';
import { createTokenRetriever, staticAssertionSource, layeredAssertionSource, type TokenRetrieverConfig } from '../../src/oauth/retriever.js';
import { GRANT_TYPE_JWT_BEARER } from '../../src/oauth/request.js';
import { encodeBase64url } from '../../src/encoding/base64.js';
import { nodeCryptoPort } from '../../src/node/crypto.js';
import { tlsHttp } from '../../src/node/http.js';
import { kafkaTokenRetriever, nodeRetrieverPorts } from '../../src/node/token-retriever.js';
import { systemClock, type JwsAlgorithm } from '../../src/ports.js';
import { OAuthBearerError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'oauthbearer-oidc-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
const read = (f: string) => readFileSync(join(dir, f), 'utf8');

function makePki(): void {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt',
    '-days', '1', '-subj', '/CN=oauthbearer test CA');
  for (const [name, subject, ext] of [
    ['server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth'],
    ['client', '/CN=mtls-client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    execFileSync('sh', ['-c', `printf '${ext}\\n' > ${name}.ext`], { cwd: dir });
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
  }
}

const keyPairs: Record<'EdDSA' | 'ES256' | 'RS256', { privateKey: KeyObject; publicKey: KeyObject }> = {
  EdDSA: generateKeyPairSync('ed25519'),
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
};
const pub = (k: KeyObject) => k.export({ format: 'jwk' });
const SECRETS = { basic: 'basic-secret-value-123', post: 'post-secret-value-456' };

let server: Server;
let jwtBearerServer: Server;
let issuer: string;
let tokenEndpoint: string;
let jwksUrl: string;
let bearerTokenEndpoint: string;
let bearerJwksUrl: string;
let ca: string;
let clientThumbprint: string;
const bearerSigningKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });

beforeAll(async () => {
  makePki();
  ca = read('ca.crt');
  clientThumbprint = encodeBase64url(createHash('sha256').update(new X509Certificate(read('client.crt')).raw).digest());
  server = createServer({ key: read('server.key'), cert: read('server.crt'), ca, requestCert: true, rejectUnauthorized: false });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    jwks: { keys: [{ ...signing, kid: 'as-rs256', alg: 'RS256', use: 'sig' }] as never },
    scopes: ['openid', 'kafka'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'tls_client_auth', 'none'],
    enabledJWA: { clientAuthSigningAlgValues: ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      mTLS: {
        enabled: true, tlsClientAuth: true, certificateBoundAccessTokens: true,
        getCertificate(ctx: ProviderContext) {
          const peer = (ctx.socket as TLSSocket).getPeerCertificate();
          return peer?.raw === undefined ? undefined : new X509Certificate(peer.raw);
        },
        certificateAuthorized: (ctx: ProviderContext) => (ctx.socket as TLSSocket).authorized,
        certificateSubjectMatches: (ctx: ProviderContext, property: string, expected: string) => property === 'tls_client_auth_subject_dn'
          && new X509Certificate((ctx.socket as TLSSocket).getPeerCertificate().raw).subject === expected,
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:kafka:cluster',
        getResourceServerInfo: () => ({ scope: 'kafka', audience: 'urn:kafka:cluster', accessTokenFormat: 'jwt', accessTokenTTL: 300, jwt: { sign: { alg: 'RS256' } } }),
        useGrantedResource: () => true,
      },
    },
    clients: [
      { client_id: 'basic-client', client_secret: SECRETS.basic, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_basic', scope: 'kafka' },
      { client_id: 'post-client', client_secret: SECRETS.post, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_post', scope: 'kafka' },
      ...(['EdDSA', 'ES256', 'RS256'] as const).map((alg) => ({
        client_id: `pkjwt-${alg}`, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], scope: 'kafka',
        token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: alg,
        jwks: { keys: [{ ...pub(keyPairs[alg].publicKey), kid: `${alg}-1` }] },
      })),
      { client_id: 'mtls-client', grant_types: ['client_credentials'], redirect_uris: [], response_types: [], scope: 'kafka',
        token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: 'CN=mtls-client', tls_client_certificate_bound_access_tokens: true },
    ] as never,
  });
  server.on('request', provider.callback());
  tokenEndpoint = `${issuer}/token`;
  jwksUrl = `${issuer}/jwks`;

  // The jwt-bearer endpoint: verifies the grant assertion with the client's registered key and issues a JWT.
  jwtBearerServer = createServer({ key: read('server.key'), cert: read('server.crt') }, async (req, res) => {
    const base = `https://127.0.0.1:${(jwtBearerServer.address() as AddressInfo).port}`;
    const send = (status: number, body: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (req.url === '/jwks') return send(200, { keys: [{ ...pub(bearerSigningKey.publicKey), kid: 'bearer-1', alg: 'ES256' }] });
    let text = '';
    for await (const chunk of req) text += chunk;
    const form = new URLSearchParams(text);
    if (form.get('grant_type') !== GRANT_TYPE_JWT_BEARER) return send(400, { error: 'unsupported_grant_type' });
    try {
      const { payload } = await jose.jwtVerify(form.get('assertion') ?? '', keyPairs.ES256.publicKey, { audience: `${base}/token`, requiredClaims: ['iss', 'sub', 'exp', 'iat'] });
      const now = Math.floor(Date.now() / 1000);
      const token = await new jose.SignJWT({ scope: form.get('scope') ?? '' }).setProtectedHeader({ alg: 'ES256', kid: 'bearer-1' })
        .setIssuer(base).setSubject(payload.sub!).setAudience('urn:kafka:cluster').setIssuedAt(now).setExpirationTime(now + 300).sign(bearerSigningKey.privateKey);
      return send(200, { access_token: token, token_type: 'Bearer', expires_in: 300 });
    } catch {
      return send(400, { error: 'invalid_grant' });
    }
  });
  await new Promise<void>((resolve) => jwtBearerServer.listen(0, '127.0.0.1', resolve));
  const bearerBase = `https://127.0.0.1:${(jwtBearerServer.address() as AddressInfo).port}`;
  bearerTokenEndpoint = `${bearerBase}/token`;
  bearerJwksUrl = `${bearerBase}/jwks`;
});

afterAll(async () => {
  server?.closeAllConnections();
  jwtBearerServer?.closeAllConnections();
  await Promise.all([server, jwtBearerServer].map((s) => new Promise((resolve) => (s === undefined ? resolve(null) : s.close(resolve)))));
  rmSync(dir, { recursive: true, force: true });
});

function retriever(clientAuth: ClientAuthMethod, http: ReturnType<typeof tlsHttp>, extra: Partial<TokenRetrieverConfig> = {}) {
  return createTokenRetriever({
    tokenEndpoint, allowedUrls: [tokenEndpoint], grantType: 'client_credentials', clientAuth, scope: 'kafka',
    retry: { backoffMs: 50, backoffMaxMs: 200 }, connectTimeoutMs: 5000, readTimeoutMs: 5000, ...extra,
  }, nodeRetrieverPorts({ http }));
}

async function validate(token: string, url: string, audience: string, iss: string, http: ReturnType<typeof tlsHttp>, certificateThumbprint?: string) {
  // The JWKS served by the same server, through the remote key source and an allow-listed port (CVE-2025-27817:
  // the JWKS URL is checked before any request, as the token endpoint is).
  const keys = createRemoteJwks({ url, http: allowListedHttp(http, [url]), clock: systemClock, sleep: async () => undefined });
  await keys.refresh();
  const validator = createJwtValidator({ keys, crypto: nodeCryptoPort, audience: [audience], issuer: iss });
  return validator(token, { nowMs: Date.now(), ...(certificateThumbprint === undefined ? {} : { certificateThumbprint }) });
}

describe('token retrieval from oidc-provider 9 (HTTPS, test CA)', () => {
  type Case = [name: string, auth: () => ClientAuthMethod, clientId: string];
  it.each<Case>([
    ['client_secret_basic', () => clientSecretBasic('basic-client', SECRETS.basic), 'basic-client'],
    ['client_secret_post', () => clientSecretPost('post-client', SECRETS.post), 'post-client'],
    ...(['EdDSA', 'ES256', 'RS256'] as const).map((alg): Case => [
      `private_key_jwt ${alg}`,
      () => privateKeyJwt(keyPairs[alg].privateKey.export({ format: 'jwk' }) as never, { clientId: `pkjwt-${alg}`, alg: alg as JwsAlgorithm, kid: `${alg}-1`, audience: tokenEndpoint }),
      `pkjwt-${alg}`,
    ]),
  ])('%s: the token passes our KIP-768 validator', async (_name, auth, clientId) => {
    const http = tlsHttp({ ca });
    try {
      const retrieve = retriever(auth(), http);
      const first = await retrieve();
      const second = await retrieve(); // a fresh client assertion (new jti) each time: no replay refusal
      expect(second.accessToken).not.toBe(first.accessToken);
      expect(first.tokenType).toBe('Bearer');
      const token = await validate(first.accessToken, jwksUrl, 'urn:kafka:cluster', issuer, http);
      expect(token.principal).toBe(clientId);
      expect(token.scope).toEqual(['kafka']);
      expect(token.lifetimeMs).toBeGreaterThan(Date.now());
    } finally {
      http.close();
    }
  });

  it('tls_client_auth: a certificate-bound token (cnf.x5t#S256) that validates only with that certificate', async () => {
    const http = tlsHttp({ ca, cert: read('client.crt'), key: read('client.key') });
    try {
      const { accessToken } = await retriever(tlsClientAuth('mtls-client'), http)();
      expect((jose.decodeJwt(accessToken).cnf as Record<string, string>)['x5t#S256']).toBe(clientThumbprint);
      const token = await validate(accessToken, jwksUrl, 'urn:kafka:cluster', issuer, http, clientThumbprint);
      expect(token.principal).toBe('mtls-client');
      await expect(Promise.resolve().then(() => validate(accessToken, jwksUrl, 'urn:kafka:cluster', issuer, http, 'A'.repeat(43))))
        .rejects.toMatchObject({ status: 'invalid_token' });
    } finally {
      http.close();
    }
  });

  it('tls_client_auth without the certificate: invalid_client, not retried, typed', async () => {
    const http = tlsHttp({ ca });
    try {
      const error = await retriever(tlsClientAuth('mtls-client'), http)().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OAuthBearerError);
      expect(error).toMatchObject({ code: 'ERR_TOKEN_ENDPOINT', status: 'invalid_client' });
    } finally {
      http.close();
    }
  });

  it('a wrong client secret: invalid_client, and the secret is in no message', async () => {
    const http = tlsHttp({ ca });
    try {
      const error = (await retriever(clientSecretBasic('basic-client', 'wrong-secret-789'), http)().catch((e: unknown) => e)) as OAuthBearerError;
      expect({ code: error.code, status: error.status, message: error.message }).toMatchObject({ code: 'ERR_TOKEN_ENDPOINT', status: 'invalid_client' });
      expect(error.message).not.toContain('wrong-secret-789');
    } finally {
      http.close();
    }
  });

  it('refuses an untrusted server certificate (no test CA): ERR_HTTP', async () => {
    const http = tlsHttp({});
    try {
      await expect(retriever(clientSecretBasic('basic-client', SECRETS.basic), http, { retry: { backoffMs: 0, backoffMaxMs: 0 } })())
        .rejects.toMatchObject({ code: 'ERR_HTTP', message: expect.stringMatching(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT/) });
    } finally {
      http.close();
    }
  });

  it('oidc-provider refuses a Kafka-shaped jwt-bearer request (no client identification): invalid_request', async () => {
    const http = tlsHttp({ ca });
    try {
      const error = await retriever(none(), http, { grantType: GRANT_TYPE_JWT_BEARER, grantAssertion: staticAssertionSource('a.b.c') })().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_TOKEN_ENDPOINT', status: 'invalid_request' });
    } finally {
      http.close();
    }
  });
});

describe('JWKS URL allow-list', () => {
  it('refuses a JWKS URL that is not allowed before any request', async () => {
    let called = 0;
    const keys = createRemoteJwks({ url: jwksUrl, http: allowListedHttp(async (r) => { called++; return new Response(r.url); }, [tokenEndpoint]), clock: systemClock, sleep: async () => undefined, retryBackoffMaxMs: 0 });
    await keys.refresh().catch(() => undefined);
    // createRemoteJwks wraps port failures as ERR_HTTP; the allow-list refusal is its cause.
    const error = keys.cache.lastError as OAuthBearerError;
    expect([error.code, (error.cause as OAuthBearerError | undefined)?.code]).toContain('ERR_URL_NOT_ALLOWED');
    expect(called).toBe(0);
  });
});

describe('from Kafka settings (kafkaTokenRetriever) against oidc-provider', () => {
  it('client secret from the deprecated JAAS options, with sasl.oauthbearer.header.urlencode=true', async () => {
    const http = tlsHttp({ ca });
    try {
      const retrieve = kafkaTokenRetriever(
        new Map([['sasl.oauthbearer.token.endpoint.url', tokenEndpoint], ['sasl.oauthbearer.header.urlencode', 'true'], ['sasl.login.retry.backoff.max.ms', '200']]),
        new Map([['clientId', 'basic-client'], ['clientSecret', SECRETS.basic], ['scope', 'kafka']]),
        { allowedUrls: tokenEndpoint, ports: { http } },
      );
      const token = await validate((await retrieve()).accessToken, jwksUrl, 'urn:kafka:cluster', issuer, http);
      expect(token.principal).toBe('basic-client');
    } finally {
      http.close();
    }
  });

  it('KIP-1258: a locally generated assertion from an encrypted PKCS#8 key file (jti included)', async () => {
    const http = tlsHttp({ ca });
    try {
      const keyFile = join(dir, 'kip1258.pem');
      writeFileSync(keyFile, keyPairs.RS256.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'key-pass' }) as string);
      const props = (jti: string) => new Map([
        ['sasl.oauthbearer.token.endpoint.url', tokenEndpoint], ['sasl.oauthbearer.scope', 'kafka'], ['sasl.login.retry.backoff.max.ms', '200'],
        ['sasl.oauthbearer.client.credentials.client.id', 'pkjwt-RS256'],
        ['sasl.oauthbearer.assertion.private.key.file', keyFile], ['sasl.oauthbearer.assertion.private.key.passphrase', 'key-pass'],
        ['sasl.oauthbearer.assertion.claim.iss', 'pkjwt-RS256'], ['sasl.oauthbearer.assertion.claim.sub', 'pkjwt-RS256'],
        ['sasl.oauthbearer.assertion.claim.aud', tokenEndpoint], ['sasl.oauthbearer.assertion.claim.jti.include', jti],
      ]);
      const retrieve = kafkaTokenRetriever(props('true'), new Map(), { allowedUrls: tokenEndpoint, allowedFiles: keyFile, ports: { http } });
      const token = await validate((await retrieve()).accessToken, jwksUrl, 'urn:kafka:cluster', issuer, http);
      expect(token.principal).toBe('pkjwt-RS256');
      // Kafka's default leaves jti out; oidc-provider requires one (replay detection), so it refuses the client.
      const noJti = kafkaTokenRetriever(props('false'), new Map(), { allowedUrls: tokenEndpoint, allowedFiles: keyFile, ports: { http } });
      await expect(noJti()).rejects.toMatchObject({ code: 'ERR_TOKEN_ENDPOINT', status: 'invalid_client' });
    } finally {
      http.close();
    }
  });
});

describe('jwt-bearer grant (RFC 7523 §2.1, KIP-1139) against a token endpoint written here', () => {
  it('a layered assertion (Kafka config claims + template) is accepted and the token validates', async () => {
    const http = tlsHttp({ ca });
    try {
      const pkcs8 = new Uint8Array(keyPairs.ES256.privateKey.export({ format: 'der', type: 'pkcs8' }));
      const retrieve = createTokenRetriever({
        tokenEndpoint: bearerTokenEndpoint, allowedUrls: [bearerTokenEndpoint], grantType: GRANT_TYPE_JWT_BEARER, clientAuth: none(),
        grantAssertion: layeredAssertionSource({
          alg: 'ES256', staticClaims: { iss: 'svc', sub: 'svc', aud: bearerTokenEndpoint }, expSeconds: 300, nbfSeconds: 60, includeJti: true,
          privateKey: { current: async () => pkcs8 },
          template: { current: async () => ({ header: { kid: 'ES256-1' }, payload: { tenant: 't1' } }) },
        }),
        scope: 'kafka', retry: { backoffMs: 50, backoffMaxMs: 200 },
      }, nodeRetrieverPorts({ http }));
      const { accessToken } = await retrieve();
      const token = await validate(accessToken, bearerJwksUrl, 'urn:kafka:cluster', bearerTokenEndpoint.replace('/token', ''), http);
      expect(token.principal).toBe('svc');
      const wrongAudience = createTokenRetriever({
        tokenEndpoint: bearerTokenEndpoint, allowedUrls: '*', grantType: GRANT_TYPE_JWT_BEARER, clientAuth: none(),
        grantAssertion: layeredAssertionSource({ alg: 'ES256', staticClaims: { iss: 'svc', sub: 'svc', aud: 'elsewhere' }, expSeconds: 300, nbfSeconds: 60, includeJti: false, privateKey: { current: async () => pkcs8 } }),
        retry: { backoffMs: 50, backoffMaxMs: 200 },
      }, nodeRetrieverPorts({ http }));
      await expect(wrongAudience()).rejects.toMatchObject({ code: 'ERR_TOKEN_ENDPOINT', status: 'invalid_grant' });
    } finally {
      http.close();
    }
  });
});
