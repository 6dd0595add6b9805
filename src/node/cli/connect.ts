/**
 * `oauthbearer connect`: authenticates to a Kafka broker the way a Kafka client with the same properties would,
 * prints the broker's metadata, and with `--stay` keeps the connection, re-authenticating when KIP-368 says so.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { OAuthBearerError, isOAuthBearerError } from '../../errors.js';
import { configString, parseProperties } from '../../kafka/properties.js';
import type { MetadataResponse } from '../../kafka/wire/messages.js';
import { parseClientConfig } from '../client-config.js';
import { parseHostPort } from '../broker-config.js';
import { startTokenHolder } from '../holder.js';
import { connectBroker, type BrokerConnection, type ClientEvent } from '../net/client.js';
import { loadTlsMaterial, SSL_CONFIG } from '../net/tls.js';
import { errorChain } from './serve.js';
import { EXIT_OK, EXIT_REFUSED, EXIT_USAGE, type CliIO, type Command } from './io.js';

const USAGE = `Usage: oauthbearer connect --bootstrap HOST:PORT --config client.properties [--stay SECONDS]

Authenticates to a Kafka broker with SASL/OAUTHBEARER as a Kafka client with these properties would, prints the
broker's metadata, and with --stay keeps the connection open for SECONDS, re-authenticating when the broker's
session lifetime says so (KIP-368) and printing each re-authentication.

  --bootstrap HOST:PORT  the broker
  --config FILE          Kafka client properties: security.protocol=SASL_PLAINTEXT|SASL_SSL,
                         sasl.mechanism=OAUTHBEARER, sasl.jaas.config (OAuthBearerLoginModule with unsecuredLogin*
                         options, or with sasl.login.callback.handler.class=...OAuthBearerLoginCallbackHandler:
                         sasl.oauthbearer.token.endpoint.url, client credentials or assertion settings),
                         ssl.truststore.* and ssl.keystore.* (PEM), ssl.endpoint.identification.algorithm
  --stay SECONDS         keep the connection this long (SIGINT/SIGTERM end it early)

Lines: "connected to HOST:PORT (PROTOCOL)", "authenticated principal=... session_lifetime_ms=N
reauthenticate_in_ms=N|none", "metadata cluster_id=... controller_id=N brokers=N topics=N", one "broker ID HOST:PORT"
per broker, "re-authenticated ...", "authentication failed: ...", "closed".

Exit codes: 0 authenticated (and stayed), 1 refused or the connection failed, 2 usage or configuration error.
`;

interface ConnectArgs {
  bootstrap?: string;
  config?: string;
  staySeconds: number | null;
  help: boolean;
}

function parseArgs(argv: readonly string[]): ConnectArgs {
  const args: ConnectArgs = { staySeconds: null, help: false };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `${a} needs a value`);
      return v;
    };
    if (a === '--bootstrap' || a === '--bootstrap-server') args.bootstrap = value();
    else if (a === '--config') args.config = value();
    else if (a === '--stay') {
      const v = value();
      const n = Number(v);
      if (!/^\d+(\.\d+)?$/.test(v) || !Number.isFinite(n)) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `--stay takes a number of seconds, not "${v}"`);
      args.staySeconds = n;
    } else if (a === '--help' || a === '-h') args.help = true;
    else throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `unknown argument "${argv[i]}"`);
  }
  if (!args.help && args.bootstrap === undefined) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', '--bootstrap HOST:PORT is required');
  if (!args.help && args.config === undefined) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', '--config client.properties is required');
  return args;
}

function chainText(error: unknown): string {
  return errorChain(error).map((e) => `${e.code}: ${e.message}`).join(' ← ');
}

function packageVersion(): Promise<string> {
  return readFile(new URL('../../../package.json', import.meta.url), 'utf8')
    .then((text) => String((JSON.parse(text) as { version?: unknown }).version ?? '0'), () => '0');
}

function metadataLines(body: MetadataResponse): string[] {
  const lines = [
    `metadata cluster_id=${JSON.stringify(body.clusterId ?? null)} controller_id=${body.controllerId ?? -1} brokers=${body.brokers.length} topics=${body.topics.length}`,
  ];
  for (const b of body.brokers) lines.push(`broker ${b.nodeId} ${b.host.includes(':') ? `[${b.host}]` : b.host}:${b.port}${b.rack ? ` rack=${JSON.stringify(b.rack)}` : ''}`);
  for (const t of body.topics) lines.push(`topic ${JSON.stringify(t.name)} error_code=${t.errorCode} partitions=${t.partitions.length}`);
  return lines;
}

/** Waits for the next event that is not metadata (unless `wantMetadata`), bounded by `timeoutMs`. */
async function nextEvent(connection: BrokerConnection, timeoutMs: number, signal?: AbortSignal): Promise<ClientEvent | null> {
  return connection.next(timeoutMs, signal);
}

