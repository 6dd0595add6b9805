/**
 * Kafka's token-retrieval settings (SaslConfigs, KIP-768, KIP-1139, KIP-1258; `ClientCredentialsJwtRetriever`,
 * `JwtBearerJwtRetriever`, `DefaultJwtRetriever`, `FileJwtRetriever`) read from an already parsed property map and
 * the login module's JAAS options (parsers live in src/kafka/). Values are parsed as Kafka's `ConfigDef` parses
 * them (trimmed; booleans `true`/`false` in any case; integers as `Integer.parseInt`). Config wins over the
 * deprecated JAAS options `clientId`, `clientSecret`, `scope`.
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import type { JwsAlgorithm } from '../ports.js';
import { ASSERTION_ALGORITHMS } from './assertion.js';
import { GRANT_TYPE_CLIENT_CREDENTIALS, GRANT_TYPE_JWT_BEARER, type GrantType } from './request.js';
import { DEFAULT_RETRY_BACKOFF_MAX_MS, DEFAULT_RETRY_BACKOFF_MS, type RetryConfig } from './retry.js';
import { ALLOWED_FILES_PROPERTY, ALLOWED_URLS_PROPERTY, parseAllowedUrls, type AllowedUrls } from './urls.js';
import { javaTrim, parseJavaInt, parseJavaLong } from '../kafka/java.js';
import { configBoolean, propertyMap, type KafkaProps } from '../kafka/properties.js';
import { parseJaasConfig } from '../kafka/jaas.js';
import { layeredAssertionSource, type AssertionSource, type TokenRetrieverConfig, type ValueSource } from './retriever.js';
import type { AssertionTemplate } from './assertion.js';
import type { Jwk } from '../ports.js';

/**
 * Kafka's property names (SaslConfigs).
 * @category Getting tokens
 */
export const KAFKA = {
  tokenEndpointUrl: 'sasl.oauthbearer.token.endpoint.url',
  retrieverClass: 'sasl.oauthbearer.jwt.retriever.class',
  clientId: 'sasl.oauthbearer.client.credentials.client.id',
  clientSecret: 'sasl.oauthbearer.client.credentials.client.secret',
  scope: 'sasl.oauthbearer.scope',
  headerUrlencode: 'sasl.oauthbearer.header.urlencode',
  connectTimeoutMs: 'sasl.login.connect.timeout.ms',
  readTimeoutMs: 'sasl.login.read.timeout.ms',
  retryBackoffMs: 'sasl.login.retry.backoff.ms',
  retryBackoffMaxMs: 'sasl.login.retry.backoff.max.ms',
  assertionAlgorithm: 'sasl.oauthbearer.assertion.algorithm',
  assertionClaimAud: 'sasl.oauthbearer.assertion.claim.aud',
  assertionClaimIss: 'sasl.oauthbearer.assertion.claim.iss',
  assertionClaimSub: 'sasl.oauthbearer.assertion.claim.sub',
  assertionClaimExpSeconds: 'sasl.oauthbearer.assertion.claim.exp.seconds',
  assertionClaimNbfSeconds: 'sasl.oauthbearer.assertion.claim.nbf.seconds',
  assertionClaimJtiInclude: 'sasl.oauthbearer.assertion.claim.jti.include',
  assertionFile: 'sasl.oauthbearer.assertion.file',
  assertionPrivateKeyFile: 'sasl.oauthbearer.assertion.private.key.file',
  assertionPrivateKeyPassphrase: 'sasl.oauthbearer.assertion.private.key.passphrase',
  assertionTemplateFile: 'sasl.oauthbearer.assertion.template.file',
  allowedUrls: ALLOWED_URLS_PROPERTY,
  allowedFiles: ALLOWED_FILES_PROPERTY,
} as const;

/**
 * Kafka's retriever class names (`sasl.oauthbearer.jwt.retriever.class`, KIP-1139).
 * @category Getting tokens
 */
