/**
 * KafkaJS 2.x's `sasl: { mechanism: 'oauthbearer', oauthBearerProvider }` from Kafka client properties (KafkaJS
 * src/broker/saslAuthenticator/oauthBearer.js calls the provider on every connection and sends `value` and
 * `extensions`). The provider answers from one refreshing token ({@link kafkaTokenSource}), so the identity
 * provider is asked on Kafka's refresh schedule, not per connection.
 * @module oauthbearer/kafkajs
 */
import type { KafkaProps } from '../../kafka/properties.js';
import { kafkaTokenSource, type KafkaTokenSource, type KafkaTokenSourceOptions } from './source.js';

/**
 * What KafkaJS's `oauthBearerProvider` resolves to (its `OauthbearerProviderResponse`).
 * @category Kafka client providers
 */
export interface KafkajsOauthBearerToken {
  readonly value: string;
  readonly extensions?: Record<string, string>;
}

/**
 * A KafkaJS `oauthBearerProvider` that also says how to stop its refreshing.
 * @category Kafka client providers
 */
export interface KafkajsOauthBearerProvider {
  (): Promise<KafkajsOauthBearerToken>;
  /** The token source behind it (ready, snapshot, onToken). */
  readonly source: KafkaTokenSource;
  /** Stops refreshing. */
  stop(): Promise<void>;
}

/**
 * A KafkaJS `oauthBearerProvider` from Kafka client properties (text, a Map or a plain object, `sasl.jaas.config`
 * included): Kafka's unsecured login or token retrieval (client_credentials with a secret or client assertion,
 * jwt-bearer, a token file), the JAAS extensions, Kafka's refresh times. A failure rejects with an
 * `OAuthBearerError` whose `cause` is the real reason; KafkaJS reports it as the connection's error.
 * @throws OAuthBearerError `ERR_CONFIG`, `ERR_JAAS_CONFIG`, `ERR_URL_NOT_ALLOWED` for settings Kafka refuses
 * @example
 * ```ts
 * const kafka = new Kafka({ brokers, sasl: { mechanism: 'oauthbearer', oauthBearerProvider: oauthBearerProvider(props) } });
 * ```
 * @category Kafka client providers
 */
export function oauthBearerProvider(props: KafkaProps, options: KafkaTokenSourceOptions = {}): KafkajsOauthBearerProvider {
  const source = kafkaTokenSource(props, options);
  const provider = async (): Promise<KafkajsOauthBearerToken> => {
    const { token, extensions } = await source.current();
    return extensions.size === 0 ? { value: token.value } : { value: token.value, extensions: Object.fromEntries(extensions) };
  };
  return Object.assign(provider, { source, stop: () => source.stop() });
}
