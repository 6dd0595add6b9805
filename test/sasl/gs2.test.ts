// The client response codec: unit cases, fuzzing (arbitrary bytes and one-mutation near-misses), round-trips, and a
// differential check of each profile against an independent regular-expression transcription of its grammar.
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OAuthBearerError } from '../../src/errors.js';
import { decodeClientResponse, encodeClientResponse, isB64Token, MAX_CLIENT_RESPONSE_BYTES, type ClientResponse, type Gs2Profile } from '../../src/sasl/gs2.js';

const enc = new TextEncoder();
const S = '\x01';
const RUNS = { numRuns: 1000 };

/** Decodes, returning the value or the OAuthBearerError; anything else thrown fails the test. */
function attempt(bytes: Uint8Array, profile: Gs2Profile): ClientResponse | OAuthBearerError {
  try {
    return decodeClientResponse(bytes, { profile });
  } catch (err) {
    if (!(err instanceof OAuthBearerError)) throw err;
    expect(err.status).toBe('invalid_request');
    return err;
  }
}

// Kafka's OAuthBearerClientInitialResponse patterns, transcribed (kafka-java.md §1). SASLNAME's
// [\x01-\x7F&&[^=,]] becomes explicit ranges; Java decodes the bytes with U+FFFD replacement, as TextDecoder does.
const KAFKA_MESSAGE = /^n,(?:a=((?:[\x01-\x2b\x2d-\x3c\x3e-\x7f]|=2C|=3D)+))?,\x01((?:[A-Za-z]+=[\x21-\x7e \t\r\n]+\x01)*)\x01$/;
const KAFKA_AUTH = /^(\w+)[ ]+([-_~+/.a-zA-Z0-9]+=*)$/;
type Reference = { ok: true; authzidRaw: string | null; token: string; extensions: Map<string, string>; host?: string | null; port?: number | null } | { ok: false; scheme?: boolean };

function kafkaReference(bytes: Uint8Array): Reference {
  const text = new TextDecoder().decode(bytes);
  const m = KAFKA_MESSAGE.exec(text);
  if (m === null) return { ok: false };
  const map = new Map<string, string>();
  for (const pair of (m[2] ?? '').split('\x01')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    map.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const auth = map.get('auth');
  if (auth === undefined) return { ok: false };
  map.delete('auth');
  const a = KAFKA_AUTH.exec(auth);
  if (a === null) return { ok: false };
  if (a[1]!.toLowerCase() !== 'bearer') return { ok: false, scheme: true };
  return { ok: true, authzidRaw: m[1] ?? null, token: a[2]!, extensions: map };
}

// RFC 7628 §3.1 with RFC 5801 §4 and RFC 6750 §2.1, as one regular expression over the strictly decoded text.
const RFC_MESSAGE = /^(?:F,)?[ny],(?:a=((?:[\x01-\x2b\x2d-\x3c\x3e-\x7f\u{80}-\u{10ffff}]|=2[Cc]|=3[Dd])+))?,\x01((?:[A-Za-z]+=[\x21-\x7e \t\r\n]*\x01)*)\x01$/u;
const RFC_AUTH = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)(?: +([-._~+/A-Za-z0-9]+=*))?$/;

function rfcReference(bytes: Uint8Array): Reference {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { ok: false };
  }
  const m = RFC_MESSAGE.exec(text);
  if (m === null) return { ok: false };
  const map = new Map<string, string>();
  let host: string | null = null;
  let port: number | null = null;
  let auth: string | undefined;
  for (const pair of (m[2] ?? '').split('\x01')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (key === 'auth') {
      if (auth !== undefined) return { ok: false };
      auth = value;
    } else if (key === 'host') {
      if (host !== null || value === '') return { ok: false };
      host = value;
    } else if (key === 'port') {
      if (port !== null || !/^[1-9][0-9]{0,4}$/.test(value) || Number(value) > 65535) return { ok: false };
      port = Number(value);
    } else {
      if (map.has(key)) return { ok: false };
      map.set(key, value);
    }
  }
  if (auth === undefined) return { ok: false };
  const schemeOnly = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)(?: |$)/.exec(auth);
  if (schemeOnly !== null && schemeOnly[1]!.toLowerCase() !== 'bearer') return { ok: false, scheme: true };
  const a = RFC_AUTH.exec(auth);
  if (a === null || a[2] === undefined) return { ok: false };
  return { ok: true, authzidRaw: m[1] ?? null, token: a[2], extensions: map, host, port };
}

