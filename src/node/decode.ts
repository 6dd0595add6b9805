/**
 * What `oauthbearer decode` explains: a client initial response (typed with `\x01`, `\u0001` or `^A` for the
 * separator, or pasted as base64 SASL bytes), a server error challenge, a JWT or unsecured JWS (also as a pasted
 * `Bearer <jwt>`). Tokens are shown as header, claims, times relative to now and lengths: never whole, never
 * their signature, and never verified.
 * @module
 */
import { decodeClientResponse, type Gs2Profile } from '../sasl/gs2.js';
import { decodeErrorChallenge } from '../sasl/challenge.js';
import { decodeBase64, decodeBase64url } from '../encoding/base64.js';
import { parseJson } from '../encoding/json.js';
import { OAuthBearerError } from '../errors.js';
import { validateClientJwt } from '../jose/claims.js';
import { validateUnsecuredToken } from '../kafka/unsecured.js';
import { describeToken, escapeBytes, formatExpiry, formatRelative, formatTime, unescapeText } from './render.js';

/** The exit code {@link explainInput} returns: 0 explained and accepted, 1 recognised but refused, 2 not recognised. */
export type DecodeOutcome = 0 | 1 | 2;

type Out = (line: string) => void;

function verdict(run: () => unknown): { ok: boolean; text: string } {
  try {
    run();
    return { ok: true, text: 'accepted' };
  } catch (err) {
    if (err instanceof OAuthBearerError) return { ok: false, text: `refused: ${err.code}: ${err.message}` };
    throw err;
  }
}

/**
 * A client message for display with its token left out: `auth=Bearer <JWS: ... characters>`. Everything after
 * the scheme of every `auth=` kvpair is replaced, so a message that does not decode cannot leak its token either.
 */
export function redactedMessage(bytes: Uint8Array): string {
  const segments: string[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x01) continue;
    const segment = bytes.subarray(start, i);
    const head = new TextDecoder().decode(segment.subarray(0, 5));
    if (head.toLowerCase() === 'auth=') {
      const value = new TextDecoder().decode(segment.subarray(5));
      const m = /^(\S*)( +)([^]*)$/.exec(value);
      segments.push(m === null ? `${head}${describeToken(value)}` : `${head}${escapeBytes(new TextEncoder().encode(m[1]!))}${m[2]}${describeToken(m[3]!)}`);
    } else {
      segments.push(escapeBytes(segment));
    }
    start = i + 1;
  }
  return segments.join('\\x01');
}

/** Prints one client initial response the way a person reads it (the token by its lengths only). */
export function explainClientResponse(bytes: Uint8Array, out: Out, indent = '   ', profile: Gs2Profile = 'rfc7628'): void {
  const response = decodeClientResponse(bytes, { profile });
  out(`${indent}bytes      ${redactedMessage(bytes)}   (${bytes.length} bytes)`);
  const header = new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0x01)));
  out(`${indent}GS2 header ${header}   (n: no channel binding; ${response.authzid === null ? 'no authzid' : `authzid "${response.authzid}"`})`);
  if (response.host !== null) out(`${indent}kvpair     host=${response.host}`);
  if (response.port !== null) out(`${indent}kvpair     port=${response.port}`);
  out(`${indent}kvpair     auth=${response.scheme} ${describeToken(response.token)}`);
  for (const [key, value] of response.extensions) out(`${indent}kvpair     ${key}=${value}   (SASL extension, KIP-342)`);
  out(`${indent}end        \\x01   (empty kvpair ends the message, RFC 7628 §3.1)`);
}

function decodePart(part: string, what: string): { ok: true; json: unknown } | { ok: false; error: string } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(decodeBase64url(part, { padding: 'allow', canonical: false, what }));
    return { ok: true, json: parseJson(text, { what }) };
  } catch (err) {
    if (err instanceof OAuthBearerError) return { ok: false, error: `${err.code}: ${err.message}` };
    if (err instanceof TypeError) return { ok: false, error: `ERR_UTF8: the ${what} is not UTF-8` };
    throw err;
  }
}

/**
 * Explains a token: header, claims, `iat` / `nbf` / `exp` with times relative to `nowMs`, the signature's length,
 * and Kafka's own checks (the client's ClientJwtValidator for a signed JWT, the unsecured validator for an
 * unsecured JWS). Returns true when header and claims decode.
 */
