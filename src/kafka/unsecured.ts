/**
 * Kafka's unsecured JWS tokens (KIP-255): creation from `unsecuredLogin*` JAAS options
 * (OAuthBearerUnsecuredLoginCallbackHandler), parsing (OAuthBearerUnsecuredJws, base64url since KAFKA-17089) and
 * validation against `unsecuredValidator*` options (OAuthBearerUnsecuredValidatorCallbackHandler,
 * OAuthBearerValidationUtils, OAuthBearerScopeUtils). Same claims, bytes, times and statuses as Kafka; where Kafka
 * would emit malformed JSON we refuse instead (kafka-observed.md, "Our policy").
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import { decodeBase64url, encodeBase64url } from '../encoding/base64.js';
import { parseJson, isJsonObject } from '../encoding/json.js';
import { encodeUtf8 } from '../encoding/utf8.js';
import { jacksonLimitExceeded, jacksonText, JACKSON_MAX_NESTING_DEPTH, JACKSON_MAX_NUMBER_LENGTH } from './jackson.js';
import { checkExtension } from '../sasl/gs2.js';
import { elapsedText } from '../jose/claims.js';
import type { BearerToken, TokenValidator } from '../token.js';
import {
  javaDoubleToString, javaHashMapOrder, javaIsBlank, javaRound, javaTrim, parseJavaDouble, parseJavaInt, parseJavaLong, javaUtf8Safe,
} from './java.js';

/**
 * Longest unsecured token read by default: 524 288 characters, Kafka's broker limit on a whole SASL frame
 * (`sasl.server.max.receive.size`): Kafka's broker takes any unsecured token that fits it (it accepts a 200 KB
 * one, issue 12). Lower it with `unsecuredValidator(options, { maxTokenLength })`. Decoding is linear in the
 * length (bench/bounds.bench.ts).
 * @category Kafka semantics
 */
export const MAX_UNSECURED_TOKEN_LENGTH = 524_288;

/**
 * Size limits of the unsecured validator (not JAAS options: Kafka has none).
 * @category Kafka semantics
 */
export interface UnsecuredLimits {
  /** Longest token accepted, in characters; default {@link MAX_UNSECURED_TOKEN_LENGTH}. */
  readonly maxTokenLength?: number;
}

/**
 * JAAS options as a map (Kafka's `Map<String, String>` of login-module options) or a plain object.
 * @category Kafka semantics
 */
export type JaasOptions = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/**
 * The unsecured JWS Kafka's login callback handler makes, with its decoded parts.
 * @category Kafka semantics
 */
export interface UnsecuredJws extends BearerToken {
  /** Always `{"alg":"none"}`. */
  readonly header: Readonly<Record<string, unknown>>;
  /** The decoded claims. */
  readonly claims: Readonly<Record<string, unknown>>;
}

/**
 * What Kafka's unsecured login yields: the token and the SASL extensions to send with it.
 * @category Kafka semantics
 */
export interface UnsecuredToken extends UnsecuredJws {
  /** SASL extensions from `unsecuredLoginExtension_<key>` options. */
  readonly extensions: ReadonlyMap<string, string>;
}

const HEADER_JSON = '{"alg":"none"}';
const PREFIX_STRING = 'unsecuredLoginStringClaim_';
const PREFIX_NUMBER = 'unsecuredLoginNumberClaim_';
const PREFIX_LIST = 'unsecuredLoginListClaim_';
const PREFIX_EXTENSION = 'unsecuredLoginExtension_';
const RESERVED_CLAIMS = new Set(['iat', 'exp']);
// OAuthBearerScopeUtils.INDIVIDUAL_SCOPE_ITEM_PATTERN (RFC 6749 §3.3 scope-token).
const SCOPE_ITEM = /^[\x23-\x5B\x5D-\x7E\x21]+$/;
const CONTROL = /[\u0000-\u001F]/;

function toMap(options: JaasOptions): ReadonlyMap<string, string> {
  return options instanceof Map ? options : new Map(Object.entries(options as Record<string, string>));
}

function config(message: string): never {
  throw new OAuthBearerError('ERR_CONFIG', message);
}

