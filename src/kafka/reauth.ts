/**
 * KIP-368 re-authentication timing: the session lifetime a broker sends in SaslAuthenticateResponse
 * (SaslServerAuthenticator.ReauthInfo.calcCompletionTimesAndReturnSessionLifetimeMs) and when the client
 * re-authenticates (SaslClientAuthenticator.ReauthInfo.setAuthenticationEndAndSessionReauthenticationTimes).
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import { javaLongCast } from './java.js';

/**
 * Inputs of {@link serverSessionLifetimeMs}.
 * @category Kafka semantics
 */
export interface ServerReauthInput {
  /** When the exchange completed, epoch ms. */
  readonly nowMs: number;
  /** `connections.max.reauth.ms`; null or ≤ 0 means no maximum (Kafka's default 0). */
  readonly maxReauthMs: number | null;
  /** The token's expiry (`lifetimeMs()`), or null for a credential without one. */
  readonly tokenExpiryMs: number | null;
}

/**
 * The broker's session lifetime: `max(0, expiry − now)`, capped by `connections.max.reauth.ms` when that is > 0;
 * `maxReauthMs` alone when the credential has no expiry; 0 when neither applies. An expired token gives 0.
 * @example
 * ```ts
 * serverSessionLifetimeMs({ nowMs: 1000, maxReauthMs: null, tokenExpiryMs: 61_000 }); // 60_000
 * ```
 * @category Kafka semantics
 */
export function serverSessionLifetimeMs(input: ServerReauthInput): number {
  const { nowMs, tokenExpiryMs } = input;
  const maxSet = input.maxReauthMs !== null && input.maxReauthMs > 0;
  if (tokenExpiryMs === null) return maxSet ? Math.max(0, input.maxReauthMs!) : 0;
  const remaining = tokenExpiryMs - nowMs;
  return Math.max(0, maxSet ? Math.min(remaining, input.maxReauthMs!) : remaining);
}

/**
 * Inputs of {@link clientReauthAtMs}.
 * @category Kafka semantics
 */
export interface ClientReauthInput {
  /** When the client saw the exchange complete, epoch ms. */
  readonly authenticationEndMs: number;
  /** The broker's `session_lifetime_ms`. */
  readonly sessionLifetimeMs: number;
  /** One uniform draw in [0, 1), as `java.util.Random.nextDouble()`. */
  readonly draw: number;
}

/**
 * When the client re-authenticates: `end + (long)(lifetime × (0.85 + draw × 0.10))`, computed in doubles exactly as
 * Kafka (lifetime 1000 with draw 0.6 gives 909, since 0.85 + 0.06 is 0.9099999999999999); null when the lifetime
 * is ≤ 0 (no re-authentication). The result lies in [end + 0.85·L, end + 0.95·L].
 * @throws OAuthBearerError `ERR_USAGE_ARGUMENT` when the draw is outside [0, 1) or a time is not finite
 * @example
 * ```ts
 * clientReauthAtMs({ authenticationEndMs: 0, sessionLifetimeMs: 1000, draw: 0.6 }); // 909
 * ```
 * @category Kafka semantics
 */
export function clientReauthAtMs(input: ClientReauthInput): number | null {
  const { authenticationEndMs, sessionLifetimeMs, draw } = input;
  if (!(draw >= 0 && draw < 1) || !Number.isFinite(authenticationEndMs) || !Number.isFinite(sessionLifetimeMs)) {
    throw new OAuthBearerError('ERR_USAGE_ARGUMENT', 'clientReauthAtMs needs finite times and a draw in [0, 1)');
  }
  if (sessionLifetimeMs <= 0) return null;
  const pct = 0.85 + draw * 0.1;
  return authenticationEndMs + javaLongCast(sessionLifetimeMs * pct);
}
