/**
 * Signed access-token validation (the broker's hot path) per algorithm, one run, side by side, with a typical
 * ~800-byte token: ours on the node:crypto port (default portable decoders), on the WebCrypto port, and a
 * verified-token cache hit; panva/jose `jwtVerify` with a local JWKS; fast-jwt's verifier without and with its
 * cache; and the floors:
 * - `crypto.verify` and `crypto.subtle.verify` on the same signing input with the key reused (the floors);
 * - base64url + JSON.parse of the payload (what any cache-less claims check must do);
 * - the two together in one loop, per crypto API: the least any validator without a cache does. Measured, it costs
 *   more than the sum of its parts: work between two verifications slows the next one (cold caches), which a loop
 *   of bare verifications never pays.
 * Synchronous and asynchronous cases are compared in separate groups (an awaited case's cost depends on what ran
 * before it; bench/harness.ts). Targets (issue 13): node port ≤ 1.00× fast-jwt without cache and ≤ 1.10× the
 * verify + base64url + JSON.parse floor; WebCrypto port ≤ 1.10× subtle.verify, one at a time and 16 in flight;
 * cache hit ≤ 0.5× fast-jwt's cached hit.
 * Run: npx tsx bench/jwt.bench.ts
 */
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import * as jose from 'jose';
import { createVerifier } from 'fast-jwt';
import { compare, formatRatio, quantile, verdict, type BenchCase, type Ratio } from './harness.js';
import { targets, writeTargets } from './targets.js';
import { createJwtValidator } from '../src/jose/validator.js';
import { nodeCryptoPort } from '../src/node/crypto.js';
import { webCryptoPort } from '../src/jose/webcrypto.js';
import type { Jwk, JwsAlgorithm } from '../src/ports.js';

const NOW = 1_700_000_000;
const context = { nowMs: NOW * 1000 };
const b64u = (s: string | Uint8Array): string => Buffer.from(s).toString('base64url');

function makeToken(alg: JwsAlgorithm, privateKey: KeyObject): string {
  const header = b64u(JSON.stringify({ alg, typ: 'JWT', kid: 'k1' }));
  const claims: Record<string, unknown> = {
    iss: 'https://idp.example.com/realms/kafka', sub: 'service-account-orders', aud: 'kafka-broker',
    iat: NOW - 60, exp: NOW + 3600, nbf: NOW - 60, jti: '4f1c6a52-8f5e-4d0b-9a55-3c2f1d0e7b9a',
    scope: 'kafka.read kafka.write', azp: 'orders-service', client_id: 'orders-service',
  };
  // Pad to a typical ~800-byte token whatever the signature length (RS256 342 chars, ES256/EdDSA 86).
  const sigChars = alg === 'RS256' ? 342 : 86;
  const base = `${header}.${b64u(JSON.stringify(claims))}`.length + 1 + sigChars;
  const room = Math.max(0, Math.floor(((800 - base) * 3) / 4) - 12);
  claims.realm_access = { roles: ['offline_access', 'uma_authorization', 'x'.repeat(Math.max(0, room - 48))] };
  const input = `${header}.${b64u(JSON.stringify(claims))}`;
  const opts = alg === 'ES256' ? { dsaEncoding: 'ieee-p1363' as const } : {};
  const signature = sign(alg === 'EdDSA' ? null : 'sha256', Buffer.from(input), { key: privateKey, ...opts });
  return `${input}.${b64u(signature)}`;
}

