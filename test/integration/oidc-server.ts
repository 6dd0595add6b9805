// A real authorization server for the interop tests: oidc-provider 9 on 127.0.0.1 over HTTPS with a test CA made by
// the openssl CLI (the setup of oidc.test.ts, shared here): client_secret_basic, private_key_jwt (RS256, ES256),
// tls_client_auth with certificate-bound JWT access tokens (RFC 8705 §3), and beside it a small jwt-bearer token
// endpoint (RFC 7523 §2.1), because oidc-provider authenticates a client before any grant handler runs and Kafka's
// and librdkafka's jwt-bearer requests carry no client authentication. Tokens are RS256 JWTs for urn:kafka:cluster.
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

/** The part of oidc-provider's Koa context these hooks read (the package ships no types). */
interface ProviderContext { socket: unknown }

export const AUDIENCE = 'urn:kafka:cluster';
export const SECRET = 'basic-secret-value-123';

export interface OidcServer {
  /** The temporary directory holding the PKI and any files a test writes. */
  readonly dir: string;
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly jwksUrl: string;
  readonly bearerIssuer: string;
  readonly bearerTokenEndpoint: string;
  readonly bearerJwksUrl: string;
  /** Paths of PEM files: ca.crt, server.{crt,key} (CN and SAN 127.0.0.1), client.{crt,key}, other.{crt,key}. */
  file(name: string): string;
  pem(name: string): string;
  /** base64url SHA-256 of a client certificate's DER (RFC 8705 §3.1). */
  thumbprint(name: 'client' | 'other'): string;
  /** The private_key_jwt client keys (client ids `pkjwt-RS256`, `pkjwt-ES256`), also registered for jwt-bearer. */
  readonly keys: Record<'RS256' | 'ES256', { privateKey: KeyObject; publicKey: KeyObject }>;
  /** Writes a PKCS#8 PEM of a client key into dir and returns its path. */
  keyFile(alg: 'RS256' | 'ES256'): string;
  /** Token requests seen, by grant and client; `refused` says why the jwt-bearer endpoint refused one. */
  readonly requests: { grant: string; client: string | null; refused?: string }[];
  close(): Promise<void>;
}

