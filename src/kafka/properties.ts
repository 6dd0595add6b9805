/**
 * Kafka client properties: `java.util.Properties.load` text, and typed readers that parse each SASL setting the
 * way Kafka's ConfigDef does (values trimmed; `Double.parseDouble`, `Short/Integer/Long.parseLong`; inclusive
 * `Range` checks in which NaN passes, as `n < min` and `n > max` are both false for NaN). Defaults and ranges
 * from SaslConfigs.addClientSaslSupport and BrokerSecurityConfigs.
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import { javaTrim, parseJavaDouble, parseJavaInt, parseJavaLong, parseJavaShort } from './java.js';

/** Longest properties text read: 1 MiB, far above any client configuration. */
export const MAX_PROPERTIES_LENGTH = 1 << 20;

/**
 * Kafka client properties as a user holds them: `java.util.Properties` text (a `client.properties` file's content),
 * a Map, or a plain object. Object values may be numbers or booleans (as Kafka's `Map<String, ?>` configs take
 * `Integer` or `Boolean`); they are read as their string form. An `undefined` or `null` value means "not set".
 * @category Kafka semantics
 */
export type KafkaProps =
  | string
  | ReadonlyMap<string, string>
  | Readonly<Record<string, string | number | boolean | null | undefined>>;

/**
 * The properties as a Map of strings, whatever form they came in: text is parsed with {@link parseProperties}, a
 * Map is kept, a plain object's own entries are read (numbers and booleans as strings; `undefined`/`null` dropped).
 * @throws OAuthBearerError `ERR_CONFIG` for a value that is not a string, number or boolean, or for properties that
 *   are none of text, a Map or an object; the errors of {@link parseProperties}
 * @example
 * ```ts
 * propertyMap({ 'sasl.login.refresh.buffer.seconds': 120 }).get('sasl.login.refresh.buffer.seconds'); // '120'
 * ```
 */