// Near-miss messages: valid and invalid fragments of each part, then maybe one byte mutation.
const header = fc.constantFrom('n,,', 'y,,', 'F,n,,', 'p=tls-unique,,', 'n,a=user,', 'n,a=a=2Cb=3D,', 'n,a=a=2cb,', 'n,a=,',
  'n,a=jöhn,', 'n,a=\x01x\x7f,', 'N,,', 'n,', 'n,a=a=4,', '', 'n,,,');
const key = fc.constantFrom('auth', 'host', 'port', 'x', 'ext', 'AUTH', 'x1', '', 'a_b', 'mthd');
const value = fc.constantFrom('Bearer abc', 'bearer  a-._~+/==', 'BEARER x', 'Basic abc', 'Bearer a b', 'Bearer\tabc', 'Bearer abc ',
  'Bearer ', '', '143', '0143', '65536', 'server.example.com', 'é', 'a\tb\r\n', 'v=1,"2"', '\x00', 'Bea-rer x', 'Bearer a=b', 'Bearer ==');
const near = fc.record({
  header,
  pairs: fc.array(fc.tuple(key, value), { maxLength: 5 }),
  end: fc.constantFrom('\x01', '', '\x01x', '\x01\x01'),
  mutation: fc.option(fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.constantFrom(0x00, 0x01, 0x2c, 0x3d, 0x20, 0x09, 0x61, 0x41, 0x80, 0xc3, 0xff))),
}).map(({ header: h, pairs, end, mutation }) => {
  const bytes = [...enc.encode(h + S + pairs.map(([k, v]) => `${k}=${v}${S}`).join('') + end)];
  if (mutation !== null) {
    const [at, kind, b] = mutation;
    const i = bytes.length === 0 ? 0 : at % bytes.length;
    if (kind === 'insert') bytes.splice(i, 0, b);
    else if (kind === 'delete') bytes.splice(i, 1);
    else bytes[i] = b;
  }
  return new Uint8Array(bytes);
});

function agrees(bytes: Uint8Array, profile: Gs2Profile): void {
  const actual = attempt(bytes, profile);
  const reference = profile === 'kafka' ? kafkaReference(bytes) : rfcReference(bytes);
  if (!reference.ok) {
    expect(actual, 'reference rejects').toBeInstanceOf(OAuthBearerError);
    expect((actual as OAuthBearerError).code === 'ERR_AUTH_SCHEME', 'scheme error iff the reference says so').toBe(reference.scheme === true);
    return;
  }
  expect(actual, 'reference accepts').not.toBeInstanceOf(OAuthBearerError);
  const r = actual as ClientResponse;
  expect(r.authzidRaw).toBe(reference.authzidRaw);
  expect(r.token).toBe(reference.token);
  expect([...r.extensions]).toEqual([...reference.extensions]);
  if (profile === 'rfc7628') {
    expect(r.host).toBe(reference.host);
    expect(r.port).toBe(reference.port);
  } else {
    expect(r.host).toBeNull();
    expect(r.port).toBeNull();
  }
}

