/**
 * Why "≤ 1.10× bare crypto.verify" leaves no room (see RESULTS.md): what a little work between two verifications
 * does to the next one. Each case is one ES256 and one RS256 verification of the same input, with the key reused,
 * preceded by a small piece of the work a validator does per token. Compare each ratio with what the piece costs
 * on its own (the "alone" rows): writing ~500 bytes to fresh memory slows the verification far more than the write
 * itself costs; the same write to reused memory, or pure computation, does not.
 * Run: npx tsx bench/interference.bench.ts
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { compare, type BenchCase } from './harness.js';
import { pooledBytes } from '../src/encoding/pool.js';

const input = Buffer.from('e30.'.repeat(140));
const text = input.toString('latin1');
const payload = Buffer.from(JSON.stringify({ sub: 'service-account-orders', scope: 'kafka.read kafka.write', x: 'y'.repeat(300) })).toString('base64url');
const encoder = new TextEncoder();
const reused = new Uint8Array(1024);
let sink = 0;
const compute = (): void => {
  let x = 0;
  for (let i = 0; i < 400; i++) x = (x * 31 + i) | 0;
  sink ^= x;
};
const pieces: Record<string, () => void> = {
  'new Uint8Array(560) written': () => { encoder.encodeInto(text, new Uint8Array(text.length)); },
  'pooled 560 bytes written': () => { encoder.encodeInto(text, pooledBytes(text.length)); },
  'reused 560 bytes written': () => { encoder.encodeInto(text, reused); },
  'Buffer.from(base64url payload)': () => { Buffer.from(payload, 'base64url'); },
  'pure computation': compute,
};

for (const alg of ['ES256', 'RS256'] as const) {
  const pair = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = alg === 'ES256' ? { key: pair.publicKey, dsaEncoding: 'ieee-p1363' as const } : pair.publicKey;
  const signature = sign('sha256', input, alg === 'ES256' ? { key: pair.privateKey, dsaEncoding: 'ieee-p1363' } : pair.privateKey);
  const check = (): boolean => verify('sha256', input, key, signature);
  const cases: BenchCase[] = [{ name: `${alg} verify`, fn: check }];
  for (const [name, piece] of Object.entries(pieces)) {
    cases.push({ name: `${name}, alone`, fn: piece });
    cases.push({ name: `${name}, then verify`, fn: () => { piece(); return check(); } });
  }
  await compare(`${alg}: a piece of per-token work before each verification`, cases, `${alg} verify`);
}
if (sink === 42) console.log('');
