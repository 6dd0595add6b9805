/**
 * `oauthbearer token --config client.properties`: gets a token the way a Kafka client's OAuthBearerLoginModule
 * would, from the same properties: `sasl.jaas.config`, and either Kafka's unsecured login (no
 * `sasl.login.callback.handler.class`: OAuthBearerUnsecuredLoginCallbackHandler) or the secured one
 * (OAuthBearerLoginCallbackHandler: client_credentials with a client secret or a client assertion, the
 * jwt-bearer grant, or a `file:` token). Then Kafka's client-side check (ClientJwtValidator), and a report of the
 * token (header and claims, never whole, never its signature), its expiry and Kafka's refresh schedule
 * (ExpiringCredentialRefreshingLogin with the `sasl.login.refresh.*` settings). A failure is reported with its
 * causes, down to the network error (`connect ECONNREFUSED 127.0.0.1:8443`).
 * @module
 */
import { readFile } from 'node:fs/promises';
import { OAuthBearerError } from '../../errors.js';
import { parseProperties } from '../../kafka/properties.js';
import { parseJaasConfig, type JaasEntry } from '../../kafka/jaas.js';
import { createUnsecuredToken, validateUnsecuredToken } from '../../kafka/unsecured.js';
import { refreshAtMs, refreshConfig, RELOGIN_RETRY_DELAY_MS, type RefreshConfig } from '../../kafka/refresh.js';
import { parseKafkaTokenConfig, KAFKA, type KafkaTokenConfig } from '../../oauth/config.js';
import { validateClientJwt } from '../../jose/claims.js';
import { checkExtension } from '../../sasl/gs2.js';
import type { HttpPort } from '../../ports.js';
import type { BearerToken } from '../../token.js';
import { decodeBase64url } from '../../encoding/base64.js';
import { kafkaTokenRetriever } from '../token-retriever.js';
import { tlsHttp } from '../http.js';
import { describeToken, formatDuration, formatExpiry, formatTime } from '../render.js';
import { parseCommandArgs, stringOption, usageError } from './args.js';
import { exitCodeOf, reportError } from './report.js';
import { EXIT_OK, EXIT_REFUSED, type CliIO, type Command } from './io.js';

/** Kafka's login module, the only one that makes OAUTHBEARER tokens. */
export const LOGIN_MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';
/** Kafka's secured login callback handler (KIP-768), current name and the pre-3.4 `secured` package alias. */
export const LOGIN_CALLBACK_HANDLERS: readonly string[] = [
  'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
  'org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler',
];
const LOGIN_CALLBACK_HANDLER_CLASS = 'sasl.login.callback.handler.class';
const MAX_CONFIG_FILE_BYTES = 1 << 20;

/** A client's token as the login module would hold it, with what to say about where it came from. */
export interface ClientToken {
  readonly token: BearerToken;
  readonly extensions: ReadonlyMap<string, string>;
  /** How it was obtained, for people. */
  readonly source: string;
  /** Kafka's client-side check, when Kafka runs one on this kind of token. */
  readonly clientCheck: string;
}

/** Reads a Kafka client properties file and its `sasl.jaas.config`. */
export async function readClientConfig(path: string): Promise<{ props: Map<string, string>; jaas: JaasEntry }> {
  let text: string;
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_CONFIG_FILE_BYTES) throw new OAuthBearerError('ERR_FILE', `The config file ${JSON.stringify(path)} is over ${MAX_CONFIG_FILE_BYTES} bytes`);
    text = bytes.toString('utf8');
  } catch (cause) {
    if (cause instanceof OAuthBearerError) throw cause;
    throw new OAuthBearerError('ERR_FILE', `Cannot read the config file ${JSON.stringify(path)}`, { cause });
  }
  const props = parseProperties(text);
  const mechanism = props.get('sasl.mechanism');
  if (mechanism !== undefined && mechanism.trim() !== 'OAUTHBEARER') {
    throw new OAuthBearerError('ERR_CONFIG', `sasl.mechanism is ${JSON.stringify(mechanism.trim())}; this command gets OAUTHBEARER tokens (sasl.mechanism=OAUTHBEARER)`);
  }
  const jaasText = props.get('sasl.jaas.config');
  if (jaasText === undefined) {
    throw new OAuthBearerError('ERR_CONFIG', `${path} has no sasl.jaas.config; set sasl.jaas.config=${LOGIN_MODULE} required ...;`);
  }
  const jaas = parseJaasConfig(jaasText);
  if (jaas.loginModule !== LOGIN_MODULE) {
    throw new OAuthBearerError('ERR_CONFIG', `sasl.jaas.config names the login module ${JSON.stringify(jaas.loginModule.slice(0, 120))}; OAUTHBEARER needs ${LOGIN_MODULE}`);
  }
  return { props, jaas };
}

