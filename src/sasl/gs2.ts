/**
 * The OAUTHBEARER client response (RFC 7628 §3.1): a GS2 header (RFC 5801 §4), then `%x01`-terminated key/value
 * pairs, one of them `auth` carrying RFC 6750 §2.1 bearer credentials, then a final `%x01`.
 *
 * Two decoding profiles:
 * - `rfc7628`: the RFCs' grammar exactly (UTF-8 authzid, `y`/`n` flags, `host`/`port` read, duplicates refused).
 * - `kafka`: exactly what Apache Kafka's broker accepts (`OAuthBearerClientInitialResponse`): ASCII only, flag `n`
 *   only, `=2C`/`=3D` upper-case, non-empty values, repeated keys last-wins, `host`/`port` plain extensions.
 *
 * The parser decodes the message once (UTF-8), then makes one forward pass over the bytes with a class table (no
 * regular expression over the message, no splitting); every field is a substring of the decoded text. Each grammar
 * rule is a function named as its RFC names it, the rule quoted above it.
 * @module
 */
import { OAuthBearerError, type ErrorCode, type ProtocolStatus } from '../errors.js';

/**
 * Default bound on a client response: 524288 bytes, Kafka's broker limit on a SASL frame
 * (`sasl.server.max.receive.size`, BrokerSecurityConfigs). A larger message never reaches a Kafka mechanism.
 * @category Framing (SASL)
 */
export const MAX_CLIENT_RESPONSE_BYTES = 524_288;

/**
 * Which grammar {@link decodeClientResponse} applies: the RFCs', or Apache Kafka's broker's.
 * @category Framing (SASL)
 */
export type Gs2Profile = 'rfc7628' | 'kafka';

/**
 * A decoded client initial response.
 * @category Framing (SASL)
 */
export interface ClientResponse {
  /** The authorization identity, `=2C`/`=3D` unescaped (RFC 5801 §4), or null when the header has none. */
  readonly authzid: string | null;
  /** The authorization identity exactly as sent (Kafka compares this form with the principal), or null. */
  readonly authzidRaw: string | null;
  /** The bearer token (RFC 6750 §2.1 b64token), padding included. */
  readonly token: string;
  /** The auth scheme as sent (`Bearer`, `bearer`, `BEARER`...). */
  readonly scheme: string;
  /** The `host` kvpair (RFC 7628 §3.1), or null. Always null in the `kafka` profile, where it is an extension. */
  readonly host: string | null;
  /** The `port` kvpair as a number, or null. Always null in the `kafka` profile, where it is an extension. */
  readonly port: number | null;
  /** Every other kvpair, in the order first seen (KIP-342 SASL extensions). */
  readonly extensions: Map<string, string>;
}

/**
 * Options of {@link decodeClientResponse}.
 * @category Framing (SASL)
 */
export interface DecodeClientResponseOptions {
  /** `rfc7628` (default) or `kafka`. */
  readonly profile?: Gs2Profile;
  /** Largest accepted message in bytes; default {@link MAX_CLIENT_RESPONSE_BYTES}. */
  readonly maxMessageBytes?: number;
}

/**
 * What {@link encodeClientResponse} writes.
 * @category Framing (SASL)
 */
export interface ClientResponseFields {
  /** Authorization identity; omitted or empty means none (Kafka's client never sends one). */
  readonly authzid?: string;
  /** The bearer token: an RFC 6750 §2.1 b64token. */
  readonly token: string;
  /** RFC 7628 §3.1 `host` kvpair. */
  readonly host?: string;
  /** RFC 7628 §3.1 `port` kvpair, 1 to 65535. */
  readonly port?: number;
  /** SASL extensions (KIP-342), written in the order given. */
  readonly extensions?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
}

// RFC 7628 §3.1: kvsep = %x01
const KVSEP = 0x01;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const SP = 0x20;

