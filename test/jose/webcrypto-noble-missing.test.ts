// A runtime without WebCrypto Ed25519 where @noble/ed25519 is not installed: the EdDSA import fails with ERR_CRYPTO
// saying what to install, with the loader's error as the cause, and a later import tries the load again.
import { describe, expect, it, vi } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import { createWebCryptoPort } from '../../src/jose/webcrypto.js';
import { testKey } from './ports.js';

let loads = 0;
vi.mock('@noble/ed25519', () => {
  loads++;
  throw new Error("Cannot find package '@noble/ed25519'");
});

describe('Ed25519 without subtle and without @noble/ed25519', () => {
  it('fails with ERR_CRYPTO naming the missing package, keeps the cause, and retries the load on the next import', async () => {
    const port = createWebCryptoPort({ ed25519: 'noble' });
    for (const attempt of [1, 2]) {
      const e = await Promise.resolve(port.importPublicJwk({ ...testKey('EdDSA').publicJwk }, 'EdDSA')).then(() => null, (error: unknown) => error);
      expect(e, `attempt ${attempt}`).toBeInstanceOf(OAuthBearerError);
      expect((e as OAuthBearerError).code).toBe('ERR_CRYPTO');
      expect((e as OAuthBearerError).message).toBe('This runtime has no WebCrypto Ed25519 and @noble/ed25519 could not be loaded (is it installed?)');
      expect((e as OAuthBearerError).cause).toBeInstanceOf(Error);
    }
    const e = await Promise.resolve(port.importPrivateKey(testKey('EdDSA').privateJwk, 'EdDSA')).then(() => null, (error: unknown) => error);
    expect((e as OAuthBearerError).code).toBe('ERR_CRYPTO');
    // Each import tried the load afresh: a failed load is not remembered.
    expect(loads).toBe(3);
  });
});
