// What every refusal of the SASL framing says: the code, the protocol status and the whole message, for each
// error path of the decoder (both profiles), the encoder, the error challenge and both machines. A message names
// what was wrong, where (the byte position) and what would fix it; this file is where that wording is fixed, so a
// change to a message is a change here too.
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import { checkExtension, decodeClientResponse, encodeClientResponse, type ClientResponseFields, type Gs2Profile } from '../../src/sasl/gs2.js';
import { decodeErrorChallenge, encodeErrorChallenge, errorChallengeText, type ErrorChallengeFields } from '../../src/sasl/challenge.js';
import { createClient } from '../../src/sasl/client.js';
import { authenticateStep, createServer, type ServerOptions } from '../../src/sasl/server.js';
import type { BearerToken } from '../../src/token.js';

const enc = new TextEncoder();

interface Refusal { code: string; status: string | undefined; message: string; cause?: unknown }

/** The OAuthBearerError `fn` throws, as code, status and message (and its cause's code, if any). */
function refusal(fn: () => unknown): Refusal {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof OAuthBearerError)) throw err;
    const cause = (err as { cause?: unknown }).cause;
    return { code: err.code, status: err.status, message: err.message, ...(cause === undefined ? {} : { cause: cause instanceof OAuthBearerError ? cause.code : typeof cause }) };
  }
  throw new Error('expected a refusal');
}

