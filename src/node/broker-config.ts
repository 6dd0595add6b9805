/**
 * `oauthbearer serve --config broker.properties`: Kafka's broker property names (KafkaConfig, BrokerSecurityConfigs,
 * SaslConfigs, KIP-768) read into the options of the socket driver, with Kafka's defaults and its listener-prefixed
 * overrides (`listener.name.<listener>.` and `listener.name.<listener>.oauthbearer.`).
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import { parseJaasConfig } from '../kafka/jaas.js';
import { configInt, configList, configLong, configString, kafkaSaslConfig, type KafkaProps } from '../kafka/properties.js';
import { unsecuredValidator } from '../kafka/unsecured.js';
import { createJwtValidator } from '../jose/validator.js';
import type { TokenValidator } from '../token.js';
import { nodeCryptoPort } from './crypto.js';
import { tlsHttp } from './http.js';
import { jwksFile, remoteJwks } from './jwks.js';
import { loadTlsMaterial, sslClientAuth, type SslClientAuth, type TlsMaterial } from './net/tls.js';
import { ALLOWED_URLS_PROPERTY, checkUrlAllowed, parseAllowedUrls } from '../oauth/urls.js';

/** The broker property names read here that {@link kafkaSaslConfig} does not. */
export const BROKER_CONFIG = {
  listeners: 'listeners',
  advertisedListeners: 'advertised.listeners',
  securityProtocolMap: 'listener.security.protocol.map',
  enabledMechanisms: 'sasl.enabled.mechanisms',
  serverCallbackHandlerClass: 'sasl.server.callback.handler.class',
  jaasConfig: 'sasl.jaas.config',
  connectionsMaxIdleMs: 'connections.max.idle.ms',
  serverMaxReceiveSize: 'sasl.server.max.receive.size',
  nodeId: 'node.id',
  brokerId: 'broker.id',
  clusterId: 'cluster.id',
  rack: 'broker.rack',
} as const;

/** Kafka's validator handlers (`sasl.server.callback.handler.class` for OAUTHBEARER). */
export const VALIDATOR_HANDLERS = {
  jwt: ['org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
    'org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerValidatorCallbackHandler'],
  unsecured: ['org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredValidatorCallbackHandler'],
} as const;

/** Kafka's broker defaults (KafkaConfig / BrokerSecurityConfigs). */
export const BROKER_DEFAULTS = {
  host: '127.0.0.1',
  port: 9092,
  connectionsMaxIdleMs: 600_000,
  serverMaxReceiveSize: 524_288,
} as const;

/** The listener serve binds. */
export interface ListenerConfig {
  /** The listener name, upper case (`SASL_PLAINTEXT` when unnamed). */
  readonly name: string;
  readonly securityProtocol: 'SASL_PLAINTEXT' | 'SASL_SSL';
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
}

/** How tokens are validated: Kafka's default unsecured handler, or the KIP-768 JWT handler. */
export type ValidatorConfig =
  | { readonly kind: 'unsecured'; readonly options: ReadonlyMap<string, string> }
  | {
    readonly kind: 'jwt';
    readonly jwksUrl: string;
    readonly refreshMs: number;
    readonly retryBackoffMs: number;
    readonly retryBackoffMaxMs: number;
    readonly audience: readonly string[] | null;
    readonly issuer: string | null;
    readonly subClaimName: string;
    readonly scopeClaimName: string;
    readonly clockSkewSeconds: number;
    /** JAAS options, whose `ssl.*` settings configure the JWKS client's TLS (Kafka's JaasOptionsUtils). */
    readonly jaasOptions: ReadonlyMap<string, string>;
  };