/** Kafka's `escape` (`"` → `\"`, then `\` → `\\`) after refusing what would make the JSON malformed. */
function jsonString(value: string, what: string): string {
  if (value.includes('"')) {
    config(`${what} contains '"': Kafka would write malformed JSON (it escapes the quote's backslash twice); remove the quote`);
  }
  if (CONTROL.test(value)) config(`${what} contains a control character, which Kafka writes unescaped into JSON; remove it`);
  return '"' + value.replace(/\\/g, '\\\\') + '"';
}

/**
 * Kafka's list-claim syntax: the first character is the delimiter, the rest is split on it with Java's
 * `String.split` (trailing empty items dropped), then ONE extra `""` is appended when the text starts or ends with
 * the delimiter or holds a doubled one. `*`, `+`, `?` and `)` are used raw as a regex and throw in Java.
 */
function listJsonText(value: string, claim: string): string {
  if (value.length <= 1) return '[]';
  const d = value[0]!;
  if (d === '*' || d === '+' || d === '?' || d === ')') {
    config(`List claim "${claim}" uses delimiter '${d}', which Kafka passes to Pattern.compile as a dangling regex; use another delimiter`);
  }
  const text = value.slice(1);
  const items = javaSplitChar(text, d);
  let out = '';
  for (const item of items) out += (out.length === 0 ? '[' : ',') + jsonString(item, `List claim "${claim}"`);
  if (text.startsWith(d) || text.endsWith(d) || text.includes(d + d)) out += ',""';
  if (!out.startsWith('[')) config(`List claim "${claim}" has only delimiters: Kafka fails with "Illegal JSON array"`);
  return out + ']';
}

/** `String.split` on one literal UTF-16 unit with limit 0: trailing empty strings removed. */
function javaSplitChar(text: string, d: string): string[] {
  const code = d.charCodeAt(0);
  const surrogate = code >= 0xd800 && code <= 0xdfff;
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== code) continue;
    // A surrogate delimiter goes through java.util.regex, which matches only an unpaired surrogate.
    if (surrogate && isPaired(text, i)) continue;
    parts.push(text.slice(start, i));
    start = i + 1;
  }
  if (parts.length === 0) return [text];
  parts.push(text.slice(start));
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function isPaired(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c <= 0xdbff) {
    const n = text.charCodeAt(i + 1);
    return n >= 0xdc00 && n <= 0xdfff;
  }
  const p = text.charCodeAt(i - 1);
  return p >= 0xd800 && p <= 0xdbff;
}

/**
 * Creates the unsecured token and extensions Kafka's unsecured login makes from `unsecuredLogin*` options at
 * `nowMs` (OAuthBearerLoginModule asks the handler for the token, then the extensions; either failing fails the
 * login). `createUnsecuredJws` makes the token, `unsecuredLoginExtensions` the extensions.
 * @throws OAuthBearerError `ERR_CONFIG`
 * @example
 * ```ts
 * const token = createUnsecuredToken(new Map([['unsecuredLoginStringClaim_sub', 'alice']]), Date.now());
 * token.principal; // 'alice'
 * ```
 * @category Kafka semantics
 */
export function createUnsecuredToken(options: JaasOptions, nowMs: number): UnsecuredToken {
  const jws = createUnsecuredJws(options, nowMs);
  return { ...jws, extensions: unsecuredLoginExtensions(options) };
}

/**
 * The SASL extensions of an unsecured login (the handler's SaslExtensionsCallback): each
 * `unsecuredLoginExtension_<key>` option, checked as OAuthBearerClientInitialResponse.validateExtensions does
 * (key letters only and not `auth`, value printable ASCII, space, tab, CR, LF, not empty).
 * @throws OAuthBearerError `ERR_CONFIG` for an invalid key or value
 * @example
 * ```ts
 * unsecuredLoginExtensions({ unsecuredLoginStringClaim_sub: 'alice', unsecuredLoginExtension_traceId: 'abc' });
 * // Map { 'traceId' => 'abc' }
 * ```
 * @category Kafka semantics
 */
