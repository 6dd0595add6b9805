// The one suite every runtime runs (Node, Deno, Bun, Chromium, workerd), as a job module for src/node/runtimes.ts:
// it imports nothing at run time; the host hands it the built package's entries (oauthbearer, oauthbearer/jose,
// oauthbearer/oauth, oauthbearer/vectors from dist/, each under its name: src/node/runtimes.ts JOB_ENTRIES),
// the spec-vectors files and the Wycheproof files. Compiled to plain JS by runtimes.test.ts before each run.
import type * as Lib from '../../src/index.js';
import type * as Jose from '../../src/jose/index.js';
import type * as OAuth from '../../src/oauth/index.js';
import type * as Vectors from '../../src/vectors/index.js';

interface Group { name: string; passed: number; failed: number; failures: string[] }
interface Context {
  lib: typeof Lib;
  jose: typeof Jose;
  oauth: typeof OAuth;
  vectors: typeof Vectors;
  files: ReadonlyArray<{ name: string; text: string }>;
  runtime: string;
}

/** The exchange checks, by name; runtimes.test.ts makes one test of each per runtime. */
export const CHECKS = [
  'SASL exchange with an unsecured token',
  'SASL exchange with an RS256 JWT (WebCrypto)',
  'SASL exchange with an ES256 JWT (WebCrypto)',
  'SASL exchange with an EdDSA JWT (WebCrypto, subtle or noble as the runtime has)',
  'SASL exchange with an EdDSA JWT where WebCrypto lacks Ed25519: the @noble/ed25519 fallback is taken',
  'a JWT with a bad signature is refused with invalid_token',
  'JWKS key source through a fake HTTP port',
  'token request through a fake HTTP port, its token accepted by the broker side',
] as const;

/** Wycheproof files: a file's name (as the host reports it) ends with one of these; its algorithm and EC size. */
const WYCHEPROOF: ReadonlyArray<readonly [string, Lib.JwsAlgorithm, number]> = [
  ['rsa_signature_2048_sha256_test.json', 'RS256', 0],
  ['rsa_pss_2048_sha256_mgf1_32_test.json', 'PS256', 0],
  ['ecdsa_secp256r1_sha256_p1363_test.json', 'ES256', 32],
  ['ecdsa_secp384r1_sha384_p1363_test.json', 'ES384', 48],
  ['ed25519_test.json', 'EdDSA', 0],
];
export const WYCHEPROOF_FILES: readonly string[] = WYCHEPROOF.map(([file]) => file);

/** The three entries the checks use: the SASL machines and Kafka semantics, checking tokens, getting tokens. */
type Pkg = Pick<Context, 'lib' | 'jose' | 'oauth'>;

const MAX_FAILURE_LINES = 50;
// RFC 8037 Appendix A.1: the Ed25519 key of RFC 8032 §7.1 test 1.
const ED25519_JWK = { kty: 'OKP', crv: 'Ed25519', d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
const ENDPOINT = 'https://idp.example/oauth2/token';
const JWKS_URL = 'https://idp.example/jwks';

function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(what);
}

function hex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A big-endian hex integer as a fixed-size base64url coordinate (Wycheproof pads with sign bytes). */
function coordinate(pkg: Pkg, text: string, size: number): string {
  const bytes = hex(text.replace(/^(00)+/, '').padStart(size * 2, '0'));
  return pkg.lib.encodeBase64url(bytes);
}

