/**
 * The crypto port on WebCrypto (`crypto.subtle`, W3C Web Cryptography API), for every runtime: RS/PS (RFC 7518
 * §3.3, §3.5), ES with R‖S signatures (§3.4, WebCrypto's native form), and EdDSA (RFC 8037) through subtle's
 * Ed25519 where the runtime has it, else `@noble/ed25519` (RFC 8032) with `@noble/hashes` SHA-512.
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import type { CryptoPort, Jwk, JwsAlgorithm, KeyHandle, SubtleCryptoLike } from '../ports.js';
import { decodeBase64url } from '../encoding/base64.js';
import { ALGORITHMS, MIN_RSA_MODULUS_BITS, type AlgorithmSpec, signatureLength } from './algorithms.js';
import { checkJwkForAlgorithm, privateMembers, publicMembers } from './jwk.js';

/** Ed25519 through `@noble/ed25519`, strict RFC 8032 §5.1.7 verification (no ZIP-215 leniency). */
interface NobleEd25519 {
  /** True when `signature` (64 bytes) is valid for `message` under the 32-byte `publicKey`; never throws. */
  verify(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): boolean;
  /** The 64-byte deterministic signature of `message` under the 32-byte `seed` (RFC 8032 §5.1.6). */
  sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /** The 32-byte public key of a seed (RFC 8032 §5.1.5). */
  publicKey(seed: Uint8Array): Uint8Array;
}

let noble: Promise<NobleEd25519> | undefined;

/**
 * Loads and wires `@noble/ed25519` on first use only (a key import on a runtime without subtle Ed25519), so that a
 * bundle on a runtime that has it never loads it and no module sets noble's hash at load time.
 */
function loadNobleEd25519(): Promise<NobleEd25519> {
  noble ??= Promise.all([import('@noble/ed25519'), import('@noble/hashes/sha2.js')]).then(([ed, { sha512 }]) => {
    // Synchronous noble calls need a synchronous SHA-512 (noble-ed25519 README, "Enabling synchronous methods").
    ed.hashes.sha512 = sha512;
    return Object.freeze({
      verify(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): boolean {
        if (signature.length !== 64 || publicKey.length !== 32) return false;
        try {
          return ed.verify(signature, message, publicKey, { zip215: false });
        } catch {
          return false;
        }
      },
      sign: (seed: Uint8Array, message: Uint8Array): Uint8Array => ed.sign(message, seed),
      publicKey: (seed: Uint8Array): Uint8Array => ed.getPublicKey(seed),
    });
  }, (cause: unknown) => {
    noble = undefined;
    throw new OAuthBearerError('ERR_CRYPTO', 'This runtime has no WebCrypto Ed25519 and @noble/ed25519 could not be loaded (is it installed?)', { cause });
  });
  return noble;
}

// PKCS#8 v1 of an Ed25519 key (RFC 8410 §7): SEQUENCE { 0, { id-Ed25519 }, OCTET STRING { OCTET STRING seed } }.
const ED25519_PKCS8_PREFIX = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20);

/** The 32-byte seed inside an RFC 8410 PKCS#8 Ed25519 key, or null when the bytes are not that form. */
export function ed25519SeedFromPkcs8(der: Uint8Array): Uint8Array | null {
  if (der.length !== ED25519_PKCS8_PREFIX.length + 32) return null;
  for (let i = 0; i < ED25519_PKCS8_PREFIX.length; i++) if (der[i] !== ED25519_PKCS8_PREFIX[i]) return null;
  return der.slice(ED25519_PKCS8_PREFIX.length);
}

/** A key imported by a {@link createWebCryptoPort} port. */
class WebKey implements KeyHandle {
  constructor(
    readonly alg: JwsAlgorithm,
    readonly type: 'public' | 'private',
    /** The subtle key, or null for a noble Ed25519 key. */
    readonly cryptoKey: CryptoKey | null,
    /** Raw Ed25519 public key or seed for the noble path. */
    readonly raw: Uint8Array | null,
    /** The loaded noble Ed25519, for a key on the noble path. */
    readonly noble: NobleEd25519 | null,
    readonly params: AlgorithmIdentifier | RsaPssParams | EcdsaParams,
    /** The only signature length that can verify ({@link signatureLength}), or null when unknown. */
    readonly signatureBytes: number | null = null,
  ) {}
}

