import { describe, expect, it } from 'vitest';
import { MAX_RDKAFKA_CONFIG_LENGTH, parseRdkafkaOauthbearerConfig } from '../../src/kafka/rdkafka.js';

const refused = (config: string, message: string): void => {
  expect(() => parseRdkafkaOauthbearerConfig(config), JSON.stringify(config)).toThrow(expect.objectContaining({
    code: 'ERR_RDKAFKA_CONFIG', message: `Invalid sasl.oauthbearer.config: ${message}`,
  }));
};

describe('parseRdkafkaOauthbearerConfig: every refusal by its message', () => {
  it('length, NUL, empty', () => {
    const atLimit = 'principal=' + 'a'.repeat(MAX_RDKAFKA_CONFIG_LENGTH - 10);
    expect(parseRdkafkaOauthbearerConfig(atLimit).principal.length).toBe(MAX_RDKAFKA_CONFIG_LENGTH - 10);
    refused(atLimit + 'a', `${MAX_RDKAFKA_CONFIG_LENGTH + 1} characters; the limit is ${MAX_RDKAFKA_CONFIG_LENGTH}`);
    refused('principal=a\u0000b', 'contains a NUL character, which ends a C string');
    refused('', 'must not be empty');
    refused(' \t\n', 'must not be empty');
  });
  it('leading white space of the whole value, vertical tab included, is stripped; inside, only spaces separate', () => {
    expect(parseRdkafkaOauthbearerConfig('\v\f principal=a').principal).toBe('a');
    refused('Vprincipal=a', 'unrecognized name at offset 0: use principal=, principalClaimName=, scope=, scopeClaimName=, lifeSeconds= or extension_NAME=');
    refused('principal=a  x=1', 'unrecognized name at offset 13: use principal=, principalClaimName=, scope=, scopeClaimName=, lifeSeconds= or extension_NAME=');
  });
  it('extensions', () => {
    refused('principal=a extension_=v', "empty 'extension_' key");
    refused('principal=a extension_a1=v', 'extension names must be letters A-Z or a-z only, and not "auth"');
    refused('principal=a extension_auth=v', 'extension names must be letters A-Z or a-z only, and not "auth"');
    refused('principal=a extension_a=\u00e9', 'the value of extension a must be printable ASCII, space, tab, CR or LF');
    expect(parseRdkafkaOauthbearerConfig('principal=a extension_a').extensions).toEqual([['a', '']]);
  });
  it('lifeSeconds: strtoll syntax, a positive int, and librdkafka\'s millisecond overflow', () => {
    refused('principal=a lifeSeconds=', "empty 'lifeSeconds='");
    refused('principal=a lifeSeconds=6x', "non-integral 'lifeSeconds='");
    refused('principal=a lifeSeconds=0', "'lifeSeconds=' is out of range of a positive int");
    refused('principal=a lifeSeconds=-5', "'lifeSeconds=' is out of range of a positive int");
    refused('principal=a lifeSeconds=2147483648', "'lifeSeconds=' is out of range of a positive int");
    refused('principal=a lifeSeconds=2147483647', "'lifeSeconds=' above 2147483 overflows librdkafka's millisecond arithmetic");
    refused('principal=a lifeSeconds=2147484', "'lifeSeconds=' above 2147483 overflows librdkafka's millisecond arithmetic");
    expect(parseRdkafkaOauthbearerConfig('principal=a lifeSeconds=2147483').lifeSeconds).toBe(2_147_483);
    expect(parseRdkafkaOauthbearerConfig('principal=a lifeSeconds=\v+60').lifeSeconds).toBe(60);
  });
  it('single-valued names', () => {
    refused('principal=a principal=b', "multiple 'principal=' entries");
    refused('principal=', "empty 'principal='");
    refused('scope=a', 'no principal=<value>');
    refused('principal=a"b', '\'"\' cannot appear in principal');
  });
  it('backslashes and control characters where librdkafka writes the text into JSON', () => {
    refused('principal=a\\b', 'principal contains a backslash or control character, which librdkafka writes unescaped into JSON');
    refused('principalClaimName=a\\b principal=x', 'principalClaimName contains a backslash or control character, which librdkafka writes unescaped into JSON');
    refused('scopeClaimName=a\\b scope=s principal=x', 'scopeClaimName contains a backslash or control character, which librdkafka writes unescaped into JSON');
    // Without scope items the scope claim and its name are not written.
    expect(parseRdkafkaOauthbearerConfig('scopeClaimName=a\\b principal=x').scopeClaimName).toBe('a\\b');
  });
});
