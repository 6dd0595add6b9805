import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import { kafkaSaslConfig, parseProperties, propertyMap } from '../../src/kafka/properties.js';

describe('parseProperties (java.util.Properties.load)', () => {
  it('handles separators, comments, continuations and escapes', () => {
    const p = parseProperties([
      '# comment', '! also comment', '  a = 1', 'b:2', 'c 3', 'd=\\', '   continued', 'e\\ key=x\\ty', 'f=\\u0041\\q',
      'g', 'h=  ', 'i=last\\', '',
    ].join('\n') + 'j=k\\');
    expect(Object.fromEntries(p)).toEqual({
      a: '1', b: '2', c: '3', d: 'continued', 'e key': 'x\ty', f: 'Aq', g: '', h: '', i: 'lastj=k',
    });
  });
  it('keeps the last of a repeated key; CRLF and a comment line ending in a backslash', () => {
    const p = parseProperties('a=1\r\na=2\r\n# c \\\nb=3');
    expect(Object.fromEntries(p)).toEqual({ a: '2', b: '3' });
  });
  it('matches java.util.Properties (JDK 25) on continuation and comment corner cases', () => {
    // Expected values recorded from Properties.load on Temurin 25.
    const cases: [string, Record<string, string>][] = [
      ['\\', { '': '' }],
      ['\\\n#c\na=1', { a: '1' }],
      ['\\\n\n', {}],
      ['a=b\\\n#c', { a: 'b#c' }],
      ['!x\\\ny=2', { y: '2' }],
      ['a=b\\\r\n  c', { a: 'bc' }],
    ];
    for (const [text, expected] of cases) expect(Object.fromEntries(parseProperties(text))).toEqual(expected);
  });
  it('refuses a malformed \\u escape', () => {
    expect(() => parseProperties('a=\\u12')).toThrow(OAuthBearerError);
  });
});

describe('kafkaSaslConfig (ConfigDef parsing, SaslConfigs defaults)', () => {
  it('fills Kafka defaults', () => {
    const c = kafkaSaslConfig({});
    expect(c.refresh).toEqual({ windowFactor: 0.8, windowJitter: 0.05, minPeriodSeconds: 60, bufferSeconds: 300 });
    expect(c.loginRetryBackoffMs).toBe(100);
    expect(c.loginRetryBackoffMaxMs).toBe(10_000);
    expect(c.loginConnectTimeoutMs).toBeNull();
    expect(c.clockSkewSeconds).toBe(30);
    expect(c.connectionsMaxReauthMs).toBe(0);
    expect(c.expectedAudience).toBeNull();
    expect(c.headerUrlencode).toBe(false);
  });
  it('parses, trims and range-checks from properties text', () => {
    const c = kafkaSaslConfig(parseProperties([
      'sasl.login.refresh.window.factor = 0x1p-1', 'sasl.login.refresh.min.period.seconds=+30',
      'sasl.oauthbearer.expected.audience= a , b,,c ', 'sasl.oauthbearer.header.urlencode=TRUE', 'connections.max.reauth.ms=3600000',
      'sasl.login.connect.timeout.ms=5000',
    ].join('\n')));
    expect(c.refresh.windowFactor).toBe(0.5);
    expect(c.refresh.minPeriodSeconds).toBe(30);
    expect(c.expectedAudience).toEqual(['a', 'b', '', 'c']);
    expect(c.headerUrlencode).toBe(true);
    expect(c.connectionsMaxReauthMs).toBe(3_600_000);
    expect(c.loginConnectTimeoutMs).toBe(5000);
  });
  it('names the bad setting', () => {
    expect(() => kafkaSaslConfig({ 'sasl.login.refresh.buffer.seconds': '3601' })).toThrow(/sasl\.login\.refresh\.buffer\.seconds/);
    expect(() => kafkaSaslConfig({ 'sasl.oauthbearer.clock.skew.seconds': '30s' })).toThrow(/clock\.skew/);
  });
});

describe('propertyMap: every entry point takes text, a Map or a plain object (issue 11)', () => {
  it('reads the three forms alike; numbers and booleans as strings; undefined and null as unset', () => {
    const text = 'sasl.login.refresh.buffer.seconds=120\nsasl.oauthbearer.header.urlencode=true\n';
    const forms = [text, new Map([['sasl.login.refresh.buffer.seconds', '120'], ['sasl.oauthbearer.header.urlencode', 'true']]),
      { 'sasl.login.refresh.buffer.seconds': 120, 'sasl.oauthbearer.header.urlencode': true, 'sasl.oauthbearer.scope': undefined, other: null }];
    for (const form of forms) {
      expect(Object.fromEntries(propertyMap(form))).toEqual({ 'sasl.login.refresh.buffer.seconds': '120', 'sasl.oauthbearer.header.urlencode': 'true' });
      expect(kafkaSaslConfig(form)).toMatchObject({ refresh: { bufferSeconds: 120 }, headerUrlencode: true });
    }
  });
  it('refuses values and inputs that are not settings, naming the setting', () => {
    expect(() => propertyMap({ 'sasl.oauthbearer.scope': ['a'] } as never)).toThrow(expect.objectContaining({ code: 'ERR_CONFIG', message: expect.stringContaining('sasl.oauthbearer.scope') }));
    expect(() => propertyMap(new Map([['a', 1]]) as never)).toThrow(expect.objectContaining({ code: 'ERR_CONFIG' }));
    expect(() => propertyMap(null as never)).toThrow(expect.objectContaining({ code: 'ERR_CONFIG' }));
    expect(() => propertyMap(42 as never)).toThrow(OAuthBearerError);
  });
});
