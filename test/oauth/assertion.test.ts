// Assertions (RFC 7523 §3) signed through both crypto ports verify with jose; ES signatures are R‖S (RFC 7518
// §3.4, unlike Kafka's DER); Kafka's layering (KIP-1139 LayeredAssertionJwtTemplate) puts dynamic values last.
import { generateKeyPairSync } from 'node:crypto';
import * as jose from 'jose';
import { describe, expect, it } from 'vitest';
import { createAssertion, layerAssertion, parseAssertionTemplate, randomJti } from '../../src/oauth/assertion.js';
import { privateKeyJwt, resolveClientAuth } from '../../src/oauth/client-auth.js';
import { webCryptoPort } from '../../src/jose/webcrypto.js';
import { nodeCryptoPort } from '../../src/node/crypto.js';
import { webRandom, type JwsAlgorithm } from '../../src/ports.js';
import { decodeBase64url } from '../../src/encoding/base64.js';

const keys: Record<string, { privateKey: import('node:crypto').KeyObject; publicKey: import('node:crypto').KeyObject }> = {
  EdDSA: generateKeyPairSync('ed25519'),
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  ES384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  PS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
};
const SIG_BYTES: Record<string, number> = { EdDSA: 64, ES256: 64, ES384: 96, RS256: 256, PS256: 256 };

describe('createAssertion', () => {
  for (const [name, port] of [['webcrypto', webCryptoPort], ['node', nodeCryptoPort]] as const) {
    it.each(Object.keys(keys))(`${name} port: %s from a JWK and from PKCS#8 verifies with jose`, async (alg) => {
      const pair = keys[alg]!;
      const claims = { iss: 'svc', sub: 'svc', aud: 'https://idp/token', iat: 1, exp: 4_000_000_000, jti: 'x' };
      for (const privateKey of [pair.privateKey.export({ format: 'jwk' }), new Uint8Array(pair.privateKey.export({ format: 'der', type: 'pkcs8' }))]) {
        const made = await createAssertion({ privateKey: privateKey as never, alg: alg as JwsAlgorithm, kid: 'k1', claims }, port);
        const { payload, protectedHeader } = await jose.compactVerify(made.compact, pair.publicKey, { algorithms: [alg] });
        expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(claims);
        expect(protectedHeader).toEqual({ alg, typ: 'JWT', kid: 'k1' });
        expect(decodeBase64url(made.compact.split('.')[2]!)).toHaveLength(SIG_BYTES[alg]!);
      }
    });
  }

  it('refuses a key handle imported for another algorithm', async () => {
    const handle = await nodeCryptoPort.importPrivateKey(keys.EdDSA!.privateKey.export({ format: 'jwk' }) as never, 'EdDSA');
    await expect(createAssertion({ privateKey: handle, alg: 'ES256', claims: { exp: 1 } }, nodeCryptoPort))
      .rejects.toMatchObject({ code: 'ERR_PRIVATE_KEY' });
  });

  it('private_key_jwt: iss = sub = client id, aud, iat/nbf/exp from now, a fresh UUID jti each time', async () => {
    const auth = privateKeyJwt(keys.ES256!.privateKey.export({ format: 'jwk' }) as never, { clientId: 'svc', alg: 'ES256', audience: 'https://idp/token' });
    const a = await resolveClientAuth(auth, { crypto: nodeCryptoPort, random: webRandom, nowMs: 1_700_000_000_999 });
    const b = await resolveClientAuth(auth, { crypto: nodeCryptoPort, random: webRandom, nowMs: 1_700_000_000_999 });
    if (a.method !== 'private_key_jwt' || b.method !== 'private_key_jwt') throw new Error('unexpected');
    const claims = jose.decodeJwt(a.clientAssertion);
    expect(claims).toMatchObject({ iss: 'svc', sub: 'svc', aud: 'https://idp/token', iat: 1_700_000_000, exp: 1_700_000_300, nbf: 1_699_999_940 });
    expect(claims.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(jose.decodeJwt(b.clientAssertion).jti).not.toBe(claims.jti);
  });

  it('randomJti is a version 4 UUID', () => {
    for (let i = 0; i < 100; i++) expect(randomJti(webRandom)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('layerAssertion (Kafka KIP-1139)', () => {
  it('static config < template file < dynamic values', () => {
    const template = parseAssertionTemplate(JSON.stringify({
      header: { kid: 'from-template', alg: 'HS256', typ: 'x' },
      payload: { aud: 'template-aud', iat: 5, exp: 6, custom: true },
    }));
    const { header, claims } = layerAssertion({
      alg: 'RS256', staticClaims: { aud: 'config-aud', iss: 'config-iss' }, template, expSeconds: 300, nbfSeconds: 60, includeJti: true,
    }, 1_700_000_000_500, 'jti-1');
    expect(header).toEqual({ kid: 'from-template', alg: 'RS256', typ: 'JWT' });
    expect(claims).toEqual({ aud: 'template-aud', iss: 'config-iss', custom: true, iat: 1_700_000_000, exp: 1_700_000_300, nbf: 1_699_999_940, jti: 'jti-1' });
  });

  it('leaves jti out unless enabled, and refuses a template that is not an object of objects', () => {
    const { claims } = layerAssertion({ alg: 'ES256', staticClaims: {}, expSeconds: 10, nbfSeconds: 0, includeJti: false }, 0, 'j');
    expect(claims).toEqual({ iat: 0, exp: 10, nbf: 0 });
    for (const bad of ['[]', '{"header": 1}', '{"payload": []}', 'not json']) {
      expect(() => parseAssertionTemplate(bad)).toThrow(expect.objectContaining({ code: 'ERR_ASSERTION' }));
    }
  });
});