// Character classes as bit flags over bytes; bytes >= 0x80 are in none but SAFE_UTF8.
const ALPHA = 1; // RFC 5234 B.1 ALPHA
const VALUE = 2; // RFC 7628 §3.1 VCHAR / SP / HTAB / CR / LF; also Kafka's [\x21-\x7E \t\r\n]
const B64 = 4; // RFC 6750 §2.1 b64token body: ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/"
const TCHAR = 8; // RFC 7230 §3.2.6 tchar (RFC 7235 auth-scheme = token)
const WORD = 16; // Java regex \w, Kafka's scheme class: [A-Za-z0-9_]
const SAFE_ASCII = 32; // RFC 5801 §4 UTF8-1-safe: %x01-2B / %x2D-3C / %x3E-7F (Kafka's SASLNAME class)
const SAFE_UTF8 = 64; // SAFE_ASCII plus every byte >= 0x80 (UTF-8 validity is checked by the decoder)

const CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const alpha = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  const digit = c >= 0x30 && c <= 0x39;
  let f = 0;
  if (alpha) f |= ALPHA;
  if ((c >= 0x21 && c <= 0x7e) || c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) f |= VALUE;
  const char = String.fromCharCode(c);
  if (alpha || digit || '-._~+/'.includes(char)) f |= B64;
  if (alpha || digit || "!#$%&'*+-.^_`|~".includes(char)) f |= TCHAR;
  if (alpha || digit || c === 0x5f) f |= WORD;
  if (c >= 0x01 && c <= 0x7f && c !== COMMA && c !== EQUALS) f |= SAFE_ASCII | SAFE_UTF8;
  if (c >= 0x80) f |= SAFE_UTF8;
  CLASS[c] = f;
}

/**
 * Index of the first byte at or after `p` outside class `flag`. The caller guarantees a byte outside the class
 * before the end (the message's last byte is %x01, in no class this is used with), so the loop needs no bound;
 * it tests eight bytes a step while it can, which halves the time on long tokens.
 */
function skip(bytes: Uint8Array, p: number, flag: number): number {
  const unrolled = bytes.length - 8;
  while (p < unrolled) {
    const all =
      CLASS[bytes[p]!]! & CLASS[bytes[p + 1]!]! & CLASS[bytes[p + 2]!]! & CLASS[bytes[p + 3]!]! &
      CLASS[bytes[p + 4]!]! & CLASS[bytes[p + 5]!]! & CLASS[bytes[p + 6]!]! & CLASS[bytes[p + 7]!]!;
    if (!(all & flag)) break;
    p += 8;
  }
  while (CLASS[bytes[p]!]! & flag) p++;
  return p;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const asciiDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/**
 * Refuses anything but a Uint8Array, also accepting one from another realm (a vm context, jsdom's TextEncoder),
 * where `instanceof` fails.
 * @internal
 */
export function checkBytes(value: unknown, caller: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array || (ArrayBuffer.isView(value) && value.constructor.name === 'Uint8Array'))) {
    throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `${caller}: the message must be a Uint8Array`);
  }
}

/**
 * The error for a message over its size bound, which names the option that raises it.
 * @internal
 */
export function tooLarge(what: string, length: number, max: number, option: string, status: ProtocolStatus): OAuthBearerError {
  return new OAuthBearerError('ERR_INPUT_TOO_LARGE', `The ${what} is ${length} bytes, over the limit of ${max} (${option})`, { status });
}

function invalid(code: ErrorCode, message: string): OAuthBearerError {
  return new OAuthBearerError(code, message, { status: 'invalid_request' });
}

/** A decoding error at byte `p`: `Expected <what>, found byte 0x2c at 7` (or `found the end at 7`). */
function expected(code: ErrorCode, bytes: Uint8Array, p: number, what: string): OAuthBearerError {
  const b = bytes[p];
  return invalid(code, `Expected ${what}, found ${b === undefined ? 'the end' : `byte 0x${b.toString(16).padStart(2, '0')}`} at ${p}`);
}

