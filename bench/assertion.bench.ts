/**
 * Client assertion creation (RFC 7523 §3) per algorithm: ours (`createAssertion` on the node:crypto port, and on
 * the WebCrypto port) against jose's `SignJWT`, each with its key imported once, same header and claims.
 * Target: ours (node port) not slower than jose for any algorithm.
 * Run: npx tsx bench/assertion.bench.ts
 */
import { generateKeyPairSync } from 'node:crypto';
import * as jose from 'jose';
import { compare } from './harness.js';
import { createAssertion } from '../src/oauth/assertion.js';
import { nodeCryptoPort } from '../src/node/crypto.js';
import { webCryptoPort } from '../src/jose/webcrypto.js';
import type { JwsAlgorithm } from '../src/ports.js';

const pairs: Record<string, ReturnType<typeof generateKeyPairSync>> = {
  EdDSA: generateKeyPairSync('ed25519'),
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  PS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
};
let n = 0;
const claims = () => ({ iss: 'svc', sub: 'svc', aud: 'https://idp.example.com/oauth2/token', iat: 1_700_000_000, exp: 1_700_000_300, nbf: 1_699_999_940, jti: `jti-${n++}` });

const summary: string[] = [];
for (const alg of ['EdDSA', 'ES256', 'RS256', 'PS256'] as const) {
  const { privateKey } = pairs[alg]!;
  const jwk = privateKey.export({ format: 'jwk' }) as never;
  const ours = await nodeCryptoPort.importPrivateKey(jwk, alg as JwsAlgorithm);
  const web = await webCryptoPort.importPrivateKey(jwk, alg as JwsAlgorithm);
  const results = await compare(`assertion ${alg}`, [
    { name: 'jose SignJWT', fn: () => new jose.SignJWT(claims()).setProtectedHeader({ alg, typ: 'JWT', kid: 'k1' }).sign(privateKey) },
    { name: 'ours (node port)', fn: () => createAssertion({ privateKey: ours, alg, kid: 'k1', claims: claims() }, nodeCryptoPort) },
    { name: 'ours (webcrypto port)', fn: () => createAssertion({ privateKey: web, alg, kid: 'k1', claims: claims() }, webCryptoPort) },
  ], 'jose SignJWT', { batchMs: 8 });
  const ratio = results[1]!.ratio.median;
  summary.push(`${alg}: ours (node) ${ratio.toFixed(2)}× jose ${ratio <= 1.05 ? '(target met)' : '(SLOWER)'}`);
}
console.log(`\n${summary.join('\n')}`);
