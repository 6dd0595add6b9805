/** Conformance operations of src/jose/ (FORMAT.md). */
import type { VectorOps } from '../types.js';

export const joseOps: VectorOps = {};
