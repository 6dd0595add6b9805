// `oauthbearer token --config client.properties` (issue 10 item 6), spawned as a user runs it: Kafka's unsecured
// login; the secured login against a real authorization server (oidc-provider 9 on 127.0.0.1 over HTTPS with a
// test CA, trusted through Kafka's JAAS ssl.truststore.* options) with a client secret and with a client
// assertion; a refused client; and a closed port, where the reason goes down to the system error.
import { execFile, execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { createServer as createHttpServer } from 'node:http';
import * as jose from 'jose';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/node/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'oauthbearer-token-cli-'));
const SECRET = 'cli-basic-secret-Zq81x';
const PASSPHRASE = 'key-pass-Wd2';
const LOGIN_MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';
const HANDLER = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler';
const assertionKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cli, ...args], { cwd: root, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : (err as { code?: unknown }).code;
      if (typeof code !== 'number') reject(err);
      else resolve({ code, stdout, stderr });
    });
  });
}

function config(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

let server: Server;
let tokenEndpoint: string;
let caFile: string;

beforeAll(async () => {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=token cli test CA');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'server.ext');
  caFile = join(dir, 'ca.crt');
  server = createServer({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.crt')) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    jwks: { keys: [{ ...signing, kid: 'as-rs256', alg: 'RS256', use: 'sig' }] as never },
    scopes: ['kafka'],
    clientAuthMethods: ['client_secret_basic', 'private_key_jwt'],
    enabledJWA: { clientAuthSigningAlgValues: ['ES256'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:kafka:cluster',
        getResourceServerInfo: () => ({ scope: 'kafka', audience: 'urn:kafka:cluster', accessTokenFormat: 'jwt', accessTokenTTL: 300, jwt: { sign: { alg: 'RS256' } } }),
        useGrantedResource: () => true,
      },
    },
    clients: [
      { client_id: 'basic-client', client_secret: SECRET, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_basic', scope: 'kafka' },
      { client_id: 'pkjwt-client', grant_types: ['client_credentials'], redirect_uris: [], response_types: [], scope: 'kafka',
        token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256',
        jwks: { keys: [{ ...assertionKey.publicKey.export({ format: 'jwk' }), kid: 'a1' }] } },
    ] as never,
  });
  server.on('request', provider.callback());
  tokenEndpoint = `${issuer}/token`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server === undefined ? resolve(null) : server.close(resolve)));
  rmSync(dir, { recursive: true, force: true });
});

const secured = (extra: string[], jaasOptions = `ssl.truststore.type="PEM" ssl.truststore.location="${caFile}"`) => [
  'sasl.mechanism=OAUTHBEARER',
  `sasl.login.callback.handler.class=${HANDLER}`,
  `sasl.oauthbearer.token.endpoint.url=${tokenEndpoint}`,
  `org.apache.kafka.sasl.oauthbearer.allowed.urls=${tokenEndpoint}`,
  'sasl.oauthbearer.scope=kafka',
  'sasl.login.retry.backoff.max.ms=300',
  'sasl.login.refresh.buffer.seconds=60',
  ...extra,
  `sasl.jaas.config=${LOGIN_MODULE} required ${jaasOptions} extension_traceId="t42";`,
];

function expectNoSecrets(text: string, ...secrets: string[]): void {
  for (const s of secrets) expect(text).not.toContain(s);
}