export function unsecuredLoginExtensions(options: JaasOptions): Map<string, string> {
  const opts = toMap(options);
  const extensions = new Map<string, string>();
  for (const key of javaHashMapOrder(opts.keys())) {
    if (!key.startsWith(PREFIX_EXTENSION)) continue;
    const name = key.slice(PREFIX_EXTENSION.length);
    const v = opts.get(key)!;
    try {
      checkExtension(name, v);
    } catch (err) {
      // Kafka's login module reports a bad extension option as a configuration error.
      if (err instanceof OAuthBearerError) config(`unsecuredLoginExtension_${name}: ${err.message}`);
      throw err;
    }
    extensions.set(name, v);
  }
  return extensions;
}

/**
 * Creates the unsecured JWS Kafka's OAuthBearerUnsecuredLoginCallbackHandler makes for its token callback from
 * `unsecuredLogin*` options at `nowMs`: header `{"alg":"none"}`, claims `{"exp":E,"iat":I,…}` with E and I printed by Java's
 * `Double.toString` (`1.73232E9`), the claim options in Kafka's HashMap order, `Double.valueOf` number claims,
 * list claims with Java split quirks; value = base64url(header) + "." + base64url(claims) + ".".
 * Extension options play no part here.
 * @throws OAuthBearerError `ERR_USAGE_ARGUMENT` for a non-integer `nowMs`; `ERR_CONFIG` where Kafka fails (no options, only extensions, `iat`/`exp` claims, a bad
 *   lifetime or number, a regex delimiter, no principal) and where Kafka would write malformed JSON (`"` or a
 *   control character in a name or value, NaN/Infinity numbers)
 * @example
 * ```ts
 * const jws = createUnsecuredJws({ unsecuredLoginStringClaim_sub: 'alice' }, Date.now());
 * jws.value; // 'eyJhbGciOiJub25lIn0.eyJleHAi….'
 * ```
 * @category Kafka semantics
 */
export function createUnsecuredJws(options: JaasOptions, nowMs: number): UnsecuredJws {
  if (!Number.isSafeInteger(nowMs)) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', 'createUnsecuredJws needs nowMs as integer epoch milliseconds');
  const opts = toMap(options);
  if (opts.size === 0) config('No unsecuredLogin* options: Kafka makes no token; set at least unsecuredLoginStringClaim_sub');
  const keys = javaHashMapOrder(opts.keys());
  if (keys.every((k) => k.startsWith(PREFIX_EXTENSION))) config('Extensions provided in login context without a token');
  const principalClaimName = claimName(opts.get('unsecuredLoginPrincipalClaimName'), 'sub');
  const scopeClaimName = claimName(opts.get('unsecuredLoginScopeClaimName'), 'scope');
  const lifetimeText = opts.get('unsecuredLoginLifetimeSeconds') ?? '3600';
  const lifetimeSeconds = parseJavaLong(lifetimeText);
  if (lifetimeSeconds === null) config('unsecuredLoginLifetimeSeconds must be a Java long (digits, optional sign, no spaces)');
  const nowSeconds = nowMs / 1000;
  let claims = `{"exp":${javaDoubleToString(nowSeconds + Number(lifetimeSeconds))},"iat":${javaDoubleToString(nowSeconds)}`;
  for (const key of keys) {
    const value = opts.get(key)!;
    if (key.startsWith(PREFIX_STRING) && key.length > PREFIX_STRING.length) {
      const name = notReserved(key.slice(PREFIX_STRING.length));
      claims += ',' + jsonString(name, 'A claim name') + ':' + jsonString(value, `String claim "${name}"`);
    } else if (key.startsWith(PREFIX_NUMBER) && key.length > PREFIX_NUMBER.length) {
      const name = notReserved(key.slice(PREFIX_NUMBER.length));
      const number = parseJavaDouble(value);
      if (number === null) config(`Number claim "${name}" is not a Java double`);
      if (!Number.isFinite(number)) config(`Number claim "${name}" is ${number}: Kafka writes it as invalid JSON and fails`);
      claims += ',' + jsonString(name, 'A claim name') + ':' + javaDoubleToString(number);
    } else if (key.startsWith(PREFIX_LIST) && key.length > PREFIX_LIST.length) {
      const name = notReserved(key.slice(PREFIX_LIST.length));
      claims += ',' + jsonString(name, 'A claim name') + ':' + listJsonText(value, name);
    }
  }
  claims += '}';
  // String.getBytes(UTF_8) writes an unpaired surrogate as '?'.
  const claimsBytes = encodeUtf8(javaUtf8Safe(claims));
  const value = `${encodeBase64url(encodeUtf8(HEADER_JSON))}.${encodeBase64url(claimsBytes)}.`;
  let jws: ParsedJws;
  try {
    jws = parseUnsecuredJws(value, principalClaimName, scopeClaimName);
  } catch (cause) {
    throw new OAuthBearerError('ERR_CONFIG', `The unsecuredLogin* options make an invalid token: ${(cause as Error).message}`, { cause });
  }
  return { ...jws.token, header: jws.header, claims: jws.claims };
}