export function propertyMap(props: KafkaProps): ReadonlyMap<string, string> {
  if (typeof props === 'string') return parseProperties(props);
  if (props instanceof Map) {
    for (const [name, value] of props) if (typeof value !== 'string') invalid(String(name), `expected a string, got ${typeof value}`);
    return props;
  }
  if (props === null || typeof props !== 'object') {
    throw new OAuthBearerError('ERR_CONFIG', `Kafka properties must be properties text, a Map or a plain object, not ${props === null ? 'null' : typeof props}`);
  }
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') out.set(name, value);
    else if (typeof value === 'number' || typeof value === 'boolean') out.set(name, String(value));
    else invalid(name, `expected a string, number or boolean, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  return out;
}

function get(props: KafkaProps, name: string): string | undefined {
  if (props instanceof Map) return props.get(name);
  return propertyMap(props).get(name);
}

/**
 * Parses `java.util.Properties` text: `#`/`!` comment lines, `key=value`, `key: value` or `key value`, a trailing
 * backslash continuing the line (leading white space of the next line dropped), `\t \n \r \f \uXXXX` escapes and
 * `\x` → `x` elsewhere. A repeated key keeps its last value.
 * @throws OAuthBearerError `ERR_CONFIG` for a malformed `\uXXXX` escape; `ERR_INPUT_TOO_LARGE` past the limit
 * @example
 * ```ts
 * parseProperties('sasl.login.refresh.window.factor = 0.9\n# comment').get('sasl.login.refresh.window.factor'); // '0.9'
 * ```
 * @category Kafka semantics
 */
export function parseProperties(text: string): Map<string, string> {
  if (text.length > MAX_PROPERTIES_LENGTH) {
    throw new OAuthBearerError('ERR_INPUT_TOO_LARGE', `Properties text is ${text.length} characters; the limit is ${MAX_PROPERTIES_LENGTH}`);
  }
  const out = new Map<string, string>();
  for (const line of logicalLines(text)) {
    let keyLen = 0;
    let valueStart = line.length;
    let hasSep = false;
    let backslash = false;
    while (keyLen < line.length) {
      const c = line[keyLen]!;
      if ((c === '=' || c === ':') && !backslash) {
        valueStart = keyLen + 1;
        hasSep = true;
        break;
      }
      if ((c === ' ' || c === '\t' || c === '\f') && !backslash) {
        valueStart = keyLen + 1;
        break;
      }
      backslash = c === '\\' ? !backslash : false;
      keyLen++;
    }
    while (valueStart < line.length) {
      const c = line[valueStart]!;
      if (c !== ' ' && c !== '\t' && c !== '\f') {
        if (!hasSep && (c === '=' || c === ':')) hasSep = true;
        else break;
      }
      valueStart++;
    }
    out.set(unescape(line.slice(0, keyLen)), unescape(line.slice(valueStart)));
  }
  return out;
}

/**
 * Properties.LineReader.readLine (JDK 11+), ported state for state: white space skipped at the start of a line and
 * after a continuation; `#`/`!` start a comment only while the logical line is still empty (even after a
 * continuation); an empty logical line is skipped; a final lone backslash at end of input is dropped.
 */
export function logicalLines(text: string): string[] {
  const lines: string[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    let line = '';
    let skipWhiteSpace = true;
    let appendedLineBegin = false;
    let precedingBackslash = false;
    let done: string | null = null;
    while (done === null) {
      if (i >= n) {
        if (line.length === 0) return lines;
        done = precedingBackslash ? line.slice(0, -1) : line;
        break;
      }
      const c = text[i++]!;
      if (skipWhiteSpace) {
        if (c === ' ' || c === '\t' || c === '\f') continue;
        if (!appendedLineBegin && (c === '\r' || c === '\n')) continue;
        skipWhiteSpace = false;
        appendedLineBegin = false;
      }
      if (line.length === 0 && (c === '#' || c === '!')) {
        while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
        if (i >= n) return lines;
        i++;
        skipWhiteSpace = true;
        continue;
      }
      if (c !== '\n' && c !== '\r') {
        // The rest of the physical line as one slice: a string per character made a 1 MiB value cost 4.6x per
        // byte what a 1 KiB one did (bench/bounds.bench.ts). The line ends escaping its break when it ends in an
        // odd run of backslashes (each toggles the state, any other character resets it; a run always starts a
        // physical line's text, where the state is false).
        let j = i;
        while (j < n && text.charCodeAt(j) !== 0x0a && text.charCodeAt(j) !== 0x0d) j++;
        const start = i - 1;
        let t = 0;
        while (j - 1 - t >= start && text.charCodeAt(j - 1 - t) === 0x5c) t++;
        precedingBackslash = (t & 1) === 1;
        line += text.slice(start, j);
        i = j;
        continue;
      }
      if (line.length === 0) {
        skipWhiteSpace = true;
        continue;
      }
      if (i >= n) {
        done = precedingBackslash ? line.slice(0, -1) : line;
      } else if (precedingBackslash) {
        line = line.slice(0, -1);
        skipWhiteSpace = true;
        appendedLineBegin = true;
        precedingBackslash = false;
        if (c === '\r' && text[i] === '\n') i++;
      } else {
        done = line;
      }
    }
    lines.push(done);
  }
}

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    // Up to the next backslash in one slice (linear to the bound, as logicalLines).
    const b = s.indexOf('\\', i);
    out += s.slice(i, b < 0 ? s.length : b);
    if (b < 0) break;
    i = b;
    const e = s[++i];
    if (e === undefined) break;
    if (e === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new OAuthBearerError('ERR_CONFIG', 'Malformed \\uxxxx encoding in properties text: write four hex digits after \\u');
      }
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += e === 't' ? '\t' : e === 'r' ? '\r' : e === 'n' ? '\n' : e === 'f' ? '\f' : e;
    }
  }
  return out;
}

function invalid(name: string, why: string): never {
  throw new OAuthBearerError('ERR_CONFIG', `Invalid value for configuration ${name}: ${why}`);
}

/**
 * A DOUBLE setting as ConfigDef reads it: trimmed, `Double.parseDouble` (`0.8d`, `0x1p-1`, `.6`, `NaN` accepted),
 * then the inclusive range, which NaN passes.
 * @throws OAuthBearerError `ERR_CONFIG`
 */
export function configDouble(props: KafkaProps, name: string, fallback: number, range?: readonly [number, number]): number {
  return numberSetting(props, name, fallback, parseJavaDouble, 'not a number (Java Double.parseDouble syntax)', range);
}

/** A SHORT setting: trimmed, `Short.parseShort` (`+60`, `-0` accepted; `60.0`, `6e1`, `0x10` refused), range. */
export function configShort(props: KafkaProps, name: string, fallback: number, range?: readonly [number, number]): number {
  return numberSetting(props, name, fallback, parseJavaShort, 'not a 16-bit integer', range);
}

