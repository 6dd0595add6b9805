/**
 * librdkafka's unsecured token from `sasl.oauthbearer.config` (src/rdkafka_sasl_oauthbearer.c:
 * parse_ujws_config, create_jws_compact_serialization, rd_kafka_oauthbearer_unsecured_token0, set_token0), as
 * librdkafka-observed.md records it: claims principal, iat, exp, scope with three-decimal times, comma scopes.
 * Where librdkafka 2.0.2 crashes or writes malformed JSON, we refuse with `ERR_RDKAFKA_CONFIG`.
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import { encodeBase64url } from '../encoding/base64.js';
import { encodeUtf8 } from '../encoding/utf8.js';
import type { BearerToken } from '../token.js';

/** Longest `sasl.oauthbearer.config` read: 64 KiB, far above any real value (librdkafka sets no limit). */
export const MAX_RDKAFKA_CONFIG_LENGTH = 65_536;

/**
 * Largest `lifeSeconds` librdkafka survives: it multiplies by 1000 in a C `int`, so 2,147,484 and above overflow
 * (librdkafka 2.0.2 aborts).
 */
export const MAX_RDKAFKA_LIFE_SECONDS = 2_147_483;

/**
 * `sasl.oauthbearer.config` after parsing, defaults filled in.
 * @category Kafka semantics
 */
export interface RdkafkaUnsecuredConfig {
  readonly principalClaimName: string;
  readonly principal: string;
  readonly scopeClaimName: string;
  /** Scope items in config order, empty items skipped, duplicates dropped. */
  readonly scope: readonly string[];
  readonly lifeSeconds: number;
  /** Extensions in config order; a repeated key appears (and is sent) twice. */
  readonly extensions: readonly (readonly [string, string])[];
}

/**
 * librdkafka's token: the {@link BearerToken} facts plus the extensions it sends.
 * @category Kafka semantics
 */
export interface RdkafkaUnsecuredToken extends BearerToken {
  readonly extensions: readonly (readonly [string, string])[];
  /** The claims JSON text, byte for byte as librdkafka writes it. */
  readonly claimsJson: string;
}

function refuse(message: string): never {
  throw new OAuthBearerError('ERR_RDKAFKA_CONFIG', `Invalid sasl.oauthbearer.config: ${message}`);
}

const PREFIXES = ['principalClaimName=', 'principal=', 'scopeClaimName=', 'scope=', 'lifeSeconds=', 'extension_'] as const;
// check_oauthbearer_extension_key / _value (RFC 7628 §3.1); librdkafka allows an empty value.
const EXTENSION_KEY = /^[A-Za-z]+$/;
const EXTENSION_VALUE = /^[\x21-\x7E \t\r\n]*$/;
const CONTROL_OR_BACKSLASH = /[\u0000-\u001F\\]/;

/**
 * Parses `sasl.oauthbearer.config` as librdkafka's parse_ujws_config: `name=value` pairs separated by spaces (only
 * spaces), prefixes matched case-sensitively, unknown names refused, `principal`, `principalClaimName`, `scope`,
 * `scopeClaimName` at most once, `lifeSeconds` last-wins and a positive decimal (`strtoll`, so a leading tab is
 * skipped), `extension_NAME=VALUE` (no `=` → empty value).
 * @throws OAuthBearerError `ERR_RDKAFKA_CONFIG`
 * @example
 * ```ts
 * parseRdkafkaOauthbearerConfig('principal=alice lifeSeconds=600 extension_traceId=abc');
 * // { principal: 'alice', lifeSeconds: 600, extensions: [['traceId', 'abc']], principalClaimName: 'sub', ... }
 * ```
 * @category Kafka semantics
 */