/** Everything serve needs, parsed; files not yet read. */
export interface BrokerConfig {
  readonly listener: ListenerConfig;
  /** The host and port Metadata names, from `advertised.listeners` (null: the bound address). */
  readonly advertised: { readonly host: string; readonly port: number } | null;
  readonly mechanisms: readonly string[];
  /** `connections.max.reauth.ms`; null when 0 or less (no limit). */
  readonly maxReauthMs: number | null;
  readonly idleTimeoutMs: number;
  readonly maxReceiveBytes: number;
  readonly validator: ValidatorConfig;
  readonly clientAuth: SslClientAuth;
  readonly nodeId: number;
  readonly clusterId: string | null;
  readonly rack: string | null;
  /** The effective properties (listener overrides applied), for the TLS settings. */
  readonly props: ReadonlyMap<string, string>;
  /** Notes for the operator: settings Kafka would treat differently from what one might expect. */
  readonly warnings: readonly string[];
}

function configError(name: string, problem: string): never {
  throw new OAuthBearerError('ERR_CONFIG', `Invalid value for configuration ${name}: ${problem}`);
}

/** `HOST:PORT`, `[v6]:PORT` or `:PORT`; port 0..65535. */
export function parseHostPort(text: string, what: string): { host: string; port: number } {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  if (m === null) configError(what, `"${text}" is not HOST:PORT`);
  const port = Number(m[3]);
  if (port > 65_535) configError(what, `port ${port} is above 65535`);
  return { host: m[1] ?? m[2]!, port };
}

/** One `NAME://HOST:PORT` item of `listeners` (KafkaConfig: the scheme is the listener name). */
function parseListener(item: string, protocolMap: ReadonlyMap<string, string>, what: string): ListenerConfig {
  const m = /^([A-Za-z0-9_-]+):\/\/(.*)$/.exec(item.trim());
  if (m === null) configError(what, `"${item}" is not NAME://HOST:PORT`);
  const name = m[1]!.toUpperCase();
  const protocol = protocolMap.get(name) ?? name;
  if (protocol !== 'SASL_PLAINTEXT' && protocol !== 'SASL_SSL') {
    configError(what, `listener ${name} uses security protocol ${protocol}; serve speaks SASL: use SASL_PLAINTEXT or SASL_SSL`);
  }
  const { host, port } = parseHostPort(m[2]!, what);
  // KafkaConfig: an empty host binds every interface.
  return { name, securityProtocol: protocol, host: host === '' ? '0.0.0.0' : host, port };
}

function protocolMap(props: KafkaProps): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of configList(props, BROKER_CONFIG.securityProtocolMap, []) ?? []) {
    const [name, protocol] = entry.split(':');
    if (name === undefined || protocol === undefined || name === '') configError(BROKER_CONFIG.securityProtocolMap, `"${entry}" is not NAME:PROTOCOL`);
    map.set(name.toUpperCase(), protocol.toUpperCase());
  }
  return map;
}

/** The properties with `listener.name.<l>.` and `listener.name.<l>.oauthbearer.` overrides applied (the latter wins). */
function effectiveProps(props: ReadonlyMap<string, string>, listenerName: string): Map<string, string> {
  const out = new Map<string, string>();
  const listenerPrefix = `listener.name.${listenerName.toLowerCase()}.`;
  const mechanismPrefix = `${listenerPrefix}oauthbearer.`;
  for (const [k, v] of props) if (!k.startsWith('listener.name.')) out.set(k, v);
  for (const [k, v] of props) if (k.startsWith(listenerPrefix) && !k.startsWith(mechanismPrefix)) out.set(k.slice(listenerPrefix.length), v);
  for (const [k, v] of props) if (k.startsWith(mechanismPrefix)) out.set(k.slice(mechanismPrefix.length), v);
  return out;
}

/**
 * Reads broker properties. `listen` (the `--listen` option) replaces the first listener's host and port and keeps
 * its security protocol. Without `listeners` the listener is `SASL_PLAINTEXT://127.0.0.1:9092`.
 * The validator is Kafka's: the unsecured handler unless `sasl.server.callback.handler.class` names
 * OAuthBearerValidatorCallbackHandler (then `sasl.oauthbearer.jwks.endpoint.url` is required).
 * @throws OAuthBearerError `ERR_CONFIG` / `ERR_JAAS_CONFIG` naming the first bad setting
 * @example
 * ```ts
 * const config = parseBrokerConfig(parseProperties('connections.max.reauth.ms=2000'), '127.0.0.1:0');
 * ```
 */
