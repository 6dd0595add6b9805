/**
 * Short-lived byte arrays carved from a shared 8 KiB ArrayBuffer, the idea of Node's `Buffer` pool in portable
 * code. Allocating a `Uint8Array` of more than 64 bytes costs about a microsecond in V8 (a fresh backing store);
 * a view on an existing buffer costs some 25 ns. The JWS hot path takes three such arrays per token.
 *
 * Views never overlap and a range is never handed out twice: an exhausted pool is dropped (the garbage collector
 * frees it with its last view) and a new one started. So a caller may keep a pooled array as long as it likes. The
 * one difference from `new Uint8Array(n)`: its `.buffer` is the shared pool, so code must use the view's own
 * `byteOffset` and `byteLength` (as WebCrypto and node:crypto do), never the whole `.buffer`.
 * @module
 */

const POOL_BYTES = 8 * 1024;
/** Larger requests get their own array: a pool should serve many requests before it is dropped. */
const MAX_POOLED_BYTES = POOL_BYTES >>> 2;

let pool = new ArrayBuffer(POOL_BYTES);
let used = 0;

/** A zero-filled `Uint8Array` of `length` bytes, from the shared pool when it is small. */
export function pooledBytes(length: number): Uint8Array {
  if (length > MAX_POOLED_BYTES) return new Uint8Array(length);
  if (used + length > POOL_BYTES) {
    pool = new ArrayBuffer(POOL_BYTES);
    used = 0;
  }
  const view = new Uint8Array(pool, used, length);
  used += (length + 7) & ~7; // keep views 8-byte aligned
  return view;
}
