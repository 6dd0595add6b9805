/**
 * Java `String` semantics Kafka's token client relies on (java.lang.String#trim).
 * @module
 */

/**
 * Java's `String.trim()`: removes leading and trailing characters ≤ U+0020 (not U+00A0 or other Unicode spaces,
 * which JavaScript's `trim` also removes). Kafka trims ids, secrets, scopes and tokens this way.
 */
export function javaTrim(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && value.charCodeAt(start) <= 0x20) start++;
  while (end > start && value.charCodeAt(end - 1) <= 0x20) end--;
  return value.slice(start, end);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * What Java's UTF-8 encoders (`String.getBytes(UTF_8)`, `URLEncoder.encode(s, UTF_8)`) do to an unpaired
 * surrogate: replace it with `?`. `TextEncoder` writes U+FFFD instead, so strings are passed through this first.
 */
export function javaUtf8Safe(value: string): string {
  return value.replace(LONE_SURROGATE, '?');
}
