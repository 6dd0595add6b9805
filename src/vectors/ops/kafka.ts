/** Conformance operations of src/kafka/ (FORMAT.md). */
import type { VectorOps } from '../types.js';

export const kafkaOps: VectorOps = {};
