// encodeClientResponse (one template through TextEncoder.encode, then checks on its bytes) against the string-building
// encoder of before issue 13, kept as the reference: the same bytes for every input, or the same error (code and message).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OAuthBearerError } from '../../src/errors.js';
import { checkExtension, encodeClientResponse, isB64Token, type ClientResponseFields } from '../../src/sasl/gs2.js';

/** The encoder before issue 13 (src/sasl/gs2.ts at 901812a), verbatim but for the helpers inlined. */
function referenceEncode(fields: ClientResponseFields): Uint8Array {
  const VALUE = (c: number): boolean => (c >= 0x21 && c <= 0x7e) || c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
  const isAll = (text: string, ok: (c: number) => boolean): boolean => {
    for (let i = 0; i < text.length; i++) if (!ok(text.charCodeAt(i))) return false;
    return true;
  };
  const hasLoneSurrogate = (text: string): boolean => {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) i++;
        else return true;
      } else if (c >= 0xdc00 && c <= 0xdfff) {
        return true;
      }
    }
    return false;
  };
  const { authzid, token, host, port } = fields;
  for (const [name, value] of [['authzid', authzid], ['host', host]] as const) {
    if (value !== undefined && typeof value !== 'string') throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `encodeClientResponse: ${name} must be a string`);
  }
  if (typeof token !== 'string' || !isB64Token(token)) {
    throw new OAuthBearerError('ERR_TOKEN_SYNTAX', `The token (${typeof token === 'string' ? token.length : 0} characters) is not a b64token (letters, digits, "-._~+/", then optional "=" padding)`);
  }
  let out = 'n,';
  if (authzid !== undefined && authzid !== '') {
    if (authzid.includes('\0') || hasLoneSurrogate(authzid)) {
      throw new OAuthBearerError('ERR_AUTHZID', 'The authzid must be Unicode text without NUL');
    }
    out += `a=${authzid.replace(/[=,]/g, (c) => (c === '=' ? '=3D' : '=2C'))}`;
  }
  out += ',\x01';
  if (host !== undefined) {
    if (host.length === 0 || !isAll(host, VALUE)) throw new OAuthBearerError('ERR_KVPAIR', 'The host must be non-empty printable ASCII, space, tab, CR or LF');
    out += `host=${host}\x01`;
  }
  if (port !== undefined) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new OAuthBearerError('ERR_KVPAIR', `The port must be 1 to 65535 (no leading zeros), not ${String(port)}`);
    out += `port=${port}\x01`;
  }
  out += `auth=Bearer ${token}\x01`;
  const extensions = fields.extensions;
  if (extensions !== undefined) {
    const entries: Iterable<readonly [string, string]> = extensions instanceof Map ? extensions.entries() : Object.entries(extensions);
    for (const [key, value] of entries) {
      checkExtension(key, value);
      if ((key === 'host' && host !== undefined) || (key === 'port' && port !== undefined)) {
        throw new OAuthBearerError('ERR_EXTENSION_KEY', `The "${key}" kvpair is repeated; send each key once`);
      }
      out += `${key}=${value}\x01`;
    }
  }
  out += '\x01';
  return new TextEncoder().encode(out);
}

function outcome(encode: (f: ClientResponseFields) => Uint8Array, fields: ClientResponseFields): { bytes: number[] } | { code: string; message: string } {
  try {
    return { bytes: [...encode(fields)] };
  } catch (err) {
    if (!(err instanceof OAuthBearerError)) throw err;
    return { code: err.code, message: err.message };
  }
}

// Mostly valid pieces with a few characters that break each rule; lengths on both sides of the 48-character
// switch to TextEncoder.encodeInto.
const lengths = { minLength: 0, maxLength: 120 } as const;
const piece = (valid: string, bad: string) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom(...valid), ...lengths }) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...valid, ...bad), ...lengths }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  );
const b64 = 'abcXYZ0189-._~+/';
const token = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.string({ unit: fc.constantFrom(...b64), minLength: 1, maxLength: 200 }), fc.string({ unit: fc.constant('='), maxLength: 3 })).map(([t, pad]) => t + pad) },
  { weight: 1, arbitrary: piece(b64, '= \x00\x01é\ud800😀') },
);
const authzid = fc.option(fc.oneof(piece('abc XYZ=,@.', '\x00\x7fé\ud800\udc00😀'), fc.string({ unit: 'grapheme', maxLength: 20 })), { nil: undefined });
const host = fc.option(piece('abc.-XYZ09', ' \x00\x01\x7fé'), { nil: undefined });
const port = fc.option(fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constantFrom(0, -1, 65536, 1.5, Number.NaN)), { nil: undefined });
const key = fc.oneof(piece('abcXYZ', '1_ =é'), fc.constantFrom('auth', 'host', 'port', ''));
const value = piece('a=,"~ \t\r\nZ9!', '\x00\x01\x7fé');
const extensions = fc.option(
  fc.oneof(
    fc.array(fc.tuple(key, value), { maxLength: 4 }).map((e) => new Map(e)),
    fc.array(fc.tuple(key, value), { maxLength: 4 }).map((e) => Object.fromEntries(e) as Record<string, string>),
  ),
  { nil: undefined },
);

describe('encodeClientResponse against the reference encoder', () => {
  it('writes the same bytes or throws the same error for any fields', () => {
    fc.assert(
      fc.property(token, authzid, host, port, extensions, (t, a, h, p, e) => {
        const fields: ClientResponseFields = { token: t, ...(a === undefined ? {} : { authzid: a }), ...(h === undefined ? {} : { host: h }), ...(p === undefined ? {} : { port: p }), ...(e === undefined ? {} : { extensions: e }) };
        expect(outcome(encodeClientResponse, fields)).toEqual(outcome(referenceEncode, fields));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees on long tokens, hosts and extension values (encodeInto path)', () => {
    const long = 'abcdefghijklmnopqrstuvwxyz0123456789-._~+/ABCDEFGHIJKLMNOPQRSTUVWXYZ'.repeat(1000);
    for (const fields of [
      { token: `${long}==` },
      { token: `${long}=a` },
      { token: `${long}é` },
      { token: `${long}\u0000` },
      { token: long, host: `${long.replace(/[^a-z]/g, '')}\x01`, port: 9092 },
      { token: long, extensions: { traceId: long.replace(/\//g, ' ') } },
      { token: long, extensions: new Map([[long.replace(/[^A-Za-z]/g, ''), 'v']]) },
      { token: long, extensions: { x: `${long}\x7f` } },
      { token: long, authzid: `${long.slice(0, 300)}=,é😀` },
    ] as ClientResponseFields[]) {
      expect(outcome(encodeClientResponse, fields)).toEqual(outcome(referenceEncode, fields));
    }
  });

  it('refuses a non-string extension value with a typed error (the old encoder wrote String(value))', () => {
    expect(() => encodeClientResponse({ token: 'a', extensions: { n: 5 as unknown as string } })).toThrow(expect.objectContaining({ code: 'ERR_USAGE_ARGUMENT' }));
  });
});
