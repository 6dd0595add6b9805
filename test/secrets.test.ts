// Issue 12 item 3: no secret in any output. One table drives the error paths of the token retriever, the
// assertion and key loaders, the JAAS, properties and librdkafka parsers, and the validators, each with a
// recognisable secret (client secret, passphrase, private key, assertion, access token), and asserts that no form
// of any secret (raw, trimmed, form-encoded, URI-encoded, Basic-encoded, or any 8-character leading part a
// truncation leaves) appears in the message, in any cause's message or own properties, or in an output line.
// Extending it: add a row to ROWS (`run` returns printed lines or throws). The built CLI's rows (token, connect,
// decode, serve) are below: spawned, with stdout and stderr searched for the same forms and for each token sent.
import { execFile, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../src/errors.js';
import { formEncode } from '../src/encoding/form.js';
import { parseJaasConfig } from '../src/kafka/jaas.js';
import { parseProperties } from '../src/kafka/properties.js';
import { parseRdkafkaOauthbearerConfig } from '../src/kafka/rdkafka.js';
import { clientAssertion, clientSecretBasic, clientSecretPost, type ClientAuthMethod } from '../src/oauth/client-auth.js';
import { parseKafkaTokenConfig } from '../src/oauth/config.js';
import { decryptPkcs8, privateKeyFromFile } from '../src/oauth/pem.js';
import { createTokenRetriever, staticAssertionSource, type TokenRetrieverConfig } from '../src/oauth/retriever.js';
import { createJwtValidator } from '../src/jose/validator.js';
import { validateClientJwt } from '../src/jose/claims.js';
import { nodeCryptoPort } from '../src/node/crypto.js';
import { fileAssertionSource, privateKeyFileSource, tokenFileSource } from '../src/node/files.js';
import { webRandom, type CryptoPort, type HttpPort } from '../src/ports.js';
import { connectBroker } from '../src/node/net/client.js';
import { signJwt, testKey } from './jose/ports.js';
import { makePki } from './node/serve-harness.js';

const CLIENT_SECRET = 'Cl1ent+S3cret@p%ss w0rd/-zq';
const PASSPHRASE = 'P4ssphrase-kq7-do-not-print';
/** A passphrase that does not open the key: what a user mistypes is a secret too. */
const WRONG_PASSPHRASE = 'Wr0ngPass-mx3-do-not-print';
/** The part of an unquoted JAAS secret after its space (the tokenizer reads it as the next option's name). */
const JAAS_TAIL = 'Omega7tailword';
const ASSERTION = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ iss: 'svc', sub: 'svc', aud: 'x', exp: 2_000_000_000 })).toString('base64url')}.QXNzZXJ0aW9uU2lnbmF0dXJlLXNlY3JldC1ieXRlcw`;
const signer = testKey('ES256', 'secrets');
const ACCESS_TOKEN = signJwt(signer, { sub: 'alice', iat: 1_700_000_000, exp: 1_700_003_600 }, { kid: 'not-in-jwks' });
const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PRIVATE_KEY_PEM = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
const ENCRYPTED_PEM = pair.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }) as string;
const PRIVATE_KEY_LINES = PRIVATE_KEY_PEM.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'));

const SECRETS: Record<string, string> = {
  'client secret': CLIENT_SECRET, passphrase: PASSPHRASE, 'wrong passphrase': WRONG_PASSPHRASE, assertion: ASSERTION, 'access token': ACCESS_TOKEN,
  'access token signature': ACCESS_TOKEN.split('.')[2]!, 'assertion signature': ASSERTION.split('.')[2]!,
};

/** Every string a secret can show as, and its 8-character leading parts. */
function needles(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, secret] of Object.entries(SECRETS)) {
    for (const [form, text] of [['raw', secret], ['trimmed', secret.trim()], ['form-encoded', formEncode(secret)], ['URI-encoded', encodeURIComponent(secret)]] as const) {
      out.push([`${name} (${form})`, text], [`${name} (${form}, first 8 characters)`, text.slice(0, 8)]);
    }
  }
  const basic = Buffer.from(`my-client:${CLIENT_SECRET}`).toString('base64');
  out.push(['Basic credential', basic], ['Basic credential after the id', basic.slice(12, 28)], ['Basic credential (KIP-1025 form-encoded)', Buffer.from(`my-client:${formEncode(CLIENT_SECRET)}`).toString('base64').slice(12, 28)]);
  for (const line of PRIVATE_KEY_LINES) out.push(['private key (a PEM line)', line.slice(0, 16)]);
  out.push(['private key (encrypted PEM line)', ENCRYPTED_PEM.split('\n')[1]!.slice(0, 16)]);
  out.push(['the JAAS value after the space', JAAS_TAIL]);
  return out;
}

/** Everything an error shows: messages and string own-properties along the cause chain (stack excluded). */
function shown(value: unknown): string[] {
  const out: string[] = [];
  for (let e = value, depth = 0; e !== undefined && e !== null && depth < 10; depth++) {
    if (!(e instanceof Error)) {
      out.push(typeof e === 'string' ? e : JSON.stringify(e) ?? String(e));
      break;
    }
    out.push(e.message, e.name);
    for (const [key, v] of Object.entries(e)) if (key !== 'cause' && key !== 'stack') out.push(typeof v === 'string' ? v : JSON.stringify(v) ?? '');
    e = e.cause;
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'oauthbearer-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const noCrypto: CryptoPort = {
  importPublicJwk: () => { throw new Error('not used'); }, importPrivateKey: () => { throw new Error('not used'); },
  verify: () => { throw new Error('not used'); }, sign: () => { throw new Error('not used'); }, sha256: () => { throw new Error('not used'); },
};
const ENDPOINT = 'https://idp.example/token';
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
const pad = (n: number) => 'x'.repeat(n);

function retrieve(clientAuth: TokenRetrieverConfig['clientAuth'], answer: (request: Request) => Promise<Response>, extra: Partial<TokenRetrieverConfig> = {}) {
  const http: HttpPort = answer;
  return createTokenRetriever(
    { tokenEndpoint: ENDPOINT, allowedUrls: [ENDPOINT], grantType: 'client_credentials', clientAuth, retry: { backoffMs: 1, backoffMaxMs: 3 }, ...extra },
    { http, clock: { nowMs: () => Date.now() }, sleep: async () => undefined, random: webRandom, crypto: noCrypto },
  )();
}
const basic = clientSecretBasic('my-client', CLIENT_SECRET);
const basicEncoded: ClientAuthMethod = clientSecretBasic('my-client', CLIENT_SECRET, { urlencode: true });
const post = clientSecretPost('my-client', CLIENT_SECRET);
const echo = (status: number, part: (r: Request, body: string) => string) => async (r: Request) => {
  const body = await r.text();
  return json(status, { error: 'invalid_client', error_description: part(r, body) });
};
/** A proxy's error that quotes the request (headers and body), with a system error below it. */
async function proxyError(r: Request): Promise<Response> {
  const body = await r.text();
  const system = Object.assign(new Error(`connect ECONNRESET 10.0.0.1:3128 while sending ${body}`), { code: 'ECONNRESET', syscall: 'connect', address: '10.0.0.1', port: 3128, config: { body, headers: r.headers.get('authorization') } });
  throw new TypeError(`proxy refused: ${r.headers.get('authorization') ?? ''} ${body}`, { cause: system });
}

interface Row { readonly name: string; readonly run: () => unknown; readonly code?: string }

const ROWS: Row[] = [
  // The token retriever: servers and proxies that echo the request in every encoding, cut or whole.
  { name: 'retriever: 401 echoing the raw secret', code: 'ERR_TOKEN_ENDPOINT', run: () => retrieve(basic, echo(401, () => `bad secret ${CLIENT_SECRET}`)) },
  { name: 'retriever: 400 echoing the form-encoded body (client_secret_post)', code: 'ERR_TOKEN_ENDPOINT', run: () => retrieve(post, echo(400, (_r, body) => `bad request ${body}`)) },
  { name: 'retriever: 401 echoing the Basic header', code: 'ERR_TOKEN_ENDPOINT', run: () => retrieve(basic, echo(401, (r) => `got ${r.headers.get('authorization')}`)) },
  { name: 'retriever: 401 echoing the KIP-1025 Basic header', code: 'ERR_TOKEN_ENDPOINT', run: () => retrieve(basicEncoded, echo(401, (r) => `got ${r.headers.get('authorization')}`)) },
  { name: 'retriever: a secret cut by the 200-character truncation', code: 'ERR_TOKEN_ENDPOINT', run: () => retrieve(basic, echo(401, () => `${pad(185)}${CLIENT_SECRET}`)) },
  { name: 'retriever: a form-encoded secret cut by the truncation', code: 'ERR_TOKEN_ENDPOINT', run: () => retrieve(post, echo(400, (_r, body) => `${pad(190 - body.indexOf('client_secret=') - 14)}${body}`)) },
  { name: 'retriever: an assertion (always over 200) cut by the truncation', code: 'ERR_TOKEN_ENDPOINT', run: () => retrieve(clientAssertion(ASSERTION, 'svc'), echo(400, (_r, body) => `${pad(100)}${new URLSearchParams(body).get('client_assertion')}`)) },
  { name: 'retriever: a jwt-bearer grant assertion echoed', code: 'ERR_TOKEN_ENDPOINT', run: () => retrieve(post, echo(400, (_r, body) => body), { grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', grantAssertion: staticAssertionSource(ASSERTION) }) },
  { name: 'retriever: 503 echoing the secret, retried, first error reported', code: 'ERR_TOKEN_ENDPOINT', run: () => retrieve(basic, echo(503, () => CLIENT_SECRET)) },
  { name: 'retriever: the secret in the error code itself', code: 'ERR_TOKEN_ENDPOINT', run: () => retrieve(basic, async () => json(401, { error: CLIENT_SECRET })) },
  { name: 'retriever: a 200 body that is not JSON and quotes the secret', code: 'ERR_TOKEN_RESPONSE', run: () => retrieve(basic, async () => new Response(`oops ${CLIENT_SECRET} {`, { status: 200 })) },
  { name: 'retriever: a proxy error quoting the request, kept as cause', code: 'ERR_HTTP', run: () => retrieve(post, proxyError) },
  { name: 'retriever: a proxy error quoting the Basic header', code: 'ERR_HTTP', run: () => retrieve(basic, proxyError) },
  { name: 'retriever: a thrown string quoting the secret', code: 'ERR_HTTP', run: () => retrieve(basic, async () => { throw `failed with ${CLIENT_SECRET}`; }) },
  // Keys and assertions.
  { name: 'pem: an encrypted key with the wrong passphrase', run: () => privateKeyFromFile(ENCRYPTED_PEM, 'wrong-passphrase') },
  { name: 'pem: decrypting with a passphrase that does not fit', run: async () => decryptPkcs8(new Uint8Array(Buffer.from(ENCRYPTED_PEM.split('\n').slice(1, -2).join(''), 'base64')), `${PASSPHRASE}x`) },
  { name: 'pem: a truncated private key', run: () => privateKeyFromFile(PRIVATE_KEY_PEM.slice(0, 150)) },
  { name: 'pem: a private key with a corrupted line', run: () => privateKeyFromFile(PRIVATE_KEY_PEM.replace(PRIVATE_KEY_LINES[1]!, `${PRIVATE_KEY_LINES[1]!.slice(0, 20)}!!`)) },
  { name: 'files: a key file with the wrong passphrase', run: () => privateKeyFileSource(file('key.pem', ENCRYPTED_PEM), `${PASSPHRASE}-nope`).current() },
  { name: 'files: an assertion file that holds two assertions', run: () => fileAssertionSource(file('assertion.jwt', `${ASSERTION}\n${ASSERTION}`)).current() },
  { name: 'files: an assertion file with a bad character', run: () => fileAssertionSource(file('assertion2.jwt', `${ASSERTION}#`)).current() },
  { name: 'files: a token file that is not a JWT', run: () => tokenFileSource(file('token.jwt', `${ACCESS_TOKEN}.extra`)).current() },
  // JAAS, properties, librdkafka config.
  { name: 'jaas: an unquoted secret with a space', code: 'ERR_JAAS_CONFIG', run: () => parseJaasConfig(`org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId=c clientSecret=Alpha9 ${JAAS_TAIL};`) },
  { name: 'jaas: an unquoted secret with two spaces and an =', code: 'ERR_JAAS_CONFIG', run: () => parseJaasConfig(`org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientSecret=Alpha9 ${JAAS_TAIL}=Beta ${JAAS_TAIL};`) },
  { name: 'jaas: an unterminated quoted secret', code: 'ERR_JAAS_CONFIG', run: () => parseJaasConfig(`org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientSecret="${CLIENT_SECRET}`) },
  { name: 'jaas: a secret without the closing ;', code: 'ERR_JAAS_CONFIG', run: () => parseJaasConfig(`org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientSecret="${CLIENT_SECRET}"`) },
  { name: 'properties: a bad \\u escape in a secret line', code: 'ERR_CONFIG', run: () => parseProperties(`sasl.oauthbearer.client.credentials.client.secret=${CLIENT_SECRET}\\u12`) },
  { name: 'properties: a bad setting next to the secret', code: 'ERR_CONFIG', run: () => parseKafkaTokenConfig(new Map([['sasl.oauthbearer.token.endpoint.url', ENDPOINT], ['sasl.oauthbearer.client.credentials.client.id', 'c'], ['sasl.oauthbearer.client.credentials.client.secret', CLIENT_SECRET], ['sasl.login.retry.backoff.ms', CLIENT_SECRET]]), new Map(), { allowedUrls: ENDPOINT }) },
  { name: 'properties: the assertion passphrase next to a bad setting', code: 'ERR_CONFIG', run: () => parseKafkaTokenConfig(new Map([['sasl.oauthbearer.token.endpoint.url', ENDPOINT], ['sasl.oauthbearer.assertion.private.key.passphrase', PASSPHRASE], ['sasl.login.read.timeout.ms', PASSPHRASE]]), new Map(), { allowedUrls: ENDPOINT }) },
  { name: 'rdkafka: an extension holding a secret, then a bad name', code: 'ERR_RDKAFKA_CONFIG', run: () => parseRdkafkaOauthbearerConfig(`principal=alice extension_secret=${CLIENT_SECRET.replace(/ /g, '')} ${CLIENT_SECRET.replace(/ /g, '')}=x`) },
  // Validators: a token is never quoted, nor its signature.
  { name: 'jwt validator: a token whose kid is not in the JWKS', run: () => createJwtValidator({ keys: { keys: [testKey('ES256', 'other').publicJwk] }, crypto: nodeCryptoPort })(ACCESS_TOKEN, { nowMs: 1_700_000_100_000 }) },
  { name: 'jwt validator: a token with a bad signature', run: () => createJwtValidator({ keys: { keys: [{ ...testKey('ES256', 'other').publicJwk, kid: 'not-in-jwks' }] }, crypto: nodeCryptoPort })(ACCESS_TOKEN, { nowMs: 1_700_000_100_000 }) },
  { name: 'client jwt check: a token with four parts', run: () => validateClientJwt(`${ACCESS_TOKEN}.x`) },
];