export const RETRIEVER_CLASSES = {
  default: 'org.apache.kafka.common.security.oauthbearer.DefaultJwtRetriever',
  clientCredentials: 'org.apache.kafka.common.security.oauthbearer.ClientCredentialsJwtRetriever',
  jwtBearer: 'org.apache.kafka.common.security.oauthbearer.JwtBearerJwtRetriever',
  file: 'org.apache.kafka.common.security.oauthbearer.FileJwtRetriever',
} as const;

/**
 * Where the assertion comes from (KIP-1258 precedence: file > locally generated > client secret).
 * @category Getting tokens
 */
export type AssertionConfig =
  | { readonly kind: 'file'; readonly path: string }
  | {
    readonly kind: 'local';
    readonly alg: JwsAlgorithm;
    readonly staticClaims: { readonly aud?: string; readonly iss?: string; readonly sub?: string };
    readonly expSeconds: number;
    readonly nbfSeconds: number;
    readonly includeJti: boolean;
    readonly privateKeyFile: string;
    readonly passphrase?: string;
    readonly templateFile?: string;
  };

/**
 * Kafka's login settings for a token retriever, typed. File paths stay paths: the driver reads them.
 * @category Getting tokens
 */
export interface KafkaTokenConfig {
  /** `file`: the token is read from the `file:` URL's path (FileJwtRetriever). */
  readonly retriever: 'client_credentials' | 'jwt_bearer' | 'file';
  readonly tokenEndpoint: string;
  /** For `file`: the token file's path. */
  readonly tokenFile?: string;
  readonly allowedUrls: AllowedUrls;
  /** Absolute paths of credential files that may be read (Kafka's `allowed.files`; default none). */
  readonly allowedFiles: AllowedUrls;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly scope?: string;
  readonly urlencode: boolean;
  readonly assertion: AssertionConfig | null;
  readonly retry: RetryConfig;
  /** `sasl.login.connect.timeout.ms`; null when unset (Kafka: no limit; the retriever then takes 20 000 ms, `DEFAULT_CONNECT_TIMEOUT_MS`). */
  readonly connectTimeoutMs: number | null;
  /** `sasl.login.read.timeout.ms`; null when unset (Kafka: no limit; the retriever then takes 20 000 ms, `DEFAULT_READ_TIMEOUT_MS`). */
  readonly readTimeoutMs: number | null;
  /** SASL extensions from JAAS `extension_<key>` options (KIP-342). */
  readonly extensions: ReadonlyMap<string, string>;
}

/**
 * Kafka client properties, already parsed (see `parseProperties`, `propertyMap`).
 * @category Getting tokens
 */
export type Props = ReadonlyMap<string, string>;

/** The login module Kafka's OAUTHBEARER client needs in `sasl.jaas.config`. */
export const OAUTHBEARER_LOGIN_MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';

/**
 * The OAuthBearerLoginModule's options from the `sasl.jaas.config` property, or none when it is not set.
 * @throws OAuthBearerError `ERR_JAAS_CONFIG` for a value Kafka refuses, or a login module other than
 *   OAuthBearerLoginModule (a PLAIN or SCRAM module here would give OAUTHBEARER no token)
 * @example
 * ```ts
 * jaasOptions(parseProperties(`sasl.jaas.config=${OAUTHBEARER_LOGIN_MODULE} required extension_traceId="abc";`)).get('extension_traceId'); // 'abc'
 * ```
 */
export function jaasOptions(input: KafkaProps): ReadonlyMap<string, string> {
  const text = propertyMap(input).get('sasl.jaas.config');
  if (text === undefined) return new Map();
  const entry = parseJaasConfig(text);
  if (javaTrim(entry.loginModule) !== OAUTHBEARER_LOGIN_MODULE) {
    throw new OAuthBearerError('ERR_JAAS_CONFIG',
      `sasl.jaas.config names the login module ${javaTrim(entry.loginModule).slice(0, 120)}; SASL/OAUTHBEARER needs ${OAUTHBEARER_LOGIN_MODULE}`);
  }
  return entry.options;
}

function configError(name: string, problem: string): never {
  throw new OAuthBearerError('ERR_CONFIG', `Invalid value for configuration ${name}: ${problem}`);
}