/** Reads a PEM value from a JAAS option: the file named by `location`, or the inline text. */
async function pemOption(options: ReadonlyMap<string, string>, location: string, inline: string): Promise<string | undefined> {
  const inlineValue = options.get(inline);
  if (inlineValue !== undefined) return inlineValue;
  const path = options.get(location);
  if (path === undefined) return undefined;
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new OAuthBearerError('ERR_FILE', `Cannot read ${location} ${JSON.stringify(path)} (a JAAS option of sasl.jaas.config)`, { cause });
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/**
 * The HTTP port for the token endpoint from the JAAS options, as Kafka's JaasOptionsUtils.createSSLSocketFactory
 * reads `ssl.*` client settings from them (PEM only: `ssl.truststore.type=PEM` with `ssl.truststore.location` or
 * `ssl.truststore.certificates`; `ssl.keystore.type=PEM` with `ssl.keystore.location` or
 * `ssl.keystore.certificate.chain` + `ssl.keystore.key`; `ssl.key.password`). Undefined: the runtime's fetch.
 */
export async function jaasTlsHttp(options: ReadonlyMap<string, string>): Promise<(HttpPort & { close(): void }) | undefined> {
  const ssl = [...options.keys()].filter((k) => k.startsWith('ssl.'));
  if (ssl.length === 0) return undefined;
  for (const store of ['truststore', 'keystore']) {
    const type = options.get(`ssl.${store}.type`);
    if (type !== undefined && type.trim().toUpperCase() !== 'PEM') {
      throw new OAuthBearerError('ERR_CONFIG', `ssl.${store}.type=${type.trim()} in sasl.jaas.config: this command reads PEM stores only; set ssl.${store}.type=PEM and give PEM files`);
    }
  }
  const ca = await pemOption(options, 'ssl.truststore.location', 'ssl.truststore.certificates');
  const keystore = await pemOption(options, 'ssl.keystore.location', 'ssl.keystore.certificate.chain');
  let cert: string | undefined;
  let key = options.get('ssl.keystore.key');
  if (keystore !== undefined) {
    const blocks = keystore.match(PEM_BLOCK) ?? [];
    cert = blocks.filter((b) => b.startsWith('-----BEGIN CERTIFICATE')).join('\n') || undefined;
    key ??= blocks.find((b) => /^-----BEGIN [A-Z ]*PRIVATE KEY/.test(b));
    if (cert === undefined) throw new OAuthBearerError('ERR_CONFIG', 'The PEM keystore in sasl.jaas.config holds no CERTIFICATE block');
  }
  if ((cert === undefined) !== (key === undefined)) {
    throw new OAuthBearerError('ERR_CONFIG', 'A client certificate for the token endpoint needs both the certificate chain and its private key (ssl.keystore.* in sasl.jaas.config)');
  }
  const passphrase = options.get('ssl.key.password');
  return tlsHttp({
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert, key: key! }),
    ...(passphrase === undefined ? {} : { passphrase }),
    keepAlive: false,
  });
}