describe('no secret in any output (issue 12 item 3)', () => {
  const forms = needles();
  it.each(ROWS)('$name', async (row) => {
    let result: unknown;
    let error: unknown;
    try {
      result = await row.run();
    } catch (e) {
      error = e;
    }
    // Every row is an error path; a row that stops failing no longer tests anything.
    expect(error, 'the row must fail').toBeInstanceOf(OAuthBearerError);
    if (row.code !== undefined) expect((error as OAuthBearerError).code).toBe(row.code);
    const texts = [...shown(error), ...(Array.isArray(result) ? result.map(String) : [])];
    for (const [what, needle] of forms) {
      for (const text of texts) {
        if (text.includes(needle)) expect.fail(`${what} appears in: ${text.slice(0, 300)}`);
      }
    }
  });

  it('keeps the system error facts a user needs (code, syscall, address, port) in the cause', async () => {
    const error = await retrieve(post, proxyError).catch((e: unknown) => e) as OAuthBearerError;
    expect(error.message).toContain('connect ECONNRESET 10.0.0.1:3128');
    const causes: unknown[] = [];
    for (let e: unknown = error.cause; e instanceof Error; e = e.cause) causes.push(e);
    expect(causes.at(-1)).toMatchObject({ code: 'ECONNRESET', syscall: 'connect', address: '10.0.0.1', port: 3128 });
    expect(causes.at(-1)).not.toHaveProperty('config');
  });
});

