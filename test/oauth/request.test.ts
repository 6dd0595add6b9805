// Token request/response properties: what goes on the wire decodes back to the inputs (RFC 6749 §2.3.1, Appendix
// B), and the response processor fails only with OAuthBearerError for any bytes (bounded, typed).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import { tokenRequest, basicAuthorization } from '../../src/oauth/request.js';
import { javaTrim } from '../../src/kafka/java.js';
import { processTokenResponse } from '../../src/oauth/response.js';
import { clientSecretBasic, clientSecretPost } from '../../src/oauth/client-auth.js';

const nonBlank = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => javaTrim(s) !== '');

describe('tokenRequest', () => {
  it('Basic credentials decode to the trimmed id:secret (urlencode=false) or the form-decoded pair (true)', () => {
    fc.assert(fc.property(nonBlank, nonBlank, fc.boolean(), (id, secret, urlencode) => {
      const header = basicAuthorization(id, secret, urlencode);
      expect(header.startsWith('Basic ')).toBe(true);
      const decoded = new TextDecoder().decode(Uint8Array.from(atob(header.slice(6)), (c) => c.charCodeAt(0)));
      if (!urlencode) {
        expect(decoded).toBe(`${javaTrim(id)}:${javaTrim(secret)}`);
      } else {
        const [a, b, ...rest] = decoded.split(':');
        expect(rest).toEqual([]);
        const form = new URLSearchParams(`a=${a}&b=${b}`);
        expect([form.get('a'), form.get('b')]).toEqual([javaTrim(id), javaTrim(secret)]);
      }
    }), { numRuns: 1000 });
  });

  it('the body form-decodes to the parameters in FORMAT.md order', () => {
    fc.assert(fc.property(nonBlank, nonBlank, fc.option(nonBlank, { nil: undefined }), fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
      (id, secret, scope, extra) => {
        const params = Object.fromEntries(Object.entries(extra).filter(([k]) => !['scope', 'assertion'].includes(k) && !k.startsWith('client') && k !== 'grant'));
        const req = tokenRequest({ tokenEndpoint: 'https://idp.example/token', grantType: 'client_credentials',
          clientAuth: clientSecretPost(id, secret), ...(scope === undefined ? {} : { scope }), params });
        const decoded = [...new URLSearchParams(req.body)];
        const expected: Array<[string, string]> = [['grant_type', 'client_credentials']];
        if (scope !== undefined) expected.push(['scope', javaTrim(scope)]);
        expected.push(['client_id', javaTrim(id)], ['client_secret', javaTrim(secret)], ...Object.entries(params));
        expect(decoded).toEqual(expected);
        expect(req.headers['content-length']).toBe(String(new TextEncoder().encode(req.body).byteLength));
        expect(/^[\x21-\x7e]*$/.test(req.body)).toBe(true);
      }), { numRuns: 1000 });
  });

  it('refuses a blank client id or secret before building anything', () => {
    expect(() => clientSecretBasic(' ', 's')).toThrow(expect.objectContaining({ code: 'ERR_CLIENT_AUTH' }));
    expect(() => clientSecretBasic('c', '')).toThrow(expect.objectContaining({ code: 'ERR_CLIENT_AUTH' }));
  });

  it('never puts the secret in an error message', () => {
    const secret = 'hunter2-secret';
    for (const url of ['not a url', 'ftp://x/token']) {
      try {
        tokenRequest({ tokenEndpoint: url, grantType: 'client_credentials', clientAuth: clientSecretBasic('c', secret) });
        expect.unreachable();
      } catch (e) {
        expect((e as Error).message).not.toContain(secret);
      }
    }
  });
});

describe('processTokenResponse', () => {
  // Issue 12 item 5: `expires_in: 1e308` gave expiresAtMs Infinity.
  it('reports an expires_in past the last Date instant as unknown, never Infinity', () => {
    const at = (expiresIn: unknown) => processTokenResponse({ status: 200, body: JSON.stringify({ access_token: 't', expires_in: expiresIn }) }, { nowMs: 1_700_000_000_000 }).expiresAtMs;
    expect(at(1e308)).toBeNull();
    expect(at(1e13)).toBeNull();
    expect(at('999999999999999')).toBeNull();
    expect(at(3600)).toBe(1_700_003_600_000);
    expect(at((8.64e15 - 1_700_000_000_000) / 1000)).toBe(8.64e15);
    fc.assert(fc.property(fc.double(), (d) => {
      const v = at(d);
      expect(v === null || (Number.isSafeInteger(v) && v <= 8.64e15)).toBe(true);
    }), { numRuns: 1000 });
  });

  it('fails only with OAuthBearerError, for any status and body', () => {
    fc.assert(fc.property(fc.integer({ min: 100, max: 599 }), fc.oneof(fc.string(), fc.json(), fc.uint8Array({ maxLength: 64 })), (status, body) => {
      try {
        const token = processTokenResponse({ status, body }, { nowMs: 0 });
        expect(status === 200 || status === 201).toBe(true);
        expect(javaTrim(token.accessToken)).toBe(token.accessToken);
        expect(token.accessToken).not.toBe('');
      } catch (e) {
        expect(e).toBeInstanceOf(OAuthBearerError);
      }
    }), { numRuns: 1000 });
  });

  it('round-trips any non-blank token in a 200 answer', () => {
    fc.assert(fc.property(nonBlank, fc.constantFrom(200, 201), (token, status) => {
      const got = processTokenResponse({ status, body: JSON.stringify({ access_token: token }) }, { nowMs: 0 });
      expect(got.accessToken).toBe(javaTrim(token));
    }), { numRuns: 1000 });
  });

  it('refuses a body over 1 MiB', () => {
    const body = `{"access_token":"${'a'.repeat(1 << 20)}"}`;
    expect(() => processTokenResponse({ status: 200, body }, { nowMs: 0 })).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_RESPONSE', status: 'invalid_response' }));
  });
});
