// Key files as OpenSSL writes them (RFC 7468, RFC 5958 §3, RFC 8018 PBES2): decrypted bytes equal OpenSSL's own
// unencrypted PKCS#8, for each cipher/PRF choice; wrong passphrases and legacy formats fail with ERR_PRIVATE_KEY.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { privateKeyFromFile, readKeyFile } from '../../src/oauth/pem.js';
import { nodeCryptoPort } from '../../src/node/crypto.js';

const dir = mkdtempSync(join(tmpdir(), 'oauthbearer-pem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'rsa.pem');
openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ec.pem');
openssl('genpkey', '-algorithm', 'ED25519', '-out', 'ed.pem');
const derOf = (file: string) => new Uint8Array(openssl('pkcs8', '-topk8', '-nocrypt', '-in', file, '-outform', 'DER'));

describe('privateKeyFromFile', () => {
  it.each([
    ['rsa.pem', ['-v2', 'aes-256-cbc']],
    ['ec.pem', ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1']],
    ['ed.pem', ['-v2', 'aes-192-cbc', '-iter', '1000']],
  ])('decrypts %s encrypted with %j to the same PKCS#8 as OpenSSL', async (file, options) => {
    const out = `${file}.enc.pem`;
    openssl('pkcs8', '-topk8', '-in', file, '-out', out, '-passout', 'pass:pässword', ...options);
    const text = readFileSync(join(dir, out), 'utf8');
    expect(readKeyFile(text).label).toBe('ENCRYPTED PRIVATE KEY');
    expect(await privateKeyFromFile(text, 'pässword')).toEqual(derOf(file));
    await expect(privateKeyFromFile(text, 'wrong')).rejects.toMatchObject({ code: 'ERR_PRIVATE_KEY' });
    await expect(privateKeyFromFile(text)).rejects.toMatchObject({ code: 'ERR_PRIVATE_KEY', message: expect.stringContaining('passphrase') });
  });

  it('reads unencrypted PEM and bare base64 (Kafka AssertionUtils) to DER the crypto port imports', async () => {
    const pem = readFileSync(join(dir, 'ed.pem'), 'utf8');
    const der = await privateKeyFromFile(pem);
    expect(der).toEqual(derOf('ed.pem'));
    const bare = pem.replace(/-----[A-Z ]+-----/g, '');
    expect(await privateKeyFromFile(bare)).toEqual(der);
    await nodeCryptoPort.importPrivateKey(der, 'EdDSA');
  });

  it('refuses legacy PKCS#1, truncated and empty files with a fix in the message', async () => {
    const pkcs1 = openssl('pkey', '-in', 'rsa.pem', '-traditional').toString();
    await expect(privateKeyFromFile(pkcs1)).rejects.toMatchObject({ code: 'ERR_PRIVATE_KEY', message: expect.stringContaining('openssl pkcs8') });
    const pem = readFileSync(join(dir, 'rsa.pem'), 'utf8');
    await expect(privateKeyFromFile(pem.slice(0, pem.length / 2))).rejects.toMatchObject({ code: 'ERR_PRIVATE_KEY' });
    await expect(privateKeyFromFile('')).rejects.toMatchObject({ code: 'ERR_PRIVATE_KEY' });
    await expect(privateKeyFromFile('%%% not base64')).rejects.toMatchObject({ code: 'ERR_PRIVATE_KEY' });
  });
});

describe('key file decoders on hostile input', () => {
  it('fail only with OAuthBearerError for any text or DER (numRuns 1000)', async () => {
    const { decryptPkcs8 } = await import('../../src/oauth/pem.js');
    const { OAuthBearerError } = await import('../../src/errors.js');
    const encrypted = new Uint8Array(openssl('pkcs8', '-topk8', '-in', 'ec.pem', '-outform', 'DER', '-passout', 'pass:x', '-v2', 'aes-128-cbc', '-iter', '1'));
    await fc.assert(fc.asyncProperty(
      fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.tuple(fc.nat(encrypted.length - 1), fc.integer({ min: 0, max: 255 })).map(([i, b]) => {
        const copy = encrypted.slice();
        copy[i] = b;
        return copy;
      }), fc.nat(encrypted.length).map((n) => encrypted.slice(0, n))),
      fc.string({ maxLength: 200 }),
      async (der, text) => {
        for (const run of [() => decryptPkcs8(der, 'x'), () => privateKeyFromFile(text, 'x')]) {
          try {
            await run();
          } catch (e) {
            expect(e).toBeInstanceOf(OAuthBearerError);
          }
        }
      }), { numRuns: 1000 });
  });
});