export function parseBrokerConfig(raw: ReadonlyMap<string, string>, listen?: string): BrokerConfig {
  const warnings: string[] = [];
  const map = protocolMap(raw);
  const listeners = configList(raw, BROKER_CONFIG.listeners, null);
  let listener: ListenerConfig = listeners === null || listeners.length === 0
    ? { name: 'SASL_PLAINTEXT', securityProtocol: 'SASL_PLAINTEXT', host: BROKER_DEFAULTS.host, port: BROKER_DEFAULTS.port }
    : parseListener(listeners[0]!, map, BROKER_CONFIG.listeners);
  if (listeners !== null && listeners.length > 1) warnings.push(`${BROKER_CONFIG.listeners} names ${listeners.length} listeners; serve binds only the first, ${listener.name}`);
  if (listen !== undefined) listener = { ...listener, ...parseHostPort(listen, '--listen') };
  const props = effectiveProps(raw, listener.name);

  const advertisedList = configList(props, BROKER_CONFIG.advertisedListeners, null);
  const advertisedItem = advertisedList?.find((l) => l.trim().toUpperCase().startsWith(`${listener.name}://`));
  const advertised = advertisedItem === undefined ? null : parseHostPort(advertisedItem.trim().slice(listener.name.length + 3), BROKER_CONFIG.advertisedListeners);

  const mechanisms = configList(props, BROKER_CONFIG.enabledMechanisms, ['OAUTHBEARER'])!;
  if (!mechanisms.includes('OAUTHBEARER')) configError(BROKER_CONFIG.enabledMechanisms, `${mechanisms.join(',')} does not enable OAUTHBEARER`);

  const sasl = kafkaSaslConfig(props);
  const idleTimeoutMs = configLong(props, BROKER_CONFIG.connectionsMaxIdleMs, BROKER_DEFAULTS.connectionsMaxIdleMs);
  const maxReceiveBytes = configInt(props, BROKER_CONFIG.serverMaxReceiveSize, BROKER_DEFAULTS.serverMaxReceiveSize, [1, 2_147_483_647]);

  const jaasText = configString(props, BROKER_CONFIG.jaasConfig, null);
  const jaasOptions = jaasText === null ? new Map<string, string>() : parseJaasConfig(jaasText).options;
  const handler = configString(props, BROKER_CONFIG.serverCallbackHandlerClass, null);
  let validator: ValidatorConfig;
  if (handler !== null && (VALIDATOR_HANDLERS.jwt as readonly string[]).includes(handler)) {
    if (sasl.jwksEndpointUrl === null) {
      configError('sasl.oauthbearer.jwks.endpoint.url', `${handler} needs the JWKS URL (https:// or file:)`);
    }
    // Kafka 4.0+ (CVE-2025-27817): the JWKS URL must be on the allow-list, a JVM system property there, a key here.
    checkUrlAllowed(sasl.jwksEndpointUrl, parseAllowedUrls(props.get(ALLOWED_URLS_PROPERTY)), 'JWKS URL (sasl.oauthbearer.jwks.endpoint.url)');
    validator = {
      kind: 'jwt', jwksUrl: sasl.jwksEndpointUrl,
      refreshMs: sasl.jwksEndpointRefreshMs, retryBackoffMs: sasl.jwksEndpointRetryBackoffMs, retryBackoffMaxMs: sasl.jwksEndpointRetryBackoffMaxMs,
      audience: sasl.expectedAudience, issuer: sasl.expectedIssuer, subClaimName: sasl.subClaimName, scopeClaimName: sasl.scopeClaimName,
      clockSkewSeconds: sasl.clockSkewSeconds, jaasOptions,
    };
  } else if (handler === null || (VALIDATOR_HANDLERS.unsecured as readonly string[]).includes(handler)) {
    if (sasl.jwksEndpointUrl !== null) {
      warnings.push(`sasl.oauthbearer.jwks.endpoint.url is set but ${BROKER_CONFIG.serverCallbackHandlerClass} is not ${VALIDATOR_HANDLERS.jwt[0]}: `
        + 'Kafka validates with its unsecured handler, and so does serve; set the handler class to check signed tokens');
    }
    validator = { kind: 'unsecured', options: jaasOptions };
  } else {
    configError(BROKER_CONFIG.serverCallbackHandlerClass, `"${handler}" is not a validator serve has; use ${VALIDATOR_HANDLERS.jwt[0]} or leave it unset (unsecured tokens)`);
  }

  const clientAuth = sslClientAuth(props);
  if (listener.securityProtocol !== 'SASL_SSL' && clientAuth !== 'none') warnings.push(`ssl.client.auth=${clientAuth} has no effect on a ${listener.securityProtocol} listener`);
  const nodeId = configInt(props, BROKER_CONFIG.nodeId, null) ?? configInt(props, BROKER_CONFIG.brokerId, 0);
  return {
    listener, advertised, mechanisms,
    maxReauthMs: sasl.connectionsMaxReauthMs > 0 ? sasl.connectionsMaxReauthMs : null,
    idleTimeoutMs, maxReceiveBytes, validator, clientAuth,
    nodeId: nodeId < 0 ? 0 : nodeId,
    clusterId: configString(props, BROKER_CONFIG.clusterId, null),
    rack: configString(props, BROKER_CONFIG.rack, null),
    props, warnings,
  };
}