describe('decodeClientResponse', () => {
  it('reads RFC 7628 §4.1 in both profiles', () => {
    const m = enc.encode(`n,a=user@example.com,${S}host=server.example.com${S}port=143${S}auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==${S}${S}`);
    const rfc = decodeClientResponse(m, { profile: 'rfc7628' });
    expect(rfc).toMatchObject({ authzid: 'user@example.com', host: 'server.example.com', port: 143, scheme: 'Bearer' });
    expect(rfc.extensions.size).toBe(0);
    const kafka = decodeClientResponse(m, { profile: 'kafka' });
    expect(kafka).toMatchObject({ host: null, port: null, token: rfc.token });
    expect(Object.fromEntries(kafka.extensions)).toEqual({ host: 'server.example.com', port: '143' });
  });

  it('defaults to the rfc7628 profile and MAX_CLIENT_RESPONSE_BYTES (Kafka sasl.server.max.receive.size)', () => {
    expect(MAX_CLIENT_RESPONSE_BYTES).toBe(524288);
    expect(decodeClientResponse(enc.encode(`y,,${S}auth=Bearer a${S}${S}`)).token).toBe('a');
    const big = encodeClientResponse({ token: 'a'.repeat(MAX_CLIENT_RESPONSE_BYTES) });
    expect(() => decodeClientResponse(big)).toThrow(expect.objectContaining({ code: 'ERR_INPUT_TOO_LARGE', status: 'invalid_request' }));
    expect(decodeClientResponse(big, { maxMessageBytes: 1 << 21 }).token.length).toBe(MAX_CLIENT_RESPONSE_BYTES);
  });

  it('keeps the authzid raw and unescaped apart, and never echoes the token in errors', () => {
    const r = decodeClientResponse(enc.encode(`n,a=a=2Cb=3Dc,${S}auth=Bearer s3cr3t${S}${S}`), { profile: 'kafka' });
    expect([r.authzid, r.authzidRaw]).toEqual(['a,b=c', 'a=2Cb=3Dc']);
    expect(decodeClientResponse(enc.encode(`n,a==3D2C,${S}auth=Bearer a${S}${S}`)).authzid).toBe('=2C');
    try {
      decodeClientResponse(enc.encode(`n,,${S}auth=Bearer s3cr3t!${S}${S}`), { profile: 'kafka' });
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'ERR_TOKEN_SYNTAX' });
      expect((err as Error).message).not.toContain('s3cr3t');
    }
  });

  // Issue 12 item 5: in the kafka profile an authzid whose first byte is not ASCII was reported as "empty".
  it('reports an authzid whose first byte Kafka refuses as that byte, not as empty', () => {
    const message = (text: string, profile: Gs2Profile) => {
      try {
        decodeClientResponse(enc.encode(text), { profile });
        return 'accepted';
      } catch (err) {
        expect(err).toMatchObject({ code: 'ERR_AUTHZID', status: 'invalid_request' });
        return (err as Error).message;
      }
    };
    const nonAscii = message(`n,a=\u00e9mile,${S}auth=Bearer a${S}${S}`, 'kafka');
    expect(nonAscii).not.toContain('empty');
    expect(nonAscii).toContain('0xc3 at 4');
    expect(message(`n,a=,${S}auth=Bearer a${S}${S}`, 'kafka')).toContain('empty');
    expect(message(`n,a=,${S}auth=Bearer a${S}${S}`, 'rfc7628')).toContain('empty');
    expect(message(`n,a=\u0000x,${S}auth=Bearer a${S}${S}`, 'rfc7628')).toContain('0x00 at 4');
  });

  it('accepts a Uint8Array from another realm (vm context, jsdom)', () => {
    const foreign = runInNewContext('new Uint8Array([110, 44, 44, 1, 97, 117, 116, 104, 61, 66, 101, 97, 114, 101, 114, 32, 97, 1, 1])') as Uint8Array;
    expect(foreign instanceof Uint8Array).toBe(false);
    expect(decodeClientResponse(foreign, { profile: 'kafka' }).token).toBe('a');
  });

  it('refuses a non-Uint8Array as a usage error', () => {
    expect(() => decodeClientResponse('n,,' as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'ERR_USAGE_ARGUMENT' }));
  });

  it('is linear: a 1 MiB token decodes', () => {
    const token = 'A'.repeat(1 << 20);
    const r = decodeClientResponse(encodeClientResponse({ token }), { profile: 'kafka', maxMessageBytes: 2 << 20 });
    expect(r.token.length).toBe(1 << 20);
  });

  for (const profile of ['kafka', 'rfc7628'] as const) {
    it(`${profile}: arbitrary bytes give a value or an OAuthBearerError`, () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => void attempt(bytes, profile)), RUNS);
    });
    it(`${profile}: arbitrary bytes after a valid header give a value or an OAuthBearerError`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 48 }), (tail) => void attempt(new Uint8Array([...enc.encode(`n,,${S}auth=Bearer a${S}`), ...tail]), profile)),
        RUNS,
      );
    });
    it(`${profile}: near-miss messages are decided exactly as the grammar's transcription decides them`, () => {
      fc.assert(fc.property(near, (bytes) => agrees(bytes, profile)), { numRuns: 5000 });
    });
  }
});

