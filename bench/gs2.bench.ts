/**
 * decodeClientResponse (RFC 7628 §3.1) against its floor and a naive parser, in the same run.
 *
 * Floor: what any decoder must at least do with the bytes, one TextDecoder decode plus one indexOf pass over the
 * same bytes. Peer: a split-based parser as commonly written (split the header on ",", the kvpairs on %x01, each
 * kvpair on "=", a regular expression for the credentials), checking the same grammar.
 * Sizes: an 800-byte token (a typical JWT), then 64 KiB and 1 MiB messages to show the cost stays linear.
 *
 * Then encodeClientResponse against its floor, a template string through TextEncoder.encode (no checks at all),
 * and KafkaJS 2.2.4's own builder (src/protocol/sasl/oauthBearer/request.js: a template string, Buffer.from, and
 * its Encoder's length-prefixed copy; no checks; awaited as KafkaJS awaits it), over a size sweep to 1 MiB.
 * Target (issue 13): ≤ 2× the floor with every check kept, and linear (ns per byte flat) to 1 MiB.
 *
 * Run: npx tsx bench/gs2.bench.ts
 */
import { createRequire } from 'node:module';
import { compare, formatRatio, verdict, type BenchResult, type Comparison } from './harness.js';
import { targets, writeTargets } from './targets.js';
import { decodeClientResponse, encodeClientResponse } from '../src/sasl/gs2.js';

const decoder = new TextDecoder();

/** The floor: one decode and one full indexOf pass (the byte searched for never occurs). */
function floor(bytes: Uint8Array): unknown {
  decoder.decode(bytes);
  return bytes.indexOf(0);
}

const NAIVE_KEY = /^[A-Za-z]+$/;
const NAIVE_VALUE = /^[\x21-\x7e \t\r\n]+$/;
const NAIVE_AUTH = /^(\w+) +([-_~+/.A-Za-z0-9]+=*)$/;

/** A split-based parser of Kafka's grammar, the way it is usually written. */
function naive(bytes: Uint8Array): unknown {
  const text = decoder.decode(bytes);
  const parts = text.split(',');
  if (parts[0] !== 'n' || parts.length < 3) throw new Error('bad header');
  const authzid = parts[1]!.startsWith('a=') ? parts[1]!.slice(2) : null;
  const rest = parts.slice(2).join(',');
  if (!rest.startsWith('\x01') || !rest.endsWith('\x01\x01')) throw new Error('bad framing');
  const extensions = new Map<string, string>();
  for (const pair of rest.slice(1, -2).split('\x01')) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (eq < 0 || !NAIVE_KEY.test(key) || !NAIVE_VALUE.test(value)) throw new Error('bad kvpair');
    extensions.set(key, value);
  }
  const auth = NAIVE_AUTH.exec(extensions.get('auth') ?? '');
  if (auth === null || auth[1]!.toLowerCase() !== 'bearer') throw new Error('bad auth');
  extensions.delete('auth');
  return { authzid, token: auth[2], extensions };
}

function token(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
  const chars = new Array<string>(length);
  for (let i = 0; i < length; i++) chars[i] = alphabet[(i * 7919) % alphabet.length]!;
  // One flat string, as a token read from a file or the network is: `out += c` builds a V8 rope (a cons string),
  // which an encoder that never reads the string itself would walk again on every call (bench/RESULTS.md, "The
  // GS2 encode input").
  return chars.join('');
}

const sizes: [string, number][] = [['800-byte token', 800], ['64 KiB token', 64 * 1024], ['1 MiB token', 1024 * 1024]];
const decodeRows: { size: string; bytes: number; results: BenchResult[] }[] = [];
// BENCH_GS2=encode or =decode runs one half.
for (const [label, length] of process.env.BENCH_GS2 === 'encode' ? [] : sizes) {
  const message = encodeClientResponse({ token: token(length), extensions: { logicalCluster: 'lkc-abc123', traceId: 'a1b2c3' } });
  const max = { maxMessageBytes: 2 * 1024 * 1024 };
  // Sanity: all three agree on this input.
  const expected = decodeClientResponse(message, { profile: 'kafka', ...max }).token;
  if ((naive(message) as { token: string }).token !== expected) throw new Error('naive parser disagrees');
  const large = length > 1000;
  const results = await compare(
    `decodeClientResponse, ${label} (${message.length} bytes)`,
    [
      { name: 'floor: TextDecoder + indexOf', fn: () => floor(message) },
      { name: 'decodeClientResponse kafka', fn: () => decodeClientResponse(message, { profile: 'kafka', ...max }) },
      { name: 'decodeClientResponse rfc7628', fn: () => decodeClientResponse(message, { profile: 'rfc7628', ...max }) },
      { name: 'naive split-based parser', fn: () => naive(message) },
    ],
    'floor: TextDecoder + indexOf',
    large ? { batchMs: 8, rounds: 31 } : {},
  );
  decodeRows.push({ size: label, bytes: message.length, results });
}