// [case, profile, message, code, error message]; every decoder refusal has status invalid_request.
const DECODE: [string, Gs2Profile, string | Uint8Array, string, string][] = [
  ["empty", 'kafka', '', "ERR_GS2_MESSAGE", "Expected a GS2 header such as \"n,,\", found the end at 0"],
  ["lone", 'kafka', '\x01', "ERR_GS2_MESSAGE", "A lone %x01 only ends a failed exchange (RFC 7628 §3.2.3)"],
  ["no final", 'kafka', 'n,,\x01auth=Bearer a\x01x', "ERR_GS2_MESSAGE", "Expected a final %x01, found byte 0x78 at 18"],
  ["after header", 'kafka', 'n,,auth=Bearer a\x01\x01', "ERR_GS2_MESSAGE", "Expected %x01 after the GS2 header, found byte 0x61 at 3"],
  ["ends after kvpair", 'kafka', 'n,,\x01auth=Bearer a\x01', "ERR_GS2_MESSAGE", "Expected a final %x01, found the end at 18"],
  ["trailing", 'kafka', 'n,,\x01auth=Bearer a\x01\x01\x01', "ERR_GS2_MESSAGE", "Expected the end after the final %x01, found byte 0x01 at 19"],
  ["no auth", 'rfc7628', 'n,,\x01\x01', "ERR_AUTH_MISSING", "The client response has no \"auth\" kvpair; send \"auth=Bearer <token>\""],
  ["kafka y", 'kafka', 'y,,\x01auth=Bearer a\x01\x01', "ERR_GS2_HEADER", "Expected the GS2 flag \"n\", found byte 0x79 at 0"],
  ["rfc p", 'rfc7628', 'p=tls-unique,,\x01auth=Bearer a\x01\x01', "ERR_GS2_HEADER", "Expected the GS2 flag \"n\" or \"y\" (no channel binding), found byte 0x70 at 0"],
  ["rfc F x", 'rfc7628', 'F,x,,\x01auth=Bearer a\x01\x01', "ERR_GS2_HEADER", "Expected the GS2 flag \"n\" or \"y\" (no channel binding), found byte 0x78 at 2"],
  ["after flag", 'kafka', 'nx,\x01auth=Bearer a\x01\x01', "ERR_GS2_HEADER", "Expected \",\" after the GS2 flag, found byte 0x78 at 1"],
  ["no a=", 'kafka', 'n,x,\x01auth=Bearer a\x01\x01', "ERR_GS2_HEADER", "Expected \",\" or \"a=<authzid>,\", found byte 0x78 at 2"],
  ["kafka non-ascii", 'kafka', 'n,a=\u00e9,\x01auth=Bearer a\x01\x01', "ERR_AUTHZID", "Expected ASCII 0x01-0x7F in the authzid (\"=\" as =3D, \",\" as =2C), then \",\", found byte 0xc3 at 4"],
  ["rfc nul", 'rfc7628', 'n,a=\u0000x,\x01auth=Bearer a\x01\x01', "ERR_AUTHZID", "Expected UTF-8 without NUL in the authzid (\"=\" as =3D, \",\" as =2C), then \",\", found byte 0x00 at 4"],
  ["kafka lowercase escape", 'kafka', 'n,a=a=2c,\x01auth=Bearer a\x01\x01', "ERR_AUTHZID", "Expected ASCII 0x01-0x7F in the authzid (\"=\" as =3D, \",\" as =2C), then \",\", found byte 0x3d at 5"],
  ["stray =", 'rfc7628', 'n,a=a=2x,\x01auth=Bearer a\x01\x01', "ERR_AUTHZID", "Expected UTF-8 without NUL in the authzid (\"=\" as =3D, \",\" as =2C), then \",\", found byte 0x3d at 5"],
  ["authzid to the end", 'rfc7628', 'n,a=abc\x01\x01', "ERR_AUTHZID", "Expected UTF-8 without NUL in the authzid (\"=\" as =3D, \",\" as =2C), then \",\", found the end at 9"],
  ["empty authzid", 'rfc7628', 'n,a=,\x01auth=Bearer a\x01\x01', "ERR_AUTHZID", "The authzid after \"a=\" is empty; omit \"a=\" or send a name"],
  ["bad utf8", 'rfc7628', new Uint8Array([...enc.encode('n,a='), 0xff, ...enc.encode(',\x01auth=Bearer a\x01\x01')]), "ERR_AUTHZID", "The authzid is not valid UTF-8"],
  ["no =", 'rfc7628', 'n,,\x01auth=Bearer a\x01auth\x01\x01', "ERR_KVPAIR", "Expected a key of ASCII letters, then \"=\", found byte 0x01 at 22"],
  ["empty key", 'rfc7628', 'n,,\x01auth=Bearer a\x01=v\x01\x01', "ERR_EXTENSION_KEY", "Expected a key of ASCII letters, then \"=\", found byte 0x3d at 18"],
  ["digit key", 'rfc7628', 'n,,\x01auth=Bearer a\x01a1=v\x01\x01', "ERR_EXTENSION_KEY", "Expected a key of ASCII letters, then \"=\", found byte 0x31 at 19"],
  ["two auth", 'rfc7628', 'n,,\x01auth=Bearer a\x01auth=Bearer b\x01\x01', "ERR_KVPAIR", "The \"auth\" kvpair is repeated; send each key once"],
  ["bad value", 'rfc7628', 'n,,\x01auth=Bearer a\x01x=\u0000\x01\x01', "ERR_EXTENSION_VALUE", "Expected a value of printable ASCII, space, tab, CR or LF, found byte 0x00 at 20"],
  ["bad token byte", 'rfc7628', 'n,,\x01auth=Bearer a\u0000\x01\x01', "ERR_TOKEN_SYNTAX", "Expected a value of printable ASCII, space, tab, CR or LF, found byte 0x00 at 17"],
  ["kafka empty value", 'kafka', 'n,,\x01auth=Bearer a\x01x=\x01\x01', "ERR_EXTENSION_VALUE", "Expected a value (Kafka refuses empty ones), found byte 0x01 at 20"],
  ["kafka empty auth", 'kafka', 'n,,\x01auth=\x01\x01', "ERR_TOKEN_SYNTAX", "Expected a value (Kafka refuses empty ones), found byte 0x01 at 9"],
  ["two host", 'rfc7628', 'n,,\x01host=a\x01host=b\x01auth=Bearer a\x01\x01', "ERR_KVPAIR", "The \"host\" kvpair is repeated; send each key once"],
  ["empty host", 'rfc7628', 'n,,\x01host=\x01auth=Bearer a\x01\x01', "ERR_KVPAIR", "The host must be non-empty printable ASCII, space, tab, CR or LF"],
  ["two port", 'rfc7628', 'n,,\x01port=1\x01port=2\x01auth=Bearer a\x01\x01', "ERR_KVPAIR", "The \"port\" kvpair is repeated; send each key once"],
  ["port 0143", 'rfc7628', 'n,,\x01port=0143\x01auth=Bearer a\x01\x01', "ERR_KVPAIR", "The port must be 1 to 65535 (no leading zeros), not \"0143\""],
  ["port 65536", 'rfc7628', 'n,,\x01port=65536\x01auth=Bearer a\x01\x01', "ERR_KVPAIR", "The port must be 1 to 65535 (no leading zeros), not \"65536\""],
  ["two ext", 'rfc7628', 'n,,\x01x=1\x01x=2\x01auth=Bearer a\x01\x01', "ERR_KVPAIR", "The \"x\" kvpair is repeated; send each key once"],
  ["rfc basic", 'rfc7628', 'n,,\x01auth=Basic a\x01\x01', "ERR_AUTH_SCHEME", "The \"auth\" scheme must be Bearer (OAUTHBEARER carries bearer tokens only)"],
  ["rfc basic alone", 'rfc7628', 'n,,\x01auth=Basic\x01\x01', "ERR_AUTH_SCHEME", "The \"auth\" scheme must be Bearer (OAUTHBEARER carries bearer tokens only)"],
  ["rfc bearer alone", 'rfc7628', 'n,,\x01auth=Bearer\x01\x01', "ERR_TOKEN_SYNTAX", "The \"auth\" value must be \"Bearer\", spaces, then a b64token (letters, digits, \"-._~+/\", then optional \"=\" padding)"],
  ["kafka basic", 'kafka', 'n,,\x01auth=Basic a\x01\x01', "ERR_AUTH_SCHEME", "The \"auth\" scheme must be Bearer (OAUTHBEARER carries bearer tokens only)"],
  ["kafka basic alone", 'kafka', 'n,,\x01auth=Basic\x01\x01', "ERR_TOKEN_SYNTAX", "The \"auth\" value must be \"Bearer\", spaces, then a b64token (letters, digits, \"-._~+/\", then optional \"=\" padding)"],
];