function importParams(s: AlgorithmSpec): RsaHashedImportParams | EcKeyImportParams | Algorithm {
  switch (s.family) {
    case 'RSASSA-PKCS1-v1_5':
    case 'RSA-PSS': return { name: s.family, hash: s.hash! };
    case 'ECDSA': return { name: 'ECDSA', namedCurve: s.crv! };
    default: return { name: 'Ed25519' };
  }
}

function useParams(s: AlgorithmSpec): AlgorithmIdentifier | RsaPssParams | EcdsaParams {
  switch (s.family) {
    case 'RSASSA-PKCS1-v1_5': return { name: s.family };
    // RFC 7518 §3.5: the salt is as long as the hash output.
    case 'RSA-PSS': return { name: 'RSA-PSS', saltLength: s.hashBytes };
    case 'ECDSA': return { name: 'ECDSA', hash: s.hash! };
    default: return { name: 'Ed25519' };
  }
}

const bufferSource = (bytes: Uint8Array): BufferSource => bytes as Uint8Array<ArrayBuffer>;

/**
 * Options of {@link createWebCryptoPort}.
 * @category Checking tokens
 */
export interface WebCryptoPortOptions {
  /** `auto` (default): subtle's Ed25519 when the runtime has it, else noble. `subtle` or `noble` force one. */
  ed25519?: 'auto' | 'subtle' | 'noble';
  /** The SubtleCrypto to use; defaults to the global `crypto.subtle`. */
  subtle?: SubtleCryptoLike;
}

// RFC 8032 §7.1 test 1 public key: importing it tells whether subtle has Ed25519.
const PROBE_ED25519_X = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';

/**
 * Creates a crypto port on WebCrypto. Imported keys are cached per JWK object and algorithm, so the hot path
 * never imports twice; a resolved import is returned synchronously.
 * @example
 * ```ts
 * const port = createWebCryptoPort();
 * const key = await port.importPublicJwk(jwk, 'ES256');
 * const ok = await port.verify(key, signature, signingInput);
 * ```
 * @category Checking tokens
 */
