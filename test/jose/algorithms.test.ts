// The algorithm table's two functions: isJwsAlgorithm takes only the names themselves (no value that merely
// converts to one), and signatureLength gives the one length a signature may have (RFC 7518 §3.4, RFC 8017 §8.1.2).
import { describe, expect, it } from 'vitest';
import { ALGORITHMS, DEFAULT_ALGORITHMS, isJwsAlgorithm, signatureLength } from '../../src/jose/algorithms.js';
import { createJwtValidator } from '../../src/jose/validator.js';
import { nodeCryptoPort } from '../../src/node/crypto.js';
import type { JwsAlgorithm } from '../../src/ports.js';

describe('isJwsAlgorithm', () => {
  it('is true for each implemented name and nothing else', () => {
    for (const alg of DEFAULT_ALGORITHMS) expect(isJwsAlgorithm(alg), alg).toBe(true);
    for (const name of ['none', 'HS256', 'rs256', 'toString', '__proto__', '', undefined, null, 256]) expect(isJwsAlgorithm(name), String(name)).toBe(false);
  });

  it('is false for values that only convert to a name (an array, an object with toString)', () => {
    expect(isJwsAlgorithm(['RS256'])).toBe(false);
    expect(isJwsAlgorithm({ toString: () => 'ES256' })).toBe(false);
    expect(() => createJwtValidator({ keys: { keys: [] }, crypto: nodeCryptoPort, algorithms: [['ES256']] as unknown as JwsAlgorithm[] })).toThrow('algorithms must be a non-empty list');
  });
});

describe('signatureLength', () => {
  it('is the fixed R‖S or Ed25519 length, whatever modulus is given', () => {
    expect([signatureLength(ALGORITHMS.ES256, undefined), signatureLength(ALGORITHMS.ES384, 2048), signatureLength(ALGORITHMS.ES512, undefined), signatureLength(ALGORITHMS.EdDSA, undefined)]).toEqual([64, 96, 132, 64]);
  });

  it('is the RSA modulus length in whole octets, or null when the modulus is not known', () => {
    expect(signatureLength(ALGORITHMS.RS256, 2048)).toBe(256);
    expect(signatureLength(ALGORITHMS.PS512, 2049)).toBe(257);
    expect(signatureLength(ALGORITHMS.RS256, undefined)).toBeNull();
  });
});
