/**
 * JWS Compact Serialization (RFC 7515 §7.1) parsing and verification (§5.2), with the header rules of RFC 8725:
 * an allow-listed `alg` and never `none` (§3.1), keys that must fit the algorithm (§3.1, no RS/HS confusion),
 * `crit` refused unless understood (RFC 7515 §4.1.11; we understand none), unencoded payloads (`b64`, RFC 7797)
 * refused, strict base64url (RFC 7515 §2), bounded sizes, and duplicate member names refused (RFC 7515 §5.2 allows
 * this choice; jose4j, which Kafka's broker uses, makes it too).
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import type { CryptoPort, Jwk, JwsAlgorithm, KeyHandle } from '../ports.js';
import { decodeBase64url } from '../encoding/base64.js';
import { decodeUtf8, encodeUtf8Pooled } from '../encoding/utf8.js';
import { isJsonObject } from '../encoding/json.js';
import { DEFAULT_ALGORITHMS, isJwsAlgorithm } from './algorithms.js';
import { checkJwkForAlgorithm, selectKeys } from './jwk.js';

/**
 * Largest compact JWS accepted by default: 524 288 characters, Kafka's broker limit on a whole SASL frame
 * (`sasl.server.max.receive.size`), since Kafka's broker takes any token that fits it (issue 12: it accepts a
 * 200 KB token). Access tokens are typically under 2 KiB; lower it with `maxTokenLength` where no client sends
 * large ones. Work is linear in the length (bench/bounds.bench.ts), and tokens over
 * `MAX_CACHED_TOKEN_LENGTH` are never cached.
 * @category Checking tokens
 */
export const MAX_TOKEN_LENGTH = 524_288;

/** Largest encoded protected header: 4 KiB. A JOSE header holds `alg`, `kid`, `typ` and little else. */
export const MAX_HEADER_LENGTH = 4 * 1024;

/** Largest `kid` we look up: 1000 characters, Kafka's `RefreshingHttpsJwksVerificationKeyResolver` bound. */
export const MAX_KID_LENGTH = 1000;

/**
 * A parsed compact JWS whose header passed the RFC 8725 checks; the signature is not yet verified. Its byte arrays
 * may be views of a shared pool (`pooledBytes`): read them through their own offset and length, never `.buffer`.
 * @category Checking tokens
 */
export interface DecodedJws {
  /** The protected header (RFC 7515 §4). */
  readonly header: Readonly<Record<string, unknown>>;
  readonly alg: JwsAlgorithm;
  readonly kid: string | undefined;
  /** The payload's bytes (RFC 7515 §7.1, second part). */
  readonly payload: Uint8Array;
  /** ASCII(BASE64URL(header) || '.' || BASE64URL(payload)) (RFC 7515 §5.2 step 8). */
  readonly signingInput: Uint8Array;
  readonly signature: Uint8Array;
}

function bad(code: 'ERR_JWS_FORMAT' | 'ERR_JWS_HEADER' | 'ERR_JWS_ALG' | 'ERR_JWS_CRIT', message: string, cause?: unknown): never {
  throw new OAuthBearerError(code, message, cause === undefined ? {} : { cause });
}

/**
 * A strict base64url decoder for JWS parts: exactly {@link decodeBase64url}'s results (no padding, no characters
 * outside the alphabet, canonical final character), throwing on anything else. The default is
 * `decodeBase64url` into pooled arrays, which since its byte-array loop is as fast inside the validator as Node's
 * native codec (`nodeBase64url` in `oauthbearer/node` measured 1.5% slower on RS256 and ES256, bench/RESULTS.md).
 * Pass one for a runtime with a faster codec (for example `Uint8Array.fromBase64`).
 * @category Checking tokens
 */
export type Base64urlDecoder = (text: string) => Uint8Array;

// Pooled: the parts are short-lived, and a fresh array of their size costs more than decoding them.
const portableDecoder: Base64urlDecoder = (text) => decodeBase64url(text, { pooled: true });

function segment(text: string, what: string, decode: Base64urlDecoder = portableDecoder): Uint8Array {
  try {
    return decode(text);
  } catch (cause) {
    return bad('ERR_JWS_FORMAT', `The JWS ${what} is not unpadded base64url (RFC 7515 §2, §7.1)`, cause);
  }
}