interface WycheproofTest { tcId: number; comment: string; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable' }
interface WycheproofGroup { publicKeyJwk?: Lib.Jwk; keyJwk?: Lib.Jwk; publicKey?: { wx?: string; wy?: string }; tests: WycheproofTest[] }

async function wycheproof(pkg: Pkg, name: string, text: string, alg: Lib.JwsAlgorithm, size: number, port: Lib.CryptoPort): Promise<Group> {
  const group: Group = { name, passed: 0, failed: 0, failures: [] };
  const data = JSON.parse(text) as { testGroups: WycheproofGroup[] };
  for (const g of data.testGroups) {
    const jwk = g.publicKeyJwk ?? g.keyJwk ?? {
      kty: 'EC', crv: alg === 'ES256' ? 'P-256' : 'P-384', x: coordinate(pkg, g.publicKey!.wx!, size), y: coordinate(pkg, g.publicKey!.wy!, size),
    };
    for (const t of g.tests) {
      let verified = true;
      try {
        await pkg.jose.verifySignature(jwk, alg, hex(t.msg), hex(t.sig), port);
      } catch (err) {
        verified = false;
        if (!(err instanceof pkg.lib.OAuthBearerError)) {
          group.failed++;
          if (group.failures.length < MAX_FAILURE_LINES) group.failures.push(`tc${t.tcId}: threw ${String(err)}, not OAuthBearerError`);
          continue;
        }
      }
      if (t.result === 'acceptable' || verified === (t.result === 'valid')) group.passed++;
      else {
        group.failed++;
        if (group.failures.length < MAX_FAILURE_LINES) group.failures.push(`tc${t.tcId} ${t.result} ${t.comment}: ${verified ? 'verified' : 'refused'}`);
      }
    }
  }
  return group;
}

type KeyPair = { privateJwk: Lib.Jwk; publicJwk: Lib.Jwk };

async function generated(alg: 'RS256' | 'ES256', kid: string): Promise<KeyPair> {
  const params = alg === 'RS256'
    ? { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }
    : { name: 'ECDSA', namedCurve: 'P-256' };
  const pair = (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
  const privateJwk = { ...(await crypto.subtle.exportKey('jwk', pair.privateKey)), kid } as Lib.Jwk;
  const publicJwk = { ...(await crypto.subtle.exportKey('jwk', pair.publicKey)), kid } as Lib.Jwk;
  for (const member of ['key_ops', 'ext', 'alg']) {
    delete privateJwk[member];
    delete publicJwk[member];
  }
  return { privateJwk, publicJwk };
}

function ed25519Pair(kid: string): KeyPair {
  const { d: _d, ...pub } = ED25519_JWK;
  return { privateJwk: { ...ED25519_JWK, kid }, publicJwk: { ...pub, kid } };
}

async function signedJwt(pkg: Pkg, pair: KeyPair, alg: Lib.JwsAlgorithm, port: Lib.CryptoPort, nowMs: number, sub = 'alice'): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  const assertion = await pkg.oauth.createAssertion({
    privateKey: pair.privateJwk, alg, kid: pair.publicJwk.kid!,
    claims: { iss: 'https://idp.example', sub, aud: 'kafka', iat, exp: iat + 3600, scope: 'kafka.read' },
  }, port);
  return assertion.compact;
}

/** A whole client↔server exchange on Kafka's profile: the client's first message, the verdict, the client's view. */
async function exchange(pkg: Pkg, token: string, validator: Lib.TokenValidator, nowMs: number) {
  const client = pkg.lib.createClient({ token, extensions: { traceId: 'runtime-matrix' } });
  const server = pkg.lib.createServer({ profile: 'kafka' });
  const reply = await pkg.lib.authenticateStep(server, client.start(), { validator, context: { nowMs } });
  const clientAction = reply.challenge === null ? null : client.receive(reply.challenge).action;
  return { reply, clientAction };
}

async function signedExchange(pkg: Pkg, pair: KeyPair, alg: Lib.JwsAlgorithm, signer: Lib.CryptoPort, verifier: Lib.CryptoPort): Promise<void> {
  const nowMs = Date.now();
  const token = await signedJwt(pkg, pair, alg, signer, nowMs);
  const validator = pkg.jose.createJwtValidator({ keys: { keys: [pair.publicJwk] }, crypto: verifier, audience: ['kafka'], issuer: 'https://idp.example', cacheEntries: 0 });
  const { reply, clientAction } = await exchange(pkg, token, validator, nowMs);
  check(reply.state === 'success', `expected success, got ${reply.state}: ${reply.error?.message ?? ''}`);
  check(reply.principal === 'alice', `principal ${String(reply.principal)}`);
  check(clientAction === 'success', `client saw ${String(clientAction)}`);
}

/** A SubtleCrypto that refuses Ed25519 as a runtime without it does, and records what it was asked. */
function subtleWithoutEd25519(calls: string[]): SubtleCrypto {
  const real = crypto.subtle;
  const name = (alg: unknown): string => (typeof alg === 'string' ? alg : String((alg as { name?: unknown } | null)?.name));
  const refuse = () => Promise.reject(new DOMException('Ed25519 is not supported', 'NotSupportedError'));
  return {
    importKey: (format: never, key: never, alg: never, extractable: boolean, usages: never) => {
      calls.push(`importKey ${name(alg)}`);
      return name(alg) === 'Ed25519' ? refuse() : real.importKey(format, key, alg, extractable, usages);
    },
    verify: (alg: never, key: CryptoKey, signature: BufferSource, data: BufferSource) => {
      calls.push(`verify ${name(alg)}`);
      return real.verify(alg, key, signature, data);
    },
    sign: (alg: never, key: CryptoKey, data: BufferSource) => {
      calls.push(`sign ${name(alg)}`);
      return real.sign(alg, key, data);
    },
    digest: (alg: AlgorithmIdentifier, data: BufferSource) => real.digest(alg, data),
  } as unknown as SubtleCrypto;
}

async function nativeEd25519(): Promise<boolean> {
  try {
    await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: ED25519_JWK.x }, { name: 'Ed25519' }, false, ['verify']);
    return true;
  } catch {
    return false;
  }
}

