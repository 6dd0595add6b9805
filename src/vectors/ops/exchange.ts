/** `server.exchange`: the SASL server engine with a Kafka-semantics or JWT validator (FORMAT.md). */
import type { VectorOps } from '../types.js';

export const exchangeOps: VectorOps = {};