export function createWebCryptoPort(options: WebCryptoPortOptions = {}): CryptoPort {
  const subtle = options.subtle ?? globalThis.crypto.subtle;
  const mode = options.ed25519 ?? 'auto';
  let subtleEd25519: Promise<boolean> | boolean | undefined = mode === 'subtle' ? true : mode === 'noble' ? false : undefined;
  const hasSubtleEd25519 = (): Promise<boolean> | boolean => {
    if (subtleEd25519 === undefined) {
      subtleEd25519 = subtle
        .importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: PROBE_ED25519_X }, { name: 'Ed25519' }, false, ['verify'])
        .then(() => (subtleEd25519 = true), () => (subtleEd25519 = false));
    }
    return subtleEd25519;
  };
  const cache = new WeakMap<Jwk, Map<JwsAlgorithm, KeyHandle | Promise<KeyHandle>>>();

  async function importPublic(jwk: Jwk, alg: JwsAlgorithm): Promise<KeyHandle> {
    checkJwkForAlgorithm(jwk, alg, 'verify');
    const s = ALGORITHMS[alg];
    if (s.family === 'Ed25519' && !(await hasSubtleEd25519())) {
      return new WebKey(alg, 'public', null, decodeBase64url(jwk.x!), await loadNobleEd25519(), useParams(s), signatureLength(s, undefined));
    }
    try {
      const key = await subtle.importKey('jwk', publicMembers(jwk) as JsonWebKey, importParams(s), false, ['verify']);
      return new WebKey(alg, 'public', key, null, null, useParams(s), signatureLength(s, (key.algorithm as Partial<RsaHashedKeyAlgorithm>).modulusLength));
    } catch (cause) {
      throw new OAuthBearerError('ERR_JWK', `The ${jwk.kty} JWK could not be imported for ${alg}: ${(cause as Error).message}`, { cause });
    }
  }

  async function importPrivate(key: Jwk | Uint8Array, alg: JwsAlgorithm): Promise<KeyHandle> {
    const s = ALGORITHMS[alg];
    if (s === undefined) throw new OAuthBearerError('ERR_PRIVATE_KEY', `Unsupported algorithm "${String(alg)}"`);
    const isDer = key instanceof Uint8Array;
    if (!isDer) checkJwkForAlgorithm(key, alg, 'sign');
    if (s.family === 'Ed25519' && !(await hasSubtleEd25519())) {
      const seed = isDer ? ed25519SeedFromPkcs8(key) : decodeBase64url(key.d!);
      if (seed === null) throw new OAuthBearerError('ERR_PRIVATE_KEY', 'The PKCS#8 key is not an Ed25519 key (RFC 8410 §7)');
      const ed = await loadNobleEd25519();
      if (!isDer && encodeHex(ed.publicKey(seed)) !== encodeHex(decodeBase64url(key.x!))) {
        throw new OAuthBearerError('ERR_PRIVATE_KEY', 'The Ed25519 JWK "x" is not the public key of its "d" (RFC 8037 §2)');
      }
      return new WebKey(alg, 'private', null, seed, ed, useParams(s));
    }
    let cryptoKey: CryptoKey;
    try {
      cryptoKey = isDer
        ? await subtle.importKey('pkcs8', bufferSource(key), importParams(s), false, ['sign'])
        : await subtle.importKey('jwk', privateMembers(key) as JsonWebKey, importParams(s), false, ['sign']);
    } catch (cause) {
      throw new OAuthBearerError('ERR_PRIVATE_KEY', `The private key could not be imported for ${alg} (is it a ${s.kty}${s.crv ? ` ${s.crv}` : ''} key?)`, { cause });
    }
    const bits = (cryptoKey.algorithm as RsaHashedKeyAlgorithm).modulusLength;
    if (s.kty === 'RSA' && bits < MIN_RSA_MODULUS_BITS) {
      throw new OAuthBearerError('ERR_PRIVATE_KEY', `The RSA key has a ${bits}-bit modulus; ${alg} needs at least ${MIN_RSA_MODULUS_BITS} bits (RFC 7518 §3.3)`);
    }
    return new WebKey(alg, 'private', cryptoKey, null, null, useParams(s));
  }

  const own = (key: KeyHandle, type: 'public' | 'private'): WebKey => {
    if (!(key instanceof WebKey) || key.type !== type) {
      throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `The key must be a ${type} key imported by this WebCrypto port`);
    }
    return key;
  };

  return {
    importPublicJwk(jwk: Jwk, alg: JwsAlgorithm): KeyHandle | Promise<KeyHandle> {
      let byAlg = cache.get(jwk);
      const hit = byAlg?.get(alg);
      if (hit !== undefined) return hit;
      if (byAlg === undefined) cache.set(jwk, (byAlg = new Map()));
      const pending = importPublic(jwk, alg);
      const slot = byAlg;
      slot.set(alg, pending);
      pending.then((handle) => slot.set(alg, handle), () => slot.delete(alg));
      return pending;
    },
    importPrivateKey: importPrivate,
    verify(key: KeyHandle, signature: Uint8Array, data: Uint8Array): boolean | Promise<boolean> {
      const k = own(key, 'public');
      if (k.signatureBytes !== null && signature.length !== k.signatureBytes) return false;
      if (k.cryptoKey === null) return k.noble!.verify(k.raw!, signature, data);
      return subtle.verify(k.params, k.cryptoKey, bufferSource(signature), bufferSource(data)).catch(() => false);
    },
    async sign(key: KeyHandle, data: Uint8Array): Promise<Uint8Array> {
      const k = own(key, 'private');
      if (k.cryptoKey === null) return k.noble!.sign(k.raw!, data);
      return new Uint8Array(await subtle.sign(k.params, k.cryptoKey, bufferSource(data)));
    },
    async sha256(data: Uint8Array): Promise<Uint8Array> {
      return new Uint8Array(await subtle.digest('SHA-256', bufferSource(data)));
    },
  };
}

function encodeHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * The default WebCrypto port (Ed25519 chosen by feature detection).
 * @category Checking tokens
 */
export const webCryptoPort: CryptoPort = /* @__PURE__ */ createWebCryptoPort();