/** An INT setting: trimmed, `Integer.parseInt`; `fallback` may be null (Kafka's "no default"). */
export function configInt<F extends number | null>(props: KafkaProps, name: string, fallback: F, range?: readonly [number, number]): number | F {
  return numberSetting(props, name, fallback, parseJavaInt, 'not a 32-bit integer', range);
}

/** A LONG setting: trimmed, `Long.parseLong`. Values beyond 2^53 lose precision as JS numbers. */
export function configLong(props: KafkaProps, name: string, fallback: number): number {
  const raw = get(props, name);
  if (raw === undefined) return fallback;
  const value = parseJavaLong(javaTrim(raw));
  if (value === null) invalid(name, 'not a 64-bit integer');
  return Number(value);
}

/** A BOOLEAN setting: trimmed, `true`/`false` in any case. */
export function configBoolean(props: KafkaProps, name: string, fallback: boolean): boolean {
  const raw = get(props, name);
  if (raw === undefined) return fallback;
  const t = javaTrim(raw).toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  return invalid(name, 'expected true or false');
}

/** A STRING setting: trimmed. */
export function configString<F extends string | null>(props: KafkaProps, name: string, fallback: F): string | F {
  const raw = get(props, name);
  return raw === undefined ? fallback : javaTrim(raw);
}

/** A LIST setting: trimmed; empty → []; else split on `\s*,\s*` keeping empty items (ConfigDef.parseType). */
export function configList(props: KafkaProps, name: string, fallback: readonly string[] | null): readonly string[] | null {
  const raw = get(props, name);
  if (raw === undefined) return fallback;
  const t = javaTrim(raw);
  return t.length === 0 ? [] : t.split(/[ \t\n\x0B\f\r]*,[ \t\n\x0B\f\r]*/);
}

/** A numeric setting read by `parse` from its trimmed text, then Kafka's inclusive range check. */
function numberSetting<F extends number | null>(
  props: KafkaProps, name: string, fallback: F, parse: (text: string) => number | null, why: string, range?: readonly [number, number],
): number | F {
  const raw = get(props, name);
  if (raw === undefined) return fallback;
  const value = parse(javaTrim(raw));
  if (value === null) invalid(name, why);
  checkRange(name, value, range);
  return value;
}

function checkRange(name: string, value: number, range: readonly [number, number] | undefined): void {
  if (range === undefined) return;
  // ConfigDef.Range.ensureValid: `<` and `>` on doubles, so NaN is never out of range.
  if (value < range[0]) invalid(name, `must be at least ${range[0]}`);
  if (value > range[1]) invalid(name, `must be no more than ${range[1]}`);
}

/**
 * Kafka's client SASL settings this library uses, with Kafka's defaults.
 * @category Kafka semantics
 */
export interface KafkaSaslConfig {
  readonly refresh: {
    readonly windowFactor: number;
    readonly windowJitter: number;
    readonly minPeriodSeconds: number;
    readonly bufferSeconds: number;
  };
  readonly loginRetryBackoffMs: number;
  readonly loginRetryBackoffMaxMs: number;
  readonly loginConnectTimeoutMs: number | null;
  readonly loginReadTimeoutMs: number | null;
  readonly scopeClaimName: string;
  readonly subClaimName: string;
  readonly tokenEndpointUrl: string | null;
  readonly jwksEndpointUrl: string | null;
  readonly jwksEndpointRefreshMs: number;
  readonly jwksEndpointRetryBackoffMs: number;
  readonly jwksEndpointRetryBackoffMaxMs: number;
  readonly clockSkewSeconds: number;
  readonly expectedAudience: readonly string[] | null;
  readonly expectedIssuer: string | null;
  readonly headerUrlencode: boolean;
  readonly connectionsMaxReauthMs: number;
}

