/**
 * JWT assertions (RFC 7523 §3): client assertions for `private_key_jwt` (§2.2) and authorization grants for the
 * jwt-bearer grant (§2.1), signed through the crypto port as a compact JWS (RFC 7515 §7.1). Also Kafka's assertion
 * layering (KIP-1139 `LayeredAssertionJwtTemplate`): static claims from config, then the template file, then the
 * dynamic `alg`/`typ`/`iat`/`exp`/`nbf`/`jti`.
 *
 * ES256/ES384 signatures are R‖S (RFC 7518 §3.4). Kafka's `DefaultAssertionCreator` signs with Java's
 * `SHA256withECDSA`, which gives DER; servers following RFC 7518 reject that, so we do not copy it.
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import type { CryptoPort, Jwk, JwsAlgorithm, KeyHandle, Random } from '../ports.js';
import { encodeBase64url } from '../encoding/base64.js';
import { encodeUtf8 } from '../encoding/utf8.js';
import { isJsonObject, parseJson } from '../encoding/json.js';

/** Algorithms an assertion can be signed with here (RFC 7518 §3.1, RFC 8037 §3.1); Kafka offers RS256 and ES256. */
export const ASSERTION_ALGORITHMS: readonly JwsAlgorithm[] = ['EdDSA', 'ES256', 'ES384', 'RS256', 'PS256'];

/** Largest assertion or template file we read: 64 KiB, far above any JWT a token endpoint accepts. */
export const MAX_ASSERTION_LENGTH = 64 * 1024;

/**
 * Input of {@link createAssertion}.
 * @category Getting tokens
 */
export interface AssertionInput {
  /** A private JWK, PKCS#8 DER, or a key handle the crypto port imported for `alg`. */
  readonly privateKey: Jwk | Uint8Array | KeyHandle;
  readonly alg: JwsAlgorithm;
  /** Written to the header as `kid` when given. */
  readonly kid?: string;
  /** The claims, serialised in this order. `exp` is required (RFC 7523 §3 item 4). */
  readonly claims: Readonly<Record<string, unknown>>;
  /** More header members; `alg` is always the `alg` above, `typ` defaults to `JWT`. */
  readonly header?: Readonly<Record<string, unknown>>;
}

/**
 * A signed assertion and the JSON that went into it.
 * @category Getting tokens
 */
export interface Assertion {
  readonly compact: string;
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
}

function isKeyHandle(key: Jwk | Uint8Array | KeyHandle): key is KeyHandle {
  return !(key instanceof Uint8Array) && !('kty' in key) && 'type' in key && 'alg' in key;
}

function checkClaims(claims: Readonly<Record<string, unknown>>): void {
  for (const name of ['iss', 'sub', 'jti'] as const) {
    if (name in claims && typeof claims[name] !== 'string') {
      throw new OAuthBearerError('ERR_ASSERTION', `The assertion claim "${name}" must be a string (RFC 7519 §4.1)`);
    }
  }
  const aud = claims.aud;
  if (aud !== undefined && typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((a) => typeof a === 'string'))) {
    throw new OAuthBearerError('ERR_ASSERTION', 'The assertion claim "aud" must be a string or an array of strings (RFC 7519 §4.1.3)');
  }
  for (const name of ['exp', 'iat', 'nbf'] as const) {
    const value = claims[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw new OAuthBearerError('ERR_ASSERTION', `The assertion claim "${name}" must be a NumericDate, a number of seconds (RFC 7519 §2)`);
    }
  }
  if (claims.exp === undefined) {
    throw new OAuthBearerError('ERR_ASSERTION', 'The assertion needs an "exp" claim (RFC 7523 §3 item 4); set a lifetime');
  }
}

/**
 * Signs a JWT assertion (RFC 7523 §3) as a compact JWS. The header is `alg`, `typ` (`JWT` unless `header` says
 * otherwise), `kid` when given, then the other `header` members in their order. EdDSA output is deterministic.
 * @throws OAuthBearerError `ERR_ASSERTION` for an unsupported algorithm or bad claims, `ERR_PRIVATE_KEY` when the
 * key does not fit the algorithm
 * @example
 * ```ts
 * const { compact } = await createAssertion({ privateKey: jwk, alg: 'EdDSA', claims: { iss: 'svc', sub: 'svc',
 *   aud: 'https://idp.example/token', iat: 1700000000, exp: 1700000300, jti: 'a1' } }, crypto);
 * ```
 * @category Getting tokens
 */
