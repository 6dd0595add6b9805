/**
 * One refreshing token from Kafka client properties, shared by the KafkaJS, @platformatic/kafka and librdkafka
 * providers: the login Kafka's client would run (OAuthBearerLoginModule with the unsecured login callback handler,
 * or OAuthBearerLoginCallbackHandler retrieving from `sasl.oauthbearer.token.endpoint.url`), its SASL extensions
 * (JAAS `unsecuredLoginExtension_*` or `extension_*`, KIP-342), Kafka's refresh times (`sasl.login.refresh.*`), and
 * the last good token kept through an identity-provider outage. It lives in `node/` because it runs timers, HTTP and
 * file reads; the clients it serves run only on Node.
 * @module
 */
import { OAuthBearerError } from '../../errors.js';
import { systemClock, type Clock, type HttpPort } from '../../ports.js';
import type { BearerToken } from '../../token.js';
import type { HolderSnapshot } from '../../kafka/holder.js';
import { propertyMap, type KafkaProps } from '../../kafka/properties.js';
import { refreshConfig } from '../../kafka/refresh.js';
import { createUnsecuredToken } from '../../kafka/unsecured.js';
import { checkExtension } from '../../sasl/gs2.js';
import { validateClientJwt } from '../../jose/claims.js';
import { jaasOptions, KAFKA } from '../../oauth/config.js';
import { javaTrim } from '../../kafka/java.js';
import { startTokenHolder, type RunningTokenHolder } from '../holder.js';
import { kafkaTokenRetriever } from '../token-retriever.js';
import type { TokenResponse } from '../../oauth/response.js';

/**
 * Kafka's login callback handler classes (`sasl.login.callback.handler.class`).
 * @category Kafka client providers
 */
export const LOGIN_CALLBACK_HANDLERS = {
  unsecured: 'org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredLoginCallbackHandler',
  retrieving: 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
  /** The pre-3.4 name of the retrieving handler, still accepted by Kafka. */
  retrievingLegacy: 'org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler',
} as const;

/**
 * Options of {@link kafkaTokenSource}.
 * @category Kafka client providers
 */
export interface KafkaTokenSourceOptions {
  /** Kafka's `org.apache.kafka.sasl.oauthbearer.allowed.urls` (also read from the properties). */
  readonly allowedUrls?: string;
  /** Kafka's `org.apache.kafka.sasl.oauthbearer.allowed.files` (also read from the properties). */
  readonly allowedFiles?: string;
  /** The HTTP port for the token endpoint: `tlsHttp({ ca, cert, key })` for a private CA or mutual TLS. */
  readonly http?: HttpPort;
  /** The clock for expiry checks; the system clock by default. */
  readonly clock?: Clock;
  /**
   * Retrieves tokens in place of the one Kafka's settings describe, for what Kafka has no setting for (RFC 8705
   * `tls_client_auth`, say: `createTokenRetriever({ clientAuth: tlsClientAuth(id), ... }, nodeRetrieverPorts({ http }))`).
   * The tokens are still checked as Kafka's client checks them, refreshed on Kafka's schedule, sent with the JAAS
   * `extension_*` options. Implies the retrieving login; `sasl.oauthbearer.token.endpoint.url` is then not needed.
   */
  readonly retrieve?: () => Promise<TokenResponse>;
}

/**
 * A token to send now and the SASL extensions that go with it.
 * @category Kafka client providers
 */
export interface CurrentToken {
  readonly token: BearerToken;
  readonly extensions: ReadonlyMap<string, string>;
}

/**
 * A running token source.
 * @category Kafka client providers
 */
export interface KafkaTokenSource {
  /** How the token is made: Kafka's unsecured login, or retrieval from the token endpoint. */
  readonly method: 'unsecured' | 'retrieve';
  /** The SASL extensions sent with every token (checked once, at creation). */
  readonly extensions: ReadonlyMap<string, string>;
  /** Resolves once the first token is in; rejects with the first fetch's own error (retries continue every 10 s). */
  readonly ready: Promise<void>;
  /**
   * The token to send now. Waits for the first fetch; then answers at once with the held token while it is unexpired,
   * even when refreshes are failing (Kafka keeps its last credential through an outage).
   * @throws OAuthBearerError `ERR_TOKEN_PROVIDER` when there is no unexpired token, with the fetch's error as
   *   `cause` and its message quoted; after {@link KafkaTokenSource.stop}, `ERR_USAGE_STATE`
   */
  current(): Promise<CurrentToken>;
  /** Calls `listener` with each new token the holder takes in; returns the unsubscribe function. */
  onToken(listener: (current: CurrentToken) => void): () => void;
  /** The holder's state for logs and metrics; never the token value. */
  snapshot(): HolderSnapshot;
  /** Stops refreshing. */
  stop(): Promise<void>;
}

