/**
 * `oauthbearer serve`: a Kafka broker that only authenticates, and says why. It answers ApiVersions, SaslHandshake,
 * SaslAuthenticate and Metadata (itself as the only broker) as Kafka's broker does, validates with Kafka's
 * validators from Kafka's broker properties, and writes one line per authentication, failure and close.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { OAuthBearerError, isOAuthBearerError } from '../../errors.js';
import { decodeBase64url } from '../../encoding/base64.js';
import { parseProperties } from '../../kafka/properties.js';
import { ERROR_CODE } from '../../kafka/wire/index.js';
import { createConfiguredValidator, parseBrokerConfig } from '../broker-config.js';
import { startBroker, type BrokerEvent, type ClientSoftware } from '../net/broker.js';
import { loadTlsMaterial } from '../net/tls.js';
import { EXIT_OK, EXIT_USAGE, type CliIO, type Command } from './io.js';

const USAGE = `Usage: oauthbearer serve [--listen HOST:PORT] [--config broker.properties] [--json]

A Kafka broker that authenticates SASL/OAUTHBEARER clients and explains every failure. It answers ApiVersions,
SaslHandshake, SaslAuthenticate and Metadata (itself as the only broker), as Kafka's broker does.

  --listen HOST:PORT   where to listen (default 127.0.0.1:9092; port 0 picks a free port); replaces the host
                       and port of the first entry of "listeners" and keeps its security protocol
  --config FILE        Kafka broker properties: listeners, sasl.server.callback.handler.class,
                       sasl.oauthbearer.jwks.endpoint.url, sasl.oauthbearer.expected.audience / .expected.issuer /
                       .sub.claim.name / .scope.claim.name / .clock.skew.seconds / .jwks.endpoint.refresh.ms /
                       .jwks.endpoint.retry.backoff.ms / .jwks.endpoint.retry.backoff.max.ms,
                       connections.max.reauth.ms, connections.max.idle.ms, sasl.server.max.receive.size,
                       connection.failed.authentication.delay.ms,
                       ssl.keystore.type=PEM with ssl.keystore.location or ssl.keystore.certificate.chain and
                       ssl.keystore.key (+ ssl.key.password), ssl.truststore.type=PEM with ssl.truststore.location
                       or ssl.truststore.certificates, ssl.client.auth=none|requested|required,
                       listener.name.<listener>.oauthbearer.sasl.jaas.config (unsecuredValidator* options)
  --json               write JSON lines instead of text

Without --config it validates unsecured tokens, as Kafka's default validator does. The first line is
"listening on HOST:PORT" (with --json: {"event":"listening",...}); then one line per authentication, failed
authentication, re-authentication refused (Kafka allows one a second) and closed connection: a failure's reason on
its failure line, and a close after an error challenge left without the %x01 reply with the token's reason.
Tokens are shown as header and claims, never whole, never their signature.
SIGINT or SIGTERM stops it ("stopped").

Exit codes: 0 stopped cleanly, 2 usage or configuration error.
`;

/** Longest token decoded for display; longer ones are shown by length only. */
const MAX_SHOWN_TOKEN_LENGTH = 65_536;
/** Longest JSON text shown for a token's header or claims. */
const MAX_SHOWN_JSON_LENGTH = 2_000;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

const ERROR_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(ERROR_CODE).map(([name, code]) => [code, name]));

/** A Kafka error code with its name: `SASL_AUTHENTICATION_FAILED (58)`. */
export function kafkaErrorName(code: number): string {
  return `${ERROR_NAMES.get(code) ?? 'UNKNOWN_ERROR'} (${code})`;
}

/** A token's header and claims, decoded for display; null when it is not a compact JWS. Never the signature. */
export function tokenParts(token: string): { header: unknown; claims: unknown } | null {
  if (token.length > MAX_SHOWN_TOKEN_LENGTH) return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const decode = (part: string): unknown => JSON.parse(UTF8.decode(decodeBase64url(part, { padding: 'allow', canonical: false, what: 'token part' })));
    return { header: decode(parts[0]!), claims: decode(parts[1]!) };
  } catch {
    return null;
  }
}

function shownJson(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length <= MAX_SHOWN_JSON_LENGTH ? text : `${text.slice(0, MAX_SHOWN_JSON_LENGTH)}…(${text.length} characters)`;
}

function tokenText(token: string): string {
  const parts = tokenParts(token);
  return parts === null ? `(not a JWS, ${token.length} characters)` : `${shownJson(parts.header)}.${shownJson(parts.claims)}`;
}

/**
 * The display of recent tokens (text and JSON forms), so that a client presenting one token on many connections
 * and re-authentications has it decoded once: FIFO, at most SHOWN_CACHE_ENTRIES tokens of at most
 * SHOWN_CACHE_TOKEN_LENGTH characters (under 4 MiB in all). Both forms are pure functions of the token.
 */
