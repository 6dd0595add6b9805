/**
 * decodeClientResponse (RFC 7628 §3.1) against its floor and a naive parser, in the same run.
 *
 * Floor: what any decoder must at least do with the bytes, one TextDecoder decode plus one indexOf pass over the
 * same bytes. Peer: a split-based parser as commonly written (split the header on ",", the kvpairs on %x01, each
 * kvpair on "=", a regular expression for the credentials), checking the same grammar.
 * Sizes: an 800-byte token (a typical JWT), then 64 KiB and 1 MiB messages to show the cost stays linear.
 *
 * Run: npx tsx bench/gs2.bench.ts
 */
import { compare, type BenchResult } from './harness.js';
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
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[(i * 7919) % alphabet.length];
  return out;
}

const sizes: [string, number][] = [['800-byte token', 800], ['64 KiB token', 64 * 1024], ['1 MiB token', 1024 * 1024]];
const perByte: { size: string; bytes: number; results: BenchResult[] }[] = [];
for (const [label, length] of sizes) {
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
  perByte.push({ size: label, bytes: message.length, results });
}

console.log('\n## Linearity: ns per message byte\n');
console.log(`| case | ${perByte.map((p) => p.size).join(' | ')} |`);
console.log(`|---|${perByte.map(() => '---:').join('|')}|`);
for (const name of perByte[0]!.results.map((r) => r.name)) {
  const cells = perByte.map((p) => (p.results.find((r) => r.name === name)!.nsPerOp / p.bytes).toFixed(3));
  console.log(`| ${name} | ${cells.join(' | ')} |`);
}
