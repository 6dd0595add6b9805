/**
 * How a command's failure reaches the user: one line with the code and message on stderr, a line per cause
 * (down to the network error), and the exit code that kind of failure gets.
 * @module
 */
import type { ErrorCode, OAuthBearerError } from '../../errors.js';
import { describeCauses } from '../render.js';
import { EXIT_REFUSED, EXIT_USAGE, type CliIO } from './io.js';

/** Codes that mean "could not start on what it was given": exit 2. Every other OAuthBearerError is a refusal: 1. */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'ERR_USAGE_ARGUMENT', 'ERR_CONFIG', 'ERR_JAAS_CONFIG', 'ERR_RDKAFKA_CONFIG', 'ERR_URL_NOT_ALLOWED', 'ERR_FILE',
  'ERR_VECTOR_FORMAT', 'ERR_PRIVATE_KEY',
]);

/** The exit code for an error a command threw: 2 for usage and configuration, 1 for a refusal. */
export function exitCodeOf(error: OAuthBearerError): number {
  return USAGE_CODES.has(error.code) ? EXIT_USAGE : EXIT_REFUSED;
}

/** Reports `error` from `prefix` on stderr: the code and message, then each cause on its own line. */
export function reportError(io: CliIO, prefix: string, error: OAuthBearerError): void {
  io.err(`${prefix}: ${error.code}${error.status === undefined ? '' : ` (${error.status})`}: ${error.message}`);
  for (const line of describeCauses(error)) io.err(`  because: ${line}`);
}