describe('decodeClientResponse refusals', () => {
  it.each(DECODE)('%s (%s)', (_name, profile, input, code, message) => {
    const bytes = typeof input === 'string' ? enc.encode(input) : input;
    const got = refusal(() => decodeClientResponse(bytes, { profile }));
    expect({ code: got.code, status: got.status, message: got.message }).toEqual({ code, status: 'invalid_request', message });
  });

  it('keeps the UTF-8 failure of an authzid as its cause', () => {
    const bytes = new Uint8Array([...enc.encode('n,a='), 0xff, ...enc.encode(',\x01auth=Bearer a\x01\x01')]);
    expect(refusal(() => decodeClientResponse(bytes)).cause).toBe('object');
  });

  it('names the limit and the option when a message is too large, and refuses what is not bytes', () => {
    const bytes = enc.encode('n,,\x01auth=Bearer a\x01\x01');
    expect(refusal(() => decodeClientResponse(bytes, { maxMessageBytes: 18 }))).toEqual({
      code: 'ERR_INPUT_TOO_LARGE', status: 'invalid_request', message: 'The client response is 19 bytes, over the limit of 18 (maxMessageBytes)',
    });
    expect(decodeClientResponse(bytes, { maxMessageBytes: 19 }).token).toBe('a');
    expect(refusal(() => decodeClientResponse([1] as unknown as Uint8Array))).toEqual({
      code: 'ERR_USAGE_ARGUMENT', status: undefined, message: 'decodeClientResponse: the message must be a Uint8Array',
    });
  });

  it('accepts in one profile what the other refuses, with the profile\'s own message', () => {
    // Kafka takes repeated keys last-wins and upper-case escapes only; the RFC grammar takes "y", "F," and =2c.
    expect(decodeClientResponse(enc.encode('n,,\x01auth=Bearer a\x01auth=Bearer b\x01\x01'), { profile: 'kafka' }).token).toBe('b');
    expect(decodeClientResponse(enc.encode('F,y,a=a=2cb,\x01auth=Bearer a\x01\x01')).authzid).toBe('a,b');
    expect(decodeClientResponse(enc.encode('n,,\x01host=h\x01port=1\x01auth=Bearer a\x01\x01'), { profile: 'kafka' }).extensions).toEqual(new Map([['host', 'h'], ['port', '1']]));
  });
});

// [case, fields, code, message]; encoder refusals are the caller's input: no protocol status.
const ENCODE: [string, ClientResponseFields, string, string][] = [
  ['authzid not a string', { token: 'a', authzid: 1 as unknown as string }, 'ERR_USAGE_ARGUMENT', 'encodeClientResponse: authzid must be a string'],
  ['host not a string', { token: 'a', host: 1 as unknown as string }, 'ERR_USAGE_ARGUMENT', 'encodeClientResponse: host must be a string'],
  ['token not a string', { token: 1 as unknown as string }, 'ERR_TOKEN_SYNTAX', 'The token (0 characters) is not a b64token (letters, digits, "-._~+/", then optional "=" padding)'],
  ['extension key not a string', { token: 'a', extensions: new Map([[1 as unknown as string, 'v']]) }, 'ERR_USAGE_ARGUMENT', 'encodeClientResponse: an extension key must be a string'],
  ['extension value not a string', { token: 'a', extensions: { k: null as unknown as string } }, 'ERR_USAGE_ARGUMENT', 'encodeClientResponse: extension "k" must be a string'],
  ['token with a space', { token: 'a b' }, 'ERR_TOKEN_SYNTAX', 'The token (3 characters) is not a b64token (letters, digits, "-._~+/", then optional "=" padding)'],
  ['token not ASCII', { token: 'a\u00e9', authzid: '\u00e9' }, 'ERR_TOKEN_SYNTAX', 'The token (2 characters) is not a b64token (letters, digits, "-._~+/", then optional "=" padding)'],
  ['empty token', { token: '' }, 'ERR_TOKEN_SYNTAX', 'The token (0 characters) is not a b64token (letters, digits, "-._~+/", then optional "=" padding)'],
  ['padding only', { token: '==' }, 'ERR_TOKEN_SYNTAX', 'The token (2 characters) is not a b64token (letters, digits, "-._~+/", then optional "=" padding)'],
  ['authzid with NUL', { token: 'a', authzid: 'a\u0000' }, 'ERR_AUTHZID', 'The authzid must be Unicode text without NUL'],
  ['authzid with a lone high surrogate', { token: 'a', authzid: 'a\ud800b' }, 'ERR_AUTHZID', 'The authzid must be Unicode text without NUL'],
  ['authzid with a lone low surrogate', { token: 'a', authzid: '\udc00' }, 'ERR_AUTHZID', 'The authzid must be Unicode text without NUL'],
  ['empty host', { token: 'a', host: '' }, 'ERR_KVPAIR', 'The host must be non-empty printable ASCII, space, tab, CR or LF'],
  ['host with %x01', { token: 'a', host: 'h\x01' }, 'ERR_KVPAIR', 'The host must be non-empty printable ASCII, space, tab, CR or LF'],
  ['port 0', { token: 'a', port: 0 }, 'ERR_KVPAIR', 'The port must be 1 to 65535 (no leading zeros), not 0'],
  ['port 65536', { token: 'a', port: 65536 }, 'ERR_KVPAIR', 'The port must be 1 to 65535 (no leading zeros), not 65536'],
  ['port 1.5', { token: 'a', port: 1.5 }, 'ERR_KVPAIR', 'The port must be 1 to 65535 (no leading zeros), not 1.5'],
  ['extension "auth"', { token: 'a', extensions: { auth: 'x' } }, 'ERR_EXTENSION_KEY', 'SASL extension key "auth" must be ASCII letters, not "auth"'],
  ['empty extension key', { token: 'a', extensions: { '': 'x' } }, 'ERR_EXTENSION_KEY', 'SASL extension key "" must be ASCII letters, not "auth"'],
  ['extension key with a digit', { token: 'a', extensions: { k1: 'x' } }, 'ERR_EXTENSION_KEY', 'SASL extension key "k1" must be ASCII letters, not "auth"'],
  ['empty extension value', { token: 'a', extensions: { k: '' } }, 'ERR_EXTENSION_VALUE', 'SASL extension "k" needs a non-empty value of printable ASCII, space, tab, CR or LF'],
  ['extension value with %x01', { token: 'a', extensions: { k: 'v\x01' } }, 'ERR_EXTENSION_VALUE', 'SASL extension "k" needs a non-empty value of printable ASCII, space, tab, CR or LF'],
  ['extension repeating host', { token: 'a', host: 'h', extensions: { host: 'h' } }, 'ERR_EXTENSION_KEY', 'The "host" kvpair is repeated; send each key once'],
  ['extension repeating port', { token: 'a', port: 1, extensions: { port: '1' } }, 'ERR_EXTENSION_KEY', 'The "port" kvpair is repeated; send each key once'],
];

