/**
 * Key sources for JWS verification: a static JWKS (RFC 7517 §5), and a remote JWKS as an I/O-free state machine
 * ({@link JwksCache}) with a thin async driver ({@link createRemoteJwks}) over the HttpPort.
 *
 * The machine follows Kafka's `RefreshingHttpsJwks` / `RefreshingHttpsJwksVerificationKeyResolver`:
 * - regular refresh every `sasl.oauthbearer.jwks.endpoint.refresh.ms` (default 1 h) after each good fetch;
 * - a failed fetch is retried as Kafka's `Retry` does: sleeps doubling from `retry.backoff.ms` (100), each capped
 *   by what is left of a total budget of `retry.backoff.max.ms` (10 000) from the first attempt;
 * - the last good key set is kept through any outage;
 * - every fetch has a deadline (ours; src/deadline.ts): connect + read, 20 000 + 20 000 ms by default as jose4j's
 *   `Get` (the HTTP client Kafka's broker uses for the JWKS), the body within the read limit once the headers
 *   arrive; a timed-out attempt is a failed fetch (backoff as above), and a lookup waiting for a fetch fails with
 *   `ERR_HTTP_TIMEOUT` after connect + read rather than waiting forever;
 * - an unknown `kid` asks for an expedited refresh at most once per kid per 60 s
 *   (`MISSING_KEY_ID_CACHE_IN_FLIGHT_MS`), kids over 1000 characters never do, and the 16 most recent missing
 *   kids are remembered (LRU, `MISSING_KEY_ID_CACHE_MAX_ENTRIES`).
 *
 * Our own addition, the GLOBAL FLOOR: Kafka's per-kid rule lets N distinct bogus kids cause N fetches. Here at
 * most one fetch is ever in flight, and expedited fetches start at most once per `expeditedIntervalMs`
 * (default 10 s) overall; a kid that misses inside that window is served by one deferred fetch at the window's
 * end. So a burst of any number of bogus kids costs at most 2 fetches per window.
 * @module
 */
import { describeIoError, OAuthBearerError, safeCause } from '../errors.js';
import type { AbortSignalLike, Clock, HttpPort, Jwk, JwsAlgorithm, ResponseLike } from '../ports.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS, httpDeadline, readBodyWithin, timeoutSetting, type TimeoutPort } from '../deadline.js';
import { decodeUtf8 } from '../encoding/utf8.js';
import { MAX_JWKS_LENGTH, parseJwks, selectKeys, type Jwks } from './jwk.js';
import { MAX_KID_LENGTH } from './jws.js';

/**
 * Where a verifier gets its candidate keys.
 * @example
 * ```ts
 * const keys: KeySource = staticKeySource({ keys: [jwk] }); // or createRemoteJwks({ url, http, clock, sleep })
 * const validator = createJwtValidator({ keys, crypto: webCryptoPort });
 * ```
 * @category Checking tokens
 */
export interface KeySource {
  /**
   * The keys that fit `alg` and `kid` (RFC 7515 §4.1.4). May be a promise when the source must fetch first (no
   * keys yet, or an expedited refresh for an unknown kid). An empty answer means no key fits.
   */
  keysFor(alg: JwsAlgorithm, kid: string | undefined, nowMs: number): readonly Jwk[] | Promise<readonly Jwk[]>;
  /** True while `jwk` (an object this source returned) is still in the key set. */
  hasKey(jwk: Jwk): boolean;
  /**
   * Starts any refresh that is due, without waiting. A verified-token cache calls it on hits, so a broker whose
   * clients all hit the cache still notices rotated and revoked keys.
   */
  refreshIfDue?(nowMs: number): void;
}

/**
 * A fixed key set (a configured JWKS, or a JWKS file read once as Kafka's `JwksFileVerificationKeyResolver` does).
 * @throws OAuthBearerError `ERR_JWKS` when `jwks` is not a JWKS
 * @example
 * ```ts
 * const keys = staticKeySource({ keys: [publicJwk] });
 * ```
 * @category Checking tokens
 */
export function staticKeySource(jwks: Jwks | string | unknown): KeySource {
  const { keys } = parseJwks(jwks);
  const set = new Set(keys);
  return {
    keysFor: (alg, kid) => selectKeys(keys, alg, kid),
    hasKey: (jwk) => set.has(jwk),
  };
}

/**
 * Refresh and retry settings (Kafka `sasl.oauthbearer.jwks.endpoint.*`, plus our global floor).
 * @category Checking tokens
 */