function describeError(error: unknown): string {
  if (error instanceof OAuthBearerError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** The extensions, checked as Kafka's login does, each error naming the JAAS option it came from. */
function loginExtensions(jaas: ReadonlyMap<string, string>, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of jaas) {
    if (!name.startsWith(prefix)) continue;
    const key = name.slice(prefix.length);
    try {
      checkExtension(key, value);
    } catch (cause) {
      throw new OAuthBearerError('ERR_CONFIG', `The JAAS option ${name} in sasl.jaas.config is not a valid SASL extension: ${(cause as Error).message}`, { cause });
    }
    out.set(key, value);
  }
  return out;
}

/** Which login Kafka's client runs for these settings. */
function loginMethod(props: ReadonlyMap<string, string>): 'unsecured' | 'retrieve' {
  const handler = props.get('sasl.login.callback.handler.class');
  const name = handler === undefined ? undefined : javaTrim(handler);
  if (name === LOGIN_CALLBACK_HANDLERS.retrieving || name === LOGIN_CALLBACK_HANDLERS.retrievingLegacy) return 'retrieve';
  if (name !== undefined && name !== '' && name !== LOGIN_CALLBACK_HANDLERS.unsecured) {
    throw new OAuthBearerError('ERR_CONFIG',
      `Invalid value for configuration sasl.login.callback.handler.class: ${name.slice(0, 120)} is not one of Kafka's OAUTHBEARER login handlers (${Object.values(LOGIN_CALLBACK_HANDLERS).join(', ')})`);
  }
  // Kafka would run the unsecured handler here and fail for want of unsecuredLogin* options; a token endpoint URL
  // says what the user meant, so it selects retrieval without the handler class.
  if (name === undefined && props.has(KAFKA.tokenEndpointUrl)) return 'retrieve';
  return 'unsecured';
}

/**
 * Starts one refreshing token from Kafka client properties (text, a Map or a plain object, `sasl.jaas.config`
 * included). With `sasl.oauthbearer.token.endpoint.url` (or Kafka's retrieving login handler class) it retrieves
 * tokens as Kafka 4.1's client does: client_credentials with a secret or a client assertion (KIP-1258), the
 * jwt-bearer grant (KIP-1139), or a `file:` token, each checked as `ClientJwtValidator` checks it
 * (`sasl.oauthbearer.sub.claim.name`, `.scope.claim.name`). Without one it makes Kafka's unsecured token from the
 * `unsecuredLogin*` options. Settings are checked at once; the first fetch starts at once.
 * @throws OAuthBearerError `ERR_CONFIG`, `ERR_JAAS_CONFIG`, `ERR_URL_NOT_ALLOWED` for settings Kafka refuses
 * @example
 * ```ts
 * const source = kafkaTokenSource('sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="alice";');
 * const { token, extensions } = await source.current();
 * ```
 * @category Kafka client providers
 */
export function kafkaTokenSource(input: KafkaProps, options: KafkaTokenSourceOptions = {}): KafkaTokenSource {
  const props = propertyMap(input);
  const jaas = jaasOptions(props);
  const refresh = refreshConfig(props);
  const clock = options.clock ?? systemClock;
  const method = options.retrieve === undefined ? loginMethod(props) : 'retrieve';
  let extensions: ReadonlyMap<string, string>;
  let provider: () => Promise<BearerToken>;
  if (method === 'unsecured') {
    // Fail now, as Kafka's login would, rather than on the first connection: make one token to check the options.
    const probe = createUnsecuredToken(jaas, clock.nowMs());
    extensions = probe.extensions;
    provider = async () => createUnsecuredToken(jaas, clock.nowMs());
  } else {
    extensions = loginExtensions(jaas, 'extension_');
    const retrieve = options.retrieve ?? kafkaTokenRetriever(props, jaas, {
      ...(options.allowedUrls === undefined ? {} : { allowedUrls: options.allowedUrls }),
      ...(options.allowedFiles === undefined ? {} : { allowedFiles: options.allowedFiles }),
      ...(options.http === undefined ? {} : { ports: { http: options.http } }),
    });
    const subClaimName = javaTrim(props.get('sasl.oauthbearer.sub.claim.name') ?? 'sub');
    const scopeClaimName = javaTrim(props.get('sasl.oauthbearer.scope.claim.name') ?? 'scope');
    provider = async () => validateClientJwt((await retrieve()).accessToken, { subClaimName, scopeClaimName });
  }
  const listeners = new Set<(current: CurrentToken) => void>();
  let last: BearerToken | null = null;
  let running: RunningTokenHolder | null = null;
  running = startTokenHolder(provider, refresh, {
    onFetched: () => {
      const token = running?.holder.token ?? null;
      if (token === null || token === last) return;
      last = token;
      for (const listener of listeners) listener({ token, extensions });
    },
  });
  const holder = running;
  let stopped = false;
  return {
    method,
    extensions,
    ready: holder.ready,
    async current() {
      if (stopped) throw new OAuthBearerError('ERR_USAGE_STATE', 'This token source was stopped; create a new one');
      await holder.ready.catch(() => undefined);
      const token = holder.holder.token;
      const nowMs = clock.nowMs();
      if (token !== null && token.lifetimeMs > nowMs) return { token, extensions };
      const cause = holder.lastError;
      const why = cause === null ? '' : `: ${describeError(cause)}`;
      throw new OAuthBearerError('ERR_TOKEN_PROVIDER', token === null
        ? `No SASL/OAUTHBEARER token yet; the ${method === 'retrieve' ? 'token retrieval' : 'unsecured login'} failed${why} (retried every 10 s)`
        : `The SASL/OAUTHBEARER token expired at ${new Date(token.lifetimeMs).toISOString()} and no new one has arrived${why} (retried every 10 s)`,
      cause === null ? {} : { cause });
    },
    onToken(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    snapshot: () => holder.holder.snapshot(),
    async stop() {
      stopped = true;
      listeners.clear();
      await holder.stop();
    },
  };
}