/** The message for a kvpair key given twice (decoder) or as both a field and an extension (encoder). */
function repeated(key: string): string {
  return `The "${key.slice(0, 64)}" kvpair is repeated; send each key once`;
}

// Rules the messages of both directions state.
const VALUE_RULE = 'printable ASCII, space, tab, CR or LF';
const HOST_RULE = `The host must be non-empty ${VALUE_RULE}`;
const B64_RULE = 'a b64token (letters, digits, "-._~+/", then optional "=" padding)';
const AUTH_SYNTAX = `The "auth" value must be "Bearer", spaces, then ${B64_RULE}`;
const NOT_BEARER = 'The "auth" scheme must be Bearer (OAUTHBEARER carries bearer tokens only)';

/** The parser's state: the position, the fields read so far, and where the last `auth` credentials lie. */
class Scan {
  pos = 0;
  /**
   * Text position of byte position p is p - shift: only the authzid, at the start, may hold multi-byte UTF-8
   * (every later class is ASCII), so past it positions shift by one constant.
   */
  shift = 0;
  authzidRaw: string | null = null;
  host: string | null = null;
  port: number | null = null;
  readonly extensions = new Map<string, string>();
  authCount = 0;
  /** The last `auth` kvpair's credentials (Kafka: last wins), as positions. */
  schemeStart = 0;
  schemeEnd = 0;
  tokenStart = 0;
  tokenEnd = 0;
  /** Whether that value matched `scheme 1*SP b64token` with the scheme class of the profile. */
  authWellFormed = false;
  constructor(
    readonly bytes: Uint8Array,
    /** The whole message decoded once (U+FFFD for bad bytes, which the scan refuses before reading past them). */
    readonly text: string,
    readonly kafka: boolean,
  ) {}
}

/**
 * Decodes a client initial response (RFC 7628 §3.1) under the given profile.
 * @throws OAuthBearerError with status `invalid_request`: `ERR_INPUT_TOO_LARGE`, `ERR_GS2_MESSAGE` (framing),
 *   `ERR_GS2_HEADER`, `ERR_AUTHZID`, `ERR_KVPAIR`, `ERR_EXTENSION_KEY`, `ERR_EXTENSION_VALUE`, `ERR_AUTH_MISSING`,
 *   `ERR_AUTH_SCHEME` (not Bearer), `ERR_TOKEN_SYNTAX`; `ERR_USAGE_ARGUMENT` (no status) when `bytes` is not bytes
 * @example
 * ```ts
 * const response = decodeClientResponse(bytes, { profile: 'kafka' });
 * const token = await validator(response.token, { nowMs: Date.now() });
 * ```
 * @category Framing (SASL)
 */
export function decodeClientResponse(bytes: Uint8Array, options: DecodeClientResponseOptions = {}): ClientResponse {
  checkBytes(bytes, 'decodeClientResponse');
  const max = options.maxMessageBytes ?? MAX_CLIENT_RESPONSE_BYTES;
  if (bytes.length > max) throw tooLarge('client response', bytes.length, max, 'maxMessageBytes', 'invalid_request');
  const scan = new Scan(bytes, asciiDecoder.decode(bytes), options.profile === 'kafka');
  clientResp(scan);
  // Last, as Kafka does: a scheme other than Bearer is reported only for an otherwise well-formed message.
  checkCredentials(scan);
  const { text, shift, authzidRaw } = scan;
  return {
    authzid: authzidRaw && unescapeSaslname(authzidRaw), // null, or a non-empty name
    authzidRaw,
    token: text.slice(scan.tokenStart - shift, scan.tokenEnd - shift),
    scheme: text.slice(scan.schemeStart - shift, scan.schemeEnd - shift),
    host: scan.host,
    port: scan.port,
    extensions: scan.extensions,
  };
}