export interface JwksRefreshConfig {
  /** `sasl.oauthbearer.jwks.endpoint.refresh.ms`, default 3 600 000; must be > 0. */
  readonly refreshMs?: number;
  /** `sasl.oauthbearer.jwks.endpoint.retry.backoff.ms`, default 100. */
  readonly retryBackoffMs?: number;
  /** `sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms`, default 10 000: the cap AND the total retry budget. */
  readonly retryBackoffMaxMs?: number;
  /** Per-kid interval between expedited refreshes, default 60 000 (Kafka's `MISSING_KEY_ID_CACHE_IN_FLIGHT_MS`). */
  readonly missingKidIntervalMs?: number;
  /** Missing kids remembered, default 16 (Kafka's `MISSING_KEY_ID_CACHE_MAX_ENTRIES`). */
  readonly maxMissingKids?: number;
  /** Global floor between expedited fetches, default 10 000 (ours; see the module notes). */
  readonly expeditedIntervalMs?: number;
}

/**
 * Kafka's defaults (SaslConfigs, RefreshingHttpsJwksVerificationKeyResolver) and our floor.
 * @category Checking tokens
 */
export const JWKS_DEFAULTS = Object.freeze({
  refreshMs: 3_600_000,
  retryBackoffMs: 100,
  retryBackoffMaxMs: 10_000,
  missingKidIntervalMs: 60_000,
  maxMissingKids: 16,
  expeditedIntervalMs: 10_000,
});

/**
 * What the driver should do next.
 * @category Checking tokens
 */
export type JwksAction =
  | { readonly type: 'fetch' }
  | { readonly type: 'wait'; readonly untilMs: number }
  | { readonly type: 'busy' };

type Phase =
  | { readonly kind: 'idle' }
  | { readonly kind: 'fetching'; readonly attempt: number; readonly deadlineMs: number; readonly waitedMs: number }
  | { readonly kind: 'backoff'; readonly attempt: number; readonly deadlineMs: number; readonly waitedMs: number; readonly retryAtMs: number };

/**
 * The remote key set as a synchronous state machine: the driver asks {@link JwksCache.poll} what to do, reports
 * each fetch with {@link JwksCache.fetched} or {@link JwksCache.fetchFailed}, and asks for keys with
 * {@link JwksCache.select}. Time comes in as `nowMs`; nothing here does I/O.
 * @example
 * ```ts
 * const cache = new JwksCache({ refreshMs: 3_600_000 });
 * if (cache.poll(now).type === 'fetch') cache.fetched(parseJwks(await (await http(req)).text()), now);
 * const keys = cache.select('RS256', kid, now).keys;
 * ```
 * @category Checking tokens
 */
export class JwksCache {
  private readonly config: Required<JwksRefreshConfig>;
  private keys: readonly Jwk[] | null = null;
  private keySet = new Set<Jwk>();
  private phase: Phase = { kind: 'idle' };
  private nextRefreshAtMs = -Infinity;
  private expeditedPending = false;
  private lastExpeditedAtMs = -Infinity;
  private readonly missingKids = new Map<string, number>();
  /** Successful fetches so far. */
  fetchCount = 0;
  /** The error of the last failed attempt, kept for diagnostics. */
  lastError: unknown = undefined;

