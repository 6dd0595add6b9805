/**
 * `oauthbearer probe HOST:PORT [--tls] [--fuzz N --seed S]`: a conformance and fuzz harness for Kafka brokers and
 * proxies. Each case (src/node/cli/probe-cases.ts) runs on a fresh connection and prints how the broker answered
 * next to what Kafka's broker answers; `--fuzz` sends N mutated client initial responses (src/node/cli/fuzz.ts) and
 * reports hangs, dropped connections without an answer, acceptance of an invalid message and other differences.
 * Every wait is bounded (`--timeout-ms`).
 * @module
 */
import { readFile } from 'node:fs/promises';
import { OAuthBearerError } from '../../errors.js';
import { apiName } from '../../kafka/wire/constants.js';
import { redactedMessage } from '../decode.js';
import { escapeBytes } from '../render.js';
import { integerOption, parseCommandArgs, stringOption, usageError } from './args.js';
import { EXIT_OK, EXIT_REFUSED, type CliIO, type Command } from './io.js';
import { ProbeConnection, parseHostPort, type ProbeTarget } from './probe-connection.js';
import { describeResponse, goodClaims, probeCases, readResponse, saslCase, unsecuredToken, vectorCases, type ProbeCase } from './probe-cases.js';
import { mutatedInitialResponse } from './fuzz.js';

/** How a case ended. */
export type CaseOutcome = 'match' | 'differs' | 'hang' | 'dropped' | 'accepted-invalid' | 'unreachable';

/** One case's result: the broker's answers and Kafka's, step by step. */
export interface CaseResult {
  readonly id: string;
  readonly title: string;
  readonly outcome: CaseOutcome;
  readonly broker: readonly string[];
  readonly kafka: readonly string[];
  /** Where and how the answers first differ. */
  readonly problem: string | null;
}

/** Default bound on each wait for the broker (connect, each answer, each close). */
export const DEFAULT_PROBE_TIMEOUT_MS = 5000;

/** Runs one case on a fresh connection. Never throws for what the broker does. */
export async function runCase(c: ProbeCase, target: ProbeTarget, timeoutMs: number): Promise<CaseResult> {
  const broker: string[] = [];
  const kafka: string[] = [];
  let conn: ProbeConnection;
  try {
    conn = await ProbeConnection.open(target, timeoutMs);
  } catch (err) {
    if (!(err instanceof OAuthBearerError)) throw err;
    return { id: c.id, title: c.title, outcome: 'unreachable', broker: ['cannot connect'], kafka: [], problem: err.message };
  }
  const result = (outcome: CaseOutcome, problem: string | null): CaseResult => ({ id: c.id, title: c.title, outcome, broker, kafka, problem });
  try {
    let accepted = false;
    for (const step of c.steps) {
      if (step.send !== null) conn.send(step.send);
      const e = step.expect;
      kafka.push(e.kind === 'response' ? `${apiName(e.apiKey)} v${e.apiVersion}: ${e.kafka}` : e.kafka);
      const arrival = await conn.next(timeoutMs);
      const where = `after ${step.sent}`;
      if (arrival.kind === 'timeout') {
        broker.push(e.kind === 'close' ? `kept the connection open for ${timeoutMs} ms` : `no answer within ${timeoutMs} ms`);
        return result(e.kind === 'close' ? 'differs' : 'hang', `${where}: ${broker.at(-1)!}`);
      }
      if (arrival.kind === 'bad-frame') {
        broker.push(`a bad frame: ${arrival.error.message}`);
        return result('differs', `${where}: ${broker.at(-1)!}`);
      }
      if (arrival.kind === 'closed') {
        broker.push('closed the connection');
        if (e.kind === 'close') continue;
        return result(accepted ? 'differs' : 'dropped', `${where}: the broker closed the connection without an answer; Kafka answers ${kafka.at(-1)!}`);
      }
      if (e.kind === 'close') {
        broker.push(`answered (a frame of ${arrival.bytes.length} bytes) instead of closing`);
        return result('differs', `${where}: the broker answered; Kafka ${e.kafka}`);
      }
      if (e.kind === 'raw') {
        broker.push(`a raw frame of ${arrival.bytes.length} bytes${arrival.bytes.length === 0 ? '' : ` "${escapeBytes(arrival.bytes.subarray(0, 80))}"`}`);
        const problem = e.check(arrival.bytes);
        if (problem !== null) return result('differs', `${where}: ${problem}`);
        continue;
      }
      const read = readResponse(arrival.bytes, e);
      if ('problem' in read) {
        broker.push(read.problem);
        return result('differs', `${where}: ${read.problem}`);
      }
      broker.push(`${apiName(e.apiKey)} v${e.apiVersion}: ${describeResponse(e.apiKey, read.body)}`);
      const body = read.body as { errorCode?: number; authBytes?: Uint8Array };
      if (e.apiKey === 36 && body.errorCode === 0 && body.authBytes?.length === 0) accepted = true;
      const problem = e.check(read.body);
      if (problem !== null) {
        const invalidAccepted = accepted && c.kafkaAccepts === false;
        return result(invalidAccepted ? 'accepted-invalid' : 'differs', `${where}: ${problem}`);
      }
    }
    return result('match', null);
  } finally {
    conn.destroy();
  }
}