function claimName(value: string | undefined, fallback: string): string {
  return javaIsBlank(value) ? fallback : javaTrim(value!);
}

function notReserved(name: string): string {
  if (RESERVED_CLAIMS.has(name)) config(`Cannot explicitly set the '${name}' claim`);
  return name;
}

/** A claim value as OAuthBearerUnsecuredJws.toMap keeps it: Jackson number, text, or list of texts. */
type ClaimValue = number | string | string[];

interface ParsedJws {
  token: BearerToken;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  iat: number | null;
  exp: number;
}

function illegal(message: string): never {
  throw new OAuthBearerError('ERR_UNSECURED_TOKEN', message, { status: 'invalid_token' });
}

interface DecodedSegment {
  /** The JSON object, or {} when the JSON is not an object (Jackson's fields() is then empty). */
  json: Record<string, unknown>;
  text: string;
}

/** The header every Kafka and librdkafka unsecured token carries, base64url of `{"alg":"none"}`. */
const NONE_HEADER_SEGMENT = 'eyJhbGciOiJub25lIn0';

/** OAuthBearerUnsecuredJws.toMap: base64url (padding tolerated, as Java's URL decoder), Jackson readTree. */
function decodeSegment(segment: string, what: string): DecodedSegment {
  if (segment === NONE_HEADER_SEGMENT) return { json: { alg: 'none' }, text: HEADER_JSON };
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64url(segment, { padding: 'allow', canonical: false, what, pooled: true }); // read at once below
  } catch (cause) {
    throw new OAuthBearerError('ERR_UNSECURED_TOKEN', `The unsecured JWS ${what} is malformed base64url`, { status: 'invalid_token', cause });
  }
  // Jackson detects the encoding, skips a byte-order mark and decodes UTF-8 its own lenient way; it reads empty or
  // blank content as a MissingNode (no fields).
  const text = jacksonText(bytes);
  let parsed: unknown;
  try {
    // Fast path: the whole text is one JSON value. Else Jackson's readTree semantics: the first value, rest ignored.
    parsed = JSON.parse(text);
  } catch {
    if (/^[ \t\r\n]*$/.test(text)) return { json: {}, text };
    try {
      parsed = parseJson(text, { trailing: 'ignore', what: `unsecured JWS ${what}`, maxLength: MAX_UNSECURED_TOKEN_LENGTH });
    } catch (cause) {
      throw new OAuthBearerError('ERR_UNSECURED_TOKEN', `The unsecured JWS ${what} is malformed JSON`, { status: 'invalid_token', cause });
    }
  }
  const over = jacksonLimitExceeded(text);
  if (over === 'nesting') illegal(`The unsecured JWS ${what} nests deeper than ${JACKSON_MAX_NESTING_DEPTH} levels`);
  if (over === 'number') illegal(`The unsecured JWS ${what} has a number longer than ${JACKSON_MAX_NUMBER_LENGTH} digits`);
  return { json: isJsonObject(parsed) ? parsed : {}, text };
}

/** A member as OAuthBearerUnsecuredJws.toMap keeps it, or undefined when absent. */
function member(segment: DecodedSegment, name: string): ClaimValue | undefined {
  return Object.hasOwn(segment.json, name) ? convert(segment.json[name]) : undefined;
}

/** OAuthBearerUnsecuredJws.convert: arrays → element texts; numbers stay numbers; the rest → `asText()`. */
function convert(v: unknown): ClaimValue {
  if (Array.isArray(v)) return v.map((e) => asText(e));
  if (typeof v === 'number') return v;
  return asText(v);
}

