/**
 * `oauthbearer bench HOST:PORT`: an authentication load generator for any Kafka-protocol broker. Each connection is
 * a `node:net` socket driven by the client machine (src/kafka/wire/client.ts): ApiVersions, SaslHandshake,
 * SaslAuthenticate with OAUTHBEARER, and KIP-368 re-authentication when the broker's session lifetime asks.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { connect as netConnect, isIP } from 'node:net';
import { OAuthBearerError, isOAuthBearerError } from '../../errors.js';
import { createUnsecuredJws } from '../../kafka/unsecured.js';
import { createClientSession, type ClientSession } from '../../kafka/wire/index.js';
import { parseHostPort } from '../broker-config.js';
import { EXIT_OK, EXIT_REFUSED, EXIT_USAGE, type CliIO, type Command } from './io.js';

const USAGE = `Usage: oauthbearer bench [HOST:PORT] [--connections N] [--mode new|reauth] [--rate PER_SECOND]
                         [--duration SECONDS] [--count N] [--token-file FILE | --principal NAME]
                         [--allow-remote] [--json]

Loads a Kafka-protocol broker with SASL/OAUTHBEARER authentications and reports authentications per second,
latency percentiles and errors by kind. HOST:PORT defaults to 127.0.0.1:9092.

  --connections N      connections at a time (default 8)
  --mode new           each connection authenticates once and closes; the next one opens (default)
  --mode reauth        N connections authenticate and stay open, re-authenticating on KIP-368's schedule, at
                       85-95 % of the broker's session lifetime; counts re-authentications. Kafka's broker takes
                       one re-authentication per connection per second at most, so set its
                       connections.max.reauth.ms to 1200 or more and open many connections to load it
  --rate PER_SECOND    new mode: open at most this many connections per second (default: as fast as they finish)
  --duration SECONDS   stop after this long (default 10); in reauth mode counted from when every connection has
                       authenticated once, and only re-authentications that start after that are counted
  --count N            stop after N authentications (re-authentications in reauth mode) have started
  --token-file FILE    tokens to send, one per line, used in turn (default: unsecured tokens, alg "none",
                       subject --principal, default "bench", made fresh per authentication)
  --allow-remote       allow a broker that is not on a loopback address (refused by default: this is a load test)
  --json               print the result as one JSON object

Latency is from the connection's start (new) or the re-authentication's start (reauth) to the broker's
successful SaslAuthenticate response. An authentication still in flight when --duration ends is counted as
"unfinished", not as an error.

Exit codes: 0 every authentication succeeded, 1 some failed, 2 usage error.
`;

/** How long a stop waits for authentications in flight before it abandons them. */
const DRAIN_MS = 5_000;
/** The client machine's request timeout during a bench. */
const REQUEST_TIMEOUT_MS = 10_000;

interface BenchOptions {
  host: string;
  port: number;
  connections: number;
  mode: 'new' | 'reauth';
  rate: number | null;
  durationMs: number;
  count: number | null;
  tokens: readonly string[] | null;
  principal: string;
  json: boolean;
}

/** What a run counted; `started = ok + failed + unfinished`. */
export interface BenchReport {
  readonly target: string;
  readonly mode: 'new' | 'reauth';
  readonly connections: number;
  readonly elapsedMs: number;
  readonly started: number;
  readonly ok: number;
  readonly failed: number;
  readonly unfinished: number;
  /** Successful authentications per second of elapsed time. */
  readonly perSecond: number;
  /** Latency percentiles in milliseconds, null when nothing succeeded. */
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly p999: number; readonly max: number } | null;
  /** Failures by kind: the error code (and Kafka error message when the broker sent one), or the socket error. */
  readonly errors: Readonly<Record<string, number>>;
  /** Connections opened, and (reauth mode) first authentications that were not counted as re-authentications. */
  readonly connectionsOpened: number;
}

function usage(io: CliIO, message: string): number {
  io.err(`bench: ${message}`);
  io.err('Run "oauthbearer bench --help" for usage.');
  return EXIT_USAGE;
}

function positiveInteger(text: string | undefined, name: string): number {
  const n = Number(text);
  if (text === undefined || !Number.isSafeInteger(n) || n < 1) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `${name} must be a positive integer, not ${text === undefined ? 'nothing' : JSON.stringify(text)}`);
  return n;
}

