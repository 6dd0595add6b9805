/**
 * Deadlines for one HTTP attempt (token endpoint, JWKS, discovery), carried to the HttpPort as the `Request`'s
 * `signal`, so the port stays fetch-shaped. An attempt has two limits, named after Kafka's settings:
 * - the whole attempt, headers and body, ends `connectTimeoutMs + readTimeoutMs` after it starts;
 * - the body ends `readTimeoutMs` after the headers arrive (a server dripping one byte at a time cannot hold it).
 * A port that ignores the signal still cannot hold the caller: {@link HttpDeadline.guard} stops waiting.
 *
 * Kafka's defaults differ by path: the login client's `sasl.login.connect.timeout.ms` and
 * `sasl.login.read.timeout.ms` are unset (the JDK's `HttpURLConnection` then waits forever), and the broker's
 * JWKS client is jose4j's `Get` (20 000 ms connect, 20 000 ms per read). We take jose4j's numbers for every path,
 * as a whole-phase limit rather than a per-read one, so no attempt is ever unbounded.
 * @module
 */
import { OAuthBearerError } from './errors.js';
import type { AbortSignalLike, ResponseLike } from './ports.js';

/**
 * Default connect limit, ms: jose4j `Get.connectTimeout` (Kafka's JWKS client); used when a setting is unset.
 * @category Errors and ports
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;
/**
 * Default read limit, ms: jose4j `Get.readTimeout`; used when a setting is unset.
 * @category Errors and ports
 */
export const DEFAULT_READ_TIMEOUT_MS = 20_000;

/**
 * A signal that aborts after `ms` milliseconds; default `AbortSignal.timeout`. A port, so tests can drive time.
 * @category Errors and ports
 */
export type TimeoutPort = (ms: number) => AbortSignalLike;

/** The two limits of an attempt. `null` or absent: the default. */
export interface HttpTimeouts {
  readonly connectTimeoutMs?: number | null | undefined;
  readonly readTimeoutMs?: number | null | undefined;
}

/** One attempt's deadline. */
export interface HttpDeadline {
  /** Aborts when a limit passes; give it to the request (`new Request(url, { signal })`). */
  readonly signal: AbortSignalLike;
  /** Which limit passed, or null. */
  readonly timedOut: string | null;
  /** The headers arrived: from now on the body has `readTimeoutMs`. */
  bodyPhase(): void;
  /** Waits for `work`, or rejects with the timeout error when a limit passes first. */
  guard<T>(work: Promise<T>): Promise<T>;
  /** The `ERR_HTTP_TIMEOUT` error for the limit that passed. */
  error(): OAuthBearerError;
  /** Stops listening to the timers. */
  dispose(): void;
}

/**
 * A limit setting in milliseconds. Unset (null or undefined) and 0, which the JDK reads as "no limit", give
 * `fallback`: no attempt is unbounded.
 * @throws OAuthBearerError `ERR_CONFIG` for a value that is not a whole number ≥ 0
 */
export function timeoutSetting(value: number | null | undefined, fallback: number, name: string): number {
  if (value === undefined || value === null || value === 0) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new OAuthBearerError('ERR_CONFIG', `${name} must be a whole number of milliseconds ≥ 0, not ${value}`);
  return value;
}

/**
 * Arms the deadline of one attempt. `what` names the request in the error (`The token endpoint request`),
 * `settings` the settings that raise the limits.
 */
export function httpDeadline(
  limits: { readonly connectTimeoutMs: number; readonly readTimeoutMs: number },
  timeout: TimeoutPort | undefined,
  what: string,
  settings: string,
): HttpDeadline {
  const controller = new AbortController();
  const after = timeout ?? ((ms: number) => AbortSignal.timeout(ms));
  const disarms: Array<() => void> = [];
  let timedOut: string | null = null;
  let rejectGuard: (() => void) | undefined;
  const fired = new Promise<never>((_resolve, reject) => {
    rejectGuard = () => reject(new Error('deadline'));
  });
  fired.catch(() => undefined);
  const arm = (ms: number, phase: string): void => {
    const signal = after(ms);
    const fire = (): void => {
      if (timedOut !== null) return;
      timedOut = `${phase} took longer than ${ms} ms`;
      controller.abort(new OAuthBearerError('ERR_HTTP_TIMEOUT', `${what} timed out: ${timedOut}`));
      rejectGuard!();
    };
    if (signal.aborted) fire();
    else {
      signal.addEventListener('abort', fire, { once: true });
      disarms.push(() => signal.removeEventListener('abort', fire));
    }
  };
  const error = (): OAuthBearerError => new OAuthBearerError(
    'ERR_HTTP_TIMEOUT', `${what} timed out: ${timedOut ?? 'a limit passed'}; raise ${settings} or check the endpoint`,
  );
  arm(limits.connectTimeoutMs + limits.readTimeoutMs, 'the whole attempt (headers and body)');
  let bodyArmed = false;
  return {
    signal: controller.signal,
    get timedOut() { return timedOut; },
    bodyPhase() {
      if (bodyArmed) return;
      bodyArmed = true;
      arm(limits.readTimeoutMs, 'reading the response body');
    },
    async guard<T>(work: Promise<T>): Promise<T> {
      try {
        return await Promise.race([work, fired]);
      } catch (cause) {
        if (timedOut !== null) throw error();
        throw cause;
      }
    },
    error,
    dispose() {
      for (const disarm of disarms.splice(0)) disarm();
    },
  };
}

/**
 * Reads a response body, refusing more than `limit` bytes (by its content-length, then as it streams). When
 * `signal` aborts the read stops at once with `ERR_HTTP`, and the stream is cancelled. The one body reader of the
 * token endpoint, JWKS and discovery paths; `tooLarge` makes each path's own error (`declared` is the
 * content-length, or null when the stream ran over).
 */
export async function readBodyWithin(
  response: ResponseLike,
  limit: number,
  what: string,
  tooLarge: (declared: number | null) => OAuthBearerError,
  signal?: AbortSignalLike,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  // Cancelling is never awaited: a stalled or tee'd stream's cancel may never settle.
  if (declared > limit) {
    response.body?.cancel().catch(() => undefined);
    throw tooLarge(declared);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  let abort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    abort = () => reject(new OAuthBearerError('ERR_HTTP', `Reading the ${what} was aborted`));
  });
  aborted.catch(() => undefined);
  if (signal?.aborted === true) abort!();
  signal?.addEventListener('abort', abort!, { once: true });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw tooLarge(null);
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    signal?.removeEventListener('abort', abort!);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