/** Jackson `JsonNode.asText()`; list numbers are fixed up from their source text where it matters (elementTexts). */
function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return String(v);
  return '';
}

/**
 * Parses an unsecured JWS as OAuthBearerUnsecuredJws does, in its order: `..`, three parts, header and claims
 * decoded, `alg` present (else an internal error: Kafka throws a NullPointerException, no status) and `none`,
 * empty signature, scope, `exp`, principal, `iat`.
 */
function parseUnsecuredJws(value: string, principalClaimName: string, scopeClaimName: string, maxLength = MAX_UNSECURED_TOKEN_LENGTH): ParsedJws {
  if (value.length > maxLength) illegal(`The unsecured JWS is ${value.length} characters; the limit is ${maxLength} (maxTokenLength)`);
  if (value.includes('..')) illegal("Malformed compact serialization contains '..'");
  // Java's split("\\.") drops trailing empty strings; Kafka adds one back when the value ends with '.'.
  const parts = value.split('.');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (value.endsWith('.')) parts.push('');
  if (parts.length !== 3) illegal('Unsecured JWS compact serializations must have 3 dot-separated Base64URL-encoded values');
  const header = decodeSegment(parts[0]!, 'header');
  const claims = decodeSegment(parts[1]!, 'claims');
  const alg = member(header, 'alg');
  if (alg === undefined) {
    throw new OAuthBearerError('ERR_UNSECURED_TOKEN', 'JWS header must have an Algorithm value (Kafka fails with an internal error, no challenge)');
  }
  if (alg !== 'none') illegal("Unsecured JWS must have 'none' for an algorithm");
  if (parts[2] !== '') illegal('Unsecured JWS must not contain a digital signature');
  const scope = calculateScope(claims, scopeClaimName);
  const exp = member(claims, 'exp');
  if (exp === undefined) illegal('No expiration time in JWT');
  if (typeof exp !== 'number') illegal(`The 'exp' claim was not of type Number`);
  const principal = member(claims, principalClaimName);
  if (principal !== undefined && typeof principal !== 'string') illegal(`The '${principalClaimName}' claim was not of type String`);
  if (javaIsBlank(principal)) illegal(`No principal name in JWT claim: ${principalClaimName}`);
  const iat = member(claims, 'iat');
  if (iat !== undefined && typeof iat !== 'number') illegal(`The 'iat' claim was not of type Number`);
  return {
    token: {
      value,
      principal: principal!,
      scope,
      lifetimeMs: javaRound(exp * 1000),
      startTimeMs: iat === undefined ? null : javaRound(iat * 1000),
    },
    header: header.json,
    claims: claims.json,
    iat: iat ?? null,
    exp,
  };
}

/** OAuthBearerUnsecuredJws.calculateScope: a string is ONE trimmed scope; a list keeps its non-blank items trimmed. */
function calculateScope(segment: DecodedSegment, name: string): string[] {
  const v = member(segment, name);
  if (v === undefined) return [];
  if (typeof v === 'string') return javaIsBlank(v) ? [] : [javaTrim(v)];
  if (typeof v === 'number') illegal(`The '${name}' claim was not of type List`);
  // JSON.parse forgets how a number was written; Jackson's asText() prints `1.0`, `100.0` (for 1e2) or `0` (for -0).
  const raw = segment.json[name];
  const items = Array.isArray(raw) && raw.some((e) => typeof e === 'number') ? (elementTexts(segment.text, name) ?? v) : v;
  const out = new Set<string>();
  for (const item of items) {
    const t = javaTrim(item);
    if (t.length > 0) out.add(t);
  }
  return [...out];
}

/**
 * The `asText()` of each element of the LAST top-level member `name` when it is an array (Jackson keeps the last
 * duplicate): integers print canonically (`-0` → `0`, big ones in full), other numbers as Java doubles (`1e2` →
 * `100.0`), strings verbatim, `true`/`false`/`null`, and `""` for nested objects and arrays. Null when the member is
 * not an array. The text is known to be valid JSON (JSON.parse accepted it).
 */