const SHOWN_CACHE_ENTRIES = 256;
const SHOWN_CACHE_TOKEN_LENGTH = 8_192;
const shownTokens = new Map<string, ShownToken>();
type TokenParts = ReturnType<typeof tokenParts>;
interface ShownToken { text?: string; parts?: TokenParts }

function shown(token: string): ShownToken | null {
  if (token.length > SHOWN_CACHE_TOKEN_LENGTH) return null;
  let entry = shownTokens.get(token);
  if (entry === undefined) {
    if (shownTokens.size >= SHOWN_CACHE_ENTRIES) shownTokens.delete(shownTokens.keys().next().value!);
    entry = {};
    shownTokens.set(token, entry);
  }
  return entry;
}

function cachedTokenText(token: string): string {
  const entry = shown(token);
  if (entry === null) return tokenText(token);
  return (entry.text ??= tokenText(token));
}

/** `tokenParts(token)`, shared between lines: only serialised, never changed. */
function cachedTokenParts(token: string): TokenParts {
  const entry = shown(token);
  if (entry === null) return tokenParts(token);
  if (!('parts' in entry)) entry.parts = tokenParts(token);
  return entry.parts!;
}

/** The error and its causes, outermost first, as `{ code, message }` (plain errors with their name as code). */
export function errorChain(error: unknown): Array<{ code: string; message: string; status?: string }> {
  const chain: Array<{ code: string; message: string; status?: string }> = [];
  for (let e: unknown = error; e !== undefined && e !== null && chain.length < 8; e = (e as { cause?: unknown }).cause) {
    if (isOAuthBearerError(e)) chain.push({ code: e.code, message: e.message, ...(e.status === undefined ? {} : { status: e.status }) });
    else if (e instanceof Error) chain.push({ code: (e as NodeJS.ErrnoException).code ?? e.name, message: e.message });
    else {
      chain.push({ code: 'Error', message: String(e) });
      break;
    }
  }
  return chain;
}

/**
 * The error chain as text, outermost first: `CODE: message ← CODE: message`. Where an error's message quotes its
 * cause's, the quote is dropped from the outer one, so the cause's own words are shown once, with its code.
 */
export function chainText(error: unknown): string {
  const chain = errorChain(error);
  // A cause that only repeats its error's message (a wrapped socket error) adds nothing.
  for (let i = chain.length - 1; i > 0; i--) if (chain[i]!.message === chain[i - 1]!.message) chain.splice(i, 1);
  return chain.map((e, i) => {
    const inner = chain[i + 1]?.message;
    let message = e.message;
    if (inner !== undefined && inner !== '' && message.includes(inner)) {
      message = message.replace(`: ${inner}`, '').replace(` (${inner})`, '').replace(inner, '').trim();
    }
    return message === '' ? e.code : `${e.code}: ${message}`;
  }).join(' ← ');
}

function softwareText(software: ClientSoftware): string {
  return software === null ? '' : ` client=${JSON.stringify(`${software.name}/${software.version}`)}`;
}

function softwareJson(software: ClientSoftware): { name: string; version: string } | null {
  return software === null ? null : { name: software.name, version: software.version };
}

/**
 * One output line for a broker event, text or JSON; null for events not shown (`connected`).
 * Text lines start with the peer address, then: `authenticated` / `re-authenticated` with
 * `principal= client= session_lifetime_ms= extensions= token=` (after a SaslHandshake v0 the lifetime reads
 * `(not sent: SaslHandshake v0)`: still enforced, never told); `authentication failed: CODE: message ← CODE: message | kafka: ... | client=... token=...`;
 * `re-authentication refused: CODE: message | kafka: ILLEGAL_SASL_STATE (34) | client=...` (Kafka's one
 * re-authentication per second); `closed by broker: CODE: message`, or `closed by broker after the failed
 * authentication` (its reason is on the failure line); `closed by client[: SOCKET_ERROR][ after ...] (state S)`,
 * where `after` names a failed authentication still in connection.failed.authentication.delay.ms, or the error
 * challenge the client left without its %x01 reply, with the validator's reason; `tls failed: message`.
 */