/**
 * Builds the token validator the configuration names: Kafka's unsecured validator with the JAAS
 * `unsecuredValidator*` options, or the KIP-768 validator with a JWKS fetched at startup (as Kafka's broker fetches
 * it before it accepts connections). The JWKS client's TLS comes from the JAAS options' `ssl.*` (Kafka's
 * JaasOptionsUtils.createSSLSocketFactory).
 * @throws OAuthBearerError `ERR_JWKS`, `ERR_HTTP`, `ERR_FILE` when the first JWKS cannot be had; `ERR_CONFIG`
 */
export async function createConfiguredValidator(config: ValidatorConfig): Promise<{ validator: TokenValidator; close(): void; describe: string }> {
  if (config.kind === 'unsecured') {
    return { validator: unsecuredValidator(config.options), close() {}, describe: 'unsecured tokens (Kafka\'s default OAuthBearerUnsecuredValidatorCallbackHandler)' };
  }
  let close = (): void => {};
  let keys;
  if (/^file:/i.test(config.jwksUrl)) {
    keys = await jwksFile(config.jwksUrl);
  } else {
    const tls: TlsMaterial = await loadTlsMaterial(config.jaasOptions);
    let http;
    if (tls.ca !== undefined || tls.cert !== undefined) {
      const port = tlsHttp({ ...(tls.ca === undefined ? {} : { ca: tls.ca }), ...(tls.cert === undefined ? {} : { cert: tls.cert, key: tls.key! }),
        ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }) });
      http = port;
      close = () => port.close();
    }
    keys = await remoteJwks(config.jwksUrl, {
      refreshMs: config.refreshMs, retryBackoffMs: config.retryBackoffMs, retryBackoffMaxMs: config.retryBackoffMaxMs,
      ...(http === undefined ? {} : { http }),
    });
  }
  const validator = createJwtValidator({
    keys, crypto: nodeCryptoPort,
    ...(config.audience === null ? {} : { audience: config.audience }),
    ...(config.issuer === null ? {} : { issuer: config.issuer }),
    subClaimName: config.subClaimName, scopeClaimName: config.scopeClaimName, clockSkewSeconds: config.clockSkewSeconds,
  });
  return { validator, close, describe: `signed JWTs with the JWKS at ${config.jwksUrl} (Kafka's OAuthBearerValidatorCallbackHandler)` };
}