function positiveNumber(text: string | undefined, name: string): number {
  const n = Number(text);
  if (text === undefined || !Number.isFinite(n) || n <= 0) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `${name} must be a positive number, not ${text === undefined ? 'nothing' : JSON.stringify(text)}`);
  return n;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

async function parseArgs(argv: readonly string[]): Promise<BenchOptions> {
  let target = '127.0.0.1:9092';
  let targetGiven = false;
  const o: BenchOptions = { host: '', port: 0, connections: 8, mode: 'new', rate: null, durationMs: 10_000, count: null, tokens: null, principal: 'bench', json: false };
  let tokenFile: string | null = null;
  let allowRemote = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string | undefined => argv[++i];
    switch (a) {
      case '--connections': o.connections = positiveInteger(value(), '--connections'); break;
      case '--mode': {
        const m = value();
        if (m !== 'new' && m !== 'reauth') throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `--mode must be new or reauth, not ${JSON.stringify(m ?? '')}`);
        o.mode = m;
        break;
      }
      case '--rate': o.rate = positiveNumber(value(), '--rate'); break;
      case '--duration': o.durationMs = positiveNumber(value(), '--duration') * 1000; break;
      case '--count': o.count = positiveInteger(value(), '--count'); break;
      case '--token-file': tokenFile = value() ?? ''; break;
      case '--principal': o.principal = value() ?? ''; break;
      case '--allow-remote': allowRemote = true; break;
      case '--json': o.json = true; break;
      default:
        if (a.startsWith('-') || targetGiven) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `unknown argument ${JSON.stringify(a)}`);
        target = a;
        targetGiven = true;
    }
  }
  const { host, port } = parseHostPort(target, 'HOST:PORT');
  if (port === 0) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', 'HOST:PORT needs a port other than 0');
  if (!allowRemote && !isLoopback(host)) {
    throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `${host} is not a loopback address; pass --allow-remote to load a broker elsewhere`);
  }
  o.host = host;
  o.port = port;
  if (o.principal === '') throw new OAuthBearerError('ERR_USAGE_ARGUMENT', '--principal must not be empty');
  if (o.rate !== null && o.mode === 'reauth') throw new OAuthBearerError('ERR_USAGE_ARGUMENT', '--rate applies to --mode new; in reauth mode the broker\'s session lifetime sets the pace');
  if (tokenFile !== null) {
    let text: string;
    try {
      text = await readFile(tokenFile, 'utf8');
    } catch (cause) {
      throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `--token-file ${tokenFile} cannot be read: ${(cause as Error).message}`, { cause });
    }
    const tokens = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    if (tokens.length === 0) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `--token-file ${tokenFile} holds no token (one per line)`);
    o.tokens = tokens;
  }
  return o;
}