export function formatEvent(event: BrokerEvent, json: boolean): string | null {
  switch (event.type) {
    case 'connected':
      return null;
    case 'authenticated': {
      const extensions = Object.fromEntries(event.extensions);
      if (json) {
        return JSON.stringify({
          event: 'authenticated', connection: event.connection, peer: event.peer, reauthentication: event.reauthentication,
          principal: event.principal, client: softwareJson(event.clientSoftware), sessionLifetimeMs: event.sessionLifetimeMs, sessionLifetimeSent: event.sessionLifetimeSent,
          extensions, scope: event.token.scope, expiresAtMs: event.token.lifetimeMs, token: cachedTokenParts(event.token.value),
          certificateThumbprint: event.certificateThumbprint ?? null,
        });
      }
      return `${event.peer} ${event.reauthentication ? 're-authenticated' : 'authenticated'} principal=${JSON.stringify(event.principal)}`
        + `${softwareText(event.clientSoftware)} session_lifetime_ms=${event.sessionLifetimeMs}${event.sessionLifetimeSent ? '' : ' (not sent: SaslHandshake v0)'} extensions=${JSON.stringify(extensions)}`
        + `${event.certificateThumbprint ? ` certificate=${event.certificateThumbprint}` : ''} token=${cachedTokenText(event.token.value)}`;
    }
    case 'authentication-failed': {
      const chain = errorChain(event.error);
      const kafka = event.kafkaErrorCode === null ? null
        : { errorCode: event.kafkaErrorCode, errorName: ERROR_NAMES.get(event.kafkaErrorCode) ?? 'UNKNOWN_ERROR', errorMessage: event.kafkaErrorMessage };
      if (json) {
        return JSON.stringify({
          event: 'authentication-failed', connection: event.connection, peer: event.peer, reauthentication: event.reauthentication,
          code: event.error.code, message: event.error.message, status: event.error.status ?? null, causes: chain.slice(1),
          kafka, client: softwareJson(event.clientSoftware), token: event.token === null ? null : cachedTokenParts(event.token),
        });
      }
      const reason = chainText(event.error);
      const sent = kafka === null ? 'closes the connection without a response'
        : `${kafkaErrorName(kafka.errorCode)}${kafka.errorMessage === null ? '' : ` ${JSON.stringify(kafka.errorMessage)}`}`;
      return `${event.peer} ${event.reauthentication ? 're-authentication' : 'authentication'} failed: ${reason} | kafka: ${sent} |`
        + `${softwareText(event.clientSoftware)}${event.token === null ? '' : ` token=${cachedTokenText(event.token)}`}`;
    }
    case 'reauthentication-refused': {
      if (json) {
        return JSON.stringify({
          event: 'reauthentication-refused', connection: event.connection, peer: event.peer, code: event.error.code, message: event.error.message,
          sinceReauthenticationMs: event.sinceReauthenticationMs, sinceAuthenticationMs: event.sinceAuthenticationMs,
          kafka: { errorCode: event.kafkaErrorCode, errorName: ERROR_NAMES.get(event.kafkaErrorCode) ?? 'UNKNOWN_ERROR', errorMessage: null },
          client: softwareJson(event.clientSoftware),
        });
      }
      return `${event.peer} re-authentication refused: ${chainText(event.error)} | kafka: ${kafkaErrorName(event.kafkaErrorCode)} |${softwareText(event.clientSoftware)}`;
    }
    case 'closed': {
      const challenge = event.challenge;
      if (json) {
        const chain = challenge === null ? [] : errorChain(challenge.error);
        return JSON.stringify({
          event: 'closed', connection: event.connection, peer: event.peer, by: event.by,
          code: event.reason?.code ?? null, message: event.reason?.message ?? null, causes: event.reason === null ? [] : errorChain(event.reason).slice(1),
          socketError: event.socketError, state: event.state, afterFailure: event.afterFailure, failedAuthenticationDelayMs: event.failedAuthenticationDelayMs,
          challenge: challenge === null ? null
            : { text: challenge.text, status: challenge.error.status ?? null, code: challenge.error.code, message: challenge.error.message, causes: chain.slice(1) },
        });
      }
      // Only the failure line gives a failure's reason; the close after it says only that it followed.
      const after = event.afterFailure
        ? (event.by === 'broker' ? ' after the failed authentication'
          : ` after the failed authentication, during connection.failed.authentication.delay.ms (${event.failedAuthenticationDelayMs} ms), before the broker answered or closed`)
        : challenge === null ? '' : ` after the error challenge ${challenge.text}, without the %x01 reply: ${chainText(challenge.error)}`;
      if (event.by === 'broker' && event.reason !== null) {
        return event.afterFailure ? `${event.peer} closed by broker${after}` : `${event.peer} closed by broker: ${chainText(event.reason)}${after === '' ? '' : ` (${after.trim()})`}`;
      }
      return `${event.peer} closed by client${event.socketError === null ? '' : `: ${event.socketError}`}${after} (state ${event.state})`;
    }
    case 'tls-failed':
      return json ? JSON.stringify({ event: 'tls-failed', peer: event.peer, message: event.message }) : `${event.peer} tls failed: ${event.message}`;
  }
}