function describeGrant(config: KafkaTokenConfig): string {
  if (config.retriever === 'file') return `read from the file ${config.tokenFile} (FileJwtRetriever)`;
  const a = config.assertion;
  const assertion = a === null ? null : a.kind === 'file' ? `the assertion in ${a.path}` : `an ${a.alg} assertion signed with ${a.privateKeyFile}`;
  const grant = config.retriever === 'jwt_bearer'
    ? `jwt-bearer grant (RFC 7523 §2.1) with ${assertion}, no client authentication`
    : assertion !== null
      ? `client_credentials grant, private_key_jwt client authentication (RFC 7523 §2.2) with ${assertion}${config.clientId === undefined ? '' : ` for client "${config.clientId}"`}`
      : `client_credentials grant, client_secret_basic as client "${config.clientId}"`;
  return `POST ${config.tokenEndpoint}: ${grant}${config.scope === undefined ? '' : `, scope "${config.scope}"`}`;
}

function retryText(config: KafkaTokenConfig): string {
  return `retrying for up to ${config.retry.backoffMaxMs} ms (sasl.login.retry.backoff.max.ms), backoff from ${config.retry.backoffMs} ms`;
}

/**
 * Gets the token a Kafka client with these settings would log in with, at `nowMs`; progress lines go to `progress`.
 * @throws OAuthBearerError `ERR_CONFIG` and friends for the settings; the retriever's errors (with causes) or
 * Kafka's client check (`ERR_JWS_FORMAT`, `ERR_JWT_CLAIM`, `ERR_JWT_SCOPE`) for the token
 */
export async function clientToken(props: ReadonlyMap<string, string>, jaas: JaasEntry, nowMs: number, progress: (line: string) => void): Promise<ClientToken> {
  const handler = props.get(LOGIN_CALLBACK_HANDLER_CLASS)?.trim();
  if (handler === undefined || handler === '') {
    const token = createUnsecuredToken(jaas.options, nowMs);
    return {
      token, extensions: token.extensions,
      source: 'made here by Kafka\'s unsecured login (OAuthBearerUnsecuredLoginCallbackHandler: no sasl.login.callback.handler.class, unsecuredLogin* JAAS options)',
      clientCheck: 'not run on unsecured tokens (the login handler makes the token itself)',
    };
  }
  if (!LOGIN_CALLBACK_HANDLERS.includes(handler)) {
    throw new OAuthBearerError('ERR_CONFIG', `${LOGIN_CALLBACK_HANDLER_CLASS}=${handler.slice(0, 120)} is not Kafka's; use ${LOGIN_CALLBACK_HANDLERS[0]}, or leave it out for unsecured tokens`);
  }
  const config = parseKafkaTokenConfig(props, jaas.options);
  for (const [key, value] of config.extensions) {
    try {
      checkExtension(key, value);
    } catch (cause) {
      throw new OAuthBearerError('ERR_CONFIG', `The JAAS option extension_${key} is not a valid SASL extension (KIP-342)`, { cause });
    }
  }
  const http = await jaasTlsHttp(jaas.options);
  try {
    const retrieve = kafkaTokenRetriever(props, jaas.options, http === undefined ? {} : { ports: { http } });
    if (config.retriever !== 'file') progress(`oauthbearer token: ${describeGrant(config)}; ${retryText(config)}`);
    const response = await retrieve();
    const check = {
      subClaimName: props.get('sasl.oauthbearer.sub.claim.name')?.trim() || 'sub',
      scopeClaimName: props.get('sasl.oauthbearer.scope.claim.name')?.trim() || 'scope',
    };
    let token: BearerToken;
    try {
      token = validateClientJwt(response.accessToken, check);
    } catch (cause) {
      const reason = cause instanceof OAuthBearerError ? `${cause.code}: ${cause.message}` : 'an unexpected error';
      throw new OAuthBearerError(cause instanceof OAuthBearerError ? cause.code : 'ERR_JWT_CLAIM',
        `The token the endpoint returned fails Kafka's client-side check (ClientJwtValidator), so the login fails: ${reason}`,
        { status: 'invalid_token', cause });
    }
    return {
      token, extensions: config.extensions, source: describeGrant(config),
      clientCheck: `accepted (ClientJwtValidator: three parts, exp and ${check.subClaimName} present, ${check.scopeClaimName} well formed; no signature check, as Kafka's client does none)`,
    };
  } finally {
    http?.close();
  }
}