export async function createAssertion(input: AssertionInput, crypto: CryptoPort): Promise<Assertion> {
  const { alg } = input;
  if (!ASSERTION_ALGORITHMS.includes(alg)) {
    throw new OAuthBearerError('ERR_ASSERTION', `Unsupported assertion algorithm "${String(alg)}"; use one of ${ASSERTION_ALGORITHMS.join(', ')}`);
  }
  checkClaims(input.claims);
  const header: Record<string, unknown> = { alg, typ: 'JWT' };
  if (input.kid !== undefined) header.kid = input.kid;
  for (const [name, value] of Object.entries(input.header ?? {})) if (name !== 'alg') header[name] = value;
  const claims: Record<string, unknown> = { ...input.claims };
  const signingInput = `${encodeBase64url(encodeUtf8(JSON.stringify(header)))}.${encodeBase64url(encodeUtf8(JSON.stringify(claims)))}`;
  let key: KeyHandle;
  if (isKeyHandle(input.privateKey)) {
    if (input.privateKey.alg !== alg || input.privateKey.type !== 'private') {
      throw new OAuthBearerError('ERR_PRIVATE_KEY', `The key handle is a ${input.privateKey.type} key for ${input.privateKey.alg}, not a private key for ${alg}`);
    }
    key = input.privateKey;
  } else {
    key = await crypto.importPrivateKey(input.privateKey, alg);
  }
  let signature: Uint8Array;
  try {
    signature = await crypto.sign(key, encodeUtf8(signingInput));
  } catch (cause) {
    if (cause instanceof OAuthBearerError) throw cause;
    throw new OAuthBearerError('ERR_ASSERTION', `Signing the assertion with ${alg} failed`, { cause });
  }
  return { compact: `${signingInput}.${encodeBase64url(signature)}`, header, claims };
}

/** A random UUID version 4 (RFC 9562 §5.4) for `jti`, as Kafka's `UUID.randomUUID()` gives. */
export function randomJti(random: Random): string {
  const b = random.bytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A parsed assertion template file (Kafka's `FileAssertionJwtTemplate`): `{"header": {...}, "payload": {...}}`.
 * @category Getting tokens
 */
export interface AssertionTemplate {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
}

/**
 * Parses Kafka's assertion template file: a JSON object with optional `header` and `payload` objects.
 * @throws OAuthBearerError `ERR_ASSERTION` when the text is not such an object
 * @example
 * ```ts
 * parseAssertionTemplate('{"header":{"typ":"JWT"},"payload":{"aud":"https://idp.example"}}');
 * // { header: { typ: 'JWT' }, payload: { aud: 'https://idp.example' } }
 * ```
 * @category Getting tokens
 */
export function parseAssertionTemplate(text: string): AssertionTemplate {
  let value: unknown;
  try {
    value = parseJson(text, { what: 'assertion template file', maxLength: MAX_ASSERTION_LENGTH });
  } catch (cause) {
    throw new OAuthBearerError('ERR_ASSERTION', 'The assertion template file is not valid JSON (sasl.oauthbearer.assertion.template.file)', { cause });
  }
  if (!isJsonObject(value)) {
    throw new OAuthBearerError('ERR_ASSERTION', 'The assertion template file must be a JSON object with "header" and "payload" objects');
  }
  const header = value.header ?? {};
  const payload = value.payload ?? {};
  if (!isJsonObject(header) || !isJsonObject(payload)) {
    throw new OAuthBearerError('ERR_ASSERTION', 'The "header" and "payload" members of the assertion template file must be JSON objects');
  }
  return { header, payload };
}

/**
 * Kafka's assertion settings (`sasl.oauthbearer.assertion.*`, KIP-1139), already typed.
 * @category Getting tokens
 */
export interface AssertionLayers {
  readonly alg: JwsAlgorithm;
  /** `sasl.oauthbearer.assertion.claim.aud` / `.iss` / `.sub`, when configured. */
  readonly staticClaims: { readonly aud?: string; readonly iss?: string; readonly sub?: string };
  readonly template?: AssertionTemplate;
  /** `sasl.oauthbearer.assertion.claim.exp.seconds`, Kafka default 300. */
  readonly expSeconds: number;
  /** `sasl.oauthbearer.assertion.claim.nbf.seconds`, Kafka default 60. */
  readonly nbfSeconds: number;
  /** `sasl.oauthbearer.assertion.claim.jti.include`, Kafka default false. */
  readonly includeJti: boolean;
}

/**
 * The header and claims Kafka's `LayeredAssertionJwtTemplate` builds: static config claims, overwritten by the
 * template file, overwritten by the dynamic values (`alg`, `typ: JWT`, `iat` = floor(now/1000), `exp` = iat +
 * expSeconds, `nbf` = iat − nbfSeconds, `jti` when enabled). A `kid` can only come from the template header.
 * @example
 * ```ts
 * layerAssertion({ alg: 'RS256', staticClaims: { aud: 'https://idp.example', iss: 'app', sub: 'app' }, expSeconds: 300, nbfSeconds: 60, includeJti: false },
 *   1_700_000_000_000, jti);
 * // { header: { alg: 'RS256', typ: 'JWT' }, claims: { aud, iss, sub, iat: 1700000000, exp: 1700000300, nbf: 1699999940 } }
 * ```
 * @category Getting tokens
 */
export function layerAssertion(layers: AssertionLayers, nowMs: number, jti: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const header: Record<string, unknown> = { ...(layers.template?.header ?? {}) };
  header.alg = layers.alg;
  header.typ = 'JWT';
  const claims: Record<string, unknown> = {};
  for (const name of ['aud', 'iss', 'sub'] as const) {
    const value = layers.staticClaims[name];
    if (value !== undefined) claims[name] = value;
  }
  Object.assign(claims, layers.template?.payload ?? {});
  const iat = Math.floor(nowMs / 1000);
  claims.iat = iat;
  claims.exp = iat + layers.expSeconds;
  claims.nbf = iat - layers.nbfSeconds;
  if (layers.includeJti) claims.jti = jti;
  return { header, claims };
}
