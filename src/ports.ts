/**
 * Ports: everything the core asks of the world. The core never touches the network, the file system, timers or
 * `process`; drivers pass these in (defaults for Node live in `src/node/`).
 * @module
 */

/*
 * The web types the ports name, resolved to the platform's own where its type declarations have them (lib DOM,
 * @types/node, workers' types), else to the few members the core uses: the declarations then type-check under
 * `lib: ["es2022"]` alone, with no DOM or Node types.
 */

/**
 * The platform's `Headers`, or the members the core reads.
 * @category Errors and ports
 */
export type HeadersLike = typeof globalThis extends { Headers: { prototype: infer H } } ? H : {
  get(name: string): string | null;
  has(name: string): boolean;
  forEach(callback: (value: string, name: string) => void): void;
};

/**
 * The platform's `AbortSignal`, or the members the core uses.
 * @category Errors and ports
 */
export type AbortSignalLike = typeof globalThis extends { AbortSignal: { prototype: infer S } } ? S : {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
  throwIfAborted(): void;
};

/**
 * The platform's fetch `Request`, or the members the core uses.
 * @category Errors and ports
 */
export type RequestLike = typeof globalThis extends { Request: { prototype: infer R } } ? R : {
  readonly url: string;
  readonly method: string;
  readonly headers: HeadersLike;
  readonly signal: AbortSignalLike;
  text(): Promise<string>;
};

/**
 * The platform's fetch `Response`, or the members the core uses.
 * @category Errors and ports
 */
export type ResponseLike = typeof globalThis extends { Response: { prototype: infer R } } ? R : {
  readonly status: number;
  readonly headers: HeadersLike;
  readonly body: {
    getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(reason?: unknown): Promise<void>; releaseLock(): void };
    cancel(reason?: unknown): Promise<void>;
  } | null;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
};

/**
 * The platform's WebCrypto `SubtleCrypto`, or the members the WebCrypto port calls.
 * @category Errors and ports
 */
export type SubtleCryptoLike = typeof globalThis extends { SubtleCrypto: { prototype: infer C } } ? C : {
  importKey(format: string, keyData: object, algorithm: object, extractable: boolean, keyUsages: string[]): Promise<unknown>;
  sign(algorithm: object, key: unknown, data: Uint8Array): Promise<ArrayBuffer>;
  verify(algorithm: object, key: unknown, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
  digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer>;
};

/**
 * A `fetch`-shaped HTTP function. Cancellation comes through the request's `signal`.
 * @category Errors and ports
 */
export type HttpPort = (request: RequestLike) => Promise<ResponseLike>;

/**
 * Wall-clock time in milliseconds since the Unix epoch.
 * @example
 * ```ts
 * const clock: Clock = { nowMs: () => Date.now() }; // systemClock; tests pass a clock they step
 * ```
 * @category Errors and ports
 */
export interface Clock {
  nowMs(): number;
}

/**
 * Cryptographically secure random bytes.
 * @example
 * ```ts
 * const random: Random = { bytes: (length) => crypto.getRandomValues(new Uint8Array(length)) }; // webRandom
 * ```
 * @category Errors and ports
 */
export interface Random {
  bytes(length: number): Uint8Array;
}

/**
 * The system clock, for drivers that want one.
 * @category Errors and ports
 */
export const systemClock: Clock = { nowMs: () => Date.now() };

/**
 * Random bytes from the web-standard `crypto.getRandomValues`.
 * @category Errors and ports
 */
export const webRandom: Random = {
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    // getRandomValues fills at most 65,536 bytes per call (WebCrypto §10.1.1).
    for (let i = 0; i < length; i += 65_536) crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65_536)));
    return out;
  },
};

/**
 * A uniform draw in [0, 1) from random bytes: 53 bits, as Java's `Random.nextDouble()` has.
 * @example
 * ```ts
 * const atMs = refreshAtMs(token, config, uniformDraw(webRandom)); // a draw in [0, 1)
 * ```
 * @category Errors and ports
 */
export function uniformDraw(random: Random): number {
  const b = random.bytes(7);
  // 53 bits = 5 + 8 × 6 bits.
  let hi = b[0]! & 0x1f;
  for (let i = 1; i < 7; i++) hi = hi * 256 + b[i]!;
  return hi / 2 ** 53;
}

/**
 * JWS algorithms the crypto port signs and verifies (RFC 7518 §3.1, RFC 8037 §3.1). Never `none`.
 * @category Errors and ports
 */
export type JwsAlgorithm =
  | 'RS256' | 'RS384' | 'RS512'
  | 'PS256' | 'PS384' | 'PS512'
  | 'ES256' | 'ES384' | 'ES512'
  | 'EdDSA';

/**
 * A key the crypto port imported; opaque to the core, bound to one algorithm.
 * @category Errors and ports
 */
export interface KeyHandle {
  readonly alg: JwsAlgorithm;
  readonly type: 'public' | 'private';
}

/**
 * A public or private key as a JWK (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2).
 * @category Errors and ports
 */
export interface Jwk {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  n?: string;
  e?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
  x5c?: string[];
  [member: string]: unknown;
}

/**
 * Signing, verification and digests. WebCrypto everywhere (`webCrypto` in `src/jose/`), node:crypto KeyObjects in
 * Node (`src/node/`), `@noble/ed25519` where a runtime lacks Ed25519. Results may be synchronous, so a fast port
 * costs no promise on the hot path. ES signatures are R‖S (RFC 7518 §3.4), never DER.
 * @category Errors and ports
 */
export interface CryptoPort {
  /** Imports a public JWK for `alg`; throws `ERR_JWK` when the key does not fit the algorithm. */
  importPublicJwk(jwk: Jwk, alg: JwsAlgorithm): KeyHandle | Promise<KeyHandle>;
  /** Imports a private key (a JWK with `d`, or PKCS#8 DER bytes) for `alg`; throws `ERR_PRIVATE_KEY`. */
  importPrivateKey(key: Jwk | Uint8Array, alg: JwsAlgorithm): KeyHandle | Promise<KeyHandle>;
  /** True when `signature` is a valid signature of `data` under `key`. Never throws for a bad signature. */
  verify(key: KeyHandle, signature: Uint8Array, data: Uint8Array): boolean | Promise<boolean>;
  /** Signs `data` with a private `key`. */
  sign(key: KeyHandle, data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** SHA-256 of `data` (RFC 8705 thumbprints, JWK thumbprints). */
  sha256(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}