const summary: string[] = [];
const algs = (process.env.BENCH_ALGS ?? 'RS256,ES256,EdDSA').split(',') as JwsAlgorithm[];
for (const alg of algs) {
  const pair = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  const jwk = { ...(pair.publicKey.export({ format: 'jwk' }) as Jwk), kid: 'k1' };
  const jwks = { keys: [jwk] };
  const token = makeToken(alg, pair.privateKey);
  const [h, p, s] = token.split('.') as [string, string, string];
  const signingInput = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(s, 'base64url');

  // Floors: the bare signature check with the key reused.
  const keyObject = createPublicKey({ key: jwk as never, format: 'jwk' });
  const nodeKey = alg === 'ES256' ? { key: keyObject, dsaEncoding: 'ieee-p1363' as const } : keyObject;
  const hash = alg === 'EdDSA' ? null : 'sha256';
  const subtleParams = alg === 'RS256' ? { name: 'RSASSA-PKCS1-v1_5' } : alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'Ed25519' };
  const importParams = alg === 'RS256' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : alg === 'ES256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'Ed25519' };
  const { kid: _kid, ...bareJwk } = jwk;
  void _kid;
  const cryptoKey = await crypto.subtle.importKey('jwk', bareJwk as JsonWebKey, importParams, false, ['verify']);
  if (!verify(hash, signingInput, nodeKey, signature)) throw new Error('floor does not verify');

  const oursNode = createJwtValidator({ keys: jwks, crypto: nodeCryptoPort, audience: ['kafka-broker'], cacheEntries: 0 });
  const oursWeb = createJwtValidator({ keys: jwks, crypto: webCryptoPort, audience: ['kafka-broker'], cacheEntries: 0 });
  const oursCached = createJwtValidator({ keys: jwks, crypto: nodeCryptoPort, audience: ['kafka-broker'] });
  // Everything the node port does but the signature check: a port whose verify says yes without looking.
  const oursNoVerify = createJwtValidator({ keys: jwks, crypto: { ...nodeCryptoPort, verify: () => true }, audience: ['kafka-broker'], cacheEntries: 0 });
  await oursWeb(token, context);
  await oursCached(token, context);
  const localJwks = jose.createLocalJWKSet(jwks as never);
  const joseOptions = { algorithms: [alg], audience: 'kafka-broker', currentDate: new Date(NOW * 1000), requiredClaims: ['exp', 'iat'] };
  const pem = keyObject.export({ format: 'pem', type: 'spki' }) as string;
  const clockTimestamp = NOW * 1000;
  const fastJwt = createVerifier({ key: pem, algorithms: [alg], allowedAud: 'kafka-broker', clockTimestamp, cache: false });
  const fastJwtCached = createVerifier({ key: pem, algorithms: [alg], allowedAud: 'kafka-broker', clockTimestamp, cache: true });
  fastJwtCached(token);
  // A token as it arrives from the wire is a fresh string: its hash is not yet computed. Built by slicing a
  // longer string, so producing it costs the same in the floor and in the cache-hit case.
  const wire = `${token}#`;
  const fresh = (): string => wire.slice(0, -1);

  const parse = (): unknown => JSON.parse(Buffer.from(fresh().split('.')[1]!, 'base64url').toString());
  // The least a validator given the token as a string must do before and around the signature check, with Node's
  // native codecs and no checks beyond a strict signature encoding: split at the dots, decode the signature, make
  // the signing input's bytes, verify, decode and parse the payload. Not a floor of the issue; it says how much of
  // the node port's distance from the floor is the token's own decoding, and how much is the checks.
  const leastWork = (): boolean => {
    const t = fresh();
    const dot1 = t.indexOf('.');
    const dot2 = t.indexOf('.', dot1 + 1);
    const sigText = t.slice(dot2 + 1);
    const sig = Buffer.from(sigText, 'base64url');
    if (sig.toString('base64url') !== sigText) throw new Error('not canonical base64url');
    const ok = verify(hash, Buffer.from(t.slice(0, dot2), 'latin1'), nodeKey, sig);
    JSON.parse(Buffer.from(t.slice(dot1 + 1, dot2), 'base64url').toString());
    return ok;
  };
  const subtleVerify = (): Promise<boolean> => crypto.subtle.verify(subtleParams, cryptoKey, signature, signingInput);
  const inFlight = (fn: () => unknown) => (): Promise<unknown> => {
    const all: unknown[] = new Array(16);
    for (let i = 0; i < 16; i++) all[i] = fn();
    return Promise.all(all);
  };

  // Synchronous cases only: the node port, its floors, the cache hits and fast-jwt.
  const sync: BenchCase[] = [
    { name: 'floor: node:crypto.verify', fn: () => verify(hash, signingInput, nodeKey, signature) },
    { name: 'floor: base64url+JSON.parse', fn: parse },
    // The least any validator without a cache does, in one loop: work between two verifications slows the second
    // (a cold-cache cost a loop of bare verifications never pays), so this is the fair floor for "ours".
    { name: 'floor: verify+base64url+JSON.parse', fn: () => { parse(); return verify(hash, signingInput, nodeKey, signature); } },
    { name: 'least work on a token string: split, decode, verify, parse (native codecs)', fn: leastWork },
    { name: 'ours (node port)', fn: () => oursNode(token, context) },
    { name: 'fast-jwt (no cache)', fn: () => fastJwt(token) },
    { name: 'ours, signature check skipped (the rest alone)', fn: () => oursNoVerify(token, context) },
    { name: 'ours (cache hit)', fn: () => oursCached(fresh(), context) },
    { name: 'fast-jwt (cache hit)', fn: () => fastJwtCached(fresh()) },
  ];
  const sy = await compare(`JWT validation ${alg}, synchronous (${token.length}-byte token)`, sync, 'floor: node:crypto.verify', { rounds: 101 });
  // Asynchronous cases, one at a time, in a group of their own (see bench/harness.ts).
  const one: BenchCase[] = [
    { name: 'floor: crypto.subtle.verify', fn: subtleVerify },
    { name: 'floor: subtle.verify+base64url+JSON.parse', fn: () => { parse(); return subtleVerify(); } },
    { name: 'ours (WebCrypto port)', fn: () => oursWeb(token, context) },
    { name: 'jose jwtVerify (local JWKS)', fn: () => jose.jwtVerify(token, localJwks, joseOptions) },
  ];
  const a = await compare(`JWT validation ${alg}, asynchronous, one at a time`, one, 'floor: crypto.subtle.verify', { rounds: 101 });
  const many: BenchCase[] = [
    { name: 'floor: 16 subtle.verify in flight', fn: inFlight(subtleVerify) },
    // What the payload's decoding adds when the cores are busy: no validator can do less than this floor.
    { name: '16 × (base64url+JSON.parse, then subtle.verify) in flight', fn: inFlight(() => { parse(); return subtleVerify(); }) },
    { name: 'ours (WebCrypto port), 16 in flight', fn: inFlight(() => oursWeb(token, context)) },
  ];
  const m = await compare(`JWT validation ${alg}, asynchronous, 16 in flight`, many, 'floor: 16 subtle.verify in flight', { rounds: 101, batchMs: 8 });
  const rows: [string, Ratio, number][] = [
    ['node port / fast-jwt (no cache)', sy.ratioOf('ours (node port)', 'fast-jwt (no cache)'), 1.0],
    ['node port / verify+base64url+JSON.parse', sy.ratioOf('ours (node port)', 'floor: verify+base64url+JSON.parse'), 1.1],
    ['WebCrypto port / subtle.verify', a.ratioOf('ours (WebCrypto port)', 'floor: crypto.subtle.verify'), 1.1],
    ['WebCrypto port / subtle.verify, 16 in flight', m.ratioOf('ours (WebCrypto port), 16 in flight', 'floor: 16 subtle.verify in flight'), 1.1],
    ['cache hit / fast-jwt cache hit', sy.ratioOf('ours (cache hit)', 'fast-jwt (cache hit)'), 0.5],
  ];
  for (const [label, r, target] of rows) {
    summary.push(verdict(`${alg} ${label}`, r, target));
    targets.push({ bench: 'jwt', label: `${alg} ${label}`, ratio: r, target });
  }
  // Work besides the signature check, per validation: median over rounds of (case - bare verify) in the same round.
  const own = (name: string): string => {
    const t = sy.rounds.get(name)!;
    const v = sy.rounds.get('floor: node:crypto.verify')!;
    return `${name} ${(quantile(t.map((x, r) => x - v[r]!), 0.5) / 1000).toFixed(2)} µs`;
  };
  summary.push(`${alg} work besides crypto.verify, in the loop: ${['floor: verify+base64url+JSON.parse', 'ours (node port)', 'fast-jwt (no cache)'].map(own).join(', ')}; `
    + `alone: base64url+JSON.parse ${(sy.find((r) => r.name === 'floor: base64url+JSON.parse')!.nsPerOp / 1000).toFixed(2)} µs, ours without the signature check ${(sy.find((r) => r.name === 'ours, signature check skipped (the rest alone)')!.nsPerOp / 1000).toFixed(2)} µs`);
  summary.push(`${alg} for scale: node port / node:crypto.verify ${formatRatio(sy.ratioOf('ours (node port)', 'floor: node:crypto.verify'))}, `
    + `verify+base64url+JSON.parse / node:crypto.verify ${formatRatio(sy.ratioOf('floor: verify+base64url+JSON.parse', 'floor: node:crypto.verify'))}, `
    + `fast-jwt / that floor ${formatRatio(sy.ratioOf('fast-jwt (no cache)', 'floor: verify+base64url+JSON.parse'))}, `
    + `least work on a token string / verify+base64url+JSON.parse ${formatRatio(sy.ratioOf('least work on a token string: split, decode, verify, parse (native codecs)', 'floor: verify+base64url+JSON.parse'))}, `
    + `node port / least work ${formatRatio(sy.ratioOf('ours (node port)', 'least work on a token string: split, decode, verify, parse (native codecs)'))}, `
    + `WebCrypto port / subtle.verify+base64url+JSON.parse ${formatRatio(a.ratioOf('ours (WebCrypto port)', 'floor: subtle.verify+base64url+JSON.parse'))}, `
    + `16 in flight: with base64url+JSON.parse / bare ${formatRatio(m.ratioOf('16 × (base64url+JSON.parse, then subtle.verify) in flight', 'floor: 16 subtle.verify in flight'))}, `
    + `WebCrypto port / that ${formatRatio(m.ratioOf('ours (WebCrypto port), 16 in flight', '16 × (base64url+JSON.parse, then subtle.verify) in flight'))}, `
    + `cache hit / base64url+JSON.parse ${formatRatio(sy.ratioOf('ours (cache hit)', 'floor: base64url+JSON.parse'))}`);
}
console.log(`\n${summary.join('\n')}`);
writeTargets('jwt');