/** ConfigDef STRING: trimmed; `validateString` refuses a present-but-blank value. */
function str(props: Props, name: string): string | undefined {
  const raw = props.get(name);
  if (raw === undefined) return undefined;
  const value = javaTrim(raw);
  if (value === '') configError(name, 'must not be empty');
  return value;
}

/** ConfigDef INT / LONG (a LONG when `max` exceeds an int): the trimmed text, then the range check. */
function int(props: Props, name: string, fallback: number | null, min: number, max: number): number | null {
  const raw = props.get(name);
  if (raw === undefined) return fallback;
  // Integer.parseInt / Long.parseLong exactly (Character.digit: any Unicode decimal digit counts).
  const parsed = max > INT_MAX ? parseJavaLong(javaTrim(raw)) : parseJavaInt(javaTrim(raw));
  if (parsed === null) configError(name, 'not a number');
  const n = Number(parsed);
  if (!Number.isSafeInteger(n) || n < min || n > max) configError(name, `must be between ${min} and ${max}`);
  return n;
}

/** A JAAS option, as `JaasOptionsUtils.validateString` reads it: trimmed, present-but-blank refused. */
function jaasStr(jaas: Props, name: string): string | undefined {
  const raw = jaas.get(name);
  if (raw === undefined) return undefined;
  const value = javaTrim(raw);
  if (value === '') throw new OAuthBearerError('ERR_CONFIG', `The JAAS option ${name} must not be empty`);
  return value;
}

const INT_MAX = 2_147_483_647;
const LONG_SAFE = Number.MAX_SAFE_INTEGER;

function assertionAlgorithm(props: Props): JwsAlgorithm {
  const raw = str(props, KAFKA.assertionAlgorithm) ?? 'RS256';
  // Kafka: CaseInsensitiveValidString.in("ES256", "RS256"); the other RFC 7518 / RFC 8037 algorithms are ours.
  const found = ASSERTION_ALGORITHMS.find((a) => a.toLowerCase() === raw.toLowerCase());
  if (found === undefined) configError(KAFKA.assertionAlgorithm, `unsupported signing algorithm "${raw}"; use ${ASSERTION_ALGORITHMS.join(', ')}`);
  return found;
}

function assertionConfig(props: Props): AssertionConfig | null {
  const file = str(props, KAFKA.assertionFile);
  // Kafka: when the assertion file is set, every other sasl.oauthbearer.assertion.* setting is ignored.
  if (file !== undefined) return { kind: 'file', path: file };
  const keyFile = str(props, KAFKA.assertionPrivateKeyFile);
  if (keyFile === undefined) return null;
  const aud = str(props, KAFKA.assertionClaimAud);
  const iss = str(props, KAFKA.assertionClaimIss);
  const sub = str(props, KAFKA.assertionClaimSub);
  const passphrase = props.get(KAFKA.assertionPrivateKeyPassphrase);
  const templateFile = str(props, KAFKA.assertionTemplateFile);
  return {
    kind: 'local',
    alg: assertionAlgorithm(props),
    staticClaims: { ...(aud === undefined ? {} : { aud }), ...(iss === undefined ? {} : { iss }), ...(sub === undefined ? {} : { sub }) },
    expSeconds: int(props, KAFKA.assertionClaimExpSeconds, 300, 0, 86_400)!,
    nbfSeconds: int(props, KAFKA.assertionClaimNbfSeconds, 60, 0, 3_600)!,
    includeJti: configBoolean(props, KAFKA.assertionClaimJtiInclude, false),
    privateKeyFile: keyFile,
    ...(passphrase === undefined ? {} : { passphrase: javaTrim(passphrase) }),
    ...(templateFile === undefined ? {} : { templateFile }),
  };
}