  constructor(config: JwksRefreshConfig = {}) {
    const c: Record<keyof JwksRefreshConfig, number> = { ...JWKS_DEFAULTS };
    for (const name of Object.keys(JWKS_DEFAULTS) as Array<keyof JwksRefreshConfig>) {
      const value = config[name];
      if (value !== undefined) c[name] = value;
    }
    for (const [name, value] of Object.entries(c)) {
      if (typeof value !== 'number' || !(value >= 0) || (name === 'refreshMs' && value === 0)) {
        throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `The JWKS setting ${name} must be a ${name === 'refreshMs' ? 'positive' : 'non-negative'} number`);
      }
    }
    this.config = c;
  }

  /** True once a key set has been fetched. */
  get hasKeys(): boolean {
    return this.keys !== null;
  }

  /** True while a fetch (or its retry backoff) is under way. */
  get busy(): boolean {
    return this.phase.kind !== 'idle';
  }

  /** True while `jwk` is in the current key set. */
  hasKey(jwk: Jwk): boolean {
    return this.keySet.has(jwk);
  }

  /**
   * The keys fitting `alg` and `kid`. When none fits and the JWS names a `kid`, notes the miss and, within the
   * per-kid and global limits, asks for an expedited refresh (`refresh: true`; the driver then polls).
   */
  select(alg: JwsAlgorithm, kid: string | undefined, nowMs: number): { keys: Jwk[]; refresh: boolean } {
    // Before the first key set arrives every kid is unknown; the initial fetch is due anyway and is not expedited.
    if (this.keys === null) return { keys: [], refresh: false };
    const keys = selectKeys(this.keys, alg, kid);
    if (keys.length > 0 || kid === undefined || kid.length > MAX_KID_LENGTH) return { keys, refresh: false };
    const last = this.missingKids.get(kid);
    if (last !== undefined && last > nowMs) {
      // The clock went back: the miss counts as made now.
      this.missingKids.set(kid, nowMs);
      return { keys, refresh: false };
    }
    if (last !== undefined && nowMs - last < this.config.missingKidIntervalMs) return { keys, refresh: false };
    this.missingKids.delete(kid);
    this.missingKids.set(kid, nowMs);
    if (this.missingKids.size > this.config.maxMissingKids) this.missingKids.delete(this.missingKids.keys().next().value!);
    this.expeditedPending = true;
    return { keys, refresh: true };
  }

  /** What to do now: start a fetch, wait until a time, or nothing while a fetch runs. */
  poll(nowMs: number): JwksAction {
    const phase = this.phase;
    switch (phase.kind) {
      case 'fetching':
        return { type: 'busy' };
      case 'backoff':
        if (nowMs < phase.retryAtMs) return { type: 'wait', untilMs: phase.retryAtMs };
        this.phase = { kind: 'fetching', attempt: phase.attempt + 1, deadlineMs: phase.deadlineMs, waitedMs: phase.waitedMs };
        return { type: 'fetch' };
      case 'idle': {
        // A wall clock set back must not defer the schedule by the size of the jump: no refresh is ever further
        // away than its period, and nothing happened "after" now.
        this.nextRefreshAtMs = Math.min(this.nextRefreshAtMs, nowMs + Math.max(this.config.refreshMs, this.config.expeditedIntervalMs));
        this.lastExpeditedAtMs = Math.min(this.lastExpeditedAtMs, nowMs);
        const expeditedAtMs = this.expeditedPending ? this.lastExpeditedAtMs + this.config.expeditedIntervalMs : Infinity;
        const dueMs = Math.min(this.nextRefreshAtMs, expeditedAtMs);
        if (nowMs < dueMs) return { type: 'wait', untilMs: dueMs };
        // Any fetch that starts serves the kids that missed before it, so it counts as the expedited one.
        if (this.expeditedPending) {
          this.lastExpeditedAtMs = nowMs;
          this.expeditedPending = false;
        }
        this.phase = { kind: 'fetching', attempt: 1, deadlineMs: nowMs + this.config.retryBackoffMaxMs, waitedMs: 0 };
        return { type: 'fetch' };
      }
    }
  }

  /** A fetch succeeded: the new set replaces the old; unchanged keys keep their objects (and so their imports). */
  fetched(jwks: Jwks, nowMs: number): void {
    if (this.phase.kind !== 'fetching') throw new OAuthBearerError('ERR_USAGE_STATE', 'JwksCache.fetched called with no fetch under way');
    const previous = new Map<string, Jwk>();
    for (const key of this.keys ?? []) previous.set(JSON.stringify(key), key);
    const keys = jwks.keys.map((key) => previous.get(JSON.stringify(key)) ?? key);
    this.keys = Object.freeze(keys);
    this.keySet = new Set(keys);
    this.phase = { kind: 'idle' };
    this.nextRefreshAtMs = nowMs + this.config.refreshMs;
    this.fetchCount++;
    this.lastError = undefined;
  }

  /**
   * A fetch failed. Returns when to retry (Kafka `Retry`: `min(backoff × 2^(n-1), deadline - now)`), or null when
   * the budget is spent: then the old keys stay and the next regular refresh is scheduled.
   */
  fetchFailed(error: unknown, nowMs: number): { retryAtMs: number } | null {
    const phase = this.phase;
    if (phase.kind !== 'fetching') throw new OAuthBearerError('ERR_USAGE_STATE', 'JwksCache.fetchFailed called with no fetch under way');
    this.lastError = error;
    // The waits granted also add up to at most the budget: a wall clock set back mid-run cannot stretch it.
    const delay = Math.min(
      this.config.retryBackoffMs * 2 ** (phase.attempt - 1), phase.deadlineMs - nowMs, this.config.retryBackoffMaxMs - phase.waitedMs,
    );
    if (delay > 0) {
      this.phase = { kind: 'backoff', attempt: phase.attempt, deadlineMs: phase.deadlineMs, waitedMs: phase.waitedMs + delay, retryAtMs: nowMs + delay };
      return { retryAtMs: nowMs + delay };
    }
    this.phase = { kind: 'idle' };
    // Without any keys yet, try again after the floor rather than a whole refresh period.
    this.nextRefreshAtMs = nowMs + (this.keys === null ? this.config.expeditedIntervalMs : this.config.refreshMs);
    return null;
  }
}

