/**
 * A refreshing token holder as a synchronous, I/O-free state machine, scheduled like Kafka's
 * ExpiringCredentialRefreshingLogin refresher thread: refresh at {@link refreshAtMs}; after a failed fetch retry in
 * 10 s, forever, without growing the delay; the KAFKA-7945 safety net for a time in the past. The current token stays
 * usable until a new one arrives (Kafka logs in anew before logging out). A thin async driver pairs it with ports.
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import type { Clock, AbortSignalLike } from '../ports.js';
import type { BearerToken } from '../token.js';
import { DEFAULT_REFRESH_CONFIG, RELOGIN_RETRY_DELAY_MS, refreshAtMs, type RefreshConfig } from './refresh.js';

/**
 * What the holder asks its driver to do next.
 * @category Kafka semantics
 */
export type HolderAction =
  | { readonly action: 'fetch' }
  | { readonly action: 'wake'; readonly atMs: number }
  | { readonly action: 'stop' };

/**
 * The holder's state, a discriminated union.
 * @category Kafka semantics
 */
export type HolderState = 'idle' | 'fetching' | 'waiting' | 'retrying' | 'stopped';

/**
 * What {@link TokenHolder.snapshot} reports, for logs and metrics. Never the token value.
 * @category Kafka semantics
 */
export interface HolderSnapshot {
  readonly state: HolderState;
  readonly principal: string | null;
  readonly expiresAtMs: number | null;
  readonly nextWakeMs: number | null;
  /** The last fetch failure's code and message, until a fetch succeeds. */
  readonly lastError: { readonly code: string; readonly message: string } | null;
  readonly fetches: number;
  readonly failures: number;
  /** Fetches whose token was already expired while the current one was still valid (kept the current one). */
  readonly rejectedTokens: number;
}

/**
 * Holds one token and decides when to fetch the next. Every method takes the time; none blocks.
 * Transitions: idle --start--> fetching; fetching --tokenReceived--> waiting; fetching --fetchFailed--> retrying;
 * waiting|retrying --wake(at or after the time)--> fetching; any --stop--> stopped.
 * @example
 * ```ts
 * const holder = new TokenHolder();
 * let step = holder.start();                                   // { action: 'fetch' }
 * step = holder.tokenReceived(token, Date.now(), Math.random()); // { action: 'wake', atMs }
 * ```
 * @category Kafka semantics
 */
export class TokenHolder {
  private stateValue: HolderState = 'idle';
  private tokenValue: BearerToken | null = null;
  private wakeAt: number | null = null;
  private lastError: HolderSnapshot['lastError'] = null;
  private fetches = 0;
  private failures = 0;
  private rejected = 0;
  /** True when the last wake-up was scheduled at the very time of the token it followed (an immediate refresh). */
  private lastImmediate = false;

  constructor(private readonly config: RefreshConfig = DEFAULT_REFRESH_CONFIG) {}

  /** The state. */
  get state(): HolderState {
    return this.stateValue;
  }

  /** The current token, or null before the first one arrives. It may have expired; check `lifetimeMs`. */
  get token(): BearerToken | null {
    return this.tokenValue;
  }

  /**
   * Starts: the first fetch.
   * @throws OAuthBearerError `ERR_USAGE_STATE` unless idle
   */
  start(): HolderAction {
    this.expect('idle', 'start');
    this.stateValue = 'fetching';
    this.fetches++;
    return { action: 'fetch' };
  }

  /**
   * The provider answered with a token at `nowMs`. It replaces the current one, unless it has already expired while
   * the current one is still valid (then the current one is kept and the fetch retried in 10 s). Returns the wake-up:
   * Kafka's refresh time; `now + 10 s` for an expired token or a time in the past (KAFKA-7945); and, so that a
   * provider handing out tokens that expire at once cannot make a busy loop, `now + 10 s` instead of a second
   * immediate refresh in a row.
   * @throws OAuthBearerError `ERR_USAGE_STATE` unless fetching; `ERR_USAGE_ARGUMENT` for a draw outside [0, 1)
   */
  tokenReceived(token: BearerToken, nowMs: number, draw: number): HolderAction {
    this.expect('fetching', 'tokenReceived');
    if (!(draw >= 0 && draw < 1)) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', 'tokenReceived needs a uniform draw in [0, 1)');
    const current = this.tokenValue;
    if (token.lifetimeMs < nowMs && current !== null && current.lifetimeMs >= nowMs) {
      this.rejected++;
      // A 10 s wait follows, so the next immediate refresh is not a busy loop.
      this.lastImmediate = false;
      return this.schedule('retrying', nowMs + RELOGIN_RETRY_DELAY_MS);
    }
    this.tokenValue = token;
    this.lastError = null;
    const at = refreshAtMs({ nowMs, expiryMs: token.lifetimeMs, startMs: token.startTimeMs }, this.config, draw);
    let wake = at === null || at < nowMs ? nowMs + RELOGIN_RETRY_DELAY_MS : at;
    if (wake <= nowMs) {
      if (this.lastImmediate) wake = nowMs + RELOGIN_RETRY_DELAY_MS;
      this.lastImmediate = !this.lastImmediate;
    } else {
      this.lastImmediate = false;
    }
    return this.schedule('waiting', wake);
  }