const jsonResponse = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

async function runChecks(pkg: Pkg, notes: string[]): Promise<Group[]> {
  const port = pkg.jose.createWebCryptoPort();
  const hasEd25519 = await nativeEd25519();
  notes.push(`WebCrypto Ed25519: ${hasEd25519 ? 'native (subtle)' : 'absent: the port uses @noble/ed25519'}`);
  const rsa = await generated('RS256', 'rsa-1');
  const ec = await generated('ES256', 'ec-1');
  const checks: Record<(typeof CHECKS)[number], () => Promise<void>> = {
    'SASL exchange with an unsecured token': async () => {
      const nowMs = Date.now();
      const token = pkg.lib.createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'alice' }, nowMs);
      const { reply, clientAction } = await exchange(pkg, token.value, pkg.lib.unsecuredValidator({ unsecuredValidatorAllowableClockSkewMs: '1000' }), nowMs);
      check(reply.state === 'success' && reply.principal === 'alice' && clientAction === 'success', `got ${reply.state} ${String(reply.principal)} ${String(clientAction)}`);
      check(reply.extensions?.get('traceId') === 'runtime-matrix', 'the extension did not arrive');
    },
    'SASL exchange with an RS256 JWT (WebCrypto)': () => signedExchange(pkg, rsa, 'RS256', port, port),
    'SASL exchange with an ES256 JWT (WebCrypto)': () => signedExchange(pkg, ec, 'ES256', port, port),
    'SASL exchange with an EdDSA JWT (WebCrypto, subtle or noble as the runtime has)': () => signedExchange(pkg, ed25519Pair('ed-1'), 'EdDSA', port, port),
    'SASL exchange with an EdDSA JWT where WebCrypto lacks Ed25519: the @noble/ed25519 fallback is taken': async () => {
      const calls: string[] = [];
      const fallback = pkg.jose.createWebCryptoPort({ subtle: subtleWithoutEd25519(calls) });
      // Signed and verified on the refusing subtle (noble both ways), then verified on the runtime's own port.
      await signedExchange(pkg, ed25519Pair('ed-2'), 'EdDSA', fallback, fallback);
      await signedExchange(pkg, ed25519Pair('ed-3'), 'EdDSA', fallback, port);
      check(calls.includes('importKey Ed25519'), `the port never asked subtle for Ed25519: ${calls.join(', ')}`);
      check(!calls.some((c) => c === 'verify Ed25519' || c === 'sign Ed25519'), `subtle was asked to use Ed25519: ${calls.join(', ')}`);
      // The same port still hands RSA to subtle: only Ed25519 falls back.
      await signedExchange(pkg, rsa, 'RS256', fallback, fallback);
      check(calls.includes('verify RSASSA-PKCS1-v1_5'), 'RS256 did not go through subtle');
    },
    'a JWT with a bad signature is refused with invalid_token': async () => {
      const nowMs = Date.now();
      const token = await signedJwt(pkg, ec, 'ES256', port, nowMs);
      const [h, p, s] = token.split('.') as [string, string, string];
      const forged = `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`;
      const validator = pkg.jose.createJwtValidator({ keys: { keys: [ec.publicJwk] }, crypto: port, audience: ['kafka'], cacheEntries: 0 });
      const { reply, clientAction } = await exchange(pkg, forged, validator, nowMs);
      check(reply.state === 'continue' && reply.challenge !== null, `a forged signature was not refused: ${reply.state}`);
      const status = pkg.lib.decodeErrorChallenge(reply.challenge).status;
      check(status === 'invalid_token', `the error challenge says ${status}`);
      check(clientAction === 'send', `the client answers Kafka's error challenge with its single byte, got ${String(clientAction)}`);
    },
    'JWKS key source through a fake HTTP port': async () => {
      const requests: Request[] = [];
      const nowMs = Date.now();
      const jwks = pkg.jose.createRemoteJwks({
        url: JWKS_URL, clock: { nowMs: () => nowMs }, sleep: async () => undefined,
        http: async (request) => {
          requests.push(request);
          return jsonResponse({ keys: [rsa.publicJwk, ec.publicJwk] });
        },
      });
      const validator = pkg.jose.createJwtValidator({ keys: jwks, crypto: port, audience: ['kafka'], cacheEntries: 0 });
      for (const [pair, alg] of [[rsa, 'RS256'], [ec, 'ES256']] as const) {
        const { reply } = await exchange(pkg, await signedJwt(pkg, pair, alg, port, nowMs), validator, nowMs);
        check(reply.state === 'success' && reply.principal === 'alice', `${alg} through the JWKS: ${reply.state} ${reply.error?.message ?? ''}`);
      }
      check(requests.length === 1, `the JWKS was fetched ${requests.length} times for two tokens`);
      check(requests[0]!.url === JWKS_URL && requests[0]!.method === 'GET', `${requests[0]!.method} ${requests[0]!.url}`);
    },
    'token request through a fake HTTP port, its token accepted by the broker side': async () => {
      const seen: Array<{ method: string; url: string; authorization: string | null; type: string | null; body: string }> = [];
      let now = Date.now();
      const retrieve = pkg.oauth.createTokenRetriever({
        tokenEndpoint: ENDPOINT, allowedUrls: [ENDPOINT], grantType: 'client_credentials',
        clientAuth: pkg.oauth.clientSecretBasic('my-client', 'my-secret'), scope: 'kafka', retry: { backoffMs: 100, backoffMaxMs: 1000 },
      }, {
        clock: { nowMs: () => now }, random: pkg.lib.webRandom, crypto: port, sleep: async (ms) => { now += ms; },
        http: async (request) => {
          seen.push({ method: request.method, url: request.url, authorization: request.headers.get('authorization'), type: request.headers.get('content-type'), body: await request.text() });
          // The first answer is a retryable 503: the retriever waits and asks again.
          if (seen.length === 1) return jsonResponse({ error: 'temporarily_unavailable' }, 503);
          return jsonResponse({ access_token: await signedJwt(pkg, rsa, 'RS256', port, now, 'my-client'), token_type: 'Bearer', expires_in: 3600 });
        },
      });
      const token = await retrieve();
      check(seen.length === 2, `${seen.length} requests`);
      const first = seen[0]!;
      check(first.method === 'POST' && first.url === ENDPOINT, `${first.method} ${first.url}`);
      check(first.authorization === `Basic ${btoa('my-client:my-secret')}`, 'client_secret_basic header');
      check(first.type?.startsWith('application/x-www-form-urlencoded') === true, `content-type ${String(first.type)}`);
      const form = new URLSearchParams(first.body);
      check(form.get('grant_type') === 'client_credentials' && form.get('scope') === 'kafka', `form ${first.body}`);
      check(token.expiresAtMs !== null && token.expiresAtMs > now, 'expires_in was not read');
      const validator = pkg.jose.createJwtValidator({ keys: { keys: [rsa.publicJwk] }, crypto: port, audience: ['kafka'], cacheEntries: 0 });
      const { reply } = await exchange(pkg, token.accessToken, validator, now);
      check(reply.state === 'success' && reply.principal === 'my-client', `${reply.state} ${String(reply.principal)} ${reply.error?.message ?? ''}`);
    },
  };
  const groups: Group[] = [];
  for (const name of CHECKS) {
    try {
      await checks[name]();
      groups.push({ name: `check: ${name}`, passed: 1, failed: 0, failures: [] });
    } catch (err) {
      groups.push({ name: `check: ${name}`, passed: 0, failed: 1, failures: [err instanceof Error ? `${err.name}: ${err.message}` : String(err)] });
    }
  }
  return groups;
}

