// Both crypto ports sign and verify every JWS algorithm, from JWK and PKCS#8, interoperating with each other and
// with node:crypto itself; keys that do not fit the algorithm are refused (RFC 8725 §3.1).
import { generateKeyPairSync, sign as nodeSign, verify as nodeVerify, constants } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OAuthBearerError, type ErrorCode } from '../../src/errors.js';
import type { CryptoPort } from '../../src/ports.js';
import { createWebCryptoPort } from '../../src/jose/webcrypto.js';
import { createNodeCryptoPort, nodeBase64url } from '../../src/node/crypto.js';
import { decodeBase64url } from '../../src/encoding/base64.js';
import fc from 'fast-check';
import { ALL_ALGS, testKey } from '../jose/ports.js';

const ports: Record<string, CryptoPort> = {
  node: createNodeCryptoPort(),
  webcrypto: createWebCryptoPort(),
  'webcrypto+noble': createWebCryptoPort({ ed25519: 'noble' }),
};
const data = new TextEncoder().encode('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9');

async function rejects(p: unknown, code: ErrorCode): Promise<void> {
  try {
    await (typeof p === 'function' ? (p as () => unknown)() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(OAuthBearerError);
    expect((e as OAuthBearerError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe.each(Object.entries(ports))('%s port', (_name, port) => {
  it.each(ALL_ALGS)('%s: signs from JWK and PKCS#8, verifies, refuses a changed message', async (alg) => {
    const k = testKey(alg);
    const pub = await port.importPublicJwk(k.publicJwk, alg);
    for (const priv of [k.privateJwk, k.pkcs8]) {
      const key = await port.importPrivateKey(priv, alg);
      expect(key.type).toBe('private');
      const sig = await port.sign(key, data);
      if (alg.startsWith('ES')) expect(sig.length).toBe({ ES256: 64, ES384: 96, ES512: 132 }[alg as 'ES256']);
      expect(await port.verify(pub, sig, data)).toBe(true);
      expect(await port.verify(pub, sig, data.subarray(1))).toBe(false);
      const bad = sig.slice(); bad[5]! ^= 1;
      expect(await port.verify(pub, bad, data)).toBe(false);
      expect(await port.verify(pub, sig.subarray(1), data)).toBe(false);
      // Interop: every port's signature verifies on every other port.
      for (const other of Object.values(ports)) expect(await other.verify(await other.importPublicJwk(k.publicJwk, alg), sig, data)).toBe(true);
    }
  });

  it.each(ALL_ALGS)('%s: agrees with node:crypto directly', async (alg) => {
    const k = testKey(alg);
    const hash = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`;
    const opts = alg.startsWith('PS') ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 }
      : alg.startsWith('ES') ? { dsaEncoding: 'ieee-p1363' as const } : {};
    const sig = nodeSign(hash, data, { key: k.privateKey, ...opts });
    expect(await port.verify(await port.importPublicJwk(k.publicJwk, alg), new Uint8Array(sig), data)).toBe(true);
    const ours = await port.sign(await port.importPrivateKey(k.privateJwk, alg), data);
    expect(nodeVerify(hash, data, { key: k.publicKey, ...opts }, ours)).toBe(true);
  });

  it('caches imports per JWK object, so the hot path never imports again', async () => {
    const k = testKey('ES256');
    const a = await port.importPublicJwk(k.publicJwk, 'ES256');
    const b = port.importPublicJwk(k.publicJwk, 'ES256');
    expect(b).toBe(a); // synchronous and identical once resolved
  });

  it('refuses keys that do not fit the algorithm (RFC 8725 §3.1)', async () => {
    await rejects(() => port.importPublicJwk(testKey('ES256').publicJwk, 'RS256'), 'ERR_JWK');
    await rejects(() => port.importPublicJwk(testKey('ES256').publicJwk, 'ES384'), 'ERR_JWK');
    await rejects(() => port.importPublicJwk(testKey('RS256').publicJwk, 'EdDSA'), 'ERR_JWK');
    await rejects(() => port.importPublicJwk({ kty: 'oct', k: 'c2VjcmV0' }, 'RS256'), 'ERR_JWK');
    await rejects(() => port.importPublicJwk({ ...testKey('RS256').publicJwk, use: 'enc' }, 'RS256'), 'ERR_JWK');
    await rejects(() => port.importPublicJwk({ ...testKey('RS256').publicJwk, alg: 'PS256' }, 'RS256'), 'ERR_JWK');
    await rejects(() => port.importPublicJwk({ ...testKey('RS256').publicJwk, key_ops: ['sign'] }, 'RS256'), 'ERR_JWK');
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    await rejects(() => port.importPublicJwk(small.publicKey.export({ format: 'jwk' }) as never, 'RS256'), 'ERR_JWK');
    await rejects(() => port.importPrivateKey(new Uint8Array(small.privateKey.export({ format: 'der', type: 'pkcs8' })), 'RS256'), 'ERR_PRIVATE_KEY');
    await rejects(() => port.importPrivateKey(testKey('ES256').pkcs8, 'ES384'), 'ERR_PRIVATE_KEY');
    await rejects(() => port.importPrivateKey(testKey('ES256').pkcs8, 'EdDSA'), 'ERR_PRIVATE_KEY');
    await rejects(() => port.importPrivateKey(testKey('ES256').publicJwk, 'ES256'), 'ERR_PRIVATE_KEY');
    await rejects(() => port.importPrivateKey(new Uint8Array([1, 2, 3]), 'ES256'), 'ERR_PRIVATE_KEY');
    const k = testKey('EdDSA');
    await rejects(() => port.importPrivateKey({ ...k.privateJwk, x: testKey('EdDSA', 'other').publicJwk.x }, 'EdDSA'), 'ERR_PRIVATE_KEY');
  });

  // Issue 12 item 5: the node:crypto port accepted an EC private JWK whose d does not match x/y (WebCrypto refuses).
  it.each(['ES256', 'ES384', 'ES512'] as const)('%s: refuses a private JWK whose "d" is not the key of its x/y', async (alg) => {
    const k = testKey(alg);
    const other = testKey(alg, 'other');
    await rejects(() => port.importPrivateKey({ ...k.privateJwk, d: other.privateJwk.d }, alg), 'ERR_PRIVATE_KEY');
    await rejects(() => port.importPrivateKey({ ...k.privateJwk, y: other.privateJwk.y }, alg), 'ERR_PRIVATE_KEY');
    expect((await port.importPrivateKey(k.privateJwk, alg)).type).toBe('private');
  });

  it('hashes SHA-256', async () => {
    const h = await port.sha256(new TextEncoder().encode('abc'));
    expect(Buffer.from(h).toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('nodeBase64url', () => {
  it('property: same bytes or same refusal as the portable decodeBase64url, on any string (numRuns 1000)', () => {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom(...chars), maxLength: 80 }),
      fc.string({ unit: fc.constantFrom(...chars, '=', '+', '/', ' ', '.', 'é', '\n', '\u0000', '\u{1F600}', '%'), maxLength: 40 }),
      fc.tuple(fc.uint8Array({ maxLength: 60 }), fc.nat(), fc.string({ minLength: 1, maxLength: 2 })).map(([b, at, junk]) => { const t = Buffer.from(b).toString('base64url'); const i = at % (t.length + 1); return t.slice(0, i) + junk + t.slice(i); }),
      fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b).toString('base64url')),
    );
    fc.assert(fc.property(text, (t) => {
      let ours: Uint8Array | OAuthBearerError;
      let portable: Uint8Array | OAuthBearerError;
      try { ours = nodeBase64url(t); } catch (e) { ours = e as OAuthBearerError; }
      try { portable = decodeBase64url(t); } catch (e) { portable = e as OAuthBearerError; }
      if (portable instanceof Uint8Array) expect(ours instanceof Uint8Array ? Array.from(ours) : ours).toEqual(Array.from(portable));
      else {
        expect(ours).toBeInstanceOf(OAuthBearerError);
        expect((ours as OAuthBearerError).code).toBe('ERR_BASE64');
      }
    }), { numRuns: 1000 });
  });
});