// RFC 7628 §3.1:
//   client-resp = (gs2-header kvsep *kvpair kvsep) / kvsep
// The lone kvsep form is only the client's reply to an error challenge (§3.2.3), never an initial response.
function clientResp(s: Scan): void {
  const { bytes } = s;
  const n = bytes.length;
  if (n === 1 && bytes[0] === KVSEP) {
    throw invalid('ERR_GS2_MESSAGE', 'A lone %x01 only ends a failed exchange (RFC 7628 §3.2.3)');
  }
  // Every kvpair and the message end with %x01; checking the last byte first bounds every scan below.
  if (n === 0) throw expected('ERR_GS2_MESSAGE', bytes, 0, 'a GS2 header such as "n,,"');
  if (bytes[n - 1] !== KVSEP) throw expected('ERR_GS2_MESSAGE', bytes, n - 1, 'a final %x01');
  gs2Header(s);
  // The header ends with ",", never with the last byte, so the byte after it exists.
  if (bytes[s.pos] !== KVSEP) throw expected('ERR_GS2_MESSAGE', bytes, s.pos, '%x01 after the GS2 header');
  s.pos++;
  while (bytes[s.pos] !== KVSEP) {
    if (s.pos === n) throw expected('ERR_GS2_MESSAGE', bytes, n, 'a final %x01');
    kvpair(s);
  }
  s.pos++;
  if (s.pos !== n) throw expected('ERR_GS2_MESSAGE', bytes, s.pos, 'the end after the final %x01');
  if (s.authCount === 0) throw invalid('ERR_AUTH_MISSING', 'The client response has no "auth" kvpair; send "auth=Bearer <token>"');
}

// RFC 5801 §4:
//   gs2-header      = [gs2-nonstd-flag ","] gs2-cb-flag "," [gs2-authzid] ","
//   gs2-nonstd-flag = "F"
//   gs2-cb-flag     = ("p=" cb-name) / "n" / "y"
//   gs2-authzid     = "a=" saslname
// Kafka accepts only "n," [gs2-authzid] "," (OAuthBearerClientInitialResponse's message pattern).
function gs2Header(s: Scan): void {
  const { bytes } = s;
  let p = 0;
  if (!s.kafka && bytes[0] === 0x46 /* F */ && bytes[1] === COMMA) p = 2;
  const flag = bytes[p];
  // RFC 7628 defines no channel binding (there is no OAUTHBEARER-PLUS), so "p=" is refused as any other flag.
  if (!(flag === 0x6e /* n */ || (flag === 0x79 /* y */ && !s.kafka))) {
    throw expected('ERR_GS2_HEADER', bytes, p, `the GS2 flag "n"${s.kafka ? '' : ' or "y" (no channel binding)'}`);
  }
  if (bytes[++p] !== COMMA) throw expected('ERR_GS2_HEADER', bytes, p, '"," after the GS2 flag');
  p++;
  if (bytes[p] === 0x61 /* a */ && bytes[p + 1] === EQUALS) {
    s.pos = p + 2;
    saslname(s);
    p = s.pos;
  }
  if (bytes[p] !== COMMA) throw expected('ERR_GS2_HEADER', bytes, p, '"," or "a=<authzid>,"');
  s.pos = p + 1;
}

