/**
 * Why bench/harness.ts shuffles: the same WebCrypto cases timed in the old harness's rotating order and in a
 * shuffled order, in one process. The case list is the old jwt.bench.ts's (sync and async cases mixed), RS256 and
 * ES256, ~800-byte tokens. Under the rotating order each case always follows the same neighbour, and an awaited
 * thread-pool call's cost depends on what ran just before it; shuffling (plus the async lead-in) averages that out.
 * Run: npx tsx bench/order.bench.ts
 */
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { createVerifier } from 'fast-jwt';
import { compare, formatRatio, type BenchCase } from './harness.js';
import { createJwtValidator } from '../src/jose/validator.js';
import { nodeCryptoPort } from '../src/node/crypto.js';
import { webCryptoPort } from '../src/jose/webcrypto.js';
import type { Jwk } from '../src/ports.js';

const NOW = 1_700_000_000;
const context = { nowMs: NOW * 1000 };
const b64u = (s: string | Uint8Array): string => Buffer.from(s).toString('base64url');

function makeToken(alg: 'RS256' | 'ES256', privateKey: KeyObject): string {
  const header = b64u(JSON.stringify({ alg, typ: 'JWT', kid: 'k1' }));
  const claims = {
    iss: 'https://idp.example.com/realms/kafka', sub: 'service-account-orders', aud: 'kafka-broker',
    iat: NOW - 60, exp: NOW + 3600, nbf: NOW - 60, jti: '4f1c6a52-8f5e-4d0b-9a55-3c2f1d0e7b9a',
    scope: 'kafka.read kafka.write', azp: 'orders-service', client_id: 'orders-service',
    realm_access: { roles: ['offline_access', 'uma_authorization', 'x'.repeat(alg === 'RS256' ? 24 : 220)] },
  };
  const input = `${header}.${b64u(JSON.stringify(claims))}`;
  const signature = sign(alg === 'RS256' ? 'sha256' : 'sha256', Buffer.from(input), { key: privateKey, ...(alg === 'ES256' ? { dsaEncoding: 'ieee-p1363' as const } : {}) });
  return `${input}.${b64u(signature)}`;
}

const lines: string[] = [];
for (const alg of ['RS256', 'ES256'] as const) {
  const pair = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...(pair.publicKey.export({ format: 'jwk' }) as Jwk), kid: 'k1' };
  const token = makeToken(alg, pair.privateKey);
  const [h, p, s] = token.split('.') as [string, string, string];
  const signingInput = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(s, 'base64url');
  const keyObject = createPublicKey({ key: jwk as never, format: 'jwk' });
  const nodeKey = alg === 'ES256' ? { key: keyObject, dsaEncoding: 'ieee-p1363' as const } : keyObject;
  const subtleParams = alg === 'RS256' ? { name: 'RSASSA-PKCS1-v1_5' } : { name: 'ECDSA', hash: 'SHA-256' };
  const importParams = alg === 'RS256' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: 'P-256' };
  const { kid: _kid, ...bareJwk } = jwk;
  void _kid;
  const cryptoKey = await crypto.subtle.importKey('jwk', bareJwk as JsonWebKey, importParams, false, ['verify']);
  const oursNode = createJwtValidator({ keys: { keys: [jwk] }, crypto: nodeCryptoPort, audience: ['kafka-broker'], cacheEntries: 0 });
  const oursWeb = createJwtValidator({ keys: { keys: [jwk] }, crypto: webCryptoPort, audience: ['kafka-broker'], cacheEntries: 0 });
  const pem = keyObject.export({ format: 'pem', type: 'spki' }) as string;
  const fastJwt = createVerifier({ key: pem, algorithms: [alg], allowedAud: 'kafka-broker', clockTimestamp: NOW * 1000, cache: false });
  const parse = (): unknown => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
  const cases: BenchCase[] = [
    { name: 'floor: node:crypto.verify', fn: () => verify('sha256', signingInput, nodeKey, signature) },
    { name: 'floor: crypto.subtle.verify', fn: () => crypto.subtle.verify(subtleParams, cryptoKey, signature, signingInput) },
    { name: 'floor: base64url+JSON.parse', fn: parse },
    { name: 'ours (node port)', fn: () => oursNode(token, context) },
    { name: 'ours (WebCrypto port)', fn: () => oursWeb(token, context) },
    { name: 'fast-jwt (no cache)', fn: () => fastJwt(token) },
  ];
  const result: string[] = [];
  for (const order of ['rotating', 'shuffled', 'rotating', 'shuffled'] as const) {
    const c = await compare(`${alg}, old case mix, order ${order}`, cases, 'floor: node:crypto.verify', { rounds: 61, order });
    result.push(`${order} ${formatRatio(c.ratioOf('ours (WebCrypto port)', 'floor: crypto.subtle.verify'))}`);
  }
  lines.push(`${alg} WebCrypto port / subtle.verify, same cases, by order: ${result.join('; ')}`);
}
console.log(`\n${lines.join('\n')}`);
