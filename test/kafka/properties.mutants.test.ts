import { describe, expect, it } from 'vitest';
import {
  configBoolean, configDouble, configInt, configList, configLong, configShort, configString, kafkaSaslConfig, MAX_PROPERTIES_LENGTH,
  parseProperties, propertyMap,
} from '../../src/kafka/properties.js';

const parsed = (text: string): Record<string, string> => Object.fromEntries(parseProperties(text));
const configError = (message: string) => expect.objectContaining({ code: 'ERR_CONFIG', message });

describe('propertyMap: the three forms and what each refuses', () => {
  it('keeps string values of a plain object', () => {
    expect(Object.fromEntries(propertyMap({ a: 'x', b: ' y ' }))).toEqual({ a: 'x', b: ' y ' });
  });
  it('names the setting and the wrong type', () => {
    expect(() => propertyMap(new Map([['a', 1]]) as never)).toThrow(configError('Invalid value for configuration a: expected a string, got number'));
    expect(() => propertyMap({ a: ['x'] } as never)).toThrow(configError('Invalid value for configuration a: expected a string, number or boolean, got an array'));
    expect(() => propertyMap({ a: { b: 1 } } as never)).toThrow(configError('Invalid value for configuration a: expected a string, number or boolean, got object'));
    expect(() => propertyMap(null as never)).toThrow(configError('Kafka properties must be properties text, a Map or a plain object, not null'));
    expect(() => propertyMap(42 as never)).toThrow(configError('Kafka properties must be properties text, a Map or a plain object, not number'));
    expect(() => propertyMap(undefined as never)).toThrow(configError('Kafka properties must be properties text, a Map or a plain object, not undefined'));
  });
  it('the typed readers take text and plain objects as well as Maps', () => {
    expect(configString('a = x ', 'a', null)).toBe('x');
    expect(configString({ a: ' x ' }, 'a', null)).toBe('x');
    expect(configString({}, 'a', 'dflt')).toBe('dflt');
  });
});

describe('parseProperties: java.util.Properties.load corner cases', () => {
  it('refuses text past its limit, accepts text at it', () => {
    // A comment fills the text: the cheapest text to read at the limit.
    const atLimit = 'a=1\n#' + 'c'.repeat(MAX_PROPERTIES_LENGTH - 5);
    expect(atLimit.length).toBe(MAX_PROPERTIES_LENGTH);
    expect(parsed(atLimit)).toEqual({ a: '1' });
    expect(() => parseProperties(atLimit + 'c')).toThrow(expect.objectContaining({
      code: 'ERR_INPUT_TOO_LARGE', message: `Properties text is ${MAX_PROPERTIES_LENGTH + 1} characters; the limit is ${MAX_PROPERTIES_LENGTH}`,
    }));
  });
  it('separates key and value at =, :, space, tab or form feed; one = or : more after white space is skipped', () => {
    expect(parsed('=x')).toEqual({ '': 'x' });
    expect(parsed(':x')).toEqual({ '': 'x' });
    expect(parsed('a==b')).toEqual({ a: '=b' });
    expect(parsed('a\tb')).toEqual({ a: 'b' });
    expect(parsed('a\fb')).toEqual({ a: 'b' });
    expect(parsed('a :b')).toEqual({ a: 'b' });
    expect(parsed('a = =b')).toEqual({ a: '=b' });
    expect(parsed('a : :b')).toEqual({ a: ':b' });
    expect(parsed('a=\tb')).toEqual({ a: 'b' });
    expect(parsed('a=\fb')).toEqual({ a: 'b' });
    expect(parsed('a= \t\f b')).toEqual({ a: 'b' });
  });
  it('skips space, tab and form feed at the start of every line', () => {
    expect(parsed('x=1\n  a = 1\n\tb=2\n\fc=3')).toEqual({ x: '1', a: '1', b: '2', c: '3' });
  });
  it('a comment runs to \\n or \\r, or to the end of the text', () => {
    expect(parsed('a=1\n#c\nb=2')).toEqual({ a: '1', b: '2' });
    expect(parsed('#c\rb=2')).toEqual({ b: '2' });
    expect(parsed('a=1\n# end')).toEqual({ a: '1' });
  });
  it('continuations: an empty line after one ends the logical line; CR, LF and CRLF each end a continued line', () => {
    expect(parsed('a=bc\\\n\nd=e')).toEqual({ a: 'bc', d: 'e' });
    expect(parsed('a=bc\\\n\n')).toEqual({ a: 'bc' });
    expect(parsed('a=bc\\\n')).toEqual({ a: 'bc' });
    expect(parsed('a=b\\\ncd')).toEqual({ a: 'bcd' });
    expect(parsed('a=b\\\rcd')).toEqual({ a: 'bcd' });
    expect(parsed('a=b\\\r\ncd')).toEqual({ a: 'bcd' });
    expect(parsed('\\\n\n  a=1')).toEqual({ a: '1' });
  });
  it('unescapes \\t \\r \\n \\f and drops the backslash before anything else', () => {
    expect(parsed('a=\\t\\r\\n\\f\\q\\\\')).toEqual({ a: '\t\r\n\fq\\' });
  });
  it('refuses a malformed \\uxxxx escape with a message that says what to write', () => {
    for (const text of ['a=\\u12', 'a=\\u12g4', 'a=\\u']) {
      expect(() => parseProperties(text)).toThrow(configError('Malformed \\uxxxx encoding in properties text: write four hex digits after \\u'));
    }
    expect(parsed('a=\\u00e9\\u00C9x')).toEqual({ a: '\u00e9\u00c9x' });
  });
});

