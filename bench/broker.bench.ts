/**
 * The broker under load (issue 13 item 4): `oauthbearer bench`'s load generator (in this process) against
 * `oauthbearer serve` (each in its own child process) and against the floor, a server answering the same frames
 * with prepared bytes (bench/floor-server.ts: loopback I/O and framing alone).
 *
 * Brokers: serve with the unsecured validator (Kafka's default); serve with the KIP-768 validator and a local JWKS
 * file (RS256), sent one token over and over (the verified-token cache answers) or 5000 distinct tokens in turn
 * (more than the 4096-entry cache holds, FIFO: every one a miss, a full signature check).
 * Modes: new connections (16 at a time), and KIP-368 re-authentication on open connections
 * (connections.max.reauth.ms=1200; Kafka's broker takes one re-authentication per connection per second).
 * The cases are interleaved in short segments, in a seeded shuffled order each round, and each ratio is the median
 * over rounds of the case's rate over the floor's rate in the same round.
 * Memory: serve's heap after GC (two full GCs, --expose-gc) after warm-up and after the whole run, and with the
 * re-authentication connections open against after they closed (per-connection memory).
 * Each case is compared with a floor driven the same way, so that the load generator, which shares the machine's
 * two cores with the server, does the same work on both sides: serve with unsecured tokens against the floor sent
 * unsecured tokens (made fresh per authentication), serve with signed tokens against the floor sent the same
 * signed tokens. And serve's event lines go to a file in the child (BENCH_SERVE_OUT), not through a pipe to this
 * process, which the floor (printing nothing) would not make the load generator read.
 * Run: npx tsx bench/broker.bench.ts   (BENCH_BROKER_SEGMENT_S=2 seconds per segment, BENCH_BROKER_ROUNDS=7)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { SEED, mulberry32, ratioStats, formatRatio } from './harness.js';
import { targets, writeTargets } from './targets.js';
import { runBench, type BenchReport } from '../src/node/cli/bench.js';
import { buildServe } from './build.js';

const here = dirname(fileURLToPath(import.meta.url));
const SEGMENT_S = Number(process.env.BENCH_BROKER_SEGMENT_S ?? 2);
const ROUNDS = Number(process.env.BENCH_BROKER_ROUNDS ?? 7);
const NEW_CONNECTIONS = 16;
const REAUTH_CONNECTIONS = Number(process.env.BENCH_BROKER_REAUTH_CONNECTIONS ?? 600);
const REAUTH_MS = 1200;
// serve as users run it: src/ compiled by tsc, not through tsx (BENCH_SERVE_BUILD= empty: through tsx, as before).
const SERVE_BUILD = process.env.BENCH_SERVE_BUILD ?? buildServe();

interface Child { proc: ChildProcess; port: number; heap(): Promise<{ heap: number; rss: number }>; stop(): Promise<void> }

let children = 0;
async function startChild(args: string[], dir: string): Promise<Child> {
  const env = { ...process.env, BENCH_SERVE_BUILD: SERVE_BUILD, BENCH_SERVE_OUT: join(dir, `child-${++children}.out`) };
  const proc = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, 'serve-child.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const stderr = createInterface({ input: proc.stderr! });
  const waiters: Array<(line: string) => void> = [];
  const errLines: string[] = [];
  stderr.on('line', (line) => {
    if (errLines.length < 20) errLines.push(line);
    for (const w of waiters.splice(0)) w(line);
  });
  const out = createInterface({ input: proc.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start`)), 20_000);
    out.once('line', (line) => {
      clearTimeout(timer);
      const m = /listening on [^:]+:(\d+)/.exec(line);
      if (m === null) reject(new Error(`${args[0]}: ${line}`));
      else resolve(Number(m[1]));
    });
    proc.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}: ${errLines.join(' / ')}`)));
  });
  // serve's lines after this one go to BENCH_SERVE_OUT; anything else is drained raw, not split into lines.
  out.close();
  proc.stdout!.on('data', () => {});
  const nextLine = (re: RegExp): Promise<string> => new Promise((resolve) => {
    const w = (line: string): void => { if (re.test(line)) resolve(line); else waiters.push(w); };
    waiters.push(w);
  });
  return {
    proc, port,
    async heap() {
      const heap = nextLine(/^heap /);
      const rss = nextLine(/^rss /);
      proc.kill('SIGUSR2');
      return { heap: Number((await heap).slice(5)), rss: Number((await rss).slice(4)) };
    },
    async stop() {
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise<void>((r) => setTimeout(r, 5000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    },
  };
}

const b64u = (s: string | Uint8Array): string => Buffer.from(s).toString('base64url');
const dir = mkdtempSync(join(tmpdir(), 'oauthbearer-broker-bench-'));
try {
  // KIP-768 material: an RS256 key, its JWKS as a file, tokens valid for the whole run.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] }));
  const now = Math.floor(Date.now() / 1000);
  const header = b64u(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k1' }));
  const signed = (i: number): string => {
    const input = `${header}.${b64u(JSON.stringify({ iss: 'https://idp.example.com', sub: `client-${i}`, aud: 'kafka', iat: now, exp: now + 3600, scope: 'kafka' }))}`;
    return `${input}.${b64u(sign('sha256', Buffer.from(input), privateKey))}`;
  };
  const manyTokens = Array.from({ length: 5000 }, (_, i) => signed(i));
  writeFileSync(join(dir, 'one.tokens'), `${manyTokens[0]}\n`);
  writeFileSync(join(dir, 'many.tokens'), `${manyTokens.join('\n')}\n`);
  const jwksProps = [
    'sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
    `sasl.oauthbearer.jwks.endpoint.url=${pathToFileURL(join(dir, 'jwks.json')).href}`,
    'sasl.oauthbearer.expected.audience=kafka',
    `org.apache.kafka.sasl.oauthbearer.allowed.urls=${pathToFileURL(join(dir, 'jwks.json')).href}`,
  ];
  writeFileSync(join(dir, 'jwks.properties'), `${jwksProps.join('\n')}\n`);
  writeFileSync(join(dir, 'jwks-reauth.properties'), `${[...jwksProps, `connections.max.reauth.ms=${REAUTH_MS}`].join('\n')}\n`);
  writeFileSync(join(dir, 'reauth.properties'), `connections.max.reauth.ms=${REAUTH_MS}\n`);

  const listen = ['--listen', '127.0.0.1:0'];
  const floor = await startChild(['floor'], dir);
  const floorReauth = await startChild(['floor', '--session-lifetime-ms', String(REAUTH_MS)], dir);
  const unsecured = await startChild(['serve', ...listen], dir);
  const unsecuredReauth = await startChild(['serve', ...listen, '--config', join(dir, 'reauth.properties')], dir);
  const jwks = await startChild(['serve', ...listen, '--config', join(dir, 'jwks.properties')], dir);
  const jwksReauth = await startChild(['serve', ...listen, '--config', join(dir, 'jwks-reauth.properties')], dir);
  const children = [floor, floorReauth, unsecured, unsecuredReauth, jwks, jwksReauth];
  try {
    const never = new AbortController().signal;
    const run = (port: number, mode: 'new' | 'reauth', tokens: string | null, seconds: number): Promise<BenchReport> =>
      runBench({
        host: '127.0.0.1', port, mode, connections: mode === 'new' ? NEW_CONNECTIONS : REAUTH_CONNECTIONS, rate: null,
        durationMs: seconds * 1000, count: null, principal: 'bench', json: true,
        tokens: tokens === null ? null : tokens === 'one' ? [manyTokens[0]!] : manyTokens,
      }, never);

    interface Case { name: string; mode: 'new' | 'reauth'; child: Child; tokens: string | null; floor: string }
    const FLOOR_UNSECURED = 'floor: prepared bytes, unsecured tokens (new connections)';
    const FLOOR_SIGNED = 'floor: prepared bytes, signed token (new connections)';
    const FLOOR_UNSECURED_REAUTH = 'floor: prepared bytes, unsecured tokens (re-authentication)';
    const FLOOR_SIGNED_REAUTH = 'floor: prepared bytes, signed token (re-authentication)';
    const cases: Case[] = [
      { name: FLOOR_UNSECURED, mode: 'new', child: floor, tokens: null, floor: FLOOR_UNSECURED },
      { name: FLOOR_SIGNED, mode: 'new', child: floor, tokens: 'one', floor: FLOOR_SIGNED },
      { name: 'serve, unsecured validator (new connections)', mode: 'new', child: unsecured, tokens: null, floor: FLOOR_UNSECURED },
      { name: 'serve, KIP-768 RS256, cached token (new connections)', mode: 'new', child: jwks, tokens: 'one', floor: FLOOR_SIGNED },
      { name: 'serve, KIP-768 RS256, 5000 tokens, cache misses (new connections)', mode: 'new', child: jwks, tokens: 'many', floor: FLOOR_SIGNED },
      { name: FLOOR_UNSECURED_REAUTH, mode: 'reauth', child: floorReauth, tokens: null, floor: FLOOR_UNSECURED_REAUTH },
      { name: FLOOR_SIGNED_REAUTH, mode: 'reauth', child: floorReauth, tokens: 'one', floor: FLOOR_SIGNED_REAUTH },
      { name: 'serve, unsecured validator (re-authentication)', mode: 'reauth', child: unsecuredReauth, tokens: null, floor: FLOOR_UNSECURED_REAUTH },
      { name: 'serve, KIP-768 RS256, cached token (re-authentication)', mode: 'reauth', child: jwksReauth, tokens: 'one', floor: FLOOR_SIGNED_REAUTH },
    ];
    // Re-authentication segments need a warm-up of one session before the first re-authentication.
    const segment = (c: Case): number => (c.mode === 'reauth' ? SEGMENT_S + REAUTH_MS / 1000 : SEGMENT_S);

    // Warm-up: each case once, short; then serve's heap after GC.
    console.log(`harness: seed ${SEED}; ${ROUNDS} rounds of ${SEGMENT_S} s segments per case; load generator in this process, each server in its own; serve ${SERVE_BUILD === '' ? 'from src/ through tsx' : `compiled by tsc (${SERVE_BUILD})`}`);
    for (const c of cases) {
      const w = await run(c.child.port, c.mode, c.tokens, 1 + (c.mode === "reauth" ? REAUTH_MS / 1000 : 0));
      console.error(`warm-up ${c.name}: ${w.ok} ok, ${w.failed} failed ${JSON.stringify(w.errors).slice(0, 300)}`);
    }
    const heapAfterWarmup = await unsecured.heap();
    const jwksHeapAfterWarmup = await jwks.heap();

    const reports = new Map<string, BenchReport[]>(cases.map((c) => [c.name, []]));
    const random = mulberry32(SEED ^ 0xb40c);
    let perConnection: { bytes: number; connections: number } | null = null;
    for (let r = 0; r < ROUNDS; r++) {
      const order = cases.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const i of order) {
        const c = cases[i]!;
        // Per-connection memory: serve's heap with the re-authentication connections open (midway), once.
        let mid: Promise<{ heap: number; rss: number }> | null = null;
        if (r === 0 && c.child === unsecuredReauth) mid = new Promise((resolve) => setTimeout(() => resolve(c.child.heap()), (segment(c) * 1000) / 2));
        const report = await run(c.child.port, c.mode, c.tokens, segment(c));
        reports.get(c.name)!.push(report);
        if (mid !== null) {
          const open = await mid;
          const closed = await c.child.heap();
          perConnection = { bytes: (open.heap - closed.heap) / REAUTH_CONNECTIONS, connections: REAUTH_CONNECTIONS };
        }
      }
    }
    const heapAfterRun = await unsecured.heap();
    const jwksHeapAfterRun = await jwks.heap();

    console.log('\n## Broker under load: authentications per second against the prepared-bytes floor\n');
    console.log('| case | authentications/s (median round) | × floor, median (p25–p75) | p50 / p99 / p999 ms (median round) | ok | failed | errors |');
    console.log('|---|---:|---:|---:|---:|---:|---|');
    const rows: string[] = [];
    for (const c of cases) {
      const rs = reports.get(c.name)!;
      const fl = reports.get(c.floor)!;
      const ratio = ratioStats(rs.map((x, k) => x.perSecond / fl[k]!.perSecond));
      const med = [...rs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(rs.length / 2)]!;
      const errors = new Map<string, number>();
      for (const x of rs) for (const [k, n] of Object.entries(x.errors)) errors.set(k, (errors.get(k) ?? 0) + n);
      const lat = med.latencyMs === null ? '-' : `${med.latencyMs.p50.toFixed(2)} / ${med.latencyMs.p99.toFixed(2)} / ${med.latencyMs.p999.toFixed(2)}`;
      console.log(`| ${c.name} | ${med.perSecond.toFixed(0)} | ${formatRatio(ratio)} | ${lat} | ${rs.reduce((a, x) => a + x.ok, 0)} | ${rs.reduce((a, x) => a + x.failed, 0)} | ${errors.size === 0 ? 'none' : [...errors].map(([k, n]) => `${n}× ${k}`).join('; ')} |`);
      if (c.name !== c.floor) {
        // Issue 13: ≥ 0.7× the floor's rate with the unsecured validator and with a cached signed token.
        const target = /unsecured|cached/.test(c.name) ? 0.7 : Number.NaN;
        rows.push(`${c.name}: ${formatRatio(ratio)}× ${c.floor.replace(/ \((new connections|re-authentication)\)$/, '')}${Number.isNaN(target) ? ' (reported)' : ` (target ≥ ${target}×: ${ratio.median >= target ? 'met' : 'MISSED'})`}`);
        // The chart shows ratios to be kept below a line; a rate to keep above 0.7 is drawn as floor/rate ≤ 1/0.7.
        if (!Number.isNaN(target)) targets.push({ bench: 'broker', label: `floor rate / ${c.name.replace(/^serve, /, '')}`, ratio: { median: 1 / ratio.median, p25: 1 / ratio.p75, p75: 1 / ratio.p25 }, target: 1 / target });
      }
    }
    const total = [...reports.values()].flat().reduce((a, x) => a + x.ok, 0);
    console.log(`\n${rows.join('\n')}`);
    const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MiB`;
    console.log(`\nserve (unsecured) heap after GC: ${mb(heapAfterWarmup.heap)} after warm-up, ${mb(heapAfterRun.heap)} after the run (${((heapAfterRun.heap / heapAfterWarmup.heap - 1) * 100).toFixed(1)}%); rss ${mb(heapAfterRun.rss)}`);
    console.log(`serve (KIP-768) heap after GC: ${mb(jwksHeapAfterWarmup.heap)} after warm-up, ${mb(jwksHeapAfterRun.heap)} after the run (${((jwksHeapAfterRun.heap / jwksHeapAfterWarmup.heap - 1) * 100).toFixed(1)}%)`);
    console.log(`authentications in the measured run, all servers: ${total}`);
    if (perConnection !== null) console.log(`per-connection memory (serve, unsecured, ${perConnection.connections} authenticated connections open vs closed, heap after GC): ${(perConnection.bytes / 1024).toFixed(1)} KiB`);
    writeTargets('broker');
  } finally {
    for (const c of children) await c.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
