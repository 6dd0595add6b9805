import { describe, expect, it } from 'vitest';
import { MAX_JAAS_CONFIG_LENGTH, parseJaasConfig } from '../../src/kafka/jaas.js';

const M = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';
const options = (text: string): Record<string, string> => Object.fromEntries(parseJaasConfig(text).options);
const failure = (message: string) => expect.objectContaining({ code: 'ERR_JAAS_CONFIG', message });
const NUMBER_KEY = 'sasl.jaas.config has an option whose name is a number or punctuation: quote the name';
const noValue = (which: string): string =>
  `Value not specified for ${which} in sasl.jaas.config: quote values with spaces, numbers and punctuation, as in key="3600"`;

describe('parseJaasConfig: StreamTokenizer numbers (a number token ends where Java\'s does)', () => {
  it('one number token: digits, one dot, a leading minus before a digit or dot', () => {
    for (const key of ['12', '10', '19', '1.5', '.5', '-5', '-0', '-9', '-.', '-.5']) {
      expect(() => parseJaasConfig(`${M} required a="b" ${key}="c";`), key).toThrow(failure(NUMBER_KEY));
    }
  });
  it('two tokens: a second dot, a letter after digits, a minus before anything else', () => {
    for (const key of ['1a', '1.5.5', '..', '-x']) {
      expect(() => parseJaasConfig(`${M} required a="b" ${key}="c";`), key).toThrow(failure(noValue('option 2')));
    }
    expect(() => parseJaasConfig(`${M} required a=-x;`)).toThrow(failure(noValue('option "a"')));
    expect(() => parseJaasConfig(`${M} required a=-;`)).toThrow(failure(noValue('option "a"')));
  });
  it('a number as the first key is named by position', () => {
    expect(() => parseJaasConfig(`${M} required 5;`)).toThrow(failure(noValue('option 1')));
  });
});

describe('parseJaasConfig: characters the tokenizer classes specially', () => {
  it('U+0100 and above are word characters wherever they stand', () => {
    expect(options(`${M} required a=b\u0100c;`)).toEqual({ a: 'b\u0100c' });
    expect(options(`${M} required a="b"\u0100c="d";`)).toEqual({ a: 'b', '\u0100c': 'd' });
    expect(options(`${M} required a="b" \u0100c="d";`)).toEqual({ a: 'b', '\u0100c': 'd' });
  });
  it('NUL is white space: between tokens, after a word, inside a comment; but kept inside a quoted string', () => {
    expect(options(`${M} required a="b"\u0000c="d";`)).toEqual({ a: 'b', c: 'd' });
    expect(options(`${M} required\u0000a="b";`)).toEqual({ a: 'b' });
    expect(options(`${M} required \u0000a="b";`)).toEqual({ a: 'b' });
    expect(options(`${M} required a=b\u0000;`)).toEqual({ a: 'b' });
    expect(options(`${M} required a="b\u0000c";`)).toEqual({ a: 'b\u0000c' });
    expect(options(`${M} required /*\u0000*/ a="x";`)).toEqual({ a: 'x' });
  });
  it('a word that ends the text keeps its last character', () => {
    expect(() => parseJaasConfig(`${M} required`)).toThrow(failure('sasl.jaas.config entry is not terminated by ";"'));
  });
});

describe('parseJaasConfig: octal escapes in quoted strings (\\0-\\377)', () => {
  it('reads one, two or three octal digits, three only when the first is 0-3', () => {
    expect(options(`${M} required a="\\18";`)).toEqual({ a: '\u00018' });
    expect(options(`${M} required a="\\12x";`)).toEqual({ a: '\nx' });
    expect(options(`${M} required a="\\120";`)).toEqual({ a: 'P' });
    expect(options(`${M} required a="\\128";`)).toEqual({ a: '\n8' });
    expect(options(`${M} required a="\\12!";`)).toEqual({ a: '\n!' });
    expect(options(`${M} required a="\\477";`)).toEqual({ a: "'7" });
    expect(options(`${M} required a="\\101\\7";`)).toEqual({ a: 'A\u0007' });
  });
});

describe('parseJaasConfig: comments', () => {
  it('/* */ ends only at */, across a slash, a CR or a CRLF', () => {
    expect(options(`${M} required /* a/b */ a="x";`)).toEqual({ a: 'x' });
    expect(options(`${M} required /**/ a="x";`)).toEqual({ a: 'x' });
    expect(options(`${M} required /*\r*/ a="x";`)).toEqual({ a: 'x' });
    expect(options(`${M} required /* \r\n */ a="x";`)).toEqual({ a: 'x' });
    expect(options(`${M} required /* \n */ a="x";`)).toEqual({ a: 'x' });
    expect(() => parseJaasConfig(`${M} required /* open a="x";`)).toThrow(failure('sasl.jaas.config entry is not terminated by ";"'));
  });
  it('// ends at CR or LF, not at NUL', () => {
    expect(options(`${M} required // c\ra="x";`)).toEqual({ a: 'x' });
    expect(options(`${M} required // c\na="x";`)).toEqual({ a: 'x' });
    expect(() => parseJaasConfig(`${M} required // c\u0000a="x";`)).toThrow(failure('sasl.jaas.config entry is not terminated by ";"'));
  });
});

describe('parseJaasConfig: entry-level errors', () => {
  it('an empty text names no login module', () => {
    for (const text of ['', '  ', '/* only a comment */']) {
      expect(() => parseJaasConfig(text)).toThrow(failure('sasl.jaas.config names no login module: write "<LoginModule class> required <options>;"'));
    }
  });
  it('an empty or numeric login module name is refused', () => {
    expect(() => parseJaasConfig('"" required;')).toThrow(failure('sasl.jaas.config has an empty login module name'));
    expect(() => parseJaasConfig('5 required;')).toThrow(failure('sasl.jaas.config has an empty login module name'));
  });
  it('refuses text past its limit and reads text at it', () => {
    // A // comment fills the text: the cheapest text to read at the limit.
    const head = `${M} required a="b";//`;
    const text = head + 'x'.repeat(MAX_JAAS_CONFIG_LENGTH - head.length);
    expect(text.length).toBe(MAX_JAAS_CONFIG_LENGTH);
    expect(Object.fromEntries(parseJaasConfig(text).options)).toEqual({ a: 'b' });
    expect(() => parseJaasConfig(text + ' ')).toThrow(expect.objectContaining({
      code: 'ERR_INPUT_TOO_LARGE', message: `sasl.jaas.config is ${MAX_JAAS_CONFIG_LENGTH + 1} characters; the limit is ${MAX_JAAS_CONFIG_LENGTH}`,
    }));
  });
});
