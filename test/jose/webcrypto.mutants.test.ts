// The WebCrypto port's own paths, beyond the signature vectors (wycheproof.test.ts): Ed25519 through noble when
// subtle lacks it (a fake subtle stands for such a runtime), the RFC 8410 PKCS#8 seed, key-import refusals with
// their messages, the import cache, and what the port asks of subtle (non-extractable keys, one usage).
import { createHash, generateKeyPairSync, sign as nodeSign, verify as nodeVerify, constants } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import type { CryptoPort, Jwk, JwsAlgorithm, SubtleCryptoLike } from '../../src/ports.js';
import { createWebCryptoPort, ed25519SeedFromPkcs8 } from '../../src/jose/webcrypto.js';
import { createNodeCryptoPort } from '../../src/node/crypto.js';
import { decodeBase64url } from '../../src/encoding/base64.js';
import { ALL_ALGS, testKey } from './ports.js';

const data = new TextEncoder().encode('eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhbGljZSJ9');
const b64u = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

interface Call { op: string; args: unknown[] }

/** crypto.subtle with every call recorded; `ed25519: false` plays a runtime without WebCrypto Ed25519. */
function recordingSubtle(options: { ed25519?: boolean; verifyRejects?: boolean; importFailures?: number } = {}): { subtle: SubtleCryptoLike; calls: Call[] } {
  const real = globalThis.crypto.subtle;
  const calls: Call[] = [];
  let failures = options.importFailures ?? 0;
  const subtle = {
    importKey(format: string, keyData: object, algorithm: { name: string }, extractable: boolean, usages: string[]) {
      calls.push({ op: 'importKey', args: [format, keyData, algorithm, extractable, usages] });
      if (options.ed25519 === false && algorithm.name === 'Ed25519') return Promise.reject(new DOMException('Unrecognized algorithm name', 'NotSupportedError'));
      if (failures > 0) {
        failures--;
        return Promise.reject(new Error('temporarily unavailable'));
      }
      return real.importKey(format as 'jwk', keyData as JsonWebKey, algorithm, extractable, usages as KeyUsage[]);
    },
    verify(algorithm: AlgorithmIdentifier, key: CryptoKey, signature: BufferSource, signed: BufferSource) {
      calls.push({ op: 'verify', args: [algorithm] });
      if (options.verifyRejects === true) return Promise.reject(new DOMException('The operation failed', 'OperationError'));
      return real.verify(algorithm, key, signature, signed);
    },
    sign(algorithm: AlgorithmIdentifier, key: CryptoKey, signed: BufferSource) {
      calls.push({ op: 'sign', args: [algorithm] });
      return real.sign(algorithm, key, signed);
    },
    digest(algorithm: AlgorithmIdentifier, bytes: BufferSource) {
      calls.push({ op: 'digest', args: [algorithm] });
      return real.digest(algorithm, bytes);
    },
  };
  return { subtle: subtle as unknown as SubtleCryptoLike, calls };
}

const ops = (calls: Call[], op: string): Call[] => calls.filter((c) => c.op === op);

async function failure(p: unknown): Promise<OAuthBearerError> {
  try {
    await (typeof p === 'function' ? (p as () => unknown)() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(OAuthBearerError);
    return e as OAuthBearerError;
  }
  throw new Error('expected an OAuthBearerError');
}

/** A node:crypto signature of `data` in JWS form, to check our port against. */
function nodeSignature(alg: JwsAlgorithm, label = ''): Uint8Array {
  const key = testKey(alg, label);
  const hash = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`;
  const opts = alg.startsWith('PS') ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 }
    : alg.startsWith('ES') ? { dsaEncoding: 'ieee-p1363' as const } : {};
  return new Uint8Array(nodeSign(hash, data, { key: key.privateKey, ...opts }));
}

function nodeVerifies(alg: JwsAlgorithm, signature: Uint8Array): boolean {
  const key = testKey(alg);
  const hash = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`;
  const opts = alg.startsWith('PS') ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 }
    : alg.startsWith('ES') ? { dsaEncoding: 'ieee-p1363' as const } : {};
  return nodeVerify(hash, data, { key: key.publicKey, ...opts }, signature);
}