function elementTexts(text: string, name: string): string[] | null {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const skipString = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const skipValue = (): void => {
    ws();
    const c = text[i];
    if (c === '"') {
      skipString();
      return;
    }
    if (c === '{' || c === '[') {
      let depth = 0;
      for (; i < text.length; i++) {
        const d = text[i];
        if (d === '"') {
          skipString();
          i--;
        } else if (d === '{' || d === '[') depth++;
        else if (d === '}' || d === ']') {
          depth--;
          if (depth === 0) {
            i++;
            return;
          }
        }
      }
      return;
    }
    while (i < text.length && !',]} \t\r\n'.includes(text[i]!)) i++;
  };
  ws();
  if (text[i] !== '{') return null;
  i++;
  let result: string[] | null = null;
  for (;;) {
    ws();
    if (text[i] !== '"') break;
    const key = skipString();
    ws();
    i++; // ':'
    ws();
    if (key === name && text[i] === '[') {
      const items: string[] = [];
      i++;
      for (;;) {
        ws();
        if (text[i] === ']') {
          i++;
          break;
        }
        const start = i;
        const c = text[i]!;
        skipValue();
        const lexeme = text.slice(start, i);
        if (c === '"') items.push(JSON.parse(lexeme) as string);
        else if (c === '{' || c === '[') items.push('');
        else if (c === 't' || c === 'f' || c === 'n') items.push(lexeme);
        else items.push(/[.eE]/.test(lexeme) ? javaDoubleToString(Number(lexeme)) : BigInt(lexeme).toString());
        ws();
        if (text[i] === ',') i++;
      }
      result = items;
    } else {
      if (key === name) result = null;
      skipValue();
    }
    ws();
    if (text[i] === ',') i++;
    else break;
  }
  return result;
}

/**
 * Parsed `unsecuredValidator*` options.
 * @category Kafka semantics
 */
export interface UnsecuredValidatorConfig {
  readonly principalClaimName: string;
  readonly scopeClaimName: string;
  readonly requiredScope: readonly string[];
  readonly allowableClockSkewMs: number;
}

/**
 * Reads `unsecuredValidator*` options as OAuthBearerUnsecuredValidatorCallbackHandler does: claim names (blank →
 * `sub`/`scope`, trimmed), `RequiredScope` split on single spaces with each item an RFC 6749 scope-token, and
 * `AllowableClockSkewMs` an `Integer.parseInt` of the trimmed value, not negative.
 * @throws OAuthBearerError `ERR_CONFIG` with no status (Kafka throws these out of the callback; the broker closes
 *   the connection without a challenge)
 * @example
 * ```ts
 * unsecuredValidatorConfig({ unsecuredValidatorAllowableClockSkewMs: '1000' });
 * // { principalClaimName: 'sub', scopeClaimName: 'scope', requiredScope: [], allowableClockSkewMs: 1000 }
 * ```
 * @category Kafka semantics
 */
export function unsecuredValidatorConfig(options: JaasOptions): UnsecuredValidatorConfig {
  const opts = toMap(options);
  const principalClaimName = claimName(opts.get('unsecuredValidatorPrincipalClaimName'), 'sub');
  const scopeClaimName = claimName(opts.get('unsecuredValidatorScopeClaimName'), 'scope');
  const requiredText = opts.get('unsecuredValidatorRequiredScope');
  const requiredScope: string[] = [];
  if (!javaIsBlank(requiredText)) {
    for (const item of javaTrim(requiredText!).split(' ')) {
      if (item.length === 0) continue;
      if (!SCOPE_ITEM.test(item)) config('unsecuredValidatorRequiredScope has an invalid scope item: use RFC 6749 scope-token characters, separated by spaces');
      requiredScope.push(item);
    }
  }
  const skewText = opts.get('unsecuredValidatorAllowableClockSkewMs');
  let allowableClockSkewMs = 0;
  if (!javaIsBlank(skewText)) {
    const parsed = parseJavaInt(javaTrim(skewText!));
    if (parsed === null) config('unsecuredValidatorAllowableClockSkewMs must be a 32-bit integer');
    allowableClockSkewMs = parsed;
  }
  if (allowableClockSkewMs < 0) config(`Allowable clock skew millis must not be negative: ${allowableClockSkewMs}`);
  return { principalClaimName, scopeClaimName, requiredScope, allowableClockSkewMs };
}