/**
 * The first member name that occurs twice in one object of valid JSON `text`, or null. Runs after JSON.parse
 * accepted the text, so only strings and structure need tracking.
 */
export function duplicateMemberName(text: string): string | null {
  // Names seen per open object (null for arrays); arrays of names beat Sets for the handful a JWT has.
  const stack: Array<string[] | null> = [];
  let expectKey = false;
  const n = text.length;
  const anyBackslash = text.includes('\\');
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // The closing quote is the next one not preceded by an odd run of backslashes; indexOf scans natively.
      let end = text.indexOf('"', i + 1);
      for (;;) {
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes++;
        if ((slashes & 1) === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (expectKey) {
        let key = text.slice(i + 1, end);
        if (anyBackslash && key.includes('\\')) key = JSON.parse(text.slice(i, end + 1)) as string;
        const names = stack[stack.length - 1]!;
        if (names.includes(key)) return key;
        names.push(key);
        expectKey = false;
      }
      i = end;
    } else if (c === 0x7b) {
      stack.push([]);
      expectKey = true;
    } else if (c === 0x5b) {
      stack.push(null);
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c) {
      expectKey = stack[stack.length - 1] != null;
    }
  }
  return null;
}

/**
 * A cheap proof that JSON `text`, which `JSON.parse` read as `value`, names no member twice; false when it cannot
 * tell (then {@link duplicateMemberName} scans). It counts each ':' right after a '"' and compares with the members
 * `value` holds:
 * - With no backslash in the text, no string holds a '"'; with no ':' right after whitespace, every member's ':'
 *   follows its name's closing '"'. So the count is at least the number of members in the text (an opening '"'
 *   before a ':' only adds to it).
 * - `value` holds as many members as the text has when no name repeats, and fewer when one does.
 * So count = members held proves there is no duplicate. A compact JWT (no escapes, no space before ':') takes
 * this path whatever its values hold; it costs a quarter of the scan.
 */
export function provablyNoDuplicates(text: string, value: unknown): boolean {
  if (text.includes('\\')) return false;
  let count = 0;
  for (let p = text.indexOf(':'); p >= 0; p = text.indexOf(':', p + 1)) {
    const before = text.charCodeAt(p - 1);
    if (before === 0x22) count++;
    else if (before === 0x20 || before === 0x0a || before === 0x0d || before === 0x09) return false;
  }
  return count === countMembers(value, 0);
}

/** Members of every object in a parsed JSON value (own keys only), or -1 past depth 32 (then the scan decides). */
function countMembers(value: unknown, depth: number): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (depth > 32) return -1;
  let total = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' && item !== null) {
        const n = countMembers(item, depth + 1);
        if (n < 0) return -1;
        total += n;
      }
    }
    return total;
  }
  const keys = Object.keys(value);
  total = keys.length;
  for (let i = 0; i < keys.length; i++) {
    const item = (value as Record<string, unknown>)[keys[i]!];
    if (typeof item === 'object' && item !== null) {
      const n = countMembers(item, depth + 1);
      if (n < 0) return -1;
      total += n;
    }
  }
  return total;
}

/**
 * Parses JOSE JSON (a header or JWT claims set): UTF-8, a JSON object, no duplicate member names.
 * @throws OAuthBearerError `code` naming what was wrong
 */
export function parseJoseObject(bytes: Uint8Array, what: string, code: 'ERR_JWS_HEADER' | 'ERR_JWT_CLAIM'): Record<string, unknown> {
  let text: string;
  let value: unknown;
  try {
    text = decodeUtf8(bytes, what);
    value = JSON.parse(text);
  } catch (cause) {
    throw new OAuthBearerError(code, `The ${what} is not UTF-8 JSON (RFC 7515 §5.2, RFC 7519 §7.2)`, { cause });
  }
  if (!isJsonObject(value)) throw new OAuthBearerError(code, `The ${what} must be a JSON object (RFC 7515 §4, RFC 7519 §7.2)`);
  const dup = provablyNoDuplicates(text, value) ? null : duplicateMemberName(text);
  if (dup !== null) {
    throw new OAuthBearerError(code, `The ${what} names member ${JSON.stringify(dup.slice(0, 64))} twice; duplicates are refused (RFC 7515 §5.2)`);
  }
  return value;
}

