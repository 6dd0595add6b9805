/**
 * When to refresh a token: Kafka's ExpiringCredentialRefreshingLogin.refreshMs and its refresher loop
 * (org.apache.kafka.common.security.oauthbearer.internals.expiring), with the `sasl.login.refresh.*` settings of
 * SaslConfigs. Pure: the uniform draw Kafka takes from `java.util.Random.nextDouble()` is an argument.
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import { javaLongCast } from './java.js';
import { REFRESH_RANGES, SASL_CONFIG, configDouble, configShort, propertyMap, type KafkaProps } from './properties.js';

/**
 * Kafka's `sasl.login.refresh.*` settings.
 * @category Kafka semantics
 */
export interface RefreshConfig {
  /** Fraction of the token's lifetime after which to refresh (`sasl.login.refresh.window.factor`, [0.5, 1.0]). */
  readonly windowFactor: number;
  /** Random extra fraction, times the draw (`sasl.login.refresh.window.jitter`, [0, 0.25]). */
  readonly windowJitter: number;
  /** Least time from now to a refresh, in seconds (`sasl.login.refresh.min.period.seconds`, [0, 900]). */
  readonly minPeriodSeconds: number;
  /** Time to keep before expiry, in seconds (`sasl.login.refresh.buffer.seconds`, [0, 3600]). */
  readonly bufferSeconds: number;
}

/**
 * Kafka's defaults (SaslConfigs.DEFAULT_LOGIN_REFRESH_*).
 * @category Kafka semantics
 */
export const DEFAULT_REFRESH_CONFIG: RefreshConfig = Object.freeze({
  windowFactor: 0.8,
  windowJitter: 0.05,
  minPeriodSeconds: 60,
  bufferSeconds: 300,
});

/**
 * The delay before the next attempt after a failed re-login, and after finding no or an expired credential
 * (ExpiringCredentialRefreshingLogin.DELAY_SECONDS_BEFORE_NEXT_RETRY_WHEN_RELOGIN_FAILS = 10). Kafka never backs off
 * further.
 * @category Kafka semantics
 */
export const RELOGIN_RETRY_DELAY_MS = 10_000;

/**
 * Reads `sasl.login.refresh.*` from client properties with Kafka's ConfigDef parsing, defaults and inclusive ranges.
 * @throws OAuthBearerError `ERR_CONFIG` naming the setting that is malformed or out of range
 * @example
 * ```ts
 * refreshConfig({ 'sasl.login.refresh.window.factor': '0.9' }); // { windowFactor: 0.9, windowJitter: 0.05, ... }
 * ```
 * @category Kafka semantics
 */
export function refreshConfig(input: KafkaProps): RefreshConfig {
  const props = propertyMap(input);
  return {
    windowFactor: configDouble(props, SASL_CONFIG.refreshWindowFactor, 0.8, REFRESH_RANGES.windowFactor),
    windowJitter: configDouble(props, SASL_CONFIG.refreshWindowJitter, 0.05, REFRESH_RANGES.windowJitter),
    minPeriodSeconds: configShort(props, SASL_CONFIG.refreshMinPeriodSeconds, 60, REFRESH_RANGES.minPeriodSeconds),
    bufferSeconds: configShort(props, SASL_CONFIG.refreshBufferSeconds, 300, REFRESH_RANGES.bufferSeconds),
  };
}

/**
 * The token facts the schedule needs, all in epoch milliseconds.
 * @category Kafka semantics
 */
export interface RefreshInput {
  readonly nowMs: number;
  /** The token's expiry (`lifetimeMs()`). */
  readonly expiryMs: number;
  /** The token's issue time (`startTimeMs()`), or null: then now stands in for it. */
  readonly startMs: number | null;
}

/**
 * When to refresh, exactly as Kafka's `refreshMs`: null when `nowMs > expiryMs` (Kafka starts no refresher for an
 * expired token); when `now + 1000·(minPeriod + buffer) > expiry`, `now + (long)((expiry − now)·pct)` ignoring the
 * start and the buffer; otherwise `start + (long)((expiry − start)·pct)` clamped first to `expiry − buffer`, then up
 * to `now + minPeriod`. `pct = windowFactor + windowJitter·draw`; `(long)` truncates toward zero.
 * @throws OAuthBearerError `ERR_USAGE_ARGUMENT` when a time is not a finite number
 * @example
 * ```ts
 * refreshAtMs({ nowMs: 0, expiryMs: 3_600_000, startMs: 0 }, DEFAULT_REFRESH_CONFIG, 0); // 2_880_000
 * ```
 * @category Kafka semantics
 */
export function refreshAtMs(input: RefreshInput, config: RefreshConfig, draw: number): number | null {
  const { nowMs, expiryMs } = input;
  if (!Number.isFinite(nowMs) || !Number.isFinite(expiryMs) || (input.startMs !== null && !Number.isFinite(input.startMs))) {
    throw new OAuthBearerError('ERR_USAGE_ARGUMENT', 'refreshAtMs needs finite nowMs, expiryMs and startMs (or null) in epoch milliseconds');
  }
  if (nowMs > expiryMs) return null;
  const startMs = input.startMs ?? nowMs;
  // The draw is taken before either clamp, as Kafka does.
  const pct = config.windowFactor + config.windowJitter * draw;
  const minPeriodMs = 1000 * config.minPeriodSeconds;
  const bufferMs = 1000 * config.bufferSeconds;
  if (nowMs + (minPeriodMs + bufferMs) > expiryMs) {
    return nowMs + javaLongCast((expiryMs - nowMs) * pct);
  }
  const proposed = startMs + javaLongCast((expiryMs - startMs) * pct);
  const bufferStart = expiryMs - bufferMs;
  if (proposed > bufferStart) return bufferStart;
  const minEnd = nowMs + minPeriodMs;
  if (proposed < minEnd) return minEnd;
  return proposed;
}

/**
 * The refresher loop's next wake-up (ExpiringCredentialRefreshingLogin.Refresher.run with refreshMs): the refresh
 * time; `now + 10 s` when there is no token or it has expired (OAUTHBEARER re-logs in without logging out first);
 * and the KAFKA-7945 safety net, `now + 10 s` when the computed time lies in the past.
 * @example
 * ```ts
 * nextRefreshWakeMs({ nowMs: 0, expiryMs: 3_600_000, startMs: 0 }, DEFAULT_REFRESH_CONFIG, 0, 1000); // 2_880_000
 * nextRefreshWakeMs(null, DEFAULT_REFRESH_CONFIG, 0, 1000); // 11_000: no token yet, retry after RELOGIN_RETRY_DELAY_MS
 * ```
 * @category Kafka semantics
 */
export function nextRefreshWakeMs(input: RefreshInput | null, config: RefreshConfig, draw: number, nowMs: number): number {
  if (input === null) return nowMs + RELOGIN_RETRY_DELAY_MS;
  const at = refreshAtMs(input, config, draw);
  if (at === null) return nowMs + RELOGIN_RETRY_DELAY_MS;
  return at < nowMs ? nowMs + RELOGIN_RETRY_DELAY_MS : at;
}