describe('typed settings: parse errors and ranges name the setting and the rule', () => {
  it('numbers', () => {
    expect(() => configDouble({ d: 'x' }, 'd', 0)).toThrow(configError('Invalid value for configuration d: not a number (Java Double.parseDouble syntax)'));
    expect(() => configShort({ s: '60.0' }, 's', 0)).toThrow(configError('Invalid value for configuration s: not a 16-bit integer'));
    expect(() => configInt({ i: '1e3' }, 'i', null)).toThrow(configError('Invalid value for configuration i: not a 32-bit integer'));
    expect(() => configLong({ l: '1.5' }, 'l', 0)).toThrow(configError('Invalid value for configuration l: not a 64-bit integer'));
    expect(configLong({ l: ' -7 ' }, 'l', 0)).toBe(-7);
    expect(configLong({}, 'l', 5)).toBe(5);
  });
  it('inclusive ranges, with the bound in the message', () => {
    expect(configDouble({ d: '0.5' }, 'd', 0, [0.5, 1])).toBe(0.5);
    expect(configDouble({ d: '1.0' }, 'd', 0, [0.5, 1])).toBe(1);
    expect(() => configDouble({ d: '0.49' }, 'd', 0, [0.5, 1])).toThrow(configError('Invalid value for configuration d: must be at least 0.5'));
    expect(() => configShort({ s: '3601' }, 's', 0, [0, 3600])).toThrow(configError('Invalid value for configuration s: must be no more than 3600'));
  });
  it('booleans: true or false in any case, trimmed; anything else refused', () => {
    expect(configBoolean({ b: 'false' }, 'b', true)).toBe(false);
    expect(configBoolean({ b: ' FALSE ' }, 'b', true)).toBe(false);
    expect(configBoolean({ b: 'True' }, 'b', false)).toBe(true);
    expect(configBoolean({}, 'b', true)).toBe(true);
    expect(() => configBoolean({ b: 'yes' }, 'b', false)).toThrow(configError('Invalid value for configuration b: expected true or false'));
  });
  it('lists: blank is the empty list', () => {
    expect(configList({ l: '  ' }, 'l', null)).toEqual([]);
    expect(configList({ l: '' }, 'l', ['x'])).toEqual([]);
    expect(configList({}, 'l', ['x'])).toEqual(['x']);
  });
  it('kafkaSaslConfig: the claim-name defaults and trimmed strings', () => {
    const c = kafkaSaslConfig({ 'sasl.oauthbearer.expected.issuer': ' https://issuer ' });
    expect([c.scopeClaimName, c.subClaimName, c.expectedIssuer, c.tokenEndpointUrl]).toEqual(['scope', 'sub', 'https://issuer', null]);
    expect(kafkaSaslConfig({ 'sasl.oauthbearer.header.urlencode': 'false' }).headerUrlencode).toBe(false);
  });
});

describe('typed readers on a Map read only their own setting', () => {
  it('another entry of the Map is not checked again (kafkaSaslConfig checks the Map once, then reads it)', () => {
    expect(configString(new Map([['a', ' x '], ['other', 1 as never]]), 'a', null)).toBe('x');
  });
});
