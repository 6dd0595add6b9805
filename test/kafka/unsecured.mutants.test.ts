import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../src/encoding/base64.js';
import { encodeUtf8 } from '../../src/encoding/utf8.js';
import { createUnsecuredJws, createUnsecuredToken, unsecuredLoginExtensions, unsecuredValidator, validateUnsecuredToken } from '../../src/kafka/unsecured.js';
import { caught } from '../helpers.js';

const enc = (text: string): string => encodeBase64url(encodeUtf8(text));
const HEADER = enc('{"alg":"none"}');
const jws = (claims: string, header = HEADER): string => `${header}.${enc(claims)}.`;
const validate = (value: string, nowMs = 0): ReturnType<typeof validateUnsecuredToken> => validateUnsecuredToken(value, {}, nowMs);
const invalid = (message: string) => expect.objectContaining({ code: 'ERR_UNSECURED_TOKEN', status: 'invalid_token', message });
const config = (message: string) => expect.objectContaining({ code: 'ERR_CONFIG', message });
const QUOTE = 'contains \'"\': Kafka would write malformed JSON (it escapes the quote\'s backslash twice); remove the quote';
const SUB = 'unsecuredLoginStringClaim_sub';

describe('createUnsecuredJws: options Kafka\'s login handler refuses, by message', () => {
  it('no options, only extensions, a non-integer time', () => {
    expect(() => createUnsecuredJws({}, 0)).toThrow(config('No unsecuredLogin* options: Kafka makes no token; set at least unsecuredLoginStringClaim_sub'));
    expect(() => createUnsecuredJws({ unsecuredLoginExtension_a: 'b' }, 0)).toThrow(config('Extensions provided in login context without a token'));
    expect(() => createUnsecuredJws({ unsecuredLoginExtension_a: 'b', unsecuredLoginExtension_c: 'd' }, 0)).toThrow(config('Extensions provided in login context without a token'));
    expect(() => createUnsecuredJws({ [SUB]: 'a' }, 1.5)).toThrow(expect.objectContaining({
      code: 'ERR_USAGE_ARGUMENT', message: 'createUnsecuredJws needs nowMs as integer epoch milliseconds',
    }));
  });
  it('quotes and control characters in names and values, naming the claim', () => {
    expect(() => createUnsecuredJws({ [SUB]: 'a"b' }, 0)).toThrow(config(`String claim "sub" ${QUOTE}`));
    expect(() => createUnsecuredJws({ [SUB]: 'a\u0001b' }, 0)).toThrow(config('String claim "sub" contains a control character, which Kafka writes unescaped into JSON; remove it'));
    expect(() => createUnsecuredJws({ [SUB]: 'a', 'unsecuredLoginStringClaim_x"y': 'v' }, 0)).toThrow(config(`A claim name ${QUOTE}`));
    expect(() => createUnsecuredJws({ [SUB]: 'a', 'unsecuredLoginNumberClaim_x"y': '1' }, 0)).toThrow(config(`A claim name ${QUOTE}`));
    expect(() => createUnsecuredJws({ [SUB]: 'a', 'unsecuredLoginListClaim_x"y': ',v' }, 0)).toThrow(config(`A claim name ${QUOTE}`));
    expect(() => createUnsecuredJws({ [SUB]: 'a', unsecuredLoginListClaim_l: ',v,w"x' }, 0)).toThrow(config(`List claim "l" ${QUOTE}`));
  });
  it('number claims that are no Java double, or not finite', () => {
    expect(() => createUnsecuredJws({ [SUB]: 'a', unsecuredLoginNumberClaim_n: 'abc' }, 0)).toThrow(config('Number claim "n" is not a Java double'));
    expect(() => createUnsecuredJws({ [SUB]: 'a', unsecuredLoginNumberClaim_n: 'NaN' }, 0)).toThrow(config('Number claim "n" is NaN: Kafka writes it as invalid JSON and fails'));
    expect(() => createUnsecuredJws({ [SUB]: 'a', unsecuredLoginNumberClaim_n: '-Infinity' }, 0)).toThrow(config('Number claim "n" is -Infinity: Kafka writes it as invalid JSON and fails'));
  });
  it('a list of only delimiters', () => {
    expect(() => createUnsecuredJws({ [SUB]: 'a', unsecuredLoginListClaim_l: ',,' }, 0)).toThrow(config('List claim "l" has only delimiters: Kafka fails with "Illegal JSON array"'));
  });
  it('options that make a token Kafka\'s own parser refuses keep that refusal as the cause', () => {
    const err = caught(() => createUnsecuredJws({ unsecuredLoginStringClaim_x: 'y' }, 0));
    expect(err.code).toBe('ERR_CONFIG');
    expect(err.message).toBe('The unsecuredLogin* options make an invalid token: No principal name in JWT claim: sub');
    expect(err.cause).toMatchObject({ code: 'ERR_UNSECURED_TOKEN', message: 'No principal name in JWT claim: sub' });
  });
  it('extension options: the bad one is named with the reason', () => {
    const err = caught(() => unsecuredLoginExtensions({ unsecuredLoginExtension_trace_id: '1' }));
    expect(err.code).toBe('ERR_CONFIG');
    expect(err.message).toMatch(/^unsecuredLoginExtension_trace_id: SASL extension key "trace_id" must be ASCII letters/);
  });
});