/**
 * Reads Kafka's login settings. `input` are client properties as text, a Map or a plain object
 * (`sasl.oauthbearer.*`, `sasl.login.*`, and optionally Kafka's JVM system properties
 * `org.apache.kafka.sasl.oauthbearer.allowed.urls` and `.allowed.files`, also accepted as options); `jaasInput` are
 * the OAuthBearerLoginModule's options, by default those of the `sasl.jaas.config` property. Precedence for client_credentials: assertion file > locally generated
 * assertion (private key file) > client secret (KIP-1258).
 * @throws OAuthBearerError `ERR_CONFIG` for a missing endpoint or credential, a bad number/boolean, an unknown
 * retriever class, or an unsupported assertion algorithm
 * @example
 * ```ts
 * const config = parseKafkaTokenConfig(new Map([
 *   ['sasl.oauthbearer.token.endpoint.url', 'https://idp.example/token'],
 *   ['sasl.oauthbearer.client.credentials.client.id', 'svc'],
 *   ['sasl.oauthbearer.client.credentials.client.secret', secret],
 * ]), new Map(), { allowedUrls: 'https://idp.example/token' });
 * ```
 * @category Getting tokens
 */
export function parseKafkaTokenConfig(
  input: KafkaProps, jaasInput?: KafkaProps, options: { allowedUrls?: string; allowedFiles?: string } = {},
): KafkaTokenConfig {
  const props = propertyMap(input);
  const jaas = jaasInput === undefined ? jaasOptions(props) : propertyMap(jaasInput);
  const tokenEndpoint = str(props, KAFKA.tokenEndpointUrl);
  if (tokenEndpoint === undefined) configError(KAFKA.tokenEndpointUrl, 'a token endpoint URL is required to retrieve tokens');
  const className = str(props, KAFKA.retrieverClass) ?? RETRIEVER_CLASSES.default;
  const isFileUrl = /^file:/i.test(tokenEndpoint);
  let retriever: KafkaTokenConfig['retriever'];
  switch (className) {
    case RETRIEVER_CLASSES.default: retriever = isFileUrl ? 'file' : 'client_credentials'; break;
    case RETRIEVER_CLASSES.clientCredentials: retriever = 'client_credentials'; break;
    case RETRIEVER_CLASSES.jwtBearer: retriever = 'jwt_bearer'; break;
    case RETRIEVER_CLASSES.file: retriever = 'file'; break;
    default: configError(KAFKA.retrieverClass, `unknown retriever class "${className}"; use one of ${Object.values(RETRIEVER_CLASSES).join(', ')}`);
  }
  const allowedUrls = parseAllowedUrls(options.allowedUrls ?? props.get(KAFKA.allowedUrls));
  const allowedFiles = parseAllowedUrls(options.allowedFiles ?? props.get(KAFKA.allowedFiles));
  const retry: RetryConfig = {
    backoffMs: int(props, KAFKA.retryBackoffMs, DEFAULT_RETRY_BACKOFF_MS, 0, LONG_SAFE)!,
    backoffMaxMs: int(props, KAFKA.retryBackoffMaxMs, DEFAULT_RETRY_BACKOFF_MAX_MS, 0, LONG_SAFE)!,
  };
  const extensions = new Map<string, string>();
  for (const [name, value] of jaas) if (name.startsWith('extension_')) extensions.set(name.slice('extension_'.length), value);
  const base = {
    tokenEndpoint, allowedUrls, allowedFiles, retry, extensions,
    urlencode: configBoolean(props, KAFKA.headerUrlencode, false),
    connectTimeoutMs: int(props, KAFKA.connectTimeoutMs, null, 0, INT_MAX),
    readTimeoutMs: int(props, KAFKA.readTimeoutMs, null, 0, INT_MAX),
  };
  // ClientCredentialsJwtRetriever.ConfigOrJaas: the config wins; the JAAS option is the deprecated fallback.
  const pick = (configName: string, jaasName: string): string | undefined =>
    props.has(configName) ? str(props, configName) : jaasStr(jaas, jaasName);
  const scope = pick(KAFKA.scope, 'scope');
  const withScope = scope === undefined ? {} : { scope };

  if (retriever === 'file') {
    let path: string;
    try {
      path = decodeURIComponent(new URL(tokenEndpoint).pathname);
    } catch (cause) {
      throw new OAuthBearerError('ERR_CONFIG', `Invalid value for configuration ${KAFKA.tokenEndpointUrl}: not a file: URL`, { cause });
    }
    return { ...base, retriever, tokenFile: path, assertion: null };
  }
  const assertion = assertionConfig(props);
  if (retriever === 'jwt_bearer') {
    if (assertion === null) {
      configError(KAFKA.assertionFile, `the jwt-bearer grant needs ${KAFKA.assertionFile} or ${KAFKA.assertionPrivateKeyFile}`);
    }
    return { ...base, retriever, assertion, ...withScope };
  }
  const clientId = pick(KAFKA.clientId, 'clientId');
  if (assertion !== null) {
    return { ...base, retriever, assertion, ...withScope, ...(clientId === undefined ? {} : { clientId }) };
  }
  const clientSecret = props.has(KAFKA.clientSecret) ? str(props, KAFKA.clientSecret) : jaasStr(jaas, 'clientSecret');
  if (clientId === undefined) configError(KAFKA.clientId, 'a client id is required (or the deprecated JAAS option clientId)');
  if (clientSecret === undefined) {
    configError(KAFKA.clientSecret, `a client secret is required (or ${KAFKA.assertionFile} / ${KAFKA.assertionPrivateKeyFile})`);
  }
  return { ...base, retriever, assertion: null, clientId, clientSecret, ...withScope };
}