describe('ed25519SeedFromPkcs8 (RFC 8410 §7)', () => {
  const { pkcs8, privateJwk } = testKey('EdDSA');

  it('returns the 32-byte seed of an RFC 8410 PKCS#8 Ed25519 key (the JWK "d")', () => {
    const seed = ed25519SeedFromPkcs8(pkcs8);
    expect(seed).not.toBeNull();
    expect(seed!.length).toBe(32);
    expect(b64u(seed!)).toBe(privateJwk.d);
  });

  it('refuses a length other than 48 bytes, and any change to the 16-byte prefix', () => {
    expect(pkcs8.length).toBe(48);
    expect(ed25519SeedFromPkcs8(pkcs8.subarray(0, 47))).toBeNull();
    expect(ed25519SeedFromPkcs8(Uint8Array.of(...pkcs8, 0))).toBeNull();
    for (let i = 0; i < 16; i++) {
      const changed = pkcs8.slice();
      changed[i]! ^= 0x01;
      expect(ed25519SeedFromPkcs8(changed), `prefix byte ${i}`).toBeNull();
    }
    // The seed bytes themselves may be anything.
    const otherSeed = pkcs8.slice();
    otherSeed[47]! ^= 0xff;
    expect(ed25519SeedFromPkcs8(otherSeed)).not.toBeNull();
    expect(ed25519SeedFromPkcs8(testKey('ES256').pkcs8)).toBeNull();
  });
});

describe('Ed25519 through @noble/ed25519', () => {
  it('verifies node:crypto signatures without calling subtle (ed25519: "noble")', async () => {
    const { subtle, calls } = recordingSubtle();
    const port = createWebCryptoPort({ ed25519: 'noble', subtle });
    const key = await port.importPublicJwk(testKey('EdDSA').publicJwk, 'EdDSA');
    const signature = nodeSignature('EdDSA');
    expect(await port.verify(key, signature, data)).toBe(true);
    expect(await port.verify(key, signature, data.subarray(1))).toBe(false);
    const flipped = signature.slice();
    flipped[10]! ^= 0x04;
    expect(await port.verify(key, flipped, data)).toBe(false);
    expect(await port.verify(key, nodeSignature('EdDSA', 'other'), data)).toBe(false);
    expect(calls).toEqual([]);
  });

  it('signs from a JWK and from PKCS#8 exactly as node:crypto does (RFC 8032 signatures are deterministic)', async () => {
    const { subtle, calls } = recordingSubtle();
    const port = createWebCryptoPort({ ed25519: 'noble', subtle });
    const expected = b64u(nodeSignature('EdDSA'));
    const fromJwk = await port.importPrivateKey(testKey('EdDSA').privateJwk, 'EdDSA');
    const fromDer = await port.importPrivateKey(testKey('EdDSA').pkcs8, 'EdDSA');
    expect(b64u(await port.sign(fromJwk, data))).toBe(expected);
    expect(b64u(await port.sign(fromDer, data))).toBe(expected);
    expect(calls).toEqual([]);
  });

  it('wires noble on first use in a freshly loaded module: signatures and the public-key check work from the start', async () => {
    // The loaded noble is kept per module; a fresh module loads it again (the first use on a new runtime).
    vi.resetModules();
    const fresh = await import('../../src/jose/webcrypto.js');
    const port = fresh.createWebCryptoPort({ ed25519: 'noble' });
    const key = await port.importPrivateKey(testKey('EdDSA').privateJwk, 'EdDSA');
    expect(b64u(await port.sign(key, data))).toBe(b64u(nodeSignature('EdDSA')));
    const publicKey = await port.importPublicJwk(testKey('EdDSA').publicJwk, 'EdDSA');
    expect(await port.verify(publicKey, nodeSignature('EdDSA'), data)).toBe(true);
  });

  it('refuses a JWK whose "x" is not the public key of its "d" (RFC 8037 §2)', async () => {
    const port = createWebCryptoPort({ ed25519: 'noble' });
    const mismatched = { ...testKey('EdDSA').privateJwk, x: testKey('EdDSA', 'other').publicJwk.x };
    const e = await failure(port.importPrivateKey(mismatched, 'EdDSA'));
    expect(e.code).toBe('ERR_PRIVATE_KEY');
    expect(e.message).toBe('The Ed25519 JWK "x" is not the public key of its "d" (RFC 8037 §2)');
  });

  it('compares "x" byte for byte: bytes whose hex digits run together alike still differ', async () => {
    // Find a key whose public key has a byte 0x01..0x0f before a byte >= 0x10: [0x0a, 0xbc] and [0xab, 0x0c]
    // are different keys, though "a"+"bc" and "ab"+"c" read the same without zero padding.
    let jwk: Jwk | undefined;
    let x: Uint8Array | undefined;
    for (let n = 0; jwk === undefined; n++) {
      const candidate = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as Jwk;
      const bytes = decodeBase64url(candidate.x!);
      for (let i = 0; i + 1 < bytes.length; i++) {
        if (bytes[i]! >= 0x01 && bytes[i]! <= 0x0f && bytes[i + 1]! >= 0x10) {
          const swapped = bytes.slice();
          swapped[i] = (bytes[i]! << 4) | (bytes[i + 1]! >> 4);
          swapped[i + 1] = bytes[i + 1]! & 0x0f;
          jwk = candidate;
          x = swapped;
          break;
        }
      }
      if (n > 100) throw new Error('no suitable key in 100 tries');
    }
    const port = createWebCryptoPort({ ed25519: 'noble' });
    await port.importPrivateKey(jwk, 'EdDSA');
    const e = await failure(port.importPrivateKey({ ...jwk, x: b64u(x!) }, 'EdDSA'));
    expect(e.message).toContain('is not the public key of its "d"');
  });

  it('refuses a PKCS#8 key that is not Ed25519, naming RFC 8410', async () => {
    const port = createWebCryptoPort({ ed25519: 'noble' });
    const e = await failure(port.importPrivateKey(testKey('ES256').pkcs8, 'EdDSA'));
    expect(e.code).toBe('ERR_PRIVATE_KEY');
    expect(e.message).toBe('The PKCS#8 key is not an Ed25519 key (RFC 8410 §7)');
  });
});