  /**
   * The provider failed at `nowMs`. The current token (if any) stays; the next attempt is in 10 s, as Kafka retries a
   * failed re-login.
   * @throws OAuthBearerError `ERR_USAGE_STATE` unless fetching
   */
  fetchFailed(error: unknown, nowMs: number): HolderAction {
    this.expect('fetching', 'fetchFailed');
    this.failures++;
    this.lastImmediate = false;
    this.lastError = error instanceof OAuthBearerError
      ? { code: error.code, message: error.message }
      : { code: 'ERR_TOKEN_PROVIDER', message: error instanceof Error ? error.message : 'token provider failed' };
    return this.schedule('retrying', nowMs + RELOGIN_RETRY_DELAY_MS);
  }

  /**
   * The driver woke at `nowMs`. At or after the scheduled time: fetch. Early (a spurious wake-up): wake again at the
   * same time.
   * @throws OAuthBearerError `ERR_USAGE_STATE` unless waiting or retrying
   */
  wake(nowMs: number): HolderAction {
    if (this.stateValue !== 'waiting' && this.stateValue !== 'retrying') this.expect('waiting', 'wake');
    const at = this.wakeAt!;
    if (nowMs < at) return { action: 'wake', atMs: at };
    this.stateValue = 'fetching';
    this.wakeAt = null;
    this.fetches++;
    return { action: 'fetch' };
  }

  /** Stops for good; the token stays readable. */
  stop(): HolderAction {
    this.stateValue = 'stopped';
    this.wakeAt = null;
    return { action: 'stop' };
  }

  /** The state for logs and metrics; never the token value. */
  snapshot(): HolderSnapshot {
    return {
      state: this.stateValue,
      principal: this.tokenValue?.principal ?? null,
      expiresAtMs: this.tokenValue?.lifetimeMs ?? null,
      nextWakeMs: this.wakeAt,
      lastError: this.lastError,
      fetches: this.fetches,
      failures: this.failures,
      rejectedTokens: this.rejected,
    };
  }

  private schedule(state: 'waiting' | 'retrying', atMs: number): HolderAction {
    this.stateValue = state;
    this.wakeAt = atMs;
    return { action: 'wake', atMs };
  }

  private expect(state: HolderState, event: string): void {
    if (this.stateValue !== state) {
      throw new OAuthBearerError('ERR_USAGE_STATE', `TokenHolder.${event} is not allowed in state ${this.stateValue}`);
    }
  }
}

/**
 * The ports the async driver needs. No timers here: `sleep` is injected (src/node/holder.ts has a real one).
 * @category Kafka semantics
 */
export interface HolderPorts {
  /** Fetches a fresh token (a token endpoint, a file, an unsecured token…). */
  readonly provider: () => Promise<BearerToken>;
  readonly clock: Clock;
  /** A uniform draw in [0, 1), as `java.util.Random.nextDouble()`. */
  readonly random: () => number;
  /** Resolves after `ms` milliseconds, or early when `signal` aborts. */
  readonly sleep: (ms: number, signal?: AbortSignalLike) => Promise<void>;
  /** Told after each fetch outcome (token received or fetch failed), for logs and metrics. */
  readonly onFetched?: (snapshot: HolderSnapshot) => void;
}

/**
 * Runs a {@link TokenHolder} until `signal` aborts: fetches, sleeps until each wake-up, fetches again. Returns when
 * stopped. Use `holder.token` for new connections meanwhile.
 * @example
 * ```ts
 * const holder = new TokenHolder(refreshConfig(props));
 * void driveTokenHolder(holder, { provider, clock: systemClock, random: Math.random, sleep }, controller.signal);
 * ```
 * @category Kafka semantics
 */
export async function driveTokenHolder(holder: TokenHolder, ports: HolderPorts, signal?: AbortSignalLike): Promise<void> {
  const aborted = (): boolean => signal?.aborted === true;
  let step = holder.start();
  while (!aborted()) {
    if (step.action === 'stop') return;
    if (step.action === 'fetch') {
      try {
        const token = await ports.provider();
        step = holder.tokenReceived(token, ports.clock.nowMs(), ports.random());
      } catch (error) {
        step = holder.fetchFailed(error, ports.clock.nowMs());
      }
      ports.onFetched?.(holder.snapshot());
      continue;
    }
    const wakeAtMs = step.atMs;
    await ports.sleep(Math.max(0, wakeAtMs - ports.clock.nowMs()), signal);
    if (aborted()) break;
    // Having slept until the wake-up time, it is at least that time whatever the wall clock says: a clock set back
    // during the sleep must not defer the refresh by the size of the jump (Kafka's refresher sleeps, then logs in).
    step = holder.wake(Math.max(ports.clock.nowMs(), wakeAtMs));
  }
  holder.stop();
}
