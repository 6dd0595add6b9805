// Project Wycheproof signature vectors (../shared/wycheproof/ or WYCHEPROOF_DIR, read at test time, not copied;
// skipped with the reason when absent, see test/external-files.ts) through the JWS
// verification path (verifySignature: JWK fit check, import, verify) on every crypto port: each `valid` test
// verifies, each `invalid` test fails; `acceptable` tests may do either and their outcome is recorded.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import type { CryptoPort, Jwk, JwsAlgorithm } from '../../src/ports.js';
import { verifySignature } from '../../src/jose/jws.js';
import { createWebCryptoPort } from '../../src/jose/webcrypto.js';
import { createNodeCryptoPort } from '../../src/node/crypto.js';
import { wycheproof } from '../external-files.js';

const { dir, skip } = wycheproof();
if (skip !== null) console.warn(`Wycheproof tests skipped: ${skip}`);
const FILES: Array<[string, JwsAlgorithm, number]> = [
  ['rsa_signature_2048_sha256_test.json', 'RS256', 0],
  ['rsa_pss_2048_sha256_mgf1_32_test.json', 'PS256', 0],
  ['ecdsa_secp256r1_sha256_p1363_test.json', 'ES256', 32],
  ['ecdsa_secp384r1_sha384_p1363_test.json', 'ES384', 48],
  ['ed25519_test.json', 'EdDSA', 0],
];
const PORTS: Record<string, CryptoPort> = {
  'node:crypto': createNodeCryptoPort(),
  'webcrypto (subtle Ed25519)': createWebCryptoPort({ ed25519: 'subtle' }),
  'webcrypto (noble Ed25519)': createWebCryptoPort({ ed25519: 'noble' }),
};

interface Test { tcId: number; comment: string; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable'; flags: string[] }
interface Group { publicKeyJwk?: Jwk; keyJwk?: Jwk; publicKey?: { wx?: string; wy?: string; curve?: string }; tests: Test[] }

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const coordinate = (h: string, size: number): string => Buffer.from(h.replace(/^(00)+/, '').padStart(size * 2, '0'), 'hex').toString('base64url');

/** The group's public key as a JWK; groups without one carry the point as hex (wx, wy). */
function groupJwk(group: Group, alg: JwsAlgorithm, size: number): Jwk {
  const jwk = group.publicKeyJwk ?? group.keyJwk;
  if (jwk !== undefined) return jwk;
  const crv = alg === 'ES256' ? 'P-256' : 'P-384';
  return { kty: 'EC', crv, x: coordinate(group.publicKey!.wx!, size), y: coordinate(group.publicKey!.wy!, size) };
}

describe.each(Object.entries(PORTS))('Wycheproof on the %s port', (_portName, port) => {
  it.skipIf(skip !== null).each(FILES)(`%s (%s)${skip === null ? '' : ` (skipped: ${skip})`}`, async (file, alg, size) => {
    const data = JSON.parse(readFileSync(join(dir!, file), 'utf8')) as { testGroups: Group[] };
    const counts = { valid: 0, invalid: 0, acceptable: 0 };
    const wrong: string[] = [];
    const acceptable: string[] = [];
    for (const group of data.testGroups) {
      const jwk = groupJwk(group, alg, size);
      for (const t of group.tests) {
        let verified = true;
        try {
          await verifySignature(jwk, alg, hex(t.msg), hex(t.sig), port);
        } catch (e) {
          expect(e).toBeInstanceOf(OAuthBearerError);
          verified = false;
        }
        counts[t.result]++;
        if (t.result === 'acceptable') acceptable.push(`tc${t.tcId} ${t.comment} [${t.flags.join(',')}]: ${verified ? 'accepted' : 'refused'}`);
        else if (verified !== (t.result === 'valid')) wrong.push(`tc${t.tcId} ${t.result} ${t.comment}`);
      }
    }
    // Recorded for the report: the one acceptable case in these files is RSA PKCS#1 tc8 "Missing NULL".
    if (acceptable.length > 0) console.log(`${file} acceptable: ${acceptable.join('; ')}`);
    expect(wrong).toEqual([]);
    expect(counts.valid + counts.invalid).toBeGreaterThan(100);
  });
});