// RFC 5801 §4:
//   UTF8-1-safe    = %x01-2B / %x2D-3C / %x3E-7F
//   UTF8-char-safe = UTF8-1-safe / UTF8-2 / UTF8-3 / UTF8-4
//   saslname       = 1*(UTF8-char-safe / "=2C" / "=3D")
// ABNF strings are case-insensitive (RFC 5234 §2.3), so `=2c` is a saslname escape too; Kafka's pattern has only
// the upper-case forms and no non-ASCII characters.
function saslname(s: Scan): void {
  const { bytes } = s;
  const safe = s.kafka ? SAFE_ASCII : SAFE_UTF8;
  const start = s.pos;
  let p = start;
  // Past the end, bytes[p] is undefined: in no class and not "=", so the loop stops.
  for (;;) {
    const b = bytes[p]!;
    if (CLASS[b]! & safe) p++;
    else if (b === EQUALS && escapeAt(bytes, p + 1, s.kafka)) p += 3;
    else break;
  }
  if (bytes[p] !== COMMA) {
    // A stray "=", a byte outside the profile's class, or the end (the last %x01 is a safe byte): reported as
    // itself, so a refused first byte is never called empty.
    throw expected('ERR_AUTHZID', bytes, p, `${s.kafka ? 'ASCII 0x01-0x7F' : 'UTF-8 without NUL'} in the authzid ("=" as =3D, "," as =2C), then ","`);
  }
  if (p === start) throw invalid('ERR_AUTHZID', 'The authzid after "a=" is empty; omit "a=" or send a name');
  let raw: string;
  try {
    raw = utf8Decoder.decode(bytes.subarray(start, p));
  } catch (cause) {
    throw new OAuthBearerError('ERR_AUTHZID', 'The authzid is not valid UTF-8', { status: 'invalid_request', cause });
  }
  s.authzidRaw = raw;
  s.shift = p - start - raw.length;
  s.pos = p;
}

/** True when `2C` or `3D` starts at `p` (upper-case only for Kafka). */
function escapeAt(bytes: Uint8Array, p: number, kafka: boolean): boolean {
  const hi = bytes[p];
  const lo = bytes[p + 1];
  if (lo === undefined) return false;
  const l = kafka ? lo : lo & ~0x20; // ASCII letter to upper case
  return (hi === 0x32 && l === 0x43) || (hi === 0x33 && l === 0x44);
}

// RFC 7628 §3.1:
//   key    = 1*(ALPHA)
//   value  = *(VCHAR / SP / HTAB / CR / LF )
//   kvpair = key "=" value kvsep
// Kafka: KEY [A-Za-z]+ and VALUE [\x21-\x7E \t\r\n]+ (the same classes, but the value must not be empty).
function kvpair(s: Scan): void {
  const { bytes } = s;
  const keyStart = s.pos;
  let p = skip(bytes, keyStart, ALPHA);
  const stop = bytes[p]!;
  if (stop !== EQUALS || p === keyStart) {
    throw expected(stop === KVSEP && p > keyStart ? 'ERR_KVPAIR' : 'ERR_EXTENSION_KEY', bytes, p, 'a key of ASCII letters, then "="');
  }
  const eq = p++;
  const isAuth = eq - keyStart === 4 && s.text.startsWith('auth', keyStart - s.shift);
  if (isAuth) {
    if (s.authCount > 0 && !s.kafka) throw invalid('ERR_KVPAIR', repeated('auth'));
    s.authCount++;
    p = credentials(s, p);
  }
  p = skip(bytes, p, VALUE);
  const code = isAuth ? 'ERR_TOKEN_SYNTAX' : 'ERR_EXTENSION_VALUE';
  if (bytes[p] !== KVSEP) throw expected(code, bytes, p, `a value of ${VALUE_RULE}`);
  if (s.kafka && p === eq + 1) throw expected(code, bytes, p, 'a value (Kafka refuses empty ones)');
  if (!isAuth) kvpairValue(s, keyStart, eq, p);
  s.pos = p + 1;
}

/** Records a kvpair other than `auth`: an extension, or (rfc7628) the host or port. */
function kvpairValue(s: Scan, keyStart: number, eq: number, end: number): void {
  const { text, shift } = s;
  const key = text.slice(keyStart - shift, eq - shift);
  const value = text.slice(eq + 1 - shift, end - shift);
  if (s.kafka) {
    // Kafka puts the kvpairs in a HashMap: a repeated key keeps its last value.
    s.extensions.set(key, value);
  } else if (key === 'host') {
    if (s.host !== null) throw invalid('ERR_KVPAIR', repeated(key));
    if (value.length === 0) throw invalid('ERR_KVPAIR', HOST_RULE);
    s.host = value;
  } else if (key === 'port') {
    if (s.port !== null) throw invalid('ERR_KVPAIR', repeated(key));
    s.port = portValue(value);
  } else {
    if (s.extensions.has(key)) throw invalid('ERR_KVPAIR', repeated(key));
    s.extensions.set(key, value);
  }
}