/** The job: every vector file, every Wycheproof file (WebCrypto auto, and the noble port for Ed25519), every check. */
export async function run(context: Context): Promise<{ groups: Group[]; notes: string[] }> {
  const { vectors } = context;
  const pkg: Pkg = { lib: context.lib, jose: context.jose, oauth: context.oauth };
  const groups: Group[] = [];
  const notes: string[] = [];
  for (const file of context.files) {
    const wp = WYCHEPROOF.find(([suffix]) => file.name.endsWith(suffix));
    try {
      if (wp !== undefined) {
        const [, alg, size] = wp;
        groups.push(await wycheproof(pkg, `wycheproof: ${wp[0]}`, file.text, alg, size, pkg.jose.createWebCryptoPort()));
        if (alg === 'EdDSA') groups.push(await wycheproof(pkg, `wycheproof: ${wp[0]} (noble)`, file.text, alg, size, pkg.jose.createWebCryptoPort({ ed25519: 'noble' })));
        continue;
      }
      const result = await vectors.runVectorFile(JSON.parse(file.text), vectors.allOps);
      const failures = result.results.filter((r) => !r.passed).slice(0, MAX_FAILURE_LINES).map((r) => `${r.id} (${r.op}): ${r.detail ?? ''}`);
      groups.push({ name: `vectors: ${file.name}`, passed: result.passed, failed: result.failed, failures });
    } catch (err) {
      groups.push({ name: `vectors: ${file.name}`, passed: 0, failed: 1, failures: [`cannot run: ${String(err)}`] });
    }
  }
  groups.push(...(await runChecks(pkg, notes)));
  return { groups, notes };
}
