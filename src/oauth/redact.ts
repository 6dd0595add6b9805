/**
 * Keeping secrets (client secrets, assertions, Basic credentials) out of error messages. A server or proxy may
 * echo a request back in any encoding it saw, and may cut it; so a secret is looked for in every form it takes on
 * the wire, and any run of {@link MIN_SECRET_PREFIX} or more of its leading characters is redacted too (what a
 * truncation leaves). Redaction happens before anything is cut, so no prefix slips past it.
 * @module
 */
import { OAuthBearerError, safeCause } from '../errors.js';
import { formEncode } from '../encoding/form.js';

/**
 * Shortest leading part of a secret that is redacted on its own: 8 characters. Shorter runs match ordinary text
 * by chance (and give an attacker under 48 bits of a random secret); a truncated secret shows at least this much
 * only when it is the cut's last word.
 * @category Getting tokens
 */
export const MIN_SECRET_PREFIX = 8;

/** Secrets shorter than this are not looked for (they would match ordinary words); none is this short in practice. */
const MIN_SECRET_LENGTH = 4;

const REDACTED = '[redacted]';

/**
 * Every form of `secret` a request carries or an echo may show: as is, trimmed, form-encoded (RFC 6749 Appendix B;
 * a body or a KIP-1025 Basic credential), percent-encoded as `encodeURIComponent` does, and JSON-escaped.
 * @example
 * ```ts
 * secretForms('s3cret'); // ['s3cret'], plus its form-, URI- and JSON-escaped forms where they differ
 * ```
 * @category Getting tokens
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>();
  for (const s of [secret, secret.trim()]) {
    if (s.length < MIN_SECRET_LENGTH) continue;
    forms.add(s);
    forms.add(formEncode(s));
    try {
      forms.add(encodeURIComponent(s));
    } catch {
      // A lone surrogate: no URI form.
    }
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  return [...forms];
}

/**
 * `text` with every occurrence of each secret form replaced by `[redacted]`, and every run of at least
 * {@link MIN_SECRET_PREFIX} leading characters of a form (a truncated secret) as well. Linear in
 * `text.length × forms`.
 * @example
 * ```ts
 * redactSecrets('client_secret=s3cret refused', secretForms('s3cret')); // 'client_secret=[redacted] refused'
 * ```
 * @category Getting tokens
 */
export function redactSecrets(text: string, forms: readonly string[]): string {
  let out = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (form.length < MIN_SECRET_LENGTH) continue;
    if (out.includes(form)) out = out.split(form).join(REDACTED);
    if (form.length >= MIN_SECRET_PREFIX) out = redactPrefixes(out, form);
  }
  return out;
}

/** One pass: each run of ≥ {@link MIN_SECRET_PREFIX} leading characters of `form` becomes `[redacted]`. */
function redactPrefixes(text: string, form: string): string {
  const head = form.slice(0, MIN_SECRET_PREFIX);
  let at = text.indexOf(head);
  if (at === -1) return text;
  const pieces: string[] = [];
  let from = 0;
  while (at !== -1) {
    let end = at + MIN_SECRET_PREFIX;
    while (end < text.length && end - at < form.length && text[end] === form[end - at]) end++;
    pieces.push(text.slice(from, at), REDACTED);
    from = end;
    at = text.indexOf(head, end);
  }
  pieces.push(text.slice(from));
  return pieces.join('');
}

/**
 * An error safe to show: our errors with their messages redacted (causes too), foreign errors reduced to the
 * code, syscall, address and port a user needs ({@link safeCause}), never text that can quote a request.
 */
export function scrubError(error: unknown, forms: readonly string[], depth = 0): unknown {
  if (!(error instanceof OAuthBearerError)) {
    const safe = safeCause(error);
    if (safe instanceof Error) safe.message = redactSecrets(safe.message, forms);
    return safe;
  }
  const cause = depth < 8 && error.cause !== undefined ? scrubError(error.cause, forms, depth + 1) : undefined;
  const message = redactSecrets(error.message, forms);
  if (message === error.message && cause === error.cause) return error;
  return new OAuthBearerError(error.code, message, {
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.scope === undefined ? {} : { scope: error.scope }),
    ...(cause === undefined ? {} : { cause }),
  });
}
