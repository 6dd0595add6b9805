// Shared fixtures for the crypto port tests: generated key pairs per algorithm, as JWK and PKCS#8 DER.
import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
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

/** A compact JWS signed with node:crypto directly (not through our ports). */
export function signJwt(key: TestKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const { alg } = key;
  const b64u = (s: string | Uint8Array): string => Buffer.from(s).toString('base64url');
  const input = `${b64u(JSON.stringify({ alg, ...header }))}.${b64u(JSON.stringify(claims))}`;
  const hash = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`;
  const opts = alg.startsWith('PS') ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 }
    : alg.startsWith('ES') ? { dsaEncoding: 'ieee-p1363' as const } : {};
  return `${input}.${b64u(sign(hash, Buffer.from(input), { key: key.privateKey, ...opts }))}`;
}
