/**
 * Showing protocol bytes to people: `\x01` and other control bytes escaped, tokens by their shape and lengths only
 * (never whole, never a signature), times relative to now, and an error's causes down to the system error.
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

/**
 * A relative time for a person: `in 42 min` / `3 min ago`, in seconds under a minute, minutes under two hours,
 * hours under two days, days beyond.
 */
export function formatRelative(deltaMs: number): string {
  const abs = Math.abs(deltaMs);
  let text: string;
  if (abs < 60_000) text = `${Math.round(abs / 1000)} s`;
  else if (abs < 7_200_000) text = `${Math.round(abs / 60_000)} min`;
  else if (abs < 172_800_000) text = `${Math.floor(abs / 3_600_000)} h ${Math.round((abs % 3_600_000) / 60_000)} min`;
  else text = `${Math.round(abs / 86_400_000)} days`;
  return deltaMs >= 0 ? `in ${text}` : `${text} ago`;
}

/** `expires in 42 min` / `expired 3 min ago` for an expiry at `expiresAtMs` seen at `nowMs`. */
export function formatExpiry(expiresAtMs: number, nowMs: number): string {
  const delta = expiresAtMs - nowMs;
  return delta >= 0 ? `expires ${formatRelative(delta)}` : `expired ${formatRelative(delta)}`;
}

/**
 * What may be said of a token without showing it: its shape and lengths. A compact JWS becomes
 * `<JWS: header 36 + claims 120 + signature 342 characters>`; anything else `<token: 44 characters>`.
 */
export function describeToken(token: string): string {
  const parts = token.split('.');
  if (parts.length === 3) {
    const [h, c, s] = parts as [string, string, string];
    return `<JWS: header ${h.length} + claims ${c.length} + signature ${s.length} characters${s.length === 0 ? ', unsecured' : ''}>`;
  }
  return `<token: ${token.length} characters>`;
}

/** Node's fields of a system error (`connect ECONNREFUSED 127.0.0.1:8443`), when `value` has them. */
function systemErrorText(value: object): string | null {
  const e = value as { code?: unknown; syscall?: unknown; address?: unknown; port?: unknown; hostname?: unknown };
  if (typeof e.code !== 'string' || !/^[A-Z0-9_]{2,64}$/.test(e.code)) return null;
  const where = typeof e.address === 'string' ? `${e.address}${typeof e.port === 'number' ? `:${e.port}` : ''}`
    : typeof e.hostname === 'string' ? e.hostname : '';
  return [typeof e.syscall === 'string' ? e.syscall : '', e.code, where].filter((s) => s !== '').join(' ');
}

const MAX_CAUSE_DEPTH = 8;

/**
 * The reasons under an error, outermost first, one line each: our errors by code and message (which never hold a
 * secret), system errors by syscall, code, address and port (what undici nests as `cause` under "fetch failed"),
 * TLS and other coded runtime errors by code and message, anything else by its name only (its message could
 * quote a request). Stops after {@link MAX_CAUSE_DEPTH} levels or at a cycle.
 */
export function describeCauses(error: unknown): string[] {
  const lines: string[] = [];
  const seen = new Set<unknown>();
  let e: unknown = (error as { cause?: unknown } | null)?.cause;
  while (e !== undefined && e !== null && typeof e === 'object' && !seen.has(e) && lines.length < MAX_CAUSE_DEPTH) {
    seen.add(e);
    const own = (e as { cause?: unknown }).cause;
    // An AggregateError (several addresses tried) stands for its first error.
    const next = own === undefined && e instanceof AggregateError && e.errors.length > 0 ? (e.errors[0] as unknown) : own;
    // A bare wrapper ("TypeError" for undici's "fetch failed") says nothing its cause does not say better.
    const line = describeOne(e);
    if (line !== null || next === undefined) {
      const name = typeof (e as { name?: unknown }).name === 'string' ? String((e as { name: string }).name) : 'error';
      lines.push(line ?? `${name} (its message is not shown: it could quote the request)`);
    }
    e = next;
  }
  return lines;
}

function describeOne(e: object): string | null {
  const ours = e as { name?: unknown; code?: unknown; message?: unknown };
  if (ours.name === 'OAuthBearerError' && typeof ours.code === 'string') return `${ours.code}: ${String(ours.message)}`;
  const system = systemErrorText(e);
  if (system !== null) {
    const hasSyscall = typeof (e as { syscall?: unknown }).syscall === 'string';
    // A runtime error with a code and no syscall (TLS: SELF_SIGNED_CERT_IN_CHAIN) says what went wrong in its message.
    return hasSyscall || typeof ours.message !== 'string' ? system : `${system}: ${ours.message.slice(0, 200)}`;
  }
  return null;
}