/**
 * Most distinct encoded headers remembered: 256. One issuer's tokens share a header (`alg`, `typ`, `kid`), so a
 * broker sees few; remembering them skips a base64url decode and a JSON parse per token.
 */
export const HEADER_CACHE_ENTRIES = 256;

const headerCache = new Map<string, Readonly<Record<string, unknown>>>();

// The last header seen: one issuer's tokens share it, and comparing strings is cheaper than hashing one.
let lastEncoded = '';
let lastHeader: Readonly<Record<string, unknown>> = {};

/** The parsed (frozen) protected header of an encoded header part; cached per encoded string. */
function protectedHeader(encoded: string): Readonly<Record<string, unknown>> {
  if (encoded === lastEncoded) return lastHeader;
  const hit = headerCache.get(encoded);
  if (hit !== undefined) {
    lastEncoded = encoded;
    lastHeader = hit;
    return hit;
  }
  const header = Object.freeze(parseJoseObject(segment(encoded, 'header'), 'JWS header', 'ERR_JWS_HEADER'));
  if (headerCache.size >= HEADER_CACHE_ENTRIES) headerCache.delete(headerCache.keys().next().value!);
  headerCache.set(encoded, header);
  lastEncoded = encoded;
  lastHeader = header;
  return header;
}

/**
 * Parses a compact JWS and checks its header (RFC 7515 §5.2 steps 1-5, RFC 8725 §3.1). Does not verify the
 * signature.
 * `decode` replaces the base64url decoder of the payload and signature (see {@link Base64urlDecoder}).
 * @throws OAuthBearerError `ERR_INPUT_TOO_LARGE`, `ERR_JWS_FORMAT` (not three base64url parts), `ERR_JWS_HEADER`,
 * `ERR_JWS_ALG` (`none`, or not allowed), `ERR_JWS_CRIT`
 * @example
 * ```ts
 * const { alg, kid, payload } = decodeJws(token, ['ES256']);
 * ```
 * @category Checking tokens
 */
export function decodeJws(
  token: string, algorithms: readonly JwsAlgorithm[] = DEFAULT_ALGORITHMS, decode: Base64urlDecoder = portableDecoder,
): DecodedJws {
  const { payloadSegment, ...jws } = splitJws(token, algorithms, decode);
  return { ...jws, payload: decodePayload(payloadSegment, decode) };
}

/** A compact JWS whose header passed the checks, its payload still encoded (see {@link splitJws}). */
export interface SplitJws extends Omit<DecodedJws, 'payload'> {
  /** The payload part as it came, base64url (decode it with {@link decodePayload}). */
  readonly payloadSegment: string;
}

/** The payload part's bytes. @throws OAuthBearerError `ERR_JWS_FORMAT` when it is not unpadded base64url */
export function decodePayload(payloadSegment: string, decode: Base64urlDecoder = portableDecoder): Uint8Array {
  return segment(payloadSegment, 'payload', decode);
}

/**
 * {@link decodeJws} without decoding the payload: the validator decodes it only once the signature is checked (or,
 * with an asynchronous port, while it is being checked), so a forged token's payload is never parsed on the way to
 * its refusal.
 * @throws OAuthBearerError the codes of {@link decodeJws}
 */
