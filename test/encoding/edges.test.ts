// Boundaries of the encoding helpers, each byte or length at the edge of a rule (issue 12 item 7: mutation testing
// showed these rules untested at their edges).
import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeBase64url, encodeBase64 } from '../../src/encoding/base64.js';
import { encodeForm, formEncode } from '../../src/encoding/form.js';
import { isJsonObject, parseJson, parseJsonObject } from '../../src/encoding/json.js';
import { decodeUtf8, encodeUtf8, encodeUtf8Pooled, isAscii } from '../../src/encoding/utf8.js';
import { pooledBytes } from '../../src/encoding/pool.js';

describe('formEncode at the edges of each kept range', () => {
  it('keeps exactly 0-9, A-Z, a-z and *-._, escapes their neighbours', () => {
    // Neighbours of each range: '/' ':' '@' '[' '`' '{', and '*' '-' '.' '_' themselves.
    expect(formEncode('/09:@AZ[`az{')).toBe('%2F09%3A%40AZ%5B%60az%7B');
    expect(formEncode('*-._')).toBe('*-._');
    expect(formEncode(')+,^')).toBe('%29%2B%2C%5E');
    expect(formEncode('\u0000\u007f\u0080')).toBe('%00%7F%C2%80');
    expect(formEncode('\u00ff')).toBe('%C3%BF');
  });
  it('joins parameters with & and = in order', () => {
    expect(encodeForm([['grant_type', 'client_credentials'], ['scope', 'a b']])).toBe('grant_type=client_credentials&scope=a+b');
    expect(encodeForm([])).toBe('');
  });
});

describe('UTF-8 helpers', () => {
  it('isAscii draws the line between 0x7f and 0x80', () => {
    expect(isAscii(Uint8Array.of(0, 0x41, 0x7f))).toBe(true);
    expect(isAscii(Uint8Array.of(0x41, 0x80))).toBe(false);
    expect(isAscii(new Uint8Array(0))).toBe(true);
  });
  it('encodeUtf8Pooled gives the UTF-8 bytes for ASCII and for text that is longer in bytes', () => {
    expect(Array.from(encodeUtf8Pooled('ab'))).toEqual([0x61, 0x62]);
    expect(Array.from(encodeUtf8Pooled('é'))).toEqual([0xc3, 0xa9]);
    expect(Array.from(encodeUtf8Pooled('aé'))).toEqual([0x61, 0xc3, 0xa9]);
    expect(encodeUtf8Pooled('')).toHaveLength(0);
    expect(Array.from(encodeUtf8('€'))).toEqual([0xe2, 0x82, 0xac]);
    // 'é' fills the two pooled bytes of a two-character text before 'a' is read: not a whole encoding.
    expect(Array.from(encodeUtf8Pooled('éa'))).toEqual([0xc3, 0xa9, 0x61]);
  });
  it('encodeUtf8Pooled serves ASCII from the 8 KiB pool and other text from a fresh array', () => {
    expect(encodeUtf8Pooled('ab').buffer.byteLength).toBe(8192);
    expect(encodeUtf8Pooled('é').buffer.byteLength).toBe(2);
  });
  it('names the input in its error and keeps the cause', () => {
    let error: unknown;
    try {
      decodeUtf8(Uint8Array.of(0xff), 'client response');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'ERR_UTF8', message: 'The client response is not valid UTF-8' });
    expect((error as Error).cause).toBeInstanceOf(TypeError);
    expect(() => decodeUtf8(Uint8Array.of(0xff))).toThrow('The message is not valid UTF-8');
    // A BOM is content, not stripped (ignoreBOM).
    expect(decodeUtf8(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61))).toBe('\ufeffa');
  });
});

