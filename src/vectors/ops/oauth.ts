/** Conformance operations of src/oauth/ (FORMAT.md). */
import type { VectorOps } from '../types.js';

export const oauthOps: VectorOps = {};