if (decodeRows.length > 0) {
  console.log('\n## Linearity: ns per message byte\n');
  console.log(`| case | ${decodeRows.map((p) => p.size).join(' | ')} |`);
  console.log(`|---|${decodeRows.map(() => '---:').join('|')}|`);
  for (const name of decodeRows[0]!.results.map((r) => r.name)) {
    const cells = decodeRows.map((p) => (p.results.find((r) => r.name === name)!.nsPerOp / p.bytes).toFixed(3));
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }
}

// ---- encode ----

type KafkaJsRequest = (options: { authorizationIdentity?: string | null }, token: { value: string; extensions?: Record<string, string> }) => Promise<{ encode(): Promise<Buffer> }>;
const kafkajsRequest = createRequire(import.meta.url)('kafkajs/src/protocol/sasl/oauthBearer/request.js') as KafkaJsRequest;
const encoder = new TextEncoder();
const extensions = { logicalCluster: 'lkc-abc123', traceId: 'a1b2c3' };
const encodeSizes: [string, number][] = [['800 B', 800], ['8 KiB', 8 * 1024], ['64 KiB', 64 * 1024], ['256 KiB', 256 * 1024], ['1 MiB', 1024 * 1024]];
const encodeRows: { size: string; bytes: number; results: Comparison }[] = [];
for (const [label, length] of process.env.BENCH_GS2 === 'decode' ? [] : encodeSizes) {
  const value = token(length);
  const ours = encodeClientResponse({ token: value, extensions });
  const floorBytes = encoder.encode(`n,,\x01auth=Bearer ${value}\x01logicalCluster=${extensions.logicalCluster}\x01traceId=${extensions.traceId}\x01\x01`);
  const theirs = await (await kafkajsRequest({}, { value, extensions })).encode();
  // Sanity: the same message (KafkaJS's prefixed with its 4-byte length).
  if (Buffer.compare(Buffer.from(ours), Buffer.from(floorBytes)) !== 0 || Buffer.compare(theirs.subarray(4), Buffer.from(ours)) !== 0) throw new Error('encoders disagree');
  const large = length > 10_000;
  const results = await compare(
    `encodeClientResponse, ${label} token (${ours.length} bytes)`,
    [
      { name: 'floor: template + TextEncoder.encode', fn: () => encoder.encode(`n,,\x01auth=Bearer ${value}\x01logicalCluster=${extensions.logicalCluster}\x01traceId=${extensions.traceId}\x01\x01`) },
      { name: 'encodeClientResponse (checked)', fn: () => encodeClientResponse({ token: value, extensions }) },
      { name: 'KafkaJS request.js (unchecked, awaited)', fn: async () => (await kafkajsRequest({}, { value, extensions })).encode() },
    ],
    'floor: template + TextEncoder.encode',
    large ? { batchMs: 8, rounds: 41 } : { rounds: 101 },
  );
  encodeRows.push({ size: label, bytes: ours.length, results });
  const r = results.ratioOf('encodeClientResponse (checked)', 'floor: template + TextEncoder.encode');
  targets.push({ bench: 'gs2', label: `GS2 encode ${label} / template+encode floor`, ratio: r, target: 2 });
}
if (encodeRows.length > 0) {
console.log('\n## encodeClientResponse linearity: ns per message byte\n');
console.log(`| case | ${encodeRows.map((p) => p.size).join(' | ')} |`);
console.log(`|---|${encodeRows.map(() => '---:').join('|')}|`);
for (const name of encodeRows[0]!.results.map((r) => r.name)) {
  console.log(`| ${name} | ${encodeRows.map((p) => (p.results.find((r) => r.name === name)!.nsPerOp / p.bytes).toFixed(3)).join(' | ')} |`);
}
console.log('');
for (const row of encodeRows) {
  console.log(verdict(`GS2 encode ${row.size} / floor`, row.results.ratioOf('encodeClientResponse (checked)', 'floor: template + TextEncoder.encode'), 2)
    + `; / KafkaJS ${formatRatio(row.results.ratioOf('encodeClientResponse (checked)', 'KafkaJS request.js (unchecked, awaited)'))}`);
}
const perByte = encodeRows.map((row) => row.results.find((r) => r.name === 'encodeClientResponse (checked)')!.nsPerOp / row.bytes);
console.log(`GS2 encode linearity: ns/byte from 8 KiB to 1 MiB ${perByte.slice(1).map((x) => x.toFixed(3)).join(' → ')}; largest / smallest ${(Math.max(...perByte.slice(1)) / Math.min(...perByte.slice(1))).toFixed(2)}`);
}
writeTargets('gs2');
