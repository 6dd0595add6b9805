/**
 * The broker's side of one Kafka connection until and while it is authenticated, as Kafka's
 * SaslServerAuthenticator has it (clients/src/main/java/org/apache/kafka/common/security/authenticator/
 * SaslServerAuthenticator.java), as a synchronous, I/O-free machine: bytes and validation verdicts in, actions out.
 * @module
 */
import { OAuthBearerError } from '../../errors.js';
import type { BearerToken, ExtensionsVerdict } from '../../token.js';
import type { TokenValidation } from '../../sasl/server.js';
import type { Gs2Profile } from '../../sasl/gs2.js';

/** Options of {@link createBrokerSession}. */
export interface BrokerSessionOptions {
  /** Enabled SASL mechanisms (`sasl.enabled.mechanisms`), default `['OAUTHBEARER']`; only OAUTHBEARER authenticates. */
  readonly mechanisms?: readonly string[];
  /** `connections.max.reauth.ms` (null or ≤ 0: none). */
  readonly maxReauthMs?: number | null;
  /** `sasl.server.max.receive.size`, default 524288. */
  readonly maxReceiveBytes?: number;
  /** `connections.max.idle.ms`, default 600000 (Kafka's broker default). */
  readonly idleTimeoutMs?: number;
  /** GS2 grammar, default `kafka`. */
  readonly profile?: Gs2Profile;
  /** The one broker Metadata answers with. */
  readonly broker: { readonly nodeId: number; readonly host: string; readonly port: number; readonly rack?: string | null; readonly clusterId?: string | null };
}

/** What the broker machine asks of its driver, in order. */
export type BrokerAction =
  /** Write these bytes (already framed). */
  | { readonly type: 'send'; readonly bytes: Uint8Array }
  /** Validate the token, then call `tokenValidated`. */
  | { readonly type: 'validate'; readonly token: string; readonly authzid: string | null; readonly extensions: ReadonlyMap<string, string>; readonly reauthentication: boolean }
  /** Check the extensions, then call `extensionsChecked`. */
  | { readonly type: 'check-extensions'; readonly token: BearerToken; readonly extensions: ReadonlyMap<string, string> }
  /** The connection authenticated (or re-authenticated). */
  | {
      readonly type: 'authenticated';
      readonly principal: string;
      readonly token: BearerToken;
      readonly extensions: ReadonlyMap<string, string>;
      readonly sessionLifetimeMs: number;
      readonly reauthentication: boolean;
      readonly clientSoftware: { readonly name: string; readonly version: string } | null;
    }
  /** The exchange failed; `error.cause` keeps the validator's own error. */
  | {
      readonly type: 'authentication-failed';
      readonly error: OAuthBearerError;
      /** What the broker sent, or null when it closes without a response. */
      readonly kafkaErrorCode: number | null;
      readonly kafkaErrorMessage: string | null;
      readonly reauthentication: boolean;
    }
  /** A request arrived (for logs). */
  | { readonly type: 'request'; readonly apiKey: number; readonly apiVersion: number; readonly correlationId: number; readonly clientId: string | null }
  /** Flush the earlier sends, then close; nothing more follows. */
  | { readonly type: 'close'; readonly reason: OAuthBearerError };

/** One connection's broker side; see {@link createBrokerSession}. */
export interface BrokerSession {
  /** Bytes from the client, in any split. */
  receive(bytes: Uint8Array, nowMs: number): void;
  /** The answer to a `validate` action. */
  tokenValidated(result: TokenValidation, nowMs: number): void;
  /** The answer to a `check-extensions` action. */
  extensionsChecked(verdict: ExtensionsVerdict | { readonly error: unknown }, nowMs: number): void;
  /** Time has reached `pollTimeout()`. */
  handleTimeout(nowMs: number): void;
  /** The next action, or null; drain after every call. */
  poll(): BrokerAction | null;
  /** Absolute ms at which `handleTimeout` must be called, or null. */
  pollTimeout(): number | null;
  /** Where the connection stands. */
  readonly state: BrokerSessionState;
}

/** The broker machine's states. */
export type BrokerSessionState = 'initial' | 'handshaken' | 'authenticating' | 'authenticated' | 'closed';

/**
 * Creates the broker side of one connection, opened at `nowMs`.
 * @throws OAuthBearerError `ERR_USAGE_ARGUMENT` for a bad option
 */
export function createBrokerSession(options: BrokerSessionOptions, nowMs = 0): BrokerSession {
  void options; void nowMs;
  throw new OAuthBearerError('ERR_USAGE_STATE', 'createBrokerSession: not implemented yet');
}