function part(value: string, index: number): string {
  const text = value.split('.')[index];
  if (text === undefined) return '(none)';
  try {
    return JSON.stringify(JSON.parse(new TextDecoder().decode(decodeBase64url(text, { padding: 'allow', canonical: false }))));
  } catch {
    return '(not base64url JSON)';
  }
}

/** Prints Kafka's refresh schedule for `token` at `nowMs`: the window the draw picks from, and the retry rule. */
export function printRefreshSchedule(token: BearerToken, config: RefreshConfig, nowMs: number, out: (line: string) => void): void {
  out(`refresh    sasl.login.refresh.window.factor ${config.windowFactor}, .window.jitter ${config.windowJitter}, .min.period.seconds ${config.minPeriodSeconds}, .buffer.seconds ${config.bufferSeconds}`);
  const input = { nowMs, expiryMs: token.lifetimeMs, startMs: token.startTimeMs };
  const earliest = refreshAtMs(input, config, 0);
  const latest = refreshAtMs(input, config, 1 - Number.EPSILON);
  if (earliest === null || latest === null) {
    out('           none: the token has already expired, so Kafka starts no refresher; the login fails and is retried every 10 s');
    return;
  }
  const span = earliest === latest ? `at ${formatTime(earliest)} (+${formatDuration(earliest - nowMs)})`
    : `between ${formatTime(earliest)} and ${formatTime(latest)} (+${formatDuration(earliest - nowMs)} to +${formatDuration(latest - nowMs)}; Kafka draws the point at random)`;
  out(`           next refresh ${span}`);
  out(`           a failed refresh is retried every ${RELOGIN_RETRY_DELAY_MS / 1000} s, keeping the current token until it expires`);
}

/** The secret values a client config holds, so that no output line can carry one even by accident. */
function configSecrets(props: ReadonlyMap<string, string>, jaas: JaasEntry): string[] {
  const values = [
    props.get(KAFKA.clientSecret), props.get(KAFKA.assertionPrivateKeyPassphrase),
    jaas.options.get('clientSecret'), jaas.options.get('ssl.key.password'), jaas.options.get('ssl.keystore.password'),
  ];
  return values.flatMap((v) => (v === undefined ? [] : [v, v.trim()])).filter((v) => v.length >= 4);
}

/** `io` with every line scrubbed of `secrets` (raw, and as form-encoded and URI-encoded text). */
function scrubbingIO(io: CliIO, secrets: readonly string[]): CliIO {
  const forms = [...new Set(secrets.flatMap((s) => [s, encodeURIComponent(s), new URLSearchParams({ s }).toString().slice(2)]))]
    .sort((a, b) => b.length - a.length);
  const scrub = (line: string): string => forms.reduce((text, s) => text.split(s).join('[redacted]'), line);
  return { ...io, out: (line) => io.out(scrub(line)), err: (line) => io.err(scrub(line)), stdin: () => io.stdin(), get signal() { return io.signal; }, env: io.env };
}

