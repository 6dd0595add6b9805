// Issue 12 item 3: no secret in any output. One table drives the error paths of the token retriever, the
// assertion and key loaders, the JAAS, properties and librdkafka parsers, and the validators, each with a
// recognisable secret (client secret, passphrase, private key, assertion, access token), and asserts that no form
// of any secret (raw, trimmed, form-encoded, URI-encoded, Basic-encoded, or any 8-character leading part a
// truncation leaves) appears in the message, in any cause's message or own properties, or in an output line.
// Extending it: add a row to ROWS (the CLI and `serve` rows go here; `run` returns printed lines or throws).
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
import { signJwt, testKey } from './jose/ports.js';

const CLIENT_SECRET = 'Cl1ent+S3cret@p%ss w0rd/-zq';
const PASSPHRASE = 'P4ssphrase-kq7-do-not-print';
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
  'client secret': CLIENT_SECRET, passphrase: PASSPHRASE, assertion: ASSERTION, 'access token': ACCESS_TOKEN,
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
