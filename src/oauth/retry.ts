/**
 * Kafka's `Retry` (org.apache.kafka.common.security.oauthbearer.internals.secured.Retry): the deadline is the start
 * plus `retry.backoff.max.ms` (the maximum backoff is also the whole time budget), attempt n that fails retryably
 * waits `min(backoff × 2^(n−1), deadline − now)`, a wait ≤ 0 ends it, and the FIRST error is the one reported.
 * The schedule is pure; {@link retry} is the thin driver that sleeps through a port.
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import type { Clock } from '../ports.js';

/** `sasl.login.retry.backoff.ms` default (SaslConfigs). */
export const DEFAULT_RETRY_BACKOFF_MS = 100;
/** `sasl.login.retry.backoff.max.ms` default (SaslConfigs). */
export const DEFAULT_RETRY_BACKOFF_MAX_MS = 10_000;

/**
 * Kafka's two retry settings, in milliseconds.
 * @category Getting tokens
 */
export interface RetryConfig {
  /** The first wait (`sasl.login.retry.backoff.ms`). */
  readonly backoffMs: number;
  /** The largest wait and the whole budget (`sasl.login.retry.backoff.max.ms`). */
  readonly backoffMaxMs: number;
}

/**
 * Checks retry settings as Kafka's `Retry` constructor does: both ≥ 0 and max ≥ backoff.
 * @throws OAuthBearerError `ERR_CONFIG`
 * @example
 * ```ts
 * checkRetryConfig({ backoffMs: 100, backoffMaxMs: 10_000 }); // returned as given
 * checkRetryConfig({ backoffMs: -1, backoffMaxMs: 10_000 }); // throws ERR_CONFIG
 * ```
 * @category Getting tokens
 */
export function checkRetryConfig(config: RetryConfig): RetryConfig {
  const { backoffMs, backoffMaxMs } = config;
  if (!Number.isSafeInteger(backoffMs) || backoffMs < 0) {
    throw new OAuthBearerError('ERR_CONFIG', `sasl.login.retry.backoff.ms must be a whole number ≥ 0, not ${backoffMs}`);
  }
  if (!Number.isSafeInteger(backoffMaxMs) || backoffMaxMs < 0) {
    throw new OAuthBearerError('ERR_CONFIG', `sasl.login.retry.backoff.max.ms must be a whole number ≥ 0, not ${backoffMaxMs}`);
  }
  if (backoffMaxMs < backoffMs) {
    throw new OAuthBearerError('ERR_CONFIG', `sasl.login.retry.backoff.max.ms (${backoffMaxMs}) must be ≥ sasl.login.retry.backoff.ms (${backoffMs})`);
  }
  return config;
}

/**
 * How long to wait after failed attempt `attempt` (1-based) before the next, or null to stop: Kafka's
 * `min(backoffMs × 2^(attempt−1), deadlineMs − nowMs)`, stopping when that is ≤ 0.
 * @example
 * ```ts
 * retryDelayMs(1, 0, 10_000, 100); // 100
 * retryDelayMs(3, 0, 10_000, 100); // 400
 * retryDelayMs(1, 9_950, 10_000, 100); // 50: never past the deadline
 * ```
 * @category Getting tokens
 */
export function retryDelayMs(attempt: number, nowMs: number, deadlineMs: number, backoffMs: number): number | null {
  // Java: retryBackoffMs * (long) Math.pow(2, currAttempt - 1); a huge power saturates, the min below bounds it.
  const wait = Math.min(backoffMs * 2 ** (attempt - 1), deadlineMs - nowMs);
  return wait > 0 ? wait : null;
}

/**
 * Ports of {@link retry}.
 * @category Getting tokens
 */
export interface RetryPorts {
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * Runs `attempt` until it succeeds, throws a non-retryable error, or the budget is spent. `isRetryable` decides per
 * error; Kafka retries I/O failures and retryable HTTP statuses. The first attempt always runs; later ones while
 * `now ≤ deadline`.
 * @throws the first error when all attempts fail, or the non-retryable error at once
 * @example
 * ```ts
 * const token = await retry(() => fetchToken(), { backoffMs: 100, backoffMaxMs: 10_000 }, (e) => true,
 *   { clock: systemClock, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
 * ```
 * @category Getting tokens
 */
export async function retry<T>(
  attempt: (n: number) => Promise<T>,
  config: RetryConfig,
  isRetryable: (error: unknown) => boolean,
  ports: RetryPorts,
): Promise<T> {
  const deadlineMs = ports.clock.nowMs() + config.backoffMaxMs;
  let first: unknown;
  let waitedMs = 0;
  // The first attempt always runs. Kafka's loop tests `now <= deadline` before it too, so with a budget of 0 a
  // clock tick between reading the deadline and the test skips every attempt ("Really shouldn't ever get to
  // here" in Retry.execute); under load that turned a read timeout into "No attempt was made".
  for (let n = 1; n === 1 || ports.clock.nowMs() <= deadlineMs; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      if (n === 1) first = error;
      const delay = retryDelayMs(n, ports.clock.nowMs(), deadlineMs, config.backoffMs);
      // The waits also add up to at most the budget, so a wall clock set back mid-run cannot stretch it.
      const wait = delay === null ? 0 : Math.min(delay, config.backoffMaxMs - waitedMs);
      if (wait <= 0) break;
      waitedMs += wait;
      await ports.sleep(wait);
    }
  }
  // The first attempt always runs, so every way out of the loop has failed at least once.
  throw first;
}