export function splitJws(
  token: string, algorithms: readonly JwsAlgorithm[] = DEFAULT_ALGORITHMS, decode: Base64urlDecoder = portableDecoder,
  maxLength: number = MAX_TOKEN_LENGTH,
): SplitJws {
  if (typeof token !== 'string') throw new OAuthBearerError('ERR_USAGE_ARGUMENT', 'The token must be a string');
  if (token.length > maxLength) {
    throw new OAuthBearerError('ERR_INPUT_TOO_LARGE', `The JWS is ${token.length} characters; the limit is ${maxLength} (maxTokenLength)`);
  }
  const dot1 = token.indexOf('.');
  const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
  if (dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) {
    bad('ERR_JWS_FORMAT', 'The token is not a compact JWS: it must have exactly three base64url parts separated by "." (RFC 7515 §7.1)');
  }
  if (dot1 > MAX_HEADER_LENGTH) {
    throw new OAuthBearerError('ERR_INPUT_TOO_LARGE', `The JWS header is ${dot1} characters; the limit is ${MAX_HEADER_LENGTH} (MAX_HEADER_LENGTH)`);
  }
  if (dot1 === 0) bad('ERR_JWS_FORMAT', 'The JWS has an empty header part (RFC 7515 §7.1)');
  const header = protectedHeader(token.slice(0, dot1));
  const alg = header.alg;
  if (typeof alg !== 'string') bad('ERR_JWS_HEADER', 'The JWS header has no "alg" string (RFC 7515 §4.1.1)');
  if (alg === 'none') bad('ERR_JWS_ALG', 'The JWS is unsecured (alg "none"); signed tokens are required (RFC 8725 §3.1)');
  if (!isJwsAlgorithm(alg) || !algorithms.includes(alg)) {
    bad('ERR_JWS_ALG', `The JWS alg ${JSON.stringify(alg.slice(0, 32))} is not allowed; allowed: ${algorithms.join(', ')} (RFC 8725 §3.1)`);
  }
  if (header.crit !== undefined) {
    // RFC 7515 §4.1.11: a recipient MUST reject a JWS whose crit names an extension it does not understand.
    bad('ERR_JWS_CRIT', 'The JWS header has "crit"; no critical header extension is understood here (RFC 7515 §4.1.11)');
  }
  if (header.b64 !== undefined) bad('ERR_JWS_HEADER', 'The JWS header has "b64"; unencoded payloads (RFC 7797) are not accepted');
  const kid = header.kid;
  if (kid !== undefined && typeof kid !== 'string') bad('ERR_JWS_HEADER', 'The JWS header "kid" must be a string (RFC 7515 §4.1.4)');
  if (dot2 === token.length - 1) bad('ERR_JWS_FORMAT', 'The JWS has an empty signature part; it must be signed (RFC 7515 §7.1, RFC 8725 §3.1)');
  const signature = segment(token.slice(dot2 + 1), 'signature', decode);
  return { header, alg, kid, payloadSegment: token.slice(dot1 + 1, dot2), signingInput: encodeUtf8Pooled(token.slice(0, dot2)), signature };
}

/**
 * Most keys tried for one JWS: 4. Without a `kid` every key of the right type is a candidate; trying them all would
 * let one token cost a signature check per key of a large JWKS (jose4j's selector tries one).
 */
export const MAX_VERIFY_ATTEMPTS = 4;

/** What a signature check reads of a JWS. */
export type SignedParts = Pick<DecodedJws, 'alg' | 'signingInput' | 'signature'>;

/**
 * Checks the signature against each candidate key in turn (at most {@link MAX_VERIFY_ATTEMPTS}); the key that
 * verifies, or null. Synchronous when the port is. Candidates must already fit `alg` (see {@link selectKeys}).
 */
export function verifyWithKeys(jws: SignedParts, candidates: readonly Jwk[], crypto: CryptoPort): Jwk | null | Promise<Jwk | null> {
  if (candidates.length > MAX_VERIFY_ATTEMPTS) candidates = candidates.slice(0, MAX_VERIFY_ATTEMPTS);
  for (let i = 0; i < candidates.length; i++) {
    const jwk = candidates[i]!;
    const handle = crypto.importPublicJwk(jwk, jws.alg);
    if (handle instanceof Promise) return verifyRest(jws, candidates, i, handle, crypto);
    const ok = crypto.verify(handle, jws.signature, jws.signingInput);
    if (ok instanceof Promise) {
      // One promise hop for the usual single candidate (a kid matched one key).
      const next = i + 1;
      return ok.then((verified) => (verified ? jwk : next < candidates.length ? verifyRest(jws, candidates, next, crypto.importPublicJwk(candidates[next]!, jws.alg), crypto) : null));
    }
    if (ok) return jwk;
  }
  return null;
}

async function verifyRest(
  jws: SignedParts, candidates: readonly Jwk[], from: number, first: KeyHandle | Promise<KeyHandle>, crypto: CryptoPort,
  firstVerdict?: Promise<boolean>,
): Promise<Jwk | null> {
  for (let i = from; i < candidates.length; i++) {
    const jwk = candidates[i]!;
    const handle = i === from ? await first : await crypto.importPublicJwk(jwk, jws.alg);
    const ok = i === from && firstVerdict !== undefined ? await firstVerdict : await crypto.verify(handle, jws.signature, jws.signingInput);
    if (ok) return jwk;
  }
  return null;
}