function localSource(a: AssertionConfig & { kind: 'local' }, sources: KafkaFileSources): AssertionSource {
  return layeredAssertionSource({
    alg: a.alg, staticClaims: a.staticClaims, expSeconds: a.expSeconds, nbfSeconds: a.nbfSeconds, includeJti: a.includeJti,
    privateKey: sources.privateKeyFile(a.privateKeyFile, a.passphrase),
    ...(a.templateFile === undefined ? {} : { template: sources.templateFile(a.templateFile) }),
  });
}

/**
 * How the driver turns file paths into sources (`oauthbearer/node` re-reads files when they change).
 * @category Getting tokens
 */
export interface KafkaFileSources {
  assertionFile(path: string): AssertionSource;
  privateKeyFile(path: string, passphrase?: string): ValueSource<Jwk | Uint8Array>;
  templateFile(path: string): ValueSource<AssertionTemplate>;
}

/**
 * The retriever configuration for an HTTP retriever (`client_credentials` or `jwt_bearer`), with file paths
 * turned into sources by `sources`.
 * @throws OAuthBearerError `ERR_CONFIG` for a `file` retriever (read the token file instead)
 * @example
 * ```ts
 * const config = parseKafkaTokenConfig(props, jaas);
 * const retrieve = createTokenRetriever(tokenRetrieverConfig(config, nodeFileSources), nodeRetrieverPorts());
 * ```
 * @category Getting tokens
 */
export function tokenRetrieverConfig(config: KafkaTokenConfig, sources: KafkaFileSources): TokenRetrieverConfig {
  if (config.retriever === 'file') {
    throw new OAuthBearerError('ERR_CONFIG', `${KAFKA.tokenEndpointUrl} is a file: URL; the token is read from that file, not requested`);
  }
  const source = config.assertion === null ? undefined
    : config.assertion.kind === 'file' ? sources.assertionFile(config.assertion.path) : localSource(config.assertion, sources);
  const common = {
    tokenEndpoint: config.tokenEndpoint, allowedUrls: config.allowedUrls, retry: config.retry,
    connectTimeoutMs: config.connectTimeoutMs, readTimeoutMs: config.readTimeoutMs,
    ...(config.scope === undefined ? {} : { scope: config.scope }),
  };
  if (config.retriever === 'jwt_bearer') {
    // KIP-1139 JwtBearerRequestFormatter: no client authentication, the assertion is the grant.
    return { ...common, grantType: GRANT_TYPE_JWT_BEARER as GrantType, clientAuth: { method: 'none' }, grantAssertion: source! };
  }
  if (source !== undefined) {
    return { ...common, grantType: GRANT_TYPE_CLIENT_CREDENTIALS as GrantType,
      clientAuth: { method: 'private_key_jwt', source, ...(config.clientId === undefined ? {} : { clientId: config.clientId }) } };
  }
  return {
    ...common, grantType: GRANT_TYPE_CLIENT_CREDENTIALS as GrantType,
    clientAuth: { method: 'client_secret_basic', clientId: config.clientId!, clientSecret: config.clientSecret!, urlencode: config.urlencode },
  };
}
