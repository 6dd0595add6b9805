/**
 * Tokens for librdkafka's JavaScript bindings from Kafka client properties, so their users get what librdkafka's
 * own OIDC method lacks (client assertions for client_credentials, Kafka's JAAS settings, a token file) from one
 * refreshing token ({@link kafkaTokenSource}):
 * - node-rdkafka 3.x exposes only `setOauthBearerToken(value)` (src/connection.cc NodeSetToken: no lifetime, no
 *   principal, no extensions; the expiry is set to the far future, so librdkafka never asks for a refresh).
 *   {@link RdkafkaOauthBearer.attach} sets the first token before the client connects and every refreshed one
 *   after; librdkafka sends the latest at each (re-)authentication.
 * - @confluentinc/kafka-javascript takes `oauthbearer_token_refresh_cb(oauthbearer_config)` resolving to
 *   `{ tokenValue, lifetime, principal, extensions }` (lifetime in epoch ms), which librdkafka calls at 80% of the
 *   lifetime: {@link RdkafkaOauthBearer.refreshCallback}.
 * @module oauthbearer/rdkafka
 */
import type { KafkaProps } from '../../kafka/properties.js';
import { kafkaTokenSource, type KafkaTokenSource, type KafkaTokenSourceOptions } from './source.js';

/**
 * A node-rdkafka client: Producer and KafkaConsumer have `setOauthBearerToken`, AdminClient `refreshOauthBearerToken`.
 * @category Kafka client providers
 */
export type RdkafkaClient = { setOauthBearerToken(value: string): unknown } | { refreshOauthBearerToken(value: string): unknown };

/**
 * What @confluentinc/kafka-javascript's `oauthbearer_token_refresh_cb` resolves to.
 * @category Kafka client providers
 */
export interface RdkafkaRefreshedToken {
  readonly tokenValue: string;
  /** The token's expiry, epoch milliseconds. */
  readonly lifetime: number;
  readonly principal: string;
  readonly extensions: Record<string, string>;
}

/**
 * Tokens for a librdkafka client.
 * @category Kafka client providers
 */
export interface RdkafkaOauthBearer {
  /**
   * node-rdkafka: waits for the first token and sets it on `client` (call before `connect()`), then sets each
   * refreshed token until {@link RdkafkaOauthBearer.stop}. Resolves with the client, so `connect()` can follow.
   * @throws OAuthBearerError `ERR_TOKEN_PROVIDER` when the first token cannot be had (its `cause` says why);
   *   librdkafka's own refusal of a token (an Error from the binding)
   */
  attach<C extends RdkafkaClient>(client: C): Promise<C>;
  /** @confluentinc/kafka-javascript's `oauthbearer_token_refresh_cb`. */
  readonly refreshCallback: (oauthbearerConfig?: string) => Promise<RdkafkaRefreshedToken>;
  /** The token source behind it. */
  readonly source: KafkaTokenSource;
  /** Stops refreshing. */
  stop(): Promise<void>;
}

function setToken(client: RdkafkaClient, value: string): void {
  if ('setOauthBearerToken' in client) client.setOauthBearerToken(value);
  else client.refreshOauthBearerToken(value);
}

/**
 * Tokens for node-rdkafka or @confluentinc/kafka-javascript from Kafka client properties (text, a Map or a plain
 * object, `sasl.jaas.config` included). The client itself needs `sasl.mechanisms=OAUTHBEARER` and no
 * `sasl.oauthbearer.method=oidc`.
 * @throws OAuthBearerError `ERR_CONFIG`, `ERR_JAAS_CONFIG`, `ERR_URL_NOT_ALLOWED` for settings Kafka refuses
 * @example
 * ```ts
 * const producer = new Kafka.Producer({ 'metadata.broker.list': broker, 'security.protocol': 'sasl_plaintext', 'sasl.mechanisms': 'OAUTHBEARER' });
 * (await rdkafkaOauthBearer(props).attach(producer)).connect();
 * ```
 * @category Kafka client providers
 */
export function rdkafkaOauthBearer(props: KafkaProps, options: KafkaTokenSourceOptions = {}): RdkafkaOauthBearer {
  const source = kafkaTokenSource(props, options);
  return {
    source,
    async attach(client) {
      const { token } = await source.current();
      setToken(client, token.value);
      source.onToken(({ token: next }) => {
        try {
          setToken(client, next.value);
        } catch {
          // A client that has been disconnected refuses the token; its next connection would need a new client.
        }
      });
      return client;
    },
    async refreshCallback() {
      const { token, extensions } = await source.current();
      return { tokenValue: token.value, lifetime: token.lifetimeMs, principal: token.principal, extensions: Object.fromEntries(extensions) };
    },
    stop: () => source.stop(),
  };
}