/**
 * Reads a response body as UTF-8 text, refusing more than `limit` bytes. When `signal` aborts the read stops at
 * once and the stream is cancelled.
 * @throws OAuthBearerError `ERR_INPUT_TOO_LARGE`, `ERR_UTF8`, `ERR_HTTP` when `signal` aborts
 */
export async function readBoundedText(response: ResponseLike, limit: number, what: string, signal?: AbortSignalLike): Promise<string> {
  const tooLarge = (declared: number | null): OAuthBearerError =>
    new OAuthBearerError('ERR_INPUT_TOO_LARGE', declared === null ? `The ${what} is over ${limit} bytes` : `The ${what} is ${declared} bytes; the limit is ${limit}`);
  return decodeUtf8(await readBodyWithin(response, limit, what, tooLarge, signal), what);
}

/**
 * Options of {@link createRemoteJwks}.
 * @category Checking tokens
 */
export interface RemoteJwksOptions extends JwksRefreshConfig {
  /** `sasl.oauthbearer.jwks.endpoint.url`. */
  readonly url: string;
  readonly http: HttpPort;
  readonly clock: Clock;
  /** Waits `ms` milliseconds (between retries). */
  readonly sleep: (ms: number) => Promise<void>;
  /**
   * Connect limit of one fetch, ms; default {@link DEFAULT_CONNECT_TIMEOUT_MS} (20 000, jose4j `Get`, which Kafka's
   * broker uses for the JWKS). A fetch, headers and body, ends connect + read after it starts.
   */
  readonly connectTimeoutMs?: number;
  /** Read limit of one fetch, ms: the whole body once the headers arrive; default {@link DEFAULT_READ_TIMEOUT_MS}. */
  readonly readTimeoutMs?: number;
  /** A signal that aborts after `ms`; default `AbortSignal.timeout`. */
  readonly timeout?: TimeoutPort;
  /**
   * Told once per failed fetch attempt, with its reason (an `OAuthBearerError`: `ERR_HTTP`, `ERR_HTTP_TIMEOUT`,
   * `ERR_JWKS`, `ERR_INPUT_TOO_LARGE`…), for logs and metrics; the last good keys stay meanwhile.
   */
  readonly onFetchFailed?: (error: unknown) => void;
}

/**
 * A remote JWKS: a {@link KeySource} plus control of its refreshes.
 * @example
 * ```ts
 * const jwks = createRemoteJwks({ url: 'https://idp.example/jwks', http: fetch, clock: systemClock, sleep });
 * await jwks.refresh(); // the first fetch, before the broker accepts connections
 * ```
 * @category Checking tokens
 */
export interface RemoteJwks extends KeySource {
  /** The state machine, for inspection. */
  readonly cache: JwksCache;
  /** Runs any due fetch (with retries) and resolves when it is done; the first call fetches. */
  refresh(): Promise<void>;
}

/**
 * A remote JWKS driven lazily by use: each lookup runs {@link JwksCache.poll}; a due regular refresh runs in the
 * background while the current keys keep answering; a lookup that needs a fetch (no keys yet, or an expedited
 * refresh for an unknown kid) waits for it and selects again. No timers run between lookups.
 * @example
 * ```ts
 * const jwks = createRemoteJwks({ url: 'https://idp/jwks', http: fetch, clock: systemClock, sleep });
 * await jwks.refresh();
 * const validator = createJwtValidator({ keys: jwks, crypto: webCryptoPort });
 * ```
 * @category Checking tokens
 */