describe('parseJson edges', () => {
  it('names the input and its limit', () => {
    expect(() => parseJson('[1]', { maxLength: 2, what: 'JWKS' })).toThrow('The JWKS is 3 characters; the limit is 2');
    expect(parseJson('[1]', { maxLength: 3 })).toEqual([1]);
    expect(() => parseJson('{', { what: 'JWKS' })).toThrow(expect.objectContaining({ code: 'ERR_JSON', message: 'The JWKS is not valid JSON' }));
    expect(() => parseJson('{')).toThrow('The JSON text is not valid JSON');
    try {
      parseJson('{');
    } catch (e) {
      expect((e as Error).cause).toBeInstanceOf(SyntaxError);
    }
    expect(() => parseJsonObject('[]', { what: 'token' })).toThrow('The token must be a JSON object');
    expect(() => parseJsonObject('1')).toThrow('The JSON text must be a JSON object');
    expect(parseJsonObject('{"a":1}')).toEqual({ a: 1 });
  });
  it('skips every JSON white space before the value when trailing text is ignored', () => {
    expect(parseJson(' \t\r\n{"a":1} x', { trailing: 'ignore' })).toEqual({ a: 1 });
    expect(parseJson('\t7 x', { trailing: 'ignore' })).toBe(7);
    expect(parseJson('\r7 x', { trailing: 'ignore' })).toBe(7);
    expect(parseJson('\n7 x', { trailing: 'ignore' })).toBe(7);
  });
  it('ends a scalar at every structural character and white space', () => {
    for (const end of [' ', '\t', '\n', '\r', ',', ']', '}', '{', '[', '"']) {
      expect(parseJson(`true${end}x`, { trailing: 'ignore' }), JSON.stringify(end)).toBe(true);
    }
    expect(parseJson('null', { trailing: 'ignore' })).toBeNull();
  });
  it('ends an object or array at its own closing bracket, strings and escapes included', () => {
    expect(parseJson('[{"a":"]"}]]', { trailing: 'ignore' })).toEqual([{ a: ']' }]);
    expect(parseJson('{"a":"\\\\"}}', { trailing: 'ignore' })).toEqual({ a: '\\' });
    expect(parseJson('"x" "y"', { trailing: 'ignore' })).toBe('x');
    expect(parseJson('{"a":[1,{"b":2}]} {', { trailing: 'ignore' })).toEqual({ a: [1, { b: 2 }] });
    // Unclosed: the whole text goes to JSON.parse, which refuses it.
    expect(() => parseJson('{"a":1', { trailing: 'ignore' })).toThrow(expect.objectContaining({ code: 'ERR_JSON' }));
    expect(() => parseJson('"abc', { trailing: 'ignore' })).toThrow(expect.objectContaining({ code: 'ERR_JSON' }));
    expect(() => parseJson('', { trailing: 'ignore' })).toThrow(expect.objectContaining({ code: 'ERR_JSON' }));
  });
  it('isJsonObject is true only for non-null, non-array objects', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject(null)).toBe(false);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject('x')).toBe(false);
  });
});