describe('encodeClientResponse refusals', () => {
  it.each(ENCODE)('%s', (_name, fields, code, message) => {
    expect(refusal(() => encodeClientResponse(fields))).toEqual({ code, status: undefined, message });
  });

  it('takes host and port as extensions when they are not fields, and an authzid outside ASCII', () => {
    const text = (f: ClientResponseFields) => new TextDecoder().decode(encodeClientResponse(f));
    expect(text({ token: 'a', extensions: { host: 'h', port: '1' } })).toBe('n,,\x01auth=Bearer a\x01host=h\x01port=1\x01\x01');
    expect(text({ token: 'a', authzid: '\u00e9=,\ud83d\ude00' })).toBe('n,a=\u00e9=3D=2C\ud83d\ude00,\x01auth=Bearer a\x01\x01');
    expect(text({ token: 'a'.repeat(300) + '==', host: 'h', port: 9 })).toBe(`n,,\x01host=h\x01port=9\x01auth=Bearer ${'a'.repeat(300)}==\x01\x01`);
  });

  it('checkExtension says the same as the encoder', () => {
    expect(refusal(() => checkExtension('auth', 'x')).message).toBe('SASL extension key "auth" must be ASCII letters, not "auth"');
    expect(refusal(() => checkExtension('k', '\u00e9')).code).toBe('ERR_EXTENSION_VALUE');
    expect(() => checkExtension('k', 'v')).not.toThrow();
  });
});

describe('error challenge refusals', () => {
  it.each<[string, ErrorChallengeFields, string]>([
    ['no status', { status: undefined as unknown as string }, 'The error challenge\'s "status" must be a non-empty string'],
    ['empty status', { status: '' }, 'The error challenge\'s "status" must be a non-empty string'],
    ['scope not a string', { status: 'invalid_token', scope: 1 as unknown as string }, 'The error challenge\'s "scope" must be a string'],
    ['openidConfiguration not a string', { status: 'invalid_token', openidConfiguration: [] as unknown as string }, 'The error challenge\'s "openidConfiguration" must be a string'],
  ])('encode: %s', (_name, fields, message) => {
    expect(refusal(() => encodeErrorChallenge(fields))).toEqual({ code: 'ERR_USAGE_ARGUMENT', status: undefined, message });
  });

  it('encodes null and absent optional fields alike', () => {
    expect(errorChallengeText({ status: 's', scope: null, openidConfiguration: null })).toBe('{"status":"s"}');
    expect(errorChallengeText({ status: 's', scope: 'a', openidConfiguration: 'u' }, { style: 'kafka' })).toBe('{"status":"s", "scope":"a", "openid-configuration":"u"}');
  });

  it.each<[string, string, string, string | undefined]>([
    ['not JSON', '{', 'The error challenge (1 bytes) is not a UTF-8 JSON object', 'object'],
    ['an array', '[]', 'The error challenge (2 bytes) is not a UTF-8 JSON object', undefined],
    ['null', 'null', 'The error challenge (4 bytes) is not a UTF-8 JSON object', undefined],
    ['a string', '"x"', 'The error challenge (3 bytes) is not a UTF-8 JSON object', undefined],
    ['no status', '{}', 'The error challenge\'s "status" must be a non-empty string', undefined],
    ['empty status', '{"status":""}', 'The error challenge\'s "status" must be a non-empty string', undefined],
    ['status a number', '{"status":1}', 'The error challenge\'s "status" must be a non-empty string', undefined],
    ['scope a list', '{"status":"s","scope":["a"]}', 'The error challenge\'s "scope" must be a string or absent', undefined],
    ['openid-configuration null', '{"status":"s","openid-configuration":null}', 'The error challenge\'s "openid-configuration" must be a string or absent', undefined],
  ])('decode: %s', (_name, text, message, cause) => {
    expect(refusal(() => decodeErrorChallenge(enc.encode(text)))).toEqual({ code: 'ERR_CHALLENGE', status: 'invalid_response', message, ...(cause === undefined ? {} : { cause }) });
  });

  it('decode: keeps the UTF-8 failure as the cause, bounds the size, refuses what is not bytes', () => {
    expect(refusal(() => decodeErrorChallenge(new Uint8Array([0x22, 0xff, 0x22])))).toEqual({
      code: 'ERR_CHALLENGE', status: 'invalid_response', message: 'The error challenge (3 bytes) is not a UTF-8 JSON object', cause: 'ERR_UTF8',
    });
    expect(refusal(() => decodeErrorChallenge(enc.encode('{"status":"s"}'), { maxBytes: 13 }))).toEqual({
      code: 'ERR_INPUT_TOO_LARGE', status: 'invalid_response', message: 'The error challenge is 14 bytes, over the limit of 13 (maxBytes)',
    });
    expect(decodeErrorChallenge(enc.encode('{"status":"s"}'), { maxBytes: 14 }).status).toBe('s');
    expect(refusal(() => decodeErrorChallenge('{}' as unknown as Uint8Array))).toEqual({
      code: 'ERR_USAGE_ARGUMENT', status: undefined, message: 'decodeErrorChallenge: the message must be a Uint8Array',
    });
    // An inherited member is not a member: a JSON object never has one, and "toString" stays absent.
    expect(decodeErrorChallenge(enc.encode('{"status":"s"}'))).toEqual({ status: 's', scope: null, openidConfiguration: null });
  });
});

