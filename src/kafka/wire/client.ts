/**
 * The client's side of one Kafka connection until and while it is authenticated, as Kafka's
 * SaslClientAuthenticator has it (ApiVersions, SaslHandshake v1, SaslAuthenticate, KIP-368 re-authentication),
 * as a synchronous, I/O-free machine.
 * @module
 */
import { OAuthBearerError } from '../../errors.js';
import type { MetadataResponse } from './messages.js';

/** Options of {@link createClientSession}. */
export interface ClientSessionOptions {
  /** Request header client id, default `oauthbearer`. */
  readonly clientId?: string | null;
  /** ApiVersions v3 `clientSoftwareName`, default `oauthbearer`. */
  readonly softwareName?: string;
  /** ApiVersions v3 `clientSoftwareVersion`. */
  readonly softwareVersion?: string;
  /** The authzid to send, or null (default). */
  readonly authzid?: string | null;
  /** Uniform [0, 1) draw for KIP-368 re-authentication timing. */
  readonly random: () => number;
  /** `request.timeout.ms`, default 30000. */
  readonly requestTimeoutMs?: number;
}

/** What the client machine asks of its driver, in order. */
export type ClientAction =
  | { readonly type: 'send'; readonly bytes: Uint8Array }
  | { readonly type: 'need-token'; readonly reauthentication: boolean }
  | {
      readonly type: 'authenticated';
      readonly sessionLifetimeMs: number;
      readonly reauthAtMs: number | null;
      readonly reauthentication: boolean;
      readonly apiVersions: ReadonlyArray<{ readonly apiKey: number; readonly minVersion: number; readonly maxVersion: number }>;
    }
  | { readonly type: 'metadata'; readonly body: MetadataResponse }
  /** The broker refused; `error` carries the broker's errorMessage; the connection is over. */
  | { readonly type: 'failed'; readonly error: OAuthBearerError }
  | { readonly type: 'close'; readonly reason: OAuthBearerError };

/** The token a `need-token` action asks for. */
export type ProvidedToken = { readonly value: string; readonly extensions?: ReadonlyMap<string, string> } | { readonly error: unknown };

/** One connection's client side; see {@link createClientSession}. */
export interface ClientSession {
  /** Sends ApiVersions. */
  start(nowMs: number): void;
  /** Bytes from the broker, in any split. */
  receive(bytes: Uint8Array, nowMs: number): void;
  /** The answer to `need-token`. */
  tokenProvided(token: ProvidedToken, nowMs: number): void;
  /** Asks for metadata, once authenticated; null or absent topics: all. */
  requestMetadata(nowMs: number, topics?: readonly string[] | null): void;
  /** Time has reached `pollTimeout()`; re-authenticates when KIP-368 says so. */
  handleTimeout(nowMs: number): void;
  poll(): ClientAction | null;
  pollTimeout(): number | null;
  readonly state: ClientSessionState;
}

/** The client machine's states. */
export type ClientSessionState = 'initial' | 'api-versions' | 'handshake' | 'need-token' | 'authenticating' | 'authenticated' | 'closed';

/**
 * Creates the client side of one connection.
 * @throws OAuthBearerError `ERR_USAGE_ARGUMENT` for a bad option
 */
export function createClientSession(options: ClientSessionOptions): ClientSession {
  void options;
  throw new OAuthBearerError('ERR_USAGE_STATE', 'createClientSession: not implemented yet');
}
