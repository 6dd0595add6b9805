/**
 * oauthbearer/vectors: the conformance runner for `oauthbearer-vectors/1` files (spec-vectors/FORMAT.md) and every
 * operation this library implements. Pure: parsed JSON in, results out, in any runtime. A subpath of its own, so
 * that a bundle of the core does not carry the runner's op tables.
 * @module oauthbearer/vectors
 */
export { runVectorFile, runVector, readVectorFile, VECTOR_FORMAT } from './runner.js';
export type { VectorResult, VectorFileResult } from './runner.js';
export { allOps } from './ops/index.js';
export type { VectorOp, VectorOps, VectorInput } from './types.js';
