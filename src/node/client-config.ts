/**
 * `oauthbearer connect --config client.properties`: Kafka's client property names (CommonClientConfigs,
 * SaslConfigs, SslConfigs) read into a token source and the socket driver's options. The login is Kafka's: the
 * unsecured login handler (`unsecuredLogin*` JAAS options) unless `sasl.login.callback.handler.class` names
 * OAuthBearerLoginCallbackHandler, which retrieves tokens from the token endpoint (KIP-768, KIP-1139, KIP-1258).
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import { parseJaasConfig } from '../kafka/jaas.js';
import { configInt, configString, kafkaSaslConfig } from '../kafka/properties.js';
import { refreshConfig } from '../kafka/refresh.js';
import type { RefreshConfig } from '../kafka/refresh.js';
import { createUnsecuredToken, unsecuredLoginExtensions } from '../kafka/unsecured.js';
import { validateClientJwt } from '../jose/claims.js';
import type { BearerToken } from '../token.js';
import { kafkaTokenRetriever } from './token-retriever.js';

/** Kafka's client property names read here. */
export const CLIENT_CONFIG = {
  securityProtocol: 'security.protocol',
  saslMechanism: 'sasl.mechanism',
  jaasConfig: 'sasl.jaas.config',
  loginCallbackHandlerClass: 'sasl.login.callback.handler.class',
  clientId: 'client.id',
  requestTimeoutMs: 'request.timeout.ms',
} as const;

/** Kafka's login handlers (`sasl.login.callback.handler.class`) for OAUTHBEARER. */
export const LOGIN_HANDLERS = {
  oauth: ['org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
    'org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler'],
  unsecured: ['org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredLoginCallbackHandler'],
} as const;

/** A token and the SASL extensions to send with it. */
export interface LoginToken {
  readonly token: BearerToken;
  readonly extensions: ReadonlyMap<string, string>;
}

/** A client configuration, parsed. */
export interface ClientConfig {
  readonly securityProtocol: 'SASL_PLAINTEXT' | 'SASL_SSL';
  /** `unsecured`: Kafka's default login handler; `oauth`: the token endpoint. */
  readonly login: 'unsecured' | 'oauth';
  /** Gets a token the way the configured login handler does. */
  readonly fetchToken: () => Promise<BearerToken>;
  /** The SASL extensions the login sends (KIP-342). */
  readonly extensions: ReadonlyMap<string, string>;
  readonly refresh: RefreshConfig;
  readonly clientId: string;
  readonly requestTimeoutMs: number;
  /** The client properties, for the `ssl.*` settings. */
  readonly props: ReadonlyMap<string, string>;
  readonly warnings: readonly string[];
}

function configError(name: string, problem: string): never {
  throw new OAuthBearerError('ERR_CONFIG', `Invalid value for configuration ${name}: ${problem}`);
}

/**
 * Reads client properties. `security.protocol` must be SASL_PLAINTEXT or SASL_SSL and `sasl.mechanism` OAUTHBEARER
 * (Kafka's defaults, PLAINTEXT and GSSAPI, have no OAUTHBEARER exchange to show).
 * @throws OAuthBearerError `ERR_CONFIG`, `ERR_JAAS_CONFIG`, `ERR_URL_NOT_ALLOWED` naming the setting
 * @example
 * ```ts
 * const config = parseClientConfig(parseProperties('security.protocol=SASL_PLAINTEXT\nsasl.mechanism=OAUTHBEARER\n'
 *   + 'sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="alice";'));
 * ```
 */
export function parseClientConfig(props: ReadonlyMap<string, string>): ClientConfig {
  const warnings: string[] = [];
  const protocol = (configString(props, CLIENT_CONFIG.securityProtocol, 'PLAINTEXT')).toUpperCase();
  if (protocol !== 'SASL_PLAINTEXT' && protocol !== 'SASL_SSL') {
    configError(CLIENT_CONFIG.securityProtocol, `${protocol} has no SASL; set security.protocol=SASL_PLAINTEXT or SASL_SSL`);
  }
  const mechanism = configString(props, CLIENT_CONFIG.saslMechanism, 'GSSAPI');
  if (mechanism !== 'OAUTHBEARER') configError(CLIENT_CONFIG.saslMechanism, `${mechanism}; set sasl.mechanism=OAUTHBEARER`);
  const jaasText = configString(props, CLIENT_CONFIG.jaasConfig, null);
  if (jaasText === null) {
    configError(CLIENT_CONFIG.jaasConfig, 'missing; write org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required <options>;');
  }
  const jaas = parseJaasConfig(jaasText);
  if (!jaas.loginModule.endsWith('OAuthBearerLoginModule')) {
    configError(CLIENT_CONFIG.jaasConfig, `login module ${jaas.loginModule} is not org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule`);
  }
  const handler = configString(props, CLIENT_CONFIG.loginCallbackHandlerClass, null);
  const sasl = kafkaSaslConfig(props);
  let login: ClientConfig['login'];
  let fetchToken: () => Promise<BearerToken>;
  let extensions: ReadonlyMap<string, string>;
  if (handler !== null && (LOGIN_HANDLERS.oauth as readonly string[]).includes(handler)) {
    login = 'oauth';
    const retrieve = kafkaTokenRetriever(props, jaas.options);
    extensions = new Map([...jaas.options].filter(([k]) => k.startsWith('extension_')).map(([k, v]) => [k.slice('extension_'.length), v]));
    // Kafka's client checks what the endpoint sent (LoginAccessTokenValidator / ClientJwtValidator) before using it.
    fetchToken = async () => validateClientJwt((await retrieve()).accessToken, { subClaimName: sasl.subClaimName, scopeClaimName: sasl.scopeClaimName });
  } else if (handler === null || (LOGIN_HANDLERS.unsecured as readonly string[]).includes(handler)) {
    login = 'unsecured';
    if (sasl.tokenEndpointUrl !== null) {
      warnings.push(`sasl.oauthbearer.token.endpoint.url is set but ${CLIENT_CONFIG.loginCallbackHandlerClass} is not ${LOGIN_HANDLERS.oauth[0]}: `
        + 'Kafka logs in with its unsecured handler, and so does connect');
    }
    const options = jaas.options;
    extensions = unsecuredLoginExtensions(options);
    // Fail at startup on options that make no token, as Kafka's login module does.
    createUnsecuredToken(options, Date.now());
    fetchToken = async () => createUnsecuredToken(options, Date.now());
  } else {
    configError(CLIENT_CONFIG.loginCallbackHandlerClass, `"${handler}" is not a login handler connect has; use ${LOGIN_HANDLERS.oauth[0]} or leave it unset (unsecured tokens)`);
  }
  return {
    securityProtocol: protocol, login, fetchToken, extensions,
    refresh: refreshConfig(props),
    clientId: configString(props, CLIENT_CONFIG.clientId, 'oauthbearer-connect'),
    requestTimeoutMs: configInt(props, CLIENT_CONFIG.requestTimeoutMs, 30_000, [0, 2_147_483_647]),
    props, warnings,
  };
}