/** Names of the settings {@link kafkaSaslConfig} reads (SaslConfigs, BrokerSecurityConfigs). */
export const SASL_CONFIG = {
  refreshWindowFactor: 'sasl.login.refresh.window.factor',
  refreshWindowJitter: 'sasl.login.refresh.window.jitter',
  refreshMinPeriodSeconds: 'sasl.login.refresh.min.period.seconds',
  refreshBufferSeconds: 'sasl.login.refresh.buffer.seconds',
  loginRetryBackoffMs: 'sasl.login.retry.backoff.ms',
  loginRetryBackoffMaxMs: 'sasl.login.retry.backoff.max.ms',
  loginConnectTimeoutMs: 'sasl.login.connect.timeout.ms',
  loginReadTimeoutMs: 'sasl.login.read.timeout.ms',
  scopeClaimName: 'sasl.oauthbearer.scope.claim.name',
  subClaimName: 'sasl.oauthbearer.sub.claim.name',
  tokenEndpointUrl: 'sasl.oauthbearer.token.endpoint.url',
  jwksEndpointUrl: 'sasl.oauthbearer.jwks.endpoint.url',
  jwksEndpointRefreshMs: 'sasl.oauthbearer.jwks.endpoint.refresh.ms',
  jwksEndpointRetryBackoffMs: 'sasl.oauthbearer.jwks.endpoint.retry.backoff.ms',
  jwksEndpointRetryBackoffMaxMs: 'sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms',
  clockSkewSeconds: 'sasl.oauthbearer.clock.skew.seconds',
  expectedAudience: 'sasl.oauthbearer.expected.audience',
  expectedIssuer: 'sasl.oauthbearer.expected.issuer',
  headerUrlencode: 'sasl.oauthbearer.header.urlencode',
  connectionsMaxReauthMs: 'connections.max.reauth.ms',
} as const;

/** Kafka's `sasl.login.refresh.*` ranges (SaslConfigs.addClientSaslSupport, inclusive). */
export const REFRESH_RANGES = {
  windowFactor: [0.5, 1.0],
  windowJitter: [0.0, 0.25],
  minPeriodSeconds: [0, 900],
  bufferSeconds: [0, 3600],
} as const;

/**
 * Reads every SASL setting above from client properties with Kafka's parsing, defaults and ranges.
 * @throws OAuthBearerError `ERR_CONFIG` naming the first bad setting
 * @example
 * ```ts
 * kafkaSaslConfig(parseProperties('sasl.login.refresh.buffer.seconds=120')).refresh.bufferSeconds; // 120
 * ```
 * @category Kafka semantics
 */
export function kafkaSaslConfig(input: KafkaProps): KafkaSaslConfig {
  const props = propertyMap(input);
  const c = SASL_CONFIG;
  return {
    refresh: {
      windowFactor: configDouble(props, c.refreshWindowFactor, 0.8, REFRESH_RANGES.windowFactor),
      windowJitter: configDouble(props, c.refreshWindowJitter, 0.05, REFRESH_RANGES.windowJitter),
      minPeriodSeconds: configShort(props, c.refreshMinPeriodSeconds, 60, REFRESH_RANGES.minPeriodSeconds),
      bufferSeconds: configShort(props, c.refreshBufferSeconds, 300, REFRESH_RANGES.bufferSeconds),
    },
    loginRetryBackoffMs: configLong(props, c.loginRetryBackoffMs, 100),
    loginRetryBackoffMaxMs: configLong(props, c.loginRetryBackoffMaxMs, 10_000),
    loginConnectTimeoutMs: configInt(props, c.loginConnectTimeoutMs, null),
    loginReadTimeoutMs: configInt(props, c.loginReadTimeoutMs, null),
    scopeClaimName: configString(props, c.scopeClaimName, 'scope'),
    subClaimName: configString(props, c.subClaimName, 'sub'),
    tokenEndpointUrl: configString(props, c.tokenEndpointUrl, null),
    jwksEndpointUrl: configString(props, c.jwksEndpointUrl, null),
    jwksEndpointRefreshMs: configLong(props, c.jwksEndpointRefreshMs, 3_600_000),
    jwksEndpointRetryBackoffMs: configLong(props, c.jwksEndpointRetryBackoffMs, 100),
    jwksEndpointRetryBackoffMaxMs: configLong(props, c.jwksEndpointRetryBackoffMaxMs, 10_000),
    clockSkewSeconds: configInt(props, c.clockSkewSeconds, 30),
    expectedAudience: configList(props, c.expectedAudience, null),
    expectedIssuer: configString(props, c.expectedIssuer, null),
    headerUrlencode: configBoolean(props, c.headerUrlencode, false),
    connectionsMaxReauthMs: configLong(props, c.connectionsMaxReauthMs, 0),
  };
}
