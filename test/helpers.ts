// Small helpers the tests share: the OAuthBearerError a call throws, and byte concatenation.
import { expect } from 'vitest';
import { OAuthBearerError } from '../src/errors.js';

/**
 * The OAuthBearerError a call throws; fails the test when it returns or throws anything else, or, given `status`,
 * when the error's protocol status differs.
 */
export function caught(f: () => unknown, status?: OAuthBearerError['status']): OAuthBearerError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(OAuthBearerError);
    if (status !== undefined) expect((e as OAuthBearerError).status).toBe(status);
    return e as OAuthBearerError;
  }
  throw new Error('expected an OAuthBearerError to be thrown');
}

/** The byte arrays one after another in a new array (the fuzz harness's own). */
export { concat } from '../src/node/cli/fuzz.js';