describe('list claims split on a surrogate delimiter: only unpaired ones split (java.util.regex)', () => {
  const list = (value: string): unknown => createUnsecuredJws({ [SUB]: 'a', unsecuredLoginListClaim_l: value }, 0).claims.l;
  it('a high-surrogate delimiter splits where it is not followed by a low surrogate (DC00-DFFF)', () => {
    expect(list('\ud800a\ud800\udc00b\ud800\udfffc\ud800\udbffd\ud800\ue000e')).toEqual(['a\u{10000}b\u{103ff}c', '?d', '\ue000e']);
    expect(list('\udbffa\udbff\udc00')).toEqual(['a\u{10fc00}']);
  });
  it('a low-surrogate delimiter splits where it is not preceded by a high surrogate (D800-DBFF)', () => {
    expect(list('\udc00a\ud800\udc00b\udbff\udc00c\ud7ff\udc00d\udc00\udc00e')).toEqual(['a\u{10000}b\u{10fc00}c\ud7ff', 'd', '', 'e', '']);
    expect(list('\udfffa\ud800\udfffb')).toEqual(['a\u{103ff}b']);
  });
  it('other delimiters split at every occurrence, even next to surrogates', () => {
    expect(list(',a,\udc00')).toEqual(['a', '?']);
    expect(list('\ue000a\ud800\ue000b')).toEqual(['a?', 'b']);
    expect(list('\ud7ffa\ud7ff\udc00')).toEqual(['a', '?']);
  });
});

describe('parsing an unsecured JWS as OAuthBearerUnsecuredJws, by message', () => {
  const exp = '"exp":9000000000';
  it('refuses \'..\', a wrong number of parts, and bad base64url in each part', () => {
    expect(() => validate('a..b')).toThrow(invalid("Malformed compact serialization contains '..'"));
    for (const value of ['abc', 'a.b', 'a.b.c.d', `${HEADER}.${enc('{}')}`]) {
      expect(() => validate(value), value).toThrow(invalid('Unsecured JWS compact serializations must have 3 dot-separated Base64URL-encoded values'));
    }
    expect(() => validate(`!!.${enc('{}')}.`)).toThrow(invalid('The unsecured JWS header is malformed base64url'));
    expect(() => validate(`${HEADER}.!!.`)).toThrow(invalid('The unsecured JWS claims is malformed base64url'));
  });
  it('takes non-canonical base64url, as Java\'s URL decoder does', () => {
    expect(HEADER).toBe('eyJhbGciOiJub25lIn0');
    expect(validate(jws(`{${exp},"sub":"a"}`, 'eyJhbGciOiJub25lIn1')).principal).toBe('a');
  });
  it('malformed JSON, with the parser\'s reason as the cause; blank JSON has no claims', () => {
    const err = caught(() => validate(jws('{"exp":')));
    expect(err).toMatchObject({ code: 'ERR_UNSECURED_TOKEN', status: 'invalid_token', message: 'The unsecured JWS claims is malformed JSON' });
    expect((err.cause as Error).message).toContain('unsecured JWS claims');
    expect(() => validate(jws(' \t\r\n'))).toThrow(invalid('No expiration time in JWT'));
  });
  it('no alg is Kafka\'s internal error: no status', () => {
    const err = caught(() => validate(jws(`{${exp},"sub":"a"}`, enc('{"typ":"JWT"}'))));
    expect(err.code).toBe('ERR_UNSECURED_TOKEN');
    expect(err.status).toBeUndefined();
    expect(err.message).toBe('JWS header must have an Algorithm value (Kafka fails with an internal error, no challenge)');
  });
  it('missing exp, missing or non-string principal', () => {
    expect(() => validate(jws('{"sub":"a"}'))).toThrow(invalid('No expiration time in JWT'));
    expect(() => validate(jws(`{${exp}}`))).toThrow(invalid('No principal name in JWT claim: sub'));
    expect(() => validate(jws(`{${exp},"sub":5}`))).toThrow(invalid("The 'sub' claim was not of type String"));
  });
  it('a boolean scope is one scope, its text', () => {
    expect(validate(jws(`{${exp},"sub":"a","scope":false}`)).scope).toEqual(['false']);
    expect(validate(jws(`{${exp},"sub":"a","scope":true}`)).scope).toEqual(['true']);
  });
});