/** Starts oidc-provider and the jwt-bearer endpoint; `ttlSeconds` is every access token's lifetime. */
export async function startOidcServer(options: { ttlSeconds?: number } = {}): Promise<OidcServer> {
  const ttl = options.ttlSeconds ?? 300;
  const dir = mkdtempSync(join(tmpdir(), 'oauthbearer-interop-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const pem = (f: string) => readFileSync(join(dir, f), 'utf8');
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt',
    '-days', '1', '-subj', '/CN=oauthbearer interop CA');
  for (const [name, subject, ext] of [
    ['server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth'],
    ['client', '/CN=mtls-client', 'extendedKeyUsage=clientAuth'],
    ['other', '/CN=other-client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    // PKCS#8 keys (`-nodes` on OpenSSL 3 writes "BEGIN PRIVATE KEY"), which every client here reads.
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
  }
  const keys = {
    RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
    ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  };
  const pub = (k: KeyObject) => k.export({ format: 'jwk' });
  const requests: OidcServer['requests'] = [];

  const ca = pem('ca.crt');
  const server = createServer({ key: pem('server.key'), cert: pem('server.crt'), ca, requestCert: true, rejectUnauthorized: false });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    jwks: { keys: [{ ...signing, kid: 'as-rs256', alg: 'RS256', use: 'sig' }] as never },
    scopes: ['openid', 'kafka'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'tls_client_auth', 'none'],
    enabledJWA: { clientAuthSigningAlgValues: ['RS256', 'ES256'] },
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
        defaultResource: () => AUDIENCE,
        getResourceServerInfo: () => ({ scope: 'kafka', audience: AUDIENCE, accessTokenFormat: 'jwt', accessTokenTTL: ttl, jwt: { sign: { alg: 'RS256' } } }),
        useGrantedResource: () => true,
      },
    },
    clients: [
      { client_id: 'basic-client', client_secret: SECRET, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_basic', scope: 'kafka' },
      ...(['RS256', 'ES256'] as const).map((alg) => ({
        client_id: `pkjwt-${alg}`, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], scope: 'kafka',
        token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: alg,
        jwks: { keys: [{ ...pub(keys[alg].publicKey), kid: `${alg}-1` }] },
      })),
      { client_id: 'mtls-client', grant_types: ['client_credentials'], redirect_uris: [], response_types: [], scope: 'kafka',
        token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: 'CN=mtls-client', tls_client_certificate_bound_access_tokens: true },
    ] as never,
  });
  provider.on('grant.success', (ctx: { oidc: { params?: { grant_type?: string }; client?: { clientId: string } } }) => {
    requests.push({ grant: ctx.oidc.params?.grant_type ?? '?', client: ctx.oidc.client?.clientId ?? null });
  });
  server.on('request', provider.callback());

  // The jwt-bearer endpoint: verifies the grant assertion with a registered key (RS256 or ES256 by `alg`).
  const bearerSigning = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const bearer = createServer({ key: pem('server.key'), cert: pem('server.crt') }, async (req, res) => {
    const base = `https://127.0.0.1:${(bearer.address() as AddressInfo).port}`;
    const send = (status: number, body: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (req.url === '/jwks') return send(200, { keys: [{ ...pub(bearerSigning.publicKey), kid: 'bearer-1', alg: 'ES256' }] });
    let text = '';
    for await (const chunk of req) text += chunk;
    const form = new URLSearchParams(text);
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return send(400, { error: 'unsupported_grant_type' });
    try {
      const assertion = form.get('assertion') ?? '';
      const alg = jose.decodeProtectedHeader(assertion).alg === 'ES256' ? 'ES256' : 'RS256';
      const { payload } = await jose.jwtVerify(assertion, keys[alg].publicKey, { audience: `${base}/token`, requiredClaims: ['iss', 'sub', 'exp'] });
      requests.push({ grant: 'jwt-bearer', client: payload.sub ?? null });
      const now = Math.floor(Date.now() / 1000);
      const token = await new jose.SignJWT({ scope: form.get('scope') ?? 'kafka' }).setProtectedHeader({ alg: 'ES256', kid: 'bearer-1' })
        .setIssuer(base).setSubject(payload.sub!).setAudience(AUDIENCE).setIssuedAt(now).setExpirationTime(now + ttl).sign(bearerSigning.privateKey);
      return send(200, { access_token: token, token_type: 'Bearer', expires_in: ttl });
    } catch (e) {
      const signature = (form.get('assertion') ?? '').split('.')[2] ?? '';
      requests.push({ grant: 'jwt-bearer', client: null, refused: `${(e as Error).message}; ${jose.decodeProtectedHeader(form.get('assertion') ?? '').alg} signature of ${Buffer.from(signature, 'base64url').length} bytes` });
      return send(400, { error: 'invalid_grant', error_description: (e as Error).message });
    }
  });
  await new Promise<void>((resolve) => bearer.listen(0, '127.0.0.1', resolve));
  const bearerIssuer = `https://127.0.0.1:${(bearer.address() as AddressInfo).port}`;

  return {
    dir, issuer, tokenEndpoint: `${issuer}/token`, jwksUrl: `${issuer}/jwks`,
    bearerIssuer, bearerTokenEndpoint: `${bearerIssuer}/token`, bearerJwksUrl: `${bearerIssuer}/jwks`,
    file: (name) => join(dir, name),
    pem,
    thumbprint: (name) => jose.base64url.encode(createHash('sha256').update(new X509Certificate(pem(`${name}.crt`)).raw).digest()),
    keys,
    keyFile(alg) {
      const path = join(dir, `pkjwt-${alg}.pem`);
      writeFileSync(path, keys[alg].privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
      return path;
    },
    requests,
    async close() {
      for (const s of [server, bearer]) s.closeAllConnections();
      await Promise.all([server, bearer].map((s) => new Promise((resolve) => s.close(resolve))));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
