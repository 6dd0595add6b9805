// Long tokens are checked two bytes a step (a 64 KiB pair table built on first use); this file's first test is the
// first use, so it is the one that sees the table built. A bad character at every position of a token around the
// 256-character switch, at an even and an odd offset in the message, must be refused exactly as a
// character-by-character check refuses it.
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import { encodeClientResponse, type ClientResponseFields } from '../../src/sasl/gs2.js';

const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const BODY = 'abcXYZ019-._~+/';

function accepted(fields: ClientResponseFields): boolean {
  try {
    encodeClientResponse(fields);
    return true;
  } catch (err) {
    expect(err).toBeInstanceOf(OAuthBearerError);
    expect((err as OAuthBearerError).code).toBe('ERR_TOKEN_SYNTAX');
    return false;
  }
}

describe('long-token check (pair table)', () => {
  it('accepts and refuses what the grammar does, for a bad character at every position and both alignments', () => {
    const valid = (n: number) => Array.from({ length: n }, (_, i) => BODY[(i * 7) % BODY.length]).join('');
    // No host: the token starts at byte 16 (even); host "h" moves it to byte 23 (odd).
    for (const host of [undefined, 'h']) {
      for (const n of [255, 256, 257, 262, 300]) {
        const base = valid(n);
        const fields = (token: string): ClientResponseFields => ({ token, ...(host === undefined ? {} : { host }) });
        expect(accepted(fields(base))).toBe(true);
        expect(accepted(fields(`${base}==`))).toBe(true);
        for (let at = 0; at < n; at++) {
          for (const bad of [' ', '=', '\x00', '*']) {
            const token = base.slice(0, at) + bad + base.slice(at + 1);
            expect(accepted(fields(token)), `${JSON.stringify(bad)} at ${at} of ${n}, host ${host}`).toBe(B64TOKEN.test(token));
          }
        }
      }
    }
  });

  it('writes a long token byte for byte', () => {
    const token = 'A'.repeat(1000) + '=';
    const out = encodeClientResponse({ token });
    expect(new TextDecoder().decode(out)).toBe(`n,,\x01auth=Bearer ${token}\x01\x01`);
  });
});