describe('base64 edges', () => {
  it('tolerates padding only on a multiple of 4 and only when allowed', () => {
    expect(decodeBase64url('Zm8=', { padding: 'allow' })).toEqual(Uint8Array.of(0x66, 0x6f));
    expect(decodeBase64url('', { padding: 'allow' })).toEqual(new Uint8Array(0));
    expect(() => decodeBase64url('Zm8==', { padding: 'allow' })).toThrow(/its length \(5\) leaves a lone final character/);
    expect(() => decodeBase64url('Zg=', { padding: 'allow' })).toThrow(/offset 2 \(padding "=" is not allowed here\)/);
    expect(() => decodeBase64url('====', { padding: 'allow' })).toThrow(/offset 0/);
    expect(decodeBase64('Zm8=')).toEqual(Uint8Array.of(0x66, 0x6f));
    expect(decodeBase64('Zm8')).toEqual(Uint8Array.of(0x66, 0x6f));
    expect(() => decodeBase64('Zm8=', { padding: 'refuse' })).toThrow(expect.objectContaining({ code: 'ERR_BASE64' }));
    // Stripped padding is not read again when the rest is refused: the reason is the last character's bits.
    expect(() => decodeBase64url('Zh==', { padding: 'allow' })).toThrow(/unused bits/);
    expect(() => decodeBase64('Zh==')).toThrow(/unused bits/);
    expect(() => decodeBase64('Zh')).toThrow(/unused bits/);
    expect(decodeBase64('Zh', { canonical: false })).toEqual(Uint8Array.of(0x66));
    expect(() => decodeBase64('Z')).toThrow('The value is not base64url: its length (1) leaves a lone final character');
  });
  it('pools its output only when asked', () => {
    expect(decodeBase64url('AAAA').buffer.byteLength).toBe(3);
    expect(decodeBase64url('AAAA', { pooled: true }).buffer.byteLength).toBe(8192);
    expect(decodeBase64('AAAA').buffer.byteLength).toBe(3);
  });
  it('says what it was decoding, where, and why', () => {
    expect(() => decodeBase64url('Z', { what: 'JWS header' })).toThrow('The JWS header is not base64url: its length (1) leaves a lone final character');
    expect(() => decodeBase64url('Zm9vY')).toThrow('The value is not base64url: its length (5) leaves a lone final character');
    expect(() => decodeBase64url('Zm!v', { what: 'signature' })).toThrow('The signature has a character outside the base64url alphabet at offset 2');
    expect(() => decodeBase64url('Zm9\u0100')).toThrow(/offset 3$/);
    expect(() => decodeBase64url('Zh', { what: 'payload' })).toThrow('The payload is not canonical base64url: its last character has unused bits set');
    expect(() => decodeBase64url('Zm9')).toThrow(/unused bits/);
    expect(() => decodeBase64url('Zm-')).toThrow(/unused bits/);
  });
  it('checks the unused bits of a 2- and a 3-character tail, and decodes both tails', () => {
    expect(decodeBase64url('Zm8')).toEqual(Uint8Array.of(0x66, 0x6f));
    expect(decodeBase64url('AAE')).toEqual(Uint8Array.of(0, 1));
    expect(() => decodeBase64url('AAB')).toThrow(/unused bits/);
    expect(decodeBase64url('AQ')).toEqual(Uint8Array.of(1));
    expect(() => decodeBase64url('AB')).toThrow(/unused bits/);
    expect(decodeBase64url('AB', { canonical: false })).toEqual(Uint8Array.of(0));
    expect(decodeBase64url('_w')).toEqual(Uint8Array.of(0xff));
    expect(decodeBase64url('__8')).toEqual(Uint8Array.of(0xff, 0xff));
    expect(decodeBase64url('____')).toEqual(Uint8Array.of(0xff, 0xff, 0xff));
  });
  it('encodes standard base64 with one and two padding characters', () => {
    expect(encodeBase64(Uint8Array.of(0xff))).toBe('/w==');
    expect(encodeBase64(Uint8Array.of(0xff, 0xff))).toBe('//8=');
    expect(encodeBase64(Uint8Array.of(0xff, 0xff, 0xff))).toBe('////');
  });
});

describe('pooledBytes edges', () => {
  it('pools up to 2 KiB, aligns views to 8 bytes, and starts a new 8 KiB pool when one is full', () => {
    expect(pooledBytes(2048).buffer.byteLength).toBe(8192);
    expect(pooledBytes(2049).buffer.byteLength).toBe(2049);
    const a = pooledBytes(3);
    const b = pooledBytes(3);
    if (a.buffer === b.buffer) expect(b.byteOffset - a.byteOffset).toBe(8);
    // Fill the rest of the pool: the next request comes from a new buffer, at offset 0.
    let last = pooledBytes(8);
    const first = last.buffer;
    while (last.buffer === first) last = pooledBytes(8);
    expect(last.byteOffset).toBe(0);
    expect(last.buffer.byteLength).toBe(8192);
    // A request that exactly fits the rest of a pool is served from it.
    const fresh = pooledBytes(2048);
    const pool = fresh.buffer;
    const next = pooledBytes(2048);
    const third = pooledBytes(2048);
    const fourth = pooledBytes(2048 - 8);
    if (fresh.byteOffset === 0) {
      expect([next.buffer, third.buffer, fourth.buffer].every((x) => x === pool)).toBe(true);
      expect(fourth.byteOffset).toBe(6144);
    }
  });
});
