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