describe('client machine refusals', () => {
  it('says which call is not allowed in which state, and what the server did wrong', () => {
    const client = createClient({ token: 'a' });
    expect(refusal(() => client.receive(new Uint8Array(0)))).toEqual({ code: 'ERR_USAGE_STATE', status: undefined, message: 'receive() is not allowed while the client is initial' });
    expect(refusal(() => client.receive('x' as unknown as Uint8Array))).toEqual({ code: 'ERR_USAGE_ARGUMENT', status: undefined, message: 'receive: the message must be a Uint8Array' });
    client.start();
    expect(refusal(() => client.start())).toEqual({ code: 'ERR_USAGE_STATE', status: undefined, message: 'start() is not allowed while the client is awaiting-server' });
    client.receive(enc.encode('{"status":"invalid_token","scope":"s"}'));
    expect(refusal(() => client.receive(new Uint8Array(0)))).toEqual({
      code: 'ERR_UNEXPECTED_MESSAGE', status: undefined, message: 'The server sent a message after its error challenge; only the final failure may follow',
    });
    expect(client.state).toBe('failure');
    expect(client.challenge).toEqual({ status: 'invalid_token', scope: 's', openidConfiguration: null });
    expect(refusal(() => client.receive(new Uint8Array(0)))).toEqual({ code: 'ERR_UNEXPECTED_MESSAGE', status: undefined, message: 'The server sent a message after the exchange failed' });
    expect(refusal(() => client.fail('x'))).toEqual({ code: 'ERR_USAGE_STATE', status: undefined, message: 'fail() is not allowed while the client is failure' });
  });

  it('after success, a server message fails the exchange', () => {
    const client = createClient({ token: 'a' });
    client.start();
    expect(client.receive(new Uint8Array(0))).toEqual({ action: 'success' });
    expect(client.error).toBeNull();
    expect(client.challenge).toBeNull();
    expect(refusal(() => client.receive(new Uint8Array(0)))).toEqual({ code: 'ERR_UNEXPECTED_MESSAGE', status: undefined, message: 'The server sent a message after the exchange succeeded' });
    expect(client.state).toBe('failure');
    expect(client.error?.message).toBe('The server sent a message after the exchange succeeded');
  });

  it('a final failure carries the challenge\'s status and scope, bounded to 500 characters of the server\'s text', () => {
    const client = createClient({ token: 'a' });
    client.start();
    client.receive(enc.encode('{"status":"insufficient_scope","scope":"[a]"}'));
    const error = client.fail('x'.repeat(600));
    expect({ code: error.code, status: error.status, scope: error.scope, message: error.message }).toEqual({
      code: 'ERR_AUTHENTICATION_FAILED', status: 'insufficient_scope', scope: '[a]', message: `The server failed the SASL exchange: ${'x'.repeat(500)}`,
    });
    const plain = createClient({ token: 'a' });
    plain.start();
    plain.receive(enc.encode('{"status":"invalid_token"}'));
    expect(plain.fail('no')).toMatchObject({ status: 'invalid_token', scope: undefined });
    const early = createClient({ token: 'a' });
    early.start();
    expect(early.fail('bad')).toMatchObject({ status: undefined, scope: undefined, message: 'The server failed the SASL exchange: bad' });
  });
});