/**
 * serve's event lines, written together: the lines of one turn of the event loop go out in one write (flushed on
 * setImmediate, at close and at process exit), not one write per line, so a busy broker makes one system call (and
 * wakes its reader once) per turn rather than two or three per connection. The lines and their order are unchanged.
 */
function lineBatcher(io: CliIO): { push(line: string): void; close(): void } {
  let pending: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join('\n');
    pending = [];
    io.out(text);
  };
  process.once('exit', flush);
  return {
    push(line) {
      pending.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    close() {
      flush();
      process.off('exit', flush);
    },
  };
}

interface ServeArgs {
  listen?: string;
  config?: string;
  json: boolean;
  help: boolean;
}

function parseArgs(argv: readonly string[]): ServeArgs {
  const args: ServeArgs = { json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `${a} needs a value`);
      return v;
    };
    if (a === '--listen') args.listen = value();
    else if (a.startsWith('--listen=')) args.listen = a.slice('--listen='.length);
    else if (a === '--config') args.config = value();
    else if (a.startsWith('--config=')) args.config = a.slice('--config='.length);
    else if (a === '--json') args.json = true;
    else if (a === '--help' || a === '-h') args.help = true;
    else throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `unknown argument "${a}"`);
  }
  return args;
}

async function readConfig(path: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new OAuthBearerError('ERR_FILE', `${path} could not be read: ${(cause as Error).message}`, { cause });
  }
  return parseProperties(text);
}

async function run(argv: readonly string[], io: CliIO): Promise<number> {
  let args: ServeArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    io.err(`oauthbearer serve: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (args.help) {
    io.out(USAGE);
    return EXIT_OK;
  }
  let broker;
  let lines: ReturnType<typeof lineBatcher> | null = null;
  let validatorClose = (): void => {};
  try {
    const props = args.config === undefined ? new Map<string, string>() : await readConfig(args.config);
    const config = parseBrokerConfig(props, args.listen);
    for (const warning of config.warnings) io.err(`oauthbearer serve: note: ${warning}`);
    let tls = null;
    if (config.listener.securityProtocol === 'SASL_SSL') {
      const material = await loadTlsMaterial(config.props);
      if (material.key === undefined && material.pfx === undefined) {
        throw new OAuthBearerError('ERR_CONFIG', 'A SASL_SSL listener needs a keystore: ssl.keystore.type=PEM with ssl.keystore.location, or ssl.keystore.key and ssl.keystore.certificate.chain');
      }
      if (config.clientAuth !== 'none' && material.ca === undefined) {
        io.err(`oauthbearer serve: note: ssl.client.auth=${config.clientAuth} without ssl.truststore.*: client certificates are checked against the system CAs`);
      }
      tls = { material, clientAuth: config.clientAuth };
    }
    if (io.signal.aborted) return EXIT_OK;
    const validator = await createConfiguredValidator(config.validator);
    validatorClose = validator.close;
    io.err(`oauthbearer serve: validating ${validator.describe}`);
    const json = args.json;
    lines = lineBatcher(io);
    const out = lines;
    broker = await startBroker({
      host: config.listener.host,
      port: config.listener.port,
      tls,
      session: {
        mechanisms: config.mechanisms, maxReauthMs: config.maxReauthMs, maxReceiveBytes: config.maxReceiveBytes, idleTimeoutMs: config.idleTimeoutMs,
        failedAuthenticationDelayMs: config.failedAuthenticationDelayMs,
        broker: { nodeId: config.nodeId, rack: config.rack, clusterId: config.clusterId, ...(config.advertised ?? {}) },
      },
      validator: validator.validator,
      onEvent(event) {
        const line = formatEvent(event, json);
        if (line !== null) out.push(line);
      },
    });
    const address = `${broker.host.includes(':') ? `[${broker.host}]` : broker.host}:${broker.port}`;
    io.out(json
      ? JSON.stringify({ event: 'listening', listen: address, host: broker.host, port: broker.port, securityProtocol: config.listener.securityProtocol, validator: config.validator.kind })
      : `listening on ${address}`);
  } catch (error) {
    lines?.close();
    validatorClose();
    if (!isOAuthBearerError(error)) throw error;
    io.err(`oauthbearer serve: ${chainText(error)}`);
    return EXIT_USAGE;
  }
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await broker.close();
  lines!.close();
  validatorClose();
  io.out(args.json ? JSON.stringify({ event: 'stopped' }) : 'stopped');
  return EXIT_OK;
}

/** `oauthbearer serve`. */
export const command: Command = {
  name: 'serve',
  summary: 'a Kafka broker that authenticates OAUTHBEARER clients and explains every failure',
  usage: USAGE,
  run,
};
