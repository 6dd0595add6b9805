// RFC 8017 §8.1.2 / §8.2.2 step 1: an RSA signature must be exactly k octets (the modulus length). OpenSSL accepts
// a PSS signature that is shorter by leading zero octets (PKCS#1 v1.5 it checks), so the ports check the length. Regression: CI saw PS512 verify a
// signature with its first octet dropped (1 in 256 signatures starts with 0x00).
import { constants, generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeCryptoPort } from '../../src/node/crypto.js';
import { webCryptoPort } from '../../src/jose/webcrypto.js';
import type { Jwk, JwsAlgorithm } from '../../src/ports.js';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = publicKey.export({ format: 'jwk' }) as Jwk;

/** A message whose signature starts with 0x00, found by trying messages in turn. */
function leadingZeroSignature(alg: 'RS256' | 'PS256'): { data: Uint8Array; signature: Uint8Array } {
  const options = alg === 'PS256' ? { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : privateKey;
  for (let i = 0; i < 10_000; i++) {
    const data = new TextEncoder().encode(`message ${i}`);
    const signature = new Uint8Array(sign('sha256', data, options));
    if (signature[0] === 0) return { data, signature };
  }
  throw new Error('no signature with a leading zero octet in 10,000 tries');
}

describe.each(['RS256', 'PS256'] as const)('%s signature length', (alg) => {
  const { data, signature } = leadingZeroSignature(alg);
  const short = signature.subarray(1);
  it('OpenSSL accepts the PSS signature without its leading zero, not the PKCS#1 v1.5 one (why the ports check)', () => {
    const key = alg === 'PS256' ? { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : publicKey;
    expect(verify('sha256', data, key, signature)).toBe(true);
    expect(verify('sha256', data, key, short)).toBe(alg === 'PS256');
  });
  it.each([['node:crypto', nodeCryptoPort], ['WebCrypto', webCryptoPort]] as const)('the %s port accepts k octets only', async (_name, port) => {
    const key = await port.importPublicJwk(jwk, alg as JwsAlgorithm);
    expect(await port.verify(key, signature, data)).toBe(true);
    expect(await port.verify(key, short, data)).toBe(false);
    expect(await port.verify(key, new Uint8Array([0, ...signature]), data)).toBe(false);
  });
});
