// The OAuthBearerError a call throws; fails the test when it returns or throws anything else.
import { expect } from 'vitest';
import { OAuthBearerError } from '../src/errors.js';

export function caught(f: () => unknown): OAuthBearerError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(OAuthBearerError);
    return e as OAuthBearerError;
  }
  throw new Error('expected an OAuthBearerError to be thrown');
}
