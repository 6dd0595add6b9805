/**
 * JWS algorithms (RFC 7518 §3.1, RFC 8037 §3.1) and what each asks of its key, following the RFC 8725 §3.1
 * advice: an explicit allow-list, never `none`, never a MAC algorithm with a public key.
 * @module
 */
import type { JwsAlgorithm } from '../ports.js';

/** What one algorithm needs: its hash, its key type and curve, and the signature length where fixed. */
export interface AlgorithmSpec {
  readonly alg: JwsAlgorithm;
  /** `RSASSA-PKCS1-v1_5`, `RSA-PSS`, `ECDSA` or `Ed25519`. */
  readonly family: 'RSASSA-PKCS1-v1_5' | 'RSA-PSS' | 'ECDSA' | 'Ed25519';
  /** The hash as WebCrypto names it, or null for Ed25519 (RFC 8032 hashes internally). */
  readonly hash: 'SHA-256' | 'SHA-384' | 'SHA-512' | null;
  /** The hash output length in bytes: the PSS salt length (RFC 7518 §3.5). */
  readonly hashBytes: number;
  /** The JWK `kty` this algorithm requires (RFC 7518 §6.1, RFC 8037 §2). */
  readonly kty: 'RSA' | 'EC' | 'OKP';
  /** The JWK `crv` for EC and OKP keys (RFC 7518 §3.4, RFC 8037 §3.1), else null. */
  readonly crv: 'P-256' | 'P-384' | 'P-521' | 'Ed25519' | null;
  /** Exact signature length in bytes for ES (R‖S, RFC 7518 §3.4) and EdDSA (RFC 8032 §5.1.6); null for RSA. */
  readonly signatureBytes: number | null;
}

const spec = (
  alg: JwsAlgorithm, family: AlgorithmSpec['family'], hash: AlgorithmSpec['hash'], hashBytes: number,
  kty: AlgorithmSpec['kty'], crv: AlgorithmSpec['crv'], signatureBytes: number | null,
): AlgorithmSpec => Object.freeze({ alg, family, hash, hashBytes, kty, crv, signatureBytes });

/** Every algorithm this library signs and verifies, by name. */
export const ALGORITHMS: Readonly<Record<JwsAlgorithm, AlgorithmSpec>> = Object.freeze({
  RS256: spec('RS256', 'RSASSA-PKCS1-v1_5', 'SHA-256', 32, 'RSA', null, null),
  RS384: spec('RS384', 'RSASSA-PKCS1-v1_5', 'SHA-384', 48, 'RSA', null, null),
  RS512: spec('RS512', 'RSASSA-PKCS1-v1_5', 'SHA-512', 64, 'RSA', null, null),
  PS256: spec('PS256', 'RSA-PSS', 'SHA-256', 32, 'RSA', null, null),
  PS384: spec('PS384', 'RSA-PSS', 'SHA-384', 48, 'RSA', null, null),
  PS512: spec('PS512', 'RSA-PSS', 'SHA-512', 64, 'RSA', null, null),
  // RFC 7518 §3.4: R and S are each the curve order's byte length, so 64, 96 and 132 bytes.
  ES256: spec('ES256', 'ECDSA', 'SHA-256', 32, 'EC', 'P-256', 64),
  ES384: spec('ES384', 'ECDSA', 'SHA-384', 48, 'EC', 'P-384', 96),
  ES512: spec('ES512', 'ECDSA', 'SHA-512', 64, 'EC', 'P-521', 132),
  EdDSA: spec('EdDSA', 'Ed25519', null, 64, 'OKP', 'Ed25519', 64),
});

/**
 * The default allow-list: every asymmetric algorithm above; `none` and HS* are never allowed (RFC 8725 §2.1, §3.1).
 * @category Checking tokens
 */
export const DEFAULT_ALGORITHMS: readonly JwsAlgorithm[] = Object.freeze([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA',
]);

/** Smallest RSA modulus accepted: 2048 bits (RFC 7518 §3.3, §3.5: "A key of size 2048 bits or larger MUST be used"). */
export const MIN_RSA_MODULUS_BITS = 2048;

/** True when `name` is an algorithm this library implements. */
export function isJwsAlgorithm(name: unknown): name is JwsAlgorithm {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(ALGORITHMS, name);
}

/**
 * The exact length a signature for `s` must have: the fixed R‖S or Ed25519 length, or for RSA the modulus length in
 * octets (RFC 8017 §8.1.2 and §8.2.2 step 1: "If the length of the signature S is not k octets, output invalid
 * signature"). OpenSSL accepts an RSA-PSS signature shortened by leading zero octets, so the ports check it.
 */
export function signatureLength(s: AlgorithmSpec, modulusBits: number | undefined): number | null {
  return s.signatureBytes ?? (modulusBits === undefined ? null : Math.ceil(modulusBits / 8));
}
