/**
 * The contract between the conformance runner and the operations it runs (format `oauthbearer-vectors/1`,
 * spec-vectors/FORMAT.md).
 * @module
 */

/**
 * A vector's `input`, parsed JSON. Byte strings arrive as JSON strings or `{ "base64": "..." }`.
 * @category Vectors
 */
export type VectorInput = Record<string, unknown>;

/**
 * One operation. `run` returns the RESULT object (values: JSON values, `Uint8Array` for byte strings, `null` for
 * absent) or throws `OAuthBearerError` (whose `status` is compared when the vector names one).
 * @category Vectors
 */
export interface VectorOp {
  run(input: VectorInput): unknown | Promise<unknown>;
  /** RESULT fields the format calls a set: compared sorted. Paths are dot-separated (`modules.options`). */
  readonly sets?: readonly string[];
  /** RESULT fields compared as JSON values of decoded JSON (numbers by value). Default: all, deep-equal. */
}

/**
 * Operations by name (`gs2.encode`, `unsecured.validate`, ...).
 * @category Vectors
 */
export type VectorOps = Readonly<Record<string, VectorOp>>;