/** Runs `count` items through `work` with at most `concurrency` at once; results in input order. */
async function pool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

function printCase(r: CaseResult, out: (line: string) => void): void {
  out(`${(r.outcome === 'match' ? 'match' : 'DIFFERS').padEnd(8)} ${r.id}: ${r.title}`);
  out(`         broker: ${r.broker.join(' → ')}`);
  out(`         kafka:  ${r.kafka.join(' → ')}`);
  if (r.problem !== null) out(`         first difference ${r.problem}`);
}

async function loadVectors(name: string): Promise<unknown> {
  // The package ships spec-vectors/ next to dist/ (src/node/cli and dist/node/cli are three levels down).
  return JSON.parse(await readFile(new URL(`../../../spec-vectors/${name}`, import.meta.url), 'utf8'));
}

async function checkReachable(target: ProbeTarget, timeoutMs: number): Promise<void> {
  const conn = await ProbeConnection.open(target, timeoutMs);
  conn.destroy();
}

async function runBattery(target: ProbeTarget, timeoutMs: number, only: string | undefined, io: CliIO): Promise<number> {
  const nowMs = Date.now();
  const all = [...await probeCases(nowMs, await loadVectors('gs2.json')), ...vectorCases(await loadVectors('broker.json'), nowMs)];
  const cases = only === undefined ? all : all.filter((c) => c.id.startsWith(only));
  if (cases.length === 0) throw usageError('probe', `no case id starts with ${JSON.stringify(only)}; ids: ${all.map((c) => c.id).filter((id) => !/^(gs2|vector):/.test(id)).join(', ')}, gs2:<vector id>, vector:<vector id>`);
  await checkReachable(target, timeoutMs);
  let matched = 0;
  for (const c of cases) {
    const r = await runCase(c, target, timeoutMs);
    printCase(r, (line) => io.out(line));
    if (r.outcome === 'match') matched++;
  }
  io.out(`probe ${target.host}:${target.port}: ${cases.length} cases, ${matched} match Kafka's broker, ${cases.length - matched} differ`);
  return matched === cases.length ? EXIT_OK : EXIT_REFUSED;
}

async function runFuzz(target: ProbeTarget, count: number, seed: number, timeoutMs: number, concurrency: number, io: CliIO): Promise<number> {
  await checkReachable(target, timeoutMs);
  const nowMs = Date.now();
  const token = unsecuredToken(goodClaims(nowMs));
  io.out(`fuzz ${target.host}:${target.port}: ${count} mutated initial responses, seed ${seed} (case i is the same bytes on every run with this seed)`);
  const tally = new Map<CaseOutcome | 'accepted', number>();
  const findings: string[] = [];
  const results = await pool(Array.from({ length: count }, (_, i) => i), concurrency, async (i) => {
    const message = mutatedInitialResponse(token, seed, i, nowMs);
    const c = await saslCase(`fuzz-${i}`, 'mutated initial response', [message, Uint8Array.of(0x01)], nowMs, { apiVersions: false });
    return { i, message, kafkaAccepts: c.kafkaAccepts === true, result: await runCase(c, target, timeoutMs) };
  });
  for (const { i, message, kafkaAccepts, result } of results) {
    const key = result.outcome === 'match' && kafkaAccepts ? 'accepted' : result.outcome;
    tally.set(key, (tally.get(key) ?? 0) + 1);
    if (result.outcome !== 'match') {
      findings.push(`${result.outcome.toUpperCase()} case ${i}: ${redactedMessage(message).slice(0, 300)} (${message.length} bytes)`);
      findings.push(`         ${result.problem ?? ''}`);
    }
  }
  for (const line of findings) io.out(line);
  const liveness = await runCase(await saslCase('still-up', 'a good token after the fuzz', [new TextEncoder().encode(`n,,\x01auth=Bearer ${unsecuredToken(goodClaims(Date.now()))}\x01\x01`)], Date.now()), target, timeoutMs);
  const n = (k: CaseOutcome | 'accepted'): number => tally.get(k) ?? 0;
  io.out(`fuzz seed ${seed}: ${count} cases: ${n('match')} refused as Kafka refuses them, ${n('accepted')} accepted as Kafka accepts them; `
    + `${n('hang')} hang, ${n('dropped')} dropped without an answer, ${n('accepted-invalid')} invalid accepted, ${n('differs')} differ, ${n('unreachable')} unreachable`);
  io.out(`broker still answers a good token after the fuzz: ${liveness.outcome === 'match' ? 'yes' : `NO (${liveness.problem ?? liveness.outcome})`}`);
  return findings.length === 0 && liveness.outcome === 'match' ? EXIT_OK : EXIT_REFUSED;
}