const b64token = fc
  .tuple(fc.string({ unit: fc.constantFrom(...'ABCxyz019-._~+/'), minLength: 1, maxLength: 40 }), fc.string({ unit: fc.constant('='), maxLength: 3 }))
  .map(([body, pad]) => body + pad);
const extKey = fc.string({ unit: fc.constantFrom(...'abcXYZ'), minLength: 1, maxLength: 8 }).filter((k) => k !== 'auth' && k !== 'host' && k !== 'port');
const extValue = fc.string({ unit: fc.constantFrom(...'a=,"~ \t\r\n!Z9'), minLength: 1, maxLength: 12 });
const asciiAuthzid = fc.string({ unit: fc.integer({ min: 1, max: 0x7f }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 12 });
const unicodeAuthzid = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).filter((s) => !s.includes('\0'));

describe('encodeClientResponse', () => {
  it('round-trips through both profiles', () => {
    fc.assert(
      fc.property(
        b64token,
        fc.option(asciiAuthzid, { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
        fc.uniqueArray(fc.tuple(extKey, extValue), { selector: ([k]) => k, maxLength: 4 }),
        (token, authzid, port, extensions) => {
          const fields = { token, extensions: new Map(extensions), ...(authzid === undefined ? {} : { authzid }), ...(port === undefined ? {} : { host: 'h.example', port }) };
          const bytes = encodeClientResponse(fields);
          const rfc = decodeClientResponse(bytes, { profile: 'rfc7628' });
          expect(rfc.token).toBe(token);
          expect(rfc.authzid).toBe(authzid ?? null);
          expect(rfc.port).toBe(port ?? null);
          expect([...rfc.extensions]).toEqual(extensions);
          const kafka = decodeClientResponse(bytes, { profile: 'kafka' });
          expect(kafka.authzid).toBe(authzid ?? null);
          expect(kafka.extensions.get('port')).toBe(port === undefined ? undefined : String(port));
        },
      ),
      RUNS,
    );
  });

  it('round-trips any Unicode authzid through the rfc7628 profile', () => {
    fc.assert(
      fc.property(unicodeAuthzid, (authzid) => {
        expect(decodeClientResponse(encodeClientResponse({ authzid, token: 'a' })).authzid).toBe(authzid);
      }),
      RUNS,
    );
  });

  it('accepts exactly the RFC 6750 b64tokens', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'aZ9-._~+/= !\u00e9'), maxLength: 6 }), (token) => {
        const valid = /^[-._~+/A-Za-z0-9]+=*$/.test(token);
        expect(isB64Token(token)).toBe(valid);
        if (valid) expect(encodeClientResponse({ token })).toBeInstanceOf(Uint8Array);
        else expect(() => encodeClientResponse({ token })).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_SYNTAX' }));
      }),
      RUNS,
    );
  });

  it('refuses bad extensions, host and port with typed errors', () => {
    expect(() => encodeClientResponse({ token: 'a', extensions: { auth: 'x' } })).toThrow(expect.objectContaining({ code: 'ERR_EXTENSION_KEY' }));
    expect(() => encodeClientResponse({ token: 'a', host: 'h', extensions: { host: 'x' } })).toThrow(expect.objectContaining({ code: 'ERR_EXTENSION_KEY' }));
    expect(() => encodeClientResponse({ token: 'a', extensions: { x: '' } })).toThrow(expect.objectContaining({ code: 'ERR_EXTENSION_VALUE' }));
    expect(() => encodeClientResponse({ token: 'a', host: '' })).toThrow(expect.objectContaining({ code: 'ERR_KVPAIR' }));
    expect(() => encodeClientResponse({ token: 'a', port: 1.5 })).toThrow(expect.objectContaining({ code: 'ERR_KVPAIR' }));
    expect(() => encodeClientResponse({ token: 'a', authzid: '\ud800' })).toThrow(expect.objectContaining({ code: 'ERR_AUTHZID' }));
  });
});
