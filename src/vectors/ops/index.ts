/** Every conformance operation this library implements, by name (FORMAT.md §Operations). */
import type { VectorOps } from '../types.js';
import { saslOps } from './sasl.js';
import { kafkaOps } from './kafka.js';
import { joseOps } from './jose.js';
import { oauthOps } from './oauth.js';
import { exchangeOps } from './exchange.js';
import { wireOps } from './wire.js';

/**
 * All operations, merged; a name defined twice is a programming error caught by the unit test.
 * @category Vectors
 */
export const allOps: VectorOps = { ...saslOps, ...kafkaOps, ...joseOps, ...oauthOps, ...exchangeOps, ...wireOps };

/** Each area's operations, for the test that checks no name is defined twice. */
export const opsByArea: Readonly<Record<string, VectorOps>> = {
  sasl: saslOps, kafka: kafkaOps, jose: joseOps, oauth: oauthOps, exchange: exchangeOps, wire: wireOps,
};