// RFC 6750 §2.1:
//   b64token    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//   credentials = "Bearer" 1*SP b64token
// The scheme is read as an RFC 7235 auth-scheme (token) and compared case-insensitively (RFC 7235 §2.1); Kafka
// reads it as \w+. Returns where the scan stopped; the caller's value scan continues from there, so the token's
// bytes are read once.
function credentials(s: Scan, start: number): number {
  const { bytes } = s;
  let p = start;
  while (CLASS[bytes[p]!]! & (s.kafka ? WORD : TCHAR)) p++;
  s.schemeStart = start;
  s.schemeEnd = p;
  while (bytes[p] === SP) p++;
  const tokenStart = p;
  p = skip(bytes, p, B64);
  const bodyEnd = p;
  while (bytes[p] === EQUALS) p++;
  s.tokenStart = tokenStart;
  s.tokenEnd = p;
  s.authWellFormed = s.schemeEnd > start && tokenStart > s.schemeEnd && bodyEnd > tokenStart && bytes[p] === KVSEP;
  return p;
}

function checkCredentials(s: Scan): void {
  const { bytes, schemeStart, schemeEnd, shift } = s;
  // The scheme's class is ASCII, where toLowerCase is ASCII case folding (RFC 7235 §2.1: case-insensitive).
  const bearer = s.text.slice(schemeStart - shift, schemeEnd - shift).toLowerCase() === 'bearer';
  // Kafka matches the whole auth pattern first ("invalid 'auth' format"), then compares the scheme; the RFC profile
  // reports a complete scheme other than Bearer first. A well-formed value has its scheme ended by a space, so in
  // the RFC profile the last check below never fires.
  if (!s.kafka && schemeEnd > schemeStart && (bytes[schemeEnd] === SP || bytes[schemeEnd] === KVSEP) && !bearer) {
    throw invalid('ERR_AUTH_SCHEME', NOT_BEARER);
  }
  if (!s.authWellFormed) throw invalid('ERR_TOKEN_SYNTAX', AUTH_SYNTAX);
  if (!bearer) throw invalid('ERR_AUTH_SCHEME', NOT_BEARER);
}

// RFC 7628 §3.1: port is "a decimal positive integer string without leading zeros"; TCP ports end at 65535.
function portValue(value: string): number {
  if (!/^[1-9][0-9]{0,4}$/.test(value) || Number(value) > 65535) throw portError(`"${value.slice(0, 16)}"`, 'invalid_request');
  return Number(value);
}

function portError(shown: string, status?: ProtocolStatus): OAuthBearerError {
  return new OAuthBearerError('ERR_KVPAIR', `The port must be 1 to 65535 (no leading zeros), not ${shown}`, { status });
}

/** Undoes the saslname escapes `=2C` → `,` and `=3D` → `=` (RFC 5801 §4; any case, as ABNF strings are). */
function unescapeSaslname(raw: string): string {
  // =2C first: its "," cannot start a new =3D, while "=3D2C" must become "=2C", not ",".
  return raw.replace(/=2C/gi, ',').replace(/=3D/gi, '=');
}

/** Escapes an authzid as a saslname: `=` → `=3D`, `,` → `=2C` (RFC 5801 §4). */
function escapeSaslname(authzid: string): string {
  return authzid.replace(/[=,]/g, (c) => (c === '=' ? '=3D' : '=2C'));
}

/**
 * True when `token` is an RFC 6750 §2.1 b64token.
 * @example
 * ```ts
 * isB64Token('abc.def-_~+/=='); // true
 * isB64Token('a b'); // false
 * ```
 * @category Framing (SASL)
 */