export function explainToken(token: string, nowMs: number, out: Out, indent = '   '): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) {
    out(`${indent}token      ${describeToken(token)}: not a JWS (three dot-separated parts), so nothing to look inside`);
    return false;
  }
  const [h, c, s] = parts as [string, string, string];
  out(`${indent}token      ${describeToken(token)}; ${s === '' ? 'unsecured: no signature' : 'signed; the signature is not shown and not verified here'}`);
  let ok = true;
  let claims: Record<string, unknown> | null = null;
  for (const [name, part] of [['header', h], ['claims', c]] as const) {
    const decoded = decodePart(part, `JWS ${name}`);
    if (!decoded.ok) {
      out(`${indent}${name.padEnd(10)} does not decode: ${decoded.error}`);
      ok = false;
      continue;
    }
    out(`${indent}${name.padEnd(10)} ${JSON.stringify(decoded.json)}`);
    if (name === 'claims' && typeof decoded.json === 'object' && decoded.json !== null && !Array.isArray(decoded.json)) {
      claims = decoded.json as Record<string, unknown>;
    }
  }
  if (claims !== null) {
    const time = (name: string): number | null => (typeof claims![name] === 'number' && Number.isFinite(claims![name]) ? (claims![name] as number) * 1000 : null);
    const iat = time('iat');
    const nbf = time('nbf');
    const exp = time('exp');
    if (iat !== null) out(`${indent}iat        ${formatTime(iat)}   (issued ${formatRelative(iat - nowMs)})`);
    if (nbf !== null) out(`${indent}nbf        ${formatTime(nbf)}   (${nbf > nowMs ? `not valid until ${formatRelative(nbf - nowMs)}` : `valid since ${formatRelative(nbf - nowMs)}`})`);
    if (exp !== null) out(`${indent}exp        ${formatTime(exp)}   (${formatExpiry(exp, nowMs)})`);
    else out(`${indent}exp        none: Kafka's client and broker both require an exp claim`);
  }
  if (s === '') {
    const v = verdict(() => validateUnsecuredToken(token, {}, nowMs));
    out(`${indent}Kafka's unsecured validator (default options, now): ${v.text}`);
  } else {
    const v = verdict(() => validateClientJwt(token));
    out(`${indent}Kafka's client check (ClientJwtValidator, no signature check): ${v.text}`);
  }
  return ok;
}

function explainMessage(bytes: Uint8Array, nowMs: number, out: Out): DecodeOutcome {
  out('A client initial response (RFC 7628 §3.1)');
  const rfc = verdict(() => decodeClientResponse(bytes, { profile: 'rfc7628' }));
  const kafka = verdict(() => decodeClientResponse(bytes, { profile: 'kafka' }));
  out(`   RFC 7628 profile: ${rfc.text}`);
  out(`   Kafka broker:     ${kafka.text}`);
  const profile: Gs2Profile | null = rfc.ok ? 'rfc7628' : kafka.ok ? 'kafka' : null;
  if (profile === null) {
    // The verdicts above say why it does not decode; show it without its token.
    out(`   bytes      ${redactedMessage(bytes)}   (${bytes.length} bytes)`);
  } else {
    explainClientResponse(bytes, out, '   ', profile);
    explainToken(decodeClientResponse(bytes, { profile }).token, nowMs, out);
  }
  return kafka.ok ? 0 : 1;
}

function explainChallenge(bytes: Uint8Array, out: Out): DecodeOutcome {
  let challenge;
  try {
    challenge = decodeErrorChallenge(bytes);
  } catch (err) {
    if (!(err instanceof OAuthBearerError)) throw err;
    out('A server error challenge (RFC 7628 §3.2.2)?');
    out(`   refused: ${err.code}: ${err.message}`);
    return 1;
  }
  out('A server error challenge (RFC 7628 §3.2.2)');
  out(`   status                ${challenge.status}`);
  if (challenge.scope !== null) out(`   scope                 ${challenge.scope}`);
  if (challenge.openidConfiguration !== null) out(`   openid-configuration  ${challenge.openidConfiguration}`);
  out('   The client answers with a single %x01 byte; the server then reports the failure.');
  return 0;
}

const CLIENT_MESSAGE = /^(n|y|p=[^,]*),/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Explains `input` (already read from the argument or stdin) for a person, as of `nowMs`.
 * @returns 0 when it decodes and Kafka's broker would take it, 1 when recognised but refused or undecodable,
 * 2 when it is none of the forms `decode` knows
 */
export function explainInput(input: string, nowMs: number, out: Out): DecodeOutcome {
  const text = input.trim();
  const bearer = /^bearer +(\S+)$/i.exec(text);
  if (bearer !== null) {
    out('A bearer token (as pasted from an Authorization header or an auth= kvpair)');
    return explainToken(bearer[1]!, nowMs, out) ? 0 : 1;
  }
  if (CLIENT_MESSAGE.test(text)) return explainMessage(unescapeText(text), nowMs, out);
  if (text.startsWith('{')) return explainChallenge(unescapeText(text), out);
  if (text.split('.').length === 3 && /^[A-Za-z0-9_=-]*\.[A-Za-z0-9_=-]*\.[A-Za-z0-9_=-]*$/.test(text)) {
    out('A compact JWS');
    return explainToken(text, nowMs, out) ? 0 : 1;
  }
  if (BASE64.test(text)) {
    let bytes: Uint8Array | null = null;
    try {
      bytes = /[-_]/.test(text) ? decodeBase64url(text, { padding: 'allow', canonical: false }) : decodeBase64(text, { canonical: false });
    } catch {
      bytes = null;
    }
    if (bytes !== null && bytes.length > 0) {
      const head = new TextDecoder().decode(bytes.subarray(0, 64));
      if (CLIENT_MESSAGE.test(head)) {
        out(`Base64 of ${bytes.length} SASL bytes:`);
        return explainMessage(bytes, nowMs, out);
      }
      if (head.startsWith('{')) {
        out(`Base64 of ${bytes.length} SASL bytes:`);
        return explainChallenge(bytes, out);
      }
    }
  }
  return 2;
}