/** The kind of a failure, for the errors table: its code, and the broker's message when it sent one. */
function kindOf(error: unknown): string {
  if (isOAuthBearerError(error)) {
    const cause = error.cause as { code?: unknown } | undefined;
    return typeof cause?.code === 'string' && error.code === 'ERR_NETWORK' ? `${error.code} ${cause.code}` : error.code;
  }
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'Error';
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Runs the load; resolves with the counts once stopped and drained. */
export async function runBench(o: BenchOptions, signal: AbortSignal): Promise<BenchReport> {
  const startMs = performance.now();
  // The measured window: from the start (new mode), or from when every connection has authenticated once (reauth
  // mode: opening many connections takes a while, and no re-authentication is due before a session has passed).
  let windowStart: number | null = o.mode === 'new' ? startMs : null;
  let deadline = o.mode === 'new' ? startMs + o.durationMs : Number.POSITIVE_INFINITY;
  let settled = 0; // reauth mode: connections whose first authentication ended (either way)
  let latencies = new Float64Array(1024);
  let ok = 0;
  let failed = 0;
  let started = 0;
  let opened = 0;
  const errors: Record<string, number> = {};
  let tokenIndex = 0;
  const nextToken = (): string => {
    if (o.tokens !== null) return o.tokens[tokenIndex++ % o.tokens.length]!;
    return createUnsecuredJws({ unsecuredLoginStringClaim_sub: o.principal }, Date.now()).value;
  };
  let stopping = false;
  const mayStart = (): boolean => !stopping && !signal.aborted && performance.now() < deadline && (o.count === null || started < o.count);
  let openWindow = (): void => {};
  const record = (ms: number): void => {
    if (ok === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[ok++] = ms;
  };
  const fail = (kind: string): void => {
    failed++;
    errors[kind] = (errors[kind] ?? 0) + 1;
  };

  // Open connections: whether an authentication is in flight on them, and how to end them.
  const live = new Set<{ busy(): boolean; end(): void }>();
  // Resolves when the connection is over; `pending` says whether an authentication it started is unfinished.
  const connection = (): Promise<void> => new Promise<void>((resolve) => {
    opened++;
    const socket = netConnect({ host: o.host, port: o.port });
    socket.setNoDelay(true);
    const session: ClientSession = createClientSession({ clientId: 'oauthbearer-bench', random: Math.random, requestTimeoutMs: REQUEST_TIMEOUT_MS });
    let attemptAt = performance.now();
    let inFlight = false; // an authentication counted in `started` that has not finished
    let timer: ReturnType<typeof setTimeout> | null = null;
    let done = false;
    let first = o.mode === 'reauth';
    const settle = (): void => {
      if (!first) return;
      first = false;
      if (++settled === o.connections) openWindow();
    };
    const begin = (): boolean => {
      if (!mayStart()) return false;
      // A re-authentication due before the window opened goes ahead uncounted.
      if (windowStart === null) return true;
      started++;
      inFlight = true;
      attemptAt = performance.now();
      return true;
    };
    const finish = (): void => {
      if (done) return;
      done = true;
      if (timer !== null) clearTimeout(timer);
      live.delete(handle);
      socket.destroy();
      resolve();
    };
    const handle = { busy: () => inFlight, end: finish };
    live.add(handle);
    const onFailure = (kind: string): void => {
      settle();
      if (inFlight) fail(kind);
      inFlight = false;
      finish();
    };
    const arm = (): void => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      const at = session.pollTimeout();
      if (at === null || done) return;
      timer = setTimeout(() => {
        timer = null;
        const before = session.state;
        session.handleTimeout(Date.now());
        // A KIP-368 re-authentication starts with its SaslHandshake, sent now.
        if (before === 'authenticated' && session.state !== 'authenticated' && session.state !== 'closed' && !begin()) {
          finish();
          return;
        }
        drain();
      }, Math.max(0, at - Date.now()));
    };
    const drain = (): void => {
      for (let a = session.poll(); a !== null && !done; a = session.poll()) {
        switch (a.type) {
          case 'send':
            socket.write(a.bytes);
            break;
          case 'need-token':
            session.tokenProvided({ value: nextToken() }, Date.now());
            break;
          case 'authenticated':
            if (!a.reauthentication) settle();
            if (inFlight && (o.mode === 'new' || a.reauthentication)) {
              record(performance.now() - attemptAt);
              inFlight = false;
            }
            if (o.mode === 'new') {
              finish();
              return;
            }
            if (a.reauthAtMs === null) {
              // No KIP-368 session on this broker: nothing more to measure on this connection.
              onFailure('no re-authentication (the broker sets no session lifetime: set connections.max.reauth.ms)');
              return;
            }
            if (!mayStart()) {
              finish();
              return;
            }
            break;
          case 'failed':
            onFailure(`${a.error.code}: ${a.error.message.slice(0, 120)}`);
            return;
          case 'close':
            onFailure(kindOf(a.reason));
            return;
          case 'metadata':
            break;
        }
      }
      arm();
    };
    // In new mode the connection is the attempt; in reauth mode the first authentication is not counted.
    if (o.mode === 'new') begin();
    else attemptAt = performance.now();
    socket.on('connect', () => {
      session.start(Date.now());
      drain();
    });
    socket.on('data', (bytes: Buffer) => {
      session.receive(bytes, Date.now());
      drain();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => onFailure(`socket ${error.code ?? error.message}`));
    socket.on('close', () => onFailure(session.state === 'closed' ? 'closed by the broker' : `closed by the broker in state ${session.state}`));
  });

  const workers: Promise<void>[] = [];
  if (o.mode === 'new') {
    // Each worker keeps one connection at a time; --rate spaces the starts of all workers together.
    const interval = o.rate === null ? 0 : 1000 / o.rate;
    let nextStart = performance.now();
    for (let w = 0; w < o.connections; w++) {
      workers.push((async () => {
        while (mayStart()) {
          if (interval > 0) {
            const wait = nextStart - performance.now();
            nextStart = Math.max(nextStart, performance.now()) + interval;
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            if (!mayStart()) break;
          }
          await connection();
        }
      })());
    }
  } else {
    for (let w = 0; w < o.connections; w++) workers.push(connection());
  }
  // The stop: at the deadline or on abort, stop starting; after DRAIN_MS, abandon what is still in flight.
  let stopTimer: ReturnType<typeof setTimeout> | null = null;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // Idle connections (reauth mode, between re-authentications) end now; busy ones when their attempt ends.
    for (const c of [...live]) if (!c.busy()) c.end();
    stopTimer = setTimeout(() => {
      for (const c of [...live]) c.end();
    }, DRAIN_MS);
  };
  let deadlineTimer: ReturnType<typeof setTimeout> | null = null;
  openWindow = (): void => {
    if (windowStart !== null) return;
    windowStart = performance.now();
    deadline = windowStart + o.durationMs;
    deadlineTimer = setTimeout(stop, o.durationMs);
  };
  if (o.mode === 'new') deadlineTimer = setTimeout(stop, o.durationMs);
  else if (settled === o.connections) openWindow();
  const onAbort = (): void => stop();
  signal.addEventListener('abort', onAbort, { once: true });
  await Promise.all(workers);
  if (deadlineTimer !== null) clearTimeout(deadlineTimer);
  if (stopTimer !== null) clearTimeout(stopTimer);
  signal.removeEventListener('abort', onAbort);
  const from = windowStart ?? performance.now();
  const elapsedMs = Math.max(0, Math.min(performance.now(), deadline) - from);
  const sorted = latencies.slice(0, ok).sort();
  return {
    target: `${o.host}:${o.port}`, mode: o.mode, connections: o.connections, elapsedMs,
    started, ok, failed, unfinished: started - ok - failed,
    perSecond: elapsedMs > 0 ? (ok * 1000) / elapsedMs : 0,
    latencyMs: ok === 0 ? null : { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), p999: percentile(sorted, 0.999), max: sorted[ok - 1]! },
    errors, connectionsOpened: opened,
  };
}