describe('server machine refusals', () => {
  const principal = (p: string): BearerToken => ({ value: 'a', principal: p, scope: [], lifetimeMs: 1, startTimeMs: null });
  const start = (options: ServerOptions = {}, message = 'n,,\x01auth=Bearer a\x01\x01') => {
    const server = createServer(options);
    server.receive(enc.encode(message));
    return server;
  };
  const failure = (step: ReturnType<ReturnType<typeof createServer>['receive']>) => {
    if (step.action !== 'finish' || step.outcome.state !== 'failure') throw new Error(`not a failure: ${step.action}`);
    const { error, kafkaErrorMessage } = step.outcome;
    return { code: error.code, message: error.message, status: error.status, cause: (error as { cause?: unknown }).cause, kafkaErrorMessage };
  };

  it('names a wrong profile, a wrong call and a late message', () => {
    expect(refusal(() => createServer({ profile: 'x' as 'kafka' }))).toEqual({ code: 'ERR_USAGE_ARGUMENT', status: undefined, message: 'createServer: profile must be "kafka" or "rfc7628", not "x"' });
    const server = start();
    expect(refusal(() => server.receive(new Uint8Array(1)))).toEqual({ code: 'ERR_USAGE_STATE', status: undefined, message: 'receive() is not allowed while the server is validating' });
    expect(refusal(() => server.extensionsChecked({ valid: [] }))).toEqual({ code: 'ERR_USAGE_STATE', status: undefined, message: 'extensionsChecked() is not allowed while the server is validating' });
    expect(refusal(() => server.receive(null as unknown as Uint8Array))).toEqual({ code: 'ERR_USAGE_ARGUMENT', status: undefined, message: 'receive: the message must be a Uint8Array' });
    server.tokenValidated({ error: new Error('down') });
    expect(server.state).toBe('failure');
    expect(refusal(() => server.receive(new Uint8Array(1)))).toEqual({ code: 'ERR_UNEXPECTED_MESSAGE', status: undefined, message: 'The client sent a message after the exchange ended in failure' });
    expect(refusal(() => server.tokenValidated({ token: principal('p') }))).toEqual({ code: 'ERR_USAGE_STATE', status: undefined, message: 'tokenValidated() is not allowed while the server is failure' });
    const done = start();
    done.tokenValidated({ token: principal('p') });
    done.extensionsChecked({ valid: [] });
    expect(done.state).toBe('success');
    expect(refusal(() => done.receive(new Uint8Array(1))).message).toBe('The client sent a message after the exchange ended in success');
  });

  it('a validator failure without a status closes the exchange, its error kept as the cause', () => {
    const crash = new Error('down');
    expect(failure(start().tokenValidated({ error: crash }))).toEqual({ code: 'ERR_VALIDATOR', message: 'The token validator failed without a protocol status', status: undefined, cause: crash, kafkaErrorMessage: null });
    const noStatus = new OAuthBearerError('ERR_JWT_EXPIRED', 'expired');
    expect(failure(start().tokenValidated({ error: noStatus })).cause).toBe(noStatus);
    const emptyStatus = new OAuthBearerError('ERR_JWT_EXPIRED', 'expired', { status: '' });
    expect(failure(start().tokenValidated({ error: emptyStatus })).code).toBe('ERR_VALIDATOR');
    for (const bad of [null, 'token', { principal: 1 }]) {
      expect(failure(start().tokenValidated({ token: bad as unknown as BearerToken }))).toEqual({
        code: 'ERR_VALIDATOR', message: 'The token validator returned no token with a string principal', status: undefined, cause: undefined, kafkaErrorMessage: null,
      });
    }
  });

  it('an error challenge, then %x01: the validator\'s status, scope and message', () => {
    const server = start({ profile: 'rfc7628', openidConfiguration: 'https://as/.well-known' });
    const cause = new OAuthBearerError('ERR_INSUFFICIENT_SCOPE', 'needs admin', { status: 'insufficient_scope', scope: 'admin' });
    const step = server.tokenValidated({ error: cause });
    if (step.action !== 'send') throw new Error(step.action);
    expect(new TextDecoder().decode(step.challenge)).toBe('{"status":"insufficient_scope","scope":"admin","openid-configuration":"https://as/.well-known"}');
    const end = server.receive(new Uint8Array([1]));
    if (end.action !== 'finish' || end.outcome.state !== 'failure') throw new Error('not a failure');
    expect({ code: end.outcome.error.code, status: end.outcome.error.status, scope: end.outcome.error.scope, message: end.outcome.error.message, cause: end.outcome.error.cause }).toEqual({
      code: 'ERR_AUTHENTICATION_FAILED', status: 'insufficient_scope', scope: 'admin', message: 'The token was refused with status "insufficient_scope": needs admin', cause,
    });
    expect(end.outcome.kafkaErrorMessage).toBe('{"status":"insufficient_scope","scope":"admin","openid-configuration":"https://as/.well-known"}');
    const noScope = start();
    noScope.tokenValidated({ error: new OAuthBearerError('ERR_JWT_EXPIRED', 'expired', { status: 'invalid_token' }) });
    const last = noScope.receive(new Uint8Array([1]));
    if (last.action !== 'finish' || last.outcome.state !== 'failure') throw new Error('not a failure');
    expect(last.outcome.error).toMatchObject({ status: 'invalid_token', scope: undefined });
    expect(last.outcome.kafkaErrorMessage).toBe('{"status":"invalid_token"}');
  });

  it('a message other than %x01 after a challenge is a new initial response; a two-byte one too', () => {
    for (const bytes of [new Uint8Array([1, 1]), new Uint8Array([2])]) {
      const server = start();
      server.tokenValidated({ error: new OAuthBearerError('ERR_JWT_EXPIRED', 'expired', { status: 'invalid_token' }) });
      const step = server.receive(bytes);
      expect(failure(step).kafkaErrorMessage).toBe('Authentication failed during authentication due to invalid credentials with SASL mechanism OAUTHBEARER');
    }
  });

  it('an authzid other than the principal, in each profile\'s form', () => {
    const kafka = start({}, 'n,a=a=2Cb,\x01auth=Bearer a\x01\x01');
    expect(failure(kafka.tokenValidated({ token: principal('a,b') }))).toEqual({
      code: 'ERR_AUTHZID_MISMATCH', message: "The authzid is not the token's principal; send none or the principal", status: undefined, cause: undefined,
      kafkaErrorMessage: "Authentication failed: Client requested an authorization id (a=2Cb) that is different from the token's principal name (a,b)",
    });
    const rfc = start({ profile: 'rfc7628' }, 'n,a=a=2Cb,\x01auth=Bearer a\x01\x01');
    expect(rfc.tokenValidated({ token: principal('a,b') }).action).toBe('check-extensions');
  });

  it('extension verdicts: a failed check, refused extensions, a name the client never sent', () => {
    const crash = new Error('down');
    const begin = () => {
      const server = start({}, 'n,,\x01auth=Bearer a\x01x=1\x01y=2\x01\x01');
      server.tokenValidated({ token: principal('p') });
      return server;
    };
    expect(failure(begin().extensionsChecked({ error: crash }))).toEqual({ code: 'ERR_VALIDATOR', message: 'The extensions validator failed', status: undefined, cause: crash, kafkaErrorMessage: null });
    expect(failure(begin().extensionsChecked({ valid: [], invalid: new Map([['x', 'bad'], ['y', 'worse']]) }))).toEqual({
      code: 'ERR_EXTENSIONS_INVALID', message: '2 SASL extensions were refused: x, y', status: undefined, cause: undefined,
      kafkaErrorMessage: 'Authentication failed: 2 extensions are invalid! They are: x: bad; y: worse',
    });
    expect(failure(begin().extensionsChecked({ valid: ['z'] }))).toEqual({
      code: 'ERR_VALIDATOR', message: 'The extensions validator marked "z" valid, which the client did not send', status: undefined, cause: undefined, kafkaErrorMessage: null,
    });
    const ok = begin().extensionsChecked({ valid: ['x'], invalid: new Map() });
    expect(ok).toMatchObject({ action: 'finish', outcome: { state: 'success', principal: 'p', extensions: new Map([['x', '1']]) } });
  });

  it('passes maxMessageBytes to the decoder, and in the kafka profile closes without a response on an oversized frame', () => {
    const step = createServer({ maxMessageBytes: 10 }).receive(enc.encode('n,,\x01auth=Bearer a\x01\x01'));
    expect(failure(step)).toMatchObject({ code: 'ERR_INPUT_TOO_LARGE', kafkaErrorMessage: null });
    const rfc = createServer({ profile: 'rfc7628', maxMessageBytes: 10 }).receive(enc.encode('n,,\x01auth=Bearer a\x01\x01'));
    expect(failure(rfc)).toMatchObject({ code: 'ERR_INPUT_TOO_LARGE', kafkaErrorMessage: 'Authentication failed during authentication due to invalid credentials with SASL mechanism OAUTHBEARER' });
    expect(failure(createServer().receive(enc.encode('n,,\x01auth=Basic a\x01\x01')))).toMatchObject({ code: 'ERR_AUTH_SCHEME', kafkaErrorMessage: null });
    expect(failure(createServer({ reauthentication: true }).receive(enc.encode('x')))).toMatchObject({
      code: 'ERR_GS2_MESSAGE', kafkaErrorMessage: 'Authentication failed during re-authentication due to invalid credentials with SASL mechanism OAUTHBEARER',
    });
  });
});

