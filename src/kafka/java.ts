/**
 * The Java library semantics Kafka's OAUTHBEARER code leans on, reproduced exactly: `String.trim`,
 * `Integer/Long/Short.parseInt` (`Character.digit`), `Double.valueOf` (FloatingDecimal, hex floats included),
 * `Double.toString` (JDK 19+ shortest digits, JDK-4511638), the `(long)` cast, `Math.round`, `String.hashCode`
 * `java.util.HashMap` iteration order and Java's UTF-8 encoding of lone surrogates. Used by src/kafka and by
 * src/oauth (Kafka's token client): Kafka's values must mean what they mean in Java.
 * @module
 */

/** `String.trim()`: strips leading and trailing characters ≤ U+0020 only (not U+00A0 or other Unicode spaces). */
export function javaTrim(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && value.charCodeAt(start) <= 0x20) start++;
  while (end > start && value.charCodeAt(end - 1) <= 0x20) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * What Java's UTF-8 encoders (`String.getBytes(UTF_8)`, `URLEncoder.encode(s, UTF_8)`) do to an unpaired
 * surrogate: replace it with `?`. `TextEncoder` writes U+FFFD instead, so strings are passed through this first.
 */
export function javaUtf8Safe(value: string): string {
  return value.replace(LONE_SURROGATE, '?');
}

/** Kafka's `Utils.isBlank`: null, or empty after `String.trim()`. */
export function javaIsBlank(value: string | undefined | null): boolean {
  return value === undefined || value === null || javaTrim(value).length === 0;
}

const ND = /\p{Nd}/u;

/**
 * `Character.digit(ch, 10)` for one UTF-16 code unit: ASCII digits, and any other BMP character of category Nd
 * (Arabic-Indic, Devanagari, fullwidth…), whose value is its offset in its run of ten. Surrogates are never digits.
 */
export function javaDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code < 0x80 || (code >= 0xd800 && code <= 0xdfff)) return -1;
  if (!ND.test(String.fromCharCode(code))) return -1;
  let zero = code;
  while (zero > 0 && ND.test(String.fromCharCode(zero - 1))) zero--;
  return (code - zero) % 10;
}

/**
 * `Long.parseLong(s)` (radix 10): an optional sign, then one or more digits, nothing else (no trimming).
 * Returns null where Java throws NumberFormatException, so each caller can say which setting was wrong.
 */
export function parseJavaLong(text: string, min = -(2n ** 63n), max = 2n ** 63n - 1n): bigint | null {
  const n = text.length;
  if (n === 0) return null;
  let i = 0;
  let negative = false;
  const first = text.charCodeAt(0);
  if (first === 0x2d || first === 0x2b) {
    if (n === 1) return null;
    negative = first === 0x2d;
    i = 1;
  }
  let value = 0n;
  for (; i < n; i++) {
    const d = javaDigit(text.charCodeAt(i));
    if (d < 0) return null;
    value = value * 10n + BigInt(d);
    if (value > max + 1n) return null;
  }
  if (negative) value = -value;
  return value < min || value > max ? null : value;
}

/** `Integer.parseInt(s)`, or null where Java throws. */
export function parseJavaInt(text: string): number | null {
  const v = parseJavaLong(text, -(2n ** 31n), 2n ** 31n - 1n);
  return v === null ? null : Number(v);
}

/** `Short.parseShort(s)`, or null where Java throws (`60.0`, `6e1`, `0x10` all throw; `+60`, `-0` parse). */
export function parseJavaShort(text: string): number | null {
  const v = parseJavaLong(text, -32768n, 32767n);
  return v === null ? null : Number(v);
}

const DECIMAL = /^[+-]?(?:NaN|Infinity|(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)[fFdD]?)$/;
const HEX = /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?|([0-9a-fA-F]*)\.([0-9a-fA-F]+))[pP]([+-]?[0-9]+)[fFdD]?$/;