// The CLI and `serve`, spawned as a user runs them (node dist/node/cli.js; `npm test` builds first), on every path
// where a secret is in the input. Each row says which exit code the path ends with; stdout and stderr are searched.
const cliPath = join(import.meta.dirname, '../dist/node/cli.js');
interface Spawned { code: number | null; stdout: string; stderr: string }
function cliRun(args: string[], stdin = ''): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [cliPath, ...args], { timeout: 15_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : (err as { code?: unknown }).code;
      if (typeof code !== 'number') reject(err);
      else resolve({ code, stdout, stderr });
    });
    child.stdin!.end(stdin);
  });
}
function expectNothingSecret(out: Spawned, extra: Array<[string, string]> = []): void {
  for (const [what, needle] of [...needles(), ...extra]) {
    for (const [stream, text] of [['stdout', out.stdout], ['stderr', out.stderr]] as const) {
      const at = text.indexOf(needle);
      if (at >= 0) expect.fail(`${what} appears on ${stream}: ${text.slice(Math.max(0, at - 150), at + 150)}`);
    }
  }
}
/** A token's whole text and signature, and the first 8 characters of each. */
const tokenNeedles = (token: string): Array<[string, string]> => {
  const signature = token.split('.')[2]!;
  return [['the token', token], ['the token signature', signature], ['the token signature (first 8)', signature.slice(0, 8)]];
};