/** `oauthbearer token`. */
export const command: Command = {
  name: 'token',
  summary: 'get a token as a Kafka client would (--config client.properties), check it, show claims, expiry, refresh',
  usage: `Usage: oauthbearer token --config client.properties

Gets a token the way a Kafka client's OAuthBearerLoginModule does, from the client's own properties (Kafka's
names verbatim), runs Kafka's client-side check on it, and prints its header and claims (never the whole
token, never its signature), its expiry and Kafka's refresh schedule (sasl.login.refresh.*).

  sasl.jaas.config                      ${LOGIN_MODULE} required ...;
  sasl.login.callback.handler.class     unset: Kafka's unsecured tokens from the unsecuredLogin* JAAS options;
                                        ${LOGIN_CALLBACK_HANDLERS[0]}:
                                        the token endpoint (KIP-768, KIP-1139, KIP-1258):
  sasl.oauthbearer.token.endpoint.url   https://... (or file:/path for a token file)
  sasl.oauthbearer.client.credentials.client.id / .client.secret        client_credentials, client_secret_basic
  sasl.oauthbearer.assertion.private.key.file / .assertion.file         client assertion (private_key_jwt)
  sasl.oauthbearer.jwt.retriever.class=...JwtBearerJwtRetriever         the jwt-bearer grant
  ${KAFKA.allowedUrls}   the URL allow-list (a JVM system property in Kafka; here a property too)
  sasl.login.retry.backoff.ms / .max.ms, sasl.login.connect.timeout.ms / .read.timeout.ms
  ssl.truststore.type=PEM ssl.truststore.location="ca.pem"   inside sasl.jaas.config, as Kafka reads them
                                        for the token endpoint's TLS (also ssl.keystore.* PEM for mTLS)

On failure it prints the reason with its causes, down to the network error (connect ECONNREFUSED 127.0.0.1:8443).
Exit: 0 token obtained and accepted by Kafka's client check; 1 the endpoint, the network or the check failed,
or the token has already expired; 2 the settings are wrong.

Example:
  oauthbearer token --config client.properties`,
  async run(argv: readonly string[], cliIO: CliIO): Promise<number> {
    const args = parseCommandArgs('token', argv, { config: { type: 'string', short: 'c' } });
    const path = stringOption(args, 'config');
    if (path === undefined) throw usageError('token', 'give the client properties: --config client.properties');
    if (args.positionals.length > 0) throw usageError('token', `unexpected argument ${JSON.stringify(args.positionals[0])}`);
    const { props, jaas } = await readClientConfig(path);
    const io = scrubbingIO(cliIO, configSecrets(props, jaas));
    const schedule = refreshConfig(props);
    const nowMs = Date.now();
    let got: ClientToken;
    try {
      got = await clientToken(props, jaas, nowMs, (line) => io.err(line));
    } catch (err) {
      if (!(err instanceof OAuthBearerError)) throw err;
      reportError(io, 'oauthbearer token', err);
      return exitCodeOf(err);
    }
    const { token } = got;
    const out = (line: string): void => io.out(line);
    out(`token      ${describeToken(token.value)}`);
    out(`source     ${got.source}`);
    out(`header     ${part(token.value, 0)}`);
    out(`claims     ${part(token.value, 1)}`);
    out(`principal  ${token.principal}`);
    out(`scope      ${JSON.stringify(token.scope)}`);
    if (token.startTimeMs !== null) out(`issued     ${formatTime(token.startTimeMs)}`);
    out(`expiry     ${formatTime(token.lifetimeMs)} (${formatExpiry(token.lifetimeMs, nowMs)})`);
    out(`check      Kafka's client-side check: ${got.clientCheck}`);
    if (got.clientCheck.startsWith('not run')) {
      try {
        validateUnsecuredToken(token.value, {}, nowMs);
        out('           a broker with Kafka\'s default unsecured validator would accept it');
      } catch (err) {
        if (!(err instanceof OAuthBearerError)) throw err;
        out(`           a broker with Kafka's default unsecured validator would refuse it: ${err.code}: ${err.message}`);
      }
    }
    for (const [key, value] of got.extensions) out(`extension  ${key}=${value}   (SASL extension, KIP-342)`);
    printRefreshSchedule(token, schedule, nowMs, out);
    if (token.lifetimeMs < nowMs) {
      io.err(`oauthbearer token: the token ${formatExpiry(token.lifetimeMs, nowMs)}; a broker refuses it`);
      return EXIT_REFUSED;
    }
    return EXIT_OK;
  },
};