export function createRemoteJwks(options: RemoteJwksOptions): RemoteJwks {
  const cache = new JwksCache(options);
  const { http, clock, sleep, url } = options;
  const limits = {
    connectTimeoutMs: timeoutSetting(options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS, 'connectTimeoutMs'),
    readTimeoutMs: timeoutSetting(options.readTimeoutMs, DEFAULT_READ_TIMEOUT_MS, 'readTimeoutMs'),
  };
  const waitMs = limits.connectTimeoutMs + limits.readTimeoutMs;
  const after = options.timeout ?? ((ms: number) => AbortSignal.timeout(ms));
  let inFlight: Promise<void> | null = null;

  async function attempt(nowMs: () => number): Promise<void> {
    const deadline = httpDeadline(limits, options.timeout, 'Fetching the JWKS', 'the JWKS connectTimeoutMs / readTimeoutMs');
    try {
      let response: ResponseLike;
      try {
        response = await deadline.guard(http(new Request(url, { headers: { accept: 'application/json' }, signal: deadline.signal })));
      } catch (cause) {
        if (deadline.timedOut !== null) throw deadline.error();
        if (cause instanceof OAuthBearerError) throw cause;
        throw new OAuthBearerError('ERR_HTTP', `Fetching the JWKS failed (${describeIoError(cause)}); check the JWKS URL, the TLS trust and the network`, { cause: safeCause(cause) });
      }
      if (response.status !== 200) {
        response.body?.cancel().catch(() => undefined);
        throw new OAuthBearerError('ERR_JWKS', `The JWKS endpoint answered HTTP ${response.status}; expected 200`);
      }
      deadline.bodyPhase();
      let text: string;
      try {
        text = await deadline.guard(readBoundedText(response, MAX_JWKS_LENGTH, 'JWKS', deadline.signal));
      } catch (cause) {
        if (deadline.timedOut !== null) throw deadline.error();
        if (cause instanceof OAuthBearerError) throw cause;
        throw new OAuthBearerError('ERR_HTTP', `Reading the JWKS failed (${describeIoError(cause)})`, { cause: safeCause(cause) });
      }
      cache.fetched(parseJwks(text), nowMs());
    } finally {
      deadline.dispose();
    }
  }

  /** A validation waits for a fetch at most one attempt's limit; then it fails, typed, and the fetch goes on. */
  async function waitForKeys(fetching: Promise<void>, alg: JwsAlgorithm, kid: string | undefined): Promise<readonly Jwk[]> {
    const signal = after(waitMs);
    let onAbort: (() => void) | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      onAbort = () => resolve('timeout');
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const outcome = await Promise.race([fetching.then(() => 'done' as const), timedOut]);
      if (outcome === 'timeout') {
        throw new OAuthBearerError('ERR_HTTP_TIMEOUT', `No JWKS key set arrived within ${waitMs} ms (connectTimeoutMs + readTimeoutMs); the fetch goes on in the background`, { cause: cache.lastError });
      }
    } finally {
      signal.removeEventListener('abort', onAbort!);
    }
    if (!cache.hasKeys) {
      const reason = cache.lastError;
      throw new OAuthBearerError('ERR_JWKS', `No JWKS key set could be fetched${reason instanceof OAuthBearerError ? `: ${reason.message}` : ''}`, { cause: reason });
    }
    return cache.select(alg, kid, clock.nowMs()).keys;
  }

  async function run(): Promise<void> {
    // After sleeping until a retry time it is at least that time, whatever the clock says: this keeps the retry
    // budget finite even with a coarse or simulated clock.
    let sleptUntilMs = -Infinity;
    const nowMs = (): number => Math.max(clock.nowMs(), sleptUntilMs);
    for (;;) {
      try {
        await attempt(nowMs);
        return;
      } catch (error) {
        const failedAtMs = nowMs();
        const retry = cache.fetchFailed(error, failedAtMs);
        try {
          options.onFetchFailed?.(error);
        } catch {
          // A failing logger must not stop the schedule.
        }
        if (retry === null) return;
        // The wait the machine granted, not "retry time minus the clock now": a clock set back in between must not
        // turn a 100 ms backoff into an hour.
        await sleep(retry.retryAtMs - failedAtMs);
        sleptUntilMs = retry.retryAtMs;
        if (cache.poll(nowMs()).type !== 'fetch') return;
      }
    }
  }

  function pump(nowMs: number): Promise<void> | null {
    if (inFlight !== null) return inFlight;
    if (cache.poll(nowMs).type !== 'fetch') return null;
    const done = run().finally(() => {
      inFlight = null;
    });
    inFlight = done;
    return done;
  }

  return {
    cache,
    hasKey: (jwk) => cache.hasKey(jwk),
    refreshIfDue(nowMs) {
      pump(nowMs)?.catch(() => undefined);
    },
    refresh: () => pump(clock.nowMs()) ?? Promise.resolve(),
    keysFor(alg, kid, nowMs) {
      const first = cache.select(alg, kid, nowMs);
      const fetching = pump(nowMs);
      if (first.keys.length > 0 || fetching === null) return first.keys;
      if (!first.refresh && cache.hasKeys) return first.keys;
      return waitForKeys(fetching, alg, kid);
    },
  };
}
