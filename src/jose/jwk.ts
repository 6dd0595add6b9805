/**
 * JSON Web Keys (RFC 7517) and key sets (RFC 7517 §5): parsing a JWKS, checking that a key fits an algorithm
 * (RFC 7518 §6, RFC 8037 §2, RFC 8725 §3.1), and picking the candidate keys for a JWS header (RFC 7515 §4.1.4).
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import type { Jwk, JwsAlgorithm } from '../ports.js';
import { decodeBase64url } from '../encoding/base64.js';
import { isJsonObject, parseJson } from '../encoding/json.js';
import { ALGORITHMS, MIN_RSA_MODULUS_BITS } from './algorithms.js';

/** Largest JWKS document read: 512 KiB. Real sets hold a handful of keys (an RSA-4096 JWK is under 1 KiB). */
export const MAX_JWKS_LENGTH = 512 * 1024;

/** Most keys kept from one JWKS: 256. Selection is linear in this number, so it bounds the work per token. */
export const MAX_JWKS_KEYS = 256;

/** Largest RSA modulus accepted: 16384 bits, so a hostile JWKS cannot make each verification arbitrarily slow. */
export const MAX_RSA_MODULUS_BITS = 16_384;

/** Byte length of a coordinate / public key per curve (RFC 7518 §6.2.1.2, RFC 8037 §2). */
const COORDINATE_BYTES: Readonly<Record<string, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66, Ed25519: 32 };

function fail(code: 'ERR_JWK' | 'ERR_PRIVATE_KEY', message: string): never {
  throw new OAuthBearerError(code, message);
}

function member(jwk: Jwk, name: string, code: 'ERR_JWK' | 'ERR_PRIVATE_KEY'): Uint8Array {
  const value = jwk[name];
  if (typeof value !== 'string' || value.length === 0) fail(code, `The JWK has no "${name}" member; an ${jwk.kty} key needs one (RFC 7518 §6)`);
  try {
    return decodeBase64url(value, { what: `JWK "${name}" member` });
  } catch (cause) {
    throw new OAuthBearerError(code, `The JWK "${name}" member is not base64url (RFC 7518 §6)`, { cause });
  }
}

/** Bit length of a big-endian unsigned integer, leading zero bytes ignored. */
export function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

/**
 * Checks that `jwk` may be used with `alg`: its `kty` and `crv` fit (RFC 8725 §3.1), an RSA modulus has at least
 * 2048 bits (RFC 7518 §3.3), coordinates have their curve's length, and the JWK's own `alg`, `use` and `key_ops`
 * allow this use (RFC 7517 §4.2-§4.4). `purpose` is `verify` for a public key, `sign` for a private one.
 * @throws OAuthBearerError `ERR_JWK` (verify) or `ERR_PRIVATE_KEY` (sign) naming what does not fit
 */
export function checkJwkForAlgorithm(jwk: Jwk, alg: JwsAlgorithm, purpose: 'verify' | 'sign'): void {
  const code = purpose === 'verify' ? 'ERR_JWK' : 'ERR_PRIVATE_KEY';
  if (!isJsonObject(jwk)) fail(code, 'The key must be a JWK object (RFC 7517 §4)');
  const kid = typeof jwk.kid === 'string' ? ` (kid ${JSON.stringify(jwk.kid.slice(0, 64))})` : '';
  const s = ALGORITHMS[alg];
  if (s === undefined) fail(code, `Unsupported algorithm "${String(alg)}"`);
  if (jwk.kty !== s.kty) fail(code, `The JWK${kid} has kty "${String(jwk.kty)}" but ${alg} needs kty "${s.kty}" (RFC 8725 §3.1)`);
  if (jwk.alg !== undefined && jwk.alg !== alg) fail(code, `The JWK${kid} is for alg "${String(jwk.alg)}", not ${alg} (RFC 7517 §4.4)`);
  if (jwk.use !== undefined && jwk.use !== 'sig') fail(code, `The JWK${kid} has use "${String(jwk.use)}", not "sig" (RFC 7517 §4.2)`);
  if (jwk.key_ops !== undefined) {
    if (!Array.isArray(jwk.key_ops) || !jwk.key_ops.includes(purpose)) {
      fail(code, `The JWK${kid} key_ops does not include "${purpose}" (RFC 7517 §4.3)`);
    }
  }
  if (purpose === 'sign' && jwk.d === undefined) fail(code, `The JWK${kid} has no private member "d"; signing needs a private key`);
  if (s.kty === 'RSA') {
    const bits = bitLength(member(jwk, 'n', code));
    if (bits < MIN_RSA_MODULUS_BITS) fail(code, `The RSA JWK${kid} has a ${bits}-bit modulus; ${alg} needs at least ${MIN_RSA_MODULUS_BITS} bits (RFC 7518 §3.3)`);
    if (bits > MAX_RSA_MODULUS_BITS) fail(code, `The RSA JWK${kid} has a ${bits}-bit modulus; the limit is ${MAX_RSA_MODULUS_BITS}`);
    const e = member(jwk, 'e', code);
    if (e.length > 8 || bitLength(e) < 2) fail(code, `The RSA JWK${kid} has an unusable public exponent`);
    return;
  }
  if (jwk.crv !== s.crv) fail(code, `The JWK${kid} has crv "${String(jwk.crv)}" but ${alg} needs crv "${s.crv}" (RFC 7518 §3.4, RFC 8037 §3.1)`);
  const size = COORDINATE_BYTES[s.crv!]!;
  if (member(jwk, 'x', code).length !== size) fail(code, `The JWK${kid} "x" must be ${size} bytes for ${s.crv}`);
  if (s.kty === 'EC' && member(jwk, 'y', code).length !== size) fail(code, `The JWK${kid} "y" must be ${size} bytes for ${s.crv}`);
  if (purpose === 'sign' && member(jwk, 'd', code).length !== size) fail(code, `The JWK${kid} "d" must be ${size} bytes for ${s.crv}`);
}