/**
 * `Double.valueOf(s)` / `Double.parseDouble(s)` (FloatingDecimal.readJavaFormatString): trims, then accepts
 * `NaN`, `Infinity`, decimals such as `.6`, `1.`, `7.5e-1`, a trailing `f`/`F`/`d`/`D`, and hex floats `0x1p-1`.
 * Returns null where Java throws NumberFormatException.
 */
export function parseJavaDouble(text: string): number | null {
  const t = javaTrim(text);
  if (DECIMAL.test(t)) {
    const last = t.charCodeAt(t.length - 1);
    const body = (last | 0x20) === 0x66 || (last | 0x20) === 0x64 ? t.slice(0, -1) : t;
    return Number(body);
  }
  const hex = HEX.exec(t);
  if (hex === null) return null;
  const negative = hex[1] === '-';
  const intDigits = hex[2] ?? hex[3] ?? '';
  const fracDigits = hex[4] ?? '';
  const mantissa = BigInt('0x0' + intDigits + fracDigits);
  // A huge written exponent only saturates, as in FloatingDecimal.parseHexString.
  const written = Math.max(-1e7, Math.min(1e7, Number(hex[5])));
  const value = scaleBinary(mantissa, written - 4 * fracDigits.length);
  return negative ? -value : value;
}

/** `m × 2^e` rounded once to the nearest double, ties to even (IEEE 754 roundTiesToEven), subnormals included. */
function scaleBinary(m: bigint, e: number): number {
  if (m === 0n) return 0;
  const bits = m.toString(2).length;
  // The exponent of the result's last significand bit: 53 bits for normals, fixed at 2^-1074 below.
  const top = bits - 1 + e;
  if (top > 1023) return Infinity;
  const lsb = Math.max(top - 52, -1074);
  const shift = lsb - e;
  let q = m;
  if (shift > 0) {
    const s = BigInt(shift);
    q = m >> s;
    const rest = m - (q << s);
    const half = 1n << (s - 1n);
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
  } else if (shift < 0) {
    q = m << BigInt(-shift);
  }
  // q < 2^54 here, so Number(q) is exact; the scaling by 2^lsb is exact unless it overflows.
  return Number(q) * 2 ** Math.max(lsb, -1022) * 2 ** Math.min(0, lsb + 1022);
}

