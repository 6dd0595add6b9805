/**
 * Showing protocol bytes to people: `\x01` and other control bytes escaped, long tokens shortened, JSON compact.
 * Used by the CLI's demo and decode commands.
 */

/** Escapes a byte string for a terminal: printable ASCII as is, `\\` doubled, everything else `\xNN`. */
export function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** Reverses {@link escapeBytes}-style input typed by a person: `\x01`, `\u0001`, `^A`, `\\` and `\n`, `\r`, `\t`. */
export function unescapeText(text: string): Uint8Array {
  const unescaped = text
    .replace(/\^A/g, '\u0001')
    .replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[nrt\\])/g, (_m, e: string) => {
      if (e === 'n') return '\n';
      if (e === 'r') return '\r';
      if (e === 't') return '\t';
      if (e === '\\') return '\\';
      return String.fromCharCode(parseInt(e.slice(1), 16));
    });
  return new TextEncoder().encode(unescaped);
}

/** Shortens a long value for display: the first and last characters and the length. */
export function shorten(value: string, keep = 24): string {
  return value.length <= keep * 2 + 3 ? value : `${value.slice(0, keep)}…${value.slice(-8)} (${value.length} characters)`;
}

/** Formats a duration in ms as `1h02m03s` (or `850 ms` under a second). */
export function formatDuration(ms: number): string {
  if (Math.abs(ms) < 1000) return `${ms} ms`;
  const sign = ms < 0 ? '-' : '';
  let s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${sign}${h > 0 ? `${h}h` : ''}${h > 0 ? String(m).padStart(2, '0') : m}m${String(s).padStart(2, '0')}s`;
}

/** An ISO timestamp for display. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString();
}