// Verdicts per key object and algorithm: selection runs per token, the modulus decode should not.
const fits = new WeakMap<Jwk, Map<JwsAlgorithm, boolean>>();

/** True when `jwk` may verify `alg` signatures (see {@link checkJwkForAlgorithm}); memoised per key object. */
export function jwkFitsAlgorithm(jwk: Jwk, alg: JwsAlgorithm): boolean {
  let byAlg = fits.get(jwk);
  const known = byAlg?.get(alg);
  if (known !== undefined) return known;
  let verdict = true;
  try {
    checkJwkForAlgorithm(jwk, alg, 'verify');
  } catch {
    verdict = false;
  }
  // Only frozen keys (parseJwks output) are memoised: a mutable object could change under us.
  if (Object.isFrozen(jwk)) {
    if (byAlg === undefined) fits.set(jwk, (byAlg = new Map()));
    byAlg.set(alg, verdict);
  }
  return verdict;
}

/** The public members of a key, as import APIs want them (no `alg`/`use`/`key_ops` to conflict with). */
export function publicMembers(jwk: Jwk): Jwk {
  switch (jwk.kty) {
    case 'RSA': return { kty: 'RSA', n: jwk.n, e: jwk.e };
    case 'EC': return { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y };
    default: return { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  }
}

/** The private members of a key, as import APIs want them. */
export function privateMembers(jwk: Jwk): Jwk {
  const out: Jwk = { ...publicMembers(jwk), d: jwk.d };
  if (jwk.kty === 'RSA') for (const m of ['p', 'q', 'dp', 'dq', 'qi'] as const) if (jwk[m] !== undefined) out[m] = jwk[m];
  return out;
}

/**
 * A parsed key set: the keys we understand, in document order.
 * @category Checking tokens
 */
export interface Jwks {
  readonly keys: readonly Jwk[];
}

/**
 * Parses a JWKS (RFC 7517 §5) from its JSON text or an already parsed object. Keys whose `kty` we do not know,
 * or that are not objects, are skipped (RFC 7517 §5: "SHOULD ignore JWKs ... not understood"); private members
 * are dropped from what is kept, so a misconfigured endpoint never puts a private key in our cache.
 * @throws OAuthBearerError `ERR_JWKS` for text that is not a JSON object with a `keys` array, or too large
 * @example
 * ```ts
 * const jwks = parseJwks(await (await fetch(jwksUri)).text()); // { keys: [...] }, or ERR_JWKS
 * ```
 * @category Checking tokens
 */
export function parseJwks(input: string | unknown): Jwks {
  let value = input;
  if (typeof input === 'string') {
    if (input.length > MAX_JWKS_LENGTH) {
      throw new OAuthBearerError('ERR_JWKS', `The JWKS is ${input.length} characters; the limit is ${MAX_JWKS_LENGTH} (MAX_JWKS_LENGTH)`);
    }
    try {
      value = parseJson(input, { what: 'JWKS', maxLength: MAX_JWKS_LENGTH });
    } catch (cause) {
      throw new OAuthBearerError('ERR_JWKS', 'The JWKS is not valid JSON (RFC 7517 §5)', { cause });
    }
  }
  if (!isJsonObject(value) || !Array.isArray(value.keys)) {
    throw new OAuthBearerError('ERR_JWKS', 'The JWKS must be a JSON object with a "keys" array (RFC 7517 §5)');
  }
  const keys: Jwk[] = [];
  for (const key of value.keys) {
    if (keys.length >= MAX_JWKS_KEYS) break;
    if (!isJsonObject(key) || (key.kty !== 'RSA' && key.kty !== 'EC' && key.kty !== 'OKP')) continue;
    const kept: Jwk = { ...(key as Jwk) };
    for (const m of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const) delete kept[m];
    keys.push(Object.freeze(kept));
  }
  return { keys: Object.freeze(keys) };
}

/**
 * The keys that may verify a JWS with this `alg` and `kid` (RFC 7515 §4.1.4): with a `kid`, only keys with that
 * exact `kid`; without one, every key. Keys that do not fit `alg` are left out (RFC 8725 §3.1).
 */
export function selectKeys(keys: readonly Jwk[], alg: JwsAlgorithm, kid: string | undefined): Jwk[] {
  const out: Jwk[] = [];
  for (const key of keys) {
    if (kid !== undefined && key.kid !== kid) continue;
    if (jwkFitsAlgorithm(key, alg)) out.push(key);
  }
  return out;
}
