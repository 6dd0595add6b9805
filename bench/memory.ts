/**
 * serve's memory over 1,000,000 authentications (issue 13 item 4): `oauthbearer serve` in its own process (started
 * with --expose-gc), loaded by `oauthbearer bench` from this one, its heap sampled after two full GCs (SIGUSR2, see
 * bench/serve-child.ts) every BENCH_MEMORY_SAMPLE_S seconds, so that growth shows as a curve. Flat means the last
 * sample's heap is within 10% of the one after warm-up (the first BENCH_MEMORY_WARMUP authentications: JIT, the
 * verified-token cache and serve's token-display cache filled, every connection open).
 *
 * Load: BENCH_MEMORY_MODE=reauth (default) is KIP-368 re-authentication on BENCH_MEMORY_CONNECTIONS (2000) open
 * connections with connections.max.reauth.ms=1200: the fastest way to 1,000,000 authentications here (no TCP
 * set-up per authentication; each connection re-authenticates about once a second), and the one that keeps 2000
 * connections' state alive for the whole run. BENCH_MEMORY_MODE=new opens a new connection per authentication (16
 * at a time): it exercises per-connection state (driver closures, timers, sockets) that re-authentication does not.
 * Validator: BENCH_MEMORY_VALIDATOR=kip768 (default: KIP-768 with a local RS256 JWKS, 5000 distinct tokens in turn,
 * more than the 4096-entry verified-token cache holds, so the cache evicts throughout) or unsecured (Kafka's
 * default; the load generator makes a fresh unsecured token per authentication).
 * Per-connection memory: serve's heap after GC with the connections open, against after they closed.
 * Authentications are counted from serve's own lines (one per authentication), so the curve is in serve's terms.
 *
 * Run: npx tsx bench/memory.ts            (BENCH_MEMORY_COUNT=1000000; about 20-40 min on the 2-core VM)
 *      BENCH_MEMORY_COUNT=100000 npx tsx bench/memory.ts   (a quick look)
 * Writes bench/out/memory.json (the curve and the verdict) for bench/chart.ts.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { targets, writeTargets } from './targets.js';
import { runBench } from '../src/node/cli/bench.js';
import { buildServe } from './build.js';

const here = dirname(fileURLToPath(import.meta.url));
const COUNT = Number(process.env.BENCH_MEMORY_COUNT ?? 1_000_000);
const MODE = (process.env.BENCH_MEMORY_MODE ?? 'reauth') as 'reauth' | 'new';
const VALIDATOR = process.env.BENCH_MEMORY_VALIDATOR ?? 'kip768';
const CONNECTIONS = Number(process.env.BENCH_MEMORY_CONNECTIONS ?? (MODE === 'reauth' ? 2000 : 16));
const WARMUP = Number(process.env.BENCH_MEMORY_WARMUP ?? Math.min(50_000, Math.floor(COUNT / 10)));
const SAMPLE_S = Number(process.env.BENCH_MEMORY_SAMPLE_S ?? 30);
/** Readings per heap sample; the sample is their least (see `heap` below). */
const HEAP_READINGS = Number(process.env.BENCH_MEMORY_READINGS ?? 3);
const REAUTH_MS = 1200;

