/**
 * @platformatic/kafka's SASL OAUTHBEARER options from Kafka client properties: `token` and
 * `oauthBearerExtensions` as provider functions (its network/connection.ts `SASLOptions`; protocol/sasl/oauth-bearer
 * asks `token`, then `oauthBearerExtensions`, on every authentication and re-authentication), answered from one
 * refreshing token ({@link kafkaTokenSource}).
 * @module oauthbearer/platformatic
 */
import type { KafkaProps } from '../../kafka/properties.js';
import { kafkaTokenSource, type KafkaTokenSource, type KafkaTokenSourceOptions } from './source.js';

/**
 * The `sasl` option of @platformatic/kafka's clients, for OAUTHBEARER.
 * @category Kafka client providers
 */
export interface PlatformaticOauthBearerSasl {
  readonly mechanism: 'OAUTHBEARER';
  readonly token: () => Promise<string>;
  readonly oauthBearerExtensions: () => Promise<Record<string, string>>;
  /** The token source behind it (not enumerable: the client's option schema allows no extra keys). */
  readonly source: KafkaTokenSource;
  /** Stops refreshing (not enumerable). */
  stop(): Promise<void>;
}

/**
 * The `sasl` option for @platformatic/kafka from Kafka client properties (text, a Map or a plain object,
 * `sasl.jaas.config` included). A failure reaches the client as its AuthenticationError("The SASL/OAUTHBEARER token
 * provider threw an error.") whose `cause` is our `OAuthBearerError`, itself with the real reason as `cause`.
 * @throws OAuthBearerError `ERR_CONFIG`, `ERR_JAAS_CONFIG`, `ERR_URL_NOT_ALLOWED` for settings Kafka refuses
 * @example
 * ```ts
 * const producer = new Producer({ clientId: 'app', bootstrapBrokers, sasl: oauthBearerSasl(props) });
 * ```
 * @category Kafka client providers
 */
export function oauthBearerSasl(props: KafkaProps, options: KafkaTokenSourceOptions = {}): PlatformaticOauthBearerSasl {
  const source = kafkaTokenSource(props, options);
  const sasl = {
    mechanism: 'OAUTHBEARER' as const,
    token: async () => (await source.current()).token.value,
    oauthBearerExtensions: async () => Object.fromEntries((await source.current()).extensions),
  };
  Object.defineProperties(sasl, {
    source: { value: source, enumerable: false },
    stop: { value: () => source.stop(), enumerable: false },
  });
  return sasl as PlatformaticOauthBearerSasl;
}