describe('Ed25519 detection (ed25519: "auto")', () => {
  it('on a runtime without WebCrypto Ed25519, falls back to noble for EdDSA and keeps subtle for the rest', async () => {
    const { subtle, calls } = recordingSubtle({ ed25519: false });
    const port = createWebCryptoPort({ subtle });
    const publicKey = await port.importPublicJwk(testKey('EdDSA').publicJwk, 'EdDSA');
    expect(await port.verify(publicKey, nodeSignature('EdDSA'), data)).toBe(true);
    const privateKey = await port.importPrivateKey(testKey('EdDSA').pkcs8, 'EdDSA');
    expect(b64u(await port.sign(privateKey, data))).toBe(b64u(nodeSignature('EdDSA')));
    await port.importPublicJwk({ ...testKey('EdDSA').publicJwk }, 'EdDSA');
    // One probe, made once, is the only Ed25519 call subtle sees.
    const ed = ops(calls, 'importKey').filter((c) => (c.args[2] as { name: string }).name === 'Ed25519');
    expect(ed).toEqual([{ op: 'importKey', args: ['jwk', { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }, { name: 'Ed25519' }, false, ['verify']] }]);
    expect(ops(calls, 'verify')).toEqual([]);
    expect(ops(calls, 'sign')).toEqual([]);
    // ES256 still goes through subtle.
    const es = await port.importPublicJwk(testKey('ES256').publicJwk, 'ES256');
    expect(await port.verify(es, nodeSignature('ES256'), data)).toBe(true);
    const esPrivate = await port.importPrivateKey(testKey('ES256').privateJwk, 'ES256');
    expect(nodeVerifies('ES256', await port.sign(esPrivate, data))).toBe(true);
    expect(ops(calls, 'verify')).toHaveLength(1);
    expect(ops(calls, 'sign')).toHaveLength(1);
  });

  it('on a runtime with WebCrypto Ed25519, uses subtle after one probe', async () => {
    const { subtle, calls } = recordingSubtle();
    const port = createWebCryptoPort({ subtle });
    const key = await port.importPublicJwk(testKey('EdDSA').publicJwk, 'EdDSA');
    await port.importPublicJwk({ ...testKey('EdDSA').publicJwk }, 'EdDSA');
    expect(await port.verify(key, nodeSignature('EdDSA'), data)).toBe(true);
    const privateKey = await port.importPrivateKey(testKey('EdDSA').privateJwk, 'EdDSA');
    expect(b64u(await port.sign(privateKey, data))).toBe(b64u(nodeSignature('EdDSA')));
    expect(ops(calls, 'importKey')).toHaveLength(4);
    expect(ops(calls, 'verify')).toHaveLength(1);
    expect(ops(calls, 'sign')).toHaveLength(1);
  });

  it('ed25519: "subtle" uses subtle without probing', async () => {
    const { subtle, calls } = recordingSubtle();
    const port = createWebCryptoPort({ ed25519: 'subtle', subtle });
    const key = await port.importPublicJwk(testKey('EdDSA').publicJwk, 'EdDSA');
    expect(await port.verify(key, nodeSignature('EdDSA'), data)).toBe(true);
    expect(ops(calls, 'importKey')).toHaveLength(1);
    expect(ops(calls, 'verify')).toHaveLength(1);
  });
});

