/**
 * CPU time per authentication, serve's and the load generator's, for new connections: the prepared-bytes floor,
 * serve with the unsecured validator (a fresh token per authentication, as broker.bench.ts sends, and one fixed
 * token), and serve with the KIP-768 validator and one cached RS256 token. broker.bench.ts measures rates, which
 * on this VM swing by tens of percent from round to round and from load; CPU time per authentication (serve's from
 * /proc/PID/stat, the load generator's from process.cpuUsage) says what each side costs, and is much less moved by
 * other work on the machine. It answers the question RESULTS.md left open: is the unsecured server's lower rate
 * (0.77× the floor against 1.10× for KIP-768 cached) a cost of its own, or of the load generator making a fresh
 * unsecured token per authentication, or neither?
 * Run: npx tsx bench/broker-cpu.ts     (BENCH_CPU_COUNT authentications per case and round, default 4000; 4 rounds,
 * the first one discarded; Linux only, for /proc)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createUnsecuredJws } from '../src/kafka/unsecured.js';
import { runBench } from '../src/node/cli/bench.js';
import { buildServe } from './build.js';
import { seededRandom } from '../src/node/cli/fuzz.js';

const here = dirname(fileURLToPath(import.meta.url));
const COUNT = Number(process.env.BENCH_CPU_COUNT ?? 4000);
const ROUNDS = 4;
const SEED = Number(process.env.BENCH_SEED ?? Math.floor(Math.random() * 2 ** 32));
const build = buildServe();
const b64u = (s: string | Uint8Array): string => Buffer.from(s).toString('base64url');

let started = 0;
async function start(args: string[]): Promise<{ proc: ChildProcess; port: number }> {
  // serve's event lines to a file in the child (as broker.bench.ts): the load generator here does not read them.
  const env = { ...process.env, BENCH_SERVE_BUILD: build, BENCH_SERVE_OUT: join(dir, `child-${++started}.out`) };
  const proc = spawn(process.execPath, ['--import', 'tsx', join(here, 'serve-child.ts'), ...args, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', (line) => {
      const m = /listening on [^:]+:(\d+)/.exec(line);
      if (m === null) reject(new Error(line)); else resolve(Number(m[1]));
    });
  });
  proc.stdout!.on('data', () => {});
  return { proc, port };
}

/** A process's user + system CPU time in µs, from /proc (clock ticks of 10 ms). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

const dir = mkdtempSync(join(tmpdir(), 'oauthbearer-broker-cpu-'));
const children: ChildProcess[] = [];
try {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwks = join(dir, 'jwks.json');
  writeFileSync(jwks, JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] }));
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64u(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k1' }))}.${b64u(JSON.stringify({ iss: 'https://idp.example.com', sub: 'client-0', aud: 'kafka', iat: now, exp: now + 3600, scope: 'kafka' }))}`;
  const signed = `${input}.${b64u(sign('sha256', Buffer.from(input), privateKey))}`;
  const url = pathToFileURL(jwks).href;
  writeFileSync(join(dir, 'jwks.properties'), `${[
    'sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
    `sasl.oauthbearer.jwks.endpoint.url=${url}`, 'sasl.oauthbearer.expected.audience=kafka', `org.apache.kafka.sasl.oauthbearer.allowed.urls=${url}`,
  ].join('\n')}\n`);
  const floor = await start(['floor']);
  const unsecured = await start(['serve']);
  const kip768 = await start(['serve', '--config', join(dir, 'jwks.properties')]);
  children.push(floor.proc, unsecured.proc, kip768.proc);
  const fixed = createUnsecuredJws({ unsecuredLoginStringClaim_sub: 'bench', unsecuredLoginLifetimeSeconds: '360000' }, Date.now()).value;
  const cases = [
    { name: 'floor: prepared bytes', server: floor, tokens: null },
    { name: 'serve, unsecured, a fresh token each time', server: unsecured, tokens: null },
    { name: 'serve, unsecured, one fixed token', server: unsecured, tokens: [fixed] },
    { name: 'serve, KIP-768 RS256, one cached token', server: kip768, tokens: [signed] },
  ];
  const results = new Map<string, Array<{ serve: number; client: number; wall: number }>>();
  const random = seededRandom(SEED);
  const never = new AbortController().signal;
  console.log(`broker CPU bench: ${COUNT} new-connection authentications per case and round (16 at a time), ${ROUNDS} rounds (the first discarded), order shuffled, seed ${SEED}; node ${process.version}`);
  for (let round = 0; round < ROUNDS; round++) {
    const order = cases.map((c) => ({ c, k: random() })).sort((a, b) => a.k - b.k).map((x) => x.c);
    for (const c of order) {
      const own = process.cpuUsage();
      const served = cpuMicros(c.server.proc.pid!);
      const started = performance.now();
      const report = await runBench({ host: '127.0.0.1', port: c.server.port, mode: 'new', connections: 16, rate: null, durationMs: 600_000, count: COUNT, principal: 'bench', json: true, tokens: c.tokens }, never);
      if (report.ok !== COUNT || report.failed !== 0) throw new Error(`${c.name}: ${report.ok} ok, ${report.failed} failed ${JSON.stringify(report.errors)}`);
      const client = process.cpuUsage(own);
      const row = { serve: (cpuMicros(c.server.proc.pid!) - served) / COUNT, client: (client.user + client.system) / COUNT, wall: ((performance.now() - started) * 1000) / COUNT };
      if (round > 0) results.set(c.name, [...(results.get(c.name) ?? []), row]);
    }
  }
  const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[xs.length >> 1]!;
  const floorServe = median(results.get(cases[0]!.name)!.map((r) => r.serve));
  console.log('\n| case | server CPU µs/auth (median; per round) | × floor\'s server CPU | load generator CPU µs/auth | wall µs/auth |\n|---|---:|---:|---:|---:|');
  for (const c of cases) {
    const rows = results.get(c.name)!;
    const serve = median(rows.map((r) => r.serve));
    console.log(`| ${c.name} | ${serve.toFixed(0)} (${rows.map((r) => r.serve.toFixed(0)).join(', ')}) | ${(serve / floorServe).toFixed(2)} | ${median(rows.map((r) => r.client)).toFixed(0)} | ${median(rows.map((r) => r.wall)).toFixed(0)} |`);
  }
  console.log('\nCPU time is counted in 10 ms clock ticks (/proc), so each per-round figure is ±10 ms / count.');
} finally {
  for (const p of children) p.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