/** `oauthbearer probe`. */
export const command: Command = {
  name: 'probe',
  summary: 'check a broker against Kafka\'s answers: a battery of good and bad SASL cases, or --fuzz N',
  usage: `Usage: oauthbearer probe HOST:PORT [--tls [--ca FILE] [--insecure]] [--timeout-ms MS]
       oauthbearer probe HOST:PORT --fuzz N [--seed S] [--concurrency C] [--tls ...] [--timeout-ms MS]

Sends a battery of cases to a Kafka broker (or proxy) with SASL OAUTHBEARER, each on a fresh connection, and
prints for each how the broker answered next to what Kafka's broker answers: a good unsecured token, a client
that skips ApiVersions, an expired token (error challenge, %x01, failure), a retry after the challenge, bad
extensions, a non-Bearer scheme, every malformed GS2 message Kafka refuses in spec-vectors/gs2.json, a client
that sends Metadata instead of the %x01 reply, SaslAuthenticate or Metadata before the handshake, an unknown
mechanism, a frame above sasl.server.max.receive.size, and SaslHandshake v0's raw framing; then every
broker.session vector of spec-vectors/broker.json that needs no broker settings, replayed with its unsecured
tokens moved to now (vector:<id>).
The broker is expected to validate Kafka's unsecured tokens with the default options (as oauthbearer serve does).

With --fuzz N: instead of the battery, N mutated client initial responses (seeded: the same seed gives the same
bytes), each answered or refused as Kafka would; reports every hang (no answer within --timeout-ms), dropped
connection without an answer, acceptance of an invalid message, or other difference, then checks that the
broker still accepts a good token.

Options:
  --tls               connect with TLS; --ca FILE trusts a PEM CA, --insecure skips certificate checks
  --only PREFIX       run only the battery cases whose id starts with PREFIX (e.g. expired-token, gs2:)
  --timeout-ms MS     bound on every wait (connect, each answer, each close); default ${DEFAULT_PROBE_TIMEOUT_MS}
  --fuzz N            N mutated initial responses instead of the battery
  --seed S            the fuzz seed (a whole number); default: random, printed
  --concurrency C     fuzz connections at once; default 4

Exit: 0 every case matches Kafka's broker (no fuzz finding); 1 a case differs, a finding, or the broker is
unreachable; 2 bad arguments.

Examples:
  oauthbearer probe 127.0.0.1:9092
  oauthbearer probe 127.0.0.1:9092 --fuzz 1000 --seed 7`,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const args = parseCommandArgs('probe', argv, {
      tls: { type: 'boolean' }, ca: { type: 'string' }, insecure: { type: 'boolean' },
      'timeout-ms': { type: 'string' }, only: { type: 'string' }, fuzz: { type: 'string' }, seed: { type: 'string' }, concurrency: { type: 'string' },
    });
    if (args.positionals.length !== 1) throw usageError('probe', 'give the broker as HOST:PORT (e.g. 127.0.0.1:9092)');
    const { host, port } = parseHostPort(args.positionals[0]!);
    const caFile = stringOption(args, 'ca');
    if ((caFile !== undefined || args.values.insecure === true) && args.values.tls !== true) throw usageError('probe', '--ca and --insecure go with --tls');
    let ca: string | undefined;
    if (caFile !== undefined) {
      try {
        ca = await readFile(caFile, 'utf8');
      } catch (cause) {
        throw new OAuthBearerError('ERR_FILE', `Cannot read the CA file ${JSON.stringify(caFile)} (--ca)`, { cause });
      }
    }
    const target: ProbeTarget = {
      host, port,
      tls: args.values.tls === true ? { ...(ca === undefined ? {} : { ca }), insecure: args.values.insecure === true } : null,
    };
    const timeoutMs = integerOption('probe', args, 'timeout-ms', DEFAULT_PROBE_TIMEOUT_MS, 600_000);
    if (timeoutMs === 0) throw usageError('probe', '--timeout-ms must be at least 1');
    if (stringOption(args, 'fuzz') === undefined) {
      if (stringOption(args, 'seed') !== undefined || stringOption(args, 'concurrency') !== undefined) throw usageError('probe', '--seed and --concurrency go with --fuzz N');
      return runBattery(target, timeoutMs, stringOption(args, 'only'), io);
    }
    if (stringOption(args, 'only') !== undefined) throw usageError('probe', '--only selects battery cases; it does not go with --fuzz');
    const count = integerOption('probe', args, 'fuzz', 0, 10_000_000);
    const seed = integerOption('probe', args, 'seed', Math.floor(Math.random() * 2 ** 31), 2 ** 32 - 1);
    const concurrency = integerOption('probe', args, 'concurrency', 4, 256);
    if (concurrency === 0) throw usageError('probe', '--concurrency must be at least 1');
    return runFuzz(target, count, seed, timeoutMs, concurrency, io);
  },
};
