/**
 * The Node driver of the Kafka token holder (src/kafka/holder.ts): real timers, the system clock and
 * `Math.random`-free uniform draws from crypto.getRandomValues, so a client keeps a fresh token the way Kafka's
 * ExpiringCredentialRefreshingLogin thread does.
 * @module
 */
import { systemClock, uniformDraw, webRandom } from '../ports.js';
import { TokenHolder, driveTokenHolder } from '../kafka/holder.js';
import { DEFAULT_REFRESH_CONFIG, type RefreshConfig } from '../kafka/refresh.js';
import type { BearerToken } from '../token.js';

/** Resolves after `ms` milliseconds, or at once when `signal` aborts. The timer never keeps the process alive. */
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

/** A running token holder and how to stop it. */
export interface RunningTokenHolder {
  readonly holder: TokenHolder;
  /** Resolves once the first fetch has either produced a token or failed. */
  readonly ready: Promise<void>;
  /** Stops refreshing; the last token stays readable through `holder.token`. */
  stop(): Promise<void>;
}

/**
 * Starts keeping a token fresh with `provider` on Kafka's refresh schedule (`sasl.login.refresh.*` via `config`).
 * @example
 * ```ts
 * const running = startTokenHolder(() => retriever.fetchToken(), refreshConfig(props));
 * await running.ready;
 * const token = running.holder.token;
 * ```
 */
export function startTokenHolder(provider: () => Promise<BearerToken>, config: RefreshConfig = DEFAULT_REFRESH_CONFIG): RunningTokenHolder {
  const holder = new TokenHolder(config);
  const controller = new AbortController();
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const done = driveTokenHolder(holder, {
    provider,
    onFetched: () => markReady(),
    clock: systemClock,
    random: () => uniformDraw(webRandom),
    sleep: sleepMs,
  }, controller.signal);
  return {
    holder,
    ready,
    async stop() {
      controller.abort();
      await done;
    },
  };
}