async function run(argv: readonly string[], io: CliIO): Promise<number> {
  let args: ConnectArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    io.err(`oauthbearer connect: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (args.help) {
    io.out(USAGE);
    return EXIT_OK;
  }
  let config;
  let target;
  let tls = null;
  try {
    target = parseHostPort(args.bootstrap!, '--bootstrap');
    let text: string;
    try {
      text = await readFile(args.config!, 'utf8');
    } catch (cause) {
      throw new OAuthBearerError('ERR_FILE', `${args.config} could not be read: ${(cause as Error).message}`, { cause });
    }
    config = parseClientConfig(parseProperties(text));
    for (const warning of config.warnings) io.err(`oauthbearer connect: note: ${warning}`);
    if (config.securityProtocol === 'SASL_SSL') {
      tls = {
        material: await loadTlsMaterial(config.props),
        checkHostname: configString(config.props, SSL_CONFIG.endpointIdentificationAlgorithm, 'https') !== '',
      };
    }
  } catch (error) {
    if (!isOAuthBearerError(error)) throw error;
    io.err(`oauthbearer connect: ${chainText(error)}`);
    return EXIT_USAGE;
  }

  const holder = startTokenHolder(config.fetchToken, config.refresh);
  let connection: BrokerConnection | null = null;
  try {
    await Promise.race([holder.ready, new Promise((resolve) => io.signal.addEventListener('abort', resolve, { once: true }))]);
    const token = holder.holder.token;
    if (token === null) {
      const last = holder.holder.snapshot().lastError;
      io.err(`oauthbearer connect: no token: ${last === null ? 'the login produced none' : `${last.code}: ${last.message}`}`);
      return EXIT_REFUSED;
    }
    const extensions = config.extensions;
    try {
      connection = await connectBroker({
        host: target.host, port: target.port, tls,
        session: { clientId: config.clientId, softwareName: 'oauthbearer', softwareVersion: await packageVersion(), requestTimeoutMs: config.requestTimeoutMs },
        token: () => {
          const current = holder.holder.token;
          return current === null ? { error: new OAuthBearerError('ERR_TOKEN_PROVIDER', 'The login holds no token') } : { value: current.value, extensions };
        },
      });
    } catch (error) {
      io.err(`oauthbearer connect: ${chainText(error)}`);
      return EXIT_REFUSED;
    }
    io.out(`connected to ${args.bootstrap} (${config.securityProtocol})`);
    const timeoutMs = config.requestTimeoutMs * 3 + 1000;
    const describe = (event: Extract<ClientEvent, { type: 'authenticated' }>): string => {
      const principal = holder.holder.token?.principal ?? null;
      const inMs = event.reauthAtMs === null ? 'none' : String(Math.max(0, event.reauthAtMs - event.atMs));
      return `${event.reauthentication ? 're-authenticated' : 'authenticated'} principal=${JSON.stringify(principal)} session_lifetime_ms=${event.sessionLifetimeMs} reauthenticate_in_ms=${inMs}`;
    };
    /** Reports an event that ends the run; returns its exit code, or null to go on. */
    const ending = (event: ClientEvent | null, what: string): number | null => {
      if (event === null) {
        io.out(`${what}: no answer within ${timeoutMs} ms`);
        return EXIT_REFUSED;
      }
      if (event.type === 'failed') {
        io.out(`authentication failed: ${chainText(event.error)}`);
        return EXIT_REFUSED;
      }
      if (event.type === 'closed') {
        io.out(`closed by ${event.by}${event.reason === null ? '' : `: ${chainText(event.reason)}`}${event.socketError === null ? '' : ` (${event.socketError})`}`);
        return EXIT_REFUSED;
      }
      return null;
    };

    let event = await nextEvent(connection, timeoutMs, io.signal);
    if (io.signal.aborted) return EXIT_OK;
    const early = ending(event, 'authentication');
    if (early !== null) return early;
    if (event!.type === 'authenticated') io.out(describe(event as Extract<ClientEvent, { type: 'authenticated' }>));
    connection.requestMetadata(null);
    for (;;) {
      event = await nextEvent(connection, timeoutMs, io.signal);
      if (io.signal.aborted) return EXIT_OK;
      const end = ending(event, 'metadata');
      if (end !== null) return end;
      if (event!.type === 'metadata') {
        for (const line of metadataLines(event!.body)) io.out(line);
        break;
      }
      if (event!.type === 'authenticated') io.out(describe(event!));
    }
    if (args.staySeconds !== null) {
      const until = Date.now() + args.staySeconds * 1000;
      while (!io.signal.aborted && Date.now() < until) {
        event = await nextEvent(connection, until - Date.now(), io.signal);
        if (event === null) break;
        const end = ending(event, 'stay');
        if (end !== null) return end;
        if (event.type === 'authenticated') io.out(describe(event));
        if (event.type === 'metadata') for (const line of metadataLines(event.body)) io.out(line);
      }
    }
    io.out('closed');
    return EXIT_OK;
  } finally {
    connection?.close();
    await holder.stop();
  }
}

/** `oauthbearer connect`. */
export const command: Command = {
  name: 'connect',
  summary: 'authenticate to a Kafka broker as a Kafka client would, print its metadata, stay and re-authenticate',
  usage: USAGE,
  run,
};
