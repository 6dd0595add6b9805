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
 * Targets: ours (node port) ≤ 1.10× node:crypto.verify and ahead of fast-jwt; ours (WebCrypto port) ≤ 1.10×
 * subtle.verify; cache hit ≤ 1.5× the base64url + JSON.parse floor.
 * Run: npx tsx bench/jwt.bench.ts
 */
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import * as jose from 'jose';
import { createVerifier } from 'fast-jwt';
import { compare, type BenchCase } from './harness.js';
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
for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
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

  const cases: BenchCase[] = [
    { name: 'floor: node:crypto.verify', fn: () => verify(hash, signingInput, nodeKey, signature) },
    { name: 'floor: crypto.subtle.verify', fn: () => crypto.subtle.verify(subtleParams, cryptoKey, signature, signingInput) },
    { name: 'floor: base64url+JSON.parse', fn: () => JSON.parse(Buffer.from(fresh().split('.')[1]!, 'base64url').toString()) },
    // The least any validator without a cache does, in one loop: work between two verifications slows the second
    // (a cold-cache cost a loop of bare verifications never pays), so this is the fair floor for "ours".
    { name: 'floor: verify+base64url+JSON.parse', fn: () => { JSON.parse(Buffer.from(fresh().split('.')[1]!, 'base64url').toString()); return verify(hash, signingInput, nodeKey, signature); } },
    { name: 'floor: subtle.verify+base64url+JSON.parse', fn: () => { JSON.parse(Buffer.from(fresh().split('.')[1]!, 'base64url').toString()); return crypto.subtle.verify(subtleParams, cryptoKey, signature, signingInput); } },
    { name: 'ours (node port)', fn: () => oursNode(token, context) },
    { name: 'ours (WebCrypto port)', fn: () => oursWeb(token, context) },
    { name: 'ours (cache hit)', fn: () => oursCached(fresh(), context) },
    { name: 'jose jwtVerify (local JWKS)', fn: () => jose.jwtVerify(token, localJwks, joseOptions) },
    { name: 'fast-jwt (no cache)', fn: () => fastJwt(token) },
    { name: 'fast-jwt (cache)', fn: () => fastJwtCached(fresh()) },
  ];
  const results = new Map((await compare(`JWT validation ${alg} (${token.length}-byte token)`, cases, 'floor: node:crypto.verify', { rounds: 101 })).map((r) => [r.name, r.ratio!]));
  const ratio = (a: string, b: string): number => results.get(a)! / results.get(b)!;
  const check = (label: string, value: number, target: number): string => `${label} ${value.toFixed(2)}× (target ≤ ${target}×: ${value <= target ? 'met' : 'MISSED'})`;
  summary.push(`${alg}: ${check('node port / node:crypto.verify', ratio('ours (node port)', 'floor: node:crypto.verify'), 1.1)}; `
    + `${check('WebCrypto port / subtle.verify', ratio('ours (WebCrypto port)', 'floor: crypto.subtle.verify'), 1.1)}; `
    + `${check('cache hit / base64url+JSON.parse', ratio('ours (cache hit)', 'floor: base64url+JSON.parse'), 1.5)}; `
    + `${check('node port / fast-jwt (no cache)', ratio('ours (node port)', 'fast-jwt (no cache)'), 1)}; `
    + `for scale: verify+base64url+JSON.parse / node:crypto.verify ${ratio('floor: verify+base64url+JSON.parse', 'floor: node:crypto.verify').toFixed(2)}×, `
    + `node port / that floor ${ratio('ours (node port)', 'floor: verify+base64url+JSON.parse').toFixed(2)}×; `
    + `subtle.verify+base64url+JSON.parse / subtle.verify ${ratio('floor: subtle.verify+base64url+JSON.parse', 'floor: crypto.subtle.verify').toFixed(2)}×, `
    + `WebCrypto port / that floor ${ratio('ours (WebCrypto port)', 'floor: subtle.verify+base64url+JSON.parse').toFixed(2)}×`);
}
console.log(`\n${summary.join('\n')}`);