describe('scope lists with numbers: each element as Jackson\'s asText() prints it', () => {
  const scope = (claims: string): readonly string[] => validate(jws(claims)).scope;
  it('reads the array from the source text through white space, nesting, escapes and other members', () => {
    expect(scope(' { "exp" : 9e9 , "sub" : "a" , "o" : { "k" : [ 1 , { "z" : "]}" } ] , "s" : "x" } , "n" : [[1],2] ,'
      + ' "scope" : [ 1.0 , "b c" , "q\\"t" , true , false , null , {"a":[1]} , [2, {"b":"x"}] , 1e2 , -0 , 12345678901234567890 ] }'))
      .toEqual(['1.0', 'b c', 'q"t', 'true', 'false', 'null', '100.0', '0', '12345678901234567890']);
  });
  it('skips strings holding delimiters in members before it', () => {
    expect(scope('{"k\\"ey":"a, ]} x","exp":9e9,"sub":"a","scope":[1.5]}')).toEqual(['1.5']);
  });
  it('the array may come first, and the last duplicate wins', () => {
    expect(scope('{"scope":[1.5],"exp":9e9,"sub":"a"}')).toEqual(['1.5']);
    expect(scope('{"scope":[1.5],"sub":"a","scope":[2.5],"exp":9e9}')).toEqual(['2.5']);
    expect(scope('{"exp":9e9,"sub":"a","scope":[1.5],"other":[2.5]}')).toEqual(['1.5']);
  });
  it('only the first JSON value counts', () => {
    expect(scope('{"exp":9e9,"sub":"a","scope":[1.5]} "scope":[2.5]')).toEqual(['1.5']);
  });
});

describe('validateUnsecuredToken: times, scope and arguments', () => {
  const now = 1_000_000;
  it('says how far in the future or past the token is, with the skew', () => {
    expect(() => validate(jws('{"exp":9e9,"iat":1005,"sub":"a"}'), now)).toThrow(invalid(
      'The Issued At value was after the indicated time plus allowable clock skew: the token was issued 5 s in the future (clock skew 0 ms)'));
    expect(() => validate(jws('{"exp":995,"sub":"a"}'), now)).toThrow(invalid(
      'The indicated time minus allowable clock skew was on or after the Expiration Time value: the token expired 5 s ago (clock skew 0 ms)'));
  });
  it('a token without iat is checked against exp only, even before the epoch', () => {
    expect(validate(jws('{"exp":-1,"sub":"a"}'), -5000).lifetimeMs).toBe(-1000);
  });
  it('cuts a long required scope in its message', () => {
    const long = 'x'.repeat(70);
    const err = caught(() => validateUnsecuredToken(jws('{"exp":9e9,"sub":"a"}'), { unsecuredValidatorRequiredScope: long }, 0));
    expect(err.message).toBe(`The token's scope lacks "${'x'.repeat(64)}", which unsecuredValidatorRequiredScope requires`);
  });
  it('refuses a token that is not a string, or a time that is not integer milliseconds', () => {
    const usage = expect.objectContaining({
      code: 'ERR_USAGE_ARGUMENT', message: 'validateUnsecuredToken needs a token string and nowMs as integer epoch milliseconds',
    });
    expect(() => validateUnsecuredToken(5 as never, {}, 0)).toThrow(usage);
    expect(() => validateUnsecuredToken(jws('{"exp":9e9,"sub":"a"}'), {}, 0.5)).toThrow(usage);
  });
  it('maxTokenLength: a token of exactly the limit passes; 1 is a valid limit; below 1 is refused', async () => {
    const value = createUnsecuredToken({ [SUB]: 'alice' }, 0).value;
    expect(validateUnsecuredToken(value, {}, 1, { maxTokenLength: value.length }).principal).toBe('alice');
    expect(() => validateUnsecuredToken(value, {}, 1, { maxTokenLength: value.length - 1 })).toThrow(invalid(
      `The unsecured JWS is ${value.length} characters; the limit is ${value.length - 1} (maxTokenLength)`));
    const one = unsecuredValidator({}, { maxTokenLength: 1 });
    await expect(async () => one(value, { nowMs: 1 })).rejects.toMatchObject({ code: 'ERR_UNSECURED_TOKEN' });
    for (const maxTokenLength of [0, 1.5]) {
      expect(() => unsecuredValidator({}, { maxTokenLength })).toThrow(expect.objectContaining({
        code: 'ERR_USAGE_ARGUMENT', message: 'maxTokenLength must be a whole number ≥ 1',
      }));
    }
  });
});