describe('WebCrypto key imports', () => {
  it('signs every algorithm from JWK and PKCS#8 so that node:crypto verifies, and verifies node:crypto signatures', async () => {
    const port = createWebCryptoPort();
    for (const alg of ALL_ALGS) {
      const key = testKey(alg);
      for (const source of [key.privateJwk, key.pkcs8]) {
        const handle = await port.importPrivateKey(source, alg);
        expect(nodeVerifies(alg, await port.sign(handle, data)), alg).toBe(true);
      }
      const handle = await port.importPublicJwk(key.publicJwk, alg);
      expect(await port.verify(handle, nodeSignature(alg), data), alg).toBe(true);
    }
  });

  it('asks subtle for non-extractable keys with the one usage needed', async () => {
    const { subtle, calls } = recordingSubtle();
    const port = createWebCryptoPort({ subtle });
    await port.importPublicJwk(testKey('RS256').publicJwk, 'RS256');
    await port.importPrivateKey(testKey('RS256').privateJwk, 'RS256');
    await port.importPrivateKey(testKey('ES256').pkcs8, 'ES256');
    expect(ops(calls, 'importKey').map((c) => [c.args[0], c.args[3], c.args[4]])).toEqual([
      ['jwk', false, ['verify']], ['jwk', false, ['sign']], ['pkcs8', false, ['sign']],
    ]);
  });

  it('refuses a public JWK that does not fit the algorithm with ERR_JWK', async () => {
    const port = createWebCryptoPort();
    const e = await failure(() => port.importPublicJwk(testKey('ES256').publicJwk, 'RS256'));
    expect(e.code).toBe('ERR_JWK');
    expect(e.message).toContain('has kty "EC" but RS256 needs kty "RSA"');
  });

  it('refuses a public JWK subtle cannot import, with subtle\'s reason as the cause', async () => {
    const port = createWebCryptoPort();
    const offCurve: Jwk = { kty: 'EC', crv: 'P-256', x: b64u(new Uint8Array(32).fill(1)), y: b64u(new Uint8Array(32).fill(2)) };
    const e = await failure(() => port.importPublicJwk(offCurve, 'ES256'));
    expect(e.code).toBe('ERR_JWK');
    expect(e.cause).toBeInstanceOf(Error);
    expect(e.message).toBe(`The EC JWK could not be imported for ES256: ${(e.cause as Error).message}`);
  });

  it('caches imports per JWK object and algorithm, hands back a resolved import synchronously, and retries a failed one', async () => {
    const { subtle, calls } = recordingSubtle({ importFailures: 1 });
    const port = createWebCryptoPort({ subtle });
    const jwk = testKey('RS256').publicJwk;
    await failure(() => port.importPublicJwk(jwk, 'RS256'));
    const first = await port.importPublicJwk(jwk, 'RS256');
    const again = port.importPublicJwk(jwk, 'RS256');
    expect(again).not.toBeInstanceOf(Promise);
    expect(again).toBe(first);
    const pss = await port.importPublicJwk(jwk, 'PS256');
    expect(await port.importPublicJwk(jwk, 'RS256')).toBe(first);
    expect(await port.importPublicJwk(jwk, 'PS256')).toBe(pss);
    expect(ops(calls, 'importKey')).toHaveLength(3);
  });

  it('refuses a private key for an unknown algorithm, a public JWK, and a key of the wrong type, with messages', async () => {
    const port = createWebCryptoPort();
    let e = await failure(() => port.importPrivateKey(testKey('ES256').privateJwk, 'HS256' as JwsAlgorithm));
    expect([e.code, e.message]).toEqual(['ERR_PRIVATE_KEY', 'Unsupported algorithm "HS256"']);
    e = await failure(() => port.importPrivateKey(testKey('ES256').pkcs8, 'HS256' as JwsAlgorithm));
    expect([e.code, e.message]).toEqual(['ERR_PRIVATE_KEY', 'Unsupported algorithm "HS256"']);
    e = await failure(() => port.importPrivateKey(testKey('ES256').publicJwk, 'ES256'));
    expect(e.code).toBe('ERR_PRIVATE_KEY');
    expect(e.message).toBe('The JWK has no private member "d"; signing needs a private key');
    e = await failure(() => port.importPrivateKey(testKey('RS256').pkcs8, 'ES256'));
    expect(e.code).toBe('ERR_PRIVATE_KEY');
    expect(e.message).toBe('The private key could not be imported for ES256 (is it a EC P-256 key?)');
    expect(e.cause).toBeDefined();
    e = await failure(() => port.importPrivateKey(testKey('ES256').pkcs8, 'RS256'));
    expect(e.message).toBe('The private key could not be imported for RS256 (is it a RSA key?)');
  });

  it('refuses a PKCS#8 RSA key under 2048 bits (RFC 7518 §3.3)', async () => {
    const port = createWebCryptoPort();
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'der', type: 'pkcs8' });
    const e = await failure(() => port.importPrivateKey(new Uint8Array(small), 'RS256'));
    expect(e.code).toBe('ERR_PRIVATE_KEY');
    expect(e.message).toBe('The RSA key has a 1024-bit modulus; RS256 needs at least 2048 bits (RFC 7518 §3.3)');
  });

  it('uses only its own keys, each for its own side', async () => {
    const port = createWebCryptoPort();
    const other: CryptoPort = createNodeCryptoPort();
    const publicKey = await port.importPublicJwk(testKey('ES256').publicJwk, 'ES256');
    const privateKey = await port.importPrivateKey(testKey('ES256').privateJwk, 'ES256');
    let e = await failure(() => port.verify(privateKey, nodeSignature('ES256'), data));
    expect([e.code, e.message]).toEqual(['ERR_USAGE_ARGUMENT', 'The key must be a public key imported by this WebCrypto port']);
    e = await failure(() => port.sign(publicKey, data));
    expect([e.code, e.message]).toEqual(['ERR_USAGE_ARGUMENT', 'The key must be a private key imported by this WebCrypto port']);
    const foreign = await other.importPublicJwk(testKey('ES256').publicJwk, 'ES256');
    e = await failure(() => port.verify(foreign, nodeSignature('ES256'), data));
    expect(e.code).toBe('ERR_USAGE_ARGUMENT');
  });

  it('answers false, not a rejection, when subtle\'s verify fails', async () => {
    const { subtle } = recordingSubtle({ verifyRejects: true });
    const port = createWebCryptoPort({ subtle });
    const key = await port.importPublicJwk(testKey('ES256').publicJwk, 'ES256');
    await expect(port.verify(key, nodeSignature('ES256'), data)).resolves.toBe(false);
  });

  it('refuses a signature of the wrong length without asking subtle', async () => {
    const { subtle, calls } = recordingSubtle();
    const port = createWebCryptoPort({ subtle });
    const key = await port.importPublicJwk(testKey('ES256').publicJwk, 'ES256');
    expect(await port.verify(key, nodeSignature('ES256').subarray(0, 63), data)).toBe(false);
    expect(ops(calls, 'verify')).toEqual([]);
  });

  it('hashes SHA-256 through subtle', async () => {
    const port = createWebCryptoPort();
    const abc = new TextEncoder().encode('abc');
    expect(Buffer.from(await port.sha256(abc)).toString('hex')).toBe(createHash('sha256').update(abc).digest('hex'));
  });
});
