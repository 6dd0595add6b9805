// Shared fixtures for the crypto port tests: generated key pairs per algorithm, as JWK and PKCS#8 DER.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { JwsAlgorithm, Jwk } from '../../src/ports.js';

export const ALL_ALGS: JwsAlgorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface TestKey { alg: JwsAlgorithm; publicJwk: Jwk; privateJwk: Jwk; pkcs8: Uint8Array; privateKey: KeyObject; publicKey: KeyObject }

const made = new Map<string, TestKey>();

/** A fresh key pair fitting `alg` (memoised per alg and label). */
export function testKey(alg: JwsAlgorithm, label = ''): TestKey {
  const id = `${alg}/${label}`;
  const hit = made.get(id);
  if (hit) return hit;
  const pair = alg.startsWith('RS') || alg.startsWith('PS')
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg as 'ES256']! });
  const publicJwk = pair.publicKey.export({ format: 'jwk' }) as Jwk;
  const privateJwk = pair.privateKey.export({ format: 'jwk' }) as Jwk;
  const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
  const key: TestKey = { alg, publicJwk, privateJwk, pkcs8: new Uint8Array(der), privateKey: pair.privateKey, publicKey: pair.publicKey };
  made.set(id, key);
  return key;
}