export function isB64Token(token: string): boolean {
  let i = 0;
  while (i < token.length) {
    const c = token.charCodeAt(i);
    if (c > 0x7f || !(CLASS[c]! & B64)) break;
    i++;
  }
  if (i === 0) return false;
  while (i < token.length && token.charCodeAt(i) === EQUALS) i++;
  return i === token.length;
}

function isAll(text: string, flag: number): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f || !(CLASS[c]! & flag)) return false;
  }
  return true;
}

/**
 * Checks one SASL extension as Kafka's client and broker do (`OAuthBearerClientInitialResponse.validateExtensions`):
 * key `[A-Za-z]+` and not `auth`, value `[\x21-\x7E \t\r\n]+`. These keys and values are also valid RFC 7628 kvpairs.
 * @throws OAuthBearerError `ERR_EXTENSION_KEY`, `ERR_EXTENSION_VALUE` (no status: the caller's input)
 * @example
 * ```ts
 * checkExtension('traceId', 'abc'); // ok
 * checkExtension('auth', 'abc'); // throws ERR_EXTENSION_KEY: "auth" carries the token
 * ```
 * @category Framing (SASL)
 */
export function checkExtension(key: string, value: string): void {
  if (key === 'auth' || key.length === 0 || !isAll(key, ALPHA)) {
    throw new OAuthBearerError('ERR_EXTENSION_KEY', `SASL extension key "${key.slice(0, 64)}" must be ASCII letters, not "auth"`);
  }
  if (value.length === 0 || !isAll(value, VALUE)) {
    throw new OAuthBearerError('ERR_EXTENSION_VALUE', `SASL extension "${key.slice(0, 64)}" needs a non-empty value of ${VALUE_RULE}`);
  }
}

/**
 * Encodes a client initial response (RFC 7628 §3.1): `n,` [`a=` saslname] `,` `%x01`, then `host`, `port`,
 * `auth=Bearer <token>` and the extensions in the order given, each followed by `%x01`, then a final `%x01`.
 * @throws OAuthBearerError `ERR_TOKEN_SYNTAX` (not a b64token), `ERR_AUTHZID` (NUL or a lone surrogate),
 *   `ERR_USAGE_ARGUMENT` (authzid, host or an extension key or value not a string),
 *   `ERR_EXTENSION_KEY`, `ERR_EXTENSION_VALUE` ({@link checkExtension}, also a key repeating `host`/`port`),
 *   `ERR_KVPAIR` (bad host or port)
 * @example
 * ```ts
 * const message = encodeClientResponse({ token, extensions: { logicalCluster: 'lkc-1' } });
 * // "n,,\x01auth=Bearer <token>\x01logicalCluster=lkc-1\x01\x01"
 * ```
 * @category Framing (SASL)
 */