/**
 * Options of {@link verifyJws}.
 * @category Checking tokens
 */
export interface VerifyJwsOptions {
  readonly crypto: CryptoPort;
  /** The allow-list; default {@link DEFAULT_ALGORITHMS}. */
  readonly algorithms?: readonly JwsAlgorithm[];
}

/**
 * A verified JWS: its header, payload and the key that verified it.
 * @category Checking tokens
 */
export interface VerifiedJws extends DecodedJws {
  readonly key: Jwk;
}

/**
 * Parses and verifies a compact JWS against a set of public keys (RFC 7515 §5.2): keys are chosen by `kid` and by
 * fitting `alg` (RFC 8725 §3.1), so an HMAC `alg` or a key of the wrong type never verifies.
 * @throws OAuthBearerError the codes of {@link decodeJws}, `ERR_JWKS_NO_KEY` when no key fits, `ERR_JWS_SIGNATURE`
 * when none verifies
 * @example
 * ```ts
 * const { payload } = await verifyJws(token, jwks.keys, { crypto: webCryptoPort });
 * ```
 * @category Checking tokens
 */
export async function verifyJws(token: string, keys: readonly Jwk[], options: VerifyJwsOptions): Promise<VerifiedJws> {
  const jws = decodeJws(token, options.algorithms ?? DEFAULT_ALGORITHMS);
  const candidates = selectKeys(keys, jws.alg, jws.kid);
  if (candidates.length === 0) throw noKey(jws);
  const key = await verifyWithKeys(jws, candidates, options.crypto);
  if (key === null) throw new OAuthBearerError('ERR_JWS_SIGNATURE', `The JWS signature does not verify with any ${jws.alg} key${jws.kid === undefined ? '' : ` with kid ${JSON.stringify(jws.kid.slice(0, 64))}`} (RFC 7515 §5.2 step 8)`);
  return { ...jws, key };
}

/** The error for a JWS no key fits. */
export function noKey(jws: Pick<DecodedJws, 'alg' | 'kid'>): OAuthBearerError {
  if (jws.kid === undefined) {
    return new OAuthBearerError('ERR_JWKS_NO_KEY', `No ${jws.alg} key in the JWKS fits a token that names no kid (RFC 7515 §4.1.4, RFC 8725 §3.1)`);
  }
  const kid = JSON.stringify(jws.kid.slice(0, 64));
  return new OAuthBearerError('ERR_JWKS_NO_KEY', `kid ${kid} is not in the JWKS (no ${jws.alg} key with kid ${kid}; RFC 7515 §4.1.4, RFC 8725 §3.1)`);
}

/**
 * Verifies one signature with one public JWK (RFC 7515 §5.2 step 8; RFC 7518 §3; RFC 8037 §3.1).
 * @throws OAuthBearerError `ERR_JWK` when the key does not fit `alg`, `ERR_JWS_ALG` for an unknown or `none` alg,
 * `ERR_JWS_SIGNATURE` when the signature does not verify
 * @example
 * ```ts
 * await verifySignature(jwk, 'ES256', encodeUtf8(`${h}.${p}`), decodeBase64url(s), webCryptoPort);
 * ```
 * @category Checking tokens
 */
export async function verifySignature(jwk: Jwk, alg: string, signingInput: Uint8Array, signature: Uint8Array, crypto: CryptoPort): Promise<void> {
  if (!isJwsAlgorithm(alg)) bad('ERR_JWS_ALG', `The algorithm ${JSON.stringify(String(alg).slice(0, 32))} is not supported; never "none" or HMAC with a public key (RFC 8725 §3.1)`);
  checkJwkForAlgorithm(jwk, alg, 'verify');
  const handle = await crypto.importPublicJwk(jwk, alg);
  if (!(await crypto.verify(handle, signature, signingInput))) {
    throw new OAuthBearerError('ERR_JWS_SIGNATURE', `The ${alg} signature does not verify (RFC 7515 §5.2 step 8)`);
  }
}