const LOGIN_MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';
const LOGIN_HANDLER = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler';
const closedPort = async (): Promise<number> => {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
};
/** A token endpoint that refuses every request and quotes all of it back: its Authorization header and body. */
let echoServer: HttpServer;
let echoUrl = '';
let tlsEchoServer: HttpsServer;
let tlsEchoUrl = '';
let unreachableUrl = '';
const pki = mkdtempSync(join(tmpdir(), 'oauthbearer-secrets-pki-'));
const echoRefusal = (req: IncomingMessage, res: ServerResponse): void => {
  let body = '';
  req.on('data', (c: Buffer) => { body += c.toString(); });
  req.on('end', () => {
    res.writeHead(401, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: 'invalid_client', error_description: `refused ${req.headers.authorization ?? ''} ${body}` }));
  });
};
beforeAll(async () => {
  makePki(pki);
  echoServer = createHttpServer(echoRefusal);
  tlsEchoServer = createHttpsServer({ key: readFileSync(join(pki, 'server.key')), cert: readFileSync(join(pki, 'server.crt')) }, echoRefusal);
  await Promise.all([echoServer, tlsEchoServer].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
  echoUrl = `http://127.0.0.1:${(echoServer.address() as AddressInfo).port}/token`;
  tlsEchoUrl = `https://127.0.0.1:${(tlsEchoServer.address() as AddressInfo).port}/token`;
  unreachableUrl = `http://127.0.0.1:${await closedPort()}/token`;
}, 30_000);
afterAll(async () => {
  for (const s of [echoServer, tlsEchoServer]) {
    s?.closeAllConnections();
    await new Promise((resolve) => (s === undefined ? resolve(null) : s.close(resolve)));
  }
  rmSync(pki, { recursive: true, force: true });
});

const clientProps = (url: string, lines: string[], jaas = ''): string => [
  'security.protocol=SASL_PLAINTEXT', 'sasl.mechanism=OAUTHBEARER', `sasl.login.callback.handler.class=${LOGIN_HANDLER}`,
  `sasl.oauthbearer.token.endpoint.url=${url}`, `org.apache.kafka.sasl.oauthbearer.allowed.urls=${url}`,
  'sasl.login.retry.backoff.ms=20', 'sasl.login.retry.backoff.max.ms=60', ...lines,
  `sasl.jaas.config=${LOGIN_MODULE} required${jaas};`,
].join('\n');
const secretLines = ['sasl.oauthbearer.client.credentials.client.id=my-client', `sasl.oauthbearer.client.credentials.client.secret=${CLIENT_SECRET}`];
const keyLines = (path: string, passphrase: string | null): string[] => [
  'sasl.oauthbearer.client.credentials.client.id=svc',
  `sasl.oauthbearer.assertion.private.key.file=${path}`, `org.apache.kafka.sasl.oauthbearer.allowed.files=${path}`,
  ...(passphrase === null ? [] : [`sasl.oauthbearer.assertion.private.key.passphrase=${passphrase}`]),
  'sasl.oauthbearer.assertion.algorithm=ES256', 'sasl.oauthbearer.assertion.claim.iss=svc', 'sasl.oauthbearer.assertion.claim.sub=svc',
];
const assertionLines = (path: string): string[] => [
  'sasl.oauthbearer.client.credentials.client.id=svc',
  `sasl.oauthbearer.assertion.file=${path}`, `org.apache.kafka.sasl.oauthbearer.allowed.files=${path}`,
];

interface CliRow { readonly name: string; readonly props: () => string; readonly code?: number }
const CLI_ROWS: CliRow[] = [
  { name: 'a client secret refused by the endpoint (echoed back)', props: () => clientProps(echoUrl, secretLines) },
  { name: 'a client secret, JAAS form (clientId/clientSecret), refused and echoed', props: () => clientProps(echoUrl, [], ` clientId="my-client" clientSecret="${CLIENT_SECRET}"`) },
  { name: 'a client secret and an unreachable endpoint', props: () => clientProps(unreachableUrl, secretLines) },
  { name: 'an encrypted private key with a wrong passphrase', props: () => clientProps(echoUrl, keyLines(file('cli-encrypted.pem', ENCRYPTED_PEM), WRONG_PASSPHRASE)) },
  { name: 'an encrypted private key without its passphrase', props: () => clientProps(echoUrl, keyLines(file('cli-encrypted2.pem', ENCRYPTED_PEM), null)) },
  { name: 'a corrupted private key', props: () => clientProps(echoUrl, keyLines(file('cli-corrupt.pem', PRIVATE_KEY_PEM.replace(PRIVATE_KEY_LINES[1]!, `${PRIVATE_KEY_LINES[1]!.slice(0, 20)}!!`)), null)) },
  { name: 'a signed assertion (good key) refused and echoed', props: () => clientProps(echoUrl, keyLines(file('cli-key.pem', ENCRYPTED_PEM), PASSPHRASE)) },
  { name: 'an assertion file refused and echoed', props: () => clientProps(echoUrl, assertionLines(file('cli-assertion.jwt', ASSERTION))) },
  { name: 'an assertion file that holds two assertions', props: () => clientProps(echoUrl, assertionLines(file('cli-assertion2.jwt', `${ASSERTION}\n${ASSERTION}`))) },
  { name: 'a token file with an expired token', props: () => { const path = file('cli-token.jwt', ACCESS_TOKEN); return clientProps(`file:${path}`, []); } },
  { name: 'a token file that is not a JWT', props: () => { const path = file('cli-token2.jwt', `${ACCESS_TOKEN}.extra`); return clientProps(`file:${path}`, []); } },
  { name: 'a JAAS client keystore whose ssl.key.password is wrong', props: () => {
    const keystore = file('cli-keystore.pem', `${readFileSync(join(pki, 'client.crt'), 'utf8')}\n${ENCRYPTED_PEM}`);
    return clientProps(tlsEchoUrl, secretLines, ` ssl.truststore.type="PEM" ssl.truststore.location="${join(pki, 'ca.crt')}" ssl.keystore.type="PEM" ssl.keystore.location="${keystore}" ssl.key.password="${WRONG_PASSPHRASE}"`);
  } },
];

describe('no secret in the CLI\'s output (issue 12 item 3)', () => {
  it.each(CLI_ROWS)('token --config: $name', async (row) => {
    const out = await cliRun(['token', '--config', file('cli.properties', row.props())]);
    expect(out.code, out.stderr).not.toBe(0);
    expect(out.stderr).toMatch(/^oauthbearer token: /m);
    expectNothingSecret(out);
  });

  it.each(CLI_ROWS)('connect: $name', async (row) => {
    const out = await cliRun(['connect', '--bootstrap', `127.0.0.1:${await closedPort()}`, '--config', file('cli-connect.properties', row.props())]);
    expect(out.code, out.stderr).not.toBe(0);
    expect(out.stderr).toMatch(/^oauthbearer connect: /m);
    expectNothingSecret(out);
  });

  it('decode of a token shows header and claims, never the token or its signature', async () => {
    for (const [args, stdin] of [[['decode', ACCESS_TOKEN], ''], [['decode', `Bearer ${ACCESS_TOKEN}`], ''], [['decode', '-'], ACCESS_TOKEN]] as const) {
      const out = await cliRun([...args], stdin);
      expect(out.stdout).toContain('"sub":"alice"');
      expectNothingSecret(out);
    }
  });

  it('decode of a client message (raw, base64, on stdin) shows its parts, never the token or its signature', async () => {
    const message = `n,,\x01auth=Bearer ${ACCESS_TOKEN}\x01\x01`;
    for (const [args, stdin] of [[['decode', Buffer.from(message).toString('base64')], ''], [['decode', '-'], message]] as const) {
      const out = await cliRun([...args], stdin);
      expect(out.stdout).toContain('alice');
      expectNothingSecret(out);
    }
  });
});

describe('no token in serve\'s lines (issue 12 item 3)', () => {
  const other = testKey('ES256', 'secrets-forger');
  const nowS = (): number => Math.floor(Date.now() / 1000);
  const sign = (claims: Record<string, unknown>, key = signer): string =>
    signJwt(key, { sub: 'svc', aud: 'kafka', iat: nowS(), exp: nowS() + 600, ...claims }, { kid: 'k1', typ: 'JWT' });

  it.each([[[]], [['--json']]])('serve %j refuses a bad signature, an expired token and a wrong audience without quoting them', async (flags) => {
    const jwksFile = file('jwks.json', JSON.stringify({ keys: [{ ...signer.publicJwk, kid: 'k1', alg: 'ES256', use: 'sig' }] }));
    const config = file('broker.properties', [
      'sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
      `sasl.oauthbearer.jwks.endpoint.url=file:${jwksFile}`, `org.apache.kafka.sasl.oauthbearer.allowed.urls=file:${jwksFile}`,
      'sasl.oauthbearer.expected.audience=kafka', 'connection.failed.authentication.delay.ms=0',
    ].join('\n'));
    const tokens = [sign({ sub: 'forger' }, other), sign({ iat: nowS() - 900, exp: nowS() - 200 }), sign({ aud: 'billing' })];
    const child = spawn(process.execPath, [cliPath, 'serve', '--listen', '127.0.0.1:0', '--config', config, ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const waitFor = (re: RegExp, count: number): Promise<void> => new Promise((resolve, reject) => {
        const check = (): void => {
          if ((stdout.match(new RegExp(re.source, 'gm')) ?? []).length >= count) resolve();
        };
        child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); check(); });
        void exited.then((code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
        check();
      });
      const listening = waitFor(/listening/, 1);
      await listening;
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(stdout)![1]);
      for (const token of tokens) {
        const connection = await connectBroker({ host: '127.0.0.1', port, token: () => ({ value: token }) });
        expect((await connection.next(10_000))?.type).toBe('failed');
        connection.close();
      }
      await new Promise<void>((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`three refusals not seen: ${stdout}`)), 10_000);
        const poll = setInterval(() => {
          if ((stdout.match(/authentication.failed|"authentication_failed"|failed/g) ?? []).length >= 3) {
            clearTimeout(deadline);
            clearInterval(poll);
            resolve();
          }
        }, 20);
      });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
    expect(stdout).toMatch(/ERR_JWS_SIGNATURE/);
    expect(stdout).toMatch(/ERR_JWT_EXPIRED/);
    expect(stdout).toMatch(/ERR_JWT_AUDIENCE/);
    expectNothingSecret({ code: 0, stdout, stderr }, tokens.flatMap(tokenNeedles));
  }, 30_000);

  it('serve --config with a keystore whose ssl.key.password is wrong stops with exit 2, quoting neither password nor key', async () => {
    const keystore = file('broker-keystore.pem', `${readFileSync(join(pki, 'server.crt'), 'utf8')}\n${ENCRYPTED_PEM}`);
    const config = file('broker-tls.properties', [
      'listeners=SASL_SSL://127.0.0.1:0', 'ssl.keystore.type=PEM', `ssl.keystore.location=${keystore}`, `ssl.key.password=${WRONG_PASSPHRASE}`,
      `listener.name.sasl_ssl.oauthbearer.sasl.jaas.config=${LOGIN_MODULE} required ssl.key.password="${WRONG_PASSPHRASE}";`,
    ].join('\n'));
    const out = await cliRun(['serve', '--listen', '127.0.0.1:0', '--config', config]);
    // Was exit 1, "internal error (a bug ...)": OpenSSL's throw from node:tls.
    expect(out.code, out.stdout + out.stderr).toBe(2);
    expect(out.stderr).toMatch(/^oauthbearer serve: ERR_CONFIG: Invalid value for configuration ssl\.key\.password: .*bad decrypt/m);
    expectNothingSecret(out);
  });

  it('connect over SASL_SSL with a client keystore whose ssl.key.password is wrong: exit 2, nothing secret', async () => {
    const keystore = file('client-keystore.pem', `${readFileSync(join(pki, 'client.crt'), 'utf8')}\n${ENCRYPTED_PEM}`);
    const props = clientProps(echoUrl, [...secretLines, 'ssl.keystore.type=PEM', `ssl.keystore.location=${keystore}`, `ssl.key.password=${WRONG_PASSPHRASE}`])
      .replace('security.protocol=SASL_PLAINTEXT', 'security.protocol=SASL_SSL');
    const out = await cliRun(['connect', '--bootstrap', `127.0.0.1:${await closedPort()}`, '--config', file('client-tls.properties', props)]);
    expect(out.code, out.stdout + out.stderr).toBe(2);
    expect(out.stderr).toMatch(/ERR_CONFIG: Invalid value for configuration ssl\.key\.password: /);
    expectNothingSecret(out);
  });
});