/**
 * `Double.toString(d)` as JDK 19+ prints it (Raffaello Giulietti's algorithm, JDK-4511638): the shortest decimal
 * that rounds to `d` (among decimals of length 1 or 2 when one digit would do, the closest), plain for
 * 10^-3 ≤ |d| < 10^7 (`3600.0`), computerized scientific otherwise (`1.73232E9`, `1.0E10`, `4.9E-324`).
 */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const sign = d < 0 ? '-' : '';
  const x = Math.abs(d);
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  let digits = mant.replace('.', '');
  let exp = Number(expText);
  if (digits.length === 1) {
    const two = closestTwoDigits(x, Number(digits), exp);
    if (two !== null) ({ digits, exp } = two);
  }
  if (x >= 1e-3 && x < 1e7) {
    if (exp >= 0) {
      const intPart = digits.length > exp + 1 ? digits.slice(0, exp + 1) : digits.padEnd(exp + 1, '0');
      const frac = digits.length > exp + 1 ? digits.slice(exp + 1) : '0';
      return `${sign}${intPart}.${frac}`;
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  const frac = digits.length > 1 ? digits.slice(1) : '0';
  return `${sign}${digits[0]}.${frac}E${exp}`;
}

/**
 * Java's rule when the shortest decimal has one digit: among decimals of length 2 that still round to `x`, the
 * closest to `x` wins if it is strictly closer than the one-digit decimal `digit`×10^exp (Double.toString, JDK 19+).
 * The two-digit decimals near `x` lie on the grid 10^(exp−1) (1.0–9.9 ×10^exp) or, when `x` < 10^exp, on
 * 10^(exp−2). Exact arithmetic on x = m·2^q.
 */
function closestTwoDigits(x: number, digit: number, exp: number): { digits: string; exp: number } | null {
  const { m, q } = decompose(x);
  // distance of c×10^k from x, scaled by a common positive factor: |c·10^k·2^-q − m| in rationals.
  const scaled = (c: bigint, k: number): { num: bigint; den: bigint } => {
    let num = c;
    let den = 1n;
    if (k >= 0) num *= 10n ** BigInt(k);
    else den *= 10n ** BigInt(-k);
    // c·10^k vs m·2^q: compare c·10^k·2^-q with m.
    if (q >= 0) den <<= BigInt(q);
    else num <<= BigInt(-q);
    return { num, den };
  };
  const distance = (c: bigint, k: number): { num: bigint; den: bigint } => {
    const { num, den } = scaled(c, k);
    return { num: abs(num - m * den), den };
  };
  const less = (a: { num: bigint; den: bigint }, b: { num: bigint; den: bigint }): boolean => a.num * b.den < b.num * a.den;
  const nearest = (k: number): bigint => {
    // round(x / 10^k) = round(m·2^q / 10^k), ties up.
    let num = m;
    let den = 1n;
    if (q >= 0) num <<= BigInt(q);
    else den <<= BigInt(-q);
    if (k >= 0) den *= 10n ** BigInt(k);
    else num *= 10n ** BigInt(-k);
    return (2n * num + den) / (2n * den);
  };
  let best = distance(BigInt(digit), exp);
  let result: { digits: string; exp: number } | null = null;
  for (const k of [exp - 1, exp - 2]) {
    const c = nearest(k);
    if (c < 10n || c > 99n || c % 10n === 0n) continue;
    if (Number(`${c}e${k}`) !== x) continue;
    const d = distance(c, k);
    if (less(d, best)) {
      best = d;
      result = { digits: c.toString(), exp: k + 1 };
    }
  }
  return result;
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

/** A positive finite double as an exact m × 2^q with integer m. */
function decompose(x: number): { m: bigint; q: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  return biased === 0 ? { m: frac, q: -1074 } : { m: frac | (1n << 52n), q: biased - 1075 };
}

const LONG_MAX = 9223372036854775807;

/** The `(long)` cast of a double: NaN → 0, saturating at ±2^63, otherwise truncation toward zero (JLS §5.1.3). */
export function javaLongCast(x: number): number {
  if (Number.isNaN(x)) return 0;
  if (x >= LONG_MAX) return LONG_MAX;
  if (x <= -LONG_MAX) return -LONG_MAX;
  return Math.trunc(x);
}

/** `Math.round(double)`: nearest long, ties toward positive infinity, NaN → 0, saturating at ±2^63. */
export function javaRound(x: number): number {
  if (Number.isNaN(x)) return 0;
  if (x >= LONG_MAX) return LONG_MAX;
  if (x <= -LONG_MAX) return -LONG_MAX;
  return Math.round(x);
}

/** `String.hashCode()`: s[0]·31^(n-1) + … + s[n-1] over UTF-16 code units, in 32-bit arithmetic. */
export function javaStringHash(value: string): number {
  let h = 0;
  for (let i = 0; i < value.length; i++) h = (Math.imul(h, 31) + value.charCodeAt(i)) | 0;
  return h;
}

/**
 * The iteration order of a `java.util.HashMap<String, ?>` filled by `put` in the given order (default capacity 16,
 * load factor 0.75, doubling): by bucket `(h ^ h>>>16) & (capacity-1)`, insertion order within a bucket. Kafka's
 * JaasConfig stores login-module options in such a map, so this is the order Kafka emits unsecured-token claims in.
 */
export function javaHashMapOrder(keys: Iterable<string>): string[] {
  const unique: string[] = [];
  const seen = new Set<string>();
  let capacity = 16;
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(key);
    if (unique.length > capacity * 0.75) capacity *= 2;
  }
  const bucket = (key: string): number => {
    const h = javaStringHash(key);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return unique
    .map((key, index) => ({ key, index, b: bucket(key) }))
    .sort((a, b) => a.b - b.b || a.index - b.index)
    .map((e) => e.key);
}