function formatReport(r: BenchReport): string[] {
  const ms = (x: number): string => (x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const what = r.mode === 'new' ? 'new connections' : 're-authentications on open connections';
  const lines = [
    `bench ${r.target}: ${what}, ${r.connections} at a time, ${(r.elapsedMs / 1000).toFixed(1)} s`,
    `authentications ${r.started} started: ${r.ok} ok, ${r.failed} failed, ${r.unfinished} unfinished; ${r.perSecond.toFixed(0)}/s`,
    r.latencyMs === null ? 'latency: none succeeded' : `latency ms: p50 ${ms(r.latencyMs.p50)} p99 ${ms(r.latencyMs.p99)} p999 ${ms(r.latencyMs.p999)} max ${ms(r.latencyMs.max)}`,
  ];
  const kinds = Object.entries(r.errors).sort((a, b) => b[1] - a[1]);
  lines.push(kinds.length === 0 ? 'errors: none' : `errors: ${kinds.map(([k, n]) => `${n}× ${k}`).join('; ')}`);
  return lines;
}

export const command: Command = {
  name: 'bench',
  summary: 'load a Kafka broker with OAUTHBEARER authentications; authentications/s, latency, errors',
  usage: USAGE,
  async run(argv, io) {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out(USAGE.trimEnd());
      return EXIT_OK;
    }
    let options: BenchOptions;
    try {
      options = await parseArgs(argv);
    } catch (error) {
      if (isOAuthBearerError(error) && (error.code === 'ERR_USAGE_ARGUMENT' || error.code === 'ERR_CONFIG')) return usage(io, error.message);
      throw error;
    }
    const report = await runBench(options, io.signal);
    if (options.json) io.out(JSON.stringify(report));
    else for (const line of formatReport(report)) io.out(line);
    return report.failed > 0 || report.ok === 0 ? EXIT_REFUSED : EXIT_OK;
  },
};