/**
 * Validates an unsecured JWS as Kafka's OAuthBearerUnsecuredValidatorCallbackHandler: options first, then the
 * token (see parse order), then `iat·1000 > now + skew` fails (boundary accepted), `now − skew ≥ exp·1000` fails
 * (boundary rejected), `exp ≤ iat` fails, then each required scope must be in the token's scope.
 * @throws OAuthBearerError `ERR_USAGE_ARGUMENT` for a non-string token or non-integer time;
 *   `ERR_UNSECURED_TOKEN` with status `invalid_token`; `ERR_INSUFFICIENT_SCOPE` with status
 *   `insufficient_scope` and scope `[a, b]` (Java's List.toString of the required scope); `ERR_CONFIG` or
 *   `ERR_UNSECURED_TOKEN` without a status where Kafka fails internally (bad options, no `alg`)
 * @example
 * ```ts
 * const token = validateUnsecuredToken(value, { unsecuredValidatorRequiredScope: 'read' }, Date.now());
 * ```
 * @category Kafka semantics
 */
export function validateUnsecuredToken(value: string, options: JaasOptions | UnsecuredValidatorConfig, nowMs: number, limits: UnsecuredLimits = {}): BearerToken {
  if (typeof value !== 'string' || !Number.isSafeInteger(nowMs)) {
    throw new OAuthBearerError('ERR_USAGE_ARGUMENT', 'validateUnsecuredToken needs a token string and nowMs as integer epoch milliseconds');
  }
  const cfg = isValidatorConfig(options) ? options : unsecuredValidatorConfig(options);
  const jws = parseUnsecuredJws(value, cfg.principalClaimName, cfg.scopeClaimName, limits.maxTokenLength);
  const skew = cfg.allowableClockSkewMs;
  if (jws.iat !== null && 1000 * jws.iat > nowMs + skew) {
    illegal(`The Issued At value was after the indicated time plus allowable clock skew: the token was issued ${elapsedText(1000 * jws.iat - nowMs)} in the future (clock skew ${skew} ms)`);
  }
  if (nowMs - skew >= 1000 * jws.exp) {
    illegal(`The indicated time minus allowable clock skew was on or after the Expiration Time value: the token expired ${elapsedText(nowMs - 1000 * jws.exp)} ago (clock skew ${skew} ms)`);
  }
  if (jws.iat !== null && jws.exp <= jws.iat) illegal('The Expiration Time was not after the Issued At time');
  for (const required of cfg.requiredScope) {
    if (!jws.token.scope.includes(required)) {
      throw new OAuthBearerError('ERR_INSUFFICIENT_SCOPE', `The token's scope lacks ${JSON.stringify(required.slice(0, 64))}, which unsecuredValidatorRequiredScope requires`, {
        status: 'insufficient_scope',
        scope: `[${cfg.requiredScope.join(', ')}]`,
      });
    }
  }
  return jws.token;
}

function isValidatorConfig(o: JaasOptions | UnsecuredValidatorConfig): o is UnsecuredValidatorConfig {
  return !(o instanceof Map) && Array.isArray((o as UnsecuredValidatorConfig).requiredScope);
}

/**
 * A {@link TokenValidator} for the SASL server that checks unsecured tokens like Kafka's unsecured validator
 * handler. Options are read once, here; bad options make every validation throw `ERR_CONFIG` without a status, as
 * Kafka's handler throws them out of every callback (the broker closes the connection without a challenge).
 * @example
 * ```ts
 * const validate = unsecuredValidator({ unsecuredValidatorRequiredScope: 'read' });
 * const token = await validate(value, { nowMs: Date.now() });
 * ```
 * @category Kafka semantics
 */
export function unsecuredValidator(options: JaasOptions, limits: UnsecuredLimits = {}): TokenValidator {
  const max = limits.maxTokenLength;
  if (max !== undefined && (!Number.isSafeInteger(max) || max < 1)) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', 'maxTokenLength must be a whole number ≥ 1');
  let cfg: UnsecuredValidatorConfig;
  try {
    cfg = unsecuredValidatorConfig(options);
  } catch (error) {
    // Kafka reads the options on every callback and throws out of it: each exchange fails without a challenge.
    return () => {
      throw error;
    };
  }
  return (token, context) => validateUnsecuredToken(token, cfg, context.nowMs, limits);
}