describe('edges the refusals depend on', () => {
  const decodeRefusal = (text: string, profile: Gs2Profile = 'rfc7628') => {
    const got = refusal(() => decodeClientResponse(enc.encode(text), { profile }));
    return `${got.code}: ${got.message}`;
  };
  const A = '\x01auth=Bearer a\x01\x01';

  it('a one-byte message other than %x01 is framing, not a lone %x01', () => {
    expect(decodeRefusal('x')).toBe('ERR_GS2_MESSAGE: Expected a final %x01, found byte 0x78 at 0');
  });

  it('"F" needs its comma; "a" needs its "="', () => {
    expect(decodeRefusal(`Fn,,${A}`)).toBe('ERR_GS2_HEADER: Expected the GS2 flag "n" or "y" (no channel binding), found byte 0x46 at 0');
    expect(decodeRefusal(`n,ax,${A}`)).toBe('ERR_GS2_HEADER: Expected "," or "a=<authzid>,", found byte 0x61 at 2');
  });

  it('only "=2C" and "=3D" are escapes, and only an "=" starts one', () => {
    for (const [authzid, at] of [['a=2x', 5], ['a=xC', 5], ['a=3x', 5], ['a=xD', 5], ['a=4D', 5], ['x\u00002C', 5]] as const) {
      expect(decodeRefusal(`n,a=${authzid},${A}`)).toContain(`found byte 0x${authzid.charCodeAt(at - 4).toString(16).padStart(2, '0')} at ${at}`);
    }
    // An "=" whose next byte is the message's last: not an escape.
    expect(decodeRefusal('n,a=x=\x01')).toBe('ERR_AUTHZID: Expected UTF-8 without NUL in the authzid ("=" as =3D, "," as =2C), then ",", found byte 0x3d at 5');
    expect(decodeClientResponse(enc.encode(`n,a==2c=3d,${A}`)).authzid).toBe(',=');
  });

  it('a key that starts with "auth" is an extension', () => {
    for (const profile of ['rfc7628', 'kafka'] as const) {
      expect(decodeClientResponse(enc.encode(`n,,\x01authx=v\x01auth=Bearer a\x01\x01`), { profile }).extensions).toEqual(new Map([['authx', 'v']]));
    }
  });

  it('the token must follow the scheme after at least one space', () => {
    expect(decodeRefusal('n,,\x01auth=Bearer/abc\x01\x01')).toMatch(/^ERR_TOKEN_SYNTAX: /);
    expect(decodeRefusal('n,,\x01auth=Bearer-abc\x01\x01', 'kafka')).toMatch(/^ERR_TOKEN_SYNTAX: /);
  });

  it('positions after a multi-byte authzid: token, scheme, extensions and host are the right slices', () => {
    const r = decodeClientResponse(enc.encode('n,a=\u00e9\u20ac,\x01host=h\x01k=v\x01auth=bearer tok==\x01\x01'));
    expect([r.authzid, r.token, r.scheme, r.host, [...r.extensions]]).toEqual(['\u00e9\u20ac', 'tok==', 'bearer', 'h', [['k', 'v']]]);
    expect(refusal(() => decodeClientResponse(enc.encode('n,a=\u00e9,\x01auth=Basic x\x01\x01'))).code).toBe('ERR_AUTH_SCHEME');
  });

  it('long keys and values are cut in messages', () => {
    const key = 'k'.repeat(100);
    expect(decodeRefusal(`n,,\x01${key}=1\x01${key}=2${A}`)).toBe(`ERR_KVPAIR: The "${'k'.repeat(64)}" kvpair is repeated; send each key once`);
    expect(decodeRefusal(`n,,\x01port=${'9'.repeat(40)}${A}`)).toBe(`ERR_KVPAIR: The port must be 1 to 65535 (no leading zeros), not "${'9'.repeat(16)}"`);
    expect(refusal(() => encodeClientResponse({ token: 'a', extensions: { [`${key}1`]: 'v' } })).message).toBe(`SASL extension key "${'k'.repeat(64)}" must be ASCII letters, not "auth"`);
    expect(refusal(() => encodeClientResponse({ token: 'a', extensions: { [key]: '' } })).message).toBe(`SASL extension "${'k'.repeat(64)}" needs a non-empty value of printable ASCII, space, tab, CR or LF`);
    expect(refusal(() => encodeClientResponse({ token: 'a', extensions: { [key]: 1 as unknown as string } })).message).toBe(`encodeClientResponse: extension "${'k'.repeat(64)}" must be a string`);
  });

  it('only a Uint8Array is a message, whatever its realm; other views are not', () => {
    for (const view of [new Uint16Array(4), new DataView(new ArrayBuffer(4)), new Int8Array(4)]) {
      expect(refusal(() => decodeClientResponse(view as unknown as Uint8Array)).code).toBe('ERR_USAGE_ARGUMENT');
    }
  });

  it('an undecodable challenge keeps the UTF-8 error, which names the challenge', () => {
    try {
      decodeErrorChallenge(new Uint8Array([0xff]));
      expect.unreachable();
    } catch (err) {
      expect(((err as Error).cause as Error).message).toBe('The error challenge is not valid UTF-8');
    }
  });

  it('client: every send is its own array; a non-library error at start leaves the client where it was', () => {
    const one = createClient({ token: 'a' });
    one.start();
    const a = one.receive(enc.encode('x'));
    if (a.action !== 'send') throw new Error(a.action);
    a.message[0] = 9;
    const two = createClient({ token: 'a' });
    two.start();
    const b = two.receive(enc.encode('x'));
    expect(b).toMatchObject({ action: 'send', message: new Uint8Array([1]), challenge: null });
    const broken = createClient(null as unknown as ClientResponseFields);
    expect(() => broken.start()).toThrow(TypeError);
    expect(broken.state).toBe('initial');
    const bad = createClient({ token: 'a b' });
    expect(() => bad.start()).toThrow(OAuthBearerError);
    expect(bad.state).toBe('failure');
  });

  it('client: start() after a challenge or after success is a usage error', () => {
    const challenged = createClient({ token: 'a' });
    challenged.start();
    challenged.receive(enc.encode('{"status":"invalid_token"}'));
    expect(refusal(() => challenged.start())).toEqual({ code: 'ERR_USAGE_STATE', status: undefined, message: 'start() is not allowed while the client is awaiting-failure' });
    const done = createClient({ token: 'a' });
    done.start();
    done.receive(new Uint8Array(0));
    expect(refusal(() => done.fail('x'))).toEqual({ code: 'ERR_USAGE_STATE', status: undefined, message: 'fail() is not allowed while the client is success' });
    expect(done.state).toBe('success');
  });

  it('server: calls out of order while challenged or checking extensions are usage errors', () => {
    const challenged = createServer();
    challenged.receive(enc.encode('n,,\x01auth=Bearer a\x01\x01'));
    challenged.tokenValidated({ error: new OAuthBearerError('ERR_JWT_EXPIRED', 'expired', { status: 'invalid_token' }) });
    expect(refusal(() => challenged.tokenValidated({ token: { value: 'a', principal: 'p', scope: [], lifetimeMs: 1, startTimeMs: null } })).message).toBe('tokenValidated() is not allowed while the server is challenged');
    expect(refusal(() => challenged.extensionsChecked({ valid: [] })).message).toBe('extensionsChecked() is not allowed while the server is challenged');
    const checking = createServer();
    checking.receive(enc.encode('n,,\x01auth=Bearer a\x01\x01'));
    checking.tokenValidated({ token: { value: 'a', principal: 'p', scope: [], lifetimeMs: 1, startTimeMs: null } });
    expect(refusal(() => checking.tokenValidated({ error: new Error('x') })).message).toBe('tokenValidated() is not allowed while the server is checking-extensions');
    expect(refusal(() => checking.receive(new Uint8Array([1]))).message).toBe('receive() is not allowed while the server is checking-extensions');
  });

  it('server: a validator that returns a function is not a token', () => {
    const server = createServer();
    server.receive(enc.encode('n,,\x01auth=Bearer a\x01\x01'));
    const step = server.tokenValidated({ token: Object.assign(() => undefined, { principal: 'p' }) as unknown as BearerToken });
    expect(step).toMatchObject({ action: 'finish', outcome: { state: 'failure', error: { code: 'ERR_VALIDATOR' } } });
  });

  it('server: long names are cut in the messages of refused and unknown extensions', () => {
    const key = 'k'.repeat(100);
    const server = () => {
      const s = createServer();
      s.receive(enc.encode(`n,,\x01auth=Bearer a\x01${key}=v\x01\x01`));
      s.tokenValidated({ token: { value: 'a', principal: 'p', scope: [], lifetimeMs: 1, startTimeMs: null } });
      return s;
    };
    expect(server().extensionsChecked({ valid: [], invalid: new Map([[key, 'no']]) })).toMatchObject({ outcome: { error: { message: `1 SASL extensions were refused: ${'k'.repeat(64)}` } } });
    expect(server().extensionsChecked({ valid: [`${key}x`] })).toMatchObject({ outcome: { error: { message: `The extensions validator marked "${'k'.repeat(64)}" valid, which the client did not send` } } });
  });

  it('authenticateStep: an extensions validator that throws fails the exchange, its error kept as the cause', async () => {
    const crash = new Error('down');
    const reply = await authenticateStep(createServer(), enc.encode('n,,\x01auth=Bearer a\x01\x01'), {
      validator: () => ({ value: 'a', principal: 'p', scope: [], lifetimeMs: 1, startTimeMs: null }),
      extensionsValidator: () => {
        throw crash;
      },
      context: { nowMs: 0 },
    });
    expect(reply).toMatchObject({ state: 'failure', challenge: null, kafkaErrorMessage: null, error: { code: 'ERR_VALIDATOR', message: 'The extensions validator failed', cause: crash } });
  });
});
