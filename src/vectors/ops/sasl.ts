/** Conformance operations of src/sasl/ (FORMAT.md). */
import type { VectorOps } from '../types.js';

export const saslOps: VectorOps = {};