export function parseRdkafkaOauthbearerConfig(config: string): RdkafkaUnsecuredConfig {
  if (config.length > MAX_RDKAFKA_CONFIG_LENGTH) refuse(`${config.length} characters; the limit is ${MAX_RDKAFKA_CONFIG_LENGTH}`);
  if (config.includes('\u0000')) refuse('contains a NUL character, which ends a C string');
  // librdkafka's property setter strips leading white space of the whole value (observed); inner tabs stay.
  const cfg = config.replace(/^[ \t\n\v\f\r]+/, '');
  if (cfg.length === 0) refuse('must not be empty');
  const single = new Map<string, string>();
  let lifeSeconds = 0;
  const extensions: [string, string][] = [];
  let i = 0;
  const valueUntil = (end: string): string => {
    const stop = cfg.indexOf(end, i);
    const value = cfg.slice(i, stop < 0 ? cfg.length : stop);
    i = stop < 0 ? cfg.length : stop + 1;
    return value;
  };
  while (i < cfg.length) {
    if (cfg[i] === ' ') {
      i++;
      continue;
    }
    const prefix = PREFIXES.find((p) => cfg.startsWith(p, i));
    if (prefix === undefined) refuse(`unrecognized name at offset ${i}: use principal=, principalClaimName=, scope=, scopeClaimName=, lifeSeconds= or extension_NAME=`);
    i += prefix.length;
    const name = prefix.slice(0, -1);
    if (prefix === 'extension_') {
      const key = valueUntil('=');
      if (key.length === 0) refuse("empty 'extension_' key");
      const value = valueUntil(' ');
      if (key === 'auth' || !EXTENSION_KEY.test(key)) refuse('extension names must be letters A-Z or a-z only, and not "auth"');
      if (!EXTENSION_VALUE.test(value)) refuse(`the value of extension ${key} must be printable ASCII, space, tab, CR or LF`);
      extensions.push([key, value]);
    } else if (prefix === 'lifeSeconds=') {
      const text = valueUntil(' ');
      if (text.length === 0) refuse("empty 'lifeSeconds='");
      // strtoll(…, 10) consuming the whole value: leading white space, an optional sign, decimal digits.
      const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(text);
      if (m === null) refuse("non-integral 'lifeSeconds='");
      const magnitude = BigInt(m[2]!);
      const v = m[1] === '-' ? -magnitude : magnitude;
      if (v <= 0n || v > 2_147_483_647n) refuse("'lifeSeconds=' is out of range of a positive int");
      if (v > BigInt(MAX_RDKAFKA_LIFE_SECONDS)) {
        refuse(`'lifeSeconds=' above ${MAX_RDKAFKA_LIFE_SECONDS} overflows librdkafka's millisecond arithmetic`);
      }
      lifeSeconds = Number(v);
    } else {
      if (single.has(name)) refuse(`multiple '${prefix}' entries`);
      const value = valueUntil(' ');
      if (value.length === 0) refuse(`empty '${prefix}'`);
      single.set(name, value);
    }
  }
  const principal = single.get('principal');
  if (principal === undefined) refuse('no principal=<value>');
  const principalClaimName = single.get('principalClaimName') ?? 'sub';
  const scopeClaimName = single.get('scopeClaimName') ?? 'scope';
  const scopeText = single.get('scope');
  const scope: string[] = [];
  for (const item of (scopeText ?? '').split(',')) if (item.length > 0 && !scope.includes(item)) scope.push(item);
  for (const [what, v] of [['principal', principal], ['principalClaimName', principalClaimName], ['scopeClaimName', scopeClaimName], ['scope', scopeText ?? '']] as const) {
    if (v.includes('"')) refuse(`'"' cannot appear in ${what}`);
    // Not in librdkafka: it writes these unescaped, so the claims would not be JSON. The scope claim (and its
    // name) is written only when there is at least one scope item.
    const written = what === 'principal' || what === 'principalClaimName' || scope.length > 0;
    if (written && CONTROL_OR_BACKSLASH.test(v)) refuse(`${what} contains a backslash or control character, which librdkafka writes unescaped into JSON`);
  }
  return { principalClaimName, principal, scopeClaimName, scope, lifeSeconds: lifeSeconds === 0 ? 3600 : lifeSeconds, extensions };
}

/**
 * Makes the token librdkafka's default refresh handler makes at `nowMs`: header `{"alg":"none"}`, claims
 * `{"<principalClaimName>":"<principal>","iat":I,"exp":E[,"<scopeClaimName>":[…]]}` with I and E printed `%.3f`,
 * lifetime `nowMs + lifeSeconds·1000`.
 * @throws OAuthBearerError `ERR_RDKAFKA_CONFIG`
 * @example
 * ```ts
 * createRdkafkaUnsecuredToken('principal=alice scope=read,write', Date.now()).scope; // ['read', 'write']
 * ```
 * @category Kafka semantics
 */
export function createRdkafkaUnsecuredToken(config: string, nowMs: number): RdkafkaUnsecuredToken {
  const p = parseRdkafkaOauthbearerConfig(config);
  // now_wallclock is in microseconds; seconds = µs / 1e6 in double, as rd_kafka_oauthbearer_unsecured_token0.
  const nowSeconds = (nowMs * 1000) / 1000000.0;
  const scopeJson = p.scope.length === 0 ? '' : `,"${p.scopeClaimName}":[${p.scope.map((s) => `"${s}"`).join(',')}]`;
  const claimsJson = `{"${p.principalClaimName}":"${p.principal}","iat":${nowSeconds.toFixed(3)},"exp":${(nowSeconds + p.lifeSeconds).toFixed(3)}${scopeJson}}`;
  const value = `eyJhbGciOiJub25lIn0.${encodeBase64url(encodeUtf8(claimsJson))}.`;
  return {
    value,
    principal: p.principal,
    scope: p.scope,
    lifetimeMs: nowMs + p.lifeSeconds * 1000,
    startTimeMs: nowMs,
    extensions: p.extensions,
    claimsJson,
  };
}

/** librdkafka schedules its next refresh 80% through the token's remaining lifetime (set_token0). */
export function rdkafkaRefreshAtMs(nowMs: number, lifetimeMs: number): number {
  return Math.trunc(nowMs + 0.8 * (lifetimeMs - nowMs));
}
