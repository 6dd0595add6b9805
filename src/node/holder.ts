/**
 * The Node driver of the Kafka token holder (src/kafka/holder.ts): real timers, the system clock and
 * `Math.random`-free uniform draws from crypto.getRandomValues, so a client keeps a fresh token the way Kafka's
 * ExpiringCredentialRefreshingLogin thread does.
 * @module
 */
import { systemClock, uniformDraw, webRandom } from '../ports.js';
import { TokenHolder, driveTokenHolder, type HolderSnapshot } from '../kafka/holder.js';
import { DEFAULT_REFRESH_CONFIG, type RefreshConfig } from '../kafka/refresh.js';
import type { BearerToken } from '../token.js';

/**
 * Resolves after `ms` milliseconds, or at once when `signal` aborts. The timer never keeps the process alive.
 * @example
 * ```ts
 * await sleepMs(1_000, AbortSignal.timeout(500)); // resolves after 500 ms: an abort ends the wait early, never with an error
 * ```
 * @category Node adapters
 */
export function sleepMs(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    // setTimeout holds at most 2^31 − 1 ms; a longer wait wakes early and the holder re-schedules the same time.
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.min(Math.max(0, ms), 2 ** 31 - 1));
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A running token holder and how to stop it.
 * @category Node adapters
 */
export interface RunningTokenHolder {
  readonly holder: TokenHolder;
  /**
   * Resolves once the first fetch has produced a token; rejects with the first fetch's own error when it failed (the
   * holder keeps retrying every 10 s meanwhile, so a later `holder.token` may still arrive).
   */
  readonly ready: Promise<void>;
  /** The last fetch's error, as the provider threw it, until a fetch succeeds; null otherwise. */
  readonly lastError: unknown;
  /** Stops refreshing; the last token stays readable through `holder.token`. */
  stop(): Promise<void>;
}

/**
 * Starts keeping a token fresh with `provider` on Kafka's refresh schedule (`sasl.login.refresh.*` via `config`);
 * `options.onFetched` is told the holder's snapshot after every fetch (for logs, metrics, or pushing a new token).
 * @example
 * ```ts
 * const retrieve = kafkaTokenRetriever(props);
 * const running = startTokenHolder(async () => validateClientJwt((await retrieve()).accessToken), refreshConfig(props));
 * await running.ready; // rejects with the real reason when the first fetch fails
 * const token = running.holder.token;
 * ```
 * @category Node adapters
 */
export function startTokenHolder(
  provider: () => Promise<BearerToken>,
  config: RefreshConfig = DEFAULT_REFRESH_CONFIG,
  options: { readonly onFetched?: (snapshot: HolderSnapshot) => void } = {},
): RunningTokenHolder {
  const holder = new TokenHolder(config);
  const controller = new AbortController();
  let settled = false;
  let lastError: unknown = null;
  let markReady: () => void = () => {};
  let markFailed: (error: unknown) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  // The rejection is the caller's to see when they await `ready`; one who never does gets no unhandled rejection.
  ready.catch(() => undefined);
  const done = driveTokenHolder(holder, {
    provider: async () => {
      try {
        const token = await provider();
        lastError = null;
        return token;
      } catch (error) {
        lastError = error;
        throw error;
      }
    },
    onFetched: (snapshot) => {
      options.onFetched?.(snapshot);
      if (settled) return;
      settled = true;
      if (snapshot.lastError === null && holder.token !== null) markReady();
      else markFailed(lastError);
    },
    clock: systemClock,
    random: () => uniformDraw(webRandom),
    sleep: sleepMs,
  }, controller.signal);
  return {
    holder,
    ready,
    get lastError() {
      return lastError;
    },
    async stop() {
      controller.abort();
      await done;
    },
  };
}