const b64u = (s: string | Uint8Array): string => Buffer.from(s).toString('base64url');
const mib = (n: number): string => `${(n / 1048576).toFixed(2)} MiB`;
const dir = mkdtempSync(join(tmpdir(), 'oauthbearer-memory-bench-'));
try {
  const props: string[] = MODE === 'reauth' ? [`connections.max.reauth.ms=${REAUTH_MS}`] : [];
  let tokens: string[] | null = null;
  if (VALIDATOR === 'kip768') {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwks = join(dir, 'jwks.json');
    writeFileSync(jwks, JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] }));
    const now = Math.floor(Date.now() / 1000);
    const header = b64u(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k1' }));
    tokens = Array.from({ length: 5000 }, (_, i) => {
      const input = `${header}.${b64u(JSON.stringify({ iss: 'https://idp.example.com', sub: 'bench', aud: 'kafka', iat: now, exp: now + 6 * 3600, scope: 'kafka', jti: `t-${i}` }))}`;
      return `${input}.${b64u(sign('sha256', Buffer.from(input), privateKey))}`;
    });
    props.push(
      'sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
      `sasl.oauthbearer.jwks.endpoint.url=${pathToFileURL(jwks).href}`, 'sasl.oauthbearer.expected.audience=kafka',
      `org.apache.kafka.sasl.oauthbearer.allowed.urls=${pathToFileURL(jwks).href}`,
    );
  } else if (VALIDATOR !== 'unsecured') throw new Error(`BENCH_MEMORY_VALIDATOR must be kip768 or unsecured, not ${VALIDATOR}`);
  writeFileSync(join(dir, 'broker.properties'), `${props.join('\n')}\n`);

  const proc = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, 'serve-child.ts'), 'serve', '--listen', '127.0.0.1:0', '--config', join(dir, 'broker.properties')], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BENCH_SERVE_BUILD: process.env.BENCH_SERVE_BUILD ?? buildServe() } });
  const heapWaiters: Array<(line: string) => void> = [];
  createInterface({ input: proc.stderr! }).on('line', (line) => { for (const w of heapWaiters.splice(0)) w(line); });
  const reading = async (): Promise<{ heap: number; rss: number }> => {
    const lines: string[] = [];
    const done = new Promise<void>((resolve) => {
      const w = (line: string): void => { if (/^(heap|rss) /.test(line)) lines.push(line); if (lines.length < 2) heapWaiters.push(w); else resolve(); };
      heapWaiters.push(w);
    });
    proc.kill('SIGUSR2');
    await done;
    const get = (k: string): number => Number(lines.find((l) => l.startsWith(`${k} `))!.slice(k.length + 1));
    return { heap: get('heap'), rss: get('rss') };
  };
  // A heap after GC with the load running includes whatever authentications are in flight at that instant (frames,
  // promises, validator work), which varies from one reading to the next: the previous run's one miss was a single
  // such reading (27.6 MiB among samples of 23.9-25.7). So a sample is the least of HEAP_READINGS readings 150 ms
  // apart, at warm-up as at every later point: in-flight state comes and goes between them; retained memory (a
  // leak) is in all of them.
  const heap = async (): Promise<{ heap: number; rss: number; spread: number }> => {
    const all: Array<{ heap: number; rss: number }> = [];
    for (let i = 0; i < HEAP_READINGS; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 150));
      all.push(await reading());
    }
    const least = all.reduce((a, b) => (b.heap < a.heap ? b : a));
    return { ...least, spread: Math.max(...all.map((x) => x.heap)) - least.heap };
  };
  // serve's stdout: the first line gives the port; after it, lines are counted, not kept (one per authentication,
  // plus a "closed" line per connection in new-connection mode).
  let authentications = 0;
  let failures = 0;
  const port = await new Promise<number>((resolve, reject) => {
    let head = '';
    const onData = (chunk: Buffer): void => {
      if (head !== null && !head.includes('\n')) {
        head += chunk.toString('latin1');
        const nl = head.indexOf('\n');
        if (nl < 0) return;
        const m = /listening on [^:]+:(\d+)/.exec(head.slice(0, nl));
        if (m === null) reject(new Error(`serve: ${head}`)); else resolve(Number(m[1]));
        chunk = Buffer.from(head.slice(nl + 1), 'latin1');
      }
      // Count " authenticated principal=" and " re-authenticated principal=" (and failures) without splitting lines.
      const text = chunk.toString('latin1');
      for (let i = text.indexOf('authenticated principal='); i >= 0; i = text.indexOf('authenticated principal=', i + 1)) authentications++;
      for (let i = text.indexOf('authentication failed'); i >= 0; i = text.indexOf('authentication failed', i + 1)) failures++;
    };
    proc.stdout!.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });

  console.log(`memory bench: serve (${VALIDATOR === 'kip768' ? 'KIP-768 RS256, 5000 tokens' : 'unsecured validator'}), ${MODE === 'reauth' ? `KIP-368 re-authentication on ${CONNECTIONS} open connections` : `new connections, ${CONNECTIONS} at a time`}, ${COUNT} authentications, warm-up ${WARMUP}, heap after GC every ${SAMPLE_S} s; node ${process.version}`);
  const never = new AbortController().signal;
  const started = Date.now();
  const load = runBench({
    host: '127.0.0.1', port, mode: MODE, connections: CONNECTIONS, rate: null, durationMs: 24 * 3600_000, count: COUNT,
    principal: 'bench', json: true, tokens,
  }, never);
  let finished = false;
  void load.finally(() => { finished = true; });

  const samples: Array<{ s: number; authentications: number; heap: number; rss: number; spread: number }> = [];
  let warm: { authentications: number; heap: number } | null = null;
  console.log(`\n| s | authentications | heap after GC (least of ${HEAP_READINGS} readings) | readings' spread | rss | × post-warm-up heap |\n|---:|---:|---:|---:|---:|---:|`);
  while (!finished) {
    await Promise.race([load, new Promise((r) => setTimeout(r, warm === null ? 2000 : SAMPLE_S * 1000))]);
    if (finished) break;
    if (warm === null && authentications < WARMUP) continue;
    // Past the count the load generator is closing its connections: a sample then measures the shutdown.
    if (authentications >= COUNT) continue;
    const m = await heap();
    const at = { s: Math.round((Date.now() - started) / 1000), authentications, heap: m.heap, rss: m.rss, spread: m.spread };
    samples.push(at);
    if (warm === null) warm = at;
    console.log(`| ${at.s} | ${at.authentications} | ${mib(at.heap)} | ${mib(at.spread)} | ${mib(at.rss)} | ${(at.heap / warm.heap).toFixed(3)} |`);
  }
  // The last sample with the connections still open (re-authentication mode: they stay open until the load ends).
  const report = await load;
  await new Promise((r) => setTimeout(r, 1500));
  const closed = await heap();
  const elapsed = (Date.now() - started) / 1000;
  console.log(`| ${Math.round(elapsed)} (all closed) | ${authentications} | ${mib(closed.heap)} | ${mib(closed.spread)} | ${mib(closed.rss)} | ${warm === null ? '-' : (closed.heap / warm.heap).toFixed(3)} |`);
  console.log(`\nload generator: ${report.ok} ok, ${report.failed} failed, ${report.unfinished} unfinished, errors ${JSON.stringify(report.errors)}; serve's lines: ${authentications} authentications, ${failures} failures; ${(authentications / elapsed).toFixed(0)}/s over ${elapsed.toFixed(0)} s`);
  if (warm !== null && samples.length > 0) {
    const last = samples.at(-1)!;
    const growth = last.heap / warm.heap;
    const peak = Math.max(...samples.map((x) => x.heap));
    console.log(`heap after GC: ${mib(warm.heap)} after warm-up (${warm.authentications} authentications), ${mib(last.heap)} at the last sample with the load running (${last.authentications}): ${((growth - 1) * 100).toFixed(1)}% (target within 10%: ${Math.abs(growth - 1) <= 0.1 ? 'met' : 'MISSED'}); peak ${mib(peak)}`);
    // The trend over every sample after warm-up (least squares), so a slow leak shows even when the last sample
    // happens to sit low: heap growth per 1,000,000 authentications, as a share of the post-warm-up heap.
    const xs = samples.map((x) => x.authentications);
    const ys = samples.map((x) => x.heap);
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    const slope = sxx === 0 ? 0 : xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / sxx;
    console.log(`trend: ${mib(slope * 1e6)} per 1,000,000 authentications (${((slope * 1e6 / warm.heap) * 100).toFixed(1)}% of the post-warm-up heap), least squares over the ${samples.length} samples; largest sample ${((peak / warm.heap - 1) * 100).toFixed(1)}% over it`);
    if (MODE === 'reauth') console.log(`per-connection memory: ${((last.heap - closed.heap) / CONNECTIONS / 1024).toFixed(1)} KiB of serve's heap per authenticated open connection (${CONNECTIONS} open at the last sample vs all closed, after GC)`);
    targets.push({ bench: 'memory', label: `serve heap after GC, ${last.authentications} authentications / after warm-up`, ratio: { median: growth, p25: growth, p75: growth }, target: 1.1 });
    const out = process.env.BENCH_OUT ?? join(here, 'out');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, `memory-${MODE}-${VALIDATOR}.json`), `${JSON.stringify({ targets: [], mode: MODE, validator: VALIDATOR, connections: CONNECTIONS, count: COUNT, warmup: warm, samples, closed, report }, null, 2)}\n`);
    writeTargets('memory');
  }
  proc.kill('SIGTERM');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