describe('oauthbearer token', () => {
  it('makes Kafka\'s unsecured token from the unsecuredLogin* JAAS options and prints claims, expiry and refresh', async () => {
    const file = config('unsecured.properties', [
      'security.protocol=SASL_PLAINTEXT', 'sasl.mechanism=OAUTHBEARER',
      `sasl.jaas.config=${LOGIN_MODULE} required unsecuredLoginStringClaim_sub="alice" unsecuredLoginLifetimeSeconds="1800" unsecuredLoginExtension_traceId="u1";`,
    ]);
    const r = await run(['token', '--config', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^header +\{"alg":"none"\}$/m);
    expect(r.stdout).toMatch(/^claims +\{"exp":[\d.]+,"iat":[\d.]+,"sub":"alice"\}$/m);
    expect(r.stdout).toMatch(/^principal +alice$/m);
    expect(r.stdout).toMatch(/expires in 30 min/);
    expect(r.stdout).toMatch(/^extension +traceId=u1/m);
    // Kafka's schedule for a 30-minute token on the defaults: 0.8-0.85 of its life (+24m00s to +25m30s), the
    // latest clamped to 300 s (sasl.login.refresh.buffer.seconds) before expiry: +25m00s.
    expect(r.stdout).toMatch(/next refresh between .* \(\+24m00s to \+25m00s;/);
    expect(r.stdout).toContain('unsecured validator would accept it');
  });

  it('gets a JWT from oidc-provider with client_credentials and client_secret_basic, checked as Kafka\'s client checks it', async () => {
    const file = config('basic.properties', secured([
      'sasl.oauthbearer.client.credentials.client.id=basic-client', `sasl.oauthbearer.client.credentials.client.secret=${SECRET}`,
    ]));
    const r = await run(['token', '--config', file]);
    expect(r.stderr).toMatch(/client_credentials grant, client_secret_basic as client "basic-client"/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^header +\{"alg":"RS256",.*"kid":"as-rs256"/m);
    expect(r.stdout).toMatch(/^principal +basic-client$/m);
    expect(r.stdout).toMatch(/"aud":"urn:kafka:cluster"/);
    expect(r.stdout).toMatch(/expires in 5 min/);
    expect(r.stdout).toMatch(/^check +Kafka's client-side check: accepted/m);
    expect(r.stdout).toMatch(/^extension +traceId=t42/m);
    // A 300 s token with buffer 60 s: 0.8-0.85 of its life from iat (240-255 s) is clamped to expiry - 60 s,
    // so every draw gives the same time.
    const exp = Number(/"exp":(\d+)/.exec(r.stdout)?.[1]);
    expect(r.stdout).toContain(`next refresh at ${new Date((exp - 60) * 1000).toISOString()}`);
    const signature = /signature (\d+) characters/.exec(r.stdout);
    expect(Number(signature?.[1])).toBeGreaterThan(300);
    expect(r.stdout).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{20}/); // no compact JWS anywhere
    expectNoSecrets(r.stdout + r.stderr, SECRET);
  });

  it('signs a client assertion (KIP-1258, private_key_jwt) from an encrypted key file', async () => {
    const keyFile = join(dir, 'assertion.pem');
    writeFileSync(keyFile, assertionKey.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }) as string);
    const file = config('assertion.properties', secured([
      'sasl.oauthbearer.client.credentials.client.id=pkjwt-client',
      `sasl.oauthbearer.assertion.private.key.file=${keyFile}`, `sasl.oauthbearer.assertion.private.key.passphrase=${PASSPHRASE}`,
      `org.apache.kafka.sasl.oauthbearer.allowed.files=${keyFile}`, 'sasl.oauthbearer.assertion.algorithm=ES256',
      'sasl.oauthbearer.assertion.claim.iss=pkjwt-client', 'sasl.oauthbearer.assertion.claim.sub=pkjwt-client',
      `sasl.oauthbearer.assertion.claim.aud=${tokenEndpoint}`, 'sasl.oauthbearer.assertion.claim.jti.include=true',
    ]));
    const r = await run(['token', '--config', file]);
    expect(r.stderr).toMatch(/private_key_jwt client authentication/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^principal +pkjwt-client$/m);
    expectNoSecrets(r.stdout + r.stderr, PASSPHRASE);
  });

  it('reads a file: token (FileJwtRetriever) and runs Kafka\'s client check on it', async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const jwt = await new jose.SignJWT({ scope: 'kafka' }).setProtectedHeader({ alg: 'ES256', kid: 'f1' }).setSubject('file-user')
      .setIssuedAt(nowS).setExpirationTime(nowS + 1200).sign(assertionKey.privateKey);
    const tokenFile = join(dir, 'token.jwt');
    writeFileSync(tokenFile, `${jwt}\n`);
    const url = `file:${tokenFile}`;
    const file = config('file.properties', [
      'sasl.mechanism=OAUTHBEARER', `sasl.login.callback.handler.class=${HANDLER}`,
      `sasl.oauthbearer.token.endpoint.url=${url}`, `org.apache.kafka.sasl.oauthbearer.allowed.urls=${url}`,
      `sasl.jaas.config=${LOGIN_MODULE} required;`,
    ]);
    const r = await run(['token', '--config', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^source +read from the file .*token\.jwt \(FileJwtRetriever\)$/m);
    expect(r.stdout).toMatch(/^principal +file-user$/m);
    expect(r.stdout).toMatch(/expires in 20 min/);
    expect(r.stdout + r.stderr).not.toContain(jwt.split('.')[2]!);
  });

  it('uses the jwt-bearer grant (KIP-1139) with a signed assertion, against a token endpoint written here', async () => {
    const seen: URLSearchParams[] = [];
    const endpoint = createHttpServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      seen.push(form);
      try {
        const { payload } = await jose.jwtVerify(form.get('assertion') ?? '', assertionKey.publicKey, { requiredClaims: ['iss', 'sub', 'exp', 'iat'] });
        const nowS = Math.floor(Date.now() / 1000);
        const token = await new jose.SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setSubject(payload.sub!).setIssuedAt(nowS).setExpirationTime(nowS + 600).sign(assertionKey.privateKey);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: token, token_type: 'Bearer' }));
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_grant"}');
      }
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/token`;
      const keyFile = join(dir, 'bearer.pem');
      writeFileSync(keyFile, assertionKey.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
      const file = config('bearer.properties', [
        'sasl.mechanism=OAUTHBEARER', `sasl.login.callback.handler.class=${HANDLER}`,
        'sasl.oauthbearer.jwt.retriever.class=org.apache.kafka.common.security.oauthbearer.JwtBearerJwtRetriever',
        `sasl.oauthbearer.token.endpoint.url=${url}`, `org.apache.kafka.sasl.oauthbearer.allowed.urls=${url}`,
        `sasl.oauthbearer.assertion.private.key.file=${keyFile}`, `org.apache.kafka.sasl.oauthbearer.allowed.files=${keyFile}`,
        'sasl.oauthbearer.assertion.algorithm=ES256', 'sasl.oauthbearer.assertion.claim.iss=svc', 'sasl.oauthbearer.assertion.claim.sub=svc',
        'sasl.login.retry.backoff.max.ms=200', `sasl.jaas.config=${LOGIN_MODULE} required;`,
      ]);
      const r = await run(['token', '--config', file]);
      expect(r.stderr).toMatch(/jwt-bearer grant \(RFC 7523 §2\.1\) with an ES256 assertion signed with .*bearer\.pem, no client authentication/);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^principal +svc$/m);
      expect(seen.at(-1)?.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
      expect(r.stdout + r.stderr).not.toContain(seen.at(-1)!.get('assertion')!);
    } finally {
      await new Promise((resolve) => endpoint.close(resolve));
    }
  });

  it('reports the endpoint\'s refusal with its RFC 6749 status and exit 1, without the secret', async () => {
    const wrong = 'wrong-secret-Kp0q7';
    const file = config('refused.properties', secured([
      'sasl.oauthbearer.client.credentials.client.id=basic-client', `sasl.oauthbearer.client.credentials.client.secret=${wrong}`,
    ]));
    const r = await run(['token', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^oauthbearer token: ERR_TOKEN_ENDPOINT \(invalid_client\): /m);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expectNoSecrets(r.stdout + r.stderr, wrong, encodeURIComponent(wrong), Buffer.from(`basic-client:${wrong}`).toString('base64'));
  });

  it('without the CA in ssl.truststore.*, says the TLS trust failed and why', async () => {
    const file = config('untrusted.properties', secured([
      'sasl.oauthbearer.client.credentials.client.id=basic-client', `sasl.oauthbearer.client.credentials.client.secret=${SECRET}`,
    ], ''));
    const r = await run(['token', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ERR_HTTP: .*\((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/);
    expect(r.stderr).toMatch(/^ {2}because: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/m);
  });

  it('against a closed port, gives the network error itself: connect ECONNREFUSED 127.0.0.1:PORT', async () => {
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const url = `http://127.0.0.1:${port}/token`;
    const file = config('closed.properties', [
      'sasl.mechanism=OAUTHBEARER', `sasl.login.callback.handler.class=${HANDLER}`,
      `sasl.oauthbearer.token.endpoint.url=${url}`, `org.apache.kafka.sasl.oauthbearer.allowed.urls=${url}`,
      'sasl.oauthbearer.client.credentials.client.id=svc', `sasl.oauthbearer.client.credentials.client.secret=${SECRET}`,
      'sasl.login.retry.backoff.ms=50', 'sasl.login.retry.backoff.max.ms=200',
      `sasl.jaas.config=${LOGIN_MODULE} required;`,
    ]);
    const r = await run(['token', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`because: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(r.stderr).not.toMatch(/request failed \(TypeError\)/);
    expectNoSecrets(r.stderr, SECRET);
  });

  it('refuses settings Kafka would refuse, with exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['sasl.mechanism=PLAIN', `sasl.jaas.config=${LOGIN_MODULE} required;`], /sasl\.mechanism is "PLAIN"/],
      [['sasl.mechanism=OAUTHBEARER'], /no sasl\.jaas\.config/],
      [[`sasl.jaas.config=${LOGIN_MODULE} required;`], /ERR_CONFIG: No unsecuredLogin\* options/],
      [[`sasl.login.callback.handler.class=${HANDLER}`, `sasl.jaas.config=${LOGIN_MODULE} required;`], /sasl\.oauthbearer\.token\.endpoint\.url/],
      [[`sasl.login.callback.handler.class=${HANDLER}`, 'sasl.oauthbearer.token.endpoint.url=https://idp.example/token',
        'sasl.oauthbearer.client.credentials.client.id=a', 'sasl.oauthbearer.client.credentials.client.secret=bbbb',
        `sasl.jaas.config=${LOGIN_MODULE} required;`], /ERR_URL_NOT_ALLOWED/],
      [[`sasl.jaas.config=${LOGIN_MODULE} required ssl.truststore.type="JKS" unsecuredLoginStringClaim_sub="a";`, `sasl.login.callback.handler.class=${HANDLER}`,
        'sasl.oauthbearer.token.endpoint.url=https://idp.example/token', 'org.apache.kafka.sasl.oauthbearer.allowed.urls=*',
        'sasl.oauthbearer.client.credentials.client.id=a', 'sasl.oauthbearer.client.credentials.client.secret=bbbb'], /reads PEM stores only/],
    ];
    for (const [lines, reason] of cases) {
      const r = await run(['token', '--config', config('bad.properties', lines)]);
      expect(r.code, lines.join(' ')).toBe(2);
      expect(r.stderr, lines.join(' ')).toMatch(reason);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  });
});