export function encodeClientResponse(fields: ClientResponseFields): Uint8Array {
  const { authzid, token, host, port } = fields;
  if (authzid !== undefined && typeof authzid !== 'string') throw notString('authzid');
  if (host !== undefined && typeof host !== 'string') throw notString('host');
  if (typeof token !== 'string') throw notB64Token(0);
  const extensions = fields.extensions;
  const entries: [unknown, unknown][] = extensions === undefined ? [] : extensions instanceof Map ? [...extensions] : Object.entries(extensions);
  let tail = '';
  for (const [key, value] of entries) {
    if (typeof key !== 'string') throw notString('an extension key');
    if (typeof value !== 'string') throw notString(`extension "${key.slice(0, 64)}"`);
    tail += `${key}=${value}\x01`;
  }
  const withAuthzid = authzid !== undefined && authzid !== '';
  let head = withAuthzid ? `n,a=${escapeSaslname(authzid)},\x01` : 'n,,\x01';
  if (host !== undefined) head += `host=${host}\x01`;
  if (port !== undefined) head += `port=${port}\x01`;
  // RFC 7628 §3.1 auth kvpair: key "=" "Bearer" 1*SP b64token (RFC 6750 §2.1 credentials).
  head += 'auth=Bearer ';
  // One template through TextEncoder.encode, the cost of building the message unchecked; then each field is checked
  // in the order of their errors. The message is all ASCII exactly when it has one byte per character: then the
  // token's bytes are checked where they lie, two bytes a step; otherwise the token's characters are.
  const out = utf8Encoder.encode(`${head}${token}\x01${tail}\x01`);
  const ascii = out.length === head.length + token.length + tail.length + 2;
  if (!(ascii ? isB64Bytes(out, head.length, head.length + token.length) : isB64Token(token))) throw notB64Token(token.length);
  // RFC 5801 §4 saslname: UTF-8 (which has no lone surrogate) without NUL.
  if (withAuthzid && NOT_SASLNAME.test(authzid)) throw new OAuthBearerError('ERR_AUTHZID', 'The authzid must be Unicode text without NUL');
  if (host !== undefined && (host.length === 0 || !isAll(host, VALUE))) throw new OAuthBearerError('ERR_KVPAIR', HOST_RULE);
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) throw portError(String(port));
  for (const [key, value] of entries as [string, string][]) {
    checkExtension(key, value);
    if ((key === 'host' && host !== undefined) || (key === 'port' && port !== undefined)) {
      throw new OAuthBearerError('ERR_EXTENSION_KEY', repeated(key));
    }
  }
  return out;
}

/** NUL, or a UTF-16 surrogate without its other half. */
const NOT_SASLNAME = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function notB64Token(length: number): OAuthBearerError {
  return new OAuthBearerError('ERR_TOKEN_SYNTAX', `The token (${length} characters) is not ${B64_RULE}`);
}

function notString(what: string): OAuthBearerError {
  return new OAuthBearerError('ERR_USAGE_ARGUMENT', `encodeClientResponse: ${what} must be a string`);
}

/**
 * True when bytes [p, end) are an RFC 6750 §2.1 b64token (`1*b64char *"="`). The byte at `end` is the kvpair's
 * %x01, in no class, so {@link skip} stops there at the latest.
 */
function isB64Bytes(out: Uint8Array, p: number, end: number): boolean {
  let q = end - p >= PAIR_CHECK_CHARS ? b64Pairs(out, p, end) : skip(out, p, B64);
  if (q === p) return false;
  while (q < end && out[q] === EQUALS) q++;
  return q === end;
}

/** Tokens at least this long are checked two bytes a step against {@link B64_PAIR}. */
const PAIR_CHECK_CHARS = 256;
/** 1 where both bytes of a 16-bit unit (either byte order) are b64token characters; built on first use (64 KiB). */
let B64_PAIR: Uint8Array | null = null;

/** Like `skip(out, p, B64)` but two bytes a lookup, which is what keeps a long token's check near memcpy speed. */
function b64Pairs(out: Uint8Array, p: number, end: number): number {
  let table = B64_PAIR;
  if (table === null) {
    table = new Uint8Array(65536);
    for (let i = 0; i < 65536; i++) table[i] = CLASS[i & 0xff]! & CLASS[i >>> 8]! & B64 ? 1 : 0;
    B64_PAIR = table;
  }
  if ((out.byteOffset + p) & 1) {
    if (!(CLASS[out[p]!]! & B64)) return p;
    p++;
  }
  const units = new Uint16Array(out.buffer, out.byteOffset + p, (end - p) >>> 1);
  const m = units.length;
  let i = 0;
  while (i + 4 <= m && table[units[i]!]! & table[units[i + 1]!]! & table[units[i + 2]!]! & table[units[i + 3]!]!) i += 4;
  while (i < m && table[units[i]!]) i++;
  // At the first pair that failed (or the odd last byte), finish byte by byte.
  p += 2 * i;
  while (p < end && CLASS[out[p]!]! & B64) p++;
  return p;
}
